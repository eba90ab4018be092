// Elementwise ops: unary math, activations, binary arithmetic with broadcasting, comparisons,
// logical ops and where. Primitives record their node; composites (gelu, square, ...) build on them.

import { kernelsFor } from '../backend/backend.js';
import { isFloat, type DType, type FloatOf, type Promote } from '../core/dtype.js';
import { ArgumentError, DTypeError } from '../core/errors.js';
import { broadcastShapes, broadcastStrides, numel } from '../core/shape.js';
import { record } from '../engine.js';
import type { PrimitiveName } from '../primitives.js';
import type { Tensor } from '../tensor.js';
import { INT_UNARY_OPS, type BinaryOp, type UnaryOp } from '../kernels/spec.js';
import { assertTensor, checkFinite, contiguousData, empty, resultType, scalarTensor, type TensorLike } from './helpers.js';
import { cast, detach } from './layout.js';

/** Result dtype of a binary op on A and B (scalars are weak: a float tensor keeps its dtype). */
export type BinaryDType<A, B> = A extends Tensor<infer DA>
  ? B extends Tensor<infer DB>
    ? Promote<DA, DB>
    : DA extends 'float32' | 'float64' ? DA : DType
  : B extends Tensor<infer DB>
    ? DB extends 'float32' | 'float64' ? DB : DType
    : DType;

type UnaryPrim = Extract<PrimitiveName, UnaryOp>;

/** Runs the unary kernel on `x` (cast to float first for float-only ops) and records `prim`. */
function unaryOp(name: string, op: UnaryOp, x: Tensor, alpha = 0, beta = 0, prim?: UnaryPrim): Tensor {
  assertTensor(name, 'input', x);
  let src = x;
  if (!isFloat(x.dtype) && !INT_UNARY_OPS.includes(op)) src = cast(x, 'float32');
  if (x.dtype === 'bool' && INT_UNARY_OPS.includes(op)) {
    throw new DTypeError(name, 'input', 'must be a number tensor, got bool', { input: x.shape });
  }
  const out = empty(src.shape, src.dtype);
  const n = numel(src.shape);
  if (n > 0) kernelsFor(src.dtype).unary(op, contiguousData(src), out.storage.data, n, alpha, beta);
  if (prim) record(prim, [src], out, primAttrs(prim, alpha, beta) as never);
  return out;
}

function primAttrs(prim: UnaryPrim, alpha: number, beta: number): object {
  switch (prim) {
    case 'leakyRelu': return { slope: alpha };
    case 'elu': return { alpha };
    case 'clamp': return { min: alpha, max: beta };
    case 'powScalar': return { exponent: alpha };
    default: return {};
  }
}

type FT<D extends DType> = Tensor<FloatOf<D>>;

export const neg = <D extends DType>(x: Tensor<D>): Tensor<D> => unaryOp('neg', 'neg', x, 0, 0, 'neg') as Tensor<D>;
/** NOTE: abs'(0) = 0 (PyTorch's sgn convention). */
export const abs = <D extends DType>(x: Tensor<D>): Tensor<D> => unaryOp('abs', 'abs', x, 0, 0, 'abs') as Tensor<D>;
/** Sign (-1, 0, 1); its gradient is zero everywhere, as PyTorch's. */
export const sign = <D extends DType>(x: Tensor<D>): Tensor<D> => unaryOp('sign', 'sign', x, 0, 0, 'sign') as Tensor<D>;
export const exp = <D extends DType>(x: Tensor<D>): FT<D> => unaryOp('exp', 'exp', x, 0, 0, 'exp') as FT<D>;
export const log = <D extends DType>(x: Tensor<D>): FT<D> => unaryOp('log', 'log', x, 0, 0, 'log') as FT<D>;
export const log1p = <D extends DType>(x: Tensor<D>): FT<D> => unaryOp('log1p', 'log1p', x, 0, 0, 'log1p') as FT<D>;
export const sqrt = <D extends DType>(x: Tensor<D>): FT<D> => unaryOp('sqrt', 'sqrt', x, 0, 0, 'sqrt') as FT<D>;
export const sin = <D extends DType>(x: Tensor<D>): FT<D> => unaryOp('sin', 'sin', x, 0, 0, 'sin') as FT<D>;
export const cos = <D extends DType>(x: Tensor<D>): FT<D> => unaryOp('cos', 'cos', x, 0, 0, 'cos') as FT<D>;
export const tanh = <D extends DType>(x: Tensor<D>): FT<D> => unaryOp('tanh', 'tanh', x, 0, 0, 'tanh') as FT<D>;
export const sigmoid = <D extends DType>(x: Tensor<D>): FT<D> => unaryOp('sigmoid', 'sigmoid', x, 0, 0, 'sigmoid') as FT<D>;
export const erf = <D extends DType>(x: Tensor<D>): FT<D> => unaryOp('erf', 'erf', x, 0, 0, 'erf') as FT<D>;
/** NOTE: relu'(0) = 0 (PyTorch). */
export const relu = <D extends DType>(x: Tensor<D>): Tensor<D> => unaryOp('relu', 'relu', x, 0, 0, 'relu') as Tensor<D>;

