// Loss functions with PyTorch's formulas, reductions ('mean' | 'sum' | 'none') and option names.
// All are composites of differentiable ops, written to stay finite: log-sum-exp for cross entropy,
// a NaN-free softplus for logits, clamped logs (>= -100) for probabilities, as PyTorch does.

import { isFloat, type FloatDType } from '../core/dtype.js';
import { ArgumentError, DTypeError, IndexError, ShapeError, checkOptions } from '../core/errors.js';
import { shapesEqual } from '../core/shape.js';
import type { Tensor } from '../tensor.js';
import { abs, add, clamp, div, eq, exp, gt, log, logicalOr, lt, mul, ne, neg, softplus, square, sub, where } from './elementwise.js';
import { assertTensor, checkFinite, checkInt } from './helpers.js';
import { cast, reshape, squeeze, unsqueeze } from './layout.js';
import { logSoftmax, mean, sum } from './reduce.js';
import { gather } from './indexing.js';

export type Reduction = 'mean' | 'sum' | 'none';
/** Losses are always floating point (so `loss.item()` is a number). */
export type LossTensor = Tensor<FloatDType>;

function reduction(op: string, r: unknown, allowed: readonly string[] = ['mean', 'sum', 'none']): string {
  const v = r ?? 'mean';
  if (typeof v !== 'string' || !allowed.includes(v)) throw new ArgumentError(op, 'reduction', `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(r)}`);
  return v;
}

function reduce(loss: Tensor, r: string): LossTensor {
  return (r === 'none' ? loss : r === 'sum' ? sum(loss) : mean(loss)) as LossTensor;
}

function floatInputs(op: string, input: Tensor, target: Tensor): [Tensor, Tensor] {
  assertTensor(op, 'input', input);
  assertTensor(op, 'target', target);
  if (!isFloat(input.dtype)) throw new DTypeError(op, 'input', `must be floating point, got ${input.dtype}`, { input: input.shape });
  if (!shapesEqual(input.shape, target.shape)) {
    process.emitWarning(`${op}: target shape [${target.shape.join(',')}] differs from input shape [${input.shape.join(',')}]; they will be broadcast, which is likely not what you want`, 'NodegradWarning');
  }
  return [input, isFloat(target.dtype) ? target : cast(target, input.dtype)];
}

export interface ReductionOptions {
  reduction?: Reduction;
}

/** Mean squared error (x − y)². */
export function mseLoss(input: Tensor, target: Tensor, options?: ReductionOptions): LossTensor {
  checkOptions('mseLoss', options, ['reduction']);
  const [x, y] = floatInputs('mseLoss', input, target);
  return reduce(square(sub(x, y)), reduction('mseLoss', options?.reduction));
}

/** Mean absolute error |x − y|. NOTE: the gradient at x = y is 0 (PyTorch's sign). */
export function l1Loss(input: Tensor, target: Tensor, options?: ReductionOptions): LossTensor {
  checkOptions('l1Loss', options, ['reduction']);
  const [x, y] = floatInputs('l1Loss', input, target);
  return reduce(abs(sub(x, y)), reduction('l1Loss', options?.reduction));
}

/** 0.5·z²/beta where |z| < beta, else |z| − 0.5·beta (z = x − y); beta = 0 is l1Loss. */
export function smoothL1Loss(input: Tensor, target: Tensor, options?: ReductionOptions & { beta?: number }): LossTensor {
  checkOptions('smoothL1Loss', options, ['reduction', 'beta']);
  const beta = options?.beta ?? 1;
  checkFinite('smoothL1Loss', 'beta', beta);
  if (beta < 0) throw new ArgumentError('smoothL1Loss', 'beta', `must be non-negative, got ${beta}`);
  const r = reduction('smoothL1Loss', options?.reduction);
  if (beta === 0) return l1Loss(input, target, { reduction: r as Reduction });
  const [x, y] = floatInputs('smoothL1Loss', input, target);
  const z = sub(x, y);
  const az = abs(z);
  return reduce(where(lt(az, beta), div(mul(square(z), 0.5), beta), sub(az, 0.5 * beta)), r);
}

