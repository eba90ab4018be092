// Reference gather / scatterAdd along one dim. Index checks live here too: the kernels are the last
// line of defence, so an out-of-range index is an IndexError, never a read outside the array.

import type { AnyTypedArray } from '../../core/dtype.js';
import { IndexError } from '../../core/errors.js';
import type { Dims } from '../../kernels/spec.js';
import { contiguousStrides as rowMajor } from '../../core/shape.js';
import { forEachRow } from './strided.js';

function checkIndex(op: string, v: number, dim: number, size: number): void {
  if (v < 0 || v >= size) throw new IndexError(op, 'index', `${v} is out of bounds for dimension ${dim} with size ${size}`);
}

export function gather(shape: Dims, x: AnyTypedArray, xOffset: number, xStrides: Dims, dim: number, xDimSize: number, index: Int32Array, out: AnyTypedArray): void {
  // Iterate the index shape; x's stride along `dim` is replaced by 0 and the index value supplies it.
  const xs = xStrides.slice();
  const dimStride = xs[dim]!;
  xs[dim] = 0;
  const contiguous = rowMajor(shape);
  forEachRow(shape, [{ offset: xOffset, strides: xs }, { offset: 0, strides: contiguous }], (o, n, s) => {
    let xi = o[0]!;
    let ii = o[1]!;
    for (let i = 0; i < n; i++, xi += s[0]!, ii++) {
      const v = index[ii]!;
      checkIndex('gather', v, dim, xDimSize);
      out[ii] = x[xi + v * dimStride]!;
    }
  });
}

export function scatterAdd(shape: Dims, out: AnyTypedArray, outStrides: Dims, dim: number, outDimSize: number, index: Int32Array, src: AnyTypedArray): void {
  const os = outStrides.slice();
  const dimStride = os[dim]!;
  os[dim] = 0;
  const isInt = out instanceof Int32Array;
  forEachRow(shape, [{ offset: 0, strides: os }, { offset: 0, strides: rowMajor(shape) }], (o, n, s) => {
    let oi = o[0]!;
    let ii = o[1]!;
    for (let i = 0; i < n; i++, oi += s[0]!, ii++) {
      const v = index[ii]!;
      checkIndex('scatterAdd', v, dim, outDimSize);
      const t = oi + v * dimStride;
      out[t] = isInt ? (out[t]! + src[ii]!) | 0 : out[t]! + src[ii]!;
    }
  });
}
