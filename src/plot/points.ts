// Pictures of samples: 2-D scatter plots of point sets (real data under generated samples, say) with
// optional circles (mode centres and their radius), and grids of small images (generated digits).
// Each returns a Chart (a Vega-Lite spec); nothing here writes SVG.

import { ArgumentError, ShapeError, checkOptions } from '../core/errors.js';
import { contiguous } from '../ops/layout.js';
import { Tensor } from '../tensor.js';
import { Chart, type JsonValue } from './render.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

/** Rows of an (n, 2) tensor or an array of [x, y] pairs. */
function pointsOf(op: string, arg: string, p: Tensor | readonly (readonly number[])[]): [number, number][] {
  if (p instanceof Tensor) {
    if (p.shape.length !== 2 || p.shape[1] !== 2) throw new ShapeError(op, arg, 'must be an (n, 2) tensor of points', { [arg]: p.shape });
    const d = contiguous(p).toTypedArray();
    const out: [number, number][] = [];
    for (let i = 0; i < p.shape[0]!; i++) out.push([Number(d[2 * i]), Number(d[2 * i + 1])]);
    return out;
  }
  if (!Array.isArray(p)) throw new ArgumentError(op, arg, 'must be an (n, 2) tensor or an array of [x, y] pairs');
  return p.map((q, i) => {
    if (!Array.isArray(q) || q.length !== 2 || typeof q[0] !== 'number' || typeof q[1] !== 'number') throw new ArgumentError(op, `${arg}[${i}]`, 'must be an [x, y] pair of numbers');
    return [q[0], q[1]] as [number, number];
  });
}

/** One set of points in a {@link scatter} plot. */
export interface ScatterSeries {
  /** Legend label. */
  name: string;
  points: Tensor | readonly (readonly number[])[];
  /** CSS colour; default from a palette in series order. */
  color?: string;
  /** Point opacity in [0, 1]; default 0.6. */
  opacity?: number;
  /** Point area in square pixels; default 12. */
  size?: number;
}

/** Options of {@link scatter}. */
export interface ScatterOptions {
  title?: string;
  /** Circles drawn over the points (e.g. mode centres with a 3σ radius). */
  circles?: readonly { center: readonly [number, number]; radius: number }[];
  /** Axis ranges [[xmin, xmax], [ymin, ymax]]; default: fitted to the data. */
  domain?: readonly [readonly [number, number], readonly [number, number]];
  /** Same scale on both axes (default true: circles stay round). */
  equalAxes?: boolean;
}

/**
 * A 2-D scatter plot of several point sets, drawn in the order given (later sets on top), with
 * optional circles.
 *
 * @example
 * await plot.save(plot.scatter([{ name: 'data', points: real, color: '#999' }, { name: 'generated', points: fake }],
 *   { circles: centres.map((c) => ({ center: c, radius: 0.15 })) }), 'ring.png');
 */
export function scatter(series: readonly ScatterSeries[], options: ScatterOptions = {}): Chart {
  const op = 'plot.scatter';
  checkOptions(op, options, ['title', 'circles', 'domain', 'equalAxes']);
  if (!Array.isArray(series) || series.length === 0) throw new ArgumentError(op, 'series', 'must be a non-empty array of { name, points }');
  const names = series.map((s, i) => {
    checkOptions(op, s, ['name', 'points', 'color', 'opacity', 'size']);
    if (typeof s.name !== 'string' || s.name === '') throw new ArgumentError(op, `series[${i}].name`, 'must be a non-empty string');
    return s.name;
  });
  if (new Set(names).size !== names.length) throw new ArgumentError(op, 'series', 'names must be unique');
  const rows: Record<string, JsonValue>[] = [];
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  series.forEach((s, i) => {
    for (const [x, y] of pointsOf(op, `series[${i}].points`, s.points)) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      rows.push({ x, y, series: s.name });
      [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    }
  });
  const circles = options.circles ?? [];
  const ring: Record<string, JsonValue>[] = [];
  circles.forEach((c, k) => {
    if (!Array.isArray(c.center) || c.center.length !== 2 || !(c.radius > 0)) throw new ArgumentError(op, `circles[${k}]`, 'must be { center: [x, y], radius > 0 }');
    for (let t = 0; t <= 64; t++) {
      const a = (2 * Math.PI * t) / 64;
      const x = c.center[0] + c.radius * Math.cos(a);
      const y = c.center[1] + c.radius * Math.sin(a);
      ring.push({ x, y, circle: k, t });
      [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    }
  });
  let domain = options.domain ?? (Number.isFinite(x0) ? [[x0, x1], [y0, y1]] as const : [[-1, 1], [-1, 1]] as const);
  if (options.domain === undefined && (options.equalAxes ?? true)) {
    // Pad to a square region around the data so both axes have the same scale.
    const [[a, b], [c, d]] = domain;
    const half = Math.max(b - a, d - c) / 2 || 1;
    const [mx, my] = [(a + b) / 2, (c + d) / 2];
    domain = [[mx - half * 1.05, mx + half * 1.05], [my - half * 1.05, my + half * 1.05]];
  }
  const colors = series.map((s, i) => s.color ?? PALETTE[i % PALETTE.length]!);
  const layers: JsonValue[] = series.map((s, i) => ({
    name: `series_${i}`,
    data: { values: rows.filter((r) => r.series === s.name) },
    mark: { type: 'circle', opacity: s.opacity ?? 0.6, size: s.size ?? 12 },
    encoding: {
      x: { field: 'x', type: 'quantitative', scale: { domain: [...domain[0]], nice: false }, axis: { title: 'x' } },
      y: { field: 'y', type: 'quantitative', scale: { domain: [...domain[1]], nice: false }, axis: { title: 'y' } },
      color: { field: 'series', type: 'nominal', scale: { domain: names, range: colors }, legend: { title: null } },
    },
  }));
  if (ring.length) {
    layers.push({
      name: 'circles',
      data: { values: ring },
      mark: { type: 'line', stroke: '#222', strokeWidth: 1, strokeDash: [3, 2], clip: true },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'y', type: 'quantitative' },
        detail: { field: 'circle', type: 'nominal' },
        order: { field: 't', type: 'quantitative' },
      },
    });
  }
  return new Chart({ $schema: SCHEMA, ...(options.title ? { title: options.title } : {}), layer: layers });
}

