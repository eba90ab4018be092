// The Tensor type: storage (a JS-owned typed array shared by views), layout (shape, strides in
// elements, offset), dtype and the autograd fields. Ops are NOT defined here: ops/ and autograd/ attach
// methods to the prototype at load (declaration merging), so this file never imports upward.

import { kernelsFor } from './backend/backend.js';
import { allocArray, allocArrayUninitialised, type DType, type ScalarFor, type TypedArrayFor } from './core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from './core/errors.js';
import { contiguousStrides, isContiguous, numel, type Shape } from './core/shape.js';

/** The typed array behind one or more tensors, and a version bumped by every in-place write. */
export class Storage<D extends DType = DType> {
  version = 0;
  constructor(readonly data: TypedArrayFor<D>) {}
}

/**
 * One recorded op application in the autograd graph. `next[i]` is where input i's gradient goes: the
 * input's own node, the leaf tensor itself (accumulate into `.grad`), or null (no gradient needed).
 */
export interface GradNode {
  readonly id: number;
  readonly op: string;
  /** Saved inputs (null once the graph is freed by a backward without retainGraph). */
  inputs: readonly Tensor[] | null;
  /** Storage versions of the inputs when recorded: an in-place write since then is an error at backward. */
  readonly inputVersions: readonly number[];
  readonly inputShapes: readonly Shape[];
  readonly inputDtypes: readonly DType[];
  readonly attrs: unknown;
  /** The output (null once freed). */
  result: Tensor | null;
  readonly resultVersion: number;
  readonly next: readonly (GradNode | Tensor | null)[];
  /** Non-leaf outputs that asked for `.grad` via retainGrad(). */
  retained: Tensor | null;
}

export type Nested<T> = T | Nested<T>[];

export class Tensor<D extends DType = DType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  /** Strides in elements (not bytes), one per dim. */
  readonly strides: readonly number[];
  /** Offset of element [0,...,0] in `storage.data`, in elements. */
  readonly offset: number;
  readonly storage: Storage<D>;
  /** Accumulated gradient (leaves, or non-leaves after retainGrad()). */
  grad: Tensor<D> | null = null;
  /** The node that produced this tensor; null for leaves. */
  gradFn: GradNode | null = null;
  /** Set by retainGrad() on a non-leaf. */
  retainsGrad = false;
  private requiresGradFlag = false;

  constructor(storage: Storage<D>, shape: Shape, strides: Shape, offset: number, dtype: D) {
    this.storage = storage;
    // NOTE: copied, not frozen: the fields are readonly in the types, and Object.freeze costs ~10% of a
    // small op's overhead in V8.
    this.shape = shape.slice();
    this.strides = strides.slice();
    this.offset = offset;
    this.dtype = dtype;
  }

  /** A new contiguous tensor holding `data` (not copied) with `shape`. */
  static fromData<D extends DType>(data: TypedArrayFor<D>, shape: Shape, dtype: D): Tensor<D> {
    if (data.length !== numel(shape)) {
      throw new ShapeError('tensor', 'data', `has ${data.length} elements but the shape needs ${numel(shape)}`, { shape });
    }
    return new Tensor(new Storage(data), shape, contiguousStrides(shape), 0, dtype);
  }

  /** A new zero-filled contiguous tensor. */
  static zeros<D extends DType>(shape: Shape, dtype: D): Tensor<D> {
    return Tensor.fromData(allocArray(dtype, numel(shape)), shape, dtype);
  }

  /** A new contiguous tensor with unspecified contents (torch.empty): for results a kernel fully overwrites. */
  static uninitialised<D extends DType>(shape: Shape, dtype: D): Tensor<D> {
    return Tensor.fromData(allocArrayUninitialised(dtype, numel(shape)), shape, dtype);
  }

  /** Whether gradients flow to this tensor. Only leaves may change it; only floating tensors may set it. */
  get requiresGrad(): boolean {
    return this.requiresGradFlag;
  }
  set requiresGrad(value: boolean) {
    if (typeof value !== 'boolean') throw new ArgumentError('requiresGrad', 'value', `must be a boolean, got ${typeof value}`);
    if (this.gradFn !== null) {
      throw new ArgumentError('requiresGrad', 'value', 'can only be changed on leaf tensors (use detach() for a non-leaf)');
    }
    if (value && this.dtype !== 'float32' && this.dtype !== 'float64') {
      throw new DTypeError('requiresGrad', 'tensor', `must be floating point to require gradients, got ${this.dtype}`);
    }
    this.requiresGradFlag = value;
  }
  /** Sets requiresGrad in place and returns this tensor (PyTorch's `requires_grad_`). */
  requiresGrad_(value = true): this {
    this.requiresGrad = value;
    return this;
  }
  /** @internal Marks an op result as part of the graph (engine only). */
  setGradFn(node: GradNode): void {
    this.gradFn = node;
    this.requiresGradFlag = true;
  }
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** Keep `.grad` for this non-leaf tensor during backward. */
  retainGrad(): this {
    if (this.gradFn !== null) {
      this.retainsGrad = true;
      this.gradFn.retained = this;
    }
    return this;
  }

  get ndim(): number {
    return this.shape.length;
  }
  dim(): number {
    return this.shape.length;
  }
  numel(): number {
    return numel(this.shape);
  }
  /** The shape, or the size of one dim (negative dims count from the end). */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): number | readonly number[] {
    if (dim === undefined) return this.shape;
    const r = this.shape.length;
    if (!Number.isInteger(dim) || dim < -r || dim >= r) throw new ArgumentError('size', 'dim', `out of range for a ${r}-d tensor, got ${dim}`);
    return this.shape[dim < 0 ? dim + r : dim]!;
  }
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }
  /** The storage version (bumped by in-place ops). */
  get version(): number {
    return this.storage.version;
  }

  /** A flat row-major copy of the elements, as this dtype's typed array. */
  toTypedArray(): TypedArrayFor<D> {
    const n = this.numel();
    const out = allocArray(this.dtype, n);
    if (n === 0) return out;
    if (this.isContiguous()) {
      out.set(this.storage.data.subarray(this.offset, this.offset + n) as never);
      return out;
    }
    kernelsFor(this.dtype).copy(this.shape, this.storage.data, this.offset, this.strides, out, 0, contiguousStrides(this.shape));
    return out;
  }

  /** A flat row-major copy of the elements as float32 (bool → 0/1). */
  toFloat32Array(): Float32Array {
    if (this.dtype === 'float32') return this.toTypedArray() as Float32Array;
    return Float32Array.from(this.toTypedArray() as ArrayLike<number>);
  }

  /** Nested JS arrays of the elements (numbers, or booleans for bool tensors); a 0-d tensor gives a scalar. */
  tolist(): Nested<ScalarFor<D>> {
    const flat = this.toTypedArray();
    const conv = (v: number): ScalarFor<D> => (this.dtype === 'bool' ? v !== 0 : v) as ScalarFor<D>;
    const build = (dim: number, base: number): Nested<ScalarFor<D>> => {
      if (dim === this.shape.length) return conv(flat[base]!);
      const n = this.shape[dim]!;
      const step = numel(this.shape.slice(dim + 1));
      const out: Nested<ScalarFor<D>>[] = [];
      for (let i = 0; i < n; i++) out.push(build(dim + 1, base + i * step));
      return out;
    };
    return build(0, 0);
  }

  /** The single element of a one-element tensor. */
  item(): ScalarFor<D> {
    const n = this.numel();
    if (n !== 1) throw new ShapeError('item', 'tensor', `must have exactly one element to convert to a scalar, got ${n}`, { input: this.shape });
    const v = this.storage.data[this.offset]!;
    return (this.dtype === 'bool' ? v !== 0 : v) as ScalarFor<D>;
  }

  toString(): string {
    return formatTensor(this);
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return formatTensor(this);
  }
}

