// Layout ops: views that only rewrite (shape, strides, offset) — reshape, permute, expand, slice —
// and the ops that move data — clone, cat, cast. Each records its primitive so gradients flow back.

import { kernelsFor } from '../backend/backend.js';
import { isFloat, promoteTypes, type DType } from '../core/dtype.js';
import { ArgumentError, IndexError, ShapeError } from '../core/errors.js';
import { contiguousStrides, fmt, inferShape, isContiguous, normalizeDim, numel, shapesEqual, type Shape } from '../core/shape.js';
import { isGradEnabled, record } from '../engine.js';
import type { SliceAttrs } from '../primitives.js';
import { Tensor } from '../tensor.js';
import { assertTensor, checkDType, checkInt, empty } from './helpers.js';

function view<D extends DType>(x: Tensor<D>, shape: Shape, strides: Shape, offset: number): Tensor<D> {
  return new Tensor(x.storage, shape, strides, offset, x.dtype);
}

/** Returns `x` if contiguous, else a contiguous copy (differentiable). */
export function contiguous<D extends DType>(x: Tensor<D>): Tensor<D> {
  assertTensor('contiguous', 'input', x);
  return x.isContiguous() ? x : clone(x);
}

/** A contiguous copy with its own storage (differentiable; gradient passes through). */
export function clone<D extends DType>(x: Tensor<D>): Tensor<D> {
  assertTensor('clone', 'input', x);
  const out = empty(x.shape, x.dtype);
  if (x.numel() > 0) kernelsFor(x.dtype).copy(x.shape, x.storage.data, x.offset, x.strides, out.storage.data, 0, out.strides);
  return record('clone', [x], out, {}) as Tensor<D>;
}

/** A tensor sharing storage with `x`, cut from the graph. */
export function detach<D extends DType>(x: Tensor<D>): Tensor<D> {
  assertTensor('detach', 'input', x);
  return view(x, x.shape, x.strides, x.offset);
}

/** Reshape to `shape` (one -1 allowed). A view when the layout allows it, else a copy. */
export function reshape<D extends DType>(x: Tensor<D>, shape: readonly number[]): Tensor<D> {
  assertTensor('reshape', 'input', x);
  if (!Array.isArray(shape)) throw new ArgumentError('reshape', 'shape', `must be an array of integers, got ${typeof shape}`);
  const target = inferShape('reshape', shape, x.numel(), x.shape);
  if (shapesEqual(target, x.shape)) return x;
  const src = x.isContiguous() ? x : noRecordClone(x);
  const out = view(src, target, contiguousStrides(target), src.offset);
  return record('reshape', [x], out, { shape: target }) as Tensor<D>;
}

/** Like reshape, but refuses to copy (PyTorch's `view`). */
export function viewAs<D extends DType>(x: Tensor<D>, shape: readonly number[]): Tensor<D> {
  assertTensor('view', 'input', x);
  if (!x.isContiguous()) {
    throw new ShapeError('view', 'input', 'is not contiguous, so it cannot be viewed with a new shape; use reshape() (which copies) instead', { input: x.shape });
  }
  return reshape(x, shape);
}

function noRecordClone<D extends DType>(x: Tensor<D>): Tensor<D> {
  const out = empty(x.shape, x.dtype);
  if (x.numel() > 0) kernelsFor(x.dtype).copy(x.shape, x.storage.data, x.offset, x.strides, out.storage.data, 0, out.strides);
  return out;
}

export function flatten<D extends DType>(x: Tensor<D>, startDim = 0, endDim = -1): Tensor<D> {
  assertTensor('flatten', 'input', x);
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeDim('flatten', startDim, x.ndim, 'startDim');
  const e = normalizeDim('flatten', endDim, x.ndim, 'endDim');
  if (s > e) throw new ArgumentError('flatten', 'startDim', `must not come after endDim, got startDim=${startDim}, endDim=${endDim}`);
  const shape = [...x.shape.slice(0, s), numel(x.shape.slice(s, e + 1)), ...x.shape.slice(e + 1)];
  return reshape(x, shape);
}

