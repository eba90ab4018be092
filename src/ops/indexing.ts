// Index-driven ops: gather, scatterAdd, indexSelect. Indices are int32 tensors; out-of-range indices
// are IndexErrors raised by the kernels themselves (the last line of defence).

import { kernelsFor } from '../backend/backend.js';
import type { DType } from '../core/dtype.js';
import { DTypeError, ShapeError } from '../core/errors.js';
import { contiguousStrides, normalizeDim } from '../core/shape.js';
import { record } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { assertTensor, contiguousData, empty } from './helpers.js';
import { clone, contiguous, detach, expand, index as indexView, reshape } from './layout.js';

function checkIndex(op: string, x: Tensor, dim: number, index: Tensor): number {
  assertTensor(op, 'index', index);
  if (index.dtype !== 'int32') throw new DTypeError(op, 'index', `must be int32, got ${index.dtype}`, { index: index.shape });
  const d = normalizeDim(op, dim, x.ndim);
  if (index.ndim !== x.ndim && !(x.ndim === 0 && index.ndim <= 1)) {
    throw new ShapeError(op, 'index', `must have the same number of dims as input (${x.ndim})`, { input: x.shape, index: index.shape });
  }
  return d;
}

/** out[i][j][k] = x[i][index[i][j][k]][k] for dim = 1 (PyTorch's gather). index.size(d) <= x.size(d) for d != dim. */
export function gather<D extends DType>(x: Tensor<D>, dim: number, index: Tensor<'int32'>): Tensor<D> {
  assertTensor('gather', 'input', x);
  const d = checkIndex('gather', x, dim, index);
  for (let k = 0; k < x.ndim; k++) {
    if (k !== d && index.shape[k]! > x.shape[k]!) {
      throw new ShapeError('gather', 'index', `size ${index.shape[k]} at dim ${k} exceeds the input's ${x.shape[k]}`, { input: x.shape, index: index.shape });
    }
  }
  const out = empty(index.shape, x.dtype);
  if (out.numel() > 0) {
    const xs = x.ndim === 0 ? [0] : x.strides;
    const dimSize = x.ndim === 0 ? 1 : x.shape[d]!;
    const shape = x.ndim === 0 ? [index.numel()] : index.shape;
    kernelsFor(x.dtype).gather(shape, x.storage.data, x.offset, xs, d, dimSize, contiguousData(index) as Int32Array, out.storage.data);
  }
  return record('gather', [x], out, { dim: d, index }) as Tensor<D>;
}

/** Returns a copy of `base` with src added at index positions along dim (PyTorch's scatter_add). */
export function scatterAdd<D extends DType>(base: Tensor<D>, dim: number, index: Tensor<'int32'>, src: Tensor<D>): Tensor<D> {
  assertTensor('scatterAdd', 'input', base);
  assertTensor('scatterAdd', 'src', src);
  const d = checkIndex('scatterAdd', base, dim, index);
  if (src.dtype !== base.dtype) throw new DTypeError('scatterAdd', 'src', `must have the input's dtype ${base.dtype}, got ${src.dtype}`);
  for (let k = 0; k < base.ndim; k++) {
    if (index.shape[k]! > src.shape[k]! || (k !== d && index.shape[k]! > base.shape[k]!)) {
      throw new ShapeError('scatterAdd', 'index', `size ${index.shape[k]} at dim ${k} exceeds src or input`, { input: base.shape, index: index.shape, src: src.shape });
    }
  }
  const out = clone(detach(base));
  if (index.numel() > 0) {
    // src is read over index's shape (PyTorch uses only that part of src).
    const srcPart = index.shape.every((s, k) => s === src.shape[k]) ? src : indexView(detach(src), ...index.shape.map((s) => `0:${s}`));
    kernelsFor(base.dtype).scatterAdd(index.shape, out.storage.data, contiguousStrides(base.shape), d, base.shape[d]!, contiguousData(index) as Int32Array, contiguousData(srcPart));
  }
  return record('scatterAdd', [base, src], out, { dim: d, index }) as Tensor<D>;
}

/** Rows (entries along dim) of x picked by a 1-D int32 index (PyTorch's index_select). */
export function indexSelect<D extends DType>(x: Tensor<D>, dim: number, index: Tensor<'int32'>): Tensor<D> {
  assertTensor('indexSelect', 'input', x);
  assertTensor('indexSelect', 'index', index);
  if (index.dtype !== 'int32') throw new DTypeError('indexSelect', 'index', `must be int32, got ${index.dtype}`, { index: index.shape });
  if (index.ndim > 1) throw new ShapeError('indexSelect', 'index', 'must be 0-d or 1-d', { index: index.shape });
  const d = normalizeDim('indexSelect', dim, x.ndim);
  if (x.ndim === 0) return gather(x, 0, reshape(index, []) as Tensor<'int32'>);
  const k = index.numel();
  const shape = x.shape.map((s, i) => (i === d ? k : s));
  const idxShape = x.shape.map((_, i) => (i === d ? k : 1));
  const full = contiguous(expand(reshape(index, idxShape), shape)) as Tensor<'int32'>;
  return gather(x, d, full);
}
