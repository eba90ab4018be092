// DataLoader: batch counts and sizes with and without dropLast, shuffles that cover every index once
// per epoch, differ between epochs and repeat under a seed, PyTorch 1.13's exact batches for the
// same seed (tests/fixtures/data_torch.json, from make_data_fixtures.py), collation dtypes and
// shapes, the TensorDataset fast path, per-batch transforms, errors, and a real MNIST epoch.
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ArgumentError, Generator, Tensor, arange, data, manualSeed, rand, tensor } from '../../src/index.js';

const { DataLoader, TensorDataset, Subset, transforms: T } = data;

interface Epochs {
  seed: number;
  batchSize: number;
  dropLast?: boolean;
  epochs: number[][][];
  randAfter: number[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/data_torch.json', import.meta.url), 'utf8')) as {
  dataloader: { n: number; global: Epochs; generator: Epochs; sequential: { seed: number; batchSize: number; randAfter: number[] } };
};

/** A TensorDataset of int32 0..n-1 (sample i holds i). */
const indexDataset = (n: number) => new TensorDataset(arange(n));
/** One epoch as arrays of sample values. */
const epoch = (loader: Iterable<Tensor[]>): number[][] => [...loader].map(([b]) => b!.tolist() as number[]);

describe('batches', () => {
  it('counts and sizes, with and without dropLast', () => {
    const ds = indexDataset(10);
    const keep = new DataLoader(ds, { batchSize: 4 });
    expect(keep.length).toBe(3);
    expect(epoch(keep)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    const drop = new DataLoader(ds, { batchSize: 4, dropLast: true });
    expect(drop.length).toBe(2);
    expect(epoch(drop)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
    expect(new DataLoader(ds, { batchSize: 5, dropLast: true }).length).toBe(2);
    expect(new DataLoader(ds, { batchSize: 11, dropLast: true }).length).toBe(0);
    expect(epoch(new DataLoader(ds, { batchSize: 11, dropLast: true }))).toEqual([]);
    expect(epoch(new DataLoader(ds, { batchSize: 11 }))).toEqual([[0, 1, 2, 3, 4, 5, 6, 7, 8, 9]]);
    // Default batchSize 1.
    const ones = new DataLoader(ds);
    expect(ones.length).toBe(10);
    expect(epoch(ones)[9]).toEqual([9]);
    expect(epoch(new DataLoader(indexDataset(0), { batchSize: 3, shuffle: true }))).toEqual([]);
  });

  it('collates images as float32 [B, C, H, W] and labels as int32 [B]', () => {
    const images = rand([7, 1, 4, 4], { generator: new Generator(0) });
    const labels = tensor([0, 1, 2, 3, 4, 5, 6], { dtype: 'int32' });
    const batches = [...new DataLoader(new TensorDataset(images, labels), { batchSize: 3 })];
    expect(batches.map(([x]) => x.shape)).toEqual([[3, 1, 4, 4], [3, 1, 4, 4], [1, 1, 4, 4]]);
    expect(batches.map(([, y]) => y.dtype)).toEqual(['int32', 'int32', 'int32']);
    expect(batches[2]![1].tolist()).toEqual([6]);
    expect(batches[1]![0].tolist()).toEqual(images.narrow(0, 3, 3).tolist());
  });

  it('collates samples from arrays and custom datasets with defaultCollate, or with collateFn', () => {
    const samples = [
      { x: tensor([1, 2]), y: 0 },
      { x: tensor([3, 4]), y: 1 },
      { x: tensor([5, 6]), y: 0 },
    ];
    const [b0, b1] = [...new DataLoader(samples, { batchSize: 2 })];
    expect(b0!.x.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(b0!.y.dtype).toBe('int32');
    expect(b1!.y.tolist()).toEqual([0]);
    const sums = [...new DataLoader(samples, { batchSize: 2, collateFn: (s) => s.map((e) => e.x.sum().item()) })];
    expect(sums).toEqual([[3, 7], [11]]);
  });

  it('the TensorDataset fast path gives what get + defaultCollate gives', () => {
    const ds = new TensorDataset(rand([9, 2, 3], { generator: new Generator(1) }), arange(9));
    const fast = [...new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 3 })];
    const slow = [...new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 3, collateFn: (s) => data.defaultCollate(s) })];
    expect(fast.map(([x, y]) => [x.tolist(), y.tolist()])).toEqual(slow.map(([x, y]) => [x.tolist(), y.tolist()]));
    // Through a Subset (randomSplit's output) too.
    const [part] = data.randomSplit(ds, [5, 4], new Generator(0));
    const viaSubset = [...new DataLoader(part!, { batchSize: 5 })][0]!;
    expect(viaSubset[1].tolist()).toEqual(Array.from(part!.indices));
  });

  it('applies a transform to each collated batch (element 0) with per-sample draws', () => {
    const images = arange(2 * 3 * 4).float().reshape([2, 1, 3, 4]);
    const ds = new TensorDataset(images, tensor([5, 6], { dtype: 'int32' }));
    const [[x, y]] = [...new DataLoader(ds, { batchSize: 2, transform: T.functional.hflip })] as [[Tensor, Tensor]];
    expect(x.tolist()).toEqual(T.functional.hflip(images).tolist());
    expect(y.tolist()).toEqual([5, 6]);
    // A random transform on the batch equals the same transform on each sample in order.
    const rot = (g: Generator): data.transforms.Transform => new T.RandomRotation(30, { generator: g });
    const [[xb]] = [...new DataLoader(ds, { batchSize: 2, transform: rot(new Generator(8)) })] as unknown as [[Tensor]];
    const single = rot(new Generator(8));
    expect(xb.tolist()).toEqual([single.call(images.select(0, 0)).tolist(), single.call(images.select(0, 1)).tolist()]);
    // A bare tensor batch is transformed itself.
    const [only] = [...new DataLoader([tensor([[[1, 2]]])], { transform: (t) => t.add(1) })];
    expect(only!.tolist()).toEqual([[[[2, 3]]]]);
    expect(() => [...new DataLoader([{ a: 1 }], { transform: (t) => t })]).toThrow(/DataLoader: transform needs samples that are a Tensor or an array starting with a Tensor/);
  });
});

