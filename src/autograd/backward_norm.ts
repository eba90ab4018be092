// Backward rules of the normalisation primitives (batchNorm, layerNorm, normBackward), too long for the
// table in derivatives.ts. When the backward pass is not recorded, one fused kernel gives every gradient;
// when it is (createGraph), the gradients are built from differentiable ops (normBackward plus composites)
// so that their own derivatives, and the derivatives of those, are exact.

import type { Shape } from '../core/shape.js';
import { isGradEnabled } from '../engine.js';
import type { BatchNormAttrs, LayerNormAttrs, NormBackwardAttrs } from '../primitives.js';
import type { Tensor } from '../tensor.js';
import { add, mul, neg, rsqrt, sub } from '../ops/elementwise.js';
import { reshape } from '../ops/layout.js';
import { mean, sum } from '../ops/reduce.js';
import {
  batchDims, batchNormBackwardFused, channelShape, layerNormBackwardFused, normBackward, normalizeComposite, normDims,
} from '../ops/norm.js';

/** What these rules read from a rule context (derivatives.ts's RuleContext has it all). */
interface Saved<A> {
  grad: Tensor;
  attrs: A;
  needs: readonly boolean[];
  input(i: number): Tensor;
  inputShape(i: number): Shape;
}
type Thunk = (() => Tensor) | null;

/** Runs `make` once, on the first thunk that needs it. */
function once<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => (v === undefined ? (v = make()) : v);
}

/**
 * batchNorm (inputs x, weight, bias). Training: gx = weight·N(g, x) (normBackward over every dim but 1),
 * gw = Σ g·x̂, gb = Σ g; evaluation (constant statistics): gx = g·weight/√(var + eps).
 */
export function batchNormRule(c: Saved<BatchNormAttrs>): Thunk[] {
  const a = c.attrs;
  if (!isGradEnabled()) {
    const fused = once(() => batchNormBackwardFused(c.grad, c.input(0), c.input(1), a));
    return [() => fused()[0], () => fused()[1], () => fused()[2]];
  }
  const ndim = c.grad.ndim;
  const cs = channelShape(ndim, c.grad.shape[1]!);
  const dims = batchDims(ndim);
  const perChannel = (t: Tensor): Tensor => reshape(sum(t, dims), c.inputShape(1) as number[]);
  const weight = (): Tensor => reshape(c.input(1), cs);
  if (a.training) {
    return [
      () => mul(normBackward(c.grad, c.input(0), { kind: 'batch', eps: a.eps, normalizedNdim: 0 }), weight()),
      () => perChannel(mul(c.grad, normalizeComposite(c.input(0), dims, a.eps).xhat)),
      () => perChannel(c.grad),
    ];
  }
  const invstd = (): Tensor => reshape(rsqrt(add(a.variance, a.eps)), cs);
  return [
    () => mul(c.grad, mul(weight(), invstd())),
    () => perChannel(mul(c.grad, mul(sub(c.input(0), reshape(a.mean, cs)), invstd()))),
    () => perChannel(c.grad),
  ];
}

/** layerNorm (inputs x, weight, bias): gx = N(g·weight, x) over the normalised dims, gw = Σ_rows g·x̂, gb = Σ_rows g. */
export function layerNormRule(c: Saved<LayerNormAttrs>): Thunk[] {
  const a = c.attrs;
  if (!isGradEnabled()) {
    const fused = once(() => layerNormBackwardFused(c.grad, c.input(0), c.input(1), a, c.needs[1] === true || c.needs[2] === true));
    return [() => fused()[0], () => fused()[1]!, () => fused()[2]!];
  }
  const ndim = c.grad.ndim;
  const lead = Array.from({ length: ndim - a.normalizedNdim }, (_, i) => i);
  const dims = Array.from({ length: a.normalizedNdim }, (_, i) => ndim - a.normalizedNdim + i);
  const overRows = (t: Tensor): Tensor => (lead.length > 0 ? sum(t, lead) : t);
  return [
    () => normBackward(mul(c.grad, c.input(1)), c.input(0), { kind: 'layer', eps: a.eps, normalizedNdim: a.normalizedNdim }),
    () => overRows(mul(c.grad, normalizeComposite(c.input(0), dims, a.eps).xhat)),
    () => overRows(c.grad),
  ];
}

/**
 * normBackward (inputs v, x) with N(v, x) = r·(v − mean(v) − x̂·h), h = mean(v·x̂). It is self-adjoint in v,
 * so dv = N(u, x) for the incoming gradient u. With q = v − mean(v) − x̂·h (so N = r·q):
 * dx = −r²·(x̂·mean(u·q) + h·(u − mean(u) − x̂·mean(u·x̂)) + q·mean(u·x̂)), all means over the groups.
 */
export function normBackwardRule(c: Saved<NormBackwardAttrs>): Thunk[] {
  const a = c.attrs;
  return [
    () => normBackward(c.grad, c.input(1), a),
    () => {
      const [u, v, x] = [c.grad, c.input(0), c.input(1)];
      const dims = normDims(a, x.ndim);
      const m = (t: Tensor): Tensor => mean(t, dims, { keepdim: true });
      const { xhat, r } = normalizeComposite(x, dims, a.eps);
      const h = m(mul(v, xhat));
      const q = sub(sub(v, m(v)), mul(xhat, h));
      const ux = m(mul(u, xhat));
      const inner = add(add(mul(xhat, m(mul(u, q))), mul(h, sub(sub(u, m(u)), mul(xhat, ux)))), mul(q, ux));
      return neg(mul(mul(r, r), inner));
    },
  ];
}
