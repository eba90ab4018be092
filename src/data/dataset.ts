// Map-style datasets (PyTorch's torch.utils.data): the Dataset base, TensorDataset, Subset,
// ConcatDataset, TransformDataset and randomSplit. A dataset is a length plus `get(i)`; batching,
// shuffling and collation belong to dataloader.ts and collate.ts, image transforms to transforms.ts.

import { ArgumentError, IndexError, ShapeError } from '../core/errors.js';
import { defaultGenerator, Generator } from '../core/random.js';
import { randperm } from '../ops/creation.js';
import { select } from '../ops/layout.js';
import { Tensor } from '../tensor.js';
import { defaultCollate, gatherRows, type Collated } from './collate.js';
import { applyTransform, type TransformLike } from './transforms.js';

/**
 * Anything with a `length` and `get(i)` (a Dataset, or a duck-typed object), or a plain array of
 * samples: what DataLoader, Subset, ConcatDataset and randomSplit accept.
 */
export type DatasetLike<T> = { readonly length: number; get(index: number): T } | readonly T[];

/**
 * A map-style dataset (PyTorch's `Dataset`): `length` samples, read by index with `get(i)`.
 * Subclasses implement both; `getBatch` may be overridden with a faster equivalent.
 * @example
 * class Squares extends Dataset<number> {
 *   get length() { return 10; }
 *   get(i: number) { return i * i; }
 * }
 * [...new Squares()].slice(0, 4); // [0, 1, 4, 9]
 */
export abstract class Dataset<T> implements Iterable<T> {
  /** The number of samples (PyTorch's `__len__`): a getter or a field. */
  abstract readonly length: number;
  /** Sample `index` (PyTorch's `__getitem__`); built-in datasets accept negative indices from the end. */
  abstract get(index: number): T;

  /**
   * The batch of samples `indices`, exactly `defaultCollate(indices.map((i) => this.get(i)))`.
   * DataLoader calls it when no `collateFn` is given, so datasets that can gather whole batches at
   * once (TensorDataset, and a Subset of one) override it.
   */
  getBatch(indices: Int32Array): Collated<T> {
    return defaultCollate(Array.from(indices, (i) => this.get(i)));
  }

  /** Iterates over the samples in order (Python iterates a map-style dataset the same way). */
  *[Symbol.iterator](): Iterator<T> {
    const n = this.length;
    for (let i = 0; i < n; i++) yield this.get(i);
  }
}

/** Checks `index` against a dataset of length `n` and resolves a negative index from the end. */
export function checkDatasetIndex(op: string, index: unknown, n: number): number {
  if (typeof index !== 'number' || !Number.isSafeInteger(index)) throw new ArgumentError(op, 'index', `must be an integer, got ${String(index)}`);
  if (index < -n || index >= n) throw new IndexError(op, 'index', `${index} is out of range for a dataset of length ${n}`);
  return index < 0 ? index + n : index;
}

class ArrayDataset<T> extends Dataset<T> {
  constructor(private readonly items: readonly T[]) {
    super();
  }
  get length(): number {
    return this.items.length;
  }
  get(index: number): T {
    return this.items[checkDatasetIndex('Dataset', index, this.items.length)]!;
  }
}

class DuckDataset<T> extends Dataset<T> {
  constructor(private readonly inner: { readonly length: number; get(index: number): T }) {
    super();
  }
  get length(): number {
    return this.inner.length;
  }
  get(index: number): T {
    return this.inner.get(index);
  }
}

/** `d` as a Dataset: itself, a wrapper around a plain array, or around a duck-typed `{ length, get }`. */
export function asDataset<T>(op: string, d: DatasetLike<T>, arg = 'dataset'): Dataset<T> {
  if (d instanceof Dataset) return d;
  if (Array.isArray(d)) return new ArrayDataset(d as readonly T[]);
  if (typeof d === 'object' && d !== null && typeof (d as { get?: unknown }).get === 'function') {
    const n = (d as { length?: unknown }).length;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new ArgumentError(op, arg, `must have a non-negative integer length, got ${String(n)}`);
    return new DuckDataset(d as { readonly length: number; get(index: number): T });
  }
  throw new ArgumentError(op, arg, `must be a Dataset, an object with length and get(i), or an array, got ${d === null ? 'null' : typeof d}`);
}

function datasetLength(op: string, d: Dataset<unknown>): number {
  const n = d.length;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw new ArgumentError(op, 'dataset', `length must be a non-negative integer, got ${String(n)}`);
  return n;
}

/**
 * Samples are rows of tensors that share their first dimension (PyTorch's `TensorDataset`):
 * `get(i)` returns `[t0[i], t1[i], ...]` as views. A DataLoader over it gathers each batch with
 * one row gather per tensor instead of `batchSize` gets and a stack.
 * @example
 * const ds = new TensorDataset(images, labels); // [N, 1, 28, 28] float32, [N] int32
 * const [x, y] = ds.get(0); // x: [1, 28, 28], y: a 0-d int32 tensor
 */
