// Callbacks for fit(): early stopping (with best-weight restore), LR-schedule stepping, and epoch logs
// written as CSV or JSON lines. Each is a plain object implementing some Callback hooks.

import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ArgumentError, checkOptions } from '../core/errors.js';
import { noGrad } from '../engine.js';
import { saveCheckpoint } from '../io/checkpoint.js';
import { clipGradNorm_, clipGradValue_ } from '../nn/utils.js';
import { clone } from '../ops/layout.js';
import type { Tensor } from '../tensor.js';
import type { Callback, EpochLogs, TrainContext } from './fit.js';

export type MonitorMode = 'min' | 'max' | 'auto';

/** 'auto': names that read as scores (accuracy, top-k, auc, f1, ...) are maximised, the rest minimised. */
export function resolveMode(op: string, monitor: string, mode: MonitorMode): 'min' | 'max' {
  if (mode === 'min' || mode === 'max') return mode;
  if (mode !== 'auto') throw new ArgumentError(op, 'mode', `must be 'min', 'max' or 'auto', got ${JSON.stringify(mode)}`);
  return /acc|top\d|auc|f1|precision|recall|score/i.test(monitor) ? 'max' : 'min';
}

function monitored(op: string, monitor: string, logs: EpochLogs): number {
  const v = logs[monitor];
  if (v === undefined) {
    throw new ArgumentError(op, 'monitor', `'${monitor}' is not in the epoch logs (have: ${Object.keys(logs).join(', ')}); pass valData to fit() for 'val*' names`);
  }
  return v;
}

/** A copy of the model's parameters and buffers (not sharing storage). */
function snapshot(model: TrainContext['model']): Record<string, Tensor> {
  return noGrad(() => Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, clone(t)])));
}

export interface EarlyStoppingOptions {
  /** Logged value to watch (default 'valLoss'). */
  monitor?: string;
  /** Smaller is better ('min'), larger ('max'), or guess from the name ('auto', default). */
  mode?: MonitorMode;
  /** Epochs without improvement before stopping (default 0: stop at the first epoch that does not improve). */
  patience?: number;
  /** An improvement must beat the best by more than this (absolute, default 0). */
  minDelta?: number;
  /** The value to beat before anything counts as an improvement (default: none). */
  baseline?: number;
  /** At the end of training, load the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when the monitored value has not improved for `patience` epochs (Keras semantics:
 * improvement means better than the best by more than minDelta). With restoreBestWeights the model
 * ends with the best epoch's weights, also when training ran to the end.
 */
export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  private readonly modeOption: MonitorMode;
  private readonly baseline: number | undefined;
  private mode: 'min' | 'max' = 'min';
  /** Best value seen (±Infinity before the first). */
  best = Number.NaN;
  /** Epoch of the best value (-1 if none improved). */
  bestEpoch = -1;
  /** Epoch at which training was stopped (-1 if it was not). */
  stoppedEpoch = -1;
  /** Epochs since the last improvement. */
  wait = 0;
  private bestWeights: Record<string, Tensor> | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptions('EarlyStopping', options, ['monitor', 'mode', 'patience', 'minDelta', 'baseline', 'restoreBestWeights']);
    this.monitor = options.monitor ?? 'valLoss';
    if (typeof this.monitor !== 'string' || this.monitor === '') throw new ArgumentError('EarlyStopping', 'monitor', 'must be a non-empty string');
    this.patience = options.patience ?? 0;
    if (!Number.isSafeInteger(this.patience) || this.patience < 0) throw new ArgumentError('EarlyStopping', 'patience', `must be a non-negative integer, got ${String(options.patience)}`);
    this.minDelta = Math.abs(options.minDelta ?? 0);
    if (!Number.isFinite(this.minDelta)) throw new ArgumentError('EarlyStopping', 'minDelta', `must be a finite number, got ${String(options.minDelta)}`);
    if (options.baseline !== undefined && typeof options.baseline !== 'number') throw new ArgumentError('EarlyStopping', 'baseline', 'must be a number');
    this.baseline = options.baseline;
    this.restoreBestWeights = options.restoreBestWeights ?? false;
    this.modeOption = options.mode ?? 'auto';
    this.mode = resolveMode('EarlyStopping', this.monitor, this.modeOption);
  }

  onTrainBegin(): void {
    this.best = this.baseline ?? (this.mode === 'min' ? Infinity : -Infinity);
    this.bestEpoch = -1;
    this.stoppedEpoch = -1;
    this.wait = 0;
    this.bestWeights = null;
  }

  private improved(v: number): boolean {
    if (Number.isNaN(v)) return false;
    return this.mode === 'min' ? v < this.best - this.minDelta : v > this.best + this.minDelta;
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    const v = monitored('EarlyStopping', this.monitor, logs);
    if (this.improved(v)) {
      this.best = v;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = snapshot(ctx.model);
      return;
    }
    this.wait++;
    if (this.wait > this.patience) {
      this.stoppedEpoch = epoch;
      ctx.stopTraining = true;
    }
  }

  onTrainEnd(ctx: TrainContext): void {
    if (this.restoreBestWeights && this.bestWeights) ctx.model.loadStateDict(this.bestWeights);
  }
}

