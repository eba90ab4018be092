// Reductions: sum, mean, amax/amin, max/min (with indices along a dim), argmax/argmin, var/std,
// logsumexp, softmax/logSoftmax. Kernels reduce the middle axis of [outer, size, inner]; reductions
// over several non-adjacent dims run once per run of adjacent dims, innermost first.

import { kernelsFor } from '../backend/backend.js';
import { isFloat, type DType, type FloatOf } from '../core/dtype.js';
import { ArgumentError, DTypeError, IndexError } from '../core/errors.js';
import { normalizeDim, normalizeDims, numel } from '../core/shape.js';
import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import type { ReduceOp } from '../kernels/spec.js';
import { assertTensor, checkBool, checkInt, contiguousData, empty } from './helpers.js';
import { cast, contiguous, detach, reshape } from './layout.js';
import { add, exp, log, mul, sub, sqrt, div, abs, eq, where } from './elementwise.js';

export interface ReduceOptions {
  keepdim?: boolean;
}
type Dims = number | readonly number[] | null | undefined;

/** Lays x out as [outer, size, inner] with the reduced dims (adjacent, or none) in the middle; returns the data and sizes. */
function toReduceLayout(x: Tensor, dims: readonly number[]): { data: Tensor; outer: number; size: number; inner: number } {
  const data = contiguous(detach(x));
  if (dims.length === 0) return { data, outer: numel(x.shape), size: 1, inner: 1 };
  const first = dims[0]!;
  const last = dims[dims.length - 1]!;
  return { data, outer: numel(x.shape.slice(0, first)), size: numel(x.shape.slice(first, last + 1)), inner: numel(x.shape.slice(last + 1)) };
}

function reducedShape(shape: readonly number[], dims: readonly number[], keepdim: boolean): number[] {
  return keepdim ? shape.map((s, i) => (dims.includes(i) ? 1 : s)) : shape.filter((_, i) => !dims.includes(i));
}

/** Sorted dims split into runs of consecutive dims: [0, 2, 3] → [[0], [2, 3]]. */
function adjacentRuns(dims: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const d of dims) {
    const last = runs[runs.length - 1];
    if (last && d === last[last.length - 1]! + 1) last.push(d);
    else runs.push([d]);
  }
  return runs;
}

function runReduce(op: ReduceOp, x: Tensor, dims: readonly number[], keepdim: boolean, dtype: DType): Tensor {
  const src = x.dtype === dtype ? x : cast(detach(x), dtype);
  const runs = adjacentRuns(dims);
  if (runs.length > 1) {
    // NOTE: one pass per run of adjacent dims, innermost first (a conv bias gradient, sum over [0, 2, 3], is
    // a row sum and then a column sum), instead of a permuted copy of the whole input; sum, mean (of equal
    // groups), max and min compose this way.
    let cur = src;
    for (let i = runs.length - 1; i >= 0; i--) cur = runReduce(op, cur, runs[i]!, true, dtype);
    return keepdim ? cur : reshape(cur, reducedShape(x.shape, dims, false));
  }
  const { data, outer, size, inner } = toReduceLayout(src, dims);
  const out = empty(reducedShape(x.shape, dims, keepdim), dtype);
  if (outer * inner > 0) kernelsFor(dtype).reduce(op, contiguousData(data), outer, size, inner, out.storage.data);
  return out;
}

function parseKeepdim(op: string, options: ReduceOptions | boolean | undefined): boolean {
  if (options === undefined) return false;
  if (typeof options === 'boolean') return options;
  if (typeof options !== 'object' || options === null) throw new ArgumentError(op, 'options', `must be { keepdim } or a boolean, got ${typeof options}`);
  for (const k of Object.keys(options)) if (k !== 'keepdim') throw new ArgumentError(op, `option '${k}'`, 'is not a known option (known: keepdim)');
  return options.keepdim === undefined ? false : checkBool(op, 'keepdim', options.keepdim);
}

/** Sum over `dim` (all dims when omitted). bool/int32 sum to int32, floats keep their dtype. */
export function sum<D extends DType>(x: Tensor<D>, dim?: Dims, options?: ReduceOptions | boolean): Tensor<D extends 'bool' ? 'int32' : D> {
  assertTensor('sum', 'input', x);
  const dims = normalizeDims('sum', dim, x.ndim);
  const keepdim = parseKeepdim('sum', options);
  const dtype: DType = x.dtype === 'bool' ? 'int32' : x.dtype;
  const out = runReduce('sum', x, dims, keepdim, dtype);
  return record('sum', [x], out, { dims, keepdim }) as never;
}

/** Mean over `dim` (all dims when omitted). Floating inputs only, as in PyTorch. */
export function mean<D extends DType>(x: Tensor<D>, dim?: Dims, options?: ReduceOptions | boolean): Tensor<D> {
  assertTensor('mean', 'input', x);
  if (!isFloat(x.dtype)) throw new DTypeError('mean', 'input', `must be floating point, got ${x.dtype}; cast it with .float()`, { input: x.shape });
  const dims = normalizeDims('mean', dim, x.ndim);
  const keepdim = parseKeepdim('mean', options);
  const out = runReduce('mean', x, dims, keepdim, x.dtype);
  return record('mean', [x], out, { dims, keepdim }) as never;
}

