// fitMMD (the generative matching network trainer) and what it shares with fitGAN (data as a tensor or
// a dataset, noise, steps or epochs), and modeCoverage. fitMMD's step is the hand-written step on
// F.mmdLoss; a linear generator learns a 1-D Gaussian's mean and spread; modeCoverage by hand.
import { describe, expect, it } from 'vitest';
import { ArgumentError, F, Generator, ShapeError, data, manualSeed, nn, optim, randn, tensor, train, type Tensor } from '../../src/index.js';

const vals = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number>);

/** A module that records the noise it is given, then applies `inner`. */
class Recorder extends nn.Module {
  readonly seen: Tensor[] = [];
  constructor(readonly inner: nn.Module) {
    super();
  }
  forward(z: Tensor): Tensor {
    this.seen.push(z);
    return this.inner.call(z);
  }
}

describe('fitMMD', () => {
  it('one step is the hand-written step: zeroGrad, F.mmdLoss(G(z), batch).backward(), optimizer.step()', () => {
    const X = randn([6, 2], { dtype: 'float64', generator: new Generator(1) });
    const z = randn([6, 3], { dtype: 'float64', generator: new Generator(2) });
    const make = (): nn.Linear => {
      manualSeed(3);
      return new nn.Linear(3, 2, { dtype: 'float64' });
    };
    const a = make();
    const b = make();
    const bandwidths = [0.5, 2];
    const h = train.fitMMD(a, {
      data: X, noiseDim: 3, batchSize: 6, steps: 1, noise: () => z, progress: false, seed: 0,
      optimizer: new optim.Adam(a.parameters(), { lr: 0.1 }), bandwidths, estimator: 'unbiased',
    });
    const opt = new optim.Adam(b.parameters(), { lr: 0.1 });
    opt.zeroGrad();
    const loss = F.mmdLoss(b.call(z), X, { bandwidths, estimator: 'unbiased' });
    loss.backward();
    opt.step();
    // The batch is X in a shuffled order: the same MMD up to summation order.
    expect(h.values.loss![0]).toBeCloseTo(loss.item() as number, 12);
    const pa = a.parameters().flatMap(vals);
    const pb = b.parameters().flatMap(vals);
    pa.forEach((v, i) => expect(v).toBeCloseTo(pb[i]!, 9));
    expect(pa).not.toEqual(make().parameters().flatMap(vals));
  });

  it('a linear generator x = a·z + b learns N(2, 0.5²)', () => {
    const X = randn([2000, 1], { generator: new Generator(4) }).mul(0.5).add(2);
    manualSeed(5);
    const G = new nn.Linear(1, 1);
    const h = train.fitMMD(G, {
      data: X, noiseDim: 1, batchSize: 64, steps: 150, seed: 6, progress: false,
      optimizer: new optim.Adam(G.parameters(), { lr: 0.05 }), bandwidths: [0.25, 0.5, 1, 2],
    });
    const loss = h.values.loss!;
    expect(h.epochs.length).toBe(150);
    const meanOf = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    expect(meanOf(loss.slice(-20))).toBeLessThan(meanOf(loss.slice(0, 20)) / 10);
    expect(Math.abs((G.bias!.item() as number) - 2)).toBeLessThan(0.1);
    expect(Math.abs(Math.abs(G.weight.item() as number) - 0.5)).toBeLessThan(0.1);
  });

  it('epochs: ⌊N/batchSize⌋ steps per epoch, logged as their mean; data from a dataset of tuples; uniform noise', () => {
    const X = randn([50, 2], { generator: new Generator(7) });
    const labels = tensor(Int32Array.from({ length: 50 }, (_, i) => i % 3));
    const G = new Recorder(new nn.Linear(4, 2));
    const losses: number[] = [];
    const h = train.fitMMD(G, {
      data: new data.TensorDataset(X, labels), noiseDim: 4, batchSize: 16, epochs: 2, noise: 'uniform', seed: 1, progress: false,
      optimizer: new optim.SGD(G.parameters(), { lr: 0.01 }), bandwidths: 1,
      callbacks: [{ onBatchEnd: (_i, logs) => losses.push(logs.loss) }],
    });
    expect(losses.length).toBe(6);
    expect(h.epochs).toEqual([0, 1]);
    expect(h.values.loss![0]).toBeCloseTo((losses[0]! + losses[1]! + losses[2]!) / 3, 12);
    expect(h.values.loss![1]).toBeCloseTo((losses[3]! + losses[4]! + losses[5]!) / 3, 12);
    const z = G.seen.flatMap(vals);
    expect(G.seen[0]!.shape).toEqual([16, 4]);
    expect(Math.min(...z)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...z)).toBeLessThan(1);
    expect(Math.min(...z)).toBeLessThan(-0.9);
  });

  it('repeats under a seed; float64 data gives float64 noise', () => {
    const X = randn([40, 2], { dtype: 'float64', generator: new Generator(8) });
    const runOnce = (): { params: number[]; noise: string } => {
      manualSeed(9);
      const G = new Recorder(new nn.Linear(2, 2, { dtype: 'float64' }));
      train.fitMMD(G, { data: X, noiseDim: 2, batchSize: 8, steps: 4, seed: 3, progress: false, optimizer: new optim.Adam(G.parameters()), bandwidths: [1] });
      return { params: G.parameters().flatMap(vals), noise: G.seen[0]!.dtype };
    };
    const r = runOnce();
    expect(r.noise).toBe('float64');
    expect(runOnce()).toEqual(r);
  });

  it('errors name the option', () => {
    const G = new nn.Linear(2, 2);
    const base = { data: randn([10, 2]), noiseDim: 2, batchSize: 4, steps: 1, progress: false as const, optimizer: new optim.SGD(G.parameters()), bandwidths: [1] };
    const { bandwidths: _bw, ...noBandwidths } = base;
    expect(() => train.fitMMD(G, noBandwidths as never)).toThrow(/fitMMD: bandwidths must be given/);
    expect(() => train.fitMMD(G, { ...base, bandwidths: [-1] })).toThrow(/mmdLoss: bandwidths\[0\] must be a positive finite number/);
    expect(() => train.fitMMD(G, { ...base, noiseDim: 0 })).toThrow(/fitMMD: noiseDim must be >= 1, got 0/);
    expect(() => train.fitMMD(G, { ...base, data: tensor([[1, 2]], { dtype: 'int32' }) })).toThrow(/data must be floating point samples, got int32/);
    expect(() => train.fitMMD(G, { ...base, data: 'points' as never })).toThrow(ArgumentError);
    expect(() => train.fitMMD(G, { ...base, optimizer: undefined as never })).toThrow(/optimizer must be an optim.Optimizer/);
    expect(() => train.fitMMD(G, { ...base, noise: 'gaussian' as never })).toThrow(/noise must be 'normal', 'uniform' or a function/);
    expect(() => train.fitMMD(G, { ...base, estimator: 'unbiased', batchSize: 1 })).toThrow(ShapeError);
    expect(() => train.fitMMD(G, { ...base, dOptimizer: base.optimizer } as never)).toThrow(/option 'dOptimizer' is not a known option/);
  });
});