/** 0.5·z² where |z| < delta, else delta·(|z| − 0.5·delta). */
export function huberLoss(input: Tensor, target: Tensor, options?: ReductionOptions & { delta?: number }): LossTensor {
  checkOptions('huberLoss', options, ['reduction', 'delta']);
  const delta = options?.delta ?? 1;
  checkFinite('huberLoss', 'delta', delta);
  if (delta <= 0) throw new ArgumentError('huberLoss', 'delta', `must be positive, got ${delta}`);
  const [x, y] = floatInputs('huberLoss', input, target);
  const z = sub(x, y);
  const az = abs(z);
  return reduce(where(lt(az, delta), mul(square(z), 0.5), mul(sub(az, 0.5 * delta), delta)), reduction('huberLoss', options?.reduction));
}

function checkWeight(op: string, weight: Tensor | undefined | null, arg = 'weight'): Tensor | null {
  if (weight === undefined || weight === null) return null;
  assertTensor(op, arg, weight);
  return weight;
}

/** 1/EPSILON of PyTorch's binary_cross_entropy_backward (EPSILON = 1e-12 stored as a float). */
const BCE_SLOPE = 1 / Math.fround(1e-12);

/** −w·(y·log p + (1 − y)·log(1 − p)) with logs clamped at −100 (PyTorch). p must lie in [0, 1]. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options?: ReductionOptions & { weight?: Tensor | null }): LossTensor {
  checkOptions('binaryCrossEntropy', options, ['reduction', 'weight']);
  const [p, y] = floatInputs('binaryCrossEntropy', input, target);
  const values = p.toTypedArray() as ArrayLike<number>;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) throw new ArgumentError('binaryCrossEntropy', 'input', `must contain probabilities in [0, 1], got ${v}; use binaryCrossEntropyWithLogits for logits`);
  }
  const w = checkWeight('binaryCrossEntropy', options?.weight);
  // NOTE: PyTorch's gradient is (p − y)/max(p·(1 − p), 1e-12): finite at p = 0 and p = 1, where the
  // log formula's is 0/0 (a saturated float32 sigmoid gets there). At those two points the loss is
  // its clamped value (100·y or 100·(1 − y)) on a line with PyTorch's slope (∓1/EPSILON); the log branch
  // reads a safe p there, so no NaN leaks through `where` into the gradient.
  const at0 = eq(p, 0);
  const at1 = eq(p, 1);
  const pSafe = where(logicalOr(at0, at1), 0.5, p);
  const logP = clamp(log(pSafe), -100);
  const log1mP = clamp(log(sub(1, pSafe)), -100);
  const inner = neg(add(mul(y, logP), mul(sub(1, y), log1mP)));
  const edge0 = mul(y, sub(100, mul(p, BCE_SLOPE)));
  const edge1 = mul(sub(1, y), add(100, mul(sub(p, 1), BCE_SLOPE)));
  let loss = where(at0, edge0, where(at1, edge1, inner));
  if (w) loss = mul(loss, w);
  return reduce(loss, reduction('binaryCrossEntropy', options?.reduction));
}

/**
 * Sigmoid + binary cross entropy in one stable expression: (1 − y)·x + (1 + (posWeight − 1)·y)·softplus(−x).
 * posWeight (broadcast over the last dim) weighs positive examples.
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options?: ReductionOptions & { weight?: Tensor | null; posWeight?: Tensor | null }): LossTensor {
  checkOptions('binaryCrossEntropyWithLogits', options, ['reduction', 'weight', 'posWeight']);
  const [x, y] = floatInputs('binaryCrossEntropyWithLogits', input, target);
  const w = checkWeight('binaryCrossEntropyWithLogits', options?.weight);
  const pw = checkWeight('binaryCrossEntropyWithLogits', options?.posWeight, 'posWeight');
  const sp = softplus(neg(x));
  let loss = pw ? add(mul(sub(1, y), x), mul(add(mul(sub(pw, 1), y), 1), sp)) : add(mul(sub(1, y), x), sp);
  if (w) loss = mul(loss, w);
  return reduce(loss, reduction('binaryCrossEntropyWithLogits', options?.reduction));
}

export interface NllOptions extends ReductionOptions {
  /** Per-class weights [C]. */
  weight?: Tensor | null;
  /** Target value whose entries contribute nothing (default -100). */
  ignoreIndex?: number;
}

