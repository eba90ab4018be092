// Parametric experiments: many explore.descend runs over start points, learning rates, epochs, an
// lr × epochs grid, or seeded random starts. Each returns a SweepTable: one row per run with the final
// point, f there, which known critical point it reached (or 'diverged'/'none') and the steps taken.

import { ArgumentError, checkOptions } from '../core/errors.js';
import { Generator } from '../core/random.js';
import { descend, descendOptionNames, objectiveFn, type DescendOptions, type DescentResult, type Objective, type StopReason } from './descend.js';
import { classify, type CriticalPoint, type Landscape } from './landscapes.js';

/** Which parameter a sweep varied. */
export type SweepKind = 'starts' | 'lr' | 'epochs' | 'lrEpochs' | 'randomStarts';

/** One run of a sweep. */
export interface SweepRow {
  /** The start point's coordinates. */
  x0: number[];
  lr: number;
  epochs: number;
  /** The last point and f there. */
  final: number[];
  value: number;
  /** The label of the known critical point the run ended at, 'diverged', or 'none'. */
  reached: string;
  steps: number;
  stoppedBecause: StopReason;
}

/** Options of the sweeps: descend's, plus how to name where a run ended. */
export interface SweepOptions extends DescendOptions {
  /** The known critical points (default: the landscape's; none for a plain function). */
  critical?: readonly CriticalPoint[];
  /** A run reached a critical point when it ended within this distance of it; default 1e-2. */
  reachTolerance?: number;
}

/** Options of {@link sweepRandomStarts}. */
export interface RandomStartsOptions extends SweepOptions {
  /** Seed of the generator that draws the starts; default 0. */
  seed?: number;
  /** Where to draw starts from, one [lo, hi] per dimension; default the landscape's domain. */
  domain?: readonly (readonly [number, number])[];
}

const SWEEP_OPTIONS = [...descendOptionNames, 'critical', 'reachTolerance'];

/** The rows of a sweep, with each run's whole trajectory, what was varied and over which landscape. */
export class SweepTable {
  constructor(
    /** Which parameter was varied. */
    readonly kind: SweepKind,
    /** One row per run, in the order the runs were made. */
    readonly rows: readonly SweepRow[],
    /** Every run's trajectory, in the order of `rows`. */
    readonly results: readonly DescentResult[],
    /** The landscape swept (null for a plain function). */
    readonly landscape: Landscape | null,
    /** The number of coordinates of a point. */
    readonly dims: number,
  ) {}

  /** How many runs ended at each place (labels, 'diverged', 'none'), in order of first appearance. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.rows) out[r.reached] = (out[r.reached] ?? 0) + 1;
    return out;
  }

  /** The table as CSV: x0 (x0_0, x0_1, ... for several coordinates), lr, epochs, final, value, reached, steps, stoppedBecause. */
  toCSV(): string {
    const coords = (name: string): string[] => (this.dims === 1 ? [name] : Array.from({ length: this.dims }, (_, i) => `${name}_${i}`));
    const head = [...coords('x0'), 'lr', 'epochs', ...coords('final'), 'value', 'reached', 'steps', 'stoppedBecause'];
    const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = this.rows.map((r) => [...r.x0, r.lr, r.epochs, ...r.final, r.value, quote(r.reached), r.steps, r.stoppedBecause].join(','));
    return `${head.join(',')}\n${lines.map((l) => `${l}\n`).join('')}`;
  }
}

interface Prepared {
  landscape: Landscape | null;
  critical: readonly CriticalPoint[];
  reachTolerance: number;
  descendOptions: DescendOptions;
}