function extremum(name: 'amax' | 'amin', x: Tensor, dim: Dims, options: ReduceOptions | boolean | undefined): Tensor {
  assertTensor(name, 'input', x);
  const dims = normalizeDims(name, dim, x.ndim);
  for (const d of dims) {
    if (x.shape[d] === 0) throw new IndexError(name, 'input', `cannot reduce over dim ${d} of size 0 (no identity for ${name})`, { input: x.shape });
  }
  if (x.numel() === 0 && dims.length === x.ndim) throw new IndexError(name, 'input', 'is empty; the reduction has no identity', { input: x.shape });
  const keepdim = parseKeepdim(name, options);
  const out = runReduce(name === 'amax' ? 'max' : 'min', x, dims, keepdim, x.dtype);
  return record(name, [x], out, { dims, keepdim });
}
/** Max over dims. NOTE: gradient is split evenly among tied maxima (PyTorch's amax). */
export const amax = <D extends DType>(x: Tensor<D>, dim?: Dims, options?: ReduceOptions | boolean): Tensor<D> => extremum('amax', x, dim, options) as Tensor<D>;
export const amin = <D extends DType>(x: Tensor<D>, dim?: Dims, options?: ReduceOptions | boolean): Tensor<D> => extremum('amin', x, dim, options) as Tensor<D>;

export interface ValuesIndices<D extends DType> {
  values: Tensor<D>;
  indices: Tensor<'int32'>;
}

function dimExtremum(name: 'max' | 'min', x: Tensor, dim: number, keepdim: boolean): ValuesIndices<DType> {
  const d = normalizeDim(name, dim, x.ndim);
  if (x.ndim > 0 && x.shape[d] === 0) throw new IndexError(name, 'input', `cannot reduce over dim ${d} of size 0`, { input: x.shape });
  const { data, outer, size, inner } = toReduceLayout(x, x.ndim === 0 ? [] : [d]);
  const keptShape = x.ndim === 0 ? [] : x.shape.map((s, i) => (i === d ? 1 : s));
  const values = empty(keptShape, x.dtype);
  const indices = empty(keptShape, 'int32');
  if (outer * inner > 0) kernelsFor(x.dtype).argReduce(name, contiguousData(data), outer, x.ndim === 0 ? 1 : size, inner, values.storage.data, indices.storage.data);
  const finalShape = keepdim || x.ndim === 0 ? keptShape : x.shape.filter((_, i) => i !== d);
  record(name === 'max' ? 'maxDim' : 'minDim', [x], values, { dim: d, keepdim: true, indices });
  return {
    values: keepdim ? values : reshape(values, finalShape),
    indices: keepdim ? indices : reshape(indices, finalShape),
  };
}

/**
 * max(x): the largest element (0-d). max(x, dim, keepdim?): { values, indices } along dim, indices of
 * the first maximum; the gradient goes to that index (PyTorch). NaN counts as the maximum.
 */
export function max<D extends DType>(x: Tensor<D>): Tensor<D>;
export function max<D extends DType>(x: Tensor<D>, dim: number, keepdim?: boolean): ValuesIndices<D>;
export function max<D extends DType>(x: Tensor<D>, dim?: number, keepdim = false): Tensor<D> | ValuesIndices<D> {
  assertTensor('max', 'input', x);
  if (dim === undefined) return amax(x);
  return dimExtremum('max', x, dim, checkBool('max', 'keepdim', keepdim)) as ValuesIndices<D>;
}
export function min<D extends DType>(x: Tensor<D>): Tensor<D>;
export function min<D extends DType>(x: Tensor<D>, dim: number, keepdim?: boolean): ValuesIndices<D>;
export function min<D extends DType>(x: Tensor<D>, dim?: number, keepdim = false): Tensor<D> | ValuesIndices<D> {
  assertTensor('min', 'input', x);
  if (dim === undefined) return amin(x);
  return dimExtremum('min', x, dim, checkBool('min', 'keepdim', keepdim)) as ValuesIndices<D>;
}

/** Index of the first maximum along dim, or into the flattened tensor when dim is omitted. */
export function argmax(x: Tensor, dim?: number, keepdim = false): Tensor<'int32'> {
  assertTensor('argmax', 'input', x);
  if (dim === undefined) return dimExtremum('max', reshape(detach(x), [-1]), 0, false).indices;
  return dimExtremum('max', detach(x), dim, checkBool('argmax', 'keepdim', keepdim)).indices;
}
export function argmin(x: Tensor, dim?: number, keepdim = false): Tensor<'int32'> {
  assertTensor('argmin', 'input', x);
  if (dim === undefined) return dimExtremum('min', reshape(detach(x), [-1]), 0, false).indices;
  return dimExtremum('min', detach(x), dim, checkBool('argmin', 'keepdim', keepdim)).indices;
}