export class TensorDataset<T extends Tensor[] = Tensor[]> extends Dataset<T> {
  readonly tensors: Readonly<T>;
  private readonly n: number;

  constructor(...tensors: T) {
    super();
    if (tensors.length === 0) throw new ArgumentError('TensorDataset', 'tensors', 'must hold at least one tensor');
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new ArgumentError('TensorDataset', `tensors[${i}]`, `must be a Tensor, got ${t === null ? 'null' : typeof t}`);
      if (t.ndim === 0) throw new ShapeError('TensorDataset', `tensors[${i}]`, 'must have a first (sample) dimension, got a 0-d tensor', { [`tensors[${i}]`]: t.shape });
    });
    const n = tensors[0]!.shape[0]!;
    if (tensors.some((t) => t.shape[0] !== n)) {
      const shapes: Record<string, readonly number[]> = {};
      tensors.forEach((t, i) => (shapes[`tensors[${i}]`] = t.shape));
      throw new ShapeError('TensorDataset', 'tensors', `must all have the same size in the first dimension, got ${tensors.map((t) => t.shape[0]).join(', ')}`, shapes);
    }
    this.tensors = tensors;
    this.n = n;
  }

  get length(): number {
    return this.n;
  }

  get(index: number): T {
    const i = checkDatasetIndex('TensorDataset', index, this.n);
    return this.tensors.map((t) => select(t, 0, i)) as T;
  }

  override getBatch(indices: Int32Array): Collated<T> {
    // A subclass that redefines get() must keep its semantics: fall back to get + collate.
    if (this.get !== TensorDataset.prototype.get) return super.getBatch(indices);
    const idx = new Int32Array(indices.length);
    for (let j = 0; j < idx.length; j++) idx[j] = checkDatasetIndex('TensorDataset', indices[j], this.n);
    return this.tensors.map((t) => gatherRows(t, idx)) as Collated<T>;
  }
}

/**
 * The samples of `dataset` at `indices`, in that order (PyTorch's `Subset`).
 * @example
 * const firstTen = new Subset(trainSet, Array.from({ length: 10 }, (_, i) => i));
 */
export class Subset<T> extends Dataset<T> {
  readonly dataset: Dataset<T>;
  /** The indices into `dataset` (negative ones resolved). */
  readonly indices: Int32Array;

  constructor(dataset: DatasetLike<T>, indices: ArrayLike<number>) {
    super();
    this.dataset = asDataset('Subset', dataset);
    if (typeof indices !== 'object' || indices === null || typeof indices.length !== 'number') {
      throw new ArgumentError('Subset', 'indices', `must be an array of integers, got ${indices === null ? 'null' : typeof indices}`);
    }
    const n = datasetLength('Subset', this.dataset);
    this.indices = new Int32Array(indices.length);
    for (let j = 0; j < indices.length; j++) {
      const v = indices[j];
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ArgumentError('Subset', `indices[${j}]`, `must be an integer, got ${String(v)}`);
      if (v < -n || v >= n) throw new IndexError('Subset', `indices[${j}]`, `${v} is out of range for a dataset of length ${n}`);
      this.indices[j] = v < 0 ? v + n : v;
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    return this.dataset.get(this.indices[checkDatasetIndex('Subset', index, this.indices.length)]!);
  }

  override getBatch(indices: Int32Array): Collated<T> {
    if (this.get !== Subset.prototype.get) return super.getBatch(indices);
    const mapped = new Int32Array(indices.length);
    for (let j = 0; j < mapped.length; j++) mapped[j] = this.indices[checkDatasetIndex('Subset', indices[j], this.indices.length)]!;
    return this.dataset.getBatch(mapped);
  }
}

/**
 * The datasets one after another (PyTorch's `ConcatDataset`).
 * @example
 * const all = new ConcatDataset([trainSet, extraSet]);
 * all.length === trainSet.length + extraSet.length; // true
 */
export class ConcatDataset<T> extends Dataset<T> {
  readonly datasets: readonly Dataset<T>[];
  /** Running totals of the lengths: `cumulativeSizes[k]` = samples in datasets 0..k. */
  readonly cumulativeSizes: readonly number[];

  constructor(datasets: readonly DatasetLike<T>[]) {
    super();
    if (!Array.isArray(datasets) || datasets.length === 0) throw new ArgumentError('ConcatDataset', 'datasets', 'must be a non-empty array of datasets');
    this.datasets = datasets.map((d, k) => asDataset('ConcatDataset', d, `datasets[${k}]`));
    let total = 0;
    this.cumulativeSizes = this.datasets.map((d) => (total += datasetLength('ConcatDataset', d)));
  }

  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1]!;
  }

  get(index: number): T {
    const i = checkDatasetIndex('ConcatDataset', index, this.length);
    // The first dataset whose running total exceeds i (Python's bisect_right).
    let lo = 0;
    let hi = this.cumulativeSizes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid]! > i) hi = mid;
      else lo = mid + 1;
    }
    const before = lo === 0 ? 0 : this.cumulativeSizes[lo - 1]!;
    return this.datasets[lo]!.get(i - before);
  }
}