describe('modeCoverage', () => {
  const centers = [[0, 0], [10, 0], [0, 10]];
  it('counts samples within radius of their nearest centre; the rest are off-mode', () => {
    // 3 near (0,0) (one exactly on the radius), 2 near (10,0), none near (0,10), 1 in between, 4 far.
    const samples = tensor([[0.1, 0], [0, -0.5], [1, 0], [10, 0.2], [9.5, 0], [5, 5], [20, 20], [-5, 0], [0, 30], [4, 0]]);
    const r = train.modeCoverage(samples, centers, 1);
    expect(r.counts).toEqual([3, 2, 0]);
    expect(r.fractions).toEqual([0.3, 0.2, 0]);
    expect(r.offMode).toBeCloseTo(0.5, 15);
    expect(r.minFraction).toBeCloseTo(1 / 12, 15);
    expect(r.coveredModes).toEqual([true, true, false]);
    expect(r.covered).toBe(2);
    // A stricter threshold drops the mode holding 20%; a radius of 6 takes in more samples.
    expect(train.modeCoverage(samples, centers, 1, { minFraction: 0.25 }).covered).toBe(1);
    const wide = train.modeCoverage(samples, tensor(centers), 6);
    expect(wide.counts).toEqual([5, 2, 0]);
    expect(wide.offMode).toBeCloseTo(0.3, 15);
  });
  it('ties go to the first nearest centre, and errors', () => {
    expect(train.modeCoverage(tensor([[5, 0]]), centers, 5).counts).toEqual([1, 0, 0]);
    expect(() => train.modeCoverage(randn([4, 3]), centers, 1)).toThrow(ShapeError);
    expect(() => train.modeCoverage(randn([4, 2]), centers, 0)).toThrow(/modeCoverage: radius must be a positive number, got 0/);
    expect(() => train.modeCoverage(randn([4, 2]), centers, 1, { minFraction: 2 })).toThrow(/minFraction must be in \[0, 1\]/);
    expect(() => train.modeCoverage(randn([4, 2]), 'ring' as never, 1)).toThrow(ArgumentError);
  });
});