export interface VarOptions extends ReduceOptions {
  /** Bessel's correction: divide by N - correction (default 1, PyTorch's unbiased estimate). */
  correction?: number;
}
function varOptions(op: string, options: VarOptions | undefined): { keepdim: boolean; correction: number } {
  if (options !== undefined) {
    for (const k of Object.keys(options)) if (k !== 'keepdim' && k !== 'correction') throw new ArgumentError(op, `option '${k}'`, 'is not a known option (known: keepdim, correction)');
  }
  const keepdim = options?.keepdim === undefined ? false : checkBool(op, 'keepdim', options.keepdim);
  const correction = options?.correction === undefined ? 1 : checkInt(op, 'correction', options.correction, 0);
  return { keepdim, correction };
}
/** Variance over dims with Bessel's correction (composite: differentiable to any order). */
export function variance<D extends DType>(x: Tensor<D>, dim?: Dims, options?: VarOptions): Tensor<D> {
  assertTensor('var', 'input', x);
  if (!isFloat(x.dtype)) throw new DTypeError('var', 'input', `must be floating point, got ${x.dtype}`, { input: x.shape });
  const { keepdim, correction } = varOptions('var', options);
  const dims = normalizeDims('var', dim, x.ndim);
  const n = numel(dims.map((d) => x.shape[d]!));
  const centered = sub(x, mean(x, dims, { keepdim: true }));
  const ss = sum(mul(centered, centered), dims, { keepdim });
  // NOTE: N - correction <= 0 gives inf/NaN, as PyTorch does (it warns; we document).
  return div(ss, Math.max(n - correction, 0)) as Tensor<D>;
}
export function std<D extends DType>(x: Tensor<D>, dim?: Dims, options?: VarOptions): Tensor<D> {
  return sqrt(variance(x, dim, options)) as Tensor<D>;
}

/** log Σ exp(x) over dims, computed stably (max-shifted); gradient is softmax. */
export function logsumexp<D extends DType>(x: Tensor<D>, dim?: Dims, options?: ReduceOptions | boolean): Tensor<FloatOf<D>> {
  assertTensor('logsumexp', 'input', x);
  const xf: Tensor = isFloat(x.dtype) ? x : cast(x, 'float32');
  const dims = normalizeDims('logsumexp', dim, x.ndim);
  const keepdim = parseKeepdim('logsumexp', options);
  if (xf.numel() === 0) {
    return log(sum(exp(xf), dims, { keepdim })) as never;
  }
  // NOTE: the shift is detached (it cancels analytically); infinite maxima shift by 0 (PyTorch).
  const m0 = amax(detach(xf), dims, { keepdim: true });
  const m = where(eq(abs(m0), Infinity), 0, m0);
  const out = add(log(sum(exp(sub(xf, m)), dims, { keepdim: true })), m);
  return (keepdim ? out : reshape(out, reducedShape(x.shape, dims, false))) as never;
}

function softmaxOp(name: 'softmax' | 'logSoftmax', x: Tensor, dim: number): Tensor {
  assertTensor(name, 'input', x);
  if (dim === undefined || dim === null) throw new ArgumentError(name, 'dim', 'is required (PyTorch deprecated the implicit choice)');
  const xf = isFloat(x.dtype) ? x : cast(x, 'float32');
  const d = normalizeDim(name, dim, xf.ndim);
  const out = empty(xf.shape, xf.dtype);
  if (xf.numel() > 0) {
    const outer = numel(xf.shape.slice(0, d));
    const size = xf.ndim === 0 ? 1 : xf.shape[d]!;
    const inner = numel(xf.shape.slice(d + 1));
    kernelsFor(xf.dtype).softmax(name, contiguousData(xf) as Float32Array, outer, size, inner, out.storage.data as Float32Array);
  }
  return record(name, [xf], out, { dim: d });
}
/** exp(x) / Σ exp(x) along dim (max-shifted, never overflows). */
export const softmax = <D extends DType>(x: Tensor<D>, dim: number): Tensor<FloatOf<D>> => softmaxOp('softmax', x, dim) as never;
/** x − logsumexp(x) along dim, computed in one stable pass. */
export const logSoftmax = <D extends DType>(x: Tensor<D>, dim: number): Tensor<FloatOf<D>> => softmaxOp('logSoftmax', x, dim) as never;


/** Sums `g` down to `shape` (the adjoint of broadcasting): leading dims and expanded size-1 dims. */
export function sumToShape<D extends DType>(g: Tensor<D>, shape: readonly number[]): Tensor<D> {
  if (g.ndim === shape.length && g.shape.every((s, i) => s === shape[i])) return g;
  const lead = g.ndim - shape.length;
  const dims: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) dims.push(i);
  }
  const s: Tensor = dims.length ? sum(g, dims, { keepdim: true }) : g;
  return reshape(s, shape) as Tensor<D>;
}
