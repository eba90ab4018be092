// THE derivative table: one backward rule per recorded primitive (see primitives.ts). A rule returns
// lazy thunks per input, written only with public differentiable ops and never detached, so that
// gradients of gradients (Hessians, Newton, gradient penalties) need nothing else. The mapped type
// makes a primitive without a rule a compile error. Every kink carries a NOTE with PyTorch's convention.

import type { DType } from '../core/dtype.js';
import type { Shape } from '../core/shape.js';
import type { Conv2dAttrs, PrimitiveAttrs, PrimitiveName } from '../primitives.js';
import type { Tensor } from '../tensor.js';
import * as E from '../ops/elementwise.js';
import * as L from '../ops/layout.js';
import * as R from '../ops/reduce.js';
import { matmul } from '../ops/linalg.js';
import { gather, scatterAdd } from '../ops/indexing.js';
import { zerosLike, zeros } from '../ops/creation.js';
import { conv2dBackwardInput, conv2dBackwardWeight, conv2dPrimitive } from '../ops/conv.js';
import { applyAvgPool, avgPoolBackward, maxPoolBackward, maxPoolGather } from '../ops/pool.js';
import { batchNormRule, layerNormRule, normBackwardRule } from './backward_norm.js';
import { rnnLayerRule } from './backward_rnn.js';

export interface RuleContext<K extends PrimitiveName> {
  /** Gradient of the output. */
  grad: Tensor;
  attrs: PrimitiveAttrs[K];
  /** needs[i]: input i wants a gradient (PyTorch's grad_input_mask). */
  needs: readonly boolean[];
  /** Saved input i (throws if it was modified in place since the forward, or freed). */
  input(i: number): Tensor;
  /** Saved output (same checks). */
  result(): Tensor;
  inputShape(i: number): Shape;
  inputDtype(i: number): DType;
  /** The node's saved tensors stay after this rule (retainGraph): a rule may recycle its scratch only when false. */
  retained: boolean;
}
export type Thunk = (() => Tensor) | null;
export type Rule<K extends PrimitiveName> = (ctx: RuleContext<K>) => readonly Thunk[];

const unb = (g: Tensor, c: RuleContext<PrimitiveName>, i: number): Tensor => R.sumToShape(g, c.inputShape(i));
const zerosOf = (c: RuleContext<PrimitiveName>, i: number): Tensor => zeros(c.inputShape(i) as number[], { dtype: c.inputDtype(i) });

/** A >= 2-D tensor stored column-major in its last two dims (a transposed view of a contiguous matrix). */
function columnMajor(x: Tensor): boolean {
  const r = x.ndim;
  return r >= 2 && x.strides[r - 2] === 1 && x.shape[r - 2]! > 1 && x.shape[r - 1]! > 1 && x.strides[r - 1]! >= x.shape[r - 2]!;
}

function inversePermutation(dims: readonly number[]): number[] {
  const inv = new Array<number>(dims.length);
  dims.forEach((d, i) => (inv[d] = i));
  return inv;
}

/** Expands a reduced gradient back over the reduced dims of the input. */
function expandReduced(g: Tensor, inputShape: Shape, dims: readonly number[], keepdim: boolean): Tensor {
  const kept = keepdim ? g : L.reshape(g, inputShape.map((s, i) => (dims.includes(i) ? 1 : s)));
  return L.expand(kept, inputShape as number[]);
}