function prepare(op: string, f: Objective, options: SweepOptions, extra: readonly string[] = []): Prepared {
  checkOptions(op, options, [...SWEEP_OPTIONS, ...extra]);
  objectiveFn(op, f);
  const landscape = typeof f === 'function' ? null : f;
  const { critical, reachTolerance, ...rest } = options;
  const descendOptions: Record<string, unknown> = { ...rest };
  for (const k of extra) delete descendOptions[k];
  const tol = reachTolerance ?? 1e-2;
  if (typeof tol !== 'number' || !(tol >= 0)) throw new ArgumentError(op, 'reachTolerance', `must be a number >= 0, got ${String(tol)}`);
  if (critical !== undefined && !Array.isArray(critical)) throw new ArgumentError(op, 'critical', 'must be an array of critical points');
  return { landscape, critical: critical ?? landscape?.critical ?? [], reachTolerance: tol, descendOptions: descendOptions as DescendOptions };
}

function runRow(f: Objective, x0: number | readonly number[], lr: number, epochs: number, p: Prepared): [SweepRow, DescentResult] {
  const r = descend(f, x0, { ...p.descendOptions, lr, epochs });
  const reached = r.stoppedBecause === 'diverged' ? 'diverged' : p.critical.length ? classify(r.final, p.critical, p.reachTolerance) : 'none';
  const row: SweepRow = { x0: r.points[0]!, lr, epochs, final: r.final, value: r.finalValue, reached, steps: r.steps, stoppedBecause: r.stoppedBecause };
  return [row, r];
}

function table(kind: SweepKind, runs: [SweepRow, DescentResult][], p: Prepared): SweepTable {
  const dims = runs[0]?.[0].x0.length ?? p.landscape?.dims ?? 1;
  return new SweepTable(kind, runs.map((r) => r[0]), runs.map((r) => r[1]), p.landscape, dims);
}

function nonEmpty<T>(op: string, name: string, v: unknown, each: (x: unknown) => x is T, one: string, many: string): T[] {
  if (!Array.isArray(v) || v.length === 0) throw new ArgumentError(op, name, `must be a non-empty array of ${many}`);
  v.forEach((x, i) => {
    if (!each(x)) throw new ArgumentError(op, `${name}[${i}]`, `must be ${one}, got ${Array.isArray(x) ? `[${x.join(', ')}]` : String(x)}`);
  });
  return v as T[];
}
const isRate = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const isEpochs = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isStart = (x: unknown): x is number | number[] =>
  (typeof x === 'number' && Number.isFinite(x)) || (Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === 'number' && Number.isFinite(v)));
function startOf(op: string, x0: unknown): number | number[] {
  if (!isStart(x0)) throw new ArgumentError(op, 'x0', `must be a finite number or an array of finite numbers, got ${String(x0)}`);
  return x0;
}

/**
 * One run from each start point (same lr and epochs).
 *
 * @example
 * const t = explore.sweepStarts(explore.landscapes.poly6, [-2, -0.5, 0, 0.5, 2], { lr: 0.01, epochs: 500 });
 * t.rows.map((r) => r.reached); // ['min x=-1.694', 'min x=0', 'min x=0', 'min x=0', 'min x=1.694']
 */
export function sweepStarts(f: Objective, starts: readonly (number | readonly number[])[], options: SweepOptions = {}): SweepTable {
  const op = 'explore.sweepStarts';
  const p = prepare(op, f, options);
  const list = nonEmpty(op, 'starts', starts, isStart, 'a finite number or an array of finite numbers', 'start points (numbers or arrays of numbers)');
  const lr = p.descendOptions.lr ?? 0.01;
  const epochs = p.descendOptions.epochs ?? 100;
  return table('starts', list.map((s) => runRow(f, s, lr, epochs, p)), p);
}

/** One run per learning rate from the same start (same epochs). */
export function sweepLr(f: Objective, x0: number | readonly number[], lrs: readonly number[], options: SweepOptions = {}): SweepTable {
  const op = 'explore.sweepLr';
  const p = prepare(op, f, options);
  const start = startOf(op, x0);
  const list = nonEmpty(op, 'lrs', lrs, isRate, 'a finite number >= 0', 'finite numbers >= 0');
  const epochs = p.descendOptions.epochs ?? 100;
  return table('lr', list.map((lr) => runRow(f, start, lr, epochs, p)), p);
}