/**
 * The parts of an LR scheduler this callback uses. optim's schedulers say how they step by `kind`:
 * 'epoch' (step() per epoch), 'plateau' (step(metric) per epoch) or 'gradient' (step() after every
 * backward, before the optimizer's step); an object without `kind` is stepped per epoch.
 */
export type SchedulerLike =
  | { readonly kind?: 'epoch' | 'gradient'; step(metric?: number): void }
  | { readonly kind: 'plateau'; step(metric: number): void };

export interface LRSchedulerCallbackOptions {
  /**
   * The logged value passed to step(metric): required by a 'plateau' scheduler (default 'valLoss' for
   * one, e.g. ReduceLROnPlateau), optional for others (default: step() without a value).
   */
  monitor?: string;
}

/**
 * Steps an LR scheduler where PyTorch's recipes put it: once per epoch after the epoch's logs are
 * complete (so the logged `lr` is the one the epoch used), or for a 'gradient' scheduler
 * (GradientScaledLR) after every backward pass, before the optimizer's step.
 */
export class LRSchedulerCallback implements Callback {
  readonly monitor: string | undefined;
  constructor(
    readonly scheduler: SchedulerLike,
    options: LRSchedulerCallbackOptions = {},
  ) {
    checkOptions('LRSchedulerCallback', options, ['monitor']);
    if (!scheduler || typeof scheduler.step !== 'function') throw new ArgumentError('LRSchedulerCallback', 'scheduler', 'must have a step() method');
    if (scheduler.kind !== undefined && !['epoch', 'plateau', 'gradient'].includes(scheduler.kind)) {
      throw new ArgumentError('LRSchedulerCallback', 'scheduler.kind', `must be 'epoch', 'plateau' or 'gradient', got ${JSON.stringify(scheduler.kind)}`);
    }
    this.monitor = options.monitor ?? (scheduler.kind === 'plateau' ? 'valLoss' : undefined);
  }
  onAfterBackward(): void {
    if (this.scheduler.kind === 'gradient') this.stepNow();
  }
  onEpochEnd(_epoch: number, logs: EpochLogs): void {
    if (this.scheduler.kind === 'gradient') return;
    this.stepNow(this.monitor === undefined ? undefined : monitored('LRSchedulerCallback', this.monitor, logs));
  }
  private stepNow(metric?: number): void {
    const s = this.scheduler as { step(metric?: number): void };
    if (metric === undefined) s.step();
    else s.step(metric);
  }
}

export interface LoggerOptions {
  /** Keep an existing file and add to it (default false: start a new file). */
  append?: boolean;
}

/** A log file with lines appended at each epoch's end; subclasses format the lines. */
abstract class EpochFileLogger implements Callback {
  private readonly append: boolean;
  constructor(
    name: string,
    readonly path: string,
    options: LoggerOptions,
  ) {
    checkOptions(name, options, ['append']);
    if (typeof path !== 'string' || path === '') throw new ArgumentError(name, 'path', 'must be a non-empty string');
    this.append = options.append ?? false;
  }
  onTrainBegin(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    if (!this.append) writeFileSync(this.path, '');
    this.reset();
  }
  onEpochEnd(epoch: number, logs: EpochLogs): void {
    appendFileSync(this.path, this.lines(epoch, logs));
  }
  protected reset(): void {}
  /** The text to append for this epoch (newline-terminated). */
  protected abstract lines(epoch: number, logs: EpochLogs): string;
}

/** Writes one line per epoch to `path`: CSV with a header (epoch, then the logged names of the first epoch). */
export class CSVLogger extends EpochFileLogger {
  private keys: string[] | null = null;
  constructor(path: string, options: LoggerOptions = {}) {
    super('CSVLogger', path, options);
  }
  protected override reset(): void {
    this.keys = null;
  }
  protected lines(epoch: number, logs: EpochLogs): string {
    let head = '';
    if (this.keys === null) {
      this.keys = Object.keys(logs);
      head = `${['epoch', ...this.keys].join(',')}\n`;
    }
    return `${head}${[epoch, ...this.keys.map((k) => logs[k] ?? '')].join(',')}\n`;
  }
}

/** Writes one JSON object per epoch to `path` (JSON lines: `{"epoch":0,"loss":0.31,...}`). */
export class JSONLogger extends EpochFileLogger {
  constructor(path: string, options: LoggerOptions = {}) {
    super('JSONLogger', path, options);
  }
  protected lines(epoch: number, logs: EpochLogs): string {
    // NOTE: JSON has no NaN/Infinity; they are written as null.
    return `${JSON.stringify({ epoch, ...logs })}\n`;
  }
}

export interface ModelCheckpointOptions {
  /** Logged value deciding "best" (default 'valLoss'; only used with saveBestOnly). */
  monitor?: string;
  /** 'min', 'max' or 'auto' (default, from the name). */
  mode?: MonitorMode;
  /** Write only when the monitored value improved (default false: every epoch). */
  saveBestOnly?: boolean;
  /** Include the optimizer's state, so training can resume exactly (default true). */
  saveOptimizer?: boolean;
}