export const derivatives: { [K in PrimitiveName]: Rule<K> } = {
  neg: (c) => [() => E.neg(c.grad)],
  // NOTE: abs'(0) = 0 (PyTorch uses sgn(x)); written with comparisons so a NaN input gets 0, as in PyTorch.
  abs: (c) => [() => { const x = c.input(0); return E.where(E.gt(x, 0), c.grad, E.where(E.lt(x, 0), E.neg(c.grad), 0)); }],
  // NOTE: sign has zero derivative everywhere (PyTorch returns zeros, also at 0).
  sign: (c) => [() => zerosLike(c.grad)],
  exp: (c) => [() => E.mul(c.grad, c.result())],
  log: (c) => [() => E.div(c.grad, c.input(0))],
  log1p: (c) => [() => E.div(c.grad, E.add(c.input(0), 1))],
  // NOTE: sqrt'(0) = inf, as in PyTorch.
  sqrt: (c) => [() => E.div(c.grad, E.mul(c.result(), 2))],
  sin: (c) => [() => E.mul(c.grad, E.cos(c.input(0)))],
  cos: (c) => [() => E.neg(E.mul(c.grad, E.sin(c.input(0))))],
  tanh: (c) => [() => E.mul(c.grad, E.sub(1, E.square(c.result())))],
  sigmoid: (c) => [() => { const y = c.result(); return E.mul(c.grad, E.mul(y, E.sub(1, y))); }],
  // NOTE: relu'(0) = 0 (PyTorch's threshold_backward: result <= 0 ? 0 : grad, so a NaN passes grad).
  relu: (c) => [() => E.reluBackward(c.grad, c.result())],
  reluBackward: (c) => [() => unb(E.reluBackward(c.grad, c.attrs.result), c, 0)],
  erf: (c) => [() => E.mul(c.grad, E.mul(E.exp(E.neg(E.square(c.input(0)))), 2 / Math.sqrt(Math.PI)))],
  // NOTE: leakyRelu'(0) = negativeSlope (PyTorch: x > 0 ? grad : grad * slope).
  leakyRelu: (c) => [() => E.where(E.gt(c.input(0), 0), c.grad, E.mul(c.grad, c.attrs.slope))],
  // NOTE: elu'(0) = alpha (PyTorch takes the x <= 0 branch at 0; a NaN takes the other one: grad).
  elu: (c) => [() => {
    const x = c.input(0);
    return E.where(E.le(x, 0), E.mul(c.grad, E.mul(E.exp(x), c.attrs.alpha)), c.grad);
  }],
  // NOTE: clamp passes the gradient on the closed interval [min, max] (PyTorch), NaN inputs get none.
  clamp: (c) => [() => {
    const x = c.input(0);
    return E.where(E.logicalAnd(E.ge(x, c.attrs.min), E.le(x, c.attrs.max)), c.grad, 0);
  }],
  // NOTE: exponent 0 gives a zero gradient even at x = 0 (PyTorch masks it).
  powScalar: (c) => [() => {
    const p = c.attrs.exponent;
    if (p === 0) return zerosLike(c.grad);
    return E.mul(c.grad, E.mul(E.pow(c.input(0), p - 1), p));
  }],

  add: (c) => [() => unb(c.grad, c, 0), () => unb(c.grad, c, 1)],
  sub: (c) => [() => unb(c.grad, c, 0), () => unb(E.neg(c.grad), c, 1)],
  mul: (c) => [() => unb(E.mul(c.grad, c.input(1)), c, 0), () => unb(E.mul(c.grad, c.input(0)), c, 1)],
  div: (c) => [
    () => unb(E.div(c.grad, c.input(1)), c, 0),
    () => { const b = c.input(1); return unb(E.neg(E.div(E.mul(c.grad, c.input(0)), E.mul(b, b))), c, 1); },
  ],
  // NOTE: PyTorch's pow_backward: d/da masked to 0 where b == 0; d/db masked to 0 where a == 0 and b >= 0.
  pow: (c) => [
    () => {
      const a = c.input(0);
      const b = c.input(1);
      return unb(E.where(E.eq(b, 0), 0, E.mul(c.grad, E.mul(b, E.pow(a, E.sub(b, 1))))), c, 0);
    },
    () => {
      const a = c.input(0);
      const b = c.input(1);
      const zeroBase = E.logicalAnd(E.eq(a, 0), E.ge(b, 0));
      const safeA = E.where(zeroBase, 1, a);
      return unb(E.where(zeroBase, 0, E.mul(c.grad, E.mul(c.result(), E.log(safeA)))), c, 1);
    },
  ],
  // NOTE: at ties each input gets half the gradient (PyTorch's maximum/minimum); where a NaN is
  // compared, neither input loses, so both get the full gradient (PyTorch masks only the loser).
  maximum: (c) => extremumRule(c, E.lt),
  minimum: (c) => extremumRule(c, E.gt),
  where: (c) => [
    () => unb(E.where(c.attrs.cond, c.grad, 0), c, 0),
    () => unb(E.where(c.attrs.cond, 0, c.grad), c, 1),
  ],

  sum: (c) => [() => expandReduced(c.grad, c.inputShape(0), c.attrs.dims, c.attrs.keepdim)],
  mean: (c) => [() => {
    const shape = c.inputShape(0);
    const n = c.attrs.dims.reduce((p, d) => p * shape[d]!, 1);
    return E.div(expandReduced(c.grad, shape, c.attrs.dims, c.attrs.keepdim), n);
  }],
  // NOTE: amax/amin split the gradient evenly among tied extrema (PyTorch).
  amax: (c) => [() => evenlyDistribute(c)],
  amin: (c) => [() => evenlyDistribute(c)],
  // NOTE: max/min along a dim send the gradient to the returned index only (PyTorch).
  maxDim: (c) => [() => scatterAdd(zerosOf(c, 0), c.attrs.dim, c.attrs.indices, c.grad)],
  minDim: (c) => [() => scatterAdd(zerosOf(c, 0), c.attrs.dim, c.attrs.indices, c.grad)],
  softmax: (c) => [() => {
    const y = c.result();
    const gy = E.mul(c.grad, y);
    return E.sub(gy, E.mul(y, R.sum(gy, c.attrs.dim, { keepdim: true })));
  }],
  logSoftmax: (c) => [() => E.sub(c.grad, E.mul(E.exp(c.result()), R.sum(c.grad, c.attrs.dim, { keepdim: true })))],

  // Each gradient is made in its input's layout: for a transposed view (linear's weight.t()) the
  // product is computed transposed, so the view's backward hands a contiguous tensor to the weight
  // (else accumulating it would be a strided transpose-copy costing as much as the GEMM).
  matmul: (c) => [
    () => {
      const [a, b] = [c.input(0), c.input(1)];
      const tr = (x: Tensor): Tensor => L.transpose(x, -1, -2);
      return unb(columnMajor(a) ? tr(matmul(b, tr(c.grad))) : matmul(c.grad, tr(b)), c, 0);
    },
    () => {
      const [a, b] = [c.input(0), c.input(1)];
      const tr = (x: Tensor): Tensor => L.transpose(x, -1, -2);
      return unb(columnMajor(b) ? tr(matmul(tr(c.grad), a)) : matmul(tr(a), c.grad), c, 1);
    },
  ],

  reshape: (c) => [() => L.reshape(c.grad, c.inputShape(0) as number[])],
  permute: (c) => [() => L.permute(c.grad, inversePermutation(c.attrs.dims))],
  expand: (c) => [() => R.sumToShape(c.grad, c.inputShape(0))],
  slice: (c) => [() => L.sliceBackward(c.grad, c.inputShape(0), c.attrs)],
  sliceBackward: (c) => [() => L.sliceView(c.grad, c.attrs)],
  cat: (c) => c.needs.map((_, i) => () => {
    let start = 0;
    for (let k = 0; k < i; k++) start += c.inputShape(k)[c.attrs.dim]!;
    return L.narrow(c.grad, c.attrs.dim, start, c.inputShape(i)[c.attrs.dim]!);
  }),
  clone: (c) => [() => c.grad],
  cast: (c) => [() => L.cast(c.grad, c.attrs.dtype)],

  gather: (c) => [() => scatterAdd(zerosOf(c, 0), c.attrs.dim, c.attrs.index, c.grad)],
  scatterAdd: (c) => [() => c.grad, () => {
    const g = gather(c.grad, c.attrs.dim, c.attrs.index);
    const srcShape = c.inputShape(1);
    if (g.ndim === srcShape.length && g.shape.every((s, i) => s === srcShape[i])) return g;
    // NOTE: the forward reads only the index-shaped corner of src (PyTorch's rule), so the rest of src
    // gets a zero gradient (PyTorch 1.13 raises a shape error in backward here instead).
    return L.sliceBackward(g, srcShape, { starts: srcShape.map(() => 0), steps: srcShape.map(() => 1), sizes: g.shape });
  }],

  // The three convolution primitives are bilinear and each other's adjoints (NOTE: <G, BI(gy, w)> =
  // <conv2d(G, w), gy> = <w, BW(G, gy)>), so every rule is one of them and any order of derivative works.
  conv2d: (c) => [
    () => conv2dBackwardInput(c.grad, c.input(1), { ...convOf(c.attrs), inputSize: spatial(c.inputShape(0)) }),
    () => conv2dBackwardWeight(c.input(0), c.grad, { ...convOf(c.attrs), kernelSize: spatial(c.inputShape(1)) }),
    () => R.sum(c.grad, [0, 2, 3]),
  ].slice(0, c.needs.length),
  conv2dBackwardInput: (c) => [
    () => conv2dPrimitive(c.grad, c.input(1), null, { ...convOf(c.attrs), outSize: spatial(c.inputShape(0)) }),
    () => conv2dBackwardWeight(c.grad, c.input(0), { ...convOf(c.attrs), kernelSize: spatial(c.inputShape(1)) }),
  ],
  conv2dBackwardWeight: (c) => [
    () => conv2dBackwardInput(c.input(1), c.grad, { ...convOf(c.attrs), inputSize: spatial(c.inputShape(0)) }),
    () => conv2dPrimitive(c.input(0), c.grad, null, { ...convOf(c.attrs), outSize: spatial(c.inputShape(1)) }),
  ],
  // NOTE: max pooling sends the gradient to the chosen index only (PyTorch): the first maximum of a window in
  // row-major order, or its last NaN; an empty window's output (possible with dilation) gets none.
  maxPool: (c) => [() => maxPoolBackward(c.grad, c.attrs.plan, c.attrs.indices)],
  maxPoolBackward: (c) => [() => maxPoolGather(c.grad, c.attrs.plan, c.attrs.indices)],
  avgPool: (c) => [() => avgPoolBackward(c.grad, c.attrs.plan)],
  avgPoolBackward: (c) => [() => applyAvgPool(c.grad, c.attrs.plan)],
  batchNorm: (c) => batchNormRule(c),
  layerNorm: (c) => layerNormRule(c),
  normBackward: (c) => normBackwardRule(c),
  rnnLayer: (c) => rnnLayerRule(c),
};

