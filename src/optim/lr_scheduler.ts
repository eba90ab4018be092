// Learning-rate schedules with PyTorch 1.13's semantics (torch/optim/lr_scheduler.py): the constructor
// records each group's initialLr and performs the initial step (lastEpoch −1 → 0); step() advances lastEpoch
// and writes every parameter group's `lr` with the chainable (recursive) form PyTorch uses, so values match
// it step for step, also past tMax or after outside changes to lr. The optimizers read group.lr at every
// step. ReduceLROnPlateau is separate (step(metric)); GradientScaledLR steps after backward() on every batch.
// Two course schedules live here too: TimeBasedDecayLR and GradientScaledLR.

import { ArgumentError, checkOptions } from '../core/errors.js';
import { contiguousData } from '../ops/helpers.js';
import { Tensor } from '../tensor.js';
import { Optimizer } from './optimizer.js';

/** How a training loop drives a scheduler: see {@link AnyLRScheduler}. */
export type LRSchedulerKind = 'epoch' | 'gradient' | 'plateau';

/** Any scheduler; tell them apart by `kind` ('epoch': step() per epoch, 'plateau': step(metric) per epoch,
 * 'gradient': step() after every backward(), before optimizer.step()). */
export type AnyLRScheduler = LRScheduler | ReduceLROnPlateau;

/** A scheduler's state (PyTorch's state_dict(): every field but the optimizer and the lambdas). */
export type LRSchedulerStateDict = Record<string, unknown>;

/** Options every epoch scheduler accepts. */
export interface LRSchedulerOptions {
  /** The index of the last epoch when resuming; -1 (default) starts afresh. Resuming needs `initialLr` in every group. */
  lastEpoch?: number;
}

type LrGroup = { lr: number; initialLr?: number; params: Tensor[] };
const groupsOf = (o: Optimizer<object>): LrGroup[] => o.paramGroups as unknown as LrGroup[];

function checkOptimizer(op: string, optimizer: unknown): void {
  if (!(optimizer instanceof Optimizer)) throw new ArgumentError(op, 'optimizer', `must be an optim.Optimizer, got ${optimizer === null ? 'null' : typeof optimizer}`);
  groupsOf(optimizer).forEach((g, i) => {
    if (typeof g.lr !== 'number' || !Number.isFinite(g.lr)) throw new ArgumentError(op, `optimizer.paramGroups[${i}].lr`, `must be a finite number, got ${String(g.lr)}`);
  });
}
function req(op: string, options: object | undefined, key: string): void {
  if (options === undefined || options === null || !(key in options) || (options as Record<string, unknown>)[key] === undefined) {
    throw new ArgumentError(op, `option '${key}'`, 'is required');
  }
}
function checkNumber(op: string, name: string, v: unknown, ok: (x: number) => boolean, expectation: string): void {
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v)) throw new ArgumentError(op, name, `must be ${expectation}, got ${String(v)}`);
}
const isNonNegInt = (x: number): boolean => Number.isInteger(x) && x >= 0;
/** A number per group: one number for all, or an array with one per group. */
function perGroup(op: string, name: string, v: number | readonly number[], groups: number, ok: (x: number) => boolean, expectation: string): number[] {
  if (Array.isArray(v)) {
    if (v.length !== groups) throw new ArgumentError(op, name, `must have one value per parameter group (${groups}), got ${v.length}`);
    v.forEach((x, i) => checkNumber(op, `${name}[${i}]`, x, ok, expectation));
    return [...(v as number[])];
  }
  checkNumber(op, name, v, ok, expectation);
  return new Array<number>(groups).fill(v as number);
}

/**
 * Base of the epoch schedulers (PyTorch's _LRScheduler): `lastEpoch`, `baseLrs` (the groups' initialLr),
 * `step()`, `getLastLr()`, `stateDict()`/`loadStateDict()`. Subclasses compute the next lrs in `getLr()`
 * (the chainable form, from the groups' current lr) and call `initialStep()` at the end of their constructor.
 */
