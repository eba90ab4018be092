// The optim namespace.

export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamsArg, type StateValue } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { LBFGS, type LBFGSOptions } from './lbfgs.js';
export { Newton, type NewtonOptions, type NewtonStepKind, type NewtonDerivatives } from './newton.js';