/** Moves nothing: returns the class dim of an input laid out (C), (N, C) or (N, C, d1, ...). */
function classDim(input: Tensor): number {
  return input.ndim === 1 ? 0 : 1;
}

function checkClassTarget(op: string, input: Tensor, target: Tensor, ignoreIndex: number): void {
  const cd = classDim(input);
  const expected = input.shape.filter((_, i) => i !== cd);
  if (!shapesEqual(target.shape, expected)) {
    throw new ShapeError(op, 'target', `must have the input's shape without the class dim, [${expected.join(',')}]`, { input: input.shape, target: target.shape });
  }
  const C = input.shape[cd]!;
  const t = target.toTypedArray() as Int32Array;
  for (let i = 0; i < t.length; i++) {
    const v = t[i]!;
    if (v !== ignoreIndex && (v < 0 || v >= C)) throw new IndexError(op, 'target', `${v} is out of bounds for ${C} classes`, { input: input.shape, target: target.shape });
  }
}

/** −w[t]·logp[t] per element (input holds log-probabilities); 'mean' divides by the summed weights. */
export function nllLoss(input: Tensor, target: Tensor<'int32'>, options?: NllOptions): LossTensor {
  checkOptions('nllLoss', options, ['reduction', 'weight', 'ignoreIndex']);
  assertTensor('nllLoss', 'input', input);
  assertTensor('nllLoss', 'target', target);
  if (!isFloat(input.dtype)) throw new DTypeError('nllLoss', 'input', `must be floating point, got ${input.dtype}`);
  if (target.dtype !== 'int32') throw new DTypeError('nllLoss', 'target', `must be int32 class indices, got ${target.dtype}`, { target: target.shape });
  if (input.ndim === 0) throw new ShapeError('nllLoss', 'input', 'must have a class dim', { input: input.shape });
  const ignoreIndex = options?.ignoreIndex === undefined ? -100 : checkInt('nllLoss', 'ignoreIndex', options.ignoreIndex);
  const r = reduction('nllLoss', options?.reduction);
  checkClassTarget('nllLoss', input, target, ignoreIndex);
  const weight = checkWeight('nllLoss', options?.weight);
  const cd = classDim(input);
  const C = input.shape[cd]!;
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) throw new ShapeError('nllLoss', 'weight', `must be 1-D with ${C} entries`, { weight: weight.shape, input: input.shape });
  const { losses, weights } = pickedLosses(input, target, weight, ignoreIndex);
  if (r === 'none') return losses as LossTensor;
  if (r === 'sum') return sum(losses) as LossTensor;
  return div(sum(losses), sum(weights));
}

function pickedLosses(logp: Tensor, target: Tensor<'int32'>, weight: Tensor | null, ignoreIndex: number): { losses: Tensor; weights: Tensor } {
  const cd = classDim(logp);
  const keep = ne(target, ignoreIndex);
  const safeT = where(keep, target, 0) as Tensor<'int32'>;
  const picked = squeeze(gather(logp, cd, unsqueeze(safeT, cd) as Tensor<'int32'>), cd);
  let w: Tensor = cast(keep, logp.dtype);
  if (weight) w = mul(w, reshape(gather(cast(weight, logp.dtype), 0, reshape(safeT, [-1]) as Tensor<'int32'>), target.shape as number[]));
  return { losses: neg(mul(picked, w)), weights: w };
}

export interface CrossEntropyOptions extends NllOptions {
  /** Mixes the target with the uniform distribution: (1 − ε)·target + ε/C (PyTorch's label_smoothing). */
  labelSmoothing?: number;
}