describe('shuffling', () => {
  const sorted = (e: number[][]): number[] => e.flat().sort((a, b) => a - b);

  it('visits every index exactly once per epoch, in a new order each epoch', () => {
    const loader = new DataLoader(indexDataset(50), { batchSize: 8, shuffle: true, seed: 11 });
    const e1 = epoch(loader);
    const e2 = epoch(loader);
    const all = Array.from({ length: 50 }, (_, i) => i);
    expect(sorted(e1)).toEqual(all);
    expect(sorted(e2)).toEqual(all);
    expect(e1.map((b) => b.length)).toEqual([8, 8, 8, 8, 8, 8, 2]);
    expect(e1.flat()).not.toEqual(all);
    expect(e2.flat()).not.toEqual(e1.flat());
    // dropLast drops the tail of the shuffled order, never reorders it.
    const dl = new DataLoader(indexDataset(50), { batchSize: 8, shuffle: true, seed: 11, dropLast: true });
    const d1 = epoch(dl);
    expect(d1).toEqual(e1.slice(0, 6));
  });

  it('repeats exactly under the same seed or generator seed', () => {
    const run = (opts: { seed: number } | { generator: Generator }): number[][][] => {
      const loader = new DataLoader(indexDataset(20), { batchSize: 6, shuffle: true, ...opts });
      return [epoch(loader), epoch(loader), epoch(loader)];
    };
    expect(run({ seed: 4 })).toEqual(run({ seed: 4 }));
    expect(run({ seed: 4 })).toEqual(run({ generator: new Generator(4) }));
    expect(run({ seed: 4 })).not.toEqual(run({ seed: 5 }));
  });

  it("gives PyTorch's batches for a seeded generator, epoch after epoch", () => {
    const c = fx.dataloader.generator;
    const g = new Generator(c.seed);
    const loader = new DataLoader(indexDataset(fx.dataloader.n), { batchSize: c.batchSize, shuffle: true, generator: g, dropLast: true });
    expect(c.epochs.map(() => epoch(loader))).toEqual(c.epochs);
    // ...and leaves the generator where PyTorch's RandomSampler leaves it.
    expect(Array.from(rand([2], { generator: g }).toFloat32Array())).toEqual(c.randAfter.map(Math.fround));
  });

  it("gives PyTorch's batches without a generator, seeding each epoch from the global one", () => {
    const c = fx.dataloader.global;
    manualSeed(c.seed);
    const loader = new DataLoader(indexDataset(fx.dataloader.n), { batchSize: c.batchSize, shuffle: true });
    expect(c.epochs.map(() => epoch(loader))).toEqual(c.epochs);
    expect(Array.from(rand([2]).toFloat32Array())).toEqual(c.randAfter.map(Math.fround));
  });

  it('an epoch left early does not advance the generator past its permutation', () => {
    const g1 = new Generator(2);
    const g2 = new Generator(2);
    const a = new DataLoader(indexDataset(10), { batchSize: 4, shuffle: true, generator: g1 });
    for (const batch of a) {
      expect(batch).toHaveLength(1);
      break;
    }
    g2.nextUint32(); // the iterator's base seed: two 32-bit draws
    g2.nextUint32();
    data.randomSplit(Array.from({ length: 10 }), [10], g2); // one randperm(10)
    expect(g1.nextUint32()).toBe(g2.nextUint32());
  });

  it('an unshuffled epoch still draws the base seed PyTorch draws from the global generator', () => {
    const c = fx.dataloader.sequential;
    manualSeed(c.seed);
    expect(epoch(new DataLoader(indexDataset(fx.dataloader.n), { batchSize: c.batchSize }))).toHaveLength(3);
    expect(Array.from(rand([2]).toFloat32Array())).toEqual(c.randAfter.map(Math.fround));
  });
});

