// The train namespace: helpers for training loops. Today: the progress display.

export {
  Progress, formatProgressLine, formatMetrics, formatDuration, type ProgressOptions, type ProgressStream, type ProgressMetrics, type ProgressState,
} from './progress.js';
