// plot.scatter and plot.imageGrid: the SVG holds one mark per point / pixel in the named layers, circles
// are drawn as closed paths, and PNGs come out at the requested size. Pictures checked by eye too.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, plot, tensor, arange } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nodegrad-points-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function groups(svg: string, name: string): Element[] {
  const root = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement! as unknown as Element;
  return Array.from(root.getElementsByTagName('g')).filter((g) => (g.getAttribute('class') ?? '').split(' ').includes(`${name}_marks`));
}
const count = (gs: Element[], tag: string): number => gs.reduce((n, g) => n + g.getElementsByTagName(tag).length, 0);

describe('plot.scatter', () => {
  it('one symbol per finite point per series, circles as closed paths, a PNG of the requested size', async () => {
    const a = tensor([[0, 0], [1, 1], [2, 0.5]]);
    const b: number[][] = [[0.5, 0.5], [Number.NaN, 1]];
    const chart = plot.scatter([{ name: 'data', points: a, color: '#999' }, { name: 'generated', points: b }], { circles: [{ center: [0, 0], radius: 0.2 }, { center: [1, 1], radius: 0.2 }], title: 't' });
    const svg = await plot.toSVG(chart, { width: 400, height: 400 });
    expect(count(groups(svg, 'series_0'), 'path')).toBe(3);
    expect(count(groups(svg, 'series_1'), 'path')).toBe(1); // the NaN point is left out
    expect(count(groups(svg, 'circles'), 'path')).toBe(2);
    const png = readFileSync(await plot.save(chart, join(dir, 's.png'), { width: 300, height: 280 }));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([300, 280]);
  });
  it('refuses bad input', () => {
    expect(() => plot.scatter([])).toThrow(ArgumentError);
    expect(() => plot.scatter([{ name: 'x', points: tensor([1, 2, 3]) }])).toThrow(ShapeError);
    expect(() => plot.scatter([{ name: 'x', points: [[1]] }])).toThrow(/points\[0\]/);
    expect(() => plot.scatter([{ name: 'x', points: [] }, { name: 'x', points: [] }])).toThrow(/unique/);
    expect(() => plot.scatter([{ name: 'x', points: [] }], { circles: [{ center: [0, 0], radius: 0 }] })).toThrow(/circles\[0\]/);
  });
});

describe('plot.imageGrid', () => {
  it('one rect per pixel, images in a grid, captions', async () => {
    const imgs = arange(24).reshape([4, 1, 3, 2]);
    const svg = await plot.toSVG(plot.imageGrid(imgs, { columns: 2, captions: ['a', 'b', 'c', 'd'] }), { width: 200, height: 200 });
    expect(count(groups(svg, 'pixels'), 'path')).toBe(24);
    // Every pixel is stroked in its own fill colour, so anti-aliased seams between neighbours do not show
    // the background as a grid (a dark image used to get faint lines between its pixels).
    const pixels = groups(svg, 'pixels').flatMap((g) => Array.from(g.getElementsByTagName('path')));
    expect(new Set(pixels.map((p) => p.getAttribute('fill'))).size).toBe(24);
    for (const p of pixels) expect(p.getAttribute('stroke')).toBe(p.getAttribute('fill'));
    expect(count(groups(svg, 'captions'), 'text')).toBe(4);
    const png = readFileSync(await plot.save(plot.imageGrid(imgs.reshape([4, 3, 2])), join(dir, 'g.png'), { width: 120, height: 100, scale: 2 }));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([240, 200]);
    expect(() => plot.imageGrid(imgs.reshape([2, 2, 3, 2]))).toThrow(ShapeError);
    expect(() => plot.imageGrid(imgs, { captions: ['a'] })).toThrow(/one caption per image/);
  });
});
