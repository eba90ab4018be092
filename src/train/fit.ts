// The training loop: fit() runs epochs of mini-batch training with callbacks, metrics and a progress
// display, and returns the history; evaluate() runs a model over data without gradients. Data is any
// iterable of [input, target] batches (data.DataLoader, an array of batches, a generator); a `length`
// property, when present, gives the progress bar its total.

import { ArgumentError, checkOptions } from '../core/errors.js';
import { noGrad } from '../engine.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { detach } from '../ops/layout.js';
import { Tensor } from '../tensor.js';
import { resolveMetrics, type Metric, type MetricSpec } from './metrics.js';
import { Progress, type ProgressStream } from './progress.js';

/** One mini-batch: model input and target. */
export type Batch = readonly [Tensor, Tensor];
/** Batches to iterate once per epoch; `length` (batches per pass) lets the progress bar show a total and ETA. */
export type BatchSource = Iterable<Batch> & { readonly length?: number };
/** A loss of (model output, target), e.g. F.crossEntropy. */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/** Numbers logged at the end of an epoch: `loss`, metric names, `valLoss`, `valAccuracy`, ..., `lr`. */
export type EpochLogs = Record<string, number>;

/** What callbacks see and may change while fit() runs. */
export interface TrainContext {
  readonly model: Module<never, unknown>;
  readonly optimizer: Optimizer<object>;
  /** Current epoch, 0-based (PyTorch/Keras convention: epoch e is the (e+1)-th pass). */
  epoch: number;
  readonly epochs: number;
  /** Set to true (e.g. by EarlyStopping) to end training after the current epoch. */
  stopTraining: boolean;
  readonly history: History;
}

/**
 * Hooks into fit(), Keras-style. Every method is optional; they run in the order the callbacks are
 * given. `onAfterBackward` runs between loss.backward() and optimizer.step() (gradient clipping).
 */
export interface Callback {
  onTrainBegin?(ctx: TrainContext): void;
  onEpochBegin?(epoch: number, ctx: TrainContext): void;
  onBatchBegin?(batch: number, ctx: TrainContext): void;
  onAfterBackward?(batch: number, ctx: TrainContext): void;
  /** `logs`: this batch's `loss` and `size` (samples). */
  onBatchEnd?(batch: number, logs: { loss: number; size: number }, ctx: TrainContext): void;
  /** May add entries to `logs`; the history records the logs after every callback ran. */
  onEpochEnd?(epoch: number, logs: EpochLogs, ctx: TrainContext): void;
  onTrainEnd?(ctx: TrainContext): void;
}

/** The per-epoch logs of a fit() call, also by name (`history.values.valLoss[e]`). */
export class History {
  /** Epoch numbers (0-based) that ran. */
  readonly epochs: number[] = [];
  /** One logs object per epoch that ran. */
  readonly logs: EpochLogs[] = [];
  /** Each logged name's value per epoch (NaN where an epoch did not log it). */
  readonly values: Record<string, number[]> = {};

  add(epoch: number, logs: EpochLogs): void {
    const n = this.epochs.length;
    for (const k of Object.keys(logs)) this.values[k] ??= new Array<number>(n).fill(Number.NaN);
    for (const [k, arr] of Object.entries(this.values)) arr.push(logs[k] ?? Number.NaN);
    this.epochs.push(epoch);
    this.logs.push({ ...logs });
  }

  /** Logs of the last epoch that ran (undefined before the first). */
  last(): EpochLogs | undefined {
    return this.logs[this.logs.length - 1];
  }

  /** The history as CSV (epoch, then every logged name), e.g. for plotting. */
  toCSV(): string {
    const keys = Object.keys(this.values);
    const rows = this.epochs.map((e, i) => [e, ...keys.map((k) => this.values[k]![i]!)].join(','));
    return `${['epoch', ...keys].join(',')}\n${rows.map((r) => `${r}\n`).join('')}`;
  }
}

export interface FitOptions {
  optimizer: Optimizer<object>;
  loss: LossFn;
  trainData: BatchSource;
  /** Evaluated after every epoch (eval mode, no gradients): logs `valLoss` and `val<Metric>`. */
  valData?: BatchSource;
  epochs: number;
  /** Epoch to start from (e.g. after loading a checkpoint); default 0. */
  initialEpoch?: number;
  callbacks?: Callback[];
  /** 'accuracy', 'top5', or Metric objects; computed on training and validation data. */
  metrics?: MetricSpec[];
  /**
   * Progress display per epoch (loss, metrics, samples/s, ETA; plain lines when the stream is not a
   * TTY): true (default), false, or options for it.
   */
  progress?: boolean | { stream?: ProgressStream; plain?: boolean; intervalMs?: number };
  /** Called instead of model.call(input) (e.g. for models with several inputs). */
  forward?: (model: Module<never, unknown>, input: Tensor) => Tensor;
}

