// nn.init.truncNormal_ (PyTorch's trunc_normal_), its erfinv, and nn.init.skipInit (torch.nn.utils.skip_init).

import { describe, expect, it } from 'vitest';
import { ArgumentError, Generator, nn, zeros, type Tensor } from '../../src/index.js';

const vals = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number>);
const moments = (v: number[]): [number, number] => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length)];
};
// Mean and standard deviation of N(0, 1) truncated to [a, b] (textbook formulas with φ and Φ).
const phi = (x: number): number => Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI);
function truncatedMoments(a: number, b: number): [number, number] {
  const Phi = (x: number): number => {
    // Φ by Simpson integration of φ from -8 (independent of the library's erf).
    const lo = -8, n = 4000, h = (x - lo) / n;
    let s = phi(lo) + phi(x);
    for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * phi(lo + i * h);
    return (s * h) / 3;
  };
  const Z = Phi(b) - Phi(a);
  const mean = (phi(a) - phi(b)) / Z;
  const variance = 1 + (a * phi(a) - b * phi(b)) / Z - mean * mean;
  return [mean, Math.sqrt(variance)];
}

describe('nn.init.truncNormal_', () => {
  it('erfinv inverts erf (values from tables: erf(0.5) = 0.5204998778, erf(1) = 0.8427007929, erf(2) = 0.9953222650)', () => {
    expect(nn.init.erfinv(0)).toBe(0);
    expect(nn.init.erfinv(0.5204998778130465)).toBeCloseTo(0.5, 12);
    expect(nn.init.erfinv(-0.8427007929497149)).toBeCloseTo(-1, 12);
    expect(nn.init.erfinv(0.9953222650189527)).toBeCloseTo(2, 10);
    expect(nn.init.erfinv(1)).toBe(Infinity);
    expect(nn.init.erfinv(1.5)).toBeNaN();
  });
  it.each([
    ['wide interval (redrawn normal samples)', 0, 1, -2, 2],
    ['narrow interval in the tail (inverse CDF)', 0, 1, 1, 3],
    ['shifted and scaled', 1, 0.5, 0, 1.25],
  ])('%s: samples stay in [a, b] with the truncated normal\'s mean and std', (_, mean, std, a, b) => {
    const t = nn.init.truncNormal_(zeros([200_000]), mean, std, a, b, { generator: new Generator(3) });
    const v = vals(t);
    expect(v.every((x) => x >= a && x <= b)).toBe(true);
    const [m, s] = moments(v);
    const [em, es] = truncatedMoments((a - mean) / std, (b - mean) / std);
    expect(m).toBeCloseTo(mean + std * em, 2);
    expect(s).toBeCloseTo(std * es, 2);
  });
  it('is seeded by the generator', () => {
    const a = nn.init.truncNormal_(zeros([100]), 0, 0.01, -2, 2, { generator: new Generator(7) });
    const b = nn.init.truncNormal_(zeros([100]), 0, 0.01, -2, 2, { generator: new Generator(7) });
    expect(vals(a)).toEqual(vals(b));
  });
  it('bad arguments are ArgumentErrors', () => {
    expect(() => nn.init.truncNormal_(zeros([3]), 0, -1)).toThrow(ArgumentError);
    expect(() => nn.init.truncNormal_(zeros([3]), 0, 1, 2, 1)).toThrow(/truncNormal_: std must be > 0 with a < b/);
  });
});

describe('nn.init.skipInit', () => {
  it('builds modules without drawing: parameters keep their allocated zeros; nesting and throwing restore the initialisers', () => {
    const lin = nn.init.skipInit(() => new nn.Linear(4, 3));
    expect(vals(lin.weight).every((v) => v === 0)).toBe(true);
    const bn = nn.init.skipInit(() => nn.init.skipInit(() => new nn.BatchNorm2d(2)));
    expect(vals(bn.weight!)).toEqual([1, 1]);
    expect(() => nn.init.skipInit(() => { throw new Error('boom'); })).toThrow('boom');
    expect(nn.utils.skipInit).toBe(nn.init.skipInit);
    const after = new nn.Linear(4, 3);
    expect(vals(after.weight).some((v) => v !== 0)).toBe(true);
  });
});