describe('types', () => {
  it('carry the dtypes from the dataset to the batches', () => {
    const ds = new TensorDataset(rand([4, 2]), tensor([1, 2, 3, 4], { dtype: 'int32' }));
    expectTypeOf(ds.get(0)).toEqualTypeOf<[Tensor<'float32'>, Tensor<'int32'>]>();
    const batches = [...new DataLoader(ds, { batchSize: 2 })];
    expectTypeOf(batches).toEqualTypeOf<[Tensor<'float32'>, Tensor<'int32'>][]>();
    expect(batches.map(([x, y]) => [x.dtype, y.dtype])).toEqual([['float32', 'int32'], ['float32', 'int32']]);
    const sizes = [...new DataLoader(ds, { batchSize: 3, collateFn: (s) => s.length })];
    expectTypeOf(sizes).toEqualTypeOf<number[]>();
    expect(sizes).toEqual([3, 1]);
    const records = [...new DataLoader([{ a: 1, b: true }])];
    expectTypeOf(records[0]!.b).toEqualTypeOf<Tensor<'bool'>>();
  });
});

describe('options', () => {
  const ds = indexDataset(4);
  const bad: [string, () => unknown, RegExp][] = [
    ['batchSize 0', () => new DataLoader(ds, { batchSize: 0 }), /DataLoader: batchSize must be a positive integer, got 0/],
    ['batchSize 2.5', () => new DataLoader(ds, { batchSize: 2.5 }), /batchSize must be a positive integer, got 2.5/],
    ['shuffle', () => new DataLoader(ds, { shuffle: 'yes' as never }), /DataLoader: shuffle must be a boolean, got string/],
    ['dropLast', () => new DataLoader(ds, { dropLast: 1 as never }), /DataLoader: dropLast must be a boolean, got number/],
    ['seed and generator', () => new DataLoader(ds, { seed: 1, generator: new Generator(1) }), /DataLoader: seed cannot be given together with generator/],
    ['seed', () => new DataLoader(ds, { seed: -1 }), /DataLoader: seed must be a non-negative integer, got -1/],
    ['generator', () => new DataLoader(ds, { generator: {} as never }), /DataLoader: generator must be a Generator, got object/],
    ['collateFn', () => new DataLoader(ds, { collateFn: 3 as never }), /DataLoader: collateFn must be a function, got number/],
    ['transform', () => new DataLoader(ds, { transform: 'flip' as never }), /DataLoader: transform must be a Transform or a function, got string/],
    ['unknown option', () => new DataLoader(ds, { numWorkers: 2 } as never), /DataLoader: option 'numWorkers' is not a known option/],
    ['dataset', () => new DataLoader(42 as never), /DataLoader: dataset must be a Dataset, an object with length and get\(i\), or an array, got number/],
    ['duck length', () => new DataLoader({ length: -1, get: () => 0 }), /DataLoader: dataset must have a non-negative integer length, got -1/],
  ];
  for (const [name, fn, msg] of bad) {
    it(`rejects ${name}`, () => {
      expect(fn).toThrow(ArgumentError);
      expect(fn).toThrow(msg);
    });
  }
});

describe('MNIST', () => {
  it('one shuffled epoch of the 60000 training images: every image once, batches of 128', () => {
    const { train } = data.mnistDatasets({ testLimit: 10 });
    expect(train).toBeInstanceOf(TensorDataset);
    expect(train.length).toBe(60000);
    const loader = new DataLoader(train, { batchSize: 128, shuffle: true, seed: 0 });
    expect(loader.length).toBe(469);
    const counts = new Array(10).fill(0);
    let seen = 0;
    let sum = 0;
    for (const [x, y] of loader) {
      seen += x.shape[0]!;
      for (const l of y.storage.data) counts[l]++;
      sum += x.storage.data[300]!; // touch the images
    }
    expect(seen).toBe(60000);
    // The label histogram of the full training set (each image exactly once).
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(sum).toBeGreaterThan(0);
    const first = new Subset(train, [0]).get(0);
    expect(first[0].shape).toEqual([1, 28, 28]);
    expect(first[1].item()).toBe(5);
  });
});
