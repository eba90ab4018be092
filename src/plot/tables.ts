// Pictures of tables: explore sweeps (where starts end, what each rate or epoch count gives, an lr × epochs
// heat map) and a training History's loss and metric curves. Each returns a Chart (a Vega-Lite spec).

import { ArgumentError, checkOptions } from '../core/errors.js';
import { SweepTable } from '../explore/sweep.js';
import type { History } from '../train/fit.js';
import { landscapeLayers } from './descent.js';
import { Chart, type JsonValue, type VegaLiteSpec } from './render.js';
import { sample1d } from './sample.js';

type Row = Record<string, JsonValue>;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const fmt = (v: number): string => (!Number.isFinite(v) ? String(v) : Number.isInteger(v) ? String(v) : Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(1) : Number(v.toPrecision(3)).toString());
const PALETTE = ['#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#bcbd22', '#393b79', '#637939'];

/** The colour scale of 'reached': critical points in the landscape's order, then 'none' (grey), 'diverged' (red). */
function reachedScale(table: SweepTable): Record<string, JsonValue> {
  const seen = new Set(table.rows.map((r) => r.reached));
  const known = (table.landscape?.critical ?? []).map((c) => c.label).filter((l) => seen.has(l));
  const others = [...seen].filter((l) => !known.includes(l) && l !== 'none' && l !== 'diverged');
  const labels = [...known, ...others];
  const domain = [...labels, ...['none', 'diverged'].filter((l) => seen.has(l))];
  const range = [...labels.map((_, i) => PALETTE[i % PALETTE.length]!), ...(seen.has('none') ? ['#9e9e9e'] : []), ...(seen.has('diverged') ? ['#d62728'] : [])];
  return { domain, range };
}

/** Options of {@link sweep}. */
export interface SweepPlotOptions {
  title?: string;
  /** lrEpochs heat map: colour cells by where the run ended ('reached', default), f there ('value') or the steps taken. */
  color?: 'reached' | 'value' | 'steps';
}

/**
 * A picture of a sweep, by what it varied:
 * - starts / random starts, 1-D: the start points on the curve of f, coloured by where each run ended;
 * - starts / random starts, 2-D: the start points over the landscape's iso-lines, coloured likewise (the basins);
 * - lr, epochs: one bar per value, as high as the steps taken, coloured by where the run ended, with f at the end printed above;
 * - lrEpochs: a heat map over learning rate × epochs, coloured by where each run ended (or f, or steps), f printed in each cell.
 */
