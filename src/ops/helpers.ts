// Helpers every op file uses: argument coercion with typed errors, dtype resolution for mixed
// tensor/scalar arguments (PyTorch's promotion rules), contiguous views for kernels, casting.

import { kernelsFor } from '../backend/backend.js';
import { category, isDType, promoteTypes, toStored, type AnyTypedArray, type DType } from '../core/dtype.js';
import { ArgumentError, DTypeError } from '../core/errors.js';
import { contiguousStrides, numel, type Shape } from '../core/shape.js';
import { Tensor } from '../tensor.js';

export type TensorLike = Tensor | number | boolean;

export function assertTensor(op: string, arg: string, x: unknown): asserts x is Tensor {
  if (!(x instanceof Tensor)) {
    const got = x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
    throw new ArgumentError(op, arg, `must be a Tensor, got ${got}`);
  }
}

/** The dtype a JS scalar behaves as next to tensors (a "weak" type, as Python scalars in PyTorch). */
export function scalarKind(v: number | boolean): DType {
  return typeof v === 'boolean' ? 'bool' : Number.isInteger(v) ? 'int32' : 'float32';
}

/** PyTorch's result type for operands that may be scalars or 0-d tensors. */
export function resultType(op: string, args: readonly TensorLike[]): DType {
  let dimmed: DType | null = null;
  let zeroDim: DType | null = null;
  let scalar: DType | null = null;
  const up = (cur: DType | null, d: DType): DType => (cur === null ? d : promoteTypes(cur, d));
  args.forEach((a, i) => {
    if (a instanceof Tensor) {
      if (a.ndim > 0) dimmed = up(dimmed, a.dtype);
      else zeroDim = up(zeroDim, a.dtype);
    } else if (typeof a === 'number' || typeof a === 'boolean') {
      scalar = up(scalar, scalarKind(a));
    } else {
      throw new ArgumentError(op, `argument ${i}`, `must be a Tensor, number or boolean, got ${a === null ? 'null' : typeof a}`);
    }
  });
  // Priority: dimensioned tensors, then 0-d tensors, then JS scalars; a weaker group only changes the
  // type when its category (bool < integer < floating) is higher.
  let t: DType | null = dimmed;
  for (const weaker of [zeroDim, scalar] as (DType | null)[]) {
    if (weaker !== null && (t === null || category(weaker) > category(t))) t = weaker;
  }
  return t ?? 'float32';
}

/** A 0-d tensor holding `v` as `dtype`. */
export function scalarTensor(v: number | boolean, dtype: DType): Tensor {
  const t = Tensor.zeros([], dtype);
  t.storage.data[0] = toStored(dtype, v);
  return t;
}

/** `x` as a tensor of `dtype` (scalars become 0-d tensors; tensors are cast if needed, differentiably for floats). */
export function toTensorOf(x: TensorLike, dtype: DType, castFn: (t: Tensor, d: DType) => Tensor): Tensor {
  if (x instanceof Tensor) return x.dtype === dtype ? x : castFn(x, dtype);
  return scalarTensor(x, dtype);
}

/**
 * A contiguous result with unspecified contents (torch.empty): every caller hands it to a kernel that
 * writes all of it (the kernel contract; the parity suite pre-fills outputs with garbage to prove it).
 * Results that start from zeros use Tensor.zeros.
 */
export function empty<D extends DType>(shape: Shape, dtype: D): Tensor<D> {
  return Tensor.uninitialised(shape, dtype);
}

/** The elements of a tensor as a contiguous array (a subarray view when already contiguous, else a copy). */
export function contiguousData(t: Tensor): AnyTypedArray {
  const n = numel(t.shape);
  if (t.isContiguous()) return t.storage.data.subarray(t.offset, t.offset + n);
  const out = Tensor.uninitialised(t.shape, t.dtype).storage.data;
  if (n > 0) kernelsFor(t.dtype).copy(t.shape, t.storage.data, t.offset, t.strides, out, 0, contiguousStrides(t.shape));
  return out;
}

/** Copies (with cast) the elements of `src` into a new contiguous tensor of `dtype` (no graph). */
export function rawCast<D extends DType>(src: Tensor, dtype: D): Tensor<D> {
  const out = Tensor.zeros(src.shape, dtype);
  if (src.numel() > 0) {
    kernelsFor(src.dtype, dtype).copy(src.shape, src.storage.data, src.offset, src.strides, out.storage.data, 0, out.strides);
  }
  return out;
}

export function checkDType(op: string, arg: string, d: unknown): DType {
  if (!isDType(d)) throw new DTypeError(op, arg, `must be one of float32, float64, int32, bool, got ${JSON.stringify(d)}`);
  return d;
}

export function checkFinite(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ArgumentError(op, arg, `must be a number, got ${typeof v === 'number' ? 'NaN' : typeof v}`);
  return v;
}

export function checkInt(op: string, arg: string, v: unknown, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ArgumentError(op, arg, `must be an integer, got ${String(v)}`);
  if (v < min) throw new ArgumentError(op, arg, `must be >= ${min}, got ${v}`);
  return v;
}

export function checkBool(op: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(op, arg, `must be a boolean, got ${typeof v}`);
  return v;
}

export function requireFloat(op: string, arg: string, t: Tensor): void {
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new DTypeError(op, arg, `must be a floating point tensor, got ${t.dtype}`, { [arg]: t.shape });
  }
}