/** PyTorch-like printing: `tensor([[1.0000, 2.0000], ...], dtype=int32, requiresGrad=true)`. */
function formatTensor(t: Tensor): string {
  const n = t.numel();
  const flat = t.toTypedArray();
  const isFloat = t.dtype === 'float32' || t.dtype === 'float64';
  const allInt = isFloat && Array.from(flat as ArrayLike<number>).every((v) => Number.isInteger(v));
  const one = (v: number): string => {
    if (t.dtype === 'bool') return v ? 'true' : 'false';
    if (!isFloat) return String(v);
    if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
    if (allInt) return `${v}.`;
    const a = Math.abs(v);
    return a !== 0 && (a >= 1e8 || a < 1e-4) ? v.toExponential(4) : v.toFixed(4);
  };
  const summarize = n > 1000;
  const strs: string[] = Array.from(flat as ArrayLike<number>, one);
  const width = Math.max(1, ...strs.map((s) => s.length));
  const build = (dim: number, base: number, indent: number): string => {
    if (t.shape.length === 0) return strs[0]!;
    const size = t.shape[dim]!;
    const step = numel(t.shape.slice(dim + 1));
    const idx = summarize && size > 6 ? [0, 1, 2, -1, size - 3, size - 2, size - 1] : Array.from({ length: size }, (_, i) => i);
    if (dim === t.shape.length - 1) {
      return `[${idx.map((i) => (i < 0 ? '...' : strs[base + i]!.padStart(width))).join(', ')}]`;
    }
    const sep = ',' + '\n'.repeat(t.shape.length - dim - 1) + ' '.repeat(indent + 1);
    return `[${idx.map((i) => (i < 0 ? '...' : build(dim + 1, base + i * step, indent + 1))).join(sep)}]`;
  };
  const extras: string[] = [];
  if (t.numel() === 0) extras.push(`size=[${t.shape.join(', ')}]`);
  if (t.dtype !== 'float32') extras.push(`dtype=${t.dtype}`);
  if (t.gradFn) extras.push(`gradFn=${t.gradFn.op}`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  const body = build(0, 0, 'tensor('.length);
  return `tensor(${body}${extras.length ? ', ' + extras.join(', ') : ''})`;
}