export abstract class LRScheduler {
  /** 'epoch': call step() once per epoch (after the optimizer steps); GradientScaledLR is 'gradient'. */
  readonly kind: 'epoch' | 'gradient' = 'epoch';
  /** The groups' initial learning rates (group.initialLr). */
  baseLrs: number[];
  /** The index of the last step taken: 0 after construction, +1 per step(). */
  lastEpoch: number;
  protected stepCount = 0;
  protected lastLr: number[] = [];

  constructor(
    readonly name: string,
    readonly optimizer: Optimizer<object>,
    options: LRSchedulerOptions,
  ) {
    checkOptimizer(name, optimizer);
    const lastEpoch = options.lastEpoch ?? -1;
    checkNumber(name, 'lastEpoch', lastEpoch, (x) => Number.isInteger(x) && x >= -1, 'an integer >= -1');
    const groups = groupsOf(optimizer);
    if (lastEpoch === -1) {
      for (const g of groups) g.initialLr ??= g.lr;
    } else {
      groups.forEach((g, i) => {
        if (typeof g.initialLr !== 'number') throw new ArgumentError(name, `optimizer.paramGroups[${i}].initialLr`, 'is not set: resuming (lastEpoch != -1) needs the initial lr of every group');
      });
    }
    this.baseLrs = groups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The next lr of every group (PyTorch's get_lr, chainable form); lastEpoch is already advanced. */
  protected abstract getLr(): number[];

  /** The constructor's initial step (lastEpoch −1 → 0). Subclasses call it once their fields are set. */
  protected initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The lrs of the groups now (their `lr`). */
  protected groupLrs(): number[] {
    return groupsOf(this.optimizer).map((g) => g.lr);
  }

  /** Advances one epoch and writes the new lr into every parameter group. */
  step(): void {
    this.stepCount++;
    this.lastEpoch++;
    const values = this.getLr();
    groupsOf(this.optimizer).forEach((g, i) => (g.lr = values[i]!));
    this.lastLr = this.groupLrs();
  }

  /** The lrs set by the last step() (PyTorch's get_last_lr). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Every field but the optimizer and functions (PyTorch's state_dict), copied. */
  stateDict(): LRSchedulerStateDict {
    const out: LRSchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) {
      if (k === 'optimizer' || k === 'name' || k === 'kind' || typeof v === 'function' || (Array.isArray(v) && v.some((x) => typeof x === 'function'))) continue;
      out[k] = structuredClone(v);
    }
    return out;
  }

  /** Restores a stateDict() of a scheduler of the same class over the same number of groups; nothing changes on error. */
  loadStateDict(sd: LRSchedulerStateDict): void {
    if (typeof sd !== 'object' || sd === null || Array.isArray(sd)) throw new ArgumentError(this.name, 'stateDict', 'must be an object returned by stateDict()');
    const own = this.stateDict();
    for (const [k, v] of Object.entries(sd)) {
      if (!(k in own)) throw new ArgumentError(this.name, `stateDict.${k}`, `is not a field of ${this.name} (known: ${Object.keys(own).join(', ')})`);
      const cur = own[k];
      const kindOf = (x: unknown): string => (x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x);
      if (kindOf(v) !== kindOf(cur)) throw new ArgumentError(this.name, `stateDict.${k}`, `must be ${kindOf(cur)} like the scheduler's, got ${kindOf(v)}`);
    }
    const n = groupsOf(this.optimizer).length;
    for (const k of ['baseLrs', 'lastLr']) {
      const v = sd[k];
      if (Array.isArray(v) && v.length !== n && !(k === 'lastLr' && v.length === 0)) {
        throw new ArgumentError(this.name, `stateDict.${k}`, `has ${v.length} values, the optimizer has ${n} parameter groups`);
      }
    }
    Object.assign(this, structuredClone(sd));
  }
}

/** Options of {@link LambdaLR}. */
export interface LambdaLROptions extends LRSchedulerOptions {
  /** The factor of the initial lr at each epoch, one function for all groups or one per group. */
  lrLambda: ((epoch: number) => number) | readonly ((epoch: number) => number)[];
}

/** lr = initialLr · lrLambda(epoch) (PyTorch's LambdaLR). The lambdas are not part of stateDict(). */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: ((epoch: number) => number)[];
  constructor(optimizer: Optimizer<object>, options: LambdaLROptions) {
    checkOptions('LambdaLR', options, ['lrLambda', 'lastEpoch']);
    req('LambdaLR', options, 'lrLambda');
    super('LambdaLR', optimizer, options);
    const n = this.baseLrs.length;
    const fns = Array.isArray(options.lrLambda) ? [...(options.lrLambda as ((e: number) => number)[])] : new Array(n).fill(options.lrLambda);
    if (fns.length !== n) throw new ArgumentError('LambdaLR', 'lrLambda', `must have one function per parameter group: expected ${n}, got ${fns.length}`);
    fns.forEach((f, i) => {
      if (typeof f !== 'function') throw new ArgumentError('LambdaLR', Array.isArray(options.lrLambda) ? `lrLambda[${i}]` : 'lrLambda', `must be a function of the epoch, got ${typeof f}`);
    });
    this.lrLambdas = fns;
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((base, i) => {
      const f = this.lrLambdas[i]!(this.lastEpoch);
      if (typeof f !== 'number') {
        const which = new Set(this.lrLambdas).size > 1 ? `lrLambda[${i}]` : 'lrLambda';
        throw new ArgumentError('LambdaLR', which, `must return a number, got ${typeof f} at epoch ${this.lastEpoch}`);
      }
      return base * f;
    });
  }
}

