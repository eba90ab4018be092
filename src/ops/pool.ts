// Pooling ops with PyTorch 1.13's semantics: maxPool1d/2d, avgPool1d/2d, adaptiveAvgPool1d/2d and
// adaptiveMaxPool1d/2d over (N, C, H, W) / (C, H, W) and (N, C, L) / (C, L) inputs. PyTorch's formulas
// (output sizes, padding and ceil-mode rules, adaptive start/end indices, divisors) live here and become a
// PoolPlan: per-axis windows the kernels walk. maxPool's gradient scatters to the saved indices
// (maxPoolBackward, whose own gradient is a gather); avgPool and avgPoolBackward are each other's adjoints.

import { kernelsFor } from '../backend/backend.js';
import { isFloat, type DType } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError, checkOptions } from '../core/errors.js';
import { contiguousStrides, fmt } from '../core/shape.js';
import { isGradEnabled, record } from '../engine.js';
import type { PoolPlan } from '../primitives.js';
import { Tensor } from '../tensor.js';
import { where } from './elementwise.js';
import { assertTensor, checkBool, contiguousData, empty } from './helpers.js';
import { gather } from './indexing.js';
import { reshape } from './layout.js';

/** A size per spatial dim: one number for all, or one per dim (PyTorch's int or tuple). */
export type Size2 = number | readonly [number] | readonly [number, number];
/** A 1-d size: one number (or a list of one, as PyTorch's 1-tuples). */
export type Size1 = number | readonly [number];
/** An adaptive output size; null keeps the input's size along that dim. */
export type OutputSize2 = number | null | readonly [number | null] | readonly [number | null, number | null];
/** An adaptive 1-d output size. */
export type OutputSize1 = number | readonly [number];

/** Options of {@link maxPool2d}. */
export interface MaxPool2dOptions {
  /** Step between windows (default: kernelSize). */
  stride?: Size2 | null;
  /** Implicit -Infinity padding on both sides, at most half the kernel size (default 0). */
  padding?: Size2;
  /** Spacing between window elements (default 1). */
  dilation?: Size2;
  /** Output sizes rounded up instead of down; a last window must still start inside the input or left padding. */
  ceilMode?: boolean;
  /** Also return the indices of the maxima (flat within each H×W plane, int32). */
  returnIndices?: boolean;
}
/** Options of {@link maxPool1d}. */
export interface MaxPool1dOptions {
  /** Step between windows (default: kernelSize). */
  stride?: Size1 | null;
  /** Implicit -Infinity padding on both sides, at most half the kernel size (default 0). */
  padding?: Size1;
  /** Spacing between window elements (default 1). */
  dilation?: Size1;
  /** Round output sizes up (see MaxPool2dOptions). */
  ceilMode?: boolean;
  /** Also return the indices of the maxima (int32). */
  returnIndices?: boolean;
}
/** Options of {@link avgPool2d}. */
export interface AvgPool2dOptions {
  /** Step between windows (default: kernelSize). */
  stride?: Size2 | null;
  /** Implicit zero padding on both sides, at most half the kernel size (default 0). */
  padding?: Size2;
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window sum by this instead (a non-zero integer; default null). */
  divisorOverride?: number | null;
}
/** Options of {@link avgPool1d}. */
export interface AvgPool1dOptions {
  /** Step between windows (default: kernelSize). */
  stride?: Size1 | null;
  /** Implicit zero padding on both sides, at most half the kernel size (default 0). */
  padding?: Size1;
  /** Round output sizes up (see MaxPool2dOptions). */
  ceilMode?: boolean;
  /** Count padded zeros in the divisor (default true). */
  countIncludePad?: boolean;
}
/** Options of the adaptive max pools. */
export interface AdaptiveMaxPoolOptions {
  /** Also return the indices of the maxima (int32, flat within each plane). */
  returnIndices?: boolean;
}

// ---- argument parsing --------------------------------------------------------------------------------

