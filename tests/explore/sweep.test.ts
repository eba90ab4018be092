// explore sweeps: which minimum each start reaches, what each rate and epoch count gives, the lr × epochs
// grid in lr-major order, seeded random starts, the CSV, and bad input.
import { describe, expect, it } from 'vitest';
import { explore, type Tensor } from '../../src/index.js';

const L = explore.landscapes;

describe('explore sweeps', () => {
  it('sweepStarts: different starts reach different minima; counts and CSV', () => {
    const t = explore.sweepStarts(L.poly6, [-2, -0.5, 0, 0.3, 1, 2], { lr: 0.01, epochs: 500 });
    expect(t.kind).toBe('starts');
    expect(t.landscape).toBe(L.poly6);
    expect(t.rows.map((r) => r.reached)).toEqual(['min x=-1.694', 'min x=0', 'min x=0', 'min x=0', 'min x=1.694', 'min x=1.694']);
    expect(t.rows.every((r) => r.stoppedBecause === 'converged' && r.lr === 0.01 && r.epochs === 500)).toBe(true);
    expect(t.rows[2]).toMatchObject({ x0: [0], final: [0], steps: 0 });
    expect(t.results).toHaveLength(6);
    expect(t.results[4]!.points[0]).toEqual([1]);
    expect(t.counts()).toEqual({ 'min x=-1.694': 1, 'min x=0': 3, 'min x=1.694': 2 });
    const csv = t.toCSV().trimEnd().split('\n');
    expect(csv[0]).toBe('x0,lr,epochs,final,value,reached,steps,stoppedBecause');
    expect(csv).toHaveLength(7);
    expect(csv[3]).toBe('0,0.01,500,0,0,min x=0,0,converged');
  });

  it("sweepLr: too large diverges, too small is 'none' after the epochs, a good rate converges", () => {
    const t = explore.sweepLr(L.poly6, 1.5, [1e-4, 0.01, 0.1], { epochs: 100 });
    expect(t.rows.map((r) => [r.lr, r.reached, r.stoppedBecause])).toEqual([
      [1e-4, 'none', 'epochs'],
      [0.01, 'min x=1.694', 'converged'],
      [0.1, 'diverged', 'diverged'],
    ]);
    expect(t.rows[0]!.steps).toBe(100);
  });

  it('sweepEpochs: each run is the prefix of the longest one (same start and rate)', () => {
    const t = explore.sweepEpochs(L.poly6, 1.2, [0, 1, 5, 20], { lr: 1e-3 });
    const longest = t.results[3]!;
    t.rows.forEach((r) => {
      expect(r.steps).toBe(r.epochs);
      expect(r.final).toEqual(longest.points[r.epochs]);
    });
  });

  it('sweepLrEpochs: one row per (lr, epochs), lr-major; a 2-D landscape with vector starts', () => {
    const t = explore.sweepLrEpochs(L.peaks, [0.5, -0.5], [0.01, 0.05], [10, 200]);
    expect(t.dims).toBe(2);
    expect(t.rows.map((r) => [r.lr, r.epochs])).toEqual([[0.01, 10], [0.01, 200], [0.05, 10], [0.05, 200]]);
    expect(t.rows[3]!.reached).toBe('min (0.228, -1.626)');
    expect(t.toCSV().split('\n')[0]).toBe('x0_0,x0_1,lr,epochs,final_0,final_1,value,reached,steps,stoppedBecause');
    expect(t.toCSV()).toContain('"min (0.228, -1.626)"'); // quoted: the label has a comma
  });

  it('sweepRandomStarts: seeded (same seed, same table), inside the domain, several minima reached', () => {
    const a = explore.sweepRandomStarts(L.peaks, 8, { lr: 0.05, epochs: 100, seed: 3 });
    const b = explore.sweepRandomStarts(L.peaks, 8, { lr: 0.05, epochs: 100, seed: 3 });
    const c = explore.sweepRandomStarts(L.peaks, 8, { lr: 0.05, epochs: 100, seed: 4 });
    expect(a.rows).toEqual(b.rows);
    expect(c.rows.map((r) => r.x0)).not.toEqual(a.rows.map((r) => r.x0));
    expect(a.rows.every((r) => r.x0.every((v) => v >= -3 && v <= 3))).toBe(true);
    expect(new Set([...a.rows, ...c.rows].map((r) => r.reached).filter((s) => s.startsWith('min'))).size).toBeGreaterThanOrEqual(2);
    // a plain function needs a domain
    const bowl = (x: Tensor): Tensor => x.pow(2).sum();
    expect(() => explore.sweepRandomStarts(bowl, 3)).toThrow(/domain is required for a plain function/);
    const d = explore.sweepRandomStarts(bowl, 3, { domain: [[1, 2], [5, 6]], critical: [{ point: [0, 0], value: 0, kind: 'min', global: true, label: 'origin' }], reachTolerance: 1e-3, lr: 0.1, epochs: 300 });
    expect(d.rows.every((r) => r.x0[0]! >= 1 && r.x0[0]! <= 2 && r.x0[1]! >= 5 && r.x0[1]! <= 6 && r.reached === 'origin')).toBe(true);
  });

  it('startGrid spaces starts evenly: n numbers in 1-D, n×n points in 2-D', () => {
    expect(explore.startGrid([[-2, 2]], 5)).toEqual([-2, -1, 0, 1, 2]);
    expect(explore.startGrid([[0, 1], [10, 20]], 2)).toEqual([[0, 10], [0, 20], [1, 10], [1, 20]]);
    expect(() => explore.startGrid([[1, 0]], 3)).toThrow(/domain must be one \[lo, hi\] with lo < hi/);
  });

  it('refuses bad input with messages naming the argument', () => {
    expect(() => explore.sweepStarts(L.poly6, [])).toThrow(/explore.sweepStarts: starts must be a non-empty array/);
    expect(() => explore.sweepStarts(L.poly6, [0, Number.NaN])).toThrow(/starts\[1\] must be/);
    expect(() => explore.sweepLr(L.poly6, 1, [0.1, -1])).toThrow(/lrs\[1\] must be a finite number >= 0, got -1/);
    expect(() => explore.sweepEpochs(L.poly6, 1, [2.5])).toThrow(/epochs\[0\] must be a non-negative integer/);
    expect(() => explore.sweepLr(L.poly6, 1, [0.1], { reachTolerance: -1 })).toThrow(/reachTolerance must be a number >= 0/);
    expect(() => explore.sweepLr(L.poly6, 1, [0.1], { seed: 1 } as never)).toThrow(/option 'seed' is not a known option/);
    expect(() => explore.sweepRandomStarts(L.poly6, 0)).toThrow(/n must be a positive integer, got 0/);
  });
});