export function sweep(table: SweepTable, options: SweepPlotOptions = {}): Chart {
  const op = 'plot.sweep';
  checkOptions(op, options, ['title', 'color']);
  if (!(table instanceof SweepTable)) throw new ArgumentError(op, 'table', 'must be an explore sweep table (explore.sweepStarts, sweepLr, ...)');
  const color = options.color ?? 'reached';
  if (color !== 'reached' && color !== 'value' && color !== 'steps') throw new ArgumentError(op, 'color', `must be 'reached', 'value' or 'steps', got ${JSON.stringify(color)}`);
  const name = table.landscape?.name ?? 'f';
  const reached = { field: 'reached', type: 'nominal', scale: reachedScale(table), legend: { title: 'ended at', orient: 'right' } };
  const r0 = table.rows[0]!;
  const setting = (what: 'lr' | 'epochs'): string => (table.rows.every((r) => r[what] === r0[what]) ? `${what}=${fmt(r0[what])}` : '');
  if (table.kind === 'starts' || table.kind === 'randomStarts') {
    const title = options.title ?? `${name}: where ${table.rows.length} ${table.kind === 'randomStarts' ? 'random ' : ''}starts end (${[setting('lr'), setting('epochs') && `${r0.epochs} epochs`].filter(Boolean).join(', ')})`;
    if (table.dims === 1) return starts1d(table, title, reached);
    if (table.dims === 2) return starts2d(table, title, reached);
    throw new ArgumentError(op, 'table', `has ${table.dims}-D start points; start sweeps are drawn in 1-D and 2-D`);
  }
  if (table.kind === 'lr' || table.kind === 'epochs') {
    const what = table.kind;
    const rows: Row[] = table.rows.map((r, i) => ({ i, param: fmt(r[what]), steps: r.steps, reached: r.reached, label: r.stoppedBecause === 'diverged' ? 'diverged' : `f=${fmt(r.value)}` }));
    const x = { field: 'param', type: 'ordinal', sort: [...new Set(rows.map((r) => r.param as string))], axis: { title: what === 'lr' ? 'learning rate' : 'epochs', labelAngle: 0 } };
    const other = what === 'lr' ? `${r0.epochs} epochs` : `lr=${fmt(r0.lr)}`;
    return new Chart({
      $schema: SCHEMA,
      title: options.title ?? `${name}: steps taken and where each run ends, by ${what === 'lr' ? 'learning rate' : 'epochs'} (${other}, x0=${r0.x0.map(fmt).join(',')})`,
      data: { values: rows },
      layer: [
        { name: 'bars', mark: { type: 'bar' }, encoding: { x, y: { field: 'steps', type: 'quantitative', axis: { title: 'steps taken' } }, color: reached } },
        { name: 'bar_labels', mark: { type: 'text', dy: -6, fontSize: 10 }, encoding: { x, y: { field: 'steps', type: 'quantitative' }, text: { field: 'label' } } },
      ],
    });
  }
  // lrEpochs
  const rows: Row[] = table.rows.map((r) => ({ lr: fmt(r.lr), lrValue: r.lr, epochs: r.epochs, reached: r.reached, value: Number.isFinite(r.value) ? r.value : null, steps: r.steps, label: r.stoppedBecause === 'diverged' ? 'div.' : fmt(r.value) }));
  const colorEnc: Record<string, JsonValue> = color === 'reached'
    ? reached
    : { field: color, type: 'quantitative', scale: { scheme: color === 'value' ? 'viridis' : 'blues' }, legend: { title: color === 'value' ? 'f at the end' : 'steps', orient: 'right' } };
  const cellX = { field: 'epochs', type: 'ordinal', sort: [...new Set(table.rows.map((r) => r.epochs))].sort((a, b) => a - b), axis: { title: 'epochs', labelAngle: 0 } };
  const cellY = { field: 'lr', type: 'ordinal', sort: [...new Set(table.rows.map((r) => r.lr))].sort((a, b) => b - a).map(fmt), axis: { title: 'learning rate' } };
  const spec: VegaLiteSpec = {
    $schema: SCHEMA,
    title: options.title ?? `${name}: learning rate × epochs from x0=${r0.x0.map(fmt).join(',')} (cells: f at the end)`,
    data: { values: rows },
    layer: [
      { name: 'cells', mark: { type: 'rect', stroke: 'white', strokeWidth: 1 }, encoding: { x: cellX, y: cellY, color: colorEnc } },
      { name: 'cell_labels', mark: { type: 'text', fontSize: 11, color: 'black' }, encoding: { x: cellX, y: cellY, text: { field: 'label' } } },
    ],
  };
  return new Chart(spec);
}

function starts1d(table: SweepTable, title: string, reached: Record<string, JsonValue>): Chart {
  const layers: JsonValue[] = [];
  const L = table.landscape;
  const x0s = table.rows.map((r) => r.x0[0]!);
  if (L !== null && L.dims === 1) {
    const [lo, hi] = L.domain[0]!;
    const lo2 = Math.min(lo, ...x0s);
    const hi2 = Math.max(hi, ...x0s);
    const s = sample1d(L.f, lo2, hi2, 400);
    const xScale = { domain: [lo2, hi2], nice: false, zero: false };
    layers.push({ name: 'curve_f', data: { values: s.xs.map((x, i) => ({ x, f: Number.isFinite(s.fs[i]!) ? s.fs[i]! : null })) }, mark: { type: 'line', color: '#888888', strokeWidth: 1.5 }, encoding: { x: { field: 'x', type: 'quantitative', scale: xScale, axis: { title: 'start x0' } }, y: { field: 'f', type: 'quantitative', axis: { title: 'f(x0)' } } } });
    const starts: Row[] = table.rows.map((r, i) => ({ x: r.x0[0]!, f: table.results[i]!.values[0]!, reached: r.reached }));
    layers.push({ name: 'starts', data: { values: starts }, mark: { type: 'circle', size: 70, opacity: 0.95, stroke: 'black', strokeWidth: 0.5 }, encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'f', type: 'quantitative' }, color: reached } });
  } else {
    const starts: Row[] = table.rows.map((r) => ({ x: r.x0[0]!, end: Number.isFinite(r.final[0]!) ? r.final[0]! : null, reached: r.reached }));
    layers.push({ name: 'starts', data: { values: starts }, mark: { type: 'circle', size: 70, opacity: 0.95 }, encoding: { x: { field: 'x', type: 'quantitative', axis: { title: 'start x0' } }, y: { field: 'end', type: 'quantitative', axis: { title: 'final x' } }, color: reached } });
  }
  return new Chart({ $schema: SCHEMA, title, layer: layers });
}

