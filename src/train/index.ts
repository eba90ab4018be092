// The train namespace: the fit loop, evaluation, callbacks, metrics, several-seed runs and the
// progress display.

export {
  Progress, formatProgressLine, formatMetrics, formatDuration, type ProgressOptions, type ProgressStream, type ProgressMetrics, type ProgressState,
} from './progress.js';
export {
  fit, evaluate, History, type FitOptions, type EvaluateOptions, type Callback, type TrainContext, type EpochLogs, type Batch, type BatchSource, type LossFn,
} from './fit.js';
export {
  EarlyStopping, LRSchedulerCallback, CSVLogger, JSONLogger, ModelCheckpoint, GradientClipping, resolveMode,
  type EarlyStoppingOptions, type ModelCheckpointOptions, type GradientClippingOptions, type LRSchedulerCallbackOptions, type LoggerOptions, type MonitorMode, type SchedulerLike,
} from './callbacks.js';
export { accuracy, topKAccuracy, type Metric, type MetricSpec } from './metrics.js';
export { bestOfSeeds, type BestOfSeedsOptions, type BestOfSeedsResult, type SeedScore } from './seeds.js';
export {
  modeCoverage, type ModeCoverage, type GenerativeFitOptions, type GenerativeContext, type GenerativeData, type NoiseSpec,
} from './generative.js';
export { fitMMD, type FitMMDOptions } from './mmd.js';
export {
  fitGAN, discriminatorLoss, generatorLoss, gradientPenalty,
  type FitGANOptions, type GANLoss, type DiscriminatorLossOptions, type GeneratorLossOptions, type GradientPenaltyOptions, type Discriminator,
} from './gan.js';
