// Normalisation ops with PyTorch 1.13's semantics: batchNorm (training: batch statistics, running
// statistics updated in place with the unbiased variance; eval: running statistics), layerNorm and the
// composite groupNorm. The forward passes are fused kernels recorded as primitives; their gradients
// (autograd/backward_norm.ts) use the fused backward kernels, or, when the backward itself is recorded
// (createGraph), `normBackward` and other differentiable ops so that gradients of gradients are exact.

import { kernelsFor } from '../backend/backend.js';
import { isFloat, type DType } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError, checkOptions } from '../core/errors.js';
import { fmt, numel, shapesEqual } from '../core/shape.js';
import { noGrad, record } from '../engine.js';
import type { NormBackwardAttrs } from '../primitives.js';
import { Tensor } from '../tensor.js';
import { add, mul, rsqrt, sub } from './elementwise.js';
import { assertTensor, checkBool, checkFinite, contiguousData, empty, scalarTensor } from './helpers.js';
import { copy_ } from './inplace.js';
import { clone, narrow, reshape } from './layout.js';
import { mean } from './reduce.js';

/** Options of {@link batchNorm}. */
export interface BatchNormOptions {
  /** Per-channel scale γ (default: none, i.e. 1). */
  weight?: Tensor | null;
  /** Per-channel shift β (default: none, i.e. 0). */
  bias?: Tensor | null;
  /** Normalise with the batch's statistics and update the running ones (default false, as PyTorch's F.batch_norm). */
  training?: boolean;
  /** Weight of the new batch statistic in the running average (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** Options of {@link layerNorm}. */
export interface LayerNormOptions {
  /** Elementwise scale of the normalised shape (default: none, i.e. 1). */
  weight?: Tensor | null;
  /** Elementwise shift of the normalised shape (default: none, i.e. 0). */
  bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** Options of {@link groupNorm}. */
export interface GroupNormOptions {
  /** Per-channel scale (default: none). */
  weight?: Tensor | null;
  /** Per-channel shift (default: none). */
  bias?: Tensor | null;
  eps?: number;
}

function floatInput(op: string, x: Tensor): void {
  assertTensor(op, 'input', x);
  if (!isFloat(x.dtype)) throw new DTypeError(op, 'input', `must be floating point, got ${x.dtype}; cast it with .float()`, { input: x.shape });
}

/** An optional per-channel (or per-element) tensor: `numel` elements of the input's dtype, or null. */
function paramArg(op: string, arg: string, t: unknown, x: Tensor, check: (t: Tensor) => boolean, want: string): Tensor | null {
  if (t === undefined || t === null) return null;
  assertTensor(op, arg, t);
  if (t.dtype !== x.dtype) throw new DTypeError(op, arg, `must have the input's dtype ${x.dtype}, got ${t.dtype}`);
  if (!check(t)) throw new ShapeError(op, arg, `must ${want}`, { input: x.shape, [arg]: t.shape });
  return t;
}

/** A constant of `shape` filled with `v` in `dtype` (the absent weight or bias). */
function constant(shape: readonly number[], v: number, dtype: DType): Tensor {
  const t = Tensor.zeros(shape, dtype);
  if (v !== 0) (t.storage.data as Float32Array).fill(v);
  return t;
}

/** Dims reduced by batch norm (every dim but the channel dim 1). */
export function batchDims(ndim: number): number[] {
  return [0, ...Array.from({ length: ndim - 2 }, (_, i) => i + 2)];
}

/** Shape that broadcasts a [C] tensor over the channel dim of an `ndim`-D input. */
export function channelShape(ndim: number, C: number): number[] {
  return [1, C, ...new Array<number>(ndim - 2).fill(1)];
}

// ---- batch norm --------------------------------------------------------------------------------------------

/**
 * Batch normalisation over the channel dim 1 of an (N, C), (N, C, L) or (N, C, H, W) input (any rank >= 2;
 * PyTorch's `F.batch_norm`): y = (x − mean)/√(var + eps)·weight + bias per channel. With `training`, the
 * batch's mean and biased variance are used, and the running statistics (if given) are updated in place:
 * running = (1 − momentum)·running + momentum·batch, with the UNBIASED batch variance for runningVar. Without
 * `training` (the default, as PyTorch's functional form) the running statistics are used and must be given.
 * Differentiable in input, weight and bias, twice over (the statistics depend on the input in training).
 *
 * @example
 * const rm = zeros(3), rv = ones(3);
 * const y = F.batchNorm(x, rm, rv, { training: true });   // rm, rv now hold 0.9·old + 0.1·batch
 * F.batchNorm(x, rm, rv);                                  // evaluation: normalised with rm, rv
 */
export function batchNorm<D extends DType>(input: Tensor<D>, runningMean: Tensor | null, runningVar: Tensor | null, options?: BatchNormOptions): Tensor<D> {
  const op = 'batchNorm';
  floatInput(op, input);
  checkOptions(op, options, ['weight', 'bias', 'training', 'momentum', 'eps']);
  const training = options?.training === undefined ? false : checkBool(op, 'training', options.training);
  const momentum = options?.momentum === undefined ? 0.1 : checkFinite(op, 'momentum', options.momentum);
  const eps = options?.eps === undefined ? 1e-5 : checkFinite(op, 'eps', options.eps);
  if (input.ndim < 2) throw new ShapeError(op, 'input', `must have at least 2 dims (N, C, ...), got ${input.ndim}`, { input: input.shape });
  const C = input.shape[1]!;
  const hasC = (t: Tensor): boolean => t.numel() === C;
  const rm = paramArg(op, 'runningMean', runningMean, input, hasC, `have C = ${C} elements`);
  const rv = paramArg(op, 'runningVar', runningVar, input, hasC, `have C = ${C} elements`);
  const weight = paramArg(op, 'weight', options?.weight, input, hasC, `have C = ${C} elements`);
  const bias = paramArg(op, 'bias', options?.bias, input, hasC, `have C = ${C} elements`);
  if (!training && (rm === null || rv === null)) {
    throw new ArgumentError(op, rm === null ? 'runningMean' : 'runningVar', 'must be given in evaluation mode (training: false)');
  }
  const N = input.shape[0]!;
  const S = numel(input.shape.slice(2));
  if (training && N * S === 1) {
    throw new ShapeError(op, 'input', 'must have more than 1 value per channel when training', { input: input.shape });
  }
  if (input.numel() === 0) {
    // NOTE: as PyTorch's _batch_norm_impl_index: an empty input gives input·weight[0] + bias[0] (a fresh
    // tensor) and leaves the running statistics alone.
    let y: Tensor = clone(input);
    if (weight !== null && C > 0) y = mul(y, narrow(reshape(weight, [C]), 0, 0, 1));
    if (bias !== null && C > 0) y = add(y, narrow(reshape(bias, [C]), 0, 0, 1));
    return y as Tensor<D>;
  }
  const dtype = input.dtype;
  const k = kernelsFor(dtype);
  const x = contiguousData(input) as Float32Array;
  let mu: Tensor;
  let variance: Tensor;
  if (training) {
    mu = empty([C], dtype);
    variance = empty([C], dtype);
    if (C > 0) k.batchNormStats(x, N, C, S, mu.storage.data as Float32Array, variance.storage.data as Float32Array);
    const M = N * S;
    noGrad(() => {
      // NOTE: PyTorch: running = momentum·batch + (1 − momentum)·running, the variance unbiased (M/(M − 1)).
      if (rm !== null) copy_(rm, reshape(add(mul(mu, momentum), mul(flat(rm), 1 - momentum)), rm.shape as number[]));
      if (rv !== null) copy_(rv, reshape(add(mul(mul(variance, M / (M - 1)), momentum), mul(flat(rv), 1 - momentum)), rv.shape as number[]));
    });
  } else {
    mu = flatCopy(rm!);
    variance = flatCopy(rv!);
  }
  const w = weight ?? constant([C], 1, dtype);
  const b = bias ?? constant([C], 0, dtype);
  const out = empty(input.shape, dtype);
  k.batchNormApply(x, N, C, S, mu.storage.data as Float32Array, variance.storage.data as Float32Array, eps,
    contiguousData(w) as Float32Array, contiguousData(b) as Float32Array, out.storage.data as Float32Array);
  return record('batchNorm', [input, w, b], out, { training, eps, mean: mu, variance }) as Tensor<D>;
}

/** A [numel] view or copy of `t` without the graph. */
function flat(t: Tensor): Tensor {
  return reshape(t.detach(), [t.numel()]);
}
/** A contiguous [numel] copy of `t` (statistics kept by a node must not change under it). */
function flatCopy(t: Tensor): Tensor {
  return Tensor.fromData((contiguousData(t) as Float32Array).slice(), [t.numel()], t.dtype);
}

/**
 * @internal The fused batch-norm backward (not recorded): gradients of input, weight and bias for the
 * statistics the forward used. Used when the backward pass itself is not recorded.
 */
export function batchNormBackwardFused(grad: Tensor, x: Tensor, weight: Tensor, attrs: { training: boolean; eps: number; mean: Tensor; variance: Tensor }): [Tensor, Tensor, Tensor] {
  const [N, C] = x.shape as [number, number];
  const S = numel(x.shape.slice(2));
  const gx = empty(x.shape, grad.dtype);
  const sg = empty([C], grad.dtype);
  const sgx = empty([C], grad.dtype);
  if (C > 0) {
    kernelsFor(grad.dtype).batchNormBackward(contiguousData(grad) as Float32Array, contiguousData(x) as Float32Array, N, C, S,
      attrs.mean.storage.data as Float32Array, attrs.variance.storage.data as Float32Array, attrs.eps, contiguousData(weight) as Float32Array,
      attrs.training, gx.storage.data as Float32Array, sg.storage.data as Float32Array, sgx.storage.data as Float32Array);
  }
  return [gx, reshape(sgx, weight.shape as number[]), reshape(sg, weight.shape as number[])];
}

// ---- layer norm ----------------------------------------------------------------------------------------------

/**
 * Layer normalisation over the trailing `normalizedShape` dims (PyTorch's `F.layer_norm`): each of those
 * slices is normalised by its own mean and biased variance, y = (x − mean)/√(var + eps)·weight + bias, with
 * weight and bias of shape `normalizedShape` applied elementwise. Differentiable twice over.
 *
 * @example
 * F.layerNorm(x, [x.shape.at(-1)!]);                            // normalise every row
 * F.layerNorm(x, [4, 5], { weight: ones(4, 5), bias: zeros(4, 5) });
 */
export function layerNorm<D extends DType>(input: Tensor<D>, normalizedShape: number | readonly number[], options?: LayerNormOptions): Tensor<D> {
  const op = 'layerNorm';
  floatInput(op, input);
  checkOptions(op, options, ['weight', 'bias', 'eps']);
  const eps = options?.eps === undefined ? 1e-5 : checkFinite(op, 'eps', options.eps);
  const norm = typeof normalizedShape === 'number' ? [normalizedShape] : Array.isArray(normalizedShape) ? normalizedShape.slice() : null;
  if (norm === null || norm.length === 0 || norm.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    throw new ArgumentError(op, 'normalizedShape', `must be a non-empty list of non-negative integers, got ${JSON.stringify(normalizedShape)}`);
  }
  const k = norm.length;
  if (input.ndim < k || !shapesEqual(input.shape.slice(input.ndim - k), norm)) {
    throw new ShapeError(op, 'input', `must end with the normalized shape ${fmt(norm)}`, { input: input.shape });
  }
  const same = (t: Tensor): boolean => shapesEqual(t.shape, norm);
  const weight = paramArg(op, 'weight', options?.weight, input, same, `have the normalized shape ${fmt(norm)}`);
  const bias = paramArg(op, 'bias', options?.bias, input, same, `have the normalized shape ${fmt(norm)}`);
  const dtype = input.dtype;
  const L = numel(norm);
  const R = numel(input.shape.slice(0, input.ndim - k));
  const w = weight ?? constant(norm, 1, dtype);
  const b = bias ?? constant(norm, 0, dtype);
  const out = empty(input.shape, dtype);
  const mu = empty([R], dtype);
  const rstd = empty([R], dtype);
  if (R > 0) {
    kernelsFor(dtype).layerNorm(contiguousData(input) as Float32Array, R, L, eps, contiguousData(w) as Float32Array, contiguousData(b) as Float32Array,
      out.storage.data as Float32Array, mu.storage.data as Float32Array, rstd.storage.data as Float32Array);
  }
  return record('layerNorm', [input, w, b], out, { eps, normalizedNdim: k, mean: mu, rstd }) as Tensor<D>;
}

/** @internal The fused layer-norm backward (not recorded): gradients of input, weight and bias. */
export function layerNormBackwardFused(grad: Tensor, x: Tensor, weight: Tensor, attrs: { normalizedNdim: number; mean: Tensor; rstd: Tensor }, paramGrads: boolean): [Tensor, Tensor | null, Tensor | null] {
  const L = numel(weight.shape);
  const R = numel(x.shape.slice(0, x.ndim - attrs.normalizedNdim));
  const gx = empty(x.shape, grad.dtype);
  const gw = paramGrads ? empty(weight.shape, grad.dtype) : null;
  const gb = paramGrads ? empty(weight.shape, grad.dtype) : null;
  const none = grad.dtype === 'float64' ? new Float64Array(0) : new Float32Array(0);
  kernelsFor(grad.dtype).layerNormBackward(contiguousData(grad) as Float32Array, contiguousData(x) as Float32Array, R, L,
    attrs.mean.storage.data as Float32Array, attrs.rstd.storage.data as Float32Array, contiguousData(weight) as Float32Array, gx.storage.data as Float32Array,
    paramGrads, (gw?.storage.data ?? none) as Float32Array, (gb?.storage.data ?? none) as Float32Array);
  return [gx, gw, gb];
}

// ---- normBackward: the differentiable normalisation backward -------------------------------------------------

/** The dims normBackward reduces over for `x`. */
export function normDims(attrs: NormBackwardAttrs, ndim: number): number[] {
  return attrs.kind === 'batch' ? batchDims(ndim) : Array.from({ length: attrs.normalizedNdim }, (_, i) => ndim - attrs.normalizedNdim + i);
}

/**
 * @internal N(v, x) = r·(v − mean(v) − x̂·mean(v·x̂)) over x's normalisation groups (r = 1/√(var(x) + eps),
 * x̂ = (x − mean(x))·r), the input gradient of a normalisation without affine; computed by the fused backward
 * kernels and recorded, so that it can be differentiated again (autograd/backward_norm.ts).
 */
export function normBackward<D extends DType>(v: Tensor<D>, x: Tensor, attrs: NormBackwardAttrs): Tensor<D> {
  const dtype = v.dtype;
  const k = kernelsFor(dtype);
  const out = empty(x.shape, dtype);
  const xd = contiguousData(x) as Float32Array;
  const vd = contiguousData(v) as Float32Array;
  if (out.numel() > 0) {
    if (attrs.kind === 'batch') {
      const [N, C] = x.shape as [number, number];
      const S = numel(x.shape.slice(2));
      const mu = empty([C], dtype).storage.data as Float32Array;
      const variance = empty([C], dtype).storage.data as Float32Array;
      k.batchNormStats(xd, N, C, S, mu, variance);
      const ones = constant([C], 1, dtype).storage.data as Float32Array;
      k.batchNormBackward(vd, xd, N, C, S, mu, variance, attrs.eps, ones, true, out.storage.data as Float32Array,
        empty([C], dtype).storage.data as Float32Array, empty([C], dtype).storage.data as Float32Array);
    } else {
      const L = numel(x.shape.slice(x.ndim - attrs.normalizedNdim));
      const R = numel(x.shape.slice(0, x.ndim - attrs.normalizedNdim));
      const mu = empty([R], dtype).storage.data as Float32Array;
      const rstd = empty([R], dtype).storage.data as Float32Array;
      const ones = constant([L], 1, dtype).storage.data as Float32Array;
      const zeros = constant([L], 0, dtype).storage.data as Float32Array;
      k.layerNorm(xd, R, L, attrs.eps, ones, zeros, empty(x.shape, dtype).storage.data as Float32Array, mu, rstd);
      const none = dtype === 'float64' ? new Float64Array(0) : new Float32Array(0);
      k.layerNormBackward(vd, xd, R, L, mu, rstd, ones, out.storage.data as Float32Array, false, none, none);
    }
  }
  return record('normBackward', [v, x], out, attrs) as Tensor<D>;
}

/**
 * @internal x̂ = (x − mean)·r and r = 1/√(var + eps) over `dims` (biased variance), from differentiable ops:
 * what the second-order formulas differentiate through.
 */
export function normalizeComposite(x: Tensor, dims: readonly number[], eps: number): { xhat: Tensor; r: Tensor } {
  const d = sub(x, mean(x, dims, { keepdim: true }));
  const r = rsqrt(add(mean(mul(d, d), dims, { keepdim: true }), scalarTensor(eps, x.dtype)));
  return { xhat: mul(d, r), r };
}

// ---- group norm ----------------------------------------------------------------------------------------------

/**
 * Group normalisation (PyTorch's `F.group_norm`): the C channels of an (N, C, ...) input are split into
 * `numGroups` groups, each (sample, group) slice is normalised by its mean and biased variance, then the
 * optional per-channel weight and bias apply. A composite of {@link layerNorm}.
 *
 * @example
 * F.groupNorm(x, 2, { weight: ones(4), bias: zeros(4) });   // x: (N, 4, H, W)
 */
export function groupNorm<D extends DType>(input: Tensor<D>, numGroups: number, options?: GroupNormOptions): Tensor<D> {
  const op = 'groupNorm';
  floatInput(op, input);
  checkOptions(op, options, ['weight', 'bias', 'eps']);
  const eps = options?.eps === undefined ? 1e-5 : checkFinite(op, 'eps', options.eps);
  if (input.ndim < 2) throw new ShapeError(op, 'input', `must have at least 2 dims (N, C, ...), got ${input.ndim}`, { input: input.shape });
  const [N, C] = input.shape as [number, number];
  if (typeof numGroups !== 'number' || !Number.isSafeInteger(numGroups) || numGroups < 1) {
    throw new ArgumentError(op, 'numGroups', `must be a positive integer, got ${String(numGroups)}`);
  }
  if (C % numGroups !== 0) throw new ShapeError(op, 'input', `must have a channel count divisible by numGroups = ${numGroups}, got C = ${C}`, { input: input.shape });
  const hasC = (t: Tensor): boolean => t.numel() === C;
  const weight = paramArg(op, 'weight', options?.weight, input, hasC, `have C = ${C} elements`);
  const bias = paramArg(op, 'bias', options?.bias, input, hasC, `have C = ${C} elements`);
  if (input.numel() === 0) return affine(input, weight, bias);
  const groupSize = numel(input.shape.slice(1)) / numGroups;
  const normed = reshape(layerNorm(reshape(input, [N, numGroups, groupSize]), [groupSize], { eps }), input.shape as number[]);
  return affine(normed, weight, bias) as Tensor<D>;
}

function affine<D extends DType>(x: Tensor<D>, weight: Tensor | null, bias: Tensor | null): Tensor<D> {
  const shape = channelShape(x.ndim, x.shape[1]!);
  let y: Tensor = x;
  if (weight !== null) y = mul(y, reshape(weight, shape));
  if (bias !== null) y = add(y, reshape(bias, shape));
  return y as Tensor<D>;
}