/** Options of {@link StepLR}. */
export interface StepLROptions extends LRSchedulerOptions {
  /** Period of the decay, in epochs (a positive integer). */
  stepSize: number;
  /** Multiplicative factor of the decay; default 0.1. */
  gamma?: number;
}

/**
 * Multiplies the lr by gamma every stepSize epochs (PyTorch's StepLR).
 *
 * @example
 * const opt = new optim.SGD(model.parameters(), { lr: 0.05 });
 * const sched = new optim.StepLR(opt, { stepSize: 30, gamma: 0.1 }); // 0.05 for epochs 0-29, 0.005 for 30-59, ...
 * for (let epoch = 0; epoch < 100; epoch++) {
 *   trainOneEpoch(opt);
 *   sched.step();
 * }
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;
  constructor(optimizer: Optimizer<object>, options: StepLROptions) {
    checkOptions('StepLR', options, ['stepSize', 'gamma', 'lastEpoch']);
    req('StepLR', options, 'stepSize');
    super('StepLR', optimizer, options);
    checkNumber('StepLR', 'stepSize', options.stepSize, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
    this.stepSize = options.stepSize;
    this.gamma = checkedGamma('StepLR', options.gamma ?? 0.1);
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

function checkedGamma(op: string, gamma: unknown): number {
  checkNumber(op, 'gamma', gamma, (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0');
  return gamma as number;
}

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions extends LRSchedulerOptions {
  /** Epochs at which the lr is multiplied by gamma (a repeated epoch multiplies by gamma once per repeat). */
  milestones: readonly number[];
  /** Multiplicative factor of the decay; default 0.1. */
  gamma?: number;
}

/** Multiplies the lr by gamma at each milestone epoch (PyTorch's MultiStepLR). */
export class MultiStepLR extends LRScheduler {
  milestones: number[];
  gamma: number;
  constructor(optimizer: Optimizer<object>, options: MultiStepLROptions) {
    checkOptions('MultiStepLR', options, ['milestones', 'gamma', 'lastEpoch']);
    req('MultiStepLR', options, 'milestones');
    super('MultiStepLR', optimizer, options);
    if (!Array.isArray(options.milestones)) throw new ArgumentError('MultiStepLR', 'milestones', `must be an array of epochs, got ${typeof options.milestones}`);
    options.milestones.forEach((m, i) => checkNumber('MultiStepLR', `milestones[${i}]`, m, isNonNegInt, 'a non-negative integer'));
    this.milestones = [...options.milestones].sort((a, b) => a - b);
    this.gamma = checkedGamma('MultiStepLR', options.gamma ?? 0.1);
    this.initialStep();
  }
  protected getLr(): number[] {
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma ** count);
  }
}

/** Options of {@link ConstantLR}. */
export interface ConstantLROptions extends LRSchedulerOptions {
  /** The factor applied until totalIters, in (0, 1]; default 1/3. */
  factor?: number;
  /** Epochs the factor applies; default 5. */
  totalIters?: number;
}

