// The native backend: maps the kernel contract onto the addon's exports. Op names travel as small
// integer codes whose order is checked against the addon's own lists at load, and shape/stride lists
// as Float64Array. A kernel the addon lacks would be marked 'reference' here, visibly, never skipped.

import type { AnyTypedArray } from '../../core/dtype.js';
import { BackendError, IndexError, ShapeError, DTypeError, ArgumentError } from '../../core/errors.js';
import {
  ARG_REDUCE_OPS, BINARY_OPS, KERNEL_NAMES, OPTIM_OPS, REDUCE_OPS, SOFTMAX_OPS, UNARY_OPS,
  type Dims, type KernelName, type Kernels,
  CONV2D_GEOMETRY_KEYS, type Conv2dGeometry, RNN_GEOMETRY_KEYS, RNN_MODES, type RnnGeometry,
} from '../../kernels/spec.js';
import { loadAddon } from './loader.js';

export interface NativeInfo {
  available: true;
  version: string;
  isa: string;
  isaAvailable: string[];
  threads: number;
  physicalCores: number;
  napiVersion: number;
}

/** The raw addon surface (positional arguments; see native/binding/addon.cc). */
export interface Addon {
  init(errors: Record<string, unknown>): void;
  info(): Omit<NativeInfo, 'available'>;
  kernelNames(): string[];
  setNumThreads(n: number): void;
  setIsa(name: string): void;
  opNames(): Record<'unary' | 'binary' | 'reduce' | 'argReduce' | 'softmax' | 'optim' | 'rnn', string[]>;
  copy(shape: Float64Array, src: AnyTypedArray, srcOffset: number, srcStrides: Float64Array, dst: AnyTypedArray, dstOffset: number, dstStrides: Float64Array): void;
  unary(op: number, x: AnyTypedArray, out: AnyTypedArray, n: number, alpha: number, beta: number): void;
  binary(op: number, shape: Float64Array, a: AnyTypedArray, aOffset: number, aStrides: Float64Array, b: AnyTypedArray, bOffset: number, bStrides: Float64Array, out: AnyTypedArray): void;
  where(shape: Float64Array, cond: Uint8Array, cOffset: number, cStrides: Float64Array, a: AnyTypedArray, aOffset: number, aStrides: Float64Array, b: AnyTypedArray, bOffset: number, bStrides: Float64Array, out: AnyTypedArray): void;
  reduce(op: number, x: AnyTypedArray, outer: number, size: number, inner: number, out: AnyTypedArray): void;
  argReduce(op: number, x: AnyTypedArray, outer: number, size: number, inner: number, values: AnyTypedArray, indices: Int32Array): void;
  softmax(op: number, x: AnyTypedArray, outer: number, size: number, inner: number, out: AnyTypedArray): void;
  gemm(...args: Parameters<Kernels['gemm']>): void;
  gather(shape: Float64Array, x: AnyTypedArray, xOffset: number, xStrides: Float64Array, dim: number, xDimSize: number, index: Int32Array, out: AnyTypedArray): void;
  scatterAdd(shape: Float64Array, out: AnyTypedArray, outStrides: Float64Array, dim: number, outDimSize: number, index: Int32Array, src: AnyTypedArray): void;
  optimStep(op: number, n: number, param: AnyTypedArray, grad: AnyTypedArray, s0: AnyTypedArray, s1: AnyTypedArray, s2: AnyTypedArray,
    h0: number, h1: number, h2: number, h3: number, h4: number, h5: number, h6: number, h7: number, h8: number, h9: number): void;
  conv2d(geometry: Float64Array, x: AnyTypedArray, xOffset: number, xStrides: Float64Array, w: AnyTypedArray, wOffset: number,
    bias: AnyTypedArray | null, bOffset: number, out: AnyTypedArray): void;
  conv2dBackwardInput(geometry: Float64Array, gy: AnyTypedArray, gyOffset: number, w: AnyTypedArray, wOffset: number, gx: AnyTypedArray): void;
  conv2dBackwardWeight(geometry: Float64Array, x: AnyTypedArray, xOffset: number, xStrides: Float64Array, gy: AnyTypedArray, gyOffset: number, gw: AnyTypedArray): void;
  maxPool(geom: Float64Array, windows: Int32Array, x: AnyTypedArray, xOffset: number, xStrides: Float64Array, out: AnyTypedArray, withIndices: boolean, indices: Int32Array): void;
  avgPool(geom: Float64Array, windows: Int32Array, divisorOverride: number, x: AnyTypedArray, xOffset: number, xStrides: Float64Array, out: AnyTypedArray): void;
  maxPoolBackward(...args: Parameters<Kernels['maxPoolBackward']>): void;
  avgPoolBackward(geom: Float64Array, windows: Int32Array, divisorOverride: number, grad: AnyTypedArray, gradInput: AnyTypedArray): void;
  batchNormStats(...args: Parameters<Kernels['batchNormStats']>): void;
  batchNormApply(...args: Parameters<Kernels['batchNormApply']>): void;
  batchNormBackward(...args: Parameters<Kernels['batchNormBackward']>): void;
  layerNorm(...args: Parameters<Kernels['layerNorm']>): void;
  layerNormBackward(...args: Parameters<Kernels['layerNormBackward']>): void;
  rnnForward(mode: number, geometry: Float64Array, ...rest: Tail<Parameters<Kernels['rnnForward']>>): void;
  rnnBackward(mode: number, geometry: Float64Array, ...rest: Tail<Parameters<Kernels['rnnBackward']>>): void;
}
type Tail<A extends unknown[]> = A extends [unknown, unknown, ...infer R] ? R : never;

