// Reference elementwise kernels: copy (with cast), unary, binary, where. Plain loops; each scalar
// formula here is the definition the native kernels must match.

import type { AnyTypedArray } from '../../core/dtype.js';
import type { BinaryOp, Dims, UnaryOp } from '../../kernels/spec.js';
import { contiguousStrides as rowMajor } from '../../core/shape.js';
import { forEachRow } from './strided.js';

function castFor(dst: AnyTypedArray): (v: number) => number {
  if (dst instanceof Int32Array) return (v) => (Number.isNaN(v) ? 0 : Math.trunc(v)) | 0;
  if (dst instanceof Uint8Array) return (v) => (v !== 0 ? 1 : 0);
  return (v) => v;
}

export function copy(shape: Dims, src: AnyTypedArray, srcOffset: number, srcStrides: Dims, dst: AnyTypedArray, dstOffset: number, dstStrides: Dims): void {
  const cast = castFor(dst);
  const same = dst.constructor === src.constructor;
  forEachRow(shape, [{ offset: srcOffset, strides: srcStrides }, { offset: dstOffset, strides: dstStrides }], (o, n, s) => {
    let si = o[0]!;
    let di = o[1]!;
    const ss = s[0]!;
    const ds = s[1]!;
    if (same) for (let i = 0; i < n; i++, si += ss, di += ds) dst[di] = src[si]!;
    else for (let i = 0; i < n; i++, si += ss, di += ds) dst[di] = cast(src[si]!);
  });
}

/**
 * erf(x) = 2/sqrt(pi) · exp(-x²) · Σ_n 2^n x^(2n+1) / (1·3·…·(2n+1)): every term is positive, so there is
 * no cancellation and the sum is accurate to a few ulps in double. |x| >= 6 rounds to ±1 in double.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 6) return x < 0 ? -1 : 1;
  const x2 = ax * ax;
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  const e = (2 / Math.sqrt(Math.PI)) * Math.exp(-x2) * sum;
  return x < 0 ? -e : e;
}

/**
 * pow with C99/IEEE 754 special cases, as PyTorch (and the native kernels, via std::pow) compute it.
 * NOTE: JS Math.pow differs exactly here: it gives NaN for pow(1, NaN), pow(1, ±Infinity) and
 * pow(-1, ±Infinity), where C and PyTorch give 1 (torch.pow(torch.tensor(1.), float('nan')) is 1).
 */
export function pow(a: number, b: number): number {
  if (a === 1) return 1;
  if (a === -1 && (b === Infinity || b === -Infinity)) return 1;
  return Math.pow(a, b);
}

export function unaryFn(op: UnaryOp, alpha: number, beta: number): (x: number) => number {
  switch (op) {
    case 'neg': return (x) => -x;
    case 'abs': return (x) => Math.abs(x);
    case 'sign': return (x) => (x > 0 ? 1 : x < 0 ? -1 : 0); // NOTE: sign(NaN) = 0 (PyTorch)
    case 'exp': return Math.exp;
    case 'log': return Math.log;
    case 'log1p': return Math.log1p;
    case 'sqrt': return Math.sqrt;
    case 'sin': return Math.sin;
    case 'cos': return Math.cos;
    case 'tanh': return Math.tanh;
    // NOTE: written so that large |x| never overflows: exp of a non-positive number only.
    case 'sigmoid': return (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
    case 'relu': return (x) => (x < 0 ? 0 : x); // NaN stays NaN
    case 'erf': return erf;
    case 'leakyRelu': return (x) => (x < 0 ? alpha * x : x);
    case 'elu': return (x) => (x <= 0 ? alpha * Math.expm1(x) : x);
    // NOTE: min(max(x, alpha), beta) as PyTorch: when min > max every element becomes max. NaN stays NaN.
    case 'clamp': return (x) => {
      const t = x < alpha ? alpha : x;
      return t > beta ? beta : t;
    };
    case 'powScalar': return (x) => pow(x, alpha);
    case 'heaviside': return (x) => (x === 0 ? alpha : x > 0 ? 1 : 0); // NOTE: NaN gives 0 (PyTorch)
  }
}

export function unary(op: UnaryOp, x: AnyTypedArray, out: AnyTypedArray, n: number, alpha: number, beta: number): void {
  const f = unaryFn(op, alpha, beta);
  if (out instanceof Int32Array) for (let i = 0; i < n; i++) out[i] = f(x[i]!) | 0;
  else for (let i = 0; i < n; i++) out[i] = f(x[i]!);
}

export function binaryFn(op: BinaryOp, int: boolean): (a: number, b: number) => number {
  switch (op) {
    case 'add': return int ? (a, b) => (a + b) | 0 : (a, b) => a + b;
    case 'sub': return int ? (a, b) => (a - b) | 0 : (a, b) => a - b;
    case 'mul': return int ? (a, b) => Math.imul(a, b) : (a, b) => a * b;
    case 'div': return (a, b) => a / b;
    case 'pow': return int ? (a, b) => pow(a, b) | 0 : pow;
    case 'maximum': return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a > b ? a : b);
    case 'minimum': return (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : a < b ? a : b);
    case 'reluBackward': return (a, b) => (b <= 0 ? 0 : a);
    case 'eq': return (a, b) => (a === b ? 1 : 0);
    case 'ne': return (a, b) => (a !== b ? 1 : 0);
    case 'lt': return (a, b) => (a < b ? 1 : 0);
    case 'le': return (a, b) => (a <= b ? 1 : 0);
    case 'gt': return (a, b) => (a > b ? 1 : 0);
    case 'ge': return (a, b) => (a >= b ? 1 : 0);
    case 'logicalAnd': return (a, b) => (a !== 0 && b !== 0 ? 1 : 0);
    case 'logicalOr': return (a, b) => (a !== 0 || b !== 0 ? 1 : 0);
    case 'logicalXor': return (a, b) => ((a !== 0) !== (b !== 0) ? 1 : 0);
  }
}

export function binary(op: BinaryOp, shape: Dims, a: AnyTypedArray, aOffset: number, aStrides: Dims, b: AnyTypedArray, bOffset: number, bStrides: Dims, out: AnyTypedArray): void {
  const f = binaryFn(op, a instanceof Int32Array);
  forEachRow(shape, [{ offset: aOffset, strides: aStrides }, { offset: bOffset, strides: bStrides }, { offset: 0, strides: rowMajor(shape) }], (o, n, s) => {
    let ai = o[0]!;
    let bi = o[1]!;
    let oi = o[2]!;
    const as = s[0]!;
    const bs = s[1]!;
    for (let i = 0; i < n; i++, ai += as, bi += bs) out[oi++] = f(a[ai]!, b[bi]!);
  });
}

export function where(shape: Dims, cond: Uint8Array, cOffset: number, cStrides: Dims, a: AnyTypedArray, aOffset: number, aStrides: Dims, b: AnyTypedArray, bOffset: number, bStrides: Dims, out: AnyTypedArray): void {
  forEachRow(
    shape,
    [{ offset: cOffset, strides: cStrides }, { offset: aOffset, strides: aStrides }, { offset: bOffset, strides: bStrides }, { offset: 0, strides: rowMajor(shape) }],
    (o, n, s) => {
      let ci = o[0]!;
      let ai = o[1]!;
      let bi = o[2]!;
      let oi = o[3]!;
      for (let i = 0; i < n; i++, ci += s[0]!, ai += s[1]!, bi += s[2]!) out[oi++] = cond[ci] ? a[ai]! : b[bi]!;
    },
  );
}
