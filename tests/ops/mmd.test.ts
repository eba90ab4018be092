// F.mmdLoss: hand-computed MMD² on tiny samples (both estimators, one and two bandwidths), the known
// value for identical samples, non-negativity of the biased estimator, PyTorch 1.13 values and
// gradients (tests/fixtures/gen_torch.json, from make_gen_fixtures.py), and typed errors.
// Gradients by finite differences (first and second order) are in tests/autograd/gradcheck.test.ts
// through the `mmdLoss` entry of tests/helpers/opinfo.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ArgumentError, DTypeError, F, Generator, ShapeError, randn, tensor, type Tensor } from '../../src/index.js';

interface Enc { shape: number[]; data: number[] }
interface MmdCase { name: string; bandwidths: number[]; estimator: 'biased' | 'unbiased'; x: Enc; y: Enc; value: number; gradX: number[]; gradY: number[] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/gen_torch.json', import.meta.url), 'utf8')) as { torch: string; mmd: MmdCase[] };

const f64 = (e: Enc, requiresGrad = false): Tensor => tensor(Float64Array.from(e.data), { dtype: 'float64', shape: e.shape, requiresGrad });
const col = (vals: number[]): Tensor => tensor(Float64Array.from(vals), { dtype: 'float64', shape: [vals.length, 1] });

describe('mmdLoss by hand', () => {
  // x = {0, 1}, y = {0, 2} in 1-D, σ = 1: k = exp(−d²/2). With a = e^(−1/2), b = e^(−2):
  // Σkxx = 2 + 2a, Σkyy = 2 + 2b, Σkxy = 1 + b + 2a, so
  // biased = (2 + 2a)/4 + (2 + 2b)/4 − 2(1 + b + 2a)/4 = (1 − a)/2,
  // unbiased = 2a/2 + 2b/2 − 2(1 + b + 2a)/4 = (b − 1)/2 (negative: the estimator is unbiased, not ≥ 0).
  const x = col([0, 1]);
  const y = col([0, 2]);
  it('biased and unbiased, one bandwidth', () => {
    expect(F.mmdLoss(x, y, { bandwidths: [1] }).item()).toBeCloseTo((1 - Math.exp(-0.5)) / 2, 14);
    expect(F.mmdLoss(x, y, { bandwidths: 1, estimator: 'biased' }).item()).toBeCloseTo((1 - Math.exp(-0.5)) / 2, 14);
    expect(F.mmdLoss(x, y, { bandwidths: [1], estimator: 'unbiased' }).item()).toBeCloseTo((Math.exp(-2) - 1) / 2, 14);
  });
  it('several bandwidths add up (σ = 2: a = e^(−1/8), b = e^(−1/2))', () => {
    const biased = (1 - Math.exp(-0.5)) / 2 + (1 - Math.exp(-1 / 8)) / 2;
    const unbiased = (Math.exp(-2) - 1) / 2 + (Math.exp(-0.5) - 1) / 2;
    expect(F.mmdLoss(x, y, { bandwidths: [1, 2] }).item()).toBeCloseTo(biased, 14);
    expect(F.mmdLoss(x, y, { bandwidths: [2, 1], estimator: 'unbiased' }).item()).toBeCloseTo(unbiased, 14);
  });
  it('is symmetric in its samples, and float32 in float32', () => {
    expect(F.mmdLoss(y, x, { bandwidths: [1] }).item()).toBeCloseTo((1 - Math.exp(-0.5)) / 2, 14);
    const v = F.mmdLoss(x.float(), y.float(), { bandwidths: [1] });
    expect(v.dtype).toBe('float32');
    expect(v.shape).toEqual([]);
    expect(v.item()).toBeCloseTo((1 - Math.exp(-0.5)) / 2, 6);
  });
  it('gradient of the biased estimator by hand at x = {0, 1}, y = {0, 2}', () => {
    // With x₀ = 0 and x₁ = t, the terms in t are 2e^(−t²/2)/4 (kxx) − 2[e^(−t²/2) + e^(−(t−2)²/2)]/4 (kxy),
    // so MMD²_b(t) = −e^(−(t−2)²/2)/2 + const and dMMD²/dt = (t − 2)·e^(−(t−2)²/2)/2 = −e^(−1/2)/2 at t = 1.
    const xg = col([0, 1]).requiresGrad_(true);
    F.mmdLoss(xg, y, { bandwidths: [1] }).backward();
    const g = xg.grad!.tolist() as number[][];
    expect(g[1]![0]).toBeCloseTo(-Math.exp(-0.5) / 2, 14);
    // With x₀ = s and x₁ = 1, the terms in s are e^(−(s−1)²/2)/2 (kxx) − [e^(−s²/2) + e^(−(s−2)²/2)]/2 (kxy):
    // d/ds = −(s − 1)e^(−(s−1)²/2)/2 + s·e^(−s²/2)/2 + (s − 2)e^(−(s−2)²/2)/2 = e^(−1/2)/2 − e^(−2) at s = 0.
    expect(g[0]![0]).toBeCloseTo(Math.exp(-0.5) / 2 - Math.exp(-2), 14);
  });
});

describe('mmdLoss on identical samples', () => {
  const gen = new Generator(3);
  const x = randn([6, 3], { dtype: 'float64', generator: gen });
  const bandwidths = [0.5, 1, 2];
  it('biased: exactly 0', () => {
    expect(F.mmdLoss(x, x.clone(), { bandwidths }).item()).toBe(0);
  });
  it('unbiased: 2/(n − 1)·(mean over all pairs of k − B), which is < 0', () => {
    // Hand loop over the pairs, in doubles.
    const rows = x.tolist() as number[][];
    const n = rows.length;
    let total = 0;
    for (const a of rows) {
      for (const b of rows) {
        const d2 = a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
        for (const s of bandwidths) total += Math.exp(-d2 / (2 * s * s));
      }
    }
    const expected = (2 / (n - 1)) * (total / (n * n) - bandwidths.length);
    const got = F.mmdLoss(x, x.clone(), { bandwidths, estimator: 'unbiased' }).item();
    expect(got).toBeLessThan(0);
    expect(got).toBeCloseTo(expected, 12);
  });
  it('the biased estimator is never negative and grows as the samples move apart', () => {
    const g = new Generator(4);
    let prev = -1;
    for (const shift of [0, 0.25, 0.5, 1, 2]) {
      const a = randn([8, 2], { dtype: 'float64', generator: g });
      const b = randn([5, 2], { dtype: 'float64', generator: g });
      expect(F.mmdLoss(a, b, { bandwidths: [0.3, 1] }).item()).toBeGreaterThanOrEqual(0);
      // The same two samples, b shifted: MMD² increases with the shift.
      const v = F.mmdLoss(x, x.add(shift), { bandwidths }).item();
      expect(v).toBeGreaterThan(prev);
      prev = v;
    }
  });
});

describe(`mmdLoss vs PyTorch ${fixture.torch} (float64, from broadcast differences)`, () => {
  it('has the fixture cases', () => expect(fixture.mmd.length).toBe(8));
  for (const c of fixture.mmd) {
    it(c.name, () => {
      const x = f64(c.x, true);
      const y = f64(c.y, true);
      const v = F.mmdLoss(x, y, { bandwidths: c.bandwidths, estimator: c.estimator });
      expect(Math.abs((v.item() as number) - c.value)).toBeLessThan(1e-12 * Math.max(1, Math.abs(c.value)));
      v.backward();
      const close = (got: Tensor, want: number[]): void => {
        const g = Array.from(got.toTypedArray() as Float64Array);
        const scale = Math.max(1, ...want.map(Math.abs));
        g.forEach((gv, i) => expect(Math.abs(gv - want[i]!), `element ${i}`).toBeLessThan(1e-11 * scale));
      };
      close(x.grad!, c.gradX);
      close(y.grad!, c.gradY);
    });
  }
});

describe('mmdLoss errors', () => {
  const x = randn([4, 2]);
  const y = randn([3, 2]);
  it('names the op, the argument and the shapes', () => {
    expect(() => F.mmdLoss(randn([4]), y, { bandwidths: [1] })).toThrow(ShapeError);
    expect(() => F.mmdLoss(randn([4]), y, { bandwidths: [1] })).toThrow(/mmdLoss: x must be 2-D .*\(x=\[4\], y=\[3,2\]\)/);
    expect(() => F.mmdLoss(x, randn([3, 3]), { bandwidths: [1] })).toThrow(/mmdLoss: y must have as many features as x \(x=\[4,2\], y=\[3,3\]\)/);
    expect(() => F.mmdLoss(x, randn([1, 2]), { bandwidths: [1], estimator: 'unbiased' })).toThrow(/y must have at least 2 samples for the unbiased estimator/);
    expect(() => F.mmdLoss(randn([0, 2]), y, { bandwidths: [1] })).toThrow(ShapeError);
  });
  it('refuses bad bandwidths, kernels, estimators and option names', () => {
    expect(() => F.mmdLoss(x, y, {} as never)).toThrow(/bandwidths must be a positive number or a non-empty array/);
    expect(() => F.mmdLoss(x, y, undefined as never)).toThrow(ArgumentError);
    expect(() => F.mmdLoss(x, y, { bandwidths: [] })).toThrow(ArgumentError);
    expect(() => F.mmdLoss(x, y, { bandwidths: [1, 0] })).toThrow(/bandwidths\[1\] must be a positive finite number, got 0/);
    expect(() => F.mmdLoss(x, y, { bandwidths: [Number.NaN] })).toThrow(ArgumentError);
    expect(() => F.mmdLoss(x, y, { bandwidths: [1], kernel: 'laplace' as never })).toThrow(/kernel must be 'gaussian'/);
    expect(() => F.mmdLoss(x, y, { bandwidths: [1], estimator: 'fast' as never })).toThrow(/estimator must be 'biased' or 'unbiased'/);
    expect(() => F.mmdLoss(x, y, { bandwidth: [1] } as never)).toThrow(/option 'bandwidth' is not a known option/);
  });
  it('needs bandwidths at compile time too', () => {
    const misuse = (): void => {
      // @ts-expect-error the options (with bandwidths) are required
      F.mmdLoss(x, y);
      // @ts-expect-error bandwidths are required
      F.mmdLoss(x, y, { estimator: 'unbiased' });
    };
    expectTypeOf(misuse).toBeFunction();
    expectTypeOf(F.mmdLoss(x, y, { bandwidths: [1] })).toEqualTypeOf<Tensor<'float32' | 'float64'>>();
  });
  it('refuses non-float and mixed dtypes', () => {
    expect(() => F.mmdLoss(tensor([[1, 2]], { dtype: 'int32' }), tensor([[1, 2]], { dtype: 'int32' }), { bandwidths: [1] })).toThrow(DTypeError);
    expect(() => F.mmdLoss(x, y.double(), { bandwidths: [1] })).toThrow(/y must have the dtype of x \(float32\), got float64/);
  });
});