/** max(0, x) + negativeSlope·min(0, x). NOTE: the gradient at 0 is negativeSlope (PyTorch). */
export function leakyRelu<D extends DType>(x: Tensor<D>, negativeSlope = 0.01): FT<D> {
  checkFinite('leakyRelu', 'negativeSlope', negativeSlope);
  return unaryOp('leakyRelu', 'leakyRelu', x, negativeSlope, 0, 'leakyRelu') as FT<D>;
}
/** x for x > 0, alpha·(exp(x) − 1) otherwise. NOTE: the gradient at 0 is alpha (PyTorch). */
export function elu<D extends DType>(x: Tensor<D>, alpha = 1): FT<D> {
  checkFinite('elu', 'alpha', alpha);
  return unaryOp('elu', 'elu', x, alpha, 0, 'elu') as FT<D>;
}
/**
 * (1/beta)·log(1 + exp(beta·x)), linear where beta·x > threshold (PyTorch's defaults beta=1, threshold=20).
 * Composite written to stay finite for any x: log1p(exp(-|z|)) + max(z, 0), gradient sigmoid(z) at 0 too.
 */
export function softplus<D extends DType>(x: Tensor<D>, beta = 1, threshold = 20): FT<D> {
  assertTensor('softplus', 'input', x);
  checkFinite('softplus', 'beta', beta);
  checkFinite('softplus', 'threshold', threshold);
  if (beta === 0) throw new ArgumentError('softplus', 'beta', 'must be non-zero');
  const xf = isFloat(x.dtype) ? x : cast(x, 'float32');
  const z = beta === 1 ? xf : mul(xf, beta);
  // log(1 + e^z) = log(1 + e^-|z|) + relu(z); written as a sum of smooth pieces around a where on z's
  // sign so that no kink convention leaks into the gradient at z = 0.
  const pos = gt(z, 0);
  const za = where(pos, z, 0);
  const zb = where(pos, 0, z);
  const sp = where(pos, add(za, log1p(exp(neg(za)))), log1p(exp(zb)));
  const scaled = beta === 1 ? sp : div(sp, beta);
  return where(gt(z, threshold), xf, scaled) as FT<D>;
}
/** Gaussian error linear unit: exact x·Φ(x), or the tanh approximation with approximate='tanh'. */
export function gelu<D extends DType>(x: Tensor<D>, approximate: 'none' | 'tanh' = 'none'): FT<D> {
  assertTensor('gelu', 'input', x);
  if (approximate !== 'none' && approximate !== 'tanh') throw new ArgumentError('gelu', 'approximate', `must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  const xf = isFloat(x.dtype) ? x : cast(x, 'float32');
  if (approximate === 'none') return mul(mul(xf, 0.5), add(erf(mul(xf, Math.SQRT1_2)), 1)) as FT<D>;
  const inner = mul(add(xf, mul(pow(xf, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return mul(mul(xf, 0.5), add(tanh(inner), 1)) as FT<D>;
}
/** Clamps into [min, max]; either bound may be omitted. NOTE: the gradient is 1 on the closed interval. */
export function clamp<D extends DType>(x: Tensor<D>, min?: number | null, max?: number | null): Tensor<D> {
  assertTensor('clamp', 'input', x);
  if ((min === undefined || min === null) && (max === undefined || max === null)) throw new ArgumentError('clamp', 'min', 'and max cannot both be omitted');
  const lo = min === undefined || min === null ? -Infinity : checkFinite('clamp', 'min', min);
  const hi = max === undefined || max === null ? Infinity : checkFinite('clamp', 'max', max);
  let src: Tensor = x;
  if (x.dtype === 'int32' && (!Number.isInteger(lo) && Number.isFinite(lo) || !Number.isInteger(hi) && Number.isFinite(hi))) src = cast(x, 'float32');
  return unaryOp('clamp', 'clamp', src, lo, hi, 'clamp') as Tensor<D>;
}
/** Heaviside step: 1 for x > 0, `values` at 0, 0 for x < 0. Not differentiable (no gradient flows). */
export function heaviside<D extends DType>(x: Tensor<D>, values: number | Tensor = 0): Tensor<D> {
  assertTensor('heaviside', 'input', x);
  if (typeof values === 'number') return unaryOp('heaviside', 'heaviside', x, values, 0) as Tensor<D>;
  assertTensor('heaviside', 'values', values);
  const v = cast(values, x.dtype);
  const z = scalarTensor(0, x.dtype);
  const o = scalarTensor(1, x.dtype);
  return detach(where(gt(x, 0), o, where(lt(x, 0), z, v))) as Tensor<D>;
}
/** The perceptron's step unit: heaviside(x, valueAtZero). */
export function step<D extends DType>(x: Tensor<D>, valueAtZero = 0): Tensor<D> {
  return heaviside(x, valueAtZero);
}

/** Runs the binary kernel with broadcasting; `outDtype` defaults to the inputs' common dtype. */
function binaryKernel(op: BinaryOp, name: string, a: Tensor, b: Tensor, outDtype?: DType): Tensor {
  const shape = broadcastShapes(name, { input: a.shape, other: b.shape });
  const out = empty(shape, outDtype ?? a.dtype);
  if (numel(shape) > 0) {
    kernelsFor(a.dtype).binary(
      op, shape,
      a.storage.data, a.offset, broadcastStrides(a.shape, a.strides, shape),
      b.storage.data, b.offset, broadcastStrides(b.shape, b.strides, shape),
      out.storage.data,
    );
  }
  return out;
}

function operands(name: string, a: TensorLike, b: TensorLike, forceFloat: boolean): [Tensor, Tensor] {
  let dtype = resultType(name, [a, b]);
  if (forceFloat && !isFloat(dtype)) dtype = 'float32';
  const conv = (v: TensorLike): Tensor => (typeof v === 'object' ? (v.dtype === dtype ? v : cast(v, dtype)) : scalarTensor(v, dtype));
  return [conv(a), conv(b)];
}

type ArithPrim = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
function arith(op: ArithPrim, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = operands(op, a, b, op === 'div');
  if (ta.dtype === 'bool' && op !== 'maximum' && op !== 'minimum') {
    throw new DTypeError(op, 'input', 'arithmetic on two bool tensors is not supported; cast one to int32 or float32');
  }
  const out = binaryKernel(op, op, ta, tb);
  return record(op, [ta, tb], out, {});
}

export function add<A extends TensorLike, B extends TensorLike>(a: A, b: B, options?: { alpha?: number }): Tensor<BinaryDType<A, B>> {
  const alpha = options?.alpha;
  if (alpha !== undefined && alpha !== 1) return arith('add', a, mul(b, checkFinite('add', 'alpha', alpha))) as never;
  return arith('add', a, b) as never;
}
export function sub<A extends TensorLike, B extends TensorLike>(a: A, b: B, options?: { alpha?: number }): Tensor<BinaryDType<A, B>> {
  const alpha = options?.alpha;
  if (alpha !== undefined && alpha !== 1) return arith('sub', a, mul(b, checkFinite('sub', 'alpha', alpha))) as never;
  return arith('sub', a, b) as never;
}
export const mul = <A extends TensorLike, B extends TensorLike>(a: A, b: B): Tensor<BinaryDType<A, B>> => arith('mul', a, b) as never;
/** True division (integers promote to float32, as in PyTorch). */
export const div = <A extends TensorLike, B extends TensorLike>(a: A, b: B): Tensor<BinaryDType<A, B> extends 'float64' ? 'float64' : 'float32'> => arith('div', a, b) as never;
/**
 * a^b. A scalar exponent uses the fused powScalar kernel. NOTE: d/da at a = 0 follows PyTorch
 * (0 for b = 0, inf for 0 < b < 1); d/db is 0 where a = 0 and b >= 0.
 */
export function pow<A extends TensorLike, B extends TensorLike>(a: A, b: B): Tensor<BinaryDType<A, B>> {
  if (typeof a === 'object' && typeof b === 'number' && isFloat((a as Tensor).dtype)) {
    checkFinite('pow', 'exponent', b);
    return unaryOp('pow', 'powScalar', a as Tensor, b, 0, 'powScalar') as never;
  }
  return arith('pow', a, b) as never;
}
/** Elementwise max. NOTE: NaN propagates; at ties each input gets half the gradient (PyTorch). */
export const maximum = <A extends TensorLike, B extends TensorLike>(a: A, b: B): Tensor<BinaryDType<A, B>> => arith('maximum', a, b) as never;
export const minimum = <A extends TensorLike, B extends TensorLike>(a: A, b: B): Tensor<BinaryDType<A, B>> => arith('minimum', a, b) as never;

export const square = <D extends DType>(x: Tensor<D>): Tensor<D> => mul(x, x) as unknown as Tensor<D>;
export const reciprocal = <D extends DType>(x: Tensor<D>): FT<D> => div(1, x) as FT<D>;
export const rsqrt = <D extends DType>(x: Tensor<D>): FT<D> => reciprocal(sqrt(x)) as FT<D>;

function compare(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor<'bool'> {
  const [ta, tb] = operands(op, a, b, false);
  return binaryKernel(op, op, ta, tb, 'bool') as Tensor<'bool'>;
}
export const eq = (a: TensorLike, b: TensorLike): Tensor<'bool'> => compare('eq', a, b);
export const ne = (a: TensorLike, b: TensorLike): Tensor<'bool'> => compare('ne', a, b);
export const lt = (a: TensorLike, b: TensorLike): Tensor<'bool'> => compare('lt', a, b);
export const le = (a: TensorLike, b: TensorLike): Tensor<'bool'> => compare('le', a, b);
export const gt = (a: TensorLike, b: TensorLike): Tensor<'bool'> => compare('gt', a, b);
export const ge = (a: TensorLike, b: TensorLike): Tensor<'bool'> => compare('ge', a, b);

function logical(op: BinaryOp, a: TensorLike, b: TensorLike): Tensor<'bool'> {
  const ta = typeof a === 'object' ? (a.dtype === 'bool' ? a : ne(a, 0)) : scalarTensor(a, 'bool');
  const tb = typeof b === 'object' ? (b.dtype === 'bool' ? b : ne(b, 0)) : scalarTensor(b, 'bool');
  return binaryKernel(op, op, ta, tb, 'bool') as Tensor<'bool'>;
}
export const logicalAnd = (a: TensorLike, b: TensorLike): Tensor<'bool'> => logical('logicalAnd', a, b);
export const logicalOr = (a: TensorLike, b: TensorLike): Tensor<'bool'> => logical('logicalOr', a, b);
export const logicalXor = (a: TensorLike, b: TensorLike): Tensor<'bool'> => logical('logicalXor', a, b);
export const logicalNot = (a: Tensor): Tensor<'bool'> => eq(a.dtype === 'bool' ? a : ne(a, 0), false);

/**
 * relu's gradient in one pass (PyTorch's threshold_backward(grad, result, 0)): grad where result > 0 or is
 * NaN, else 0, with broadcasting. Differentiable in grad (the rule is this op again); result is not
 * differentiated (relu's second derivative is 0 wherever it exists). Used by relu's rule; not public API.
 */
export function reluBackward(grad: Tensor, result: Tensor): Tensor {
  assertTensor('reluBackward', 'grad', grad);
  assertTensor('reluBackward', 'result', result);
  const r = result.dtype === grad.dtype ? result : cast(result, grad.dtype);
  return record('reluBackward', [grad], binaryKernel('reluBackward', 'reluBackward', grad, r), { result: r });
}

/** cond ? a : b elementwise with broadcasting; cond must be bool. Differentiable in a and b. */
export function where<A extends TensorLike, B extends TensorLike>(cond: Tensor<'bool'>, a: A, b: B): Tensor<BinaryDType<A, B>> {
  assertTensor('where', 'condition', cond);
  if (cond.dtype !== 'bool') throw new DTypeError('where', 'condition', `must be a bool tensor, got ${cond.dtype}`, { condition: cond.shape });
  const [ta, tb] = operands('where', a, b, false);
  const shape = broadcastShapes('where', { condition: cond.shape, input: ta.shape, other: tb.shape });
  const out = empty(shape, ta.dtype);
  if (numel(shape) > 0) {
    kernelsFor(ta.dtype).where(
      shape,
      cond.storage.data, cond.offset, broadcastStrides(cond.shape, cond.strides, shape),
      ta.storage.data, ta.offset, broadcastStrides(ta.shape, ta.strides, shape),
      tb.storage.data, tb.offset, broadcastStrides(tb.shape, tb.strides, shape),
      out.storage.data,
    );
  }
  return record('where', [ta, tb], out, { cond }) as never;
}