function checkSource(op: string, arg: string, data: unknown): BatchSource {
  if (data === null || typeof data !== 'object' || typeof (data as { [Symbol.iterator]?: unknown })[Symbol.iterator] !== 'function') {
    throw new ArgumentError(op, arg, 'must be an iterable of [input, target] batches (e.g. a data.DataLoader)');
  }
  return data as BatchSource;
}

function checkBatch(op: string, arg: string, b: unknown, i: number): Batch {
  if (!Array.isArray(b) || b.length < 2 || !(b[0] instanceof Tensor) || !(b[1] instanceof Tensor)) {
    throw new ArgumentError(op, `${arg} batch ${i}`, 'must be an [input, target] pair of Tensors');
  }
  if (b[0].shape.length === 0) throw new ArgumentError(op, `${arg} batch ${i}`, 'input must have a batch dimension');
  return b as unknown as Batch;
}

function sourceLength(data: BatchSource): number | undefined {
  const n = (data as { length?: unknown }).length;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Sums of a pass over data: sample-weighted loss and metric numerators/denominators. */
class Accumulator {
  samples = 0;
  lossSum = 0;
  private readonly sums: [number, number][];
  constructor(private readonly metrics: Metric[]) {
    this.sums = metrics.map(() => [0, 0]);
  }
  add(output: Tensor, target: Tensor, loss: number, size: number): void {
    this.samples += size;
    this.lossSum += loss * size;
    this.metrics.forEach((m, i) => {
      const [num, den] = m.update(output, target);
      this.sums[i]![0] += num;
      this.sums[i]![1] += den;
    });
  }
  logs(prefix: '' | 'val'): EpochLogs {
    const key = (name: string): string => (prefix ? `${prefix}${name[0]!.toUpperCase()}${name.slice(1)}` : name);
    const out: EpochLogs = { [key('loss')]: this.samples > 0 ? this.lossSum / this.samples : Number.NaN };
    this.metrics.forEach((m, i) => {
      const [num, den] = this.sums[i]!;
      out[key(m.name)] = den > 0 ? num / den : Number.NaN;
    });
    return out;
  }
}

function runForward(model: Module<never, unknown>, forward: FitOptions['forward'], x: Tensor): Tensor {
  const out = forward ? forward(model, x) : (model as unknown as Module<[Tensor], Tensor>).call(x);
  if (!(out instanceof Tensor)) throw new ArgumentError('fit', 'model', 'must return a Tensor from forward (pass `forward` for other outputs)');
  return out;
}

export interface EvaluateOptions {
  loss: LossFn;
  metrics?: MetricSpec[];
  forward?: (model: Module<never, unknown>, input: Tensor) => Tensor;
}

/**
 * Runs the model over `data` in eval mode without gradients (the training mode is restored after)
 * and returns the sample-weighted mean `loss` and the metrics.
 */
export function evaluate(model: Module<never, unknown>, data: BatchSource, options: EvaluateOptions): EpochLogs {
  checkOptions('evaluate', options, ['loss', 'metrics', 'forward']);
  if (typeof options.loss !== 'function') throw new ArgumentError('evaluate', 'loss', 'must be a function (output, target) => Tensor');
  return evaluateWith(model, checkSource('evaluate', 'data', data), options.loss, resolveMetrics('evaluate', options.metrics), options.forward, '');
}

function evaluateWith(model: Module<never, unknown>, data: BatchSource, lossFn: LossFn, metrics: Metric[], forward: FitOptions['forward'], prefix: '' | 'val'): EpochLogs {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const acc = new Accumulator(metrics);
      let i = 0;
      for (const raw of data) {
        const [x, y] = checkBatch('evaluate', 'data', raw, i++);
        const out = runForward(model, forward, x);
        acc.add(out, y, lossFn(out, y).item() as number, x.shape[0]!);
      }
      return acc.logs(prefix);
    });
  } finally {
    model.train(wasTraining);
  }
}

