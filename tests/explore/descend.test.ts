// explore.descend against hand-computed steps and the course's documented outcomes: x² and the sixth-degree
// polynomial step by step, a vector problem, start at 0 stays at 0, a too-large rate diverges, a too-small
// one has not converged after the epochs, ascent by flipping the gradient or the function gives the same
// trajectory, the learning-rate sequences of the schedules, vanishing and exploding steps, and bad input.
import { describe, expect, it } from 'vitest';
import { ArgumentError, explore, optim, tensor, type Tensor } from '../../src/index.js';

const L = explore.landscapes;
const sq = (x: Tensor): Tensor => x.pow(2);
/** poly6's derivative written out by hand: 6x⁵ − 20x³ + 8x. */
const dPoly6 = (x: number): number => 6 * x ** 5 - 20 * x ** 3 + 8 * x;

describe('explore.descend: hand-computed steps', () => {
  it('3 steps on x² from 1 with lr 0.1: x ← x − 0.1·2x = 0.8x', () => {
    const r = explore.descend(sq, 1, { lr: 0.1, epochs: 3 });
    expect(r.points.map((p) => p[0])).toEqual([1, 0.8, 0.64, 0.512].map((v) => expect.closeTo(v, 14)));
    expect(r.values).toEqual([1, 0.64, 0.4096, 0.262144].map((v) => expect.closeTo(v, 14)));
    expect(r.gradNorms).toEqual([2, 1.6, 1.28, 1.024].map((v) => expect.closeTo(v, 14)));
    expect(r.lrs).toEqual([0.1, 0.1, 0.1]);
    expect(r).toMatchObject({ steps: 3, stoppedBecause: 'epochs', ascent: false, shape: [] });
    expect(r.final[0]).toBeCloseTo(0.512, 14);
    expect(r.finalValue).toBeCloseTo(0.262144, 14);
  });

  it('3 steps on x⁶ − 5x⁴ + 4x² from 1 with lr 0.01', () => {
    // f'(1) = 6 − 20 + 8 = −6 → x1 = 1.06; f'(1.06) = 6·1.3382255776 − 20·1.191016 + 8.48 = −7.3109665344
    // → x2 = 1.133109665344; x3 from the hand-written derivative.
    const r = explore.descend(L.poly6, 1, { lr: 0.01, epochs: 3 });
    const x3 = 1.133109665344 - 0.01 * dPoly6(1.133109665344);
    expect(r.points.map((p) => p[0])).toEqual([1, 1.06, 1.133109665344, x3].map((v) => expect.closeTo(v, 12)));
    expect(r.values[0]).toBe(0); // 1 − 5 + 4
    expect(r.gradNorms[0]).toBeCloseTo(6, 12);
    expect(r.gradNorms[1]).toBeCloseTo(7.3109665344, 10);
  });

  it('a vector problem: ‖x − (1, 2)‖² from (0, 0) with lr 0.25 halves the distance each step', () => {
    const c = tensor([1, 2], { dtype: 'float64' });
    const r = explore.descend((x) => x.sub(c).pow(2).sum(), [0, 0], { lr: 0.25, epochs: 2 });
    expect(r.shape).toEqual([2]);
    expect(r.points).toEqual([[0, 0], [0.5, 1], [0.75, 1.5]]);
    expect(r.gradNorms[0]).toBeCloseTo(2 * Math.sqrt(5), 12);
  });

  it('float32 points follow the float64 trajectory to float32 precision; a tensor start keeps its dtype', () => {
    const r64 = explore.descend(L.poly6, 1, { lr: 0.01, epochs: 10 });
    const r32 = explore.descend(L.poly6, tensor(1), { lr: 0.01, epochs: 10 });
    r32.points.forEach((p, i) => expect(p[0]).toBeCloseTo(r64.points[i]![0]!, 5));
    expect(r32.points.every((q) => Math.fround(q[0]!) === q[0])).toBe(true); // a real float32 run
    expect(r64.points.some((q) => Math.fround(q[0]!) !== q[0])).toBe(true);
    expect(explore.descend(sq, 1, { lr: 0.1, epochs: 1, dtype: 'float32' }).points[1]![0]).toBe(Math.fround(0.8));
  });
});

