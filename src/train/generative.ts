// What the generative trainers (fitMMD in mmd.ts, fitGAN in gan.ts) share: real batches drawn from a
// tensor or a dataset, noise batches, the steps-or-epochs loop with fit()'s callbacks, History and
// Progress, and modeCoverage, a sample-quality measure for mixtures. No losses here.

import { ArgumentError, ShapeError, checkOptions } from '../core/errors.js';
import { defaultGenerator, Generator } from '../core/random.js';
import type { FloatDType } from '../core/dtype.js';
import { DataLoader } from '../data/dataloader.js';
import { TensorDataset, type DatasetLike } from '../data/dataset.js';
import { noGrad } from '../engine.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { rand, randn, tensor } from '../ops/creation.js';
import { mul, sub } from '../ops/elementwise.js';
import { checkInt } from '../ops/helpers.js';
import { Tensor } from '../tensor.js';
import { History, type Callback, type EpochLogs, type TrainContext } from './fit.js';
import { Progress, type ProgressStream } from './progress.js';

/** Real data for a generative trainer: a tensor of samples (N, ...) or a dataset of samples (a tensor, or a tuple whose first element is one). */
export type GenerativeData = Tensor | DatasetLike<Tensor | readonly Tensor[]>;
/** Noise fed to the generator: N(0, 1) ('normal', the default), U(−1, 1) ('uniform'), or your own (n) => Tensor [n, ...]. */
export type NoiseSpec = 'normal' | 'uniform' | ((n: number) => Tensor);