/**
 * Saves a checkpoint (io.saveCheckpoint: safetensors, written atomically, so a crash mid-save leaves
 * the previous file intact) at the end of epochs: the model, the optimizer's state and, as metadata,
 * the epoch and its logs. `path` may contain `{epoch}` (1-based) for one file per epoch.
 * Resume with `io.loadCheckpoint(path, { model, optimizer })` and `fit(..., { initialEpoch: metadata.epoch })`.
 */
export class ModelCheckpoint implements Callback {
  readonly monitor: string;
  readonly saveBestOnly: boolean;
  readonly saveOptimizer: boolean;
  private readonly mode: 'min' | 'max';
  /** Best monitored value so far (saveBestOnly). */
  best = Number.NaN;
  /** Paths written, in order. */
  readonly saved: string[] = [];

  constructor(
    readonly path: string,
    options: ModelCheckpointOptions = {},
  ) {
    checkOptions('ModelCheckpoint', options, ['monitor', 'mode', 'saveBestOnly', 'saveOptimizer']);
    if (typeof path !== 'string' || path === '') throw new ArgumentError('ModelCheckpoint', 'path', 'must be a non-empty string');
    this.monitor = options.monitor ?? 'valLoss';
    this.mode = resolveMode('ModelCheckpoint', this.monitor, options.mode ?? 'auto');
    this.saveBestOnly = options.saveBestOnly ?? false;
    this.saveOptimizer = options.saveOptimizer ?? true;
  }

  onTrainBegin(): void {
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  onEpochEnd(epoch: number, logs: EpochLogs, ctx: TrainContext): void {
    if (this.saveBestOnly) {
      const v = monitored('ModelCheckpoint', this.monitor, logs);
      const better = !Number.isNaN(v) && (this.mode === 'min' ? v < this.best : v > this.best);
      if (!better) return;
      this.best = v;
    }
    const file = this.path.replaceAll('{epoch}', String(epoch + 1));
    mkdirSync(dirname(file), { recursive: true });
    // NOTE: JSON has no NaN/Infinity: such log values are stored as null.
    const finite = Object.fromEntries(Object.entries(logs).map(([k, v]) => [k, Number.isFinite(v) ? v : null]));
    saveCheckpoint(file, {
      model: ctx.model,
      ...(this.saveOptimizer ? { optimizer: ctx.optimizer } : {}),
      metadata: { epoch: epoch + 1, logs: finite },
    });
    this.saved.push(file);
  }
}

export interface GradientClippingOptions {
  /** Clip the total gradient norm of the model's parameters to this (nn.utils.clipGradNorm_). */
  maxNorm?: number;
  /** The norm's p (default 2; Infinity for the max-norm). */
  normType?: number;
  /** Clip every gradient element to [-clipValue, clipValue] (nn.utils.clipGradValue_), after any norm clipping. */
  clipValue?: number;
  /** Throw if the total norm is NaN or infinite (default false). */
  errorIfNonfinite?: boolean;
}

/**
 * Clips the model's gradients between backward and the optimizer's step (the standard remedy for
 * exploding gradients in recurrent networks). The total norm before clipping of the last batch is
 * kept in `lastNorm`, and the epoch's largest in the logs as `gradNorm`.
 */
export class GradientClipping implements Callback {
  readonly maxNorm: number | undefined;
  readonly normType: number;
  readonly clipValue: number | undefined;
  readonly errorIfNonfinite: boolean;
  /** Total gradient norm (before clipping) of the last batch; NaN before the first. */
  lastNorm = Number.NaN;
  private epochMax = Number.NaN;

  constructor(options: GradientClippingOptions) {
    checkOptions('GradientClipping', options, ['maxNorm', 'normType', 'clipValue', 'errorIfNonfinite']);
    if (options.maxNorm === undefined && options.clipValue === undefined) throw new ArgumentError('GradientClipping', 'options', 'must give maxNorm, clipValue or both');
    for (const k of ['maxNorm', 'clipValue'] as const) {
      const v = options[k];
      if (v !== undefined && !(typeof v === 'number' && v >= 0)) throw new ArgumentError('GradientClipping', k, `must be a number >= 0, got ${String(v)}`);
    }
    this.maxNorm = options.maxNorm;
    this.normType = options.normType ?? 2;
    this.clipValue = options.clipValue;
    this.errorIfNonfinite = options.errorIfNonfinite ?? false;
  }
  onEpochBegin(): void {
    this.epochMax = Number.NaN;
  }
  onAfterBackward(_batch: number, ctx: TrainContext): void {
    const params = ctx.model.parameters();
    if (this.maxNorm !== undefined) {
      this.lastNorm = clipGradNorm_(params, this.maxNorm, this.normType, this.errorIfNonfinite).item() as number;
      if (!(this.lastNorm <= this.epochMax)) this.epochMax = this.lastNorm;
    }
    if (this.clipValue !== undefined) clipGradValue_(params, this.clipValue);
  }
  onEpochEnd(_epoch: number, logs: EpochLogs): void {
    if (this.maxNorm !== undefined) logs.gradNorm = this.epochMax;
  }
}