describe("explore.descend: the course's outcomes", () => {
  it("a start at 0 stays at 0 (f'(0) = 0): converged with no step, or every epoch at 0 with tolerance 0", () => {
    const r = explore.descend(L.poly6, 0, { lr: 0.01, epochs: 50 });
    expect(r).toMatchObject({ stoppedBecause: 'converged', steps: 0, points: [[0]], gradNorms: [0], final: [0] });
    const all = explore.descend(L.poly6, 0, { lr: 0.01, epochs: 50, tolerance: 0 });
    expect(all.stoppedBecause).toBe('epochs');
    expect(all.steps).toBe(50);
    expect(all.points.every((p) => p[0] === 0)).toBe(true);
  });

  it("too large a rate diverges: lr 0.1 from 1.5 overshoots (x1 = 1.5 + 0.1·9.9375) and reports 'diverged'", () => {
    const r = explore.descend(L.poly6, 1.5, { lr: 0.1, epochs: 100 });
    expect(r.points[1]![0]).toBeCloseTo(1.5 - 0.1 * dPoly6(1.5), 12);
    expect(r.points[1]![0]).toBeCloseTo(2.49375, 12);
    expect(r.stoppedBecause).toBe('diverged');
    expect(r.steps).toBeLessThan(10);
    expect(Math.abs(r.final[0]!)).toBeGreaterThan(1e6);
    // the same rate converges from where the wall is gentle
    expect(explore.descend(L.poly6, 1.5, { lr: 0.01, epochs: 100 }).stoppedBecause).toBe('converged');
  });

  it('too small a rate has not converged after the epochs: lr 1e-4 from 1.2 is still far from 1.694', () => {
    const r = explore.descend(L.poly6, 1.2, { lr: 1e-4, epochs: 200 });
    expect(r.stoppedBecause).toBe('epochs');
    expect(r.steps).toBe(200);
    expect(r.final[0]).toBeGreaterThan(1.2);
    expect(r.final[0]).toBeLessThan(1.6);
    expect(r.gradNorms.at(-1)).toBeGreaterThan(1);
    expect(explore.classify(r.final, L.poly6.critical, 1e-2)).toBe('none');
  });

  it('different starts reach different minima (0.5 → the local minimum 0, 1.2 → 1.694, −2 → −1.694)', () => {
    const end = (x0: number): number => explore.descend(L.poly6, x0, { lr: 0.01, epochs: 500 }).final[0]!;
    expect(end(0.5)).toBeCloseTo(0, 5);
    expect(end(1.2)).toBeCloseTo(Math.sqrt((5 + Math.sqrt(13)) / 3), 6);
    expect(end(-2)).toBeCloseTo(-Math.sqrt((5 + Math.sqrt(13)) / 3), 6);
  });

  it('ascent by flipping the gradient and by descending on −f give identical trajectories (peaks → a maximum)', () => {
    const opts = { lr: 0.05, epochs: 300 };
    const byGradient = explore.descend(L.peaks, [0.5, 0.5], { ...opts, ascent: true });
    const byName = explore.descend(L.peaks, [0.5, 0.5], { ...opts, ascent: 'gradient' });
    const byFunction = explore.descend(L.peaks, [0.5, 0.5], { ...opts, ascent: 'function' });
    const byHand = explore.descend((p) => L.peaks.f(p).neg(), [0.5, 0.5], opts);
    expect(byFunction.points).toEqual(byGradient.points);
    expect(byName.points).toEqual(byGradient.points);
    expect(byHand.points).toEqual(byGradient.points);
    expect(byFunction.values).toEqual(byGradient.values); // f's values, not −f's
    expect(byHand.values).toEqual(byGradient.values.map((v) => -v));
    expect(byGradient.ascent).toBe(true);
    expect(byGradient.stoppedBecause).toBe('converged');
    expect(explore.classify(byGradient.final, L.peaks.critical, 1e-3)).toBe('max (1.286, -0.005)');
    expect(byGradient.finalValue).toBeCloseTo(3.592489918, 6);
    // the first ascent step goes along +∇f: f increases
    expect(byGradient.values[1]!).toBeGreaterThan(byGradient.values[0]!);
  });

  it('vanishing steps on the flat bottom x⁴; exploding steps on the steep walls e^(x²) − 1', () => {
    const flat = explore.descend(L.flatBottom, 1.5, { lr: 0.1, epochs: 300 });
    const step = (i: number): number => Math.abs(flat.points[i + 1]![0]! - flat.points[i]![0]!);
    expect(step(0)).toBeCloseTo(0.1 * 4 * 1.5 ** 3, 12); // 1.35
    expect(step(flat.steps - 1)).toBeLessThan(1e-3 * step(0));
    expect(flat.stoppedBecause).toBe('epochs');
    expect(flat.final[0]).toBeGreaterThan(0.01);
    const wall = explore.descend(L.steepWalls, 1.9, { lr: 0.1, epochs: 100 });
    expect(wall.points[1]![0]).toBeCloseTo(1.9 - 0.1 * 2 * 1.9 * Math.exp(1.9 ** 2), 9);
    expect(wall.stoppedBecause).toBe('diverged');
    expect(explore.descend(L.steepWalls, 0.5, { lr: 0.1, epochs: 100 }).stoppedBecause).toBe('converged');
  });
});