/**
 * `dataset` with `transform` applied to each sample's input as it is read, as torchvision datasets
 * do with their `transform` argument: to the sample itself when it is a tensor, else to element 0
 * of the sample (e.g. the image of an `[image, label]` pair). Random transforms draw per sample.
 * For speed prefer DataLoader's `transform` option, which transforms whole collated batches.
 * @example
 * const augmented = new TransformDataset(trainSet, new transforms.RandomRotation(10));
 */
export class TransformDataset<T> extends Dataset<T> {
  readonly dataset: Dataset<T>;
  readonly transform: TransformLike;

  constructor(dataset: DatasetLike<T>, transform: TransformLike) {
    super();
    this.dataset = asDataset('TransformDataset', dataset);
    if (typeof transform !== 'function' && !(typeof transform === 'object' && transform !== null && typeof (transform as { forward?: unknown }).forward === 'function')) {
      throw new ArgumentError('TransformDataset', 'transform', `must be a Transform or a function, got ${transform === null ? 'null' : typeof transform}`);
    }
    this.transform = transform;
  }

  get length(): number {
    return this.dataset.length;
  }

  get(index: number): T {
    return transformInput('TransformDataset', this.transform, this.dataset.get(index));
  }
}

/** Applies `transform` to a sample or batch: the tensor itself, or element 0 of an array. */
export function transformInput<S>(op: string, transform: TransformLike, sample: S): S {
  if (sample instanceof Tensor) return applyTransform(transform, sample) as S;
  if (Array.isArray(sample) && sample[0] instanceof Tensor) {
    const out = sample.slice();
    out[0] = applyTransform(transform, sample[0]);
    return out as S;
  }
  const got = Array.isArray(sample) ? 'an array whose first element is not a Tensor' : sample === null ? 'null' : typeof sample;
  throw new ArgumentError(op, 'transform', `needs samples that are a Tensor or an array starting with a Tensor (the input), got ${got}`);
}

/**
 * Splits `dataset` into non-overlapping random subsets (PyTorch ≥ 1.13's `random_split`).
 * `lengths` are sample counts summing to the dataset's length, or fractions summing to 1: each
 * split gets floor(fraction · length) samples and the remainder is handed out one by one,
 * round-robin from the first split. The samples are dealt from `randperm(length, { generator })`,
 * so a seeded generator gives PyTorch's split.
 * @example
 * const [train, val] = randomSplit(dataset, [0.8, 0.2], new Generator(42));
 */
export function randomSplit<T>(dataset: DatasetLike<T>, lengths: readonly number[], generator: Generator = defaultGenerator): Subset<T>[] {
  const ds = asDataset('randomSplit', dataset);
  const n = datasetLength('randomSplit', ds);
  if (!Array.isArray(lengths) || lengths.length === 0) throw new ArgumentError('randomSplit', 'lengths', 'must be a non-empty array of numbers');
  lengths.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new ArgumentError('randomSplit', `lengths[${i}]`, `must be a non-negative number, got ${String(v)}`);
  });
  if (!(generator instanceof Generator)) throw new ArgumentError('randomSplit', 'generator', `must be a Generator, got ${generator === null ? 'null' : typeof generator}`);
  let sizes = lengths.slice();
  const total = lengths.reduce((s, v) => s + v, 0);
  // PyTorch's test: math.isclose(sum, 1) (relative tolerance 1e-9) and sum <= 1 means fractions.
  if (Math.abs(total - 1) <= 1e-9 * Math.max(Math.abs(total), 1) && total <= 1) {
    lengths.forEach((f, i) => {
      if (f > 1) throw new ArgumentError('randomSplit', `lengths[${i}]`, `is a fraction and must lie in [0, 1], got ${f}`);
    });
    sizes = lengths.map((f) => Math.floor(n * f));
    const remainder = n - sizes.reduce((s, v) => s + v, 0);
    for (let i = 0; i < remainder; i++) sizes[i % sizes.length]! += 1;
  } else {
    lengths.forEach((v, i) => {
      if (!Number.isSafeInteger(v)) throw new ArgumentError('randomSplit', `lengths[${i}]`, `must be an integer sample count (or all lengths fractions summing to 1), got ${v}`);
    });
  }
  const sum = sizes.reduce((s, v) => s + v, 0);
  if (sum !== n) throw new ArgumentError('randomSplit', 'lengths', `must sum to the dataset length ${n}, got [${lengths.join(', ')}] summing to ${sum}`);
  const perm = randperm(n, { generator }).storage.data;
  const out: Subset<T>[] = [];
  let offset = 0;
  for (const len of sizes) {
    out.push(new Subset(ds, perm.subarray(offset, offset + len)));
    offset += len;
  }
  return out;
}
