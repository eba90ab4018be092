// DataLoader (PyTorch's torch.utils.data.DataLoader, single process): batches of a map-style
// dataset in order or shuffled, collated, optionally transformed. Shuffling follows PyTorch's
// RandomSampler draw for draw, so a seeded generator gives PyTorch's batches epoch after epoch.

import { ArgumentError, checkOptions } from '../core/errors.js';
import { defaultGenerator, Generator } from '../core/random.js';
import { randperm } from '../ops/creation.js';
import type { Collated } from './collate.js';
import { asDataset, transformInput, type Dataset, type DatasetLike } from './dataset.js';
import type { TransformLike } from './transforms.js';

/** Options of DataLoader (PyTorch's names in camelCase, plus `seed` and `transform`). */
export interface DataLoaderOptions<T, B> {
  /** Samples per batch (default 1). */
  batchSize?: number;
  /** Visit the samples in a new random order each epoch (default false). */
  shuffle?: boolean;
  /** The generator the shuffles come from (PyTorch's `generator`). */
  generator?: Generator;
  /** Shorthand for `generator: new Generator(seed)`: runs with the same seed repeat exactly. */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
  /** Merges a list of samples into a batch (default: defaultCollate, with a whole-batch fast path for TensorDataset). */
  collateFn?: (samples: T[]) => B;
  /**
   * Applied to every collated batch: to the batch itself if it is a tensor, else to its element 0
   * (the inputs of an `[inputs, targets]` batch). Random transforms draw per sample of an NCHW batch.
   */
  transform?: TransformLike;
}

/**
 * Iterates over a dataset in batches (PyTorch's `DataLoader` with `num_workers=0`).
 *
 * `for (const batch of loader)` runs one epoch; `length` is the number of batches. With
 * `shuffle`, every epoch visits each sample exactly once in a new order: the order comes from
 * `generator` (or `seed`), which advances from epoch to epoch, so a fresh loader with the same seed
 * repeats the whole run; without one, each epoch draws its seed from the global generator, as
 * PyTorch does, so `manualSeed(s)` beforehand makes the run repeat. Permutations and generator
 * use are PyTorch's, draw for draw: the same seed gives the same batches as
 * `torch.utils.data.DataLoader`, and leaves the generators in the same state.
 *
 * Without `collateFn`, batches come from the dataset's `getBatch` (defaultCollate of the samples);
 * a TensorDataset gathers whole batches with one row copy per tensor, so an MNIST epoch is
 * batched in a fraction of a second.
 * @example
 * const loader = new DataLoader(new TensorDataset(images, labels), { batchSize: 64, shuffle: true, seed: 0 });
 * for (const [x, y] of loader) {
 *   // x: [64, 1, 28, 28] float32, y: [64] int32
 * }
 */
export class DataLoader<T, B = Collated<T>> implements Iterable<B> {
  readonly dataset: Dataset<T>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator | null;
  private readonly collateFn: ((samples: T[]) => B) | null;
  private readonly transform: TransformLike | null;

  constructor(dataset: DatasetLike<T>, options: DataLoaderOptions<T, B> = {}) {
    const op = 'DataLoader';
    checkOptions(op, options, ['batchSize', 'shuffle', 'generator', 'seed', 'dropLast', 'collateFn', 'transform']);
    this.dataset = asDataset(op, dataset);
    const { batchSize = 1, shuffle = false, dropLast = false } = options;
    if (typeof batchSize !== 'number' || !Number.isSafeInteger(batchSize) || batchSize < 1) {
      throw new ArgumentError(op, 'batchSize', `must be a positive integer, got ${String(batchSize)}`);
    }
    if (typeof shuffle !== 'boolean') throw new ArgumentError(op, 'shuffle', `must be a boolean, got ${typeof shuffle}`);
    if (typeof dropLast !== 'boolean') throw new ArgumentError(op, 'dropLast', `must be a boolean, got ${typeof dropLast}`);
    if (options.generator !== undefined && options.seed !== undefined) throw new ArgumentError(op, 'seed', 'cannot be given together with generator (pick one)');
    if (options.generator !== undefined && !(options.generator instanceof Generator)) {
      throw new ArgumentError(op, 'generator', `must be a Generator, got ${options.generator === null ? 'null' : typeof options.generator}`);
    }
    if (options.seed !== undefined && (typeof options.seed !== 'number' || !Number.isSafeInteger(options.seed) || options.seed < 0)) {
      throw new ArgumentError(op, 'seed', `must be a non-negative integer, got ${String(options.seed)}`);
    }
    if (options.collateFn !== undefined && typeof options.collateFn !== 'function') throw new ArgumentError(op, 'collateFn', `must be a function, got ${typeof options.collateFn}`);
    const t = options.transform;
    if (t !== undefined && typeof t !== 'function' && !(typeof t === 'object' && t !== null && typeof (t as { forward?: unknown }).forward === 'function')) {
      throw new ArgumentError(op, 'transform', `must be a Transform or a function, got ${t === null ? 'null' : typeof t}`);
    }
    this.batchSize = batchSize;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.generator = options.generator ?? (options.seed !== undefined ? new Generator(options.seed) : null);
    this.collateFn = options.collateFn ?? null;
    this.transform = t ?? null;
  }

  /** The number of batches in an epoch: ⌈N / batchSize⌉, or ⌊N / batchSize⌋ with dropLast. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One epoch of batches. */
  *[Symbol.iterator](): Iterator<B> {
    const n = this.dataset.length;
    const batches = this.length;
    let order: Int32Array | null = null;
    let gen: Generator | null = null;
    // NOTE: every PyTorch DataLoader iterator draws an int64 base seed for its workers from the
    // loader's generator (else the global one), shuffled or not, even with num_workers=0; doing the
    // same keeps the global random stream (dropout masks, init, ...) in step with a ported script.
    const base = this.generator ?? defaultGenerator;
    base.nextUint32();
    base.nextUint32();
    if (this.shuffle) {
      // PyTorch's RandomSampler: without a generator, seed a fresh one from the global generator
      // (int64 random_(): two 32-bit draws; manual_seed keeps the low 32 bits, the second draw).
      if (this.generator === null) {
        defaultGenerator.nextUint32();
        gen = new Generator(defaultGenerator.nextUint32());
      } else {
        gen = this.generator;
      }
      order = randperm(n, { generator: gen }).storage.data;
    }
    for (let k = 0; k < batches; k++) {
      const start = k * this.batchSize;
      const end = Math.min(n, start + this.batchSize);
      const idx = new Int32Array(end - start);
      for (let j = 0; j < idx.length; j++) idx[j] = order === null ? start + j : order[start + j]!;
      let batch: B;
      if (this.collateFn === null) {
        batch = this.dataset.getBatch(idx) as B;
      } else {
        const samples: T[] = [];
        for (const i of idx) samples.push(this.dataset.get(i));
        batch = this.collateFn(samples);
      }
      if (this.transform !== null) batch = transformInput('DataLoader', this.transform, batch);
      yield batch;
    }
    // NOTE: PyTorch's RandomSampler computes one more permutation when it is exhausted (its
    // generator-based __iter__ draws randperm(n) for the `num_samples % n` tail): a fully consumed
    // epoch advances the generator by two permutations, and so does this one, to keep later
    // epochs identical to PyTorch's. An epoch left early (break) does not.
    if (gen !== null && gen === this.generator) for (let i = 0; i < n - 1; i++) gen.nextUint32();
  }
}