describe('explore.descend: schedules', () => {
  it("time-based: lr/(1 + decay·t) at step t", () => {
    const r = explore.descend(L.poly6, 1.5, { lr: 0.01, epochs: 5, schedule: { kind: 'timeBased', decay: 0.5 } });
    expect(r.lrs).toEqual([0.01, 0.01 / 1.5, 0.01 / 2, 0.01 / 2.5, 0.01 / 3].map((v) => expect.closeTo(v, 15)));
    // and the steps use them: x1 = x0 − lr0·f'(x0), x2 = x1 − lr0/1.5·f'(x1)
    const x1 = 1.5 - 0.01 * dPoly6(1.5);
    expect(r.points[1]![0]).toBeCloseTo(x1, 12);
    expect(r.points[2]![0]).toBeCloseTo(x1 - (0.01 / 1.5) * dPoly6(x1), 12);
  });

  it("gradient 'normalized': steps of length lr; 'proportional': lr·|g| (x² from 1: 0.96, then 0.923136)", () => {
    const n = explore.descend(L.poly6, 1.5, { lr: 0.01, epochs: 6, schedule: { kind: 'gradient', mode: 'normalized' } });
    for (let i = 0; i < n.steps; i++) {
      expect(Math.abs(n.points[i + 1]![0]! - n.points[i]![0]!)).toBeCloseTo(0.01, 9);
      expect(n.lrs[i]).toBeCloseTo(0.01 / (n.gradNorms[i]! + 1e-8), 12);
    }
    const p = explore.descend(sq, 1, { lr: 0.01, epochs: 2, schedule: { kind: 'gradient', mode: 'proportional' } });
    expect(p.lrs).toEqual([expect.closeTo(0.02, 14), expect.closeTo(0.0192, 14)]);
    expect(p.points.map((q) => q[0])).toEqual([1, expect.closeTo(0.96, 14), expect.closeTo(0.923136, 14)]);
  });

  it('any optim scheduler from a factory: StepLR halves the rate every 2 steps; ReduceLROnPlateau sees f', () => {
    const r = explore.descend(L.poly6, 1.5, { lr: 0.01, epochs: 5, tolerance: 0, schedule: (o) => new optim.StepLR(o, { stepSize: 2, gamma: 0.5 }) });
    expect(r.lrs).toEqual([0.01, 0.01, 0.005, 0.005, 0.0025]);
    // x stuck at 0 never improves f: the plateau scheduler cuts the rate after patience + 1 steps
    const plateau = explore.descend(L.poly6, 0, { lr: 0.01, epochs: 4, tolerance: 0, schedule: (o) => new optim.ReduceLROnPlateau(o, { patience: 1, factor: 0.5 }) });
    expect(plateau.lrs).toEqual([0.01, 0.01, 0.01, 0.005]);
  });

  it('refuses a bad schedule', () => {
    expect(() => explore.descend(sq, 1, { schedule: 'cosine' as never })).toThrow(/schedule must be 'fixed'/);
    expect(() => explore.descend(sq, 1, { schedule: { kind: 'timeBased', decay: 0.1, gamma: 2 } as never })).toThrow(/option 'gamma' is not a known option/);
    expect(() => explore.descend(sq, 1, { schedule: () => ({}) as never })).toThrow(/factory must return an optim LR scheduler/);
    const other = new optim.SGD([tensor(1, { requiresGrad: true })], { lr: 0.1 });
    expect(() => explore.descend(sq, 1, { schedule: () => new optim.StepLR(other, { stepSize: 1 }) })).toThrow(/on the optimizer it is given/);
  });
});

describe('explore.descend: bad input', () => {
  it('throws ArgumentErrors naming the op, the argument and the value', () => {
    const err = (fn: () => unknown): ArgumentError => {
      try {
        fn();
      } catch (e) {
        return e as ArgumentError;
      }
      throw new Error('did not throw');
    };
    expect(err(() => explore.descend(sq, 1, { lr: -1 }))).toBeInstanceOf(ArgumentError);
    expect(err(() => explore.descend(sq, 1, { lr: -1 })).message).toBe('explore.descend: lr must be a finite number >= 0, got -1');
    expect(err(() => explore.descend(sq, 1, { epochs: 1.5 })).message).toMatch(/epochs must be a non-negative integer, got 1.5/);
    expect(err(() => explore.descend(sq, 1, { learningRate: 0.1 } as never)).message).toMatch(/option 'learningRate' is not a known option/);
    expect(err(() => explore.descend(sq, Number.NaN)).message).toMatch(/x0 must be a finite number/);
    expect(err(() => explore.descend(sq, [])).message).toMatch(/x0 must be/);
    expect(err(() => explore.descend((x) => x.mul(tensor([1, 2], { dtype: 'float64' })), 1)).message).toMatch(/f must return a single-element tensor, got shape \[2\]/);
    expect(err(() => explore.descend(() => tensor(3), 1)).message).toMatch(/does not depend on x/);
    expect(err(() => explore.descend(42 as never, 1)).message).toMatch(/f must be a function of a tensor or an explore landscape/);
    expect(err(() => explore.descend(sq, 1, { ascent: 'up' as never })).message).toMatch(/ascent must be/);
  });
});