/**
 * Shape/stride lists travel as Float64Array. NOTE: each argument position reuses one array per rank
 * (the addon reads them synchronously and keeps no reference), so a call allocates nothing.
 */
const META_SLOTS = 4;
const metaCache: Float64Array[][] = Array.from({ length: META_SLOTS }, () => []);
function meta(slot: number, d: Dims): Float64Array {
  const byRank = metaCache[slot]!;
  let arr = byRank[d.length];
  if (arr === undefined) {
    arr = new Float64Array(d.length);
    byRank[d.length] = arr;
  }
  for (let i = 0; i < d.length; i++) arr[i] = d[i]!;
  return arr;
}

/** A Conv2dGeometry as the Float64Array the addon reads (CONV2D_GEOMETRY_KEYS order); one array reused. */
const geometryMeta = new Float64Array(CONV2D_GEOMETRY_KEYS.length);
function geometry(g: Conv2dGeometry): Float64Array {
  for (let i = 0; i < CONV2D_GEOMETRY_KEYS.length; i++) geometryMeta[i] = g[CONV2D_GEOMETRY_KEYS[i]!];
  return geometryMeta;
}

const rnnGeometryMeta = new Float64Array(RNN_GEOMETRY_KEYS.length);
function rnnGeometry(g: RnnGeometry): Float64Array {
  for (let i = 0; i < RNN_GEOMETRY_KEYS.length; i++) rnnGeometryMeta[i] = g[RNN_GEOMETRY_KEYS[i]!];
  return rnnGeometryMeta;
}

function codes<T extends string>(name: string, ours: readonly T[], theirs: readonly string[] | undefined): Map<T, number> {
  if (!theirs || theirs.join() !== ours.join()) {
    throw new BackendError('native', `the addon's ${name} op list [${theirs?.join(', ')}] differs from the kernel contract [${ours.join(', ')}]: rebuild the addon`);
  }
  return new Map(ours.map((n, i) => [n, i]));
}

let addonSingleton: Addon | null = null;

/** The raw addon (loaded once). Tests use it to abuse the binding directly. */
export function rawAddon(): Addon {
  if (!addonSingleton) {
    const addon = loadAddon() as Addon;
    addon.init({ ShapeError, DTypeError, ArgumentError, IndexError, BackendError });
    addonSingleton = addon;
  }
  return addonSingleton;
}

