// Inverse transform sampling (data.inverseTransformSample) and data.EmpiricalDistribution: exponential
// samples match the mean, variance and a Kolmogorov–Smirnov bound (fixed seed, so the bound cannot
// flake; a 10% wrong rate fails it), the empirical CDF/inverse CDF by hand in both modes, round
// trips, sampling from an empirical distribution reproduces the sample's quantiles, seeding, errors.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ArgumentError, DTypeError, Generator, ShapeError, data, log, log1p, manualSeed, neg, randn, tensor, type Tensor } from '../../src/index.js';

const { inverseTransformSample, EmpiricalDistribution } = data;

/** Exponential(λ) by the inverse CDF −ln(1 − u)/λ. */
const expInv = (lambda: number) => (u: Tensor): Tensor => neg(log1p(neg(u))).div(lambda);

/** sup_x |F_n(x) − F(x)| for the sorted sample and a continuous CDF F. */
function ksStatistic(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const s = Float64Array.from(sample).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(s[i]!);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return d;
}

function moments(v: ArrayLike<number>): { mean: number; variance: number } {
  let m = 0;
  for (let i = 0; i < v.length; i++) m += v[i]!;
  m /= v.length;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i]! - m) ** 2;
  return { mean: m, variance: s / (v.length - 1) };
}

