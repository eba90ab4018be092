// The built-in landscapes of the gradient-descent course: functions written with nodegrad ops, each with
// its domain and its known critical points, so a run can be told which minimum (or maximum) it reached.
// Every `f` here is elementwise over extra dimensions (1-D: any shape; 2-D: x of shape [2, ...]), which
// lets plots evaluate a whole grid in one call. No descent or plotting code lives here.

import { ArgumentError } from '../core/errors.js';
import { add, exp, mul, neg, pow, sub } from '../ops/elementwise.js';
import { select } from '../ops/layout.js';
import type { Tensor } from '../tensor.js';

/** What a critical point is: a local minimum, a local maximum or a saddle (2-D only). */
export type CriticalKind = 'min' | 'max' | 'saddle';

/** A known critical point of a landscape (∇f = 0 there). */
export interface CriticalPoint {
  /** Its coordinates (one number per dimension). */
  readonly point: readonly number[];
  /** f at the point. */
  readonly value: number;
  readonly kind: CriticalKind;
  /** True for the lowest minimum / highest maximum over the domain. */
  readonly global: boolean;
  /** A short name for tables and legends, e.g. `'min x=-1.694'`. */
  readonly label: string;
}

/**
 * A function to explore: `f` (written with nodegrad ops) of a point tensor, its plotting domain (one
 * [lo, hi] per dimension) and its known critical points. 1-D: x is a 0-d tensor. 2-D: x has shape [2].
 */
export interface Landscape {
  readonly name: string;
  readonly description: string;
  readonly dims: 1 | 2;
  readonly f: (x: Tensor) => Tensor;
  readonly domain: readonly (readonly [number, number])[];
  readonly critical: readonly CriticalPoint[];
}

const fmt = (v: number): string => Number(v.toFixed(3)).toString();

function critical(point: readonly number[], value: number, kind: CriticalKind, global = false): CriticalPoint {
  const where = point.length === 1 ? `x=${fmt(point[0]!)}` : `(${point.map(fmt).join(', ')})`;
  return { point, value, kind, global, label: `${kind} ${where}` };
}

// poly6: f = x⁶ − 5x⁴ + 4x², f' = 6x⁵ − 20x³ + 8x = 2x(3x⁴ − 10x² + 4).
// f' = 0 at x = 0 and x² = (10 ± √(100 − 48))/6 = (5 ± √13)/3, i.e. x = ±1.693670 and ±0.681774.
// f'' = 30x⁴ − 60x² + 8: f''(0) = 8 > 0 (local min, f = 0); at x² = (5 − √13)/3 f'' ≈ −13.4 (max,
// f ≈ 0.879420); at x² = (5 + √13)/3 f'' ≈ 82.7 (global min, f ≈ −6.064605).
const P6_OUTER = Math.sqrt((5 + Math.sqrt(13)) / 3);
const P6_INNER = Math.sqrt((5 - Math.sqrt(13)) / 3);
const poly6f = (x: number): number => x ** 6 - 5 * x ** 4 + 4 * x ** 2;

/**
 * The sixth-degree polynomial x⁶ − 5x⁴ + 4x² on [−2.1, 2.1]: two global minima at ±√((5+√13)/3) ≈ ±1.694
 * (f ≈ −6.065), a local minimum at 0 where descent gets stuck, and two local maxima at ±√((5−√13)/3) ≈ ±0.682
 * (f ≈ 0.879; the domain's edges are higher).
 */
export const poly6: Landscape = {
  name: 'poly6',
  description: 'x^6 - 5x^4 + 4x^2: global minima at ±1.694, a local minimum at 0, maxima at ±0.682',
  dims: 1,
  f: (x) => add(sub(pow(x, 6), mul(pow(x, 4), 5)), mul(pow(x, 2), 4)),
  domain: [[-2.1, 2.1]],
  critical: [
    critical([-P6_OUTER], poly6f(P6_OUTER), 'min', true),
    critical([-P6_INNER], poly6f(P6_INNER), 'max'),
    critical([0], 0, 'min'),
    critical([P6_INNER], poly6f(P6_INNER), 'max'),
    critical([P6_OUTER], poly6f(P6_OUTER), 'min', true),
  ],
};

/**
 * MATLAB's peaks surface on [−3, 3]²:
 * 3(1−x)²·e^(−x²−(y+1)²) − 10(x/5 − x³ − y⁵)·e^(−x²−y²) − ⅓·e^(−(x+1)²−y²).
 * Three minima (global ≈ −6.551 at (0.228, −1.626)), three maxima (global ≈ 8.106 at (−0.009, 1.581))
 * and three saddles, found by Newton's method (9 digits; tests check ∇f ≈ 0 and the Hessian's signs).
 */