/** Builds the native kernel table; `reference` supplies the kernels explicitly marked 'reference'. */
export function loadNativeKernels(reference: Kernels): Kernels & { info(): NativeInfo; referenceMarked: KernelName[] } {
  const addon = rawAddon();
  const ops = addon.opNames();
  const U = codes('unary', UNARY_OPS, ops.unary);
  const B = codes('binary', BINARY_OPS, ops.binary);
  const R = codes('reduce', REDUCE_OPS, ops.reduce);
  const A = codes('argReduce', ARG_REDUCE_OPS, ops.argReduce);
  const S = codes('softmax', SOFTMAX_OPS, ops.softmax);
  const O = codes('optim', OPTIM_OPS, ops.optim);
  const M = codes('rnn', RNN_MODES, ops.rnn);

  const table: { [K in KernelName]: Kernels[K] | 'reference' } = {
    copy: (shape, src, so, ss, dst, dof, ds) => addon.copy(meta(0, shape), src, so, meta(1, ss), dst, dof, meta(2, ds)),
    unary: (op, x, out, n, alpha, beta) => addon.unary(U.get(op)!, x, out, n, alpha, beta),
    binary: (op, shape, a, ao, as, b, bo, bs, out) => addon.binary(B.get(op)!, meta(0, shape), a, ao, meta(1, as), b, bo, meta(2, bs), out),
    where: (shape, c, co, cs, a, ao, as, b, bo, bs, out) => addon.where(meta(0, shape), c, co, meta(1, cs), a, ao, meta(2, as), b, bo, meta(3, bs), out),
    reduce: (op, x, outer, size, inner, out) => addon.reduce(R.get(op)!, x, outer, size, inner, out),
    argReduce: (op, x, outer, size, inner, v, i) => addon.argReduce(A.get(op)!, x, outer, size, inner, v, i),
    softmax: (op, x, outer, size, inner, out) => addon.softmax(S.get(op)!, x, outer, size, inner, out),
    gemm: (...args) => addon.gemm(...args),
    gather: (shape, x, xo, xs, dim, size, index, out) => addon.gather(meta(0, shape), x, xo, meta(1, xs), dim, size, index, out),
    scatterAdd: (shape, out, os, dim, size, index, src) => addon.scatterAdd(meta(0, shape), out, meta(1, os), dim, size, index, src),
    optimStep: (op, n, p, g, s0, s1, s2, h) =>
      addon.optimStep(O.get(op)!, n, p, g, s0, s1, s2, h[0]!, h[1]!, h[2]!, h[3]!, h[4]!, h[5]!, h[6]!, h[7]!, h[8]!, h[9]!),
    conv2d: (g, x, xo, xs, w, wo, b, bo, out) => addon.conv2d(geometry(g), x, xo, meta(1, xs), w, wo, b, bo, out),
    conv2dBackwardInput: (g, gy, gyo, w, wo, gx) => addon.conv2dBackwardInput(geometry(g), gy, gyo, w, wo, gx),
    conv2dBackwardWeight: (g, x, xo, xs, gy, gyo, gw) => addon.conv2dBackwardWeight(geometry(g), x, xo, meta(1, xs), gy, gyo, gw),
    maxPool: (geom, win, x, xo, xs, out, wi, idx) => addon.maxPool(meta(0, geom), win, x, xo, meta(1, xs), out, wi, idx),
    avgPool: (geom, win, d, x, xo, xs, out) => addon.avgPool(meta(0, geom), win, d, x, xo, meta(1, xs), out),
    maxPoolBackward: (...args) => addon.maxPoolBackward(...args),
    avgPoolBackward: (geom, win, d, g, gi) => addon.avgPoolBackward(meta(0, geom), win, d, g, gi),
    batchNormStats: (...args) => addon.batchNormStats(...args),
    batchNormApply: (...args) => addon.batchNormApply(...args),
    batchNormBackward: (...args) => addon.batchNormBackward(...args),
    layerNorm: (...args) => addon.layerNorm(...args),
    layerNormBackward: (...args) => addon.layerNormBackward(...args),
    rnnForward: (mode, g, ...rest) => addon.rnnForward(M.get(mode)!, rnnGeometry(g), ...rest),
    rnnBackward: (mode, g, ...rest) => addon.rnnBackward(M.get(mode)!, rnnGeometry(g), ...rest),
  };

  const exported = new Set(addon.kernelNames());
  const kernels = {} as Record<KernelName, unknown>;
  const referenceMarked: KernelName[] = [];
  for (const name of KERNEL_NAMES) {
    const impl = table[name];
    if (impl === 'reference') {
      kernels[name] = reference[name];
      referenceMarked.push(name);
    }
    else if (!exported.has(name)) throw new BackendError('native', `the addon does not export kernel '${name}': rebuild the addon`);
    else kernels[name] = impl;
  }
  return Object.assign(kernels as unknown as Kernels, {
    info: (): NativeInfo => ({ available: true as const, ...addon.info() }),
    referenceMarked,
  });
}