/**
 * Cross entropy from logits: logSoftmax over the class dim, then nllLoss. `target` holds int32 class
 * indices (shape without the class dim) or float class probabilities (same shape as input).
 */
export function crossEntropy(input: Tensor, target: Tensor, options?: CrossEntropyOptions): LossTensor {
  checkOptions('crossEntropy', options, ['reduction', 'weight', 'ignoreIndex', 'labelSmoothing']);
  assertTensor('crossEntropy', 'input', input);
  assertTensor('crossEntropy', 'target', target);
  if (!isFloat(input.dtype)) throw new DTypeError('crossEntropy', 'input', `must be floating point logits, got ${input.dtype}`);
  if (input.ndim === 0) throw new ShapeError('crossEntropy', 'input', 'must have a class dim', { input: input.shape });
  const eps = options?.labelSmoothing ?? 0;
  checkFinite('crossEntropy', 'labelSmoothing', eps);
  if (eps < 0 || eps > 1) throw new ArgumentError('crossEntropy', 'labelSmoothing', `must be in [0, 1], got ${eps}`);
  const r = reduction('crossEntropy', options?.reduction);
  const weight = checkWeight('crossEntropy', options?.weight);
  const cd = classDim(input);
  const C = input.shape[cd]!;
  if (weight && (weight.ndim !== 1 || weight.shape[0] !== C)) throw new ShapeError('crossEntropy', 'weight', `must be 1-D with ${C} entries`, { weight: weight.shape, input: input.shape });
  const logp = logSoftmax(input, cd);
  const wView = weight ? reshape(cast(weight, logp.dtype), input.shape.map((s, i) => (i === cd ? C : 1))) : null;

  if (isFloat(target.dtype)) {
    // Class probabilities.
    if (!shapesEqual(target.shape, input.shape)) throw new ShapeError('crossEntropy', 'target', 'of probabilities must have the input shape', { input: input.shape, target: target.shape });
    let tp: Tensor = cast(target, logp.dtype);
    if (eps > 0) tp = add(mul(tp, 1 - eps), eps / C);
    let prod = mul(logp, tp);
    if (wView) prod = mul(prod, wView);
    const losses = neg(sum(prod, cd));
    if (r === 'none') return losses;
    if (r === 'sum') return sum(losses);
    return div(sum(losses), Math.max(1, input.numel() / Math.max(C, 1)));
  }
  if (target.dtype !== 'int32') throw new DTypeError('crossEntropy', 'target', `must be int32 class indices or float probabilities, got ${target.dtype}`);
  const ignoreIndex = options?.ignoreIndex === undefined ? -100 : checkInt('crossEntropy', 'ignoreIndex', options.ignoreIndex);
  checkClassTarget('crossEntropy', input, target, ignoreIndex);
  const t = target as Tensor<'int32'>;
  const { losses, weights } = pickedLosses(logp, t, weight, ignoreIndex);
  const nll = r === 'none' ? losses : r === 'sum' ? sum(losses) : div(sum(losses), sum(weights));
  if (eps === 0) return nll as LossTensor;
  // PyTorch's cross_entropy_loss_label_smoothing.
  const keep = cast(ne(t, ignoreIndex), logp.dtype);
  const smooth = mul(neg(sum(wView ? mul(logp, wView) : logp, cd)), keep);
  const sm = r === 'none' ? smooth : r === 'sum' ? sum(smooth) : div(sum(smooth), sum(weights));
  return add(mul(nll, 1 - eps), mul(sm, eps / C));
}

/**
 * Kullback-Leibler divergence with `input` = log-probabilities: target·(log target − input), 0 where
 * target = 0. reduction 'batchmean' divides the sum by the batch size (the mathematically right mean).
 */