/** One run per number of epochs from the same start (same lr). */
export function sweepEpochs(f: Objective, x0: number | readonly number[], epochsList: readonly number[], options: SweepOptions = {}): SweepTable {
  const op = 'explore.sweepEpochs';
  const p = prepare(op, f, options);
  const start = startOf(op, x0);
  const list = nonEmpty(op, 'epochs', epochsList, isEpochs, 'a non-negative integer', 'non-negative integers');
  const lr = p.descendOptions.lr ?? 0.01;
  return table('epochs', list.map((e) => runRow(f, start, lr, e, p)), p);
}

/** One run per (lr, epochs) pair of the grid lrs × epochsList, lr-major, from the same start. */
export function sweepLrEpochs(f: Objective, x0: number | readonly number[], lrs: readonly number[], epochsList: readonly number[], options: SweepOptions = {}): SweepTable {
  const op = 'explore.sweepLrEpochs';
  const p = prepare(op, f, options);
  const start = startOf(op, x0);
  const lrList = nonEmpty(op, 'lrs', lrs, isRate, 'a finite number >= 0', 'finite numbers >= 0');
  const eList = nonEmpty(op, 'epochs', epochsList, isEpochs, 'a non-negative integer', 'non-negative integers');
  const runs: [SweepRow, DescentResult][] = [];
  for (const lr of lrList) for (const e of eList) runs.push(runRow(f, start, lr, e, p));
  return table('lrEpochs', runs, p);
}

/**
 * `n` runs from starts drawn uniformly over the domain with a seeded generator (the same seed gives
 * the same starts and the same table).
 */
export function sweepRandomStarts(f: Objective, n: number, options: RandomStartsOptions = {}): SweepTable {
  const op = 'explore.sweepRandomStarts';
  const p = prepare(op, f, options, ['seed', 'domain']);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new ArgumentError(op, 'n', `must be a positive integer, got ${String(n)}`);
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) throw new ArgumentError(op, 'seed', `must be a non-negative integer, got ${String(seed)}`);
  const domain = options.domain ?? p.landscape?.domain;
  if (domain === undefined) throw new ArgumentError(op, 'domain', 'is required for a plain function (a landscape brings its own)');
  checkDomain(op, domain);
  const gen = new Generator(seed);
  const lr = p.descendOptions.lr ?? 0.01;
  const epochs = p.descendOptions.epochs ?? 100;
  const runs: [SweepRow, DescentResult][] = [];
  for (let i = 0; i < n; i++) {
    const s = domain.map(([lo, hi]) => lo + (hi - lo) * gen.nextFloat53());
    runs.push(runRow(f, s.length === 1 ? s[0]! : s, lr, epochs, p));
  }
  return table('randomStarts', runs, p);
}

function checkDomain(op: string, domain: unknown): asserts domain is readonly (readonly [number, number])[] {
  const ok = Array.isArray(domain) && domain.length > 0 && domain.every((d) => Array.isArray(d) && d.length === 2 && Number.isFinite(d[0]) && Number.isFinite(d[1]) && d[0] < d[1]);
  if (!ok) throw new ArgumentError(op, 'domain', `must be one [lo, hi] with lo < hi per dimension, got ${JSON.stringify(domain)}`);
}

/**
 * Evenly spaced start points over a domain: n per dimension (1-D: n numbers; 2-D: n×n points, x-major).
 *
 * @example
 * explore.startGrid([[-2, 2]], 5); // [-2, -1, 0, 1, 2]
 */
export function startGrid(domain: readonly (readonly [number, number])[], n: number): (number | number[])[] {
  const op = 'explore.startGrid';
  checkDomain(op, domain);
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new ArgumentError(op, 'n', `must be a positive integer, got ${String(n)}`);
  const axis = ([lo, hi]: readonly [number, number]): number[] => Array.from({ length: n }, (_, i) => (n === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * i) / (n - 1)));
  if (domain.length === 1) return axis(domain[0]!);
  let pts: number[][] = [[]];
  for (const d of domain) pts = pts.flatMap((p) => axis(d).map((v) => [...p, v]));
  return pts;
}
