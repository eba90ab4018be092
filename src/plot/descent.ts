// Pictures of descents: a 1-D function with its derivative and the path (points numbered and coloured by
// step), a 2-D landscape as a heat map with iso-lines and the paths of several runs, and per-step curves
// (f, learning rate, gradient norm) of several runs side by side. Each returns a Chart (a Vega-Lite spec).

import { ArgumentError, checkOptions } from '../core/errors.js';
import { objectiveFn, type DescentResult, type Objective } from '../explore/descend.js';
import type { CriticalPoint } from '../explore/landscapes.js';
import type { Tensor } from '../tensor.js';
import { Chart, type JsonValue, type VegaLiteSpec } from './render.js';
import { contourLevels, contourSegments, sample1d, sample2d } from './sample.js';

/** A run to draw: a descend() result, or one with the label to show for it. */
export type Run = DescentResult | { readonly label: string; readonly result: DescentResult };

type Row = Record<string, JsonValue>;

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : Number(v.toPrecision(3)).toString());

function isResult(x: unknown): x is DescentResult {
  return x !== null && typeof x === 'object' && Array.isArray((x as DescentResult).points) && Array.isArray((x as DescentResult).values);
}

/** Runs as [label, result] pairs; unlabelled runs are named by their start (and rate when rates differ). */
export function labelledRuns(op: string, runs: Run | readonly Run[]): [string, DescentResult][] {
  const list = isResult(runs) || (runs !== null && typeof runs === 'object' && !Array.isArray(runs)) ? [runs as Run] : [...(runs as readonly Run[])];
  if (list.length === 0) return [];
  const out = list.map((r, i): [string | null, DescentResult] => {
    if (isResult(r)) return [null, r];
    if (r !== null && typeof r === 'object' && typeof r.label === 'string' && isResult(r.result)) return [r.label, r.result];
    throw new ArgumentError(op, `runs[${i}]`, 'must be an explore.descend() result or { label, result }');
  });
  const rates = new Set(out.map(([, r]) => r.lrs[0] ?? 0));
  const seen = new Map<string, number>();
  return out.map(([label, r]) => {
    let name = label ?? `x0=${r.points[0]!.map(fmt).join(',')}${rates.size > 1 ? ` lr=${fmt(r.lrs[0] ?? 0)}` : ''}`;
    const n = seen.get(name) ?? 0;
    seen.set(name, n + 1);
    if (n > 0) name = `${name} (${n + 1})`;
    return [name, r];
  });
}

function checkDomain(op: string, domain: unknown, dims: number): readonly (readonly [number, number])[] {
  const ok = Array.isArray(domain) && domain.length === dims && domain.every((d) => Array.isArray(d) && d.length === 2 && Number.isFinite(d[0]) && Number.isFinite(d[1]) && d[0] < d[1]);
  if (!ok) throw new ArgumentError(op, 'domain', `must be ${dims} [lo, hi] pair(s) with lo < hi, got ${JSON.stringify(domain)}`);
  return domain as readonly (readonly [number, number])[];
}

function domainOf(op: string, f: Objective, given: unknown, dims: number): readonly (readonly [number, number])[] {
  if (given !== undefined) return checkDomain(op, given, dims);
  if (typeof f !== 'function') {
    if (f.dims !== dims) throw new ArgumentError(op, 'f', `is the ${f.dims}-D landscape '${f.name}', this plot draws ${dims}-D functions`);
    return f.domain;
  }
  throw new ArgumentError(op, 'domain', 'is required for a plain function (a landscape brings its own)');
}

/**
 * Up to `max` step numbers to print per run, evenly spread over its steps with its first and last
 * included, none within `near` (axis units) of a number already printed: `taken`, shared by all runs,
 * holds the places printed so far.
 */
function labelledSteps(xy: readonly (readonly [number, number])[], max: number, near: readonly [number, number], taken: [number, number][]): Set<number> {
  const n = xy.length;
  if (n === 0) return new Set();
  const every = n <= max ? 1 : Math.ceil((n - 1) / (max - 1));
  const free = (p: readonly [number, number], among: readonly (readonly [number, number])[]): boolean => !among.some((q) => Math.abs(p[0] - q[0]) < near[0] && Math.abs(p[1] - q[1]) < near[1]);
  // the first and the last step first, then the others where there is room
  const order = [0, ...(n > 1 ? [n - 1] : [])];
  for (let i = every; i < n - 1; i += every) order.push(i);
  const kept: number[] = [];
  for (const i of order) {
    if (free(xy[i]!, taken)) {
      kept.push(i);
      taken.push([xy[i]![0], xy[i]![1]]);
    }
  }
  return new Set(kept);
}

