// The optim namespace.

export { Optimizer, type ParamGroup, type ParamsArg } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
