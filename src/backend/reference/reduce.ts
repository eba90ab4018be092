// Reference reductions over the middle axis of [outer, size, inner]: reduce, argReduce, softmax.
// Sums accumulate in double (JS numbers), so these are the accurate side of every parity check.

import type { AnyTypedArray, FloatArray } from '../../core/dtype.js';
import type { ArgReduceOp, ReduceOp, SoftmaxOp } from '../../kernels/spec.js';

export function reduce(op: ReduceOp, x: AnyTypedArray, outer: number, size: number, inner: number, out: AnyTypedArray): void {
  const isInt = out instanceof Int32Array;
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      let acc: number;
      if (op === 'sum' || op === 'mean') {
        acc = 0;
        for (let k = 0; k < size; k++) acc += x[base + k * inner]!;
        if (op === 'mean') acc /= size;
      } else {
        acc = x[base]!;
        for (let k = 1; k < size && !Number.isNaN(acc); k++) {
          const v = x[base + k * inner]!;
          if (Number.isNaN(v) || (op === 'max' ? v > acc : v < acc)) acc = v;
        }
      }
      out[o * inner + j] = isInt ? acc | 0 : acc;
    }
  }
}

export function argReduce(op: ArgReduceOp, x: AnyTypedArray, outer: number, size: number, inner: number, values: AnyTypedArray, indices: Int32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      let best = x[base]!;
      let bi = 0;
      for (let k = 1; k < size && !Number.isNaN(best); k++) {
        const v = x[base + k * inner]!;
        if (Number.isNaN(v) || (op === 'max' ? v > best : v < best)) {
          best = v;
          bi = k;
        }
      }
      values[o * inner + j] = best;
      indices[o * inner + j] = bi;
    }
  }
}

export function softmax(op: SoftmaxOp, x: FloatArray, outer: number, size: number, inner: number, out: FloatArray): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      const base = o * size * inner + j;
      let m = -Infinity;
      for (let k = 0; k < size; k++) {
        const v = x[base + k * inner]!;
        if (v > m || Number.isNaN(v)) m = v;
      }
      // NOTE: a row of all -Infinity has no finite max; shift by 0 so the result is NaN as in PyTorch.
      if (m === -Infinity) m = 0;
      let s = 0;
      for (let k = 0; k < size; k++) s += Math.exp(x[base + k * inner]! - m);
      if (op === 'softmax') {
        for (let k = 0; k < size; k++) out[base + k * inner] = Math.exp(x[base + k * inner]! - m) / s;
      } else {
        const ls = Math.log(s);
        for (let k = 0; k < size; k++) out[base + k * inner] = x[base + k * inner]! - m - ls;
      }
    }
  }
}