const F_COLOR = '#1f4e99';
const DF_COLOR = '#e4572e';

const axis = (title: string, extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ title, ...extra });

/** Options of {@link descent1d}. */
export interface Descent1dOptions {
  /** The x range drawn; default the landscape's domain (required for a plain function). */
  domain?: readonly (readonly [number, number])[];
  /** Points of the curves; default 400. */
  samples?: number;
  /** Draw f′ (by autograd) on a second axis; default true. */
  derivative?: boolean;
  title?: string;
  /** The most step numbers printed along a path; default 12. */
  maxLabels?: number;
}

/**
 * A 1-D function with its derivative (right axis) and one or more descent paths. One run: its points are
 * coloured by step (legend 'step') and numbered; several runs: one colour per run. Points outside the
 * drawn range (a diverging run) are clipped.
 *
 * @example
 * const L = explore.landscapes.poly6;
 * const chart = plot.descent1d(L, explore.descend(L, 0.5, { lr: 0.01, epochs: 200 }));
 * await plot.save(chart, 'poly6.png');
 */
export function descent1d(f: Objective, runs: Run | readonly Run[] = [], options: Descent1dOptions = {}): Chart {
  const op = 'plot.descent1d';
  checkOptions(op, options, ['domain', 'samples', 'derivative', 'title', 'maxLabels']);
  const fn = objectiveFn(op, f);
  const [[lo, hi]] = domainOf(op, f, options.domain, 1) as [readonly [number, number]];
  const samples = options.samples ?? 400;
  if (!Number.isInteger(samples) || samples < 2 || samples > 100000) throw new ArgumentError(op, 'samples', `must be an integer in [2, 100000], got ${String(samples)}`);
  const maxLabels = options.maxLabels ?? 12;
  if (!Number.isInteger(maxLabels) || maxLabels < 2) throw new ArgumentError(op, 'maxLabels', `must be an integer >= 2, got ${String(maxLabels)}`);
  const named = labelledRuns(op, runs);
  named.forEach(([label, r]) => {
    if (r.points[0]!.length !== 1) throw new ArgumentError(op, 'runs', `'${label}' is a ${r.points[0]!.length}-D run; descent1d draws 1-D runs`);
  });
  const s = sample1d(fn, lo, hi, samples);
  const finite = s.fs.filter(Number.isFinite);
  const fLo = Math.min(...finite);
  const fHi = Math.max(...finite);
  const pad = (fHi - fLo) * 0.05 || 1;
  const fDomain = [fLo - pad, fHi + pad];
  const curve: Row[] = s.xs.map((x, i) => ({ x, f: Number.isFinite(s.fs[i]!) ? s.fs[i]! : null, df: Number.isFinite(s.dfs[i]!) ? s.dfs[i]! : null }));
  const single = named.length === 1;
  const path: Row[] = [];
  const taken: [number, number][] = [];
  named.forEach(([run, r]) => {
    const labels = labelledSteps(r.points.map((p, i): [number, number] => [p[0]!, r.values[i]!]), maxLabels, [(hi - lo) * 0.03, (fDomain[1]! - fDomain[0]!) * 0.04], taken);
    r.points.forEach((p, step) => {
      const x = p[0]!;
      const v = r.values[step]!;
      if (!(x >= lo && x <= hi) || !(v >= fDomain[0]! && v <= fDomain[1]!)) return;
      path.push({ run, step, x, f: v, label: labels.has(step) ? String(step) : '' });
    });
  });
  const xEnc = { field: 'x', type: 'quantitative', scale: { domain: [lo, hi], nice: false, zero: false }, axis: axis('x') };
  const yEnc = { field: 'f', type: 'quantitative', scale: { domain: fDomain, nice: false, zero: false }, axis: axis('f(x) (solid)', { titleColor: F_COLOR }) };
  // NOTE: the layers' colour scales are independent (f's curve, steps, runs); run-coloured layers repeat the
  // same domain and scheme so a run has one colour everywhere.
  const runScale = { domain: named.map(([n]) => n), scheme: 'dark2' };
  const runColor: Record<string, JsonValue> = single
    ? { field: 'step', type: 'quantitative', scale: { scheme: 'plasma' }, legend: { title: 'step', orient: 'right' } }
    : { field: 'run', type: 'nominal', scale: runScale, legend: { title: 'run', orient: 'right' } };
  const fLayers: JsonValue[] = [
    { name: 'curve_f', data: { values: curve }, mark: { type: 'line', strokeWidth: 2, color: F_COLOR, clip: true }, encoding: { x: xEnc, y: yEnc } },
  ];
  if (path.length) {
    fLayers.push(
      { name: 'descent_paths', data: { values: path }, mark: { type: 'line', strokeWidth: 1, opacity: 0.6, clip: true }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'f', type: 'quantitative' }, order: { field: 'step' }, detail: { field: 'run' }, color: single ? { value: '#555555' } : { field: 'run', type: 'nominal', scale: runScale, legend: null } } },
      { name: 'descent_points', data: { values: path }, mark: { type: 'circle', size: 45, opacity: 0.9, clip: true }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'f', type: 'quantitative' }, color: runColor } },
      { name: 'path_starts', data: { values: path }, transform: [{ filter: 'datum.step == 0' }], mark: { type: 'point', size: 220, strokeWidth: 2, filled: false, clip: true }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'f', type: 'quantitative' }, color: single ? { value: 'black' } : { field: 'run', type: 'nominal', scale: runScale, legend: null } } },
      { name: 'step_numbers', data: { values: path }, transform: [{ filter: "datum.label != ''" }], mark: { type: 'text', dy: -13, fontSize: 10, clip: true }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'f', type: 'quantitative' }, text: { field: 'label' } } },
    );
  }
  const layers: JsonValue[] = [{ layer: fLayers, resolve: { scale: { color: 'independent' } } }];
  if (options.derivative ?? true) {
    layers.push({
      name: 'curve_df',
      data: { values: curve },
      mark: { type: 'line', strokeWidth: 1.5, strokeDash: [6, 3], color: DF_COLOR, clip: true },
      encoding: { x: xEnc, y: { field: 'df', type: 'quantitative', axis: axis("f'(x) (dashed)", { orient: 'right', titleColor: DF_COLOR, grid: false }) } },
    });
  }
  const name = typeof f === 'function' ? 'f' : f.name;
  const title = options.title ?? (named.length ? `${name}: ${named.length === 1 ? describe(named[0]![1]) : `${named.length} runs`}` : name);
  const spec: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    layer: layers,
    resolve: { scale: { y: 'independent', color: 'independent' } },
  };
  return new Chart(spec);
}