/**
 * Trains `model` for `epochs` passes over `trainData` (zeroGrad, forward, loss, backward, step per
 * batch), evaluating `valData` after each epoch, and returns the history.
 * @example
 * const history = train.fit(model, {
 *   optimizer: new optim.Adam(model.parameters(), { lr: 1e-3 }), loss: F.crossEntropy,
 *   trainData: loader, valData: testLoader, epochs: 10, metrics: ['accuracy'],
 *   callbacks: [new train.EarlyStopping({ monitor: 'valLoss', patience: 2, restoreBestWeights: true })],
 * });
 */
export function fit(model: Module<never, unknown>, options: FitOptions): History {
  checkOptions('fit', options, ['optimizer', 'loss', 'trainData', 'valData', 'epochs', 'initialEpoch', 'callbacks', 'metrics', 'progress', 'forward']);
  const { optimizer, loss: lossFn, epochs } = options;
  if (!optimizer || typeof (optimizer as { step?: unknown }).step !== 'function') throw new ArgumentError('fit', 'optimizer', 'must be an optim.Optimizer');
  if (typeof lossFn !== 'function') throw new ArgumentError('fit', 'loss', 'must be a function (output, target) => Tensor, e.g. F.crossEntropy');
  if (!Number.isSafeInteger(epochs) || epochs < 0) throw new ArgumentError('fit', 'epochs', `must be a non-negative integer, got ${String(epochs)}`);
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isSafeInteger(initialEpoch) || initialEpoch < 0) throw new ArgumentError('fit', 'initialEpoch', `must be a non-negative integer, got ${String(initialEpoch)}`);
  const trainData = checkSource('fit', 'trainData', options.trainData);
  const valData = options.valData === undefined ? undefined : checkSource('fit', 'valData', options.valData);
  const callbacks = options.callbacks ?? [];
  if (!Array.isArray(callbacks)) throw new ArgumentError('fit', 'callbacks', 'must be an array of callbacks');
  const metrics = resolveMetrics('fit', options.metrics);
  const progressOpt = options.progress ?? true;
  const forward = options.forward;

  const history = new History();
  const ctx: TrainContext = { model, optimizer, epoch: initialEpoch, epochs, stopTraining: false, history };
  const each = (fn: (c: Callback) => void): void => callbacks.forEach(fn);
  each((c) => c.onTrainBegin?.(ctx));
  for (let epoch = initialEpoch; epoch < epochs && !ctx.stopTraining; epoch++) {
    ctx.epoch = epoch;
    model.train(true);
    each((c) => c.onEpochBegin?.(epoch, ctx));
    const total = sourceLength(trainData);
    const bar = progressOpt === false
      ? null
      : new Progress({
        total: total ?? 0, epoch: epoch + 1, epochs, label: 'train',
        ...(typeof progressOpt === 'object' ? progressOpt : {}),
      });
    const acc = new Accumulator(metrics);
    let i = 0;
    for (const raw of trainData) {
      const [x, y] = checkBatch('fit', 'trainData', raw, i);
      each((c) => c.onBatchBegin?.(i, ctx));
      optimizer.zeroGrad();
      const out = runForward(model, forward, x);
      const loss = lossFn(out, y);
      if (!(loss instanceof Tensor) || loss.numel() !== 1) throw new ArgumentError('fit', 'loss', 'must return a scalar Tensor');
      loss.backward();
      each((c) => c.onAfterBackward?.(i, ctx));
      optimizer.step();
      const size = x.shape[0]!;
      const lossValue = loss.item() as number;
      acc.add(detach(out), y, lossValue, size);
      i++;
      each((c) => c.onBatchEnd?.(i - 1, { loss: lossValue, size }, ctx));
      if (bar) {
        const l = acc.logs('');
        bar.update(total === undefined ? 0 : i, l, { samples: acc.samples });
      }
    }
    const logs: EpochLogs = acc.logs('');
    if (valData) Object.assign(logs, evaluateWith(model, valData, lossFn, metrics, forward, 'val'));
    const lr = (optimizer.paramGroups[0] as { lr?: unknown } | undefined)?.lr;
    if (typeof lr === 'number') logs.lr = lr;
    if (bar) {
      if (total === undefined) bar.update(0, logs);
      else bar.update(i, logs);
      bar.stop();
    }
    // Callbacks may add to the logs (e.g. GradientClipping's gradNorm); the history records them after.
    each((c) => c.onEpochEnd?.(epoch, logs, ctx));
    history.add(epoch, logs);
  }
  each((c) => c.onTrainEnd?.(ctx));
  return history;
}
