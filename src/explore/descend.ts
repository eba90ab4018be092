// explore.descend: plain gradient descent (or ascent) on a function written with nodegrad ops, recording
// the whole trajectory. The gradient comes from the autograd at every step, the update is optim.SGD's,
// and the step sizes come from the optim LR schedules (TimeBasedDecayLR, GradientScaledLR, or any
// scheduler a factory builds), so what a learner sees here is exactly what the library trains with.

import { backward } from '../autograd/functional.js';
import { ArgumentError, checkOptions } from '../core/errors.js';
import { isFloat, type FloatDType } from '../core/dtype.js';
import { enableGrad } from '../engine.js';
import { tensor } from '../ops/creation.js';
import { neg } from '../ops/elementwise.js';
import { contiguousData } from '../ops/helpers.js';
import { cast, clone, detach } from '../ops/layout.js';
import { GradientScaledLR, TimeBasedDecayLR, type AnyLRScheduler } from '../optim/lr_scheduler.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { Tensor } from '../tensor.js';
import type { Landscape } from './landscapes.js';

/** A function to descend: `(x) => scalar tensor` written with nodegrad ops, or a {@link Landscape}. */
export type Objective = ((x: Tensor) => Tensor) | Landscape;

/** A start point: a number (a 1-D problem, x is a 0-d tensor), an array of numbers (x is a vector) or a tensor. */
export type StartPoint = number | readonly number[] | Tensor;

/**
 * How the learning rate changes from step to step:
 * - `'fixed'` (default): lr at every step;
 * - `{ kind: 'timeBased', decay }`: lr/(1 + decay·t) at step t (optim.TimeBasedDecayLR);
 * - `{ kind: 'gradient', mode }`: scaled by the gradient's norm ‖g‖ at every step (optim.GradientScaledLR):
 *   'proportional' lr·‖g‖, 'normalized' (default) lr/(‖g‖ + eps), i.e. steps of length lr;
 * - a factory `(optimizer) => scheduler` for any optim LR scheduler (stepped after each step; a
 *   'gradient' one before it; ReduceLROnPlateau gets the value of f).
 */
export type Schedule =
  | 'fixed'
  | { readonly kind: 'timeBased'; readonly decay: number }
  | { readonly kind: 'gradient'; readonly mode?: 'proportional' | 'normalized'; readonly eps?: number; readonly minLr?: number; readonly maxLr?: number }
  | ((optimizer: Optimizer<object>) => AnyLRScheduler);

/** Why a descent stopped. */
export type StopReason = 'epochs' | 'converged' | 'diverged';

/** Options of {@link descend}. */
export interface DescendOptions {
  /** The (initial) learning rate, >= 0; default 0.01. */
  lr?: number;
  /** The most steps to take, a non-negative integer; default 100. */
  epochs?: number;
  /** How the rate changes from step to step; default 'fixed'. */
  schedule?: Schedule;
  /**
   * Gradient ascent: `true` or `'gradient'` flips the gradient (x ← x + lr·∇f), `'function'` descends
   * on −f instead. The two give the same trajectory; `values` are always f's. Default false.
   */
  ascent?: boolean | 'gradient' | 'function';
  /** Converged when ‖∇f‖ < tolerance (0 turns the test off); default 1e-6. */
  tolerance?: number;
  /** Diverged when a coordinate's magnitude exceeds this (or f, ∇f or x is not finite); default 1e6. */
  divergeAbove?: number;
  /** The dtype of the point; default float64 (a tensor start keeps its own float dtype). */
  dtype?: FloatDType;
}

/** The trajectory of a {@link descend} run. */
export interface DescentResult {
  /** Every point visited, x₀ first (flattened coordinates); steps + 1 of them. */
  points: number[][];
  /** f at every point. */
  values: number[];
  /** ‖∇f‖ at every point. */
  gradNorms: number[];
  /** The learning rate of every step taken (steps of them). */
  lrs: number[];
  stoppedBecause: StopReason;
  /** Steps taken. */
  steps: number;
  /** The last point and f there. */
  final: number[];
  finalValue: number;
  /** Whether this was an ascent. */
  ascent: boolean;
  /** The shape of the point tensor ([] for a 1-D problem). */
  shape: number[];
}

