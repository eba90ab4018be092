// plot: the pictures are real files of the requested size with the expected marks. PNGs are checked by
// their signature and IHDR width/height; SVGs are parsed (xmldom) and their mark groups counted (one
// <path> per descent path, one cell per sweep run); text uses the shipped font; output is deterministic.
// Also the sampling helpers (grid evaluation with its point-by-point fallback, marching squares).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, explore, plot, train, type Tensor } from '../../src/index.js';
import { contourLevels, contourSegments, sample1d, sample2d } from '../../src/plot/sample.js';

const L = explore.landscapes;
const dir = mkdtempSync(join(tmpdir(), 'nodegrad-plot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Width and height from a PNG's IHDR chunk, after checking the 8-byte signature. */
function pngSize(bytes: Uint8Array): [number, number] {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(Buffer.from(bytes.subarray(12, 16)).toString('latin1')).toBe('IHDR');
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  return [v.getUint32(16), v.getUint32(20)];
}

function parse(svg: string): Element {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement!;
  expect(root.tagName).toBe('svg');
  return root as unknown as Element;
}
/** The <g> mark groups whose class names the chart layer `name` (Vega: 'mark-… role-mark <name>_marks'). */
function groups(root: Element, name: string): Element[] {
  return Array.from(root.getElementsByTagName('g')).filter((g) => (g.getAttribute('class') ?? '').split(' ').includes(`${name}_marks`));
}
const countIn = (gs: Element[], tag: string): number => gs.reduce((n, g) => n + g.getElementsByTagName(tag).length, 0);

describe('plot: pictures', () => {
  const poly = [0.5, 1.2, -2].map((x0) => explore.descend(L.poly6, x0, { lr: 0.01, epochs: 100 }));
  const peaks = [[0.5, -0.5], [-0.5, 0.5]].map((p) => explore.descend(L.peaks, p, { lr: 0.05, epochs: 60 }));

  it('save writes a PNG of the requested size (× scale) and an SVG of exactly width × height', async () => {
    const chart = plot.descent1d(L.poly6, poly[0]!);
    const png = await plot.save(chart, join(dir, 'd1.png'), { width: 480, height: 300 });
    expect(pngSize(readFileSync(png))).toEqual([480, 300]);
    const png2 = await plot.save(chart, join(dir, 'sub', 'd1x2.png'), { width: 480, height: 300, scale: 2 });
    expect(pngSize(readFileSync(png2))).toEqual([960, 600]);
    const svgFile = await plot.save(chart, join(dir, 'd1.svg'), { width: 500, height: 320 });
    const root = parse(readFileSync(svgFile, 'utf8'));
    expect([root.getAttribute('width'), root.getAttribute('height')]).toEqual(['500', '320']);
  });

  it('descent1d: f and f′ curves, one path per run, a point per step, numbered steps, the shipped font', async () => {
    const svg = await plot.toSVG(plot.descent1d(L.poly6, poly), { width: 700, height: 450 });
    const root = parse(svg);
    expect(countIn(groups(root, 'curve_f'), 'path')).toBe(1);
    expect(countIn(groups(root, 'curve_df'), 'path')).toBe(1);
    expect(countIn(groups(root, 'descent_paths'), 'path')).toBe(3);
    const inside = poly.reduce((n, r) => n + r.points.length, 0); // all runs stay inside [-2.1, 2.1]
    expect(countIn(groups(root, 'descent_points'), 'path')).toBe(inside);
    const numbers = Array.from(groups(root, 'step_numbers')[0]!.getElementsByTagName('text')).map((t) => t.textContent);
    expect(numbers).toContain('0');
    expect(numbers).toContain(String(poly[1]!.steps));
    expect(svg).toContain('font-family="DejaVu Sans"');
    expect(svg).toContain("f'(x) (dashed)");
    // no derivative on request; a single run is coloured by step
    const one = parse(await plot.toSVG(plot.descent1d(L.poly6, poly[1]!, { derivative: false })));
    expect(groups(one, 'curve_df')).toHaveLength(0);
    expect(countIn(groups(one, 'descent_paths'), 'path')).toBe(1);
  });

  it('landscape2d: heat map cells, iso-lines, one path per run, start and end markers, the critical points', async () => {
    const svg = await plot.toSVG(plot.landscape2d(L.peaks, peaks, { grid: 12, levels: 5, contourGrid: 30 }), { width: 600, height: 500 });
    const root = parse(svg);
    expect(countIn(groups(root, 'heatmap'), 'path')).toBe(144);
    expect(countIn(groups(root, 'contours'), 'line')).toBeGreaterThan(20);
    expect(countIn(groups(root, 'descent_paths'), 'path')).toBe(2);
    expect(countIn(groups(root, 'path_ends'), 'path')).toBe(4);
    expect(countIn(groups(root, 'critical_points_layer_0'), 'path')).toBe(6); // 3 minima + 3 maxima (no saddles)
    const png = await plot.toPNG(plot.landscape2d(L.peaks, peaks, { grid: 12, levels: 5, contourGrid: 30 }), { width: 400, height: 320 });
    expect(pngSize(png)).toEqual([400, 320]);
  });

  it('the same chart always renders to the same SVG text, also when renders overlap', async () => {
    const a = plot.landscape2d(L.peaks, peaks, { grid: 6, levels: 3, contourGrid: 12 });
    const b = plot.descent1d(L.poly6, poly);
    const [a1, b1, a2, b2] = await Promise.all([plot.toSVG(a), plot.toSVG(b), plot.toSVG(a), plot.toSVG(b)]);
    expect(a1).toBe(a2);
    expect(b1).toBe(b2);
    expect(await plot.toSVG(a)).toBe(a1);
  });

  it('trajectories: one line per run of the chosen per-step quantity', async () => {
    const runs = [
      { label: 'fixed', result: explore.descend(L.poly6, 1.9, { lr: 0.01, epochs: 20 }) },
      { label: 'time-based', result: explore.descend(L.poly6, 1.9, { lr: 0.01, epochs: 20, schedule: { kind: 'timeBased', decay: 0.1 } }) },
    ];
    const root = parse(await plot.toSVG(plot.trajectories(runs, { y: 'lr', logY: true })));
    const lines = Array.from(root.getElementsByTagName('g')).filter((g) => /mark-line role-mark/.test(g.getAttribute('class') ?? ''));
    expect(countIn(lines, 'path')).toBe(2);
    expect(() => plot.trajectories(runs, { y: 'loss' as never })).toThrow(/y must be 'value', 'lr', 'gradNorm' or 'x'/);
  });

  it('sweep pictures: lr × epochs heat map (one cell per run), lr bars, 2-D basins, 1-D starts on the curve', async () => {
    const grid = explore.sweepLrEpochs(L.poly6, 0.8, [1e-3, 0.01, 0.1], [10, 100]);
    const g = parse(await plot.toSVG(plot.sweep(grid)));
    expect(countIn(groups(g, 'cells'), 'path')).toBe(6);
    const labels = Array.from(groups(g, 'cell_labels')[0]!.getElementsByTagName('text')).map((t) => t.textContent);
    expect(labels.filter((t) => t === 'div.')).toHaveLength(2); // lr 0.1 diverges at 10 and 100 epochs
    const bars = parse(await plot.toSVG(plot.sweep(explore.sweepLr(L.poly6, 1.2, [1e-3, 0.01, 0.1], { epochs: 50 }))));
    expect(countIn(groups(bars, 'bars'), 'path')).toBe(3);
    const basins = parse(await plot.toSVG(plot.sweep(explore.sweepStarts(L.peaks, [[0.5, -0.5], [-0.5, 0.5], [0.6, 0.6]], { lr: 0.05, epochs: 100 }))));
    expect(countIn(groups(basins, 'starts'), 'path')).toBe(3);
    expect(groups(basins, 'contours')).toHaveLength(1);
    const starts = parse(await plot.toSVG(plot.sweep(explore.sweepStarts(L.poly6, [-1, 0, 1], { epochs: 10 }))));
    expect(countIn(groups(starts, 'starts'), 'path')).toBe(3);
    expect(countIn(groups(starts, 'curve_f'), 'path')).toBe(1);
  });

  it('history: losses on the left axis, other metrics on the right, one line each', async () => {
    const h = new train.History();
    [[1.2, 0.5, 1.3, 0.45], [0.8, 0.7, 0.9, 0.66], [0.5, 0.82, 0.7, 0.74]].forEach(([loss, acc, valLoss, valAcc], e) => h.add(e, { loss: loss!, accuracy: acc!, valLoss: valLoss!, valAccuracy: valAcc!, lr: 0.1 }));
    const root = parse(await plot.toSVG(plot.history(h)));
    expect(countIn(groups(root, 'losses'), 'path')).toBe(2); // loss, valLoss
    expect(countIn(groups(root, 'metrics'), 'path')).toBe(2); // accuracy, valAccuracy
    const titles = Array.from(root.getElementsByTagName('text')).map((t) => t.textContent);
    expect(titles).toContain('accuracy, valAccuracy');
    expect(titles).not.toContain('lr');
    expect(() => plot.history(h, { keys: ['top5'] })).toThrow(/names 'top5', which the history did not log \(logged: loss, accuracy, valLoss, valAccuracy, lr\)/);
  });

  it('refuses bad arguments with ArgumentErrors', async () => {
    const chart = plot.descent1d(L.poly6);
    await expect(plot.save(chart, join(dir, 'x.jpg'))).rejects.toThrow(/plot.save: file must end in .svg or .png, got ".*x.jpg"/);
    await expect(plot.toPNG(chart, { width: 10 })).rejects.toThrow(/width must be an integer in \[100, 20000\], got 10/);
    await expect(plot.toSVG(chart, { dpi: 2 } as never)).rejects.toThrow(/option 'dpi' is not a known option/);
    await expect(plot.toSVG({ spec: {} } as never)).rejects.toBeInstanceOf(ArgumentError);
    expect(() => plot.descent1d((x: Tensor) => x.pow(2))).toThrow(/domain is required for a plain function/);
    expect(() => plot.descent1d(L.peaks)).toThrow(/is the 2-D landscape 'peaks'/);
    expect(() => plot.landscape2d(L.peaks, poly[0]!)).toThrow(/is a 1-D run; landscape2d draws 2-D runs/);
  });
});

describe('plot: sampling', () => {
  it('sample1d gives f and f′ (autograd) for elementwise and for non-elementwise functions alike', () => {
    const elementwise = sample1d(L.poly6.f, -1.5, 0.5, 5);
    expect(elementwise.xs).toEqual([-1.5, -1, -0.5, 0, 0.5]);
    expect(elementwise.fs).toEqual([-4.921875, 0, 0.703125, 0, 0.703125].map((v) => expect.closeTo(v, 12)));
    expect(elementwise.dfs).toEqual([9.9375, 6, -1.6875, 0, 1.6875].map((v) => expect.closeTo(v, 12))); // 6x⁵ − 20x³ + 8x
    // x.pow(2).sum() sums a whole batch into one number: the batch is refused and points are evaluated one by one
    const summed = sample1d((x: Tensor) => x.pow(2).sum(), -1, 1, 3);
    expect(summed.fs).toEqual([1, 0, 1]);
    expect(summed.dfs).toEqual([-2, 0, 2]);
  });

  it('sample2d evaluates a grid (x-major rows per y); marching squares puts iso-line ends on the level set', () => {
    const bowl = (p: Tensor): Tensor => p.select(0, 0).pow(2).add(p.select(0, 1).pow(2));
    const s = sample2d(bowl, [[-2, 2], [-2, 2]], 41, 41);
    expect(s.values[0]).toBeCloseTo(8, 12); // (−2, −2)
    expect(s.values[20 * 41 + 20]).toBeCloseTo(0, 12); // (0, 0)
    expect(s.values[20 * 41 + 40]).toBeCloseTo(4, 12); // (2, 0)
    // level 1.05: no grid value equals it, so no iso-line passes through a grid point
    const segs = contourSegments(s, [1.05]);
    expect(segs.length).toBeGreaterThan(40);
    for (const g of segs) {
      expect(Math.hypot(g.x, g.y)).toBeCloseTo(Math.sqrt(1.05), 1);
      expect(Math.hypot(g.x2, g.y2)).toBeCloseTo(Math.sqrt(1.05), 1);
    }
    // a closed curve: every end point is shared by exactly two segments
    const key = (x: number, y: number): string => `${x.toFixed(6)},${y.toFixed(6)}`;
    const ends = new Map<string, number>();
    for (const g of segs) for (const k of [key(g.x, g.y), key(g.x2, g.y2)]) ends.set(k, (ends.get(k) ?? 0) + 1);
    expect([...ends.values()].every((n) => n === 2)).toBe(true);
    expect(contourLevels([0, 10], 2)).toEqual([2.5, 7.5]);
    expect(contourLevels([3, 3, Number.NaN], 4)).toEqual([]);
  });
});