/** Options shared by fitMMD and fitGAN. Give exactly one of `steps` and `epochs`. */
export interface GenerativeFitOptions {
  data: GenerativeData;
  /** Noise dimension z: the generator maps noise (n, noiseDim) to samples shaped like the data's. */
  noiseDim: number;
  /** Samples per batch, real and generated alike (the last, short batch of an epoch is dropped). */
  batchSize: number;
  /** Train for this many steps; the history then has one entry per step (`history.epochs` holds step numbers). */
  steps?: number;
  /** Train for this many passes over the data; the history has one entry per epoch (means over its steps). */
  epochs?: number;
  noise?: NoiseSpec;
  /** Random source for shuffling, noise and (GAN) penalty interpolation; default the global generator. */
  generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)`. */
  seed?: number;
  /**
   * fit()'s callbacks. ctx.model/ctx.optimizer are the generator and its optimizer; onAfterBackward runs
   * after the generator's backward; in steps mode every step counts as one "epoch" (onEpochEnd per step).
   */
  callbacks?: Callback[];
  /** Progress display: true (default), false, or options for it (see fit). */
  progress?: boolean | { stream?: ProgressStream; plain?: boolean; intervalMs?: number };
}

/** The option names every generative trainer accepts (for checkOptions). */
export const GENERATIVE_KEYS = ['data', 'noiseDim', 'batchSize', 'steps', 'epochs', 'noise', 'generator', 'seed', 'callbacks', 'progress'] as const;

/** What a trainer's callbacks see: fit()'s context with the generator as `model`, plus the step count. */
export interface GenerativeContext extends TrainContext {
  /** Steps (iterations) done so far. */
  step: number;
  /** The discriminator and its optimizer (fitGAN only). */
  readonly discriminator?: Module<never, unknown>;
  readonly dOptimizer?: Optimizer<object>;
}

/** Checked common options, and the objects built from them. */
export interface GenerativeSetup {
  noiseDim: number;
  batchSize: number;
  mode: 'steps' | 'epochs';
  /** steps or epochs. */
  count: number;
  rng: Generator;
  loader: DataLoader<unknown, unknown>;
  /** dtype of the real samples (noise is made in it). */
  dtype: FloatDType;
  noise: (n: number) => Tensor;
  callbacks: Callback[];
  progress: GenerativeFitOptions['progress'];
}

/** Checks the shared options and builds the loader, the noise source and the random generator. */
export function setupGenerative(op: string, options: GenerativeFitOptions): GenerativeSetup {
  if (typeof options !== 'object' || options === null) throw new ArgumentError(op, 'options', 'must be an object');
  const noiseDim = checkInt(op, 'noiseDim', options.noiseDim, 1);
  const batchSize = checkInt(op, 'batchSize', options.batchSize, 1);
  if ((options.steps === undefined) === (options.epochs === undefined)) throw new ArgumentError(op, 'steps', 'or epochs must be given (exactly one of them)');
  const mode = options.steps !== undefined ? 'steps' : 'epochs';
  const count = checkInt(op, mode, mode === 'steps' ? options.steps : options.epochs, 0);
  if (options.generator !== undefined && options.seed !== undefined) throw new ArgumentError(op, 'seed', 'cannot be given together with generator (pick one)');
  if (options.generator !== undefined && !(options.generator instanceof Generator)) throw new ArgumentError(op, 'generator', 'must be a Generator (the random source; the generator network is the first argument)');
  if (options.seed !== undefined) checkInt(op, 'seed', options.seed, 0);
  const rng = options.generator ?? (options.seed !== undefined ? new Generator(options.seed) : defaultGenerator);
  const { data } = options;
  let dataset: DatasetLike<unknown>;
  let dtype: FloatDType = 'float32';
  if (data instanceof Tensor) {
    if (data.ndim < 1) throw new ShapeError(op, 'data', 'must have a sample dimension first', { data: data.shape });
    if (data.dtype !== 'float32' && data.dtype !== 'float64') throw new ArgumentError(op, 'data', `must be floating point samples, got ${data.dtype}`);
    dtype = data.dtype;
    dataset = new TensorDataset(data);
  } else {
    dataset = data as DatasetLike<unknown>;
  }
  const loader = new DataLoader<unknown, unknown>(dataset, { batchSize, shuffle: true, dropLast: true, ...(rng === defaultGenerator ? {} : { generator: rng }) });
  if (loader.length === 0) throw new ArgumentError(op, 'batchSize', `must not exceed the number of samples (${loader.dataset.length}), got ${batchSize}`);
  const noiseSpec = options.noise ?? 'normal';
  let noise: (n: number) => Tensor;
  if (noiseSpec === 'normal') noise = (n) => randn([n, noiseDim], { generator: rng, dtype });
  else if (noiseSpec === 'uniform') noise = (n) => sub(mul(rand([n, noiseDim], { generator: rng, dtype }), 2), 1);
  else if (typeof noiseSpec === 'function') {
    noise = (n) => {
      const z = noiseSpec(n);
      if (!(z instanceof Tensor) || z.ndim < 1 || z.shape[0] !== n) throw new ArgumentError(op, 'noise', `must return a Tensor with ${n} rows, got ${z instanceof Tensor ? `shape [${z.shape.join(',')}]` : typeof z}`);
      return z;
    };
  } else throw new ArgumentError(op, 'noise', `must be 'normal', 'uniform' or a function (n) => Tensor, got ${JSON.stringify(noiseSpec)}`);
  const callbacks = options.callbacks ?? [];
  if (!Array.isArray(callbacks)) throw new ArgumentError(op, 'callbacks', 'must be an array of callbacks');
  return { noiseDim, batchSize, mode, count, rng, loader, dtype, noise, callbacks, progress: options.progress ?? true };
}

/** The real samples of a loader batch: the batch itself, or element 0 of a tuple batch. */
function realOf(op: string, batch: unknown): Tensor {
  const x = Array.isArray(batch) ? (batch as unknown[])[0] : batch;
  if (!(x instanceof Tensor)) throw new ArgumentError(op, 'data', 'must give tensor samples (or tuples whose first element is a tensor)');
  return x;
}

/** One iteration of a trainer: takes real batches with `next()`, returns the numbers to log (e.g. { loss }). */
export type StepFn = (next: () => Tensor, step: number) => EpochLogs;

/**
 * Runs `step` in steps or epochs mode with callbacks, progress and history. In epochs mode an epoch is
 * ⌊batches / realPerStep⌋ iterations, logged as the mean of their values; in steps mode each iteration
 * is logged. `gLossKey` names the value passed to onBatchEnd as `loss`.
 */
export function runGenerative(op: string, s: GenerativeSetup, ctx: GenerativeContext, realPerStep: number, gLossKey: string, step: StepFn): History {
  const { callbacks, loader } = s;
  const each = (fn: (c: Callback) => void): void => callbacks.forEach(fn);
  let epochIter: Iterator<unknown> | null = null;
  const nextReal = (): Tensor => {
    for (;;) {
      if (epochIter === null) epochIter = loader[Symbol.iterator]();
      const r = epochIter.next();
      if (!r.done) return realOf(op, r.value);
      epochIter = null;
    }
  };
  const progressOpt = s.progress;
  const makeBar = (total: number, epoch?: number): Progress | null => progressOpt === false
    ? null
    : new Progress({
      total, label: op, ...(epoch === undefined ? {} : { epoch, epochs: s.count }),
      ...(typeof progressOpt === 'object' ? progressOpt : {}),
    });
  const oneStep = (i: number): EpochLogs => {
    each((c) => c.onBatchBegin?.(i, ctx));
    const logs = step(nextReal, i);
    ctx.step++;
    each((c) => c.onBatchEnd?.(i, { ...logs, loss: logs[gLossKey] ?? Number.NaN, size: s.batchSize }, ctx));
    return logs;
  };

  each((c) => c.onTrainBegin?.(ctx));
  if (s.mode === 'epochs') {
    const perEpoch = Math.floor(loader.length / realPerStep);
    if (perEpoch === 0) throw new ArgumentError(op, 'batchSize', `leaves ${loader.length} batch(es) per epoch, fewer than the ${realPerStep} real batches one step takes`);
    for (let epoch = 0; epoch < s.count && !ctx.stopTraining; epoch++) {
      ctx.epoch = epoch;
      each((c) => c.onEpochBegin?.(epoch, ctx));
      epochIter = loader[Symbol.iterator]();
      const bar = makeBar(perEpoch, epoch + 1);
      const acc = new Map<string, number>();
      for (let i = 0; i < perEpoch; i++) {
        addTo(acc, oneStep(i));
        bar?.update(i + 1, meanLogs(acc, i + 1), { samples: (i + 1) * s.batchSize * realPerStep });
      }
      epochIter = null;
      const logs = meanLogs(acc, perEpoch);
      bar?.update(perEpoch, logs);
      bar?.stop();
      each((c) => c.onEpochEnd?.(epoch, logs, ctx));
      ctx.history.add(epoch, logs);
    }
  } else {
    const bar = makeBar(s.count);
    // The display shows means over the last WINDOW steps (one step's losses are noisy).
    const WINDOW = 50;
    const recent: EpochLogs[] = [];
    for (let i = 0; i < s.count && !ctx.stopTraining; i++) {
      ctx.epoch = i;
      each((c) => c.onEpochBegin?.(i, ctx));
      const logs = oneStep(i);
      recent.push(logs);
      if (recent.length > WINDOW) recent.shift();
      each((c) => c.onEpochEnd?.(i, logs, ctx));
      ctx.history.add(i, logs);
      if (bar) {
        const acc = new Map<string, number>();
        for (const l of recent) addTo(acc, l);
        bar.update(i + 1, meanLogs(acc, recent.length), { samples: (i + 1) * s.batchSize * realPerStep });
      }
    }
    bar?.stop();
  }
  each((c) => c.onTrainEnd?.(ctx));
  return ctx.history;
}

function addTo(acc: Map<string, number>, logs: EpochLogs): void {
  for (const [k, v] of Object.entries(logs)) acc.set(k, (acc.get(k) ?? 0) + v);
}

function meanLogs(acc: Map<string, number>, n: number): EpochLogs {
  const out: EpochLogs = {};
  for (const [k, v] of acc) out[k] = v / n;
  return out;
}

/** A fresh context for a generative trainer. */
export function generativeContext(s: GenerativeSetup, model: Module<never, unknown>, optimizer: Optimizer<object>, extra?: { discriminator: Module<never, unknown>; dOptimizer: Optimizer<object> }): GenerativeContext {
  return { model, optimizer, epoch: 0, epochs: s.count, stopTraining: false, history: new History(), step: 0, ...(extra ?? {}) };
}

/** Runs the generator on noise (n rows) and checks that its samples look like the data's. */
export function generate(op: string, netG: Module<[Tensor], Tensor>, z: Tensor, like: Tensor): Tensor {
  const out = netG.call(z);
  if (!(out instanceof Tensor)) throw new ArgumentError(op, 'generator', 'must return a Tensor');
  if (out.shape.length !== like.shape.length || out.shape.some((d, i) => d !== like.shape[i])) {
    throw new ShapeError(op, 'generator', 'must return samples shaped like the data batch', { generated: out.shape, data: like.shape });
  }
  return out;
}

/** Throws unless `m` looks like an nn.Module (call and parameters). */
export function checkModule(op: string, arg: string, m: unknown): void {
  if (m === null || typeof m !== 'object' || typeof (m as { call?: unknown }).call !== 'function' || typeof (m as { parameters?: unknown }).parameters !== 'function') {
    throw new ArgumentError(op, arg, 'must be an nn.Module');
  }
}

/** Throws unless `o` looks like an optimizer (step and zeroGrad); returns it typed. */
export function checkOptimizer(op: string, arg: string, o: unknown): Optimizer<object> {
  if (o === null || typeof o !== 'object' || typeof (o as { step?: unknown }).step !== 'function' || typeof (o as { zeroGrad?: unknown }).zeroGrad !== 'function') {
    throw new ArgumentError(op, arg, 'must be an optim.Optimizer');
  }
  return o as Optimizer<object>;
}

/** modeCoverage's result. */
export interface ModeCoverage {
  /** How many modes hold at least `minFraction` of the samples. */
  covered: number;
  /** Per mode: covered or not. */
  coveredModes: boolean[];
  /** Per mode: samples within `radius` of its centre (each sample counts for its nearest centre only). */
  counts: number[];
  /** counts / number of samples. */
  fractions: number[];
  /** Fraction of samples farther than `radius` from every centre ("off-mode" samples). */
  offMode: number;
  /** The threshold used. */
  minFraction: number;
}

/**
 * Mode coverage of samples from a mixture with known centres (the 2-D ring and grid benchmarks of the
 * GAN literature): each sample goes to its nearest centre if it lies within `radius` of it (e.g. 3σ of
 * the mixture's components), else it is off-mode. A mode counts as covered when it holds at least
 * `minFraction` of all samples (default 1/(4K) for K modes: a quarter of its fair share, 3.1% for 8).
 * @example
 * const centers = Array.from({ length: 8 }, (_, k) => [2 * Math.cos(k * Math.PI / 4), 2 * Math.sin(k * Math.PI / 4)]);
 * const { covered, offMode } = train.modeCoverage(samples, centers, 3 * 0.05);
 */
export function modeCoverage(samples: Tensor, centers: Tensor | readonly (readonly number[])[], radius: number, options?: { minFraction?: number }): ModeCoverage {
  const op = 'modeCoverage';
  checkOptions(op, options, ['minFraction']);
  if (!(samples instanceof Tensor)) throw new ArgumentError(op, 'samples', 'must be a Tensor (N, d)');
  const c = centers instanceof Tensor ? centers : Array.isArray(centers) ? tensor(centers as number[][], { dtype: 'float64' }) : null;
  if (c === null) throw new ArgumentError(op, 'centers', 'must be a Tensor (K, d) or an array of points');
  if (samples.ndim !== 2 || c.ndim !== 2 || samples.shape[1] !== c.shape[1]) throw new ShapeError(op, 'centers', 'and samples must be 2-D with the same number of features', { samples: samples.shape, centers: c.shape });
  if (typeof radius !== 'number' || !(radius > 0) || !Number.isFinite(radius)) throw new ArgumentError(op, 'radius', `must be a positive number, got ${String(radius)}`);
  const [n, d] = samples.shape as [number, number];
  const k = c.shape[0]!;
  if (k === 0) throw new ArgumentError(op, 'centers', 'must hold at least one centre');
  const minFraction = options?.minFraction ?? 1 / (4 * k);
  if (typeof minFraction !== 'number' || !(minFraction >= 0 && minFraction <= 1)) throw new ArgumentError(op, 'minFraction', `must be in [0, 1], got ${String(minFraction)}`);
  const xs = noGrad(() => samples.toTypedArray()) as ArrayLike<number>;
  const cs = c.toTypedArray() as ArrayLike<number>;
  const counts = new Array<number>(k).fill(0);
  let off = 0;
  const r2 = radius * radius;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let bestJ = -1;
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let f = 0; f < d; f++) {
        const diff = xs[i * d + f]! - cs[j * d + f]!;
        s += diff * diff;
      }
      if (s < best) {
        best = s;
        bestJ = j;
      }
    }
    if (best <= r2) counts[bestJ]!++;
    else off++;
  }
  const fractions = counts.map((v) => (n > 0 ? v / n : 0));
  const coveredModes = fractions.map((f) => n > 0 && f >= minFraction);
  return { covered: coveredModes.filter(Boolean).length, coveredModes, counts, fractions, offMode: n > 0 ? off / n : 0, minFraction };
}
