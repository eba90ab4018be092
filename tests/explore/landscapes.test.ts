// The built-in landscapes: values against formulas written out by hand, every listed critical point has
// ∇f ≈ 0 (autograd) and the Hessian's signs of its kind, poly6's points are the hand-derived ones,
// batch (grid) evaluation agrees with point evaluation, and classify() names the nearest point.
import { describe, expect, it } from 'vitest';
import { autograd, explore, tensor, type Tensor } from '../../src/index.js';

const L = explore.landscapes;
const peaksByHand = (x: number, y: number): number =>
  3 * (1 - x) ** 2 * Math.exp(-(x ** 2) - (y + 1) ** 2) - 10 * (x / 5 - x ** 3 - y ** 5) * Math.exp(-(x ** 2) - y ** 2) - Math.exp(-((x + 1) ** 2) - y ** 2) / 3;
const at = (l: explore.Landscape, p: readonly number[]): Tensor => tensor(p.length === 1 ? p[0]! : [...p], { dtype: 'float64' });

describe('explore.landscapes', () => {
  it('poly6, flatBottom and steepWalls compute their formulas; peaks matches the formula and 8/(3e) at the origin', () => {
    for (const x of [-2, -0.7, 0, 0.3, 1.1, 2.05]) {
      expect(L.poly6.f(at(L.poly6, [x])).item()).toBeCloseTo(x ** 6 - 5 * x ** 4 + 4 * x ** 2, 12);
      expect(L.flatBottom.f(at(L.flatBottom, [x])).item()).toBeCloseTo(x ** 4, 12);
      expect(L.steepWalls.f(at(L.steepWalls, [x])).item()).toBeCloseTo(Math.exp(x * x) - 1, 12);
    }
    expect(L.peaks.f(at(L.peaks, [0, 0])).item()).toBeCloseTo(8 / (3 * Math.E), 14);
    for (const [x, y] of [[-2, 1], [0.5, -1.5], [1.3, 2.2]] as const) expect(L.peaks.f(at(L.peaks, [x, y])).item()).toBeCloseTo(peaksByHand(x, y), 12);
  });

  it("poly6's critical points are 0 and ±√((5 ± √13)/3) (x² = (10 ± √52)/6), with the documented kinds", () => {
    const outer = Math.sqrt((5 + Math.sqrt(13)) / 3);
    const inner = Math.sqrt((5 - Math.sqrt(13)) / 3);
    expect(L.poly6.critical.map((c) => c.point[0])).toEqual([-outer, -inner, 0, inner, outer].map((v) => expect.closeTo(v, 14)));
    expect(L.poly6.critical.map((c) => c.kind)).toEqual(['min', 'max', 'min', 'max', 'min']);
    expect(L.poly6.critical.filter((c) => c.global).map((c) => c.label)).toEqual(['min x=-1.694', 'min x=1.694']);
    expect(outer).toBeCloseTo(1.6936697, 7);
    expect(inner).toBeCloseTo(0.6817743, 7);
  });

  for (const l of Object.values(L)) {
    it(`${l.name}: ∇f ≈ 0 at every listed critical point, the Hessian's signs match its kind, f matches its value`, () => {
      for (const c of l.critical) {
        const x = at(l, c.point).requiresGrad_(true);
        const y = l.f(x);
        expect(y.item(), c.label).toBeCloseTo(c.value, 8);
        const [g] = autograd.grad(y, x);
        const gn = Math.hypot(...[g!.tolist()].flat(2) as number[]);
        expect(gn, c.label).toBeLessThan(1e-7);
        const h = autograd.hessian(l.f, at(l, c.point));
        if (l.dims === 1) {
          const d2 = h.item() as number;
          // NOTE: x⁴'s minimum is degenerate (f''(0) = 0: the flat bottom); then f at ±0.1 decides.
          const side = (d: number): number => (l.f(at(l, [c.point[0]! + d])).item() as number) - c.value;
          const up = d2 !== 0 ? d2 > 0 : side(0.1) > 0 && side(-0.1) > 0;
          const down = d2 !== 0 ? d2 < 0 : side(0.1) < 0 && side(-0.1) < 0;
          expect(c.kind === 'min' ? up : down, `${c.label}: f'' = ${d2}`).toBe(true);
        } else {
          const [[a, b], [, d]] = h.tolist() as number[][] as [[number, number], [number, number]];
          const det = a * d - b * b;
          const kind = det < 0 ? 'saddle' : a + d > 0 ? 'min' : 'max';
          expect(kind, c.label).toBe(c.kind);
        }
      }
    });
  }

  it('every f is elementwise over a batch: a grid in one call equals point-by-point values', () => {
    const xs = [-1.5, -0.2, 0.4, 1.9];
    for (const l of [L.poly6, L.flatBottom, L.steepWalls]) {
      expect(l.f(tensor(xs, { dtype: 'float64' })).tolist()).toEqual(xs.map((x) => expect.closeTo(l.f(at(l, [x])).item() as number, 12)));
    }
    const ys = [0.3, -2, 1, 2.5];
    expect(L.peaks.f(tensor([xs, ys], { dtype: 'float64' })).tolist()).toEqual(xs.map((x, i) => expect.closeTo(peaksByHand(x, ys[i]!), 12)));
  });

  it('classify names the nearest critical point within the tolerance, else none; getLandscape by name', () => {
    expect(explore.classify([1.69], L.poly6.critical, 1e-2)).toBe('min x=1.694');
    expect(explore.classify([1.6], L.poly6.critical, 1e-2)).toBe('none');
    expect(explore.classify([0.01], L.poly6.critical, 0.5)).toBe('min x=0'); // 0 is nearer than 0.682
    expect(explore.classify([0.23, -1.62], L.peaks.critical, 1e-2)).toBe('min (0.228, -1.626)');
    expect(() => explore.classify([1, 2], L.poly6.critical, 1)).toThrow(/has 2 coordinates/);
    expect(() => explore.classify([1], L.poly6.critical, -1)).toThrow(/tolerance must be a number >= 0/);
    expect(explore.getLandscape('peaks')).toBe(L.peaks);
    expect(() => explore.getLandscape('toString')).toThrow(/must be one of poly6, peaks, flatBottom, steepWalls, got "toString"/);
  });
});