/** 'x0=0.5, lr=0.01: 189 steps, converged at 1.19e-7'. */
function describe(r: DescentResult): string {
  const end = r.final.map(fmt).join(', ');
  return `x0=${r.points[0]!.map(fmt).join(', ')}, lr=${fmt(r.lrs[0] ?? 0)}: ${r.steps} steps, ${r.stoppedBecause === 'epochs' ? 'stopped' : r.stoppedBecause} at ${end}`;
}

/** Options of {@link landscape2d}. */
export interface Landscape2dOptions {
  /** The x and y ranges drawn; default the landscape's domain (required for a plain function). */
  domain?: readonly (readonly [number, number])[];
  /** Cells per side of the heat map; default 50. */
  grid?: number;
  /** Number of iso-lines (0 for none); default 12. */
  levels?: number;
  /** Grid points per side for the iso-lines; default 90. */
  contourGrid?: number;
  /** Mark the landscape's known critical points; default true. */
  critical?: boolean;
  title?: string;
}

/** A 2-D landscape: heat map of f (legend), iso-lines, the known critical points, and one path per run. */
export function landscape2d(f: Objective, runs: Run | readonly Run[] = [], options: Landscape2dOptions = {}): Chart {
  const op = 'plot.landscape2d';
  checkOptions(op, options, ['domain', 'grid', 'levels', 'contourGrid', 'critical', 'title']);
  const fn = objectiveFn(op, f);
  const domain = domainOf(op, f, options.domain, 2);
  const grid = options.grid ?? 50;
  const levels = options.levels ?? 12;
  const cgrid = options.contourGrid ?? 90;
  for (const [n, v, min] of [['grid', grid, 2], ['levels', levels, 0], ['contourGrid', cgrid, 2]] as const) {
    if (!Number.isInteger(v) || v < min || v > 1000) throw new ArgumentError(op, n, `must be an integer in [${min}, 1000], got ${String(v)}`);
  }
  const named = labelledRuns(op, runs);
  named.forEach(([label, r]) => {
    if (r.points[0]!.length !== 2) throw new ArgumentError(op, 'runs', `'${label}' is a ${r.points[0]!.length}-D run; landscape2d draws 2-D runs`);
  });
  const layers = landscapeLayers(fn, domain, grid, levels, cgrid, options.critical ?? true ? (typeof f === 'function' ? [] : f.critical) : []);
  const [[xlo, xhi], [ylo, yhi]] = domain as [readonly [number, number], readonly [number, number]];
  const path: Row[] = [];
  const ends: Row[] = [];
  for (const [run, r] of named) {
    r.points.forEach((p, step) => {
      if (p[0]! >= xlo && p[0]! <= xhi && p[1]! >= ylo && p[1]! <= yhi) path.push({ run, step, x: p[0]!, y: p[1]! });
    });
    const first = r.points[0]!;
    const last = r.final;
    ends.push({ run, x: first[0]!, y: first[1]!, where: 'start' });
    if (r.stoppedBecause !== 'diverged') ends.push({ run, x: last[0]!, y: last[1]!, where: 'end' });
  }
  if (path.length) {
    const xy = { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } };
    const color = { field: 'run', type: 'nominal', scale: { scheme: 'category10' }, legend: { title: 'run', orient: 'right' } };
    layers.push(
      { name: 'descent_paths', data: { values: path }, mark: { type: 'line', strokeWidth: 2.5, clip: true }, encoding: { ...xy, order: { field: 'step' }, detail: { field: 'run' }, color } },
      { name: 'descent_points', data: { values: path }, mark: { type: 'circle', size: 14, opacity: 1, stroke: 'black', strokeWidth: 0.4, clip: true }, encoding: { ...xy, color: { ...color, legend: null } } },
      {
        name: 'path_ends',
        data: { values: ends },
        mark: { type: 'point', filled: true, size: 110, stroke: 'black', strokeWidth: 1, clip: true },
        encoding: { ...xy, color: { ...color, legend: null }, shape: { field: 'where', type: 'nominal', scale: { domain: ['start', 'end'], range: ['square', 'diamond'] }, legend: { title: null, orient: 'bottom-right' } } },
      },
    );
  }
  const name = typeof f === 'function' ? 'f(x, y)' : f.name;
  const spec: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? (named.length ? `${name}: ${named.length} run${named.length > 1 ? 's' : ''}` : name),
    layer: layers,
    resolve: { scale: { color: 'independent', shape: 'independent' } },
  };
  return new Chart(spec);
}