/** The [H, W] of an NCHW (or OIHW) shape. */
const spatial = (s: Shape): [number, number] => [s[2]!, s[3]!];
const convOf = (a: Conv2dAttrs): Conv2dAttrs => ({ stride: a.stride, padding: a.padding, dilation: a.dilation, groups: a.groups });

function extremumRule(c: RuleContext<'maximum' | 'minimum'>, loses: (a: Tensor, b: Tensor) => Tensor<'bool'>): readonly Thunk[] {
  const share = (mine: Tensor, theirs: Tensor): Tensor => {
    const half = E.mul(c.grad, 0.5);
    return E.where(loses(mine, theirs), 0, E.where(E.eq(mine, theirs), half, c.grad));
  };
  return [
    () => unb(share(c.input(0), c.input(1)), c, 0),
    () => unb(share(c.input(1), c.input(0)), c, 1),
  ];
}

function evenlyDistribute(c: RuleContext<'amax' | 'amin'>): Tensor {
  const x = c.input(0);
  const shape = c.inputShape(0);
  const { dims, keepdim } = c.attrs;
  const y = expandReduced(c.result(), shape, dims, keepdim);
  // NOTE: a NaN extremum counts as tied with the NaN inputs, so they share the gradient (PyTorch's
  // evenly_distribute_backward for max()/min(); its amax/amin give NaN to the whole slice instead).
  const mask = L.cast(E.logicalOr(E.eq(x, y), E.logicalAnd(E.ne(x, x), E.ne(y, y))), x.dtype);
  const count = R.sum(mask, dims, { keepdim: true });
  const g = expandReduced(c.grad, shape, dims, keepdim);
  return E.div(E.mul(g, mask), count);
}