export function permute<D extends DType>(x: Tensor<D>, dims: readonly number[]): Tensor<D> {
  assertTensor('permute', 'input', x);
  if (!Array.isArray(dims) || dims.length !== x.ndim) {
    throw new ShapeError('permute', 'dims', `must list each of the ${x.ndim} dims once, got ${Array.isArray(dims) ? fmt(dims) : typeof dims}`, { input: x.shape });
  }
  const nd = dims.map((d) => normalizeDim('permute', d, x.ndim));
  if (new Set(nd).size !== nd.length) throw new ArgumentError('permute', 'dims', `has repeated dims: ${fmt(dims)}`);
  if (nd.every((d, i) => d === i)) return x;
  const out = view(x, nd.map((d) => x.shape[d]!), nd.map((d) => x.strides[d]!), x.offset);
  return record('permute', [x], out, { dims: nd }) as Tensor<D>;
}

export function transpose<D extends DType>(x: Tensor<D>, dim0: number, dim1: number): Tensor<D> {
  assertTensor('transpose', 'input', x);
  if (x.ndim === 0) return x;
  const a = normalizeDim('transpose', dim0, x.ndim, 'dim0');
  const b = normalizeDim('transpose', dim1, x.ndim, 'dim1');
  const dims = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, dims);
}

/** Transpose of a tensor with at most 2 dims (PyTorch's `t()`). */
export function t<D extends DType>(x: Tensor<D>): Tensor<D> {
  assertTensor('t', 'input', x);
  if (x.ndim > 2) throw new ShapeError('t', 'input', `must have at most 2 dims, got ${x.ndim}; use transpose(dim0, dim1)`, { input: x.shape });
  return x.ndim < 2 ? x : transpose(x, 0, 1);
}

export function squeeze<D extends DType>(x: Tensor<D>, dim?: number | readonly number[]): Tensor<D> {
  assertTensor('squeeze', 'input', x);
  let drop: Set<number>;
  if (dim === undefined) drop = new Set(x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  else {
    const list = typeof dim === 'number' ? [dim] : dim;
    drop = new Set(list.map((d) => normalizeDim('squeeze', d, x.ndim)).filter((d) => x.shape[d] === 1));
  }
  if (drop.size === 0) return x;
  return reshape(x, x.shape.filter((_, i) => !drop.has(i)));
}

export function unsqueeze<D extends DType>(x: Tensor<D>, dim: number): Tensor<D> {
  assertTensor('unsqueeze', 'input', x);
  const d = normalizeDim('unsqueeze', dim, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, d), 1, ...x.shape.slice(d)]);
}

/** Broadcasts size-1 dims (and new leading dims) to `shape` without copying; -1 keeps a size. */
export function expand<D extends DType>(x: Tensor<D>, shape: readonly number[]): Tensor<D> {
  assertTensor('expand', 'input', x);
  if (!Array.isArray(shape)) throw new ArgumentError('expand', 'shape', `must be an array of integers, got ${typeof shape}`);
  if (shape.length < x.ndim) {
    throw new ShapeError('expand', 'shape', `must have at least ${x.ndim} dims, got ${fmt(shape)}`, { input: x.shape });
  }
  const lead = shape.length - x.ndim;
  const target: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const want = shape[i]!;
    const have = i >= lead ? x.shape[i - lead]! : 1;
    if (!Number.isSafeInteger(want) || want < -1) throw new ArgumentError('expand', 'shape', `must contain non-negative integers or -1, got ${fmt(shape)}`);
    if (want === -1) {
      if (i < lead) throw new ArgumentError('expand', 'shape', `cannot use -1 for a new leading dim, got ${fmt(shape)}`);
      target.push(have);
      strides.push(x.strides[i - lead]!);
    } else if (have === want) {
      target.push(want);
      strides.push(i >= lead ? x.strides[i - lead]! : 0);
    } else if (have === 1) {
      target.push(want);
      strides.push(0);
    } else {
      throw new ShapeError('expand', 'shape', `cannot expand size ${have} to ${want} at dim ${i}: only size-1 dims can be expanded`, { input: x.shape, shape });
    }
  }
  if (shapesEqual(target, x.shape)) return x;
  return record('expand', [x], view(x, target, strides, x.offset), { shape: target }) as Tensor<D>;
}

/** A strided window of `x`: the general slicing view. */
export function sliceView<D extends DType>(x: Tensor<D>, attrs: SliceAttrs): Tensor<D> {
  let offset = x.offset;
  const strides = x.strides.map((s, d) => {
    if (attrs.sizes[d]! > 0) offset += attrs.starts[d]! * s;
    return s * attrs.steps[d]!;
  });
  if (shapesEqual(attrs.sizes, x.shape)) return x;
  return record('slice', [x], view(x, attrs.sizes, strides, offset), attrs) as Tensor<D>;
}

