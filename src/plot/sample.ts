// Sampling a function written with nodegrad ops on a grid for plotting: f (and f' in 1-D, by autograd) at
// evenly spaced points, and iso-lines of a 2-D grid (marching squares) as line segments in data
// coordinates for the plotting library to draw. A whole grid is tried in one call (functions made of
// elementwise ops, like the built-in landscapes, accept it); if that fails or disagrees with point-by-point
// evaluation at a few checkpoints, every point is evaluated on its own.

import { ArgumentError } from '../core/errors.js';
import { enableGrad, noGrad } from '../engine.js';
import { grad } from '../autograd/functional.js';
import { tensor } from '../ops/creation.js';
import { sum } from '../ops/reduce.js';
import { contiguousData } from '../ops/helpers.js';
import { Tensor } from '../tensor.js';

/** f and f' at n evenly spaced points of [lo, hi]. */
export interface Sample1d {
  xs: number[];
  fs: number[];
  dfs: number[];
}

/** Evenly spaced numbers from lo to hi (n >= 2). */
export function linspaceArray(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1)));
}

const close = (a: number, b: number): boolean => (Number.isNaN(a) && Number.isNaN(b)) || a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/** f(x) and f'(x) at one point (0-d float64 tensor). */
function pointValueGrad(fn: (x: Tensor) => Tensor, x: number): [number, number] {
  const t = tensor(x, { dtype: 'float64', requiresGrad: true });
  const y = enableGrad(() => fn(t));
  if (!(y instanceof Tensor) || y.numel() !== 1) throw new ArgumentError('plot', 'f', 'must return a single-element tensor');
  const g = y.requiresGrad ? grad(y, t, { allowUnused: true })[0] : null;
  return [Number(y.item()), g ? Number(g.item()) : 0];
}

/** f and f' of a 1-D function at n points of [lo, hi]. */
export function sample1d(fn: (x: Tensor) => Tensor, lo: number, hi: number, n: number): Sample1d {
  const xs = linspaceArray(lo, hi, n);
  try {
    const X = tensor(xs, { dtype: 'float64', requiresGrad: true });
    const y = enableGrad(() => fn(X));
    if (y instanceof Tensor && y.shape.length === 1 && y.shape[0] === n && y.requiresGrad) {
      const g = grad(sum(y), X)[0]!;
      const fs = Array.from(contiguousData(y), Number);
      const dfs = Array.from(contiguousData(g), Number);
      const checks = [0, n >> 1, n - 1];
      if (checks.every((i) => {
        const [v, d] = pointValueGrad(fn, xs[i]!);
        return close(v, fs[i]!) && close(d, dfs[i]!);
      })) return { xs, fs, dfs };
    }
  } catch {
    // not elementwise over a batch: evaluate point by point below
  }
  const fs: number[] = [];
  const dfs: number[] = [];
  for (const x of xs) {
    const [v, d] = pointValueGrad(fn, x);
    fs.push(v);
    dfs.push(d);
  }
  return { xs, fs, dfs };
}

/** f on an nx × ny grid: values[j·nx + i] = f(xs[i], ys[j]). */
export interface Sample2d {
  xs: number[];
  ys: number[];
  values: number[];
}

function pointValue2d(fn: (x: Tensor) => Tensor, x: number, y: number): number {
  const r = noGrad(() => fn(tensor([x, y], { dtype: 'float64' })));
  if (!(r instanceof Tensor) || r.numel() !== 1) throw new ArgumentError('plot', 'f', 'must return a single-element tensor');
  return Number(r.item());
}

/** f of a 2-D function (x of shape [2]) on an nx × ny grid over the domain. */
export function sample2d(fn: (x: Tensor) => Tensor, domain: readonly (readonly [number, number])[], nx: number, ny: number): Sample2d {
  const xs = linspaceArray(domain[0]![0], domain[0]![1], nx);
  const ys = linspaceArray(domain[1]![0], domain[1]![1], ny);
  const px: number[] = [];
  const py: number[] = [];
  for (const y of ys) for (const x of xs) {
    px.push(x);
    py.push(y);
  }
  const n = nx * ny;
  try {
    const r = noGrad(() => fn(tensor([px, py], { dtype: 'float64' })));
    if (r instanceof Tensor && r.shape.length === 1 && r.shape[0] === n) {
      const values = Array.from(contiguousData(r), Number);
      if ([0, n >> 1, n - 1].every((k) => close(pointValue2d(fn, px[k]!, py[k]!), values[k]!))) return { xs, ys, values };
    }
  } catch {
    // not elementwise over a batch: evaluate point by point below
  }
  return { xs, ys, values: px.map((x, k) => pointValue2d(fn, x, py[k]!)) };
}

/** One piece of an iso-line: from (x, y) to (x2, y2) at f = level. */
export interface Segment {
  level: number;
  x: number;
  y: number;
  x2: number;
  y2: number;
}

/** `count` levels evenly inside the finite range of values (none if the range is empty). */
export function contourLevels(values: readonly number[], count: number): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi > lo)) return [];
  return Array.from({ length: count }, (_, k) => lo + ((hi - lo) * (k + 0.5)) / count);
}

/**
 * Iso-lines of a grid by marching squares with linear interpolation along cell edges; an ambiguous cell
 * (corners alternate) is resolved by the mean of its corners.
 */
export function contourSegments(s: Sample2d, levels: readonly number[]): Segment[] {
  const { xs, ys, values } = s;
  const nx = xs.length;
  const out: Segment[] = [];
  const at = (i: number, j: number): number => values[j * nx + i]!;
  for (const level of levels) {
    for (let j = 0; j + 1 < ys.length; j++) {
      for (let i = 0; i + 1 < nx; i++) {
        // corners: 0 = (i, j), 1 = (i+1, j), 2 = (i+1, j+1), 3 = (i, j+1)
        const v = [at(i, j), at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)];
        if (!v.every(Number.isFinite)) continue;
        const above = v.map((a) => a >= level);
        const cx = [xs[i]!, xs[i + 1]!, xs[i + 1]!, xs[i]!];
        const cy = [ys[j]!, ys[j]!, ys[j + 1]!, ys[j + 1]!];
        // edges: 0 = corners 0-1, 1 = 1-2, 2 = 2-3, 3 = 3-0
        const cross: ([number, number] | null)[] = [0, 1, 2, 3].map((e) => {
          const a = e;
          const b = (e + 1) % 4;
          if (above[a] === above[b]) return null;
          const t = (level - v[a]!) / (v[b]! - v[a]!);
          return [cx[a]! + t * (cx[b]! - cx[a]!), cy[a]! + t * (cy[b]! - cy[a]!)];
        });
        const hits = [0, 1, 2, 3].filter((e) => cross[e] !== null);
        const seg = (e1: number, e2: number): void => {
          const p = cross[e1]!;
          const q = cross[e2]!;
          out.push({ level, x: p[0], y: p[1], x2: q[0], y2: q[1] });
        };
        if (hits.length === 2) seg(hits[0]!, hits[1]!);
        else if (hits.length === 4) {
          const centreAbove = (v[0]! + v[1]! + v[2]! + v[3]!) / 4 >= level;
          // Corners 0 and 2 joined through the centre: cut off corners 1 (edges 0, 1) and 3 (edges 2, 3).
          if (centreAbove === above[0]) {
            seg(0, 1);
            seg(2, 3);
          } else {
            seg(3, 0);
            seg(1, 2);
          }
        }
      }
    }
  }
  return out;
}