/** A size argument as one integer per spatial dim (`n` dims), each >= min. */
function sizes(op: string, arg: string, v: unknown, n: number, min: number): number[] {
  const list = typeof v === 'number' ? [v] : Array.isArray(v) ? (v as unknown[]) : null;
  if (list === null || (list.length !== 1 && list.length !== n)) {
    throw new ArgumentError(op, arg, `must be an integer${n > 1 ? ` or a list of 1 or ${n} integers` : ' or a list of one integer'}, got ${describe(v)}`);
  }
  const out = (list.length === 1 ? new Array<unknown>(n).fill(list[0]) : list).map((d) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d)) throw new ArgumentError(op, arg, `must hold integers, got ${describe(v)}`);
    if (d < min) throw new ArgumentError(op, arg, `must be ${min === 1 ? 'greater than zero' : `>= ${min}`}, got ${describe(v)}`);
    return d;
  });
  return out;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(String).join(', ')}]`;
  return typeof v === 'number' ? String(v) : v === null ? 'null' : typeof v;
}

function floatInput(op: string, x: Tensor): void {
  assertTensor(op, 'input', x);
  if (!isFloat(x.dtype)) throw new DTypeError(op, 'input', `must be floating point, got ${x.dtype}; cast it with .float()`, { input: x.shape });
}

/**
 * The input viewed as [N, C, H, W] (`spatial` = 2) or [N, C, 1, L] (`spatial` = 1): sizes and element
 * strides, for the batched rank (spatial + 2) or the unbatched one (spatial + 1). PyTorch's checks: the
 * non-batch dims must be non-zero.
 */
function planes(op: string, shape: readonly number[], s: readonly number[], spatial: 1 | 2): { shape4: number[]; strides4: number[]; batched: boolean } {
  const r = shape.length;
  const batched = r === spatial + 2;
  if (!batched && r !== spatial + 1) {
    const want = spatial === 2 ? '3-D (C, H, W) or 4-D (N, C, H, W)' : '2-D (C, L) or 3-D (N, C, L)';
    throw new ShapeError(op, 'input', `must be ${want}, got ${r}-D`, { input: shape });
  }
  const lead = batched ? 1 : 0;
  for (let d = lead; d < r; d++) {
    if (shape[d] === 0) throw new ShapeError(op, 'input', 'must have non-zero sizes in every dim but the batch dim', { input: shape });
  }
  const N = batched ? shape[0]! : 1;
  const sN = batched ? s[0]! : 0;
  const C = shape[lead]!;
  const sC = s[lead]!;
  if (spatial === 2) return { shape4: [N, C, shape[lead + 1]!, shape[lead + 2]!], strides4: [sN, sC, s[lead + 1]!, s[lead + 2]!], batched };
  return { shape4: [N, C, 1, shape[lead + 1]!], strides4: [sN, sC, 0, s[lead + 1]!], batched };
}

// ---- windows -------------------------------------------------------------------------------------------

interface Axis {
  out: number;
  start: number[];
  count: number[];
  div: number[];
}

/** PyTorch's pooling_output_shape_pad_lr (pad on both sides): floor (or ceil) of the window count, ceil's last window inside. */
export function poolOutputSize(inputSize: number, kernelSize: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  const num = inputSize + 2 * pad - dilation * (kernelSize - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(num / stride) + 1;
  // NOTE: PyTorch: in ceil mode the last pooling must start inside the image or the left padding.
  if (ceilMode && (out - 1) * stride >= inputSize + pad) out--;
  return out;
}

/** Max-pool windows along one axis (PyTorch's cpu_max_pool: start stepped past the padding by the dilation). */
function maxAxis(size: number, k: number, s: number, p: number, d: number, ceil: boolean): Axis {
  const out = poolOutputSize(size, k, p, s, d, ceil);
  const a: Axis = { out, start: [], count: [], div: [] };
  for (let o = 0; o < out; o++) {
    let i0 = o * s - p;
    const i1 = Math.min(i0 + (k - 1) * d + 1, size);
    while (i0 < 0) i0 += d;
    a.start.push(i0);
    a.count.push(i0 < i1 ? Math.ceil((i1 - i0) / d) : 0);
    a.div.push(1);
  }
  return a;
}

/** Average-pool windows: the clipped range, and the divisor with or without the padding (PyTorch's pool_size). */
function avgAxis(size: number, k: number, s: number, p: number, ceil: boolean, countIncludePad: boolean): Axis {
  const out = poolOutputSize(size, k, p, s, 1, ceil);
  const a: Axis = { out, start: [], count: [], div: [] };
  for (let o = 0; o < out; o++) {
    const i0 = o * s - p;
    const i1 = Math.min(i0 + k, size + p);
    const lo = Math.max(i0, 0);
    const hi = Math.min(i1, size);
    const count = Math.max(hi - lo, 0);
    a.start.push(lo);
    a.count.push(count);
    a.div.push(Math.max(countIncludePad ? i1 - i0 : count, 1));
  }
  return a;
}

/**
 * Adaptive windows: [floor(o·size/out), ceil((o + 1)·size/out)), computed as PyTorch's start_index/end_index
 * do, in float: (float)(a·c) / b.
 */
function adaptiveAxis(size: number, out: number): Axis {
  const a: Axis = { out, start: [], count: [], div: [] };
  const f = Math.fround;
  for (let o = 0; o < out; o++) {
    const i0 = Math.floor(f(f(o * size) / f(out)));
    const i1 = Math.ceil(f(f((o + 1) * size) / f(out)));
    a.start.push(i0);
    a.count.push(i1 - i0);
    a.div.push(Math.max(i1 - i0, 1));
  }
  return a;
}

function makePlan(shape4: readonly number[], inputShape: readonly number[], batched: boolean, spatial: 1 | 2, h: Axis, w: Axis, dH: number, dW: number, divisorOverride = 0): PoolPlan {
  const [N, C, H, W] = shape4 as [number, number, number, number];
  const windows = Int32Array.from([...h.start, ...h.count, ...h.div, ...w.start, ...w.count, ...w.div]);
  const outSpatial = spatial === 2 ? [h.out, w.out] : [w.out];
  return {
    geom: [N, C, H, W, h.out, w.out, dH, dW],
    windows,
    divisorOverride,
    inputShape: inputShape.slice(),
    outputShape: batched ? [N, C, ...outSpatial] : [C, ...outSpatial],
    spatial,
    hasEmpty: h.count.includes(0) || w.count.includes(0),
  };
}

/** PyTorch's pool2d_shape_check on resolved sizes: padding at most half the kernel, a non-empty output. */
function checkPool(op: string, shape: readonly number[], k: number[], p: number[], outs: number[]): void {
  if (k.some((kk, i) => p[i]! > Math.floor(kk / 2))) {
    throw new ArgumentError(op, 'padding', `should be at most half of the kernel size, got padding ${fmt(p)} for kernelSize ${fmt(k)}`);
  }
  if (outs.some((o) => o < 1)) {
    throw new ShapeError(op, 'input', `is too small: the output size would be ${fmt(outs)}`, { input: shape });
  }
}

interface WindowArgs {
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
}

function windowArgs(op: string, n: 1 | 2, kernelSize: unknown, o: { stride?: unknown; padding?: unknown; dilation?: unknown } | undefined, withDilation: boolean): WindowArgs {
  const kernel = sizes(op, 'kernelSize', kernelSize, n, 1);
  const s = o?.stride;
  const stride = s === undefined || s === null || (Array.isArray(s) && s.length === 0) ? kernel.slice() : sizes(op, 'stride', s, n, 1);
  const padding = o?.padding === undefined ? new Array<number>(n).fill(0) : sizes(op, 'padding', o.padding, n, 0);
  const dilation = !withDilation || o?.dilation === undefined ? new Array<number>(n).fill(1) : sizes(op, 'dilation', o.dilation, n, 1);
  return { kernel, stride, padding, dilation };
}

// ---- running the kernels (with autograd) -----------------------------------------------------------------

/** Runs maxPool over `x` and records it; returns the values and, when asked for, the indices. */
function runMaxPool(x: Tensor, plan: PoolPlan, strides4: readonly number[], returnIndices: boolean): { out: Tensor; indices: Tensor<'int32'> | null } {
  const out = empty(plan.outputShape, x.dtype);
  const tracked = isGradEnabled() && x.requiresGrad;
  const indices = returnIndices || tracked ? empty(plan.outputShape, 'int32') : null;
  if (out.numel() > 0) {
    kernelsFor(x.dtype).maxPool(plan.geom, plan.windows, x.storage.data as Float32Array, x.offset, strides4, out.storage.data as Float32Array,
      indices !== null, indices ? indices.storage.data : new Int32Array(0));
  }
  if (tracked) record('maxPool', [x], out, { plan, indices: plan.hasEmpty ? emptyWindowsSkipped(indices!, plan) : indices! });
  return { out, indices };
}

/**
 * The indices the gradient scatters to: as returned, but -1 where the window is empty (its -Infinity output
 * depends on no input). NOTE: PyTorch returns the empty window's start there, and its backward would write
 * outside the plane; its gradient is zero by definition.
 */
function emptyWindowsSkipped(indices: Tensor<'int32'>, plan: PoolPlan): Tensor<'int32'> {
  const [N, C, , , OH, OW] = plan.geom as [number, number, number, number, number, number];
  const hc = plan.windows.subarray(OH, 2 * OH);
  const wc = plan.windows.subarray(3 * OH + OW, 3 * OH + 2 * OW);
  const src = indices.storage.data;
  const out = Int32Array.from(src);
  for (let p = 0; p < N * C; p++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) if (hc[oh] === 0 || wc[ow] === 0) out[(p * OH + oh) * OW + ow] = -1;
    }
  }
  return Tensor.fromData(out, indices.shape, 'int32');
}

/**
 * @internal maxPool's gradient: `grad` (the pool's output shape) added into zeros of the input shape at
 * the saved `indices` (-1: nowhere). Differentiable in `grad` (its gradient gathers at the same indices).
 */
export function maxPoolBackward<D extends DType>(grad: Tensor<D>, plan: PoolPlan, indices: Tensor<'int32'>): Tensor<D> {
  const [N, C, H, W, OH, OW] = plan.geom as [number, number, number, number, number, number];
  const out = empty(plan.inputShape, grad.dtype);
  if (out.numel() > 0) {
    kernelsFor(grad.dtype).maxPoolBackward(N * C, H * W, OH * OW, contiguousData(grad) as Float32Array, contiguousData(indices) as Int32Array,
      out.storage.data as Float32Array);
  }
  return record('maxPoolBackward', [grad], out, { plan, indices }) as Tensor<D>;
}

/**
 * @internal The gradient of maxPoolBackward with respect to its `grad`: `g` (the input's shape) read at the
 * saved indices, 0 where an index is -1.
 */
export function maxPoolGather<D extends DType>(g: Tensor<D>, plan: PoolPlan, indices: Tensor<'int32'>): Tensor<D> {
  const [N, C, H, W, OH, OW] = plan.geom as [number, number, number, number, number, number];
  const P = N * C;
  if (P * OH * OW === 0 || H * W === 0) return reshape(gather(reshape(g, [P, H * W]), 1, reshape(indices, [P, OH * OW])), plan.outputShape as number[]);
  let idx = reshape(indices, [P, OH * OW]) as Tensor<'int32'>;
  let valid: Tensor<'bool'> | null = null;
  if (plan.hasEmpty) {
    const safe = Int32Array.from(contiguousData(idx) as Int32Array);
    const ok = new Uint8Array(safe.length);
    for (let i = 0; i < safe.length; i++) {
      ok[i] = safe[i] === -1 ? 0 : 1;
      if (safe[i] === -1) safe[i] = 0;
    }
    idx = Tensor.fromData(safe, idx.shape, 'int32');
    valid = Tensor.fromData(ok, idx.shape, 'bool');
  }
  const picked = gather(reshape(g, [P, H * W]), 1, idx);
  return reshape(valid ? (where(valid, picked as Tensor, 0) as Tensor<D>) : picked, plan.outputShape as number[]);
}

/** @internal Runs avgPool with `plan` over `x` (its input shape) and records it. */
export function applyAvgPool<D extends DType>(x: Tensor<D>, plan: PoolPlan, strides4?: readonly number[]): Tensor<D> {
  const out = empty(plan.outputShape, x.dtype);
  if (out.numel() > 0) {
    kernelsFor(x.dtype).avgPool(plan.geom, plan.windows, plan.divisorOverride, x.storage.data as Float32Array, x.offset, strides4 ?? strides4Of(x, plan),
      out.storage.data as Float32Array);
  }
  return record('avgPool', [x], out, { plan }) as Tensor<D>;
}

/** @internal avgPool's adjoint: `grad` (the output shape) spread over the input shape. */
export function avgPoolBackward<D extends DType>(grad: Tensor<D>, plan: PoolPlan): Tensor<D> {
  const out = empty(plan.inputShape, grad.dtype);
  if (out.numel() > 0) {
    kernelsFor(grad.dtype).avgPoolBackward(plan.geom, plan.windows, plan.divisorOverride, contiguousData(grad) as Float32Array, out.storage.data as Float32Array);
  }
  return record('avgPoolBackward', [grad], out, { plan }) as Tensor<D>;
}

/** Element strides of `x` (shaped as plan.inputShape) along [N, C, H, W]; size-1 dims get stride 0. */
function strides4Of(x: Tensor, plan: PoolPlan): number[] {
  const s = x.strides;
  const r = x.ndim;
  const sH = plan.spatial === 2 ? s[r - 2]! : 0;
  const cDim = r - 1 - plan.spatial;
  return [cDim > 0 ? s[0]! : 0, s[cDim]!, sH, s[r - 1]!];
}

// ---- public ops ------------------------------------------------------------------------------------------

/** The single window of a 1-d pooling's unit H axis. */
const unitAxis = (): Axis => ({ out: 1, start: [0], count: [1], div: [1] });

/** PyTorch's max-pool windows for an input of `shape` (strides: its element strides). Options are checked here. */
function maxPlan(op: string, spatial: 1 | 2, shape: readonly number[], strides: readonly number[], kernelSize: unknown, options: MaxPool2dOptions | MaxPool1dOptions | undefined): { plan: PoolPlan; strides4: number[] } {
  const ceil = options?.ceilMode === undefined ? false : checkBool(op, 'ceilMode', options.ceilMode);
  const { kernel, stride, padding, dilation } = windowArgs(op, spatial, kernelSize, options, true);
  const { shape4, strides4, batched } = planes(op, shape, strides, spatial);
  const last = spatial - 1;
  const h = spatial === 2 ? maxAxis(shape4[2]!, kernel[0]!, stride[0]!, padding[0]!, dilation[0]!, ceil) : unitAxis();
  const w = maxAxis(shape4[3]!, kernel[last]!, stride[last]!, padding[last]!, dilation[last]!, ceil);
  checkPool(op, shape, kernel, padding, spatial === 2 ? [h.out, w.out] : [w.out]);
  return { plan: makePlan(shape4, shape, batched, spatial, h, w, spatial === 2 ? dilation[0]! : 1, dilation[last]!), strides4 };
}

function maxPoolNd(op: string, spatial: 1 | 2, x: Tensor, kernelSize: unknown, options: MaxPool2dOptions | MaxPool1dOptions | undefined): Tensor | [Tensor, Tensor<'int32'>] {
  floatInput(op, x);
  checkOptions(op, options, ['stride', 'padding', 'dilation', 'ceilMode', 'returnIndices']);
  const ret = options?.returnIndices === undefined ? false : checkBool(op, 'returnIndices', options.returnIndices);
  const { plan, strides4 } = maxPlan(op, spatial, x.shape, x.strides, kernelSize, options);
  const { out, indices } = runMaxPool(x, plan, strides4, ret);
  return ret ? [out, indices!] : out;
}

/**
 * 2-d max pooling over the last two dims of an (N, C, H, W) or (C, H, W) input (PyTorch's
 * `F.max_pool2d`): each output is the maximum of a `kernelSize` window moved by `stride` (default: the
 * kernel size) over the input padded with -Infinity, window elements `dilation` apart. Output size per dim:
 * floor((size + 2·padding − dilation·(kernel − 1) − 1)/stride) + 1, rounded up with `ceilMode` (a last
 * window must start inside the input or its left padding). Padding may be at most half the kernel size.
 *
 * NOTE: as PyTorch, a NaN in a window gives NaN (its index: the window's last NaN), ties pick the first
 * maximum in row-major order, and the gradient goes to that index only. With `returnIndices` the result is
 * `[values, indices]`, indices flat within each H×W plane (int32; PyTorch's are int64).
 *
 * @example
 * const x = arange(16).float().reshape([1, 1, 4, 4]);
 * F.maxPool2d(x, 2);                                   // [[[[5, 7], [13, 15]]]]
 * const [y, idx] = F.maxPool2d(x, 3, { stride: 2, padding: 1, returnIndices: true });
 */
export function maxPool2d<D extends DType>(x: Tensor<D>, kernelSize: Size2, options?: MaxPool2dOptions & { returnIndices?: false }): Tensor<D>;
export function maxPool2d<D extends DType>(x: Tensor<D>, kernelSize: Size2, options: MaxPool2dOptions & { returnIndices: true }): [Tensor<D>, Tensor<'int32'>];
export function maxPool2d<D extends DType>(x: Tensor<D>, kernelSize: Size2, options?: MaxPool2dOptions): Tensor<D> | [Tensor<D>, Tensor<'int32'>];
export function maxPool2d<D extends DType>(x: Tensor<D>, kernelSize: Size2, options?: MaxPool2dOptions): Tensor<D> | [Tensor<D>, Tensor<'int32'>] {
  return maxPoolNd('maxPool2d', 2, x, kernelSize, options) as Tensor<D> | [Tensor<D>, Tensor<'int32'>];
}

/**
 * 1-d max pooling over the last dim of an (N, C, L) or (C, L) input (PyTorch's `F.max_pool1d`); the rules
 * of {@link maxPool2d} along one dim.
 *
 * @example
 * F.maxPool1d(tensor([[[1, 3, 2, 5, 4]]]), 2);        // [[[3, 5]]]
 */
export function maxPool1d<D extends DType>(x: Tensor<D>, kernelSize: Size1, options?: MaxPool1dOptions & { returnIndices?: false }): Tensor<D>;
export function maxPool1d<D extends DType>(x: Tensor<D>, kernelSize: Size1, options: MaxPool1dOptions & { returnIndices: true }): [Tensor<D>, Tensor<'int32'>];
export function maxPool1d<D extends DType>(x: Tensor<D>, kernelSize: Size1, options?: MaxPool1dOptions): Tensor<D> | [Tensor<D>, Tensor<'int32'>];
export function maxPool1d<D extends DType>(x: Tensor<D>, kernelSize: Size1, options?: MaxPool1dOptions): Tensor<D> | [Tensor<D>, Tensor<'int32'>] {
  return maxPoolNd('maxPool1d', 1, x, kernelSize, options) as Tensor<D> | [Tensor<D>, Tensor<'int32'>];
}

/** PyTorch's average-pool windows and divisors for an input of `shape`. Options are checked here. */
function avgPlan(op: string, spatial: 1 | 2, shape: readonly number[], strides: readonly number[], kernelSize: unknown, options: AvgPool2dOptions | AvgPool1dOptions | undefined): { plan: PoolPlan; strides4: number[] } {
  const ceil = options?.ceilMode === undefined ? false : checkBool(op, 'ceilMode', options.ceilMode);
  const include = options?.countIncludePad === undefined ? true : checkBool(op, 'countIncludePad', options.countIncludePad);
  const d = (options as AvgPool2dOptions | undefined)?.divisorOverride;
  let divisor = 0;
  if (d !== undefined && d !== null) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < -(2 ** 31) || d >= 2 ** 31) throw new ArgumentError(op, 'divisorOverride', `must be an integer, got ${describe(d)}`);
    if (d === 0) throw new ArgumentError(op, 'divisorOverride', 'must not be zero');
    divisor = d;
  }
  const { kernel, stride, padding } = windowArgs(op, spatial, kernelSize, options, false);
  const { shape4, strides4, batched } = planes(op, shape, strides, spatial);
  const last = spatial - 1;
  const h = spatial === 2 ? avgAxis(shape4[2]!, kernel[0]!, stride[0]!, padding[0]!, ceil, include) : unitAxis();
  const w = avgAxis(shape4[3]!, kernel[last]!, stride[last]!, padding[last]!, ceil, include);
  checkPool(op, shape, kernel, padding, spatial === 2 ? [h.out, w.out] : [w.out]);
  return { plan: makePlan(shape4, shape, batched, spatial, h, w, 1, 1, divisor), strides4 };
}

function avgPoolNd(op: string, spatial: 1 | 2, x: Tensor, kernelSize: unknown, options: AvgPool2dOptions | AvgPool1dOptions | undefined): Tensor {
  floatInput(op, x);
  checkOptions(op, options, spatial === 2 ? ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'] : ['stride', 'padding', 'ceilMode', 'countIncludePad']);
  const { plan, strides4 } = avgPlan(op, spatial, x.shape, x.strides, kernelSize, options);
  return applyAvgPool(x, plan, strides4);
}

/**
 * 2-d average pooling over the last two dims of an (N, C, H, W) or (C, H, W) input (PyTorch's
 * `F.avg_pool2d`): each output is its window's sum over the divisor: the window size including the zero
 * padding (`countIncludePad`, default true) or only the elements inside the input, or `divisorOverride`.
 * Output sizes and the padding/ceil rules are those of {@link maxPool2d} without dilation; in ceil mode a
 * window reaching past the right padding counts only up to it.
 *
 * @example
 * F.avgPool2d(arange(16).float().reshape([1, 1, 4, 4]), 2);   // [[[[2.5, 4.5], [10.5, 12.5]]]]
 * F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false });
 */
export function avgPool2d<D extends DType>(x: Tensor<D>, kernelSize: Size2, options?: AvgPool2dOptions): Tensor<D> {
  return avgPoolNd('avgPool2d', 2, x, kernelSize, options) as Tensor<D>;
}

/**
 * 1-d average pooling over the last dim of an (N, C, L) or (C, L) input (PyTorch's `F.avg_pool1d`, which has
 * no divisorOverride).
 *
 * @example
 * F.avgPool1d(tensor([[[1, 2, 3, 4]]]), 2);           // [[[1.5, 3.5]]]
 */
export function avgPool1d<D extends DType>(x: Tensor<D>, kernelSize: Size1, options?: AvgPool1dOptions): Tensor<D> {
  return avgPoolNd('avgPool1d', 1, x, kernelSize, options) as Tensor<D>;
}

/** Adaptive output sizes per spatial dim (null: the input's size), each >= 0. */
function outputSizes(op: string, v: unknown, spatial: 1 | 2, input: readonly number[]): number[] {
  const list = typeof v === 'number' || v === null ? [v] : Array.isArray(v) ? (v as unknown[]) : undefined;
  if (list === undefined || (list.length !== 1 && list.length !== spatial)) {
    throw new ArgumentError(op, 'outputSize', `must be an integer${spatial === 2 ? ' or a list of 1 or 2 integers (or null)' : ' or a list of one integer'}, got ${describe(v)}`);
  }
  const full = list.length === 1 ? new Array<unknown>(spatial).fill(list[0]) : list;
  return full.map((o, i) => {
    if (o === null && spatial === 2) return input[i]!;
    if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) throw new ArgumentError(op, 'outputSize', `must hold non-negative integers, got ${describe(v)}`);
    return o;
  });
}

/** Adaptive windows for an input of `shape`: PyTorch's start/end indices. */
function adaptivePlan(op: string, spatial: 1 | 2, shape: readonly number[], strides: readonly number[], outputSize: unknown): { plan: PoolPlan; strides4: number[] } {
  const { shape4, strides4, batched } = planes(op, shape, strides, spatial);
  const outs = outputSizes(op, outputSize, spatial, spatial === 2 ? [shape4[2]!, shape4[3]!] : [shape4[3]!]);
  const h = spatial === 2 ? adaptiveAxis(shape4[2]!, outs[0]!) : unitAxis();
  const w = adaptiveAxis(shape4[3]!, outs[spatial - 1]!);
  return { plan: makePlan(shape4, shape, batched, spatial, h, w, 1, 1), strides4 };
}

/**
 * Adaptive 2-d average pooling to `outputSize` (PyTorch's `F.adaptive_avg_pool2d`): output (i, j) averages
 * rows floor(i·H/OH) ... ceil((i + 1)·H/OH) − 1 and the matching columns; windows may overlap when the
 * sizes do not divide. A null size keeps that dim.
 *
 * @example
 * F.adaptiveAvgPool2d(x, 1);          // global average pooling: (N, C, 1, 1)
 * F.adaptiveAvgPool2d(x, [7, null]);
 */
export function adaptiveAvgPool2d<D extends DType>(x: Tensor<D>, outputSize: OutputSize2): Tensor<D> {
  floatInput('adaptiveAvgPool2d', x);
  const { plan, strides4 } = adaptivePlan('adaptiveAvgPool2d', 2, x.shape, x.strides, outputSize);
  return applyAvgPool(x, plan, strides4);
}

/**
 * Adaptive 1-d average pooling of an (N, C, L) or (C, L) input to `outputSize` (PyTorch's
 * `F.adaptive_avg_pool1d`).
 *
 * @example
 * F.adaptiveAvgPool1d(tensor([[[1, 2, 3, 4, 5]]]), 2); // [[[2, 4]]]: windows [0, 3) and [2, 5)
 */
export function adaptiveAvgPool1d<D extends DType>(x: Tensor<D>, outputSize: OutputSize1): Tensor<D> {
  floatInput('adaptiveAvgPool1d', x);
  const { plan, strides4 } = adaptivePlan('adaptiveAvgPool1d', 1, x.shape, x.strides, outputSize);
  return applyAvgPool(x, plan, strides4);
}

function adaptiveMax(op: string, spatial: 1 | 2, x: Tensor, outputSize: unknown, options: AdaptiveMaxPoolOptions | undefined): Tensor | [Tensor, Tensor<'int32'>] {
  checkOptions(op, options, ['returnIndices']);
  const ret = options?.returnIndices === undefined ? false : checkBool(op, 'returnIndices', options.returnIndices);
  floatInput(op, x);
  const { plan, strides4 } = adaptivePlan(op, spatial, x.shape, x.strides, outputSize);
  const { out, indices } = runMaxPool(x, plan, strides4, ret);
  return ret ? [out, indices!] : out;
}

/**
 * Adaptive 2-d max pooling to `outputSize` (PyTorch's `F.adaptive_max_pool2d`), with the windows of
 * {@link adaptiveAvgPool2d} and the NaN/tie rules of {@link maxPool2d}; `returnIndices` gives `[values, indices]`.
 *
 * @example
 * F.adaptiveMaxPool2d(x, [2, 2]);
 */
export function adaptiveMaxPool2d<D extends DType>(x: Tensor<D>, outputSize: OutputSize2, options?: AdaptiveMaxPoolOptions & { returnIndices?: false }): Tensor<D>;
export function adaptiveMaxPool2d<D extends DType>(x: Tensor<D>, outputSize: OutputSize2, options: AdaptiveMaxPoolOptions & { returnIndices: true }): [Tensor<D>, Tensor<'int32'>];
export function adaptiveMaxPool2d<D extends DType>(x: Tensor<D>, outputSize: OutputSize2, options?: AdaptiveMaxPoolOptions): Tensor<D> | [Tensor<D>, Tensor<'int32'>];
export function adaptiveMaxPool2d<D extends DType>(x: Tensor<D>, outputSize: OutputSize2, options?: AdaptiveMaxPoolOptions): Tensor<D> | [Tensor<D>, Tensor<'int32'>] {
  return adaptiveMax('adaptiveMaxPool2d', 2, x, outputSize, options) as Tensor<D> | [Tensor<D>, Tensor<'int32'>];
}

/**
 * Adaptive 1-d max pooling of an (N, C, L) or (C, L) input (PyTorch's `F.adaptive_max_pool1d`).
 *
 * @example
 * F.adaptiveMaxPool1d(tensor([[[1, 5, 2, 4, 3]]]), 2); // [[[5, 4]]]
 */
export function adaptiveMaxPool1d<D extends DType>(x: Tensor<D>, outputSize: OutputSize1, options?: AdaptiveMaxPoolOptions & { returnIndices?: false }): Tensor<D>;
export function adaptiveMaxPool1d<D extends DType>(x: Tensor<D>, outputSize: OutputSize1, options: AdaptiveMaxPoolOptions & { returnIndices: true }): [Tensor<D>, Tensor<'int32'>];
export function adaptiveMaxPool1d<D extends DType>(x: Tensor<D>, outputSize: OutputSize1, options?: AdaptiveMaxPoolOptions): Tensor<D> | [Tensor<D>, Tensor<'int32'>];
export function adaptiveMaxPool1d<D extends DType>(x: Tensor<D>, outputSize: OutputSize1, options?: AdaptiveMaxPoolOptions): Tensor<D> | [Tensor<D>, Tensor<'int32'>] {
  return adaptiveMax('adaptiveMaxPool1d', 1, x, outputSize, options) as Tensor<D> | [Tensor<D>, Tensor<'int32'>];
}


/**
 * @internal The plan the pooling ops hand the kernels for a contiguous input of `shape` (the kernel tests
 * drive the kernels with PyTorch's geometries this way). `arg` is the kernel size, or the adaptive output size.
 */
export function poolPlan(kind: 'max' | 'avg' | 'adaptive', spatial: 1 | 2, shape: readonly number[], arg: Size2 | OutputSize2, options?: MaxPool2dOptions & AvgPool2dOptions): PoolPlan {
  const strides = contiguousStrides(shape);
  if (kind === 'max') return maxPlan('poolPlan', spatial, shape, strides, arg, options).plan;
  if (kind === 'avg') return avgPlan('poolPlan', spatial, shape, strides, arg, options).plan;
  return adaptivePlan('poolPlan', spatial, shape, strides, arg).plan;
}