/**
 * Multiplies the lr by `factor` until epoch totalIters, then restores it (PyTorch's ConstantLR).
 * NOTE: factor 0 is refused (PyTorch 1.13 accepts it, then divides by zero at totalIters).
 */
export class ConstantLR extends LRScheduler {
  factor: number;
  totalIters: number;
  constructor(optimizer: Optimizer<object>, options: ConstantLROptions = {}) {
    checkOptions('ConstantLR', options, ['factor', 'totalIters', 'lastEpoch']);
    super('ConstantLR', optimizer, options);
    this.factor = options.factor ?? 1 / 3;
    this.totalIters = options.totalIters ?? 5;
    checkNumber('ConstantLR', 'factor', this.factor, (x) => x > 0 && x <= 1, 'in (0, 1]');
    checkNumber('ConstantLR', 'totalIters', this.totalIters, isNonNegInt, 'a non-negative integer');
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs().map((lr) => lr * this.factor);
    if (this.lastEpoch !== this.totalIters) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * (1.0 / this.factor));
  }
}

/** Options of {@link LinearLR}. */
export interface LinearLROptions extends LRSchedulerOptions {
  /** The factor at epoch 0, in (0, 1]; default 1/3. */
  startFactor?: number;
  /** The factor from totalIters on, in [0, 1]; default 1. */
  endFactor?: number;
  /** Epochs of the linear change; default 5. */
  totalIters?: number;
}

/**
 * Changes the lr's factor linearly from startFactor to endFactor over totalIters epochs (PyTorch's LinearLR).
 * NOTE: startFactor 0 is refused (PyTorch 1.13 accepts it, then divides by zero at epoch 1).
 */
export class LinearLR extends LRScheduler {
  startFactor: number;
  endFactor: number;
  totalIters: number;
  constructor(optimizer: Optimizer<object>, options: LinearLROptions = {}) {
    checkOptions('LinearLR', options, ['startFactor', 'endFactor', 'totalIters', 'lastEpoch']);
    super('LinearLR', optimizer, options);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1.0;
    this.totalIters = options.totalIters ?? 5;
    checkNumber('LinearLR', 'startFactor', this.startFactor, (x) => x > 0 && x <= 1, 'in (0, 1]');
    checkNumber('LinearLR', 'endFactor', this.endFactor, (x) => x >= 0 && x <= 1, 'in [0, 1]');
    checkNumber('LinearLR', 'totalIters', this.totalIters, isNonNegInt, 'a non-negative integer');
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs().map((lr) => lr * this.startFactor);
    if (this.lastEpoch > this.totalIters) return this.groupLrs();
    const d = this.endFactor - this.startFactor;
    return this.groupLrs().map((lr) => lr * (1 + d / (this.totalIters * this.startFactor + (this.lastEpoch - 1) * d)));
  }
}

/** Options of {@link ExponentialLR}. */
export interface ExponentialLROptions extends LRSchedulerOptions {
  /** Multiplicative factor per epoch. */
  gamma: number;
}

/** Multiplies the lr by gamma every epoch (PyTorch's ExponentialLR). */
export class ExponentialLR extends LRScheduler {
  gamma: number;
  constructor(optimizer: Optimizer<object>, options: ExponentialLROptions) {
    checkOptions('ExponentialLR', options, ['gamma', 'lastEpoch']);
    req('ExponentialLR', options, 'gamma');
    super('ExponentialLR', optimizer, options);
    this.gamma = checkedGamma('ExponentialLR', options.gamma);
    this.initialStep();
  }
  protected getLr(): number[] {
    if (this.lastEpoch === 0) return this.groupLrs();
    return this.groupLrs().map((lr) => lr * this.gamma);
  }
}

