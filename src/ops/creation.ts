// Tensor creation: from nested arrays or typed arrays, constant fills, ranges, identity, and random
// tensors from the seedable generator (PyTorch's layouts: manualSeed(s) + rand gives torch's values).

import { allocArray, dtypeOfArray, isDType, toStored, type AnyTypedArray, type DType, type TypedArrayFor } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { checkOptions } from '../core/errors.js';
import { defaultGenerator, type Generator } from '../core/random.js';
import { checkSize, numel, type Shape } from '../core/shape.js';
import { Tensor } from '../tensor.js';
import { checkFinite, checkInt } from './helpers.js';

export interface CreateOptions<D extends DType = DType> {
  dtype?: D;
  requiresGrad?: boolean;
}
export interface RandomOptions<D extends DType = DType> extends CreateOptions<D> {
  generator?: Generator;
}
export type NestedArray = number | boolean | readonly NestedArray[];
export type NestedBool = boolean | readonly NestedBool[];
export interface TensorOptions<D extends DType = DType> extends CreateOptions<D> {
  /** The shape of flat data (a typed array or a flat list). */
  shape?: readonly number[];
}

function finish<D extends DType>(op: string, t: Tensor<D>, options: CreateOptions | undefined): Tensor<D> {
  if (options?.requiresGrad !== undefined) {
    if (typeof options.requiresGrad !== 'boolean') throw new ArgumentError(op, 'requiresGrad', `must be a boolean, got ${typeof options.requiresGrad}`);
    if (options.requiresGrad) t.requiresGrad = true;
  }
  return t;
}

function dtypeOption<D extends DType>(op: string, options: CreateOptions<D> | undefined, fallback: DType): D {
  const d = options?.dtype ?? fallback;
  if (!isDType(d)) throw new DTypeError(op, 'dtype', `must be one of float32, float64, int32, bool, got ${JSON.stringify(d)}`);
  return d as D;
}

function inferNested(op: string, data: NestedArray): { shape: number[]; flat: (number | boolean)[] } {
  const shape: number[] = [];
  let probe: NestedArray = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0]!;
  }
  const flat: (number | boolean)[] = [];
  const walk = (v: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (Array.isArray(v)) throw new ShapeError(op, 'data', `is ragged: expected a scalar at ${path}, got an array`);
      if (typeof v !== 'number' && typeof v !== 'boolean') throw new ArgumentError(op, 'data', `must contain numbers or booleans, got ${v === null ? 'null' : typeof v} at ${path}`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new ShapeError(op, 'data', `is ragged: expected ${shape[dim]} entries at ${path}, got ${Array.isArray(v) ? v.length : 'a scalar'}`);
    }
    v.forEach((c, i) => walk(c, dim + 1, `${path}[${i}]`));
  };
  walk(data, 0, 'data');
  return { shape, flat };
}

/**
 * Creates a tensor (always copying the data). Nested arrays infer the shape; a typed array needs
 * `{ shape }` unless 1-D. Numbers default to float32, booleans to bool; Int32Array → int32,
 * Float64Array → float64, other typed arrays → float32.
 */
export function tensor<D extends DType>(data: NestedArray | AnyTypedArray | ArrayLike<number>, options: TensorOptions<D> & { dtype: D }): Tensor<D>;
export function tensor(data: NestedBool, options?: TensorOptions<'bool'>): Tensor<'bool'>;
export function tensor(data: Int32Array, options?: TensorOptions<'int32'>): Tensor<'int32'>;
export function tensor(data: Float64Array, options?: TensorOptions<'float64'>): Tensor<'float64'>;
export function tensor(data: NestedArray | AnyTypedArray | ArrayLike<number>, options?: TensorOptions<'float32'>): Tensor<'float32'>;
export function tensor<D extends DType = 'float32'>(data: NestedArray | AnyTypedArray | ArrayLike<number>, options?: TensorOptions<D>): Tensor<D> {
  checkOptions('tensor', options, ['dtype', 'requiresGrad', 'shape']);
  if (ArrayBuffer.isView(data)) {
    const arr = data as unknown as AnyTypedArray;
    const fallback: DType = arr instanceof Int32Array ? 'int32' : arr instanceof Float64Array ? 'float64' : 'float32';
    const dtype = dtypeOption<D>('tensor', options, fallback);
    const shape = options?.shape ? checkSize('tensor', options.shape, 'shape') : [arr.length];
    if (numel(shape) !== arr.length) throw new ShapeError('tensor', 'shape', `needs ${numel(shape)} elements but data has ${arr.length}`, { shape });
    const out = allocArray(dtype, arr.length);
    if (dtypeOfArray(arr) === dtype || (dtype !== 'bool' && dtype !== 'int32')) out.set(arr as never);
    else for (let i = 0; i < arr.length; i++) out[i] = toStored(dtype, arr[i]!);
    return finish('tensor', Tensor.fromData(out, shape, dtype), options);
  }
  if (typeof data !== 'number' && typeof data !== 'boolean' && !Array.isArray(data)) {
    throw new ArgumentError('tensor', 'data', `must be a number, boolean, nested array or typed array, got ${data === null ? 'null' : typeof data}`);
  }
  const { shape, flat } = inferNested('tensor', data as NestedArray);
  const allBool = flat.length > 0 && flat.every((v) => typeof v === 'boolean');
  const dtype = dtypeOption<D>('tensor', options, allBool ? 'bool' : 'float32');
  const finalShape = options?.shape ? checkSize('tensor', options.shape, 'shape') : shape;
  if (numel(finalShape) !== flat.length) throw new ShapeError('tensor', 'shape', `needs ${numel(finalShape)} elements but data has ${flat.length}`, { shape: finalShape });
  const out = allocArray(dtype, flat.length);
  for (let i = 0; i < flat.length; i++) out[i] = toStored(dtype, flat[i]!);
  return finish('tensor', Tensor.fromData(out, finalShape, dtype), options);
}

