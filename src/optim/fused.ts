// The bridge from optimizers to the fused optimStep kernel: one call per parameter tensor updates the
// parameter and its state in place (PyTorch 1.13's single-tensor formulas; see OPTIM_OPS in
// src/kernels/spec.ts for the hyper-parameter slots). State tensors are contiguous and made here.

import { kernelsFor } from '../backend/backend.js';
import type { FloatArray } from '../core/dtype.js';
import { optimStateUse, type OptimOp } from '../kernels/spec.js';
import { contiguousData } from '../ops/helpers.js';
import { cast, writeInto } from '../ops/layout.js';
import { Tensor } from '../tensor.js';

const EMPTY32 = new Float32Array(0);
const EMPTY64 = new Float64Array(0);

/** A contiguous state tensor shaped like p, filled with `value`. */
export function stateLike(p: Tensor, value = 0): Tensor {
  const t = Tensor.zeros(p.shape, p.dtype);
  if (value !== 0) t.storage.data.fill(value);
  return t;
}

/** The contiguous elements of t that a kernel may write (t must be contiguous). */
function span(t: Tensor): FloatArray {
  const n = t.numel();
  const d = t.storage.data as FloatArray;
  return t.offset === 0 && d.length === n ? d : (d.subarray(t.offset, t.offset + n) as FloatArray);
}

/**
 * Runs one fused update of `op` on parameter p with gradient `grad` and state tensors s (contiguous,
 * shaped like p; null where the op does not use one). h: the 10 hyper-parameter slots.
 */
export function fusedStep(op: OptimOp, p: Tensor, grad: Tensor, s: readonly (Tensor | null)[], h: readonly number[]): void {
  const n = p.numel();
  if (n === 0) return;
  const use = optimStateUse(op, h);
  const empty = p.dtype === 'float64' ? EMPTY64 : EMPTY32;
  const states = [0, 1, 2].map((k) => {
    const t = s[k];
    if (!use[k]) return empty;
    if (!t) throw new Error(`${op}: state ${k} is missing`);
    return span(t);
  });
  const g = contiguousData(grad.dtype === p.dtype ? grad : cast(grad, p.dtype)) as FloatArray;
  const k = kernelsFor(p.dtype);
  if (p.isContiguous()) {
    k.optimStep(op, n, span(p), g, states[0]!, states[1]!, states[2]!, h);
    p.storage.version++;
  } else {
    // A strided parameter: update a contiguous copy, then write it back through the view.
    const tmp = Tensor.fromData(contiguousData(p).slice() as FloatArray, p.shape, p.dtype);
    k.optimStep(op, n, span(tmp), g, states[0]!, states[1]!, states[2]!, h);
    writeInto(op, p, tmp);
  }
}