export const peaks: Landscape = {
  name: 'peaks',
  description: "MATLAB's peaks: 3 minima (global -6.551 at (0.228, -1.626)), 3 maxima (global 8.106 at (-0.009, 1.581)), 3 saddles",
  dims: 2,
  f: (p) => {
    const x = select(p, 0, 0);
    const y = select(p, 0, 1);
    const x2 = pow(x, 2);
    const y2 = pow(y, 2);
    const a = mul(mul(pow(sub(1, x), 2), 3), exp(sub(neg(x2), pow(add(y, 1), 2))));
    const b = mul(mul(sub(sub(mul(x, 0.2), pow(x, 3)), pow(y, 5)), 10), exp(sub(neg(x2), y2)));
    const c = mul(exp(sub(neg(pow(add(x, 1), 2)), y2)), 1 / 3);
    return sub(sub(a, b), c);
  },
  domain: [
    [-3, 3],
    [-3, 3],
  ],
  critical: [
    critical([0.228278921, -1.625534958], -6.551133333, 'min', true),
    critical([-1.347396244, 0.204518866], -3.049849403, 'min'),
    critical([0.296445554, 0.320196248], -0.064935868, 'min'),
    critical([0.416323322, -0.394145098], 0.408547925, 'saddle'),
    critical([-0.265937557, 0.46673999], 0.788293463, 'saddle'),
    critical([1.098272834, 0.85446098], 2.249191662, 'saddle'),
    critical([1.285684697, -0.004847559], 3.592489918, 'max'),
    critical([-0.460024518, -0.629196509], 3.776580999, 'max'),
    critical([-0.009317582, 1.581367963], 8.106213589, 'max', true),
  ],
};

/**
 * A flat-bottomed well, x⁴ on [−2, 2]: the gradient 4x³ vanishes near the minimum at 0, so the steps
 * shrink with it and a fixed rate creeps towards 0 without reaching a small gradient tolerance.
 */
export const flatBottom: Landscape = {
  name: 'flatBottom',
  description: 'x^4: a flat bottom, the steps vanish near the minimum at 0',
  dims: 1,
  f: (x) => pow(x, 4),
  domain: [[-2, 2]],
  critical: [critical([0], 0, 'min', true)],
};

/**
 * A steep-walled well, e^(x²) − 1 on [−2, 2]: like x² near 0, but the gradient 2x·e^(x²) explodes on
 * the walls, so a rate that is fine near the bottom throws a start on a wall far away (diverges).
 */
export const steepWalls: Landscape = {
  name: 'steepWalls',
  description: 'e^(x^2) - 1: steep walls, the steps explode away from the minimum at 0',
  dims: 1,
  f: (x) => sub(exp(pow(x, 2)), 1),
  domain: [[-2, 2]],
  critical: [critical([0], 0, 'min', true)],
};

/** The built-in landscapes by name. */
export const landscapes = { poly6, peaks, flatBottom, steepWalls } as const;

/** A built-in landscape's name. */
export type LandscapeName = keyof typeof landscapes;

/** The built-in landscape called `name` (ArgumentError listing the names otherwise). */
export function getLandscape(name: string): Landscape {
  const l = (landscapes as Record<string, Landscape>)[name];
  if (l === undefined || !Object.hasOwn(landscapes, name)) {
    throw new ArgumentError('explore.getLandscape', 'name', `must be one of ${Object.keys(landscapes).join(', ')}, got ${JSON.stringify(name)}`);
  }
  return l;
}

/**
 * Which known critical point `point` is at: the label of the nearest one within `tolerance` (Euclidean
 * distance), or 'none'.
 *
 * @example
 * explore.classify([1.6936], explore.landscapes.poly6.critical, 1e-2); // 'min x=1.694'
 */
export function classify(point: readonly number[], points: readonly CriticalPoint[], tolerance: number): string {
  if (typeof tolerance !== 'number' || !(tolerance >= 0)) throw new ArgumentError('explore.classify', 'tolerance', `must be a number >= 0, got ${String(tolerance)}`);
  let best = 'none';
  let bestDist = Infinity;
  for (const c of points) {
    if (c.point.length !== point.length) {
      throw new ArgumentError('explore.classify', 'point', `has ${point.length} coordinates, the critical point '${c.label}' has ${c.point.length}`);
    }
    const d = Math.hypot(...c.point.map((v, i) => v - point[i]!));
    if (d <= tolerance && d < bestDist) {
      best = c.label;
      bestDist = d;
    }
  }
  return best;
}