const DESCEND_OPTIONS = ['lr', 'epochs', 'schedule', 'ascent', 'tolerance', 'divergeAbove', 'dtype'];

/** The function of an objective (a landscape's f, or the function itself). */
export function objectiveFn(op: string, objective: Objective): (x: Tensor) => Tensor {
  if (typeof objective === 'function') return objective;
  if (objective !== null && typeof objective === 'object' && typeof objective.f === 'function') return objective.f;
  throw new ArgumentError(op, 'f', `must be a function of a tensor or an explore landscape, got ${objective === null ? 'null' : typeof objective}`);
}

/** The start as a fresh leaf tensor that requires grad. */
function startTensor(op: string, x0: StartPoint, dtype: FloatDType | undefined): Tensor {
  if (x0 instanceof Tensor) {
    if (!isFloat(x0.dtype)) throw new ArgumentError(op, 'x0', `must be a floating-point tensor, got ${x0.dtype}`);
    const d = dtype ?? (x0.dtype as FloatDType);
    return clone(cast(detach(x0), d)).requiresGrad_(true);
  }
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (typeof x0 === 'number') {
    if (!ok(x0)) throw new ArgumentError(op, 'x0', `must be a finite number, got ${String(x0)}`);
    return tensor(x0, { dtype: dtype ?? 'float64', requiresGrad: true });
  }
  if (Array.isArray(x0) && x0.length > 0 && x0.every(ok)) return tensor([...x0], { dtype: dtype ?? 'float64', requiresGrad: true });
  throw new ArgumentError(op, 'x0', `must be a finite number, a non-empty array of finite numbers or a tensor, got ${Array.isArray(x0) ? `[${x0.map(String).join(', ')}]` : String(x0)}`);
}

function checkNumber(op: string, name: string, v: unknown, ok: (x: number) => boolean, expectation: string): number {
  if (typeof v !== 'number' || Number.isNaN(v) || !ok(v)) throw new ArgumentError(op, name, `must be ${expectation}, got ${String(v)}`);
  return v;
}

/** The scheduler for `schedule` on `opt` (null for 'fixed'). */
function makeScheduler(op: string, schedule: Schedule, opt: SGD): AnyLRScheduler | null {
  if (schedule === 'fixed') return null;
  if (typeof schedule === 'function') {
    const s = schedule(opt);
    const kind = (s as { kind?: unknown } | null)?.kind;
    if (s === null || typeof s !== 'object' || (kind !== 'epoch' && kind !== 'gradient' && kind !== 'plateau') || typeof s.step !== 'function') {
      throw new ArgumentError(op, 'schedule', 'a factory must return an optim LR scheduler (e.g. (opt) => new optim.StepLR(opt, {...}))');
    }
    if (s.optimizer !== opt) throw new ArgumentError(op, 'schedule', 'the factory must build the scheduler on the optimizer it is given');
    return s;
  }
  if (schedule !== null && typeof schedule === 'object') {
    if (schedule.kind === 'timeBased') {
      checkOptions(`${op} schedule`, schedule, ['kind', 'decay']);
      return new TimeBasedDecayLR(opt, { decay: schedule.decay });
    }
    if (schedule.kind === 'gradient') {
      checkOptions(`${op} schedule`, schedule, ['kind', 'mode', 'eps', 'minLr', 'maxLr']);
      const { kind: _kind, ...rest } = schedule;
      return new GradientScaledLR(opt, rest);
    }
  }
  throw new ArgumentError(op, 'schedule', `must be 'fixed', { kind: 'timeBased', decay }, { kind: 'gradient', mode } or a function (optimizer) => scheduler, got ${JSON.stringify(schedule)}`);
}

/**
 * Gradient descent (or ascent) on `f` from `x0`: at every step f and ∇f (autograd) are evaluated at x,
 * then x ← x − lr_t·∇f (optim.SGD). Stops after `epochs` steps, when ‖∇f‖ < tolerance ('converged'), or
 * when f, ∇f or x stops being finite or x leaves [−divergeAbove, divergeAbove] ('diverged').
 *
 * @example
 * const r = explore.descend((x) => x.pow(2), 1, { lr: 0.1, epochs: 3 });
 * r.points; // [[1], [0.8], [0.64], [0.512]]  (x ← x − 0.1·2x)
 * explore.descend(explore.landscapes.poly6, 0, { lr: 0.01 }).stoppedBecause; // 'converged': f'(0) = 0, x stays at 0
 */