describe('inverseTransformSample', () => {
  const n = 20000;
  const lambda = 2;
  const x = inverseTransformSample(expInv(lambda), n, { generator: new Generator(0) });
  const values = x.toTypedArray() as Float32Array;

  it('gives float32 samples of the requested shape', () => {
    expectTypeOf(x).toEqualTypeOf<Tensor<'float32'>>();
    expectTypeOf(inverseTransformSample(expInv(1), 2, { dtype: 'float64' })).toEqualTypeOf<Tensor<'float64'>>();
    expect(x.dtype).toBe('float32');
    expect(x.shape).toEqual([n]);
    expect(x.requiresGrad).toBe(false);
    expect(inverseTransformSample(expInv(1), [3, 4], { generator: new Generator(1), dtype: 'float64' }).shape).toEqual([3, 4]);
    expect(inverseTransformSample(expInv(1), 5, { dtype: 'float64' }).dtype).toBe('float64');
  });

  it('exponential(2): mean 1/λ and variance 1/λ² within 4 standard errors', () => {
    const { mean, variance } = moments(values);
    // se(mean) = σ/√n; se(variance) = √(μ₄ − σ⁴)/√n = √8·σ²/√n for an exponential.
    expect(Math.abs(mean - 0.5)).toBeLessThan((4 * 0.5) / Math.sqrt(n));
    expect(Math.abs(variance - 0.25)).toBeLessThan((4 * Math.sqrt(8) * 0.25) / Math.sqrt(n));
    for (const v of values) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('passes the Kolmogorov–Smirnov bound at α = 0.001 (1.95/√n), and a 10% wrong rate does not', () => {
    const cdf = (l: number) => (t: number): number => 1 - Math.exp(-l * t);
    const bound = 1.95 / Math.sqrt(n);
    expect(ksStatistic(values, cdf(lambda))).toBeLessThan(bound);
    expect(ksStatistic(values, cdf(lambda * 1.1))).toBeGreaterThan(bound);
    // A uniform sample is not exponential either.
    expect(ksStatistic(inverseTransformSample((u) => u, n, { generator: new Generator(0) }).toTypedArray() as Float32Array, cdf(lambda))).toBeGreaterThan(bound);
  });

  it('hands invCdf float64 probabilities strictly inside (0, 1)', () => {
    let seen: Tensor | null = null;
    inverseTransformSample((u) => {
      seen = u;
      return u;
    }, 50000, { generator: new Generator(2) });
    const u = seen! as Tensor;
    expect(u.dtype).toBe('float64');
    const v = u.toTypedArray() as Float64Array;
    expect(Math.min(...v)).toBeGreaterThan(0);
    expect(Math.max(...v)).toBeLessThan(1);
    // Uniform: the mean of 50 000 draws is 1/2 within 4·(1/√12)/√n.
    expect(Math.abs(moments(v).mean - 0.5)).toBeLessThan(4 / Math.sqrt(12 * 50000));
  });

  it('is seeded: the same generator seed repeats, a used generator moves on, manualSeed drives the default', () => {
    const a = inverseTransformSample(expInv(1), 10, { generator: new Generator(5) }).tolist();
    expect(inverseTransformSample(expInv(1), 10, { generator: new Generator(5) }).tolist()).toEqual(a);
    const g = new Generator(5);
    inverseTransformSample(expInv(1), 10, { generator: g });
    expect(inverseTransformSample(expInv(1), 10, { generator: g }).tolist()).not.toEqual(a);
    manualSeed(11);
    const b = inverseTransformSample(expInv(1), 10).tolist();
    manualSeed(11);
    expect(inverseTransformSample(expInv(1), 10).tolist()).toEqual(b);
  });

  it('errors: bad invCdf, sizes, results and options', () => {
    expect(() => inverseTransformSample('exp' as never, 3)).toThrow(/inverseTransformSample: invCdf must be a function/);
    expect(() => inverseTransformSample(expInv(1), -1)).toThrow(ArgumentError);
    expect(() => inverseTransformSample(expInv(1), 2.5)).toThrow(/n must be a non-negative integer/);
    expect(() => inverseTransformSample(() => 3 as never, 3)).toThrow(/invCdf must return a Tensor, got number/);
    expect(() => inverseTransformSample((u) => u.sum(), 3)).toThrow(ShapeError);
    expect(() => inverseTransformSample((u) => u.gt(0.5), 3)).toThrow(DTypeError);
    expect(() => inverseTransformSample((u) => log(u.sub(2)), 3)).toThrow(/invCdf returned NaN at element 0 \(u = 0\.\d+\)/);
    expect(() => inverseTransformSample(expInv(1), 3, { dtype: 'int32' as never })).toThrow(DTypeError);
    expect(() => inverseTransformSample(expInv(1), 3, { seed: 1 } as never)).toThrow(/option 'seed' is not a known option/);
    expect(() => inverseTransformSample(expInv(1), 3, { generator: 1 as never })).toThrow(/generator must be a Generator/);
  });
});

describe('EmpiricalDistribution by hand', () => {
  // Sorted sample 1, 2, 3, 10 (n = 4).
  const obs = tensor([3, 1, 2, 10]);
  it("'linear': F(x₍ᵢ₎) = (i − 1)/(n − 1), linear in between; the inverse is the 'linear' quantile", () => {
    const ed = new EmpiricalDistribution(obs);
    expect(ed.interpolation).toBe('linear');
    expect(Array.from(ed.sorted)).toEqual([1, 2, 3, 10]);
    expect(ed.length).toBe(4);
    expect(ed.cdf(0.5)).toBe(0);
    expect(ed.cdf(1)).toBe(0);
    expect(ed.cdf(1.5)).toBeCloseTo(1 / 6, 15);
    expect(ed.cdf(2.5)).toBeCloseTo(0.5, 15);
    expect(ed.cdf(6.5)).toBeCloseTo(2 / 3 + 0.5 / 3, 15);
    expect(ed.cdf(10)).toBe(1);
    expect(ed.cdf(11)).toBe(1);
    // torch.quantile(tensor([3., 1., 2., 10.]), q) for q = 0, 0.5, 0.9, 1: 1, 2.5, 7.9, 10.
    expect(ed.icdf(0)).toBe(1);
    expect(ed.icdf(0.5)).toBeCloseTo(2.5, 15);
    expect(ed.icdf(0.9)).toBeCloseTo(7.9, 14);
    expect(ed.icdf(1)).toBe(10);
    const t = ed.icdf(tensor([[0, 0.5], [0.9, 1]], { dtype: 'float64' }));
    expect(t.dtype).toBe('float64');
    expect(t.shape).toEqual([2, 2]);
    expect((t.tolist() as number[][]).flat().map((v) => Number(v.toFixed(12)))).toEqual([1, 2.5, 7.9, 10]);
  });
  it("'step': F(x) = #{xᵢ ≤ x}/n and F⁻¹(u) = x₍⌈n·u⌉₎", () => {
    const ed = new EmpiricalDistribution(obs, { interpolation: 'step' });
    expect([0.5, 1, 1.5, 2, 2.5, 9, 10, 11].map((v) => ed.cdf(v))).toEqual([0, 0.25, 0.25, 0.5, 0.5, 0.75, 1, 1]);
    expect([0, 0.1, 0.25, 0.26, 0.5, 0.51, 0.75, 0.99, 1].map((u) => ed.icdf(u))).toEqual([1, 1, 1, 2, 2, 3, 3, 10, 10]);
  });
  it('ties: the CDF jumps (right-continuous) and the inverse is flat over the jump', () => {
    const lin = new EmpiricalDistribution([1, 2, 2, 3]);
    expect(lin.cdf(2)).toBeCloseTo(2 / 3, 15);
    expect(lin.cdf(1.5)).toBeCloseTo(1 / 6, 15);
    expect(lin.icdf(0.4)).toBe(2);
    expect(lin.icdf(0.6)).toBe(2);
    const step = new EmpiricalDistribution([1, 2, 2, 3], { interpolation: 'step' });
    expect(step.cdf(2)).toBe(0.75);
    expect(step.icdf(0.3)).toBe(2);
  });
  it('one observation is a point mass in both modes', () => {
    for (const interpolation of ['linear', 'step'] as const) {
      const ed = new EmpiricalDistribution([4], { interpolation });
      expect([ed.cdf(3.9), ed.cdf(4), ed.icdf(0), ed.icdf(0.7)]).toEqual([0, 1, 4, 4]);
      expect(ed.sample(5, { generator: new Generator(0) }).tolist()).toEqual([4, 4, 4, 4, 4]);
    }
  });
});

describe('EmpiricalDistribution round trips', () => {
  const obs = randn([400], { dtype: 'float64', generator: new Generator(7) }).mul(3).add(1);
  it("'linear': icdf(cdf(x)) = x on [min, max] and cdf(icdf(u)) = u", () => {
    const ed = new EmpiricalDistribution(obs);
    const lo = ed.sorted[0]!;
    const hi = ed.sorted[ed.length - 1]!;
    for (let k = 0; k <= 100; k++) {
      const x = lo + ((hi - lo) * k) / 100;
      expect(ed.icdf(ed.cdf(x))).toBeCloseTo(x, 10);
      expect(ed.cdf(ed.icdf(k / 100))).toBeCloseTo(k / 100, 12);
    }
  });
  it("'step': icdf(cdf(xᵢ)) = xᵢ for every observation and cdf(icdf(u)) ≥ u", () => {
    const ed = new EmpiricalDistribution(obs, { interpolation: 'step' });
    for (const x of ed.sorted) expect(ed.icdf(ed.cdf(x))).toBe(x);
    for (let k = 0; k <= 1000; k++) expect(ed.cdf(ed.icdf(k / 1000))).toBeGreaterThanOrEqual(k / 1000);
  });
  it("sampling from the empirical distribution reproduces the sample's quantiles", () => {
    const ed = new EmpiricalDistribution(obs);
    const draws = ed.sample(100000, { generator: new Generator(8) });
    expect(draws.dtype).toBe('float64');
    const sortedDraws = (draws.toTypedArray() as Float64Array).sort();
    for (const q of [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]) {
      const sampleQuantile = sortedDraws[Math.floor(q * (sortedDraws.length - 1))]!;
      // Compared in probability: F(sample quantile) ≈ q within 4·√(q(1 − q)/N) + 1e-5.
      expect(Math.abs(ed.cdf(sampleQuantile) - q), `q = ${q}`).toBeLessThan(4 * Math.sqrt((q * (1 - q)) / 100000) + 1e-5);
    }
    // All draws stay in [min, max], and the KS distance to the empirical CDF is small.
    expect(sortedDraws[0]!).toBeGreaterThanOrEqual(ed.sorted[0]!);
    expect(sortedDraws[sortedDraws.length - 1]!).toBeLessThanOrEqual(ed.sorted[ed.length - 1]!);
    expect(ksStatistic(sortedDraws, (x) => ed.cdf(x))).toBeLessThan(1.95 / Math.sqrt(100000));
  });
  it("'step' sampling is resampling: only observations, each about 1/n of the time", () => {
    const ed = new EmpiricalDistribution(tensor([3, 1, 2, 10]), { interpolation: 'step' });
    const draws = ed.sample(40000, { generator: new Generator(9) });
    expect(draws.dtype).toBe('float32');
    const counts = new Map<number, number>();
    for (const v of draws.toTypedArray() as Float32Array) counts.set(v, (counts.get(v) ?? 0) + 1);
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 10]);
    // Binomial(40000, 1/4): sd ≈ 86.6.
    for (const c of counts.values()) expect(Math.abs(c - 10000)).toBeLessThan(4 * 86.6);
  });
});

