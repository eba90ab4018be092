// The optim namespace.

export { Optimizer, type OptimizerStateDict, type ParamGroup, type ParamsArg, type StateValue } from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, AdamW, type AdamOptions } from './adam.js';
export { Adagrad, type AdagradOptions } from './adagrad.js';
export { RMSprop, type RMSpropOptions } from './rmsprop.js';
export { Adadelta, type AdadeltaOptions } from './adadelta.js';
export { LBFGS, type LBFGSOptions } from './lbfgs.js';
export { Newton, type NewtonOptions, type NewtonStepKind, type NewtonDerivatives } from './newton.js';
export {
  LRScheduler, LambdaLR, StepLR, MultiStepLR, ConstantLR, LinearLR, ExponentialLR, CosineAnnealingLR, ReduceLROnPlateau,
  TimeBasedDecayLR, GradientScaledLR,
  type AnyLRScheduler, type LRSchedulerKind, type LRSchedulerStateDict, type LRSchedulerOptions, type LambdaLROptions,
  type StepLROptions, type MultiStepLROptions, type ConstantLROptions, type LinearLROptions, type ExponentialLROptions,
  type CosineAnnealingLROptions, type ReduceLROnPlateauOptions, type TimeBasedDecayLROptions, type GradientScaledLROptions,
} from './lr_scheduler.js';