export function klDiv(input: Tensor, target: Tensor, options?: { reduction?: Reduction | 'batchmean'; logTarget?: boolean }): LossTensor {
  checkOptions('klDiv', options, ['reduction', 'logTarget']);
  const [x, y] = floatInputs('klDiv', input, target);
  const r = reduction('klDiv', options?.reduction, ['mean', 'sum', 'none', 'batchmean']);
  let pointwise: Tensor;
  if (options?.logTarget) pointwise = mul(exp(y), sub(y, x));
  else {
    // NOTE: xlogy semantics: 0·log 0 = 0, with a safe log argument so no NaN reaches any gradient.
    const pos = gt(y, 0);
    const ySafe = where(pos, y, 1);
    pointwise = sub(where(pos, mul(y, log(ySafe)), 0), mul(y, x));
  }
  if (r === 'batchmean') return div(sum(pointwise), x.ndim > 0 ? x.shape[0]! : 1);
  return reduce(pointwise, r);
}

// ---------------------------------------------------------------------------------------------------
// Maximum Mean Discrepancy between two samples (issue 8). Imports kept with this block (ES imports are
// hoisted) so this shared file only grows at the end.
import { cat, t as transpose2d } from './layout.js';
import { matmul } from './linalg.js';
import { eye, onesLike, tensor } from './creation.js';

/** Options of mmdLoss: the kernel, its bandwidths and the estimator. */
export interface MMDLossOptions {
  /** The kernel: 'gaussian' (the default and, for now, the only one). */
  kernel?: 'gaussian';
  /** Bandwidths σ of the Gaussian kernel Σ_σ exp(−‖a − b‖²/(2σ²)): one number or several (summed). */
  bandwidths: number | readonly number[];
  /** 'biased' (default; V-statistic, always ≥ 0) or 'unbiased' (U-statistic without the i = j terms; can be < 0). */
  estimator?: 'biased' | 'unbiased';
}

/**
 * ‖aᵢ − bⱼ‖² for rows of a (n, d) and b (m, d) as one matmul of augmented rows:
 * [‖aᵢ‖², 1, −2aᵢ]·[1, ‖bⱼ‖², bⱼ] = ‖aᵢ‖² + ‖bⱼ‖² − 2·aᵢ·bⱼ, clamped at 0.
 */
function pairwiseSquaredDistances(a: Tensor, b: Tensor): Tensor {
  const aa = sum(mul(a, a), 1, { keepdim: true });
  const bb = sum(mul(b, b), 1, { keepdim: true });
  const left = cat([aa, onesLike(aa), mul(a, -2)], 1);
  const right = cat([onesLike(bb), bb, b], 1);
  // NOTE: the expansion cancels to tiny negatives (rounding) for equal rows, which the clamp removes;
  // its gradient is 1 on the closed interval, so exact zeros (the diagonal of a sample against itself,
  // whose gradient is 0 anyway) do not cut the graph.
  return clamp(matmul(left, transpose2d(right)), 0);
}

/** exp(−d2/(2σ²)) for every bandwidth, stacked: (B, n, m) for d2 (n, m), one op per step for all B. */
function gaussianKernels(d2: Tensor, bandwidths: readonly number[]): Tensor {
  const coef = Float64Array.from(bandwidths, (s) => -1 / (2 * s * s));
  const c = reshape(tensor(coef, { dtype: d2.dtype as FloatDType }), [bandwidths.length, 1, 1]);
  return exp(mul(unsqueeze(d2, 0), c));
}

/**
 * The squared Maximum Mean Discrepancy MMD²(x, y) between samples x (n, d) and y (m, d) under a
 * Gaussian kernel k(a, b) = Σ_σ exp(−‖a − b‖²/(2σ²)) summed over `bandwidths`:
 *   biased:   mean k(xᵢ, xⱼ) + mean k(yᵢ, yⱼ) − 2·mean k(xᵢ, yⱼ)     (all pairs, i = j included)
 *   unbiased: Σ_{i≠j} k(xᵢ, xⱼ)/(n(n−1)) + Σ_{i≠j} k(yᵢ, yⱼ)/(m(m−1)) − 2·mean k(xᵢ, yⱼ)
 * Differentiable in both samples (the loss of a generative matching network). Composed from ops:
 * pairwise squared distances through one matmul per pair of samples, all bandwidths in one exp.
 * ref: Gretton et al., "A Kernel Two-Sample Test", JMLR 13 (2012), eqs. (2) and (3).
 * @example
 * const loss = F.mmdLoss(generated, batch, { bandwidths: [0.1, 0.5, 2] }); // a 0-d tensor ≥ 0
 */