/** The heat map, iso-line and critical-point layers of a 2-D landscape (shared with the sweep plots). */
export function landscapeLayers(
  fn: (x: Tensor) => Tensor,
  domain: readonly (readonly [number, number])[],
  grid: number,
  levels: number,
  contourGrid: number,
  critical: readonly CriticalPoint[],
  onWhite = false,
): JsonValue[] {
  const [[xlo, xhi], [ylo, yhi]] = domain as [readonly [number, number], readonly [number, number]];
  const xScale = { domain: [xlo, xhi], nice: false, zero: false };
  const yScale = { domain: [ylo, yhi], nice: false, zero: false };
  const xEnc = { field: 'x', type: 'quantitative', scale: xScale, axis: axis('x', { grid: onWhite }) };
  const yEnc = { field: 'y', type: 'quantitative', scale: yScale, axis: axis('y', { grid: onWhite }) };
  const out: JsonValue[] = [];
  if (grid > 0) out.push(heatmapLayer(fn, domain, grid));
  const ink = onWhite ? '#555555' : 'white';
  if (levels > 0) {
    const s = sample2d(fn, domain, contourGrid, contourGrid);
    const segs = contourSegments(s, contourLevels(s.values, levels));
    if (segs.length) {
      out.push({
        name: 'contours',
        data: { values: segs as unknown as JsonValue[] },
        mark: { type: 'rule', color: ink, strokeWidth: 0.8, opacity: onWhite ? 0.7 : 0.55 },
        encoding: { x: xEnc, y: yEnc, x2: { field: 'x2' }, y2: { field: 'y2' } },
      });
    }
  }
  const crit = critical.filter((c) => c.kind !== 'saddle' && c.point[0]! >= xlo && c.point[0]! <= xhi && c.point[1]! >= ylo && c.point[1]! <= yhi);
  if (crit.length) {
    out.push({
      name: 'critical_points',
      data: { values: crit.map((c) => ({ x: c.point[0]!, y: c.point[1]!, kind: c.kind, label: c.kind === 'min' ? `min ${fmt(c.value)}` : `max ${fmt(c.value)}` })) },
      layer: [
        { mark: { type: 'point', shape: 'cross', size: 70, filled: true, color: onWhite ? 'black' : 'white', stroke: onWhite ? 'white' : 'black', strokeWidth: 0.6 }, encoding: { x: xEnc, y: yEnc } },
        { mark: { type: 'text', dx: 7, dy: -7, align: 'left', fontSize: 10, color: onWhite ? 'black' : 'white' }, encoding: { x: xEnc, y: yEnc, text: { field: 'label' } } },
      ],
    });
  }
  return out;
}