/** Zeros of `inputShape` with `g` written into the window `attrs` (the adjoint of a slice). */
export function sliceBackward(g: Tensor, inputShape: Shape, attrs: SliceAttrs): Tensor {
  const out = Tensor.zeros(inputShape, g.dtype); // zeros outside the slice
  if (g.numel() > 0) {
    let offset = 0;
    const base = contiguousStrides(inputShape);
    const strides = base.map((s, d) => {
      offset += attrs.starts[d]! * s;
      return s * attrs.steps[d]!;
    });
    kernelsFor(g.dtype).copy(g.shape, g.storage.data, g.offset, g.strides, out.storage.data, offset, strides);
  }
  return record('sliceBackward', [g], out, { ...attrs, inputShape });
}

function fullSlice(x: Tensor): { starts: number[]; steps: number[]; sizes: number[] } {
  return { starts: x.shape.map(() => 0), steps: x.shape.map(() => 1), sizes: x.shape.slice() };
}

/** `length` entries of dim `dim` starting at `start` (a view). */
export function narrow<D extends DType>(x: Tensor<D>, dim: number, start: number, length: number): Tensor<D> {
  assertTensor('narrow', 'input', x);
  if (x.ndim === 0) throw new ShapeError('narrow', 'input', 'cannot be narrowed: it is 0-d', { input: x.shape });
  const d = normalizeDim('narrow', dim, x.ndim);
  const size = x.shape[d]!;
  checkInt('narrow', 'start', start);
  checkInt('narrow', 'length', length, 0);
  const s = start < 0 ? start + size : start;
  if (s < 0 || s > size) throw new IndexError('narrow', 'start', `out of range for dim ${d} of size ${size}, got ${start}`, { input: x.shape });
  if (s + length > size) throw new IndexError('narrow', 'length', `${length} from start ${s} exceeds dim ${d} of size ${size}`, { input: x.shape });
  const a = fullSlice(x);
  a.starts[d] = s;
  a.sizes[d] = length;
  return sliceView(x, a);
}

/** Entry `index` of dim `dim`, removing that dim (a view). */
export function select<D extends DType>(x: Tensor<D>, dim: number, index: number): Tensor<D> {
  assertTensor('select', 'input', x);
  if (x.ndim === 0) throw new ShapeError('select', 'input', 'cannot be indexed: it is 0-d', { input: x.shape });
  const d = normalizeDim('select', dim, x.ndim);
  const size = x.shape[d]!;
  checkInt('select', 'index', index);
  if (index < -size || index >= size) throw new IndexError('select', 'index', `${index} is out of bounds for dim ${d} with size ${size}`, { input: x.shape });
  const n = narrow(x, d, index < 0 ? index + size : index, 1);
  return reshape(n, [...x.shape.slice(0, d), ...x.shape.slice(d + 1)]);
}

/** A Python-style slice `start:stop:step` for `index()`. Omitted parts default as in Python. */
export interface Slice {
  start?: number | null;
  stop?: number | null;
  step?: number | null;
}
export function slice(start?: number | null, stop?: number | null, step?: number | null): Slice {
  return { start: start ?? null, stop: stop ?? null, step: step ?? null };
}
/** One item of `index()`: an integer (select), a slice or 'a:b:c' string, null (new axis), or '...'. */
export type IndexItem = number | string | Slice | null;

function parseSliceString(s: string): Slice {
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3) throw new ArgumentError('index', 'slice', `must look like 'start:stop' or 'start:stop:step', got '${s}'`);
  const num = (p: string | undefined): number | null => {
    if (p === undefined || p.trim() === '') return null;
    const v = Number(p);
    if (!Number.isSafeInteger(v)) throw new ArgumentError('index', 'slice', `has a non-integer bound in '${s}'`);
    return v;
  };
  return { start: num(parts[0]), stop: num(parts[1]), step: num(parts[2]) };
}

/**
 * NumPy/PyTorch basic indexing: `x.index(0, '1:3', null, '...')` is `x[0, 1:3, None, ...]`.
 * Returns a view.
 */
