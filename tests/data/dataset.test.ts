// Datasets (TensorDataset, Subset, ConcatDataset, TransformDataset), defaultCollate and randomSplit:
// hand-checked values, PyTorch 1.13's random_split subsets (tests/fixtures/data_torch.json, from
// make_data_fixtures.py), exact invariants (disjoint, covering splits) and typed errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, Generator, IndexError, ShapeError, Tensor, arange, data, manualSeed, ones, tensor, zeros } from '../../src/index.js';

const { Dataset, TensorDataset, Subset, ConcatDataset, TransformDataset, randomSplit, defaultCollate } = data;

interface SplitFixture {
  n: number;
  lengths: number[];
  seed: number;
  subsets: number[][];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/data_torch.json', import.meta.url), 'utf8')) as { randomSplit: SplitFixture[] };

/** The values sample i of a dataset of int32 scalars holds. */
const values = <T>(ds: data.Dataset<T>): unknown[] => [...ds].map((s) => (s instanceof Tensor ? s.item() : Array.isArray(s) ? (s[0] as Tensor).item() : s));

describe('TensorDataset', () => {
  const x = arange(12).float().reshape([4, 3]);
  const y = tensor([7, 8, 9, 10], { dtype: 'int32' });
  const ds = new TensorDataset(x, y);

  it('returns the rows of every tensor', () => {
    expect(ds.length).toBe(4);
    const [xi, yi] = ds.get(2);
    expect(xi.tolist()).toEqual([6, 7, 8]);
    expect(yi.shape).toEqual([]);
    expect(yi.dtype).toBe('int32');
    expect(yi.item()).toBe(9);
    expect(ds.get(-1)[1].item()).toBe(10);
    expect([...ds].map(([, l]) => l.item())).toEqual([7, 8, 9, 10]);
  });

  it('gathers a batch exactly as get + defaultCollate would', () => {
    const idx = Int32Array.from([3, 0, 3, -4]);
    const fast = ds.getBatch(idx);
    const slow = defaultCollate(Array.from(idx, (i) => ds.get(i)));
    expect(fast[0].shape).toEqual([4, 3]);
    expect(fast[1].dtype).toBe('int32');
    expect(fast[0].tolist()).toEqual(slow[0].tolist());
    expect(fast[1].tolist()).toEqual([10, 7, 10, 7]);
    expect(slow[1].tolist()).toEqual([10, 7, 10, 7]);
    // Copies, not views: writing into a batch leaves the dataset alone.
    fast[0].storage.data[0] = -1;
    expect((x.tolist() as number[][])[3]).toEqual([9, 10, 11]);
    // Non-contiguous tensors take the indexSelect path, with the same answer.
    const xt = arange(12).float().reshape([3, 4]).t(); // [4, 3], not contiguous
    expect(new TensorDataset(xt).getBatch(Int32Array.from([1, 2]))[0].tolist()).toEqual([[1, 5, 9], [2, 6, 10]]);
  });

  it('keeps gradients flowing for tensors that require them (indexSelect path)', () => {
    const w = ones(3, 2).requiresGrad_();
    const [b] = new TensorDataset(w).getBatch(Int32Array.from([2, 2, 0]));
    b.sum().backward();
    expect(w.grad?.tolist()).toEqual([[1, 1], [0, 0], [2, 2]]);
  });

  it('a subclass that redefines get() is batched through its own get', () => {
    class Doubled extends TensorDataset<[Tensor<'float32'>]> {
      override get(i: number): [Tensor<'float32'>] {
        return [super.get(i)[0].mul(2)];
      }
    }
    expect(new Doubled(tensor([1, 2, 3])).getBatch(Int32Array.from([2, 0]))[0].tolist()).toEqual([6, 2]);
  });

  it('rejects mismatched, 0-d and missing tensors and bad indices', () => {
    expect(() => new TensorDataset(zeros(4, 2), zeros(3))).toThrow(ShapeError);
    expect(() => new TensorDataset(zeros(4, 2), zeros(3))).toThrow(/TensorDataset: tensors must all have the same size in the first dimension, got 4, 3 \(tensors\[0\]=\[4,2\], tensors\[1\]=\[3\]\)/);
    expect(() => new TensorDataset(tensor(1))).toThrow(/tensors\[0\] must have a first \(sample\) dimension/);
    expect(() => new TensorDataset()).toThrow(ArgumentError);
    expect(() => new TensorDataset([1, 2] as never)).toThrow(/tensors\[0\] must be a Tensor, got object/);
    expect(() => ds.get(4)).toThrow(IndexError);
    expect(() => ds.get(-5)).toThrow(/TensorDataset: index -5 is out of range for a dataset of length 4/);
    expect(() => ds.get(1.5)).toThrow(ArgumentError);
    expect(() => ds.getBatch(Int32Array.from([0, 9]))).toThrow(IndexError);
  });
});

describe('Subset, ConcatDataset, TransformDataset, plain arrays', () => {
  const base = new TensorDataset(tensor([10, 11, 12, 13, 14], { dtype: 'int32' }));

  it('Subset reads the listed indices in order, and batches through the parent', () => {
    const s = new Subset(base, [4, 0, -2]);
    expect(s.length).toBe(3);
    expect(Array.from(s.indices)).toEqual([4, 0, 3]);
    expect(values(s)).toEqual([14, 10, 13]);
    expect(s.getBatch(Int32Array.from([2, 1]))[0].tolist()).toEqual([13, 10]);
    const nested = new Subset(s, [2, 0]);
    expect(nested.getBatch(Int32Array.from([0, 1]))[0].tolist()).toEqual([13, 14]);
    expect(() => new Subset(base, [0, 5])).toThrow(/Subset: indices\[1\] 5 is out of range for a dataset of length 5/);
    expect(() => new Subset(base, [0.5])).toThrow(ArgumentError);
    expect(() => s.get(3)).toThrow(IndexError);
  });

  it('ConcatDataset chains datasets, arrays and duck-typed objects', () => {
    const duck = { length: 2, get: (i: number) => [tensor(100 + i, { dtype: 'int32' })] };
    const c = new ConcatDataset<Tensor[]>([base, duck, new Subset(base, [1])]);
    expect(c.length).toBe(8);
    expect(c.cumulativeSizes).toEqual([5, 7, 8]);
    expect(values(c)).toEqual([10, 11, 12, 13, 14, 100, 101, 11]);
    expect((c.get(-2)[0] as Tensor).item()).toBe(101);
    expect(() => c.get(8)).toThrow(/ConcatDataset: index 8 is out of range for a dataset of length 8/);
    expect(() => new ConcatDataset([])).toThrow(/ConcatDataset: datasets must be a non-empty array/);
    expect(() => new ConcatDataset([base, 3 as never])).toThrow(/ConcatDataset: datasets\[1\] must be a Dataset/);
    // Empty members are skipped by the lookup.
    expect(values(new ConcatDataset<number>([[], [1, 2], [], [3]]))).toEqual([1, 2, 3]);
  });

  it('TransformDataset transforms the input of each sample as it is read', () => {
    const images = new TensorDataset(arange(8).float().reshape([2, 1, 2, 2]), tensor([0, 1], { dtype: 'int32' }));
    const flipped = new TransformDataset(images, data.transforms.functional.hflip);
    const [img, label] = flipped.get(1);
    expect(img.tolist()).toEqual([[[5, 4], [7, 6]]]);
    expect(label.item()).toBe(1);
    expect(new TransformDataset([tensor([[[1, 2]]])], (t) => t.mul(3)).get(0).tolist()).toEqual([[[3, 6]]]);
    expect(() => new TransformDataset([5], (t) => t).get(0)).toThrow(/TransformDataset: transform needs samples that are a Tensor or an array starting with a Tensor/);
    expect(() => new TransformDataset(images, 'flip' as never)).toThrow(ArgumentError);
  });

  it('a user Dataset subclass is iterable and batches through defaultCollate', () => {
    class Squares extends Dataset<{ x: number; y: boolean }> {
      get length(): number {
        return 5;
      }
      get(i: number): { x: number; y: boolean } {
        return { x: i * i, y: i % 2 === 0 };
      }
    }
    const sq = new Squares();
    expect([...sq].map((s) => s.x)).toEqual([0, 1, 4, 9, 16]);
    const b = sq.getBatch(Int32Array.from([4, 1]));
    expect(b.x.tolist()).toEqual([16, 1]);
    expect(b.y.dtype).toBe('bool');
    expect(b.y.tolist()).toEqual([true, false]);
    // length may also be a field.
    class Fixed extends Dataset<number> {
      readonly length = 3;
      get(i: number): number {
        return 10 * i;
      }
    }
    expect([...new data.DataLoader(new Fixed(), { batchSize: 2 })].map((t) => t.tolist())).toEqual([[0, 10], [20]]);
  });
});

describe('defaultCollate', () => {
  it('stacks tensors keeping the dtype, and makes tensors of numbers and booleans', () => {
    const [x, y, name] = defaultCollate<[Tensor<'float32'>, number, string]>([
      [tensor([1, 2]), 3, 'a'],
      [tensor([4, 5]), 6, 'b'],
    ]);
    expect(x.shape).toEqual([2, 2]);
    expect(x.dtype).toBe('float32');
    expect(x.tolist()).toEqual([[1, 2], [4, 5]]);
    expect(y.dtype).toBe('int32');
    expect(y.tolist()).toEqual([3, 6]);
    expect(name).toEqual(['a', 'b']);
    const labels = defaultCollate([tensor(1, { dtype: 'int32' }), tensor(7, { dtype: 'int32' })]);
    expect(labels.dtype).toBe('int32');
    expect(labels.shape).toEqual([2]);
    const f = defaultCollate([0.5, 2]);
    expect(f.dtype).toBe('float32');
    expect(f.tolist()).toEqual([0.5, 2]);
    expect(defaultCollate([2 ** 31, 1]).dtype).toBe('float32'); // beyond int32
    expect(defaultCollate([true, false]).tolist()).toEqual([true, false]);
    const obj = defaultCollate([{ a: tensor([1]), b: { c: 1 } }, { a: tensor([2]), b: { c: 2 } }]);
    expect(obj.a.tolist()).toEqual([[1], [2]]);
    expect(obj.b.c.tolist()).toEqual([1, 2]);
  });

  it('refuses what cannot be batched, naming the sample', () => {
    expect(() => defaultCollate([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(ShapeError);
    expect(() => defaultCollate([tensor([1, 2]), tensor([1, 2, 3])])).toThrow(/defaultCollate: samples must all have one shape to be stacked, got \[2\] in sample 0 and \[3\] in sample 1/);
    expect(() => defaultCollate([[tensor([1])], [tensor([1], { dtype: 'int32' })]])).toThrow(DTypeError);
    expect(() => defaultCollate([[tensor([1])], [tensor([1], { dtype: 'int32' })]])).toThrow(/samples\[0\] must all have one dtype/);
    expect(() => defaultCollate([[1, 2], [1]])).toThrow(/must all have the same length, got 2 in sample 0 and 1 in sample 1/);
    expect(() => defaultCollate([1, 'a'] as never[])).toThrow(/must all be of one kind, got number in sample 0 and string in sample 1/);
    expect(() => defaultCollate([{ a: 1 }, { b: 1 }] as never[])).toThrow(/must all have the key 'a' of sample 0; sample 1 does not/);
    expect(() => defaultCollate([null, null])).toThrow(/must be tensors, numbers, booleans, strings, arrays or plain objects, got null/);
    expect(() => defaultCollate([])).toThrow(/samples must be a non-empty array/);
  });
});

describe('randomSplit', () => {
  it("matches PyTorch 1.13's random_split for integer lengths and fractions", () => {
    expect(fx.randomSplit.length).toBeGreaterThanOrEqual(5);
    for (const c of fx.randomSplit) {
      const ds = Array.from({ length: c.n }, (_, i) => i);
      const parts = randomSplit(ds, c.lengths, new Generator(c.seed));
      expect(parts.map((p) => Array.from(p.indices)), `n=${c.n} lengths=${c.lengths.join(',')}`).toEqual(c.subsets);
    }
  });

  it('floors fractions and hands out the remainder round-robin; splits are disjoint and cover the dataset', () => {
    const ds = arange(23);
    const parts = randomSplit(new TensorDataset(ds), [0.5, 0.3, 0.2], new Generator(0));
    // floor: 11, 6, 4 = 21; remainder 2 → +1 to the first two.
    expect(parts.map((p) => p.length)).toEqual([12, 7, 4]);
    const all = parts.flatMap((p) => Array.from(p.indices));
    expect(all.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
    expect(parts.map((p) => p.length)).toEqual([12, 7, 4]);
    // Integer lengths are taken as they are.
    expect(randomSplit(ds.tolist() as number[], [20, 3]).map((p) => p.length)).toEqual([20, 3]);
  });

  it('uses the global generator by default', () => {
    const ds = Array.from({ length: 10 }, (_, i) => i);
    manualSeed(42);
    const a = randomSplit(ds, [3, 7]).map((p) => Array.from(p.indices));
    expect(a).toEqual(fx.randomSplit[0]!.subsets); // PyTorch's Generator().manual_seed(42) run
    manualSeed(42);
    expect(randomSplit(ds, [3, 7]).map((p) => Array.from(p.indices))).toEqual(a);
  });

  it('rejects lengths that do not fit', () => {
    const ds = [1, 2, 3, 4];
    expect(() => randomSplit(ds, [1, 2])).toThrow(ArgumentError);
    expect(() => randomSplit(ds, [1, 2])).toThrow(/randomSplit: lengths must sum to the dataset length 4, got \[1, 2\] summing to 3/);
    expect(() => randomSplit(ds, [1.5, 2.5])).toThrow(/lengths\[0\] must be an integer sample count/);
    expect(() => randomSplit(ds, [-1, 5])).toThrow(/lengths\[0\] must be a non-negative number, got -1/);
    expect(() => randomSplit(ds, [])).toThrow(/lengths must be a non-empty array/);
    expect(() => randomSplit(ds, [2, 2], 7 as never)).toThrow(/randomSplit: generator must be a Generator, got number/);
    expect(() => randomSplit(5 as never, [5])).toThrow(/randomSplit: dataset must be a Dataset/);
  });
});