/** Options of {@link imageGrid}. */
export interface ImageGridOptions {
  title?: string;
  /** Images per row; default ceil(√N). */
  columns?: number;
  /** Pixel values shown as black..white over this range; default [min, max] of the images. */
  range?: readonly [number, number];
  /** Optional caption per image (e.g. a predicted class and confidence). */
  captions?: readonly string[];
}

/**
 * A grid of small grey-scale images (N, H, W) or (N, 1, H, W), e.g. generated digits: one heat-map cell
 * per pixel, images side by side with a one-pixel gap. Keep N·H·W moderate (64 digits of 28×28 is fine).
 */
export function imageGrid(images: Tensor, options: ImageGridOptions = {}): Chart {
  const op = 'plot.imageGrid';
  checkOptions(op, options, ['title', 'columns', 'range', 'captions']);
  if (!(images instanceof Tensor)) throw new ArgumentError(op, 'images', 'must be a Tensor (N, H, W) or (N, 1, H, W)');
  const s = images.shape;
  if (!(s.length === 3 || (s.length === 4 && s[1] === 1))) throw new ShapeError(op, 'images', 'must be (N, H, W) or (N, 1, H, W)', { images: s });
  const [n, h, w] = [s[0]!, s[s.length - 2]!, s[s.length - 1]!];
  const cols = options.columns ?? Math.max(1, Math.ceil(Math.sqrt(n)));
  if (!Number.isSafeInteger(cols) || cols < 1) throw new ArgumentError(op, 'columns', `must be a positive integer, got ${String(options.columns)}`);
  if (options.captions !== undefined && options.captions.length !== n) throw new ArgumentError(op, 'captions', `must have one caption per image (${n}), got ${options.captions.length}`);
  const d = contiguous(images).toTypedArray();
  let [lo, hi] = options.range ?? [Infinity, -Infinity];
  if (options.range === undefined) for (let i = 0; i < d.length; i++) [lo, hi] = [Math.min(lo, Number(d[i])), Math.max(hi, Number(d[i]))];
  const rows: Record<string, JsonValue>[] = [];
  const captions: Record<string, JsonValue>[] = [];
  const stride = { x: w + 1, y: h + (options.captions ? 4 : 1) };
  for (let k = 0; k < n; k++) {
    const [gx, gy] = [(k % cols) * stride.x, Math.floor(k / cols) * stride.y];
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) rows.push({ x: gx + c, y: gy + r, v: Number(d[k * h * w + r * w + c]) });
    }
    if (options.captions) captions.push({ x: gx + w / 2, y: gy + h + 2, text: options.captions[k]! });
  }
  const width = cols * stride.x - 1;
  const height = Math.ceil(n / cols) * stride.y - 1;
  const axis = null;
  const layers: JsonValue[] = [{
    name: 'pixels',
    data: { values: rows },
    // Each pixel's own colour as a thin stroke too: anti-aliased edges of adjacent rects otherwise let the
    // background show through as a faint grid.
    mark: { type: 'rect', strokeWidth: 1 },
    encoding: {
      x: { field: 'x', type: 'ordinal', axis, scale: { domain: Array.from({ length: width }, (_, i) => i), paddingInner: 0, paddingOuter: 0 } },
      y: { field: 'y', type: 'ordinal', axis, scale: { domain: Array.from({ length: height }, (_, i) => i), paddingInner: 0, paddingOuter: 0 } },
      color: { field: 'v', type: 'quantitative', scale: { domain: [lo, hi === lo ? lo + 1 : hi], range: ['#000000', '#ffffff'] }, legend: null },
      stroke: { field: 'v', type: 'quantitative', scale: { domain: [lo, hi === lo ? lo + 1 : hi], range: ['#000000', '#ffffff'] }, legend: null },
    },
  }];
  if (captions.length) {
    layers.push({
      name: 'captions',
      data: { values: captions },
      mark: { type: 'text', fontSize: 9, baseline: 'middle' },
      encoding: { x: { field: 'x', type: 'quantitative', axis, scale: { domain: [0, width], nice: false } }, y: { field: 'y', type: 'quantitative', axis, scale: { domain: [height, 0], nice: false } }, text: { field: 'text' } },
    });
  }
  return new Chart({
    $schema: SCHEMA, ...(options.title ? { title: options.title } : {}), layer: layers,
    ...(captions.length ? { resolve: { scale: { x: 'independent', y: 'independent' } } } : {}),
    config: { view: { stroke: null } },
  });
}