/** Accepts `f([2, 3], opts)` or `f(2, 3)` (PyTorch's varargs sizes). */
function parseSizeArgs<O>(op: string, args: readonly unknown[]): { shape: number[]; options: O | undefined } {
  if (Array.isArray(args[0])) {
    if (args.length > 2) throw new ArgumentError(op, 'arguments', 'take a size array and at most one options object');
    return { shape: checkSize(op, args[0]), options: args[1] as O | undefined };
  }
  const sizes: unknown[] = [];
  let options: O | undefined;
  for (const a of args) {
    if (typeof a === 'object' && a !== null) options = a as O;
    else sizes.push(a);
  }
  return { shape: checkSize(op, sizes), options };
}

type SizeArgs<O> = [shape: readonly number[], options?: O] | number[];

function filled<D extends DType>(op: string, shape: Shape, value: number | boolean, options: CreateOptions<D> | undefined, fallback: DType = 'float32'): Tensor<D> {
  checkOptions(op, options, ['dtype', 'requiresGrad']);
  const dtype = dtypeOption<D>(op, options, fallback);
  const t = Tensor.zeros(shape, dtype);
  const v = toStored(dtype, value);
  if (v !== 0) (t.storage.data as TypedArrayFor<D>).fill(v as never);
  return finish(op, t, options);
}

export function zeros<D extends DType = 'float32'>(...args: SizeArgs<CreateOptions<D>>): Tensor<D> {
  const { shape, options } = parseSizeArgs<CreateOptions<D>>('zeros', args);
  return filled('zeros', shape, 0, options);
}
export function ones<D extends DType = 'float32'>(...args: SizeArgs<CreateOptions<D>>): Tensor<D> {
  const { shape, options } = parseSizeArgs<CreateOptions<D>>('ones', args);
  return filled('ones', shape, 1, options);
}
/** A tensor filled with `value` (float32 for numbers, bool for booleans, unless dtype says otherwise). */
export function full<D extends DType = 'float32'>(shape: readonly number[], value: number | boolean, options?: CreateOptions<D>): Tensor<D> {
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new ArgumentError('full', 'fillValue', `must be a number or boolean, got ${typeof value}`);
  return filled('full', checkSize('full', shape), value, options, typeof value === 'boolean' ? 'bool' : 'float32');
}
export function zerosLike<D extends DType>(x: Tensor<D>, options?: CreateOptions<D>): Tensor<D> {
  return filled('zerosLike', x.shape, 0, options, x.dtype);
}
export function onesLike<D extends DType>(x: Tensor<D>, options?: CreateOptions<D>): Tensor<D> {
  return filled('onesLike', x.shape, 1, options, x.dtype);
}
export function fullLike<D extends DType>(x: Tensor<D>, value: number | boolean, options?: CreateOptions<D>): Tensor<D> {
  return filled('fullLike', x.shape, value, options, x.dtype);
}

/**
 * Values from start (inclusive) to end (exclusive) by step. int32 when all arguments are integers,
 * else float32 (PyTorch: int64 / default float).
 */
export function arange<D extends DType = 'float32'>(start: number, end?: number, step?: number, options?: CreateOptions<D>): Tensor<D> {
  checkOptions('arange', options, ['dtype', 'requiresGrad']);
  let s = checkFinite('arange', 'start', start);
  let e: number;
  if (end === undefined) {
    e = s;
    s = 0;
  } else e = checkFinite('arange', 'end', end);
  const st = step === undefined ? 1 : checkFinite('arange', 'step', step);
  if (st === 0) throw new ArgumentError('arange', 'step', 'must be non-zero');
  if (!Number.isFinite(s) || !Number.isFinite(e)) throw new ArgumentError('arange', 'start and end', 'must be finite');
  if ((e - s) / st < 0) throw new ArgumentError('arange', 'end', `cannot be reached from start=${s} with step=${st}`);
  const n = Math.ceil((e - s) / st);
  const allInt = [start, end ?? 0, step ?? 1].every(Number.isInteger);
  const dtype = dtypeOption<D>('arange', options, allInt ? 'int32' : 'float32');
  checkSize('arange', [n]);
  const out = allocArray(dtype, n);
  for (let i = 0; i < n; i++) out[i] = toStored(dtype, s + i * st);
  return finish('arange', Tensor.fromData(out, [n], dtype), options);
}