export function index<D extends DType>(x: Tensor<D>, ...items: IndexItem[]): Tensor<D> {
  assertTensor('index', 'input', x);
  const ell = items.filter((it) => it === '...').length;
  if (ell > 1) throw new ArgumentError('index', 'items', "can contain at most one '...'");
  const consuming = items.filter((it) => it !== null && it !== '...').length;
  if (consuming > x.ndim) throw new IndexError('index', 'items', `too many indices for a ${x.ndim}-d tensor: got ${consuming}`, { input: x.shape });
  const expanded: IndexItem[] = [];
  for (const it of items) {
    if (it === '...') for (let k = 0; k < x.ndim - consuming; k++) expanded.push(':');
    else expanded.push(it);
  }
  const a = fullSlice(x);
  const finalShape: number[] = [];
  let d = 0;
  for (const it of expanded) {
    if (it === null) {
      finalShape.push(1);
      continue;
    }
    const size = x.shape[d]!;
    if (typeof it === 'number') {
      if (!Number.isSafeInteger(it)) throw new ArgumentError('index', `index for dim ${d}`, `must be an integer, got ${it}`);
      if (it < -size || it >= size) throw new IndexError('index', `index for dim ${d}`, `${it} is out of bounds for size ${size}`, { input: x.shape });
      a.starts[d] = it < 0 ? it + size : it;
      a.sizes[d] = 1;
    } else {
      const sl = typeof it === 'string' ? parseSliceString(it) : it;
      if (typeof sl !== 'object') throw new ArgumentError('index', `item for dim ${d}`, `must be an integer, slice, string, null or '...', got ${typeof it}`);
      const step = sl.step ?? 1;
      if (!Number.isSafeInteger(step) || step <= 0) throw new ArgumentError('index', 'step', `must be a positive integer, got ${String(sl.step)}`);
      const clampB = (v: number | null | undefined, dflt: number): number => {
        if (v === null || v === undefined) return dflt;
        const w = v < 0 ? v + size : v;
        return Math.min(Math.max(w, 0), size);
      };
      const start = clampB(sl.start, 0);
      const stop = clampB(sl.stop, size);
      const len = stop > start ? Math.ceil((stop - start) / step) : 0;
      a.starts[d] = len > 0 ? start : 0;
      a.steps[d] = step;
      a.sizes[d] = len;
      finalShape.push(len);
    }
    d++;
  }
  for (; d < x.ndim; d++) finalShape.push(x.shape[d]!);
  const v = sliceView(x, a);
  return shapesEqual(v.shape, finalShape) ? v : reshape(v, finalShape);
}

/** Concatenates along an existing dim. */
export function cat<D extends DType>(tensors: readonly Tensor<D>[], dim = 0): Tensor<D> {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('cat', 'tensors', 'must be a non-empty array of tensors');
  tensors.forEach((x, i) => assertTensor('cat', `tensors[${i}]`, x));
  // PyTorch skips 1-d empty tensors in cat (legacy behaviour kept for compatibility).
  const parts = tensors.filter((x) => !(x.ndim === 1 && x.shape[0] === 0));
  if (parts.length === 0) return tensors[0]!;
  const ref = parts[0]!;
  const d = normalizeDim('cat', dim, ref.ndim);
  let dtype = ref.dtype as DType;
  for (const x of parts) {
    if (x.ndim !== ref.ndim) throw new ShapeError('cat', 'tensors', `must all have ${ref.ndim} dims`, { first: ref.shape, other: x.shape });
    for (let k = 0; k < ref.ndim; k++) {
      if (k !== d && x.shape[k] !== ref.shape[k]) {
        throw new ShapeError('cat', 'tensors', `must match in every dim except ${d}; differ at dim ${k}`, { first: ref.shape, other: x.shape });
      }
    }
    dtype = promoteTypes(dtype, x.dtype);
  }
  const inputs = parts.map((x) => (x.dtype === dtype ? x : cast(x, dtype)));
  const outShape = ref.shape.slice();
  outShape[d] = inputs.reduce((s, x) => s + x.shape[d]!, 0);
  const out = empty(outShape, dtype);
  let off = 0;
  const ostr = out.strides;
  for (const x of inputs) {
    if (x.numel() > 0) kernelsFor(dtype).copy(x.shape, x.storage.data, x.offset, x.strides, out.storage.data, off * ostr[d]!, ostr);
    off += x.shape[d]!;
  }
  return record('cat', inputs, out, { dim: d }) as Tensor<D>;
}