export function mmdLoss(x: Tensor, y: Tensor, options: MMDLossOptions): LossTensor {
  const op = 'mmdLoss';
  checkOptions(op, options, ['kernel', 'bandwidths', 'estimator']);
  assertTensor(op, 'x', x);
  assertTensor(op, 'y', y);
  if (options === undefined || options === null) throw new ArgumentError(op, 'options', 'must give bandwidths, e.g. { bandwidths: [0.5, 1, 2] }');
  const kernel = options.kernel ?? 'gaussian';
  if (kernel !== 'gaussian') throw new ArgumentError(op, 'kernel', `must be 'gaussian', got ${JSON.stringify(kernel)}`);
  const estimator = options.estimator ?? 'biased';
  if (estimator !== 'biased' && estimator !== 'unbiased') throw new ArgumentError(op, 'estimator', `must be 'biased' or 'unbiased', got ${JSON.stringify(estimator)}`);
  const bw = options.bandwidths;
  const bandwidths = typeof bw === 'number' ? [bw] : Array.isArray(bw) ? [...(bw as readonly unknown[])] : null;
  if (bandwidths === null || bandwidths.length === 0) throw new ArgumentError(op, 'bandwidths', `must be a positive number or a non-empty array of them, got ${JSON.stringify(bw)}`);
  bandwidths.forEach((s, i) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) throw new ArgumentError(op, `bandwidths[${i}]`, `must be a positive finite number, got ${String(s)}`);
  });
  if (!isFloat(x.dtype)) throw new DTypeError(op, 'x', `must be floating point, got ${x.dtype}`, { x: x.shape });
  if (y.dtype !== x.dtype) throw new DTypeError(op, 'y', `must have the dtype of x (${x.dtype}), got ${y.dtype}`, { x: x.shape, y: y.shape });
  if (x.ndim !== 2 || y.ndim !== 2) throw new ShapeError(op, x.ndim !== 2 ? 'x' : 'y', 'must be 2-D (samples, features); unsqueeze(1) 1-D samples', { x: x.shape, y: y.shape });
  if (x.shape[1] !== y.shape[1]) throw new ShapeError(op, 'y', 'must have as many features as x', { x: x.shape, y: y.shape });
  const n = x.shape[0]!;
  const m = y.shape[0]!;
  const minRows = estimator === 'unbiased' ? 2 : 1;
  if (n < minRows || m < minRows) throw new ShapeError(op, n < minRows ? 'x' : 'y', `must have at least ${minRows} sample${minRows > 1 ? 's' : ''} for the ${estimator} estimator`, { x: x.shape, y: y.shape });
  const bws = bandwidths as number[];
  // Each kernel matrix holds all bandwidths at once, (B, ·, ·): its sum is Σ_σ of the per-σ sums.
  const kxx = gaussianKernels(pairwiseSquaredDistances(x, x), bws);
  const kyy = gaussianKernels(pairwiseSquaredDistances(y, y), bws);
  const kxy = gaussianKernels(pairwiseSquaredDistances(x, y), bws);
  const cross = div(sum(kxy), (n * m) / 2);
  if (estimator === 'biased') return sub(add(div(sum(kxx), n * n), div(sum(kyy), m * m)), cross) as LossTensor;
  const offDiagonalMean = (k: Tensor, size: number): Tensor => div(sum(mul(k, sub(1, eye(size, size, { dtype: k.dtype })))), size * (size - 1));
  return sub(add(offDiagonalMean(kxx, n), offDiagonalMean(kyy, m)), cross) as LossTensor;
}