/** `steps` evenly spaced values from start to end inclusive (PyTorch's symmetric formula). */
export function linspace<D extends DType = 'float32'>(start: number, end: number, steps: number, options?: CreateOptions<D>): Tensor<D> {
  checkOptions('linspace', options, ['dtype', 'requiresGrad']);
  checkFinite('linspace', 'start', start);
  checkFinite('linspace', 'end', end);
  checkInt('linspace', 'steps', steps, 0);
  const dtype = dtypeOption<D>('linspace', options, 'float32');
  const out = allocArray(dtype, steps);
  if (steps === 1) out[0] = toStored(dtype, start);
  else if (steps > 1) {
    const step = (end - start) / (steps - 1);
    const half = Math.floor(steps / 2);
    for (let i = 0; i < steps; i++) out[i] = toStored(dtype, i < half ? start + step * i : end - step * (steps - i - 1));
  }
  return finish('linspace', Tensor.fromData(out, [steps], dtype), options);
}

/** The n×m identity (m defaults to n). */
export function eye<D extends DType = 'float32'>(n: number, m?: number, options?: CreateOptions<D>): Tensor<D> {
  checkInt('eye', 'n', n, 0);
  const cols = m === undefined ? n : checkInt('eye', 'm', m, 0);
  const t = filled<D>('eye', [n, cols], 0, options);
  for (let i = 0; i < Math.min(n, cols); i++) t.storage.data[i * cols + i] = 1;
  return t;
}

function randomOptions<D extends DType>(op: string, options: RandomOptions<D> | undefined, fallback: DType): { dtype: D; gen: Generator } {
  checkOptions(op, options, ['dtype', 'requiresGrad', 'generator']);
  return { dtype: dtypeOption<D>(op, options, fallback), gen: options?.generator ?? defaultGenerator };
}

/** Uniform samples in [0, 1). */
export function rand<D extends 'float32' | 'float64' = 'float32'>(...args: SizeArgs<RandomOptions<D>>): Tensor<D> {
  const { shape, options } = parseSizeArgs<RandomOptions<D>>('rand', args);
  const { dtype, gen } = randomOptions<D>('rand', options, 'float32');
  if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError('rand', 'dtype', `must be float32 or float64, got ${dtype}`);
  const t = Tensor.zeros(shape, dtype);
  gen.fillUniform(t.storage.data as Float32Array, 0, 1);
  return finish('rand', t, options);
}

/** Standard normal samples. */
export function randn<D extends 'float32' | 'float64' = 'float32'>(...args: SizeArgs<RandomOptions<D>>): Tensor<D> {
  const { shape, options } = parseSizeArgs<RandomOptions<D>>('randn', args);
  const { dtype, gen } = randomOptions<D>('randn', options, 'float32');
  if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError('randn', 'dtype', `must be float32 or float64, got ${dtype}`);
  const t = Tensor.zeros(shape, dtype);
  gen.fillNormal(t.storage.data as Float32Array, 0, 1);
  return finish('randn', t, options);
}

/** Integers uniform in [low, high) (int32 unless dtype says otherwise). randint(high, shape) or randint(low, high, shape). */
export function randint<D extends DType = 'int32'>(low: number, high: number | readonly number[], shape?: readonly number[] | RandomOptions<D>, options?: RandomOptions<D>): Tensor<D> {
  let lo = low;
  let hi: number;
  let size: readonly number[];
  let opts = options;
  if (Array.isArray(high)) {
    lo = 0;
    hi = low;
    size = high;
    opts = shape as RandomOptions<D> | undefined;
  } else {
    hi = high as number;
    if (!Array.isArray(shape)) throw new ArgumentError('randint', 'size', 'must be an array of non-negative integers');
    size = shape;
  }
  checkInt('randint', 'low', lo);
  checkInt('randint', 'high', hi);
  if (hi <= lo) throw new ArgumentError('randint', 'high', `must be greater than low, got low=${lo}, high=${hi}`);
  const { dtype, gen } = randomOptions<D>('randint', opts, 'int32');
  const t = Tensor.zeros(checkSize('randint', size), dtype);
  const data = t.storage.data;
  for (let i = 0; i < data.length; i++) data[i] = toStored(dtype, gen.nextInt(lo, hi));
  return finish('randint', t, opts);
}

/** A random permutation of 0..n-1 (int32), PyTorch's CPU Fisher-Yates order. */
export function randperm(n: number, options?: RandomOptions<'int32'>): Tensor<'int32'> {
  checkInt('randperm', 'n', n, 0);
  const { gen } = randomOptions('randperm', options, 'int32');
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = 0; i < n - 1; i++) {
    const z = gen.nextUint32() % (n - i);
    const tmp = out[i]!;
    out[i] = out[z + i]!;
    out[z + i] = tmp;
  }
  return Tensor.fromData(out, [n], 'int32');
}