/** Options of {@link CosineAnnealingLR}. */
export interface CosineAnnealingLROptions extends LRSchedulerOptions {
  /** Half period, in epochs (a positive integer). */
  tMax: number;
  /** The minimum lr; default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing from the initial lr to etaMin over tMax epochs (PyTorch's CosineAnnealingLR, SGDR
 * without restarts), in PyTorch's recursive form: past tMax the lr climbs back up, with PyTorch's values.
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;
  constructor(optimizer: Optimizer<object>, options: CosineAnnealingLROptions) {
    checkOptions('CosineAnnealingLR', options, ['tMax', 'etaMin', 'lastEpoch']);
    req('CosineAnnealingLR', options, 'tMax');
    super('CosineAnnealingLR', optimizer, options);
    checkNumber('CosineAnnealingLR', 'tMax', options.tMax, (x) => Number.isInteger(x) && x > 0, 'a positive integer');
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    checkNumber('CosineAnnealingLR', 'etaMin', this.etaMin, Number.isFinite, 'a finite number');
    this.initialStep();
  }
  protected getLr(): number[] {
    const { lastEpoch: e, tMax: T, etaMin } = this;
    if (e === 0) return this.groupLrs();
    if (this.stepCount === 1 && e > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((e * Math.PI) / T))) / 2);
    }
    // NOTE: JS's % keeps the sign, Python's does not; both are 0 exactly for the same e.
    if ((e - 1 - T) % (2 * T) === 0) {
      return this.groupLrs().map((lr, i) => lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return this.groupLrs().map((lr) => ((1 + Math.cos((Math.PI * e) / T)) / (1 + Math.cos((Math.PI * (e - 1)) / T))) * (lr - etaMin) + etaMin);
  }
}

/** Options of {@link TimeBasedDecayLR}. */
export interface TimeBasedDecayLROptions extends LRSchedulerOptions {
  /** The decay rate (>= 0): lr = initialLr / (1 + decay·epoch). */
  decay: number;
}

/** Time-based decay (the course's schedule, Keras's `decay`): lr = initialLr / (1 + decay·t), t = lastEpoch. */
export class TimeBasedDecayLR extends LRScheduler {
  decay: number;
  constructor(optimizer: Optimizer<object>, options: TimeBasedDecayLROptions) {
    checkOptions('TimeBasedDecayLR', options, ['decay', 'lastEpoch']);
    req('TimeBasedDecayLR', options, 'decay');
    super('TimeBasedDecayLR', optimizer, options);
    checkNumber('TimeBasedDecayLR', 'decay', options.decay, (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0');
    this.decay = options.decay;
    this.initialStep();
  }
  protected getLr(): number[] {
    return this.baseLrs.map((base) => base / (1 + this.decay * this.lastEpoch));
  }
}

/** Options of {@link GradientScaledLR}. */
export interface GradientScaledLROptions extends LRSchedulerOptions {
  /** 'proportional': lr = initialLr·‖g‖; 'normalized' (default): lr = initialLr/(‖g‖ + eps), steps of length ≈ initialLr. */
  mode?: 'proportional' | 'normalized';
  /** Added to ‖g‖ in 'normalized' mode; default 1e-8. */
  eps?: number;
  /** Lower clamp of the lr, one for all groups or one per group; default 0. */
  minLr?: number | readonly number[];
  /** Upper clamp of the lr, one for all groups or one per group; default Infinity. */
  maxLr?: number | readonly number[];
}

/**
 * The step size scaled by the gradient magnitude (the course's schedule), per parameter group with ‖g‖ the
 * 2-norm of all its parameters' gradients: 'proportional' lr = initialLr·‖g‖, 'normalized'
 * lr = initialLr/(‖g‖ + eps) (with SGD: steps of fixed length initialLr), then clamped to [minLr, maxLr].
 * Call step() after backward() and before optimizer.step(), on every batch (`kind` is 'gradient'). A group
 * whose parameters have no gradient (as at construction) gets its initialLr.
 *
 * @example
 * const opt = new optim.SGD([x], { lr: 0.1 });
 * const sched = new optim.GradientScaledLR(opt, { mode: 'normalized' });
 * opt.zeroGrad();
 * loss(x).backward();
 * sched.step(); // lr = 0.1 / (‖x.grad‖ + 1e-8)
 * opt.step(); // x moves by 0.1 along −x.grad
 */
export class GradientScaledLR extends LRScheduler {
  override readonly kind = 'gradient' as const;
  mode: 'proportional' | 'normalized';
  eps: number;
  minLrs: number[];
  maxLrs: number[];
  /** ‖g‖ of every group at the last step (null where no parameter had a gradient). */
  lastGradNorms: (number | null)[] = [];
  constructor(optimizer: Optimizer<object>, options: GradientScaledLROptions = {}) {
    checkOptions('GradientScaledLR', options, ['mode', 'eps', 'minLr', 'maxLr', 'lastEpoch']);
    super('GradientScaledLR', optimizer, options);
    this.mode = options.mode ?? 'normalized';
    if (this.mode !== 'proportional' && this.mode !== 'normalized') {
      throw new ArgumentError('GradientScaledLR', 'mode', `must be 'proportional' or 'normalized', got ${JSON.stringify(this.mode)}`);
    }
    this.eps = options.eps ?? 1e-8;
    checkNumber('GradientScaledLR', 'eps', this.eps, (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0');
    const n = this.baseLrs.length;
    this.minLrs = perGroup('GradientScaledLR', 'minLr', options.minLr ?? 0, n, (x) => x >= 0, 'a number >= 0');
    this.maxLrs = perGroup('GradientScaledLR', 'maxLr', options.maxLr ?? Infinity, n, (x) => x >= 0, 'a number >= 0');
    this.minLrs.forEach((lo, i) => {
      if (lo > this.maxLrs[i]!) throw new ArgumentError('GradientScaledLR', 'minLr', `must be <= maxLr, got minLr=${lo}, maxLr=${this.maxLrs[i]} (group ${i})`);
    });
    this.initialStep();
  }
  protected getLr(): number[] {
    const groups = groupsOf(this.optimizer);
    this.lastGradNorms = groups.map((g) => {
      let sq = 0;
      let any = false;
      for (const p of g.params) {
        if (p.grad === null) continue;
        any = true;
        const d = contiguousData(p.grad);
        for (let i = 0; i < d.length; i++) sq += d[i]! * d[i]!;
      }
      return any ? Math.sqrt(sq) : null;
    });
    return this.baseLrs.map((base, i) => {
      const norm = this.lastGradNorms[i]!;
      if (norm === null) return base;
      const lr = this.mode === 'proportional' ? base * norm : base / (norm + this.eps);
      return Math.min(Math.max(lr, this.minLrs[i]!), this.maxLrs[i]!);
    });
  }
}

/** Options of {@link ReduceLROnPlateau} (PyTorch's names in camelCase). */
export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should decrease; 'max': increase. */
  mode?: 'min' | 'max';
  /** lr ← lr·factor on a plateau, in [0, 1); default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing; default 10. */
  patience?: number;
  /** What counts as an improvement; default 1e-4. */
  threshold?: number;
  /** 'rel' (default): better than best·(1 ∓ threshold); 'abs': better than best ∓ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again; default 0. */
  cooldown?: number;
  /** The smallest lr, one for all groups or one per group; default 0. */
  minLr?: number | readonly number[];
  /** A reduction smaller than eps is skipped; default 1e-8. */
  eps?: number;
}

/**
 * Reduces every group's lr by `factor` when a metric has stopped improving for `patience` epochs
 * (PyTorch's ReduceLROnPlateau): call `step(metric)` once per epoch with, e.g., the validation loss.
 * `kind` is 'plateau', which tells it apart from the other schedulers.
 *
 * @example
 * const sched = new optim.ReduceLROnPlateau(opt, { patience: 2, factor: 0.5 });
 * for (let epoch = 0; epoch < 50; epoch++) {
 *   trainOneEpoch(opt);
 *   sched.step(validationLoss()); // halves the lrs after 3 epochs without a 1e-4 relative improvement
 * }
 */
export class ReduceLROnPlateau {
  readonly kind = 'plateau' as const;
  readonly name = 'ReduceLROnPlateau';
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  cooldownCounter = 0;
  minLrs: number[];
  eps: number;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  numBadEpochs = 0;
  modeWorse: number;
  lastEpoch = 0;
  protected lastLr: number[];

  constructor(
    readonly optimizer: Optimizer<object>,
    options: ReduceLROnPlateauOptions = {},
  ) {
    const op = 'ReduceLROnPlateau';
    checkOptions(op, options, ['mode', 'factor', 'patience', 'threshold', 'thresholdMode', 'cooldown', 'minLr', 'eps']);
    checkOptimizer(op, optimizer);
    this.mode = options.mode ?? 'min';
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    if (this.mode !== 'min' && this.mode !== 'max') throw new ArgumentError(op, 'mode', `must be 'min' or 'max', got ${JSON.stringify(this.mode)}`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') throw new ArgumentError(op, 'thresholdMode', `must be 'rel' or 'abs', got ${JSON.stringify(this.thresholdMode)}`);
    checkNumber(op, 'factor', this.factor, (x) => x >= 0 && x < 1, 'in [0, 1)');
    checkNumber(op, 'patience', this.patience, isNonNegInt, 'a non-negative integer');
    checkNumber(op, 'cooldown', this.cooldown, isNonNegInt, 'a non-negative integer');
    checkNumber(op, 'threshold', this.threshold, (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0');
    checkNumber(op, 'eps', this.eps, (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0');
    this.minLrs = perGroup(op, 'minLr', options.minLr ?? 0, groupsOf(optimizer).length, (x) => x >= 0, 'a number >= 0');
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
    this.best = this.modeWorse;
    this.lastLr = groupsOf(optimizer).map((g) => g.lr);
  }

  /** Records this epoch's metric (a number or a one-element tensor) and reduces the lrs on a plateau. */
  step(metric: number | Tensor): void {
    let current: number;
    if (typeof metric === 'number') current = metric;
    else if (metric instanceof Tensor && metric.numel() === 1) current = Number(metric.item());
    else throw new ArgumentError(this.name, 'metric', `must be a number or a one-element tensor, got ${metric instanceof Tensor ? `shape [${metric.shape.join(',')}]` : typeof metric}`);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = groupsOf(this.optimizer).map((g) => g.lr);
  }

  /** Whether the scheduler is cooling down after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether metric `a` improves on `best` by more than the threshold (PyTorch's is_better). */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - this.threshold);
    if (this.mode === 'min') return a < best - this.threshold;
    if (this.thresholdMode === 'rel') return a > best * (this.threshold + 1);
    return a > best + this.threshold;
  }

  private reduceLr(): void {
    groupsOf(this.optimizer).forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]!);
      if (oldLr - newLr > this.eps) g.lr = newLr;
    });
  }

  /** The groups' lrs after the last step (their lrs at construction before any step). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Every field but the optimizer (PyTorch's state_dict), copied. */
  stateDict(): LRSchedulerStateDict {
    const out: LRSchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer' && k !== 'name' && k !== 'kind') out[k] = structuredClone(v);
    return out;
  }

  /** Restores a stateDict(); unknown fields or wrong types are refused and nothing changes. */
  loadStateDict(sd: LRSchedulerStateDict): void {
    if (typeof sd !== 'object' || sd === null || Array.isArray(sd)) throw new ArgumentError(this.name, 'stateDict', 'must be an object returned by stateDict()');
    const own = this.stateDict();
    for (const [k, v] of Object.entries(sd)) {
      if (!(k in own)) throw new ArgumentError(this.name, `stateDict.${k}`, `is not a field of ReduceLROnPlateau (known: ${Object.keys(own).join(', ')})`);
      if (typeof v !== typeof own[k] || Array.isArray(v) !== Array.isArray(own[k])) throw new ArgumentError(this.name, `stateDict.${k}`, `must be ${Array.isArray(own[k]) ? 'an array' : `a ${typeof own[k]}`}, got ${typeof v}`);
    }
    if (sd.mode !== undefined && sd.mode !== 'min' && sd.mode !== 'max') throw new ArgumentError(this.name, 'stateDict.mode', `must be 'min' or 'max', got ${JSON.stringify(sd.mode)}`);
    if (sd.thresholdMode !== undefined && sd.thresholdMode !== 'rel' && sd.thresholdMode !== 'abs') throw new ArgumentError(this.name, 'stateDict.thresholdMode', `must be 'rel' or 'abs', got ${JSON.stringify(sd.thresholdMode)}`);
    const n = groupsOf(this.optimizer).length;
    if (Array.isArray(sd.minLrs) && sd.minLrs.length !== n) throw new ArgumentError(this.name, 'stateDict.minLrs', `has ${sd.minLrs.length} values, the optimizer has ${n} parameter groups`);
    Object.assign(this, structuredClone(sd));
    this.modeWorse = this.mode === 'min' ? Infinity : -Infinity;
  }
}