export function descend(f: Objective, x0: StartPoint, options: DescendOptions = {}): DescentResult {
  const op = 'explore.descend';
  checkOptions(op, options, DESCEND_OPTIONS);
  const fn = objectiveFn(op, f);
  const lr = checkNumber(op, 'lr', options.lr ?? 0.01, (x) => x >= 0 && Number.isFinite(x), 'a finite number >= 0');
  const epochs = checkNumber(op, 'epochs', options.epochs ?? 100, (x) => Number.isInteger(x) && x >= 0, 'a non-negative integer');
  const tolerance = checkNumber(op, 'tolerance', options.tolerance ?? 1e-6, (x) => x >= 0, 'a number >= 0');
  const divergeAbove = checkNumber(op, 'divergeAbove', options.divergeAbove ?? 1e6, (x) => x > 0, 'a number > 0');
  const ascentOpt = options.ascent ?? false;
  if (ascentOpt !== true && ascentOpt !== false && ascentOpt !== 'gradient' && ascentOpt !== 'function') {
    throw new ArgumentError(op, 'ascent', `must be true, false, 'gradient' or 'function', got ${JSON.stringify(ascentOpt)}`);
  }
  if (options.dtype !== undefined && options.dtype !== 'float32' && options.dtype !== 'float64') {
    throw new ArgumentError(op, 'dtype', `must be 'float32' or 'float64', got ${JSON.stringify(options.dtype)}`);
  }
  const flipFunction = ascentOpt === 'function';
  const flipGradient = ascentOpt === true || ascentOpt === 'gradient';
  const x = startTensor(op, x0, options.dtype);
  // NOTE: 'function' ascent descends on −f; 'gradient' ascent is SGD's maximize (x ← x + lr·∇f).
  const objective = flipFunction ? (t: Tensor): Tensor => neg(fn(t)) : fn;
  const opt = new SGD([x], { lr, maximize: flipGradient });
  const sched = makeScheduler(op, options.schedule ?? 'fixed', opt);

  const result: DescentResult = {
    points: [], values: [], gradNorms: [], lrs: [], stoppedBecause: 'epochs', steps: 0, final: [], finalValue: Number.NaN,
    ascent: flipFunction || flipGradient, shape: [...x.shape],
  };
  for (let t = 0; ; t++) {
    opt.zeroGrad();
    const y = enableGrad(() => objective(x));
    if (!(y instanceof Tensor) || y.numel() !== 1) {
      throw new ArgumentError(op, 'f', `must return a single-element tensor, got ${y instanceof Tensor ? `shape [${y.shape.join(',')}]` : typeof y}`);
    }
    if (!y.requiresGrad) throw new ArgumentError(op, 'f', 'must compute its result from x with nodegrad ops (the result does not depend on x)');
    backward(y);
    const value = (flipFunction ? -1 : 1) * Number(y.item());
    const point = Array.from(contiguousData(x), Number);
    let sq = 0;
    for (const g of contiguousData(x.grad!)) sq += Number(g) * Number(g);
    const gradNorm = Math.sqrt(sq);
    result.points.push(point);
    result.values.push(value);
    result.gradNorms.push(gradNorm);
    if (!Number.isFinite(value) || !Number.isFinite(gradNorm) || point.some((v) => !Number.isFinite(v) || Math.abs(v) > divergeAbove)) {
      result.stoppedBecause = 'diverged';
      break;
    }
    if (gradNorm < tolerance) {
      result.stoppedBecause = 'converged';
      break;
    }
    if (t === epochs) break;
    if (sched?.kind === 'gradient') sched.step();
    result.lrs.push(opt.paramGroups[0]!.lr);
    opt.step();
    result.steps++;
    if (sched?.kind === 'plateau') sched.step(value);
    else if (sched?.kind === 'epoch') sched.step();
  }
  result.final = result.points[result.points.length - 1]!;
  result.finalValue = result.values[result.values.length - 1]!;
  return result;
}

/** The options {@link descend} knows (for wrappers that pass them on). */
export const descendOptionNames: readonly string[] = DESCEND_OPTIONS;