/** A heat map of f: grid × grid cells over the domain, coloured by f at their centres. */
function heatmapLayer(fn: (x: Tensor) => Tensor, domain: readonly (readonly [number, number])[], grid: number): JsonValue {
  const [[xlo, xhi], [ylo, yhi]] = domain as [readonly [number, number], readonly [number, number]];
  const cells = sample2d(fn, [[xlo + (xhi - xlo) / (2 * grid), xhi - (xhi - xlo) / (2 * grid)], [ylo + (yhi - ylo) / (2 * grid), yhi - (yhi - ylo) / (2 * grid)]], grid, grid);
  const hx = (xhi - xlo) / (2 * grid);
  const hy = (yhi - ylo) / (2 * grid);
  const heat: Row[] = [];
  cells.values.forEach((v, k) => {
    const x = cells.xs[k % grid]!;
    const y = cells.ys[Math.floor(k / grid)]!;
    // NOTE: each cell reaches 30% into its right and upper neighbours (drawn later, on top), so no
    // anti-aliased seams show between cells; the overhang past the domain is clipped.
    if (Number.isFinite(v)) heat.push({ x: x - hx, x2: x + 1.6 * hx, y: y - hy, y2: y + 1.6 * hy, f: v });
  });
  const xScale = { domain: [xlo, xhi], nice: false, zero: false };
  const yScale = { domain: [ylo, yhi], nice: false, zero: false };
  return {
    name: 'heatmap',
    data: { values: heat },
    mark: { type: 'rect', strokeWidth: 0, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: xScale, axis: axis('x', { grid: false }) },
      x2: { field: 'x2' },
      y: { field: 'y', type: 'quantitative', scale: yScale, axis: axis('y', { grid: false }) },
      y2: { field: 'y2' },
      color: { field: 'f', type: 'quantitative', scale: { scheme: 'viridis' }, legend: { title: 'f', orient: 'right', gradientLength: 160 } },
    },
  };
}

/** Which per-step quantity {@link trajectories} draws. */
export type TrajectoryQuantity = 'value' | 'lr' | 'gradNorm' | 'x';

/** Options of {@link trajectories}. */
export interface TrajectoriesOptions {
  /** What to draw against the step: f ('value', default), the learning rate, ‖∇f‖, or the first coordinate. */
  y?: TrajectoryQuantity;
  /** A logarithmic y axis (non-positive values are left out); default false. */
  logY?: boolean;
  title?: string;
}

/**
 * A per-step quantity of several runs as curves against the step, e.g. to compare learning-rate
 * schedules (`y: 'lr'`) or how fast f falls (`y: 'value'`).
 */
export function trajectories(runs: Run | readonly Run[], options: TrajectoriesOptions = {}): Chart {
  const op = 'plot.trajectories';
  checkOptions(op, options, ['y', 'logY', 'title']);
  const y = options.y ?? 'value';
  const names: Record<TrajectoryQuantity, string> = { value: 'f', lr: 'learning rate', gradNorm: '‖∇f‖', x: 'x' };
  if (!(y in names)) throw new ArgumentError(op, 'y', `must be 'value', 'lr', 'gradNorm' or 'x', got ${JSON.stringify(y)}`);
  const named = labelledRuns(op, runs);
  if (named.length === 0) throw new ArgumentError(op, 'runs', 'must contain at least one run');
  const logY = options.logY ?? false;
  const rows: Row[] = [];
  for (const [run, r] of named) {
    const series = y === 'value' ? r.values : y === 'lr' ? r.lrs : y === 'gradNorm' ? r.gradNorms : r.points.map((p) => p[0]!);
    series.forEach((v, step) => {
      if (Number.isFinite(v) && (!logY || v > 0)) rows.push({ run, step, v });
    });
  }
  const spec: VegaLiteSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: options.title ?? `${names[y]} per step`,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2, point: rows.length <= 400 ? { size: 16 } : false },
    encoding: {
      x: { field: 'step', type: 'quantitative', axis: axis('step') },
      y: { field: 'v', type: 'quantitative', scale: logY ? { type: 'log' } : { zero: false }, axis: axis(names[y]) },
      color: { field: 'run', type: 'nominal', scale: { scheme: 'category10' }, legend: { title: 'run', orient: 'right' } },
    },
  };
  return new Chart(spec);
}

