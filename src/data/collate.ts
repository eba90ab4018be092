// Batching samples: PyTorch's `default_collate` (tensors stacked, numbers and booleans turned into
// tensors, arrays and plain objects collated field by field) and the contiguous row gather that
// the TensorDataset fast path uses. No sampling or iteration here: that is dataloader.ts.

import { allocArrayUninitialised } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { fmt, shapesEqual } from '../core/shape.js';
import { indexSelect } from '../ops/indexing.js';
import { stack } from '../ops/layout.js';
import { Tensor } from '../tensor.js';

/**
 * The batch type `defaultCollate` makes from samples of type `T`: a tensor of dtype D becomes a
 * tensor of dtype D with a leading batch dim, a number an int32 or float32 tensor, a boolean a bool
 * tensor, a string an array of strings; arrays (tuples) and plain objects are collated per field.
 */
export type Collated<T> = T extends Tensor<infer D>
  ? Tensor<D>
  : T extends number
    ? Tensor<'int32'> | Tensor<'float32'>
    : T extends boolean
      ? Tensor<'bool'>
      : T extends string
        ? string[]
        : T extends readonly unknown[]
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : T extends object
            ? { -readonly [K in keyof T]: Collated<T[K]> }
            : never;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Tensor) return 'a Tensor';
  return typeof v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function collateAt(samples: readonly unknown[], path: string): unknown {
  const first = samples[0];
  const where = path === '' ? 'samples' : `samples${path}`;
  for (let i = 1; i < samples.length; i++) {
    if (kindOf(samples[i]) !== kindOf(first)) {
      throw new ArgumentError('defaultCollate', where, `must all be of one kind, got ${kindOf(first)} in sample 0 and ${kindOf(samples[i])} in sample ${i}`);
    }
  }
  if (first instanceof Tensor) {
    const ts = samples as readonly Tensor[];
    for (let i = 1; i < ts.length; i++) {
      const t = ts[i]!;
      if (t.dtype !== first.dtype) {
        throw new DTypeError('defaultCollate', where, `must all have one dtype to be stacked, got ${first.dtype} in sample 0 and ${t.dtype} in sample ${i}`);
      }
      if (!shapesEqual(t.shape, first.shape)) {
        throw new ShapeError('defaultCollate', where, `must all have one shape to be stacked, got ${fmt(first.shape)} in sample 0 and ${fmt(t.shape)} in sample ${i}`, {
          first: first.shape,
          other: t.shape,
        });
      }
    }
    return stack(ts, 0);
  }
  if (typeof first === 'number') {
    const xs = samples as readonly number[];
    let ints = true;
    for (const v of xs) if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) ints = false;
    return ints ? Tensor.fromData(Int32Array.from(xs), [xs.length], 'int32') : Tensor.fromData(Float32Array.from(xs), [xs.length], 'float32');
  }
  if (typeof first === 'boolean') {
    return Tensor.fromData(Uint8Array.from(samples as readonly boolean[], (b) => (b ? 1 : 0)), [samples.length], 'bool');
  }
  if (typeof first === 'string') return samples.slice();
  if (Array.isArray(first)) {
    const n = first.length;
    samples.forEach((s, i) => {
      if ((s as unknown[]).length !== n) {
        throw new ShapeError('defaultCollate', where, `must all have the same length, got ${n} in sample 0 and ${(s as unknown[]).length} in sample ${i}`);
      }
    });
    return Array.from({ length: n }, (_, k) => collateAt(samples.map((s) => (s as unknown[])[k]), `${path}[${k}]`));
  }
  if (isPlainObject(first)) {
    const keys = Object.keys(first);
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      samples.forEach((s, i) => {
        if (!isPlainObject(s) || !(k in s)) throw new ArgumentError('defaultCollate', where, `must all have the key '${k}' of sample 0; sample ${i} does not`);
      });
      out[k] = collateAt(samples.map((s) => (s as Record<string, unknown>)[k]), `${path}.${k}`);
    }
    return out;
  }
  throw new ArgumentError('defaultCollate', where, `must be tensors, numbers, booleans, strings, arrays or plain objects, got ${kindOf(first)}`);
}

/**
 * PyTorch's `default_collate`: merges a list of samples into one batch. Tensors are stacked along a
 * new first dim (all must share dtype and shape; int32 labels stay int32); numbers become a 1-d
 * int32 tensor when every one is an integer in int32 range, else float32; booleans a bool tensor;
 * strings stay an array; arrays (tuples) and plain objects are collated position by position / key
 * by key.
 *
 * NOTE: PyTorch makes Python floats float64 and ints int64; JavaScript has one number type, so the
 * dtype follows the values of the batch (and float32 is nodegrad's default float). Return tensors
 * from `get` when a fixed dtype matters.
 * @example
 * const [x, y] = defaultCollate([[tensor([1, 2]), 3], [tensor([4, 5]), 6]]);
 * x.shape; // [2, 2]
 * y.dtype; // 'int32'
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  if (!Array.isArray(samples) || samples.length === 0) {
    throw new ArgumentError('defaultCollate', 'samples', `must be a non-empty array, got ${Array.isArray(samples) ? 'an empty array' : kindOf(samples)}`);
  }
  return collateAt(samples, '') as Collated<T>;
}

/**
 * Rows `index` of `t` along dim 0 as a new contiguous tensor: exactly `indexSelect(t, 0, index)`.
 * Tensors that are contiguous and not part of an autograd graph are copied row by row (one
 * `TypedArray.set` per row, about 4x faster than indexSelect's expanded-index gather on MNIST
 * batches); others go through indexSelect so gradients flow as in PyTorch.
 */
export function gatherRows<T extends Tensor>(t: T, index: Int32Array): T {
  const k = index.length;
  const n = t.shape[0]!;
  if (!t.isContiguous() || t.requiresGrad || k === 0) return indexSelect(t, 0, Tensor.fromData(index, [k], 'int32')) as T;
  const row = n === 0 ? 0 : t.numel() / n;
  const src = t.storage.data;
  const base = t.offset;
  const out = allocArrayUninitialised(t.dtype, k * row);
  for (let j = 0; j < k; j++) {
    const r = index[j]!;
    if (r < 0 || r >= n) return indexSelect(t, 0, Tensor.fromData(index, [k], 'int32')) as T; // indexSelect raises the IndexError
    if (row === 1) out[j] = src[base + r]!;
    else out.set(src.subarray(base + r * row, base + (r + 1) * row) as never, j * row);
  }
  return Tensor.fromData(out, [k, ...t.shape.slice(1)], t.dtype) as T;
}