/** Stacks equal-shaped tensors along a new dim. */
export function stack<D extends DType>(tensors: readonly Tensor<D>[], dim = 0): Tensor<D> {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new ArgumentError('stack', 'tensors', 'must be a non-empty array of tensors');
  tensors.forEach((x, i) => assertTensor('stack', `tensors[${i}]`, x));
  const ref = tensors[0]!;
  for (const x of tensors) {
    if (!shapesEqual(x.shape, ref.shape)) throw new ShapeError('stack', 'tensors', 'must all have the same shape', { first: ref.shape, other: x.shape });
  }
  const d = normalizeDim('stack', dim, ref.ndim + 1);
  return cat(tensors.map((x) => unsqueeze(x, d)), d);
}

/** Splits into pieces of `splitSize` (last may be smaller) or of the listed sizes, along `dim` (views). */
export function split<D extends DType>(x: Tensor<D>, splitSize: number | readonly number[], dim = 0): Tensor<D>[] {
  assertTensor('split', 'input', x);
  const d = normalizeDim('split', dim, x.ndim);
  const size = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSize === 'number') {
    checkInt('split', 'splitSize', splitSize, 1);
    sizes = [];
    for (let s = 0; s < size; s += splitSize) sizes.push(Math.min(splitSize, size - s));
    if (size === 0) sizes = [0];
  } else {
    sizes = splitSize.map((s) => checkInt('split', 'splitSize', s, 0));
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total !== size) throw new ShapeError('split', 'splitSize', `sums to ${total} but dim ${d} has size ${size}`, { input: x.shape });
  }
  let start = 0;
  return sizes.map((len) => {
    const piece = narrow(x, d, start, len);
    start += len;
    return piece;
  });
}

/** Splits into `chunks` nearly equal pieces along `dim` (PyTorch's chunk: pieces of ceil(size/chunks)). */
export function chunk<D extends DType>(x: Tensor<D>, chunks: number, dim = 0): Tensor<D>[] {
  assertTensor('chunk', 'input', x);
  checkInt('chunk', 'chunks', chunks, 1);
  const d = normalizeDim('chunk', dim, x.ndim);
  const size = x.shape[d]!;
  return split(x, Math.max(1, Math.ceil(size / chunks)), d);
}

/** Converts to `dtype` (a copy; float-to-float casts are differentiable). */
export function cast<D extends DType>(x: Tensor, dtype: D): Tensor<D> {
  assertTensor('to', 'input', x);
  checkDType('to', 'dtype', dtype);
  if (x.dtype === dtype) return x as unknown as Tensor<D>;
  const out = empty(x.shape, dtype);
  if (x.numel() > 0) kernelsFor(x.dtype, dtype).copy(x.shape, x.storage.data, x.offset, x.strides, out.storage.data, 0, out.strides);
  if (isFloat(x.dtype) && isFloat(dtype)) record('cast', [x], out, { dtype: x.dtype });
  return out;
}

/** Is `x` free of autograd (for in-place writes)? Throws the PyTorch-style error otherwise. */
export function assertInplaceAllowed(op: string, x: Tensor): void {
  if (isGradEnabled() && x.requiresGrad) {
    throw new ArgumentError(op, 'self', x.isLeaf
      ? 'is a leaf tensor that requires grad; in-place ops on it must run inside noGrad()'
      : 'is part of the autograd graph; in-place ops on it are not supported (use the out-of-place op)');
  }
  for (let i = 0; i < x.ndim; i++) {
    if (x.strides[i] === 0 && x.shape[i]! > 1) {
      throw new ArgumentError(op, 'self', 'is an expanded view in which several elements share memory; clone() it before writing in place');
    }
  }
}

/** Writes `src` (broadcast to `dst`'s shape, cast to its dtype) into `dst`'s memory and bumps its version. */
export function writeInto(op: string, dst: Tensor, src: Tensor): void {
  assertInplaceAllowed(op, dst);
  // NOTE: the copy kernel forbids overlap, so a source that shares storage with dst is copied first.
  let s = src.storage === dst.storage ? noRecordClone(src) : src;
  if (!shapesEqual(s.shape, dst.shape)) {
    if (s.ndim > dst.ndim) throw new ShapeError(op, 'src', `cannot be broadcast to the destination`, { src: s.shape, dst: dst.shape });
    s = expand(detach(s), dst.shape);
  }
  if (dst.numel() > 0) kernelsFor(s.dtype, dst.dtype).copy(dst.shape, s.storage.data, s.offset, s.strides, dst.storage.data, dst.offset, dst.strides);
  dst.storage.version++;
}

export { isContiguous };