function starts2d(table: SweepTable, title: string, reached: Record<string, JsonValue>): Chart {
  const L = table.landscape;
  const layers: JsonValue[] = L !== null && L.dims === 2 ? landscapeLayers(L.f, L.domain, 0, 14, 90, L.critical, true) : [];
  const starts: Row[] = table.rows.map((r) => ({ x: r.x0[0]!, y: r.x0[1]!, reached: r.reached }));
  const scale = (i: number): Record<string, JsonValue> => (L !== null && L.dims === 2 ? { domain: [...L.domain[i]!], nice: false, zero: false } : { zero: false });
  layers.push({
    name: 'starts',
    data: { values: starts },
    mark: { type: 'circle', size: 60, opacity: 0.95, stroke: 'black', strokeWidth: 0.5, clip: true },
    encoding: { x: { field: 'x', type: 'quantitative', scale: scale(0), axis: { title: 'x' } }, y: { field: 'y', type: 'quantitative', scale: scale(1), axis: { title: 'y' } }, color: reached },
  });
  return new Chart({ $schema: SCHEMA, title, layer: layers });
}

/** Options of {@link history}. */
export interface HistoryPlotOptions {
  /** The logged names to draw; default all but 'lr'. */
  keys?: readonly string[];
  title?: string;
}

/**
 * Loss and metric curves of a training History (fit()'s) against the epoch: names containing 'loss' on
 * the left axis, the others (accuracy, ...) on a right axis.
 *
 * @example
 * const h = await train.fit(model, { ... });
 * await plot.save(plot.history(h), 'history.png');
 */
export function history(h: Pick<History, 'epochs' | 'values'>, options: HistoryPlotOptions = {}): Chart {
  const op = 'plot.history';
  checkOptions(op, options, ['keys', 'title']);
  if (h === null || typeof h !== 'object' || !Array.isArray(h.epochs) || typeof h.values !== 'object' || h.values === null) {
    throw new ArgumentError(op, 'history', 'must be a train.History (with epochs and values)');
  }
  const all = Object.keys(h.values);
  const keys = options.keys ? [...options.keys] : all.filter((k) => k !== 'lr');
  for (const k of keys) if (!all.includes(k)) throw new ArgumentError(op, 'keys', `names '${k}', which the history did not log (logged: ${all.join(', ') || 'nothing'})`);
  if (keys.length === 0) throw new ArgumentError(op, 'keys', 'must name at least one logged value');
  const isLoss = (k: string): boolean => /loss/i.test(k);
  const rows = (pick: (k: string) => boolean): Row[] =>
    keys.filter(pick).flatMap((k) => h.epochs.map((e, i) => ({ epoch: e + 1, name: k, value: h.values[k]![i]! })).filter((r) => Number.isFinite(r.value)));
  const losses = keys.filter(isLoss);
  const others = keys.filter((k) => !isLoss(k));
  const color = { field: 'name', type: 'nominal', scale: { domain: keys, scheme: 'category10' }, legend: { title: null, orient: 'right' } };
  const x = { field: 'epoch', type: 'quantitative', axis: { title: 'epoch', tickMinStep: 1 } };
  const layer = (name: string, data: Row[], title: string, orient: 'left' | 'right'): JsonValue => ({
    name,
    data: { values: data },
    mark: { type: 'line', strokeWidth: 2, point: true },
    encoding: { x, y: { field: 'value', type: 'quantitative', scale: { zero: false }, axis: { title, orient } }, color },
  });
  const layers: JsonValue[] = [];
  if (losses.length) layers.push(layer('losses', rows(isLoss), losses.length === 1 ? losses[0]! : 'loss', 'left'));
  if (others.length) layers.push(layer('metrics', rows((k) => !isLoss(k)), others.length === 1 ? others[0]! : others.join(', '), losses.length ? 'right' : 'left'));
  return new Chart({
    $schema: SCHEMA,
    title: options.title ?? `training history (${h.epochs.length} epoch${h.epochs.length === 1 ? '' : 's'})`,
    layer: layers,
    resolve: { scale: { y: 'independent' } },
  });
}
