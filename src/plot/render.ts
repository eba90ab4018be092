// Turning a chart (a Vega-Lite spec) into pictures: Vega-Lite compiles it to Vega, Vega's headless View
// renders SVG, and resvg rasterises the SVG to PNG with the DejaVu Sans font shipped as a dependency
// (system fonts off), so a picture is the same on every machine. The plotting libraries are loaded on
// first use, not when nodegrad is imported. Nothing here builds SVG by hand.

import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, resolve } from 'node:path';
import { ArgumentError, checkOptions } from '../core/errors.js';

/** A JSON value (what a Vega-Lite spec is made of). */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue | undefined };
/** A Vega-Lite specification (a JSON object; see the Vega-Lite docs for its fields). */
export type VegaLiteSpec = { readonly [key: string]: JsonValue | undefined };

/** A picture to render: a Vega-Lite spec without a size (the size is given when rendering). */
export class Chart {
  /** @param spec the Vega-Lite spec; top-level `width`, `height` and `autosize` are set by the renderer. */
  constructor(readonly spec: VegaLiteSpec) {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) throw new ArgumentError('plot.Chart', 'spec', 'must be a Vega-Lite spec object');
  }
  /** The chart as an SVG document (see {@link toSVG}). */
  toSVG(options?: RenderOptions): Promise<string> {
    return toSVG(this, options);
  }
  /** The chart as PNG bytes (see {@link toPNG}). */
  toPNG(options?: RenderOptions): Promise<Uint8Array> {
    return toPNG(this, options);
  }
  /** Writes the chart to an .svg or .png file (see {@link save}). */
  save(file: string, options?: RenderOptions): Promise<string> {
    return save(this, file, options);
  }
}

/** Size of a picture. */
export interface RenderOptions {
  /** Width of the whole picture (axes and legends included), in CSS pixels; default 640. */
  width?: number;
  /** Height of the whole picture, in CSS pixels; default 420. */
  height?: number;
  /** PNG only: pixels per CSS pixel, so the PNG is round(width·scale) × round(height·scale); default 1. */
  scale?: number;
}

const FONT_FAMILY = 'DejaVu Sans';
const require = createRequire(import.meta.url);

/** Paths of the TrueType fonts every picture is drawn with (DejaVu Sans regular and bold, from the dejavu-fonts-ttf package). */
export function fontFiles(): string[] {
  return ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f) => require.resolve(`dejavu-fonts-ttf/ttf/${f}`));
}

type VegaModule = typeof import('vega');
type VegaLiteModule = typeof import('vega-lite');
type ResvgModule = typeof import('@resvg/resvg-js');
let libs: Promise<[VegaModule, VegaLiteModule]> | null = null;
let resvg: Promise<ResvgModule> | null = null;

function checkSize(op: string, options: RenderOptions | undefined): Required<RenderOptions> {
  checkOptions(op, options, ['width', 'height', 'scale']);
  const width = options?.width ?? 640;
  const height = options?.height ?? 420;
  const scale = options?.scale ?? 1;
  for (const [name, v, min] of [['width', width, 100], ['height', height, 80]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 20000) throw new ArgumentError(op, name, `must be an integer in [${min}, 20000], got ${String(v)}`);
  }
  if (typeof scale !== 'number' || !Number.isFinite(scale) || scale <= 0 || scale > 10) throw new ArgumentError(op, 'scale', `must be a number in (0, 10], got ${String(scale)}`);
  return { width, height, scale };
}

function checkChart(op: string, chart: unknown): asserts chart is Chart {
  if (!(chart instanceof Chart)) throw new ArgumentError(op, 'chart', `must be a plot.Chart, got ${chart === null ? 'null' : typeof chart}`);
}

/**
 * The chart as an SVG document of exactly width × height (Vega-Lite's autosize 'fit': plot area, axes and
 * legends fit inside), drawn with the DejaVu Sans font. Deterministic: the same chart gives the same text.
 */
export async function toSVG(chart: Chart, options?: RenderOptions): Promise<string> {
  const op = 'plot.toSVG';
  checkChart(op, chart);
  const { width, height } = checkSize(op, options);
  libs ??= Promise.all([import('vega'), import('vega-lite')]);
  const [vega, vl] = await libs;
  const base = chart.spec;
  const config = (base.config ?? {}) as Record<string, JsonValue | undefined>;
  const spec = {
    ...base,
    width,
    height,
    autosize: { type: 'fit', contains: 'padding' },
    background: base.background ?? 'white',
    // labelLimit 0: legend labels (run names, critical points) are never cut short with '…'.
    config: { ...config, font: FONT_FAMILY, legend: { labelLimit: 0, ...((config.legend as Record<string, JsonValue> | undefined) ?? {}) } },
  };
  const quiet = { level: () => quiet, error: () => quiet, warn: () => quiet, info: () => quiet, debug: () => quiet };
  const compiled = vl.compile(spec as never, { logger: quiet as never }).spec;
  // NOTE: Vega numbers clip paths and gradients with process-wide counters; they are reset before each
  // render, and renders run one at a time, so the same chart always gives the same SVG text.
  const render = async (): Promise<string> => {
    const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
    try {
      await view.runAsync();
      vega.resetSVGDefIds();
      return await view.toSVG();
    } finally {
      view.finalize();
    }
  };
  const result = queue.then(render);
  queue = result.catch(() => '');
  return result;
}

let queue: Promise<unknown> = Promise.resolve();

/** The chart as PNG bytes, round(width·scale) × round(height·scale) pixels (resvg, shipped fonts only). */
export async function toPNG(chart: Chart, options?: RenderOptions): Promise<Uint8Array> {
  const op = 'plot.toPNG';
  checkChart(op, chart);
  const size = checkSize(op, options);
  const svg = await toSVG(chart, { width: size.width, height: size.height });
  resvg ??= import('@resvg/resvg-js');
  const { Resvg } = await resvg;
  const r = new Resvg(svg, {
    fitTo: { mode: 'width', value: Math.round(size.width * size.scale) },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: fontFiles(), defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
  });
  return r.render().asPng();
}

/**
 * Writes the chart to `file`, as SVG or PNG by its extension (.svg, .png), creating the folder if needed.
 * Returns the absolute path written.
 *
 * @example
 * const chart = plot.descent1d(explore.landscapes.poly6, explore.descend(explore.landscapes.poly6, 0.5));
 * await plot.save(chart, 'poly6.png', { width: 800, height: 500, scale: 2 }); // a 1600 × 1000 PNG
 */
export async function save(chart: Chart, file: string, options?: RenderOptions): Promise<string> {
  const op = 'plot.save';
  checkChart(op, chart);
  if (typeof file !== 'string' || file.length === 0) throw new ArgumentError(op, 'file', `must be a file name ending in .svg or .png, got ${String(file)}`);
  const ext = extname(file).toLowerCase();
  if (ext !== '.svg' && ext !== '.png') throw new ArgumentError(op, 'file', `must end in .svg or .png, got ${JSON.stringify(file)}`);
  const data = ext === '.svg' ? await toSVG(chart, options) : await toPNG(chart, options);
  const path = resolve(file);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return path;
}