describe('EmpiricalDistribution errors', () => {
  it('refuses empty, non-1-D, non-finite and bool samples, and bad options', () => {
    expect(() => new EmpiricalDistribution([])).toThrow(/EmpiricalDistribution: samples must hold at least one observation/);
    expect(() => new EmpiricalDistribution(randn([3, 2]))).toThrow(ShapeError);
    expect(() => new EmpiricalDistribution([1, Number.NaN])).toThrow(/must be finite numbers, got NaN at index 1/);
    expect(() => new EmpiricalDistribution(tensor([true, false]))).toThrow(DTypeError);
    expect(() => new EmpiricalDistribution('abc' as never)).toThrow(ArgumentError);
    expect(() => new EmpiricalDistribution([1, 2], { interpolation: 'cubic' as never })).toThrow(/interpolation must be 'linear' or 'step'/);
  });
  it('refuses probabilities outside [0, 1] and NaN', () => {
    const ed = new EmpiricalDistribution([1, 2, 3]);
    expect(() => ed.icdf(1.5)).toThrow(/EmpiricalDistribution.icdf: u must be a probability in \[0, 1\], got 1.5/);
    expect(() => ed.icdf(tensor([0.5, -0.1]))).toThrow(ArgumentError);
    expect(() => ed.cdf(Number.NaN)).toThrow(/x must not be NaN/);
    expect(() => ed.sample(3, { generator: new Generator(0), seed: 1 } as never)).toThrow(/option 'seed'/);
  });
});
