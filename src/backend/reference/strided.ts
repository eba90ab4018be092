// Strided iteration shared by the reference kernels: walks every "row" (all dims but the last) of an
// iteration shape and hands each operand's element offset at the row start. Kernels loop the last
// dim themselves with that operand's last stride, which keeps the spec readable and not absurdly slow.

import type { Dims } from '../../kernels/spec.js';

export interface Operand {
  offset: number;
  strides: Dims;
}

/**
 * Calls `row(offsets)` once per row of `shape` (rank 0 counts as one row of length 1); `inner` and
 * `innerStrides` describe the last dim. Nothing is called when any dim is 0.
 */
export function forEachRow(shape: Dims, ops: readonly Operand[], row: (offsets: number[], inner: number, innerStrides: number[]) => void): void {
  const rank = shape.length;
  for (const d of shape) if (d === 0) return;
  const inner = rank === 0 ? 1 : shape[rank - 1]!;
  const innerStrides = ops.map((o) => (rank === 0 ? 0 : o.strides[rank - 1]!));
  const outerRank = Math.max(rank - 1, 0);
  const idx = new Array<number>(outerRank).fill(0);
  const offs = ops.map((o) => o.offset);
  for (;;) {
    row(offs.slice(), inner, innerStrides);
    // Odometer increment over the outer dims.
    let d = outerRank - 1;
    for (; d >= 0; d--) {
      idx[d]!++;
      for (let k = 0; k < ops.length; k++) offs[k]! += ops[k]!.strides[d]!;
      if (idx[d]! < shape[d]!) break;
      for (let k = 0; k < ops.length; k++) offs[k]! -= ops[k]!.strides[d]! * shape[d]!;
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}
