// The pixel loops and argument checks behind data.transforms and transforms.functional: float32
// CHW/NCHW images as contiguous arrays, padding/crop index maps, the inverse-affine bilinear pass and
// the separable Gaussian blur. Internal: nothing here is exported from the package; the public forms
// are in transforms_functional.ts (deterministic) and transforms.ts (random, per image).
// ref: torchvision 0.14 transforms/functional.py and functional_tensor.py (the tensor code paths)

import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { Tensor } from '../tensor.js';

/** How `rotate`/`affine` read between pixels: the nearest one (round half to even) or bilinear. */
export type Interpolation = 'nearest' | 'bilinear';
/** How `pad` fills the border (torchvision's padding modes). */
export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

/** @internal A float32 CHW or NCHW tensor as contiguous data and sizes. */
export interface Images {
  data: Float32Array;
  n: number;
  c: number;
  h: number;
  w: number;
  batched: boolean;
}

/** @internal Checks that `x` is a float32 CHW or NCHW tensor and returns its contiguous data. */
export function readImages(op: string, x: unknown, arg = 'img'): Images {
  if (!(x instanceof Tensor)) throw new ArgumentError(op, arg, `must be a Tensor, got ${x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x}`);
  if (x.dtype !== 'float32') throw new DTypeError(op, arg, `must be a float32 image tensor, got ${x.dtype}`, { [arg]: x.shape });
  if (x.ndim !== 3 && x.ndim !== 4) throw new ShapeError(op, arg, `must be CHW (3-d, one image) or NCHW (4-d, a batch), got ${x.ndim}-d`, { [arg]: x.shape });
  const batched = x.ndim === 4;
  const [n, c, h, w] = (batched ? x.shape : [1, ...x.shape]) as [number, number, number, number];
  const count = n * c * h * w;
  const data = x.isContiguous() ? (x.storage.data as Float32Array).subarray(x.offset, x.offset + count) : (x.toTypedArray() as Float32Array);
  return { data, n, c, h, w, batched };
}

/** @internal A new tensor shaped like `img` (batched or not) with height `h` and width `w`. */
export function imagesTensor(img: Images, data: Float32Array, h = img.h, w = img.w): Tensor<'float32'> {
  return Tensor.fromData(data, img.batched ? [img.n, img.c, h, w] : [img.c, h, w], 'float32');
}

/** @internal A finite number, else an ArgumentError. */
export function checkNumber(op: string, arg: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(op, arg, `must be a finite number, got ${String(v)}`);
  return v;
}

/** @internal An integer >= min, else an ArgumentError. */
export function checkInteger(op: string, arg: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new ArgumentError(op, arg, `must be an integer, got ${String(v)}`);
  if (v < min) throw new ArgumentError(op, arg, `must be >= ${min}, got ${v}`);
  return v;
}

/** @internal One value per channel from a number or an array of 1 or `c` numbers. */
export function perChannel(op: string, arg: string, v: number | readonly number[], c: number): Float64Array {
  const xs = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(xs)) throw new ArgumentError(op, arg, `must be a number or an array of numbers, got ${v === null ? 'null' : typeof v}`);
  xs.forEach((x, i) => checkNumber(op, `${arg}[${i}]`, x));
  if (xs.length !== 1 && xs.length !== c) throw new ShapeError(op, arg, `must have 1 value or one per channel (${c}), got ${xs.length}`);
  return Float64Array.from({ length: c }, (_, i) => (xs.length === 1 ? xs[0]! : xs[i]!));
}

/** Round half to even (C's nearbyint, Python's round): how grid_sample and torchvision round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** @internal `normalize` with errors naming `op`. */
export function normalizeImages(op: string, img: Tensor, mean: number | readonly number[], std: number | readonly number[]): Tensor<'float32'> {
  const im = readImages(op, img);
  const m = perChannel(op, 'mean', mean, im.c).map(Math.fround);
  const s = perChannel(op, 'std', std, im.c).map(Math.fround);
  s.forEach((v, i) => {
    if (v === 0) throw new ArgumentError(op, `std[${i}]`, 'is zero after conversion to float32, which would divide by zero');
  });
  const { data, n, c, h, w } = im;
  const plane = h * w;
  const out = new Float32Array(data.length);
  for (let b = 0; b < n; b++) {
    for (let ch = 0; ch < c; ch++) {
      const mc = m[ch]!;
      const sc = s[ch]!;
      const base = (b * c + ch) * plane;
      for (let i = base; i < base + plane; i++) out[i] = Math.fround(data[i]! - mc) / sc;
    }
  }
  return imagesTensor(im, out);
}

/** @internal Mirrors images left-right into `out`, for the images `b` in [b0, b1). */
export function hflipInto(im: Images, out: Float32Array, b0: number, b1: number): void {
  const { data, c, h, w } = im;
  for (let r = b0 * c * h; r < b1 * c * h; r++) {
    const o = r * w;
    for (let x = 0; x < w; x++) out[o + x] = data[o + w - 1 - x]!;
  }
}

/** @internal Mirrors images top-bottom into `out`, for the images `b` in [b0, b1). */
export function vflipInto(im: Images, out: Float32Array, b0: number, b1: number): void {
  const { data, c, h, w } = im;
  for (let p = b0 * c; p < b1 * c; p++) {
    const base = p * h * w;
    for (let y = 0; y < h; y++) out.set(data.subarray(base + (h - 1 - y) * w, base + (h - y) * w), base + y * w);
  }
}

/**
 * @internal The source index of each position of an axis of `size` padded by `before`/`after`
 * (-1: the constant fill). reflect/symmetric need the padding to fit in the axis (torch's rule).
 */
export function padMap(op: string, arg: string, size: number, before: number, after: number, mode: PaddingMode): Int32Array {
  const limit = mode === 'reflect' ? size - 1 : size;
  if ((mode === 'reflect' || mode === 'symmetric') && (before > limit || after > limit)) {
    throw new ArgumentError(op, arg, `${mode} padding must be ${mode === 'reflect' ? 'smaller than' : 'at most'} the image size ${size} in that dimension, got ${Math.max(before, after)}`);
  }
  if (mode === 'edge' && size === 0 && before + after > 0) throw new ArgumentError(op, arg, 'edge padding needs a non-empty image');
  const map = new Int32Array(size + before + after);
  for (let k = 0; k < map.length; k++) {
    const i = k - before;
    if (i >= 0 && i < size) map[k] = i;
    else if (mode === 'constant') map[k] = -1;
    else if (mode === 'edge') map[k] = i < 0 ? 0 : size - 1;
    else if (mode === 'reflect') map[k] = i < 0 ? -i : 2 * (size - 1) - i;
    else map[k] = i < 0 ? -i - 1 : 2 * size - 1 - i;
  }
  return map;
}

/** @internal Window [start, start + len) of a padded axis map, positions outside the map read the fill. */
export function windowMap(map: Int32Array, start: number, len: number): Int32Array {
  const out = new Int32Array(len);
  for (let k = 0; k < len; k++) {
    const p = start + k;
    out[k] = p >= 0 && p < map.length ? map[p]! : -1;
  }
  return out;
}

/** @internal out[b, c, i, j] = src[b, c, rows[i], cols[j]], or fill[c] where an index is -1. */
export function remapInto(im: Images, out: Float32Array, b0: number, b1: number, rows: Int32Array, cols: Int32Array, fill: Float64Array): void {
  const { data, c, h, w } = im;
  const oh = rows.length;
  const ow = cols.length;
  for (let b = b0; b < b1; b++) {
    for (let ch = 0; ch < c; ch++) {
      const src = (b * c + ch) * h * w;
      const dst = (b * c + ch) * oh * ow;
      const f = fill[ch]!;
      for (let i = 0; i < oh; i++) {
        const r = rows[i]!;
        const o = dst + i * ow;
        if (r < 0) {
          out.fill(f, o, o + ow);
          continue;
        }
        const s = src + r * w;
        for (let j = 0; j < ow; j++) {
          const q = cols[j]!;
          out[o + j] = q < 0 ? f : data[s + q]!;
        }
      }
    }
  }
}

/** @internal Padding [left, top, right, bottom] from a number, [leftRight, topBottom] or [l, t, r, b]. */
export function paddingLTRB(op: string, padding: number | readonly number[]): [number, number, number, number] {
  const p = typeof padding === 'number' ? [padding] : padding;
  if (!Array.isArray(p) || (p.length !== 1 && p.length !== 2 && p.length !== 4)) {
    throw new ArgumentError(op, 'padding', `must be a number or an array of 1, 2 or 4 numbers, got ${Array.isArray(p) ? `${p.length} numbers` : typeof padding}`);
  }
  p.forEach((v, i) => checkInteger(op, `padding[${i}]`, v, 0));
  if (p.length === 1) return [p[0]!, p[0]!, p[0]!, p[0]!];
  if (p.length === 2) return [p[0]!, p[1]!, p[0]!, p[1]!];
  return [p[0]!, p[1]!, p[2]!, p[3]!];
}

/** @internal Checks a padding mode name. */
export function checkPaddingMode(op: string, mode: unknown): PaddingMode {
  if (mode !== 'constant' && mode !== 'edge' && mode !== 'reflect' && mode !== 'symmetric') {
    throw new ArgumentError(op, 'paddingMode', `must be 'constant', 'edge', 'reflect' or 'symmetric', got ${JSON.stringify(mode)}`);
  }
  return mode;
}

/** @internal [height, width] from a number or an array of 1 or 2 positive integers. */
export function checkSize2(op: string, arg: string, size: number | readonly number[]): [number, number] {
  const s = typeof size === 'number' ? [size] : size;
  if (!Array.isArray(s) || (s.length !== 1 && s.length !== 2)) {
    throw new ArgumentError(op, arg, `must be a number or an array [height, width], got ${Array.isArray(s) ? `${s.length} numbers` : typeof size}`);
  }
  s.forEach((v, i) => checkInteger(op, s.length === 1 ? arg : `${arg}[${i}]`, v, 1));
  return [s[0]!, s[s.length === 1 ? 0 : 1]!];
}

/** @internal The crop origin on one axis of `centerCrop`: zero padding split as torchvision does, then round half to even. */
export function centerOrigin(size: number, cropSize: number): number {
  if (cropSize > size) return -Math.floor((cropSize - size) / 2);
  return roundHalfEven((size - cropSize) / 2);
}

/** @internal `centerCrop` with errors naming `op`. */
export function centerCropImages(op: string, img: Tensor, size: number | readonly number[]): Tensor<'float32'> {
  const im = readImages(op, img);
  const [th, tw] = checkSize2(op, 'size', size);
  const rows = windowMap(padMap(op, 'size', im.h, 0, 0, 'constant'), centerOrigin(im.h, th), th);
  const cols = windowMap(padMap(op, 'size', im.w, 0, 0, 'constant'), centerOrigin(im.w, tw), tw);
  const out = new Float32Array(im.n * im.c * th * tw);
  remapInto(im, out, 0, im.n, rows, cols, new Float64Array(im.c));
  return imagesTensor(im, out, th, tw);
}

/** sin of an angle in degrees, exact (0, ±1) at multiples of 90° so quarter turns move pixels exactly. */
function sind(deg: number): number {
  const r = ((deg % 360) + 360) % 360;
  if (r % 90 === 0) return r === 90 ? 1 : r === 270 ? -1 : 0;
  return Math.sin((deg * Math.PI) / 180);
}

/** cos of an angle in degrees, exact at multiples of 90°. */
function cosd(deg: number): number {
  return sind(deg + 90);
}

/**
 * @internal torchvision's inverse affine matrix (`_get_inverse_affine_matrix`): maps output pixel
 * coordinates, relative to the image centre, to input ones. `angle` and `shear` in degrees
 * (clockwise, as torchvision's `affine`), `center` relative to the image centre.
 * NOTE: sines and cosines of multiples of 90° are exact here (Math.cos(π/2) is 6e-17), so quarter
 * turns are pixel-exact; torchvision's float32 matrix is off by ~4e-8 there.
 */
export function inverseAffineMatrix(center: readonly [number, number], angle: number, translate: readonly [number, number], scale: number, shear: readonly [number, number]): number[] {
  const [sx, sy] = shear;
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const tanSx = sind(sx) / cosd(sx);
  const a = cosd(angle - sy) / cosd(sy);
  const b = (-cosd(angle - sy) * tanSx) / cosd(sy) - sind(angle);
  const c = sind(angle - sy) / cosd(sy);
  const d = (-sind(angle - sy) * tanSx) / cosd(sy) + cosd(angle);
  const m = [d, -b, 0, -c, a, 0].map((v) => v / scale) as [number, number, number, number, number, number];
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
  m[2] += cx;
  m[5] += cy;
  return m;
}

/**
 * @internal One inverse-affine pass over images [b0, b1): output pixel (x, y) reads the input at
 * M·(x − cx, y − cy, 1) + (cx, cy), cx = (w−1)/2, cy = (h−1)/2 — torchvision's `_gen_affine_grid`
 * followed by `grid_sample(align_corners=False, padding_mode='zeros')`. Bilinear taps outside the
 * image count as 0; with a `fill` the result is then blended with it by the in-image weight
 * (`out = v·mask + (1 − mask)·fill`, torchvision's fill rule, which also scales border pixels by
 * the mask when fill is 0); nearest reads the fill (or 0) outside.
 */
export function affineInto(im: Images, out: Float32Array, b: number, m: readonly number[], interpolation: Interpolation, fill: Float64Array | null): void {
  const { data, c, h, w } = im;
  const [m0, m1, m2, m3, m4, m5] = m as [number, number, number, number, number, number];
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  const plane = h * w;
  const base = b * c * plane;
  const bilinear = interpolation === 'bilinear';
  for (let yo = 0; yo < h; yo++) {
    const Y = yo - cy;
    const rowX = m1 * Y + m2 + cx;
    const rowY = m4 * Y + m5 + cy;
    for (let xo = 0; xo < w; xo++) {
      const X = xo - cx;
      const sx = m0 * X + rowX;
      const sy = m3 * X + rowY;
      const o = base + yo * w + xo;
      if (!bilinear) {
        const xi = roundHalfEven(sx);
        const yi = roundHalfEven(sy);
        if (xi >= 0 && xi < w && yi >= 0 && yi < h) {
          const s = base + yi * w + xi;
          for (let ch = 0; ch < c; ch++) out[o + ch * plane] = data[s + ch * plane]!;
        } else {
          for (let ch = 0; ch < c; ch++) out[o + ch * plane] = fill === null ? 0 : fill[ch]!;
        }
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const s = base + y0 * w + x0;
      if (x0 >= 0 && x0 + 1 < w && y0 >= 0 && y0 + 1 < h) {
        const w00 = (1 - fx) * (1 - fy);
        const w01 = fx * (1 - fy);
        const w10 = (1 - fx) * fy;
        const w11 = fx * fy;
        for (let ch = 0; ch < c; ch++) {
          const p = s + ch * plane;
          out[o + ch * plane] = w00 * data[p]! + w01 * data[p + 1]! + w10 * data[p + w]! + w11 * data[p + w + 1]!;
        }
        continue;
      }
      // A tap outside the image reads 0 and adds nothing to the mask.
      const inX0 = x0 >= 0 && x0 < w;
      const inX1 = x0 + 1 >= 0 && x0 + 1 < w;
      const inY0 = y0 >= 0 && y0 < h;
      const inY1 = y0 + 1 >= 0 && y0 + 1 < h;
      const w00 = inX0 && inY0 ? (1 - fx) * (1 - fy) : 0;
      const w01 = inX1 && inY0 ? fx * (1 - fy) : 0;
      const w10 = inX0 && inY1 ? (1 - fx) * fy : 0;
      const w11 = inX1 && inY1 ? fx * fy : 0;
      const mask = w00 + w01 + w10 + w11;
      for (let ch = 0; ch < c; ch++) {
        const p = s + ch * plane;
        let v = 0;
        if (w00 !== 0) v += w00 * data[p]!;
        if (w01 !== 0) v += w01 * data[p + 1]!;
        if (w10 !== 0) v += w10 * data[p + w]!;
        if (w11 !== 0) v += w11 * data[p + w + 1]!;
        out[o + ch * plane] = fill === null ? v : v * mask + (1 - mask) * fill[ch]!;
      }
    }
  }
}

/** @internal Checks an interpolation name. */
export function checkInterpolation(op: string, v: unknown): Interpolation {
  if (v !== 'nearest' && v !== 'bilinear') throw new ArgumentError(op, 'interpolation', `must be 'nearest' or 'bilinear', got ${JSON.stringify(v)}`);
  return v;
}

/** @internal A [x, y] pair of finite numbers. */
export function checkPair(op: string, arg: string, v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2) throw new ArgumentError(op, arg, `must be an array of 2 numbers, got ${Array.isArray(v) ? `${v.length} numbers` : String(v)}`);
  return [checkNumber(op, `${arg}[0]`, v[0]), checkNumber(op, `${arg}[1]`, v[1])];
}

/** @internal A centre given in pixel coordinates, made relative to the image centre as torchvision does. */
export function centerOffset(center: readonly [number, number] | undefined, h: number, w: number): [number, number] {
  return center === undefined ? [0, 0] : [center[0] - w * 0.5, center[1] - h * 0.5];
}

/** @internal Checks one kernel size: a positive odd integer. */
export function checkKernelSize(op: string, arg: string, k: unknown): number {
  if (typeof k !== 'number' || !Number.isSafeInteger(k) || k <= 0 || k % 2 === 0) throw new ArgumentError(op, arg, `must be a positive odd integer, got ${String(k)}`);
  return k;
}

/** @internal Reflect-padding maps for a blur of kernel kx × ky, with torch's size check. */
export function blurMaps(op: string, h: number, w: number, kx: number, ky: number): { rows: Int32Array; cols: Int32Array } {
  const px = (kx - 1) / 2;
  const py = (ky - 1) / 2;
  if (px >= w || py >= h) {
    throw new ShapeError(op, 'kernelSize', `[${kx}, ${ky}] needs half-widths smaller than the image for reflect padding, got a ${h}×${w} image`, { kernelSize: [kx, ky], image: [h, w] });
  }
  return { rows: padMap(op, 'kernelSize', h, py, py, 'reflect'), cols: padMap(op, 'kernelSize', w, px, px, 'reflect') };
}

/**
 * @internal Separable Gaussian blur of image `b` (reflect padding, torchvision's `gaussian_blur`):
 * each row is copied into a padded line (`line`, w + kx − 1) and convolved into `tmp` (one plane);
 * then each output row accumulates the ky input rows the vertical taps read, contiguously.
 */
export function blurInto(im: Images, out: Float32Array, b: number, kxw: Float64Array, kyw: Float64Array, rows: Int32Array, cols: Int32Array, tmp: Float64Array, line: Float64Array): void {
  const { data, c, h, w } = im;
  const kx = kxw.length;
  const ky = kyw.length;
  const plane = h * w;
  for (let ch = 0; ch < c; ch++) {
    const base = (b * c + ch) * plane;
    for (let y = 0; y < h; y++) {
      const row = base + y * w;
      for (let x = 0; x < line.length; x++) line[x] = data[row + cols[x]!]!;
      const t = y * w;
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (let k = 0; k < kx; k++) acc += kxw[k]! * line[x + k]!;
        tmp[t + x] = acc;
      }
    }
    for (let y = 0; y < h; y++) {
      const o = base + y * w;
      for (let x = 0; x < w; x++) line[x] = 0;
      for (let k = 0; k < ky; k++) {
        const wk = kyw[k]!;
        const r = rows[y + k]! * w;
        for (let x = 0; x < w; x++) line[x]! += wk * tmp[r + x]!;
      }
      for (let x = 0; x < w; x++) out[o + x] = line[x]!;
    }
  }
}

/** @internal [kx, ky] from a number or an array of 1 or 2 positive odd integers. */
export function checkKernelSizes(op: string, kernelSize: number | readonly number[]): [number, number] {
  const k = typeof kernelSize === 'number' ? [kernelSize] : kernelSize;
  if (!Array.isArray(k) || (k.length !== 1 && k.length !== 2)) {
    throw new ArgumentError(op, 'kernelSize', `must be a number or an array [kx, ky], got ${Array.isArray(k) ? `${k.length} numbers` : typeof kernelSize}`);
  }
  k.forEach((v, i) => checkKernelSize(op, k.length === 1 ? 'kernelSize' : `kernelSize[${i}]`, v));
  return [k[0]!, k[k.length === 1 ? 0 : 1]!];
}

/** @internal checkOptions that also refuses a non-object. */
export function checkOptionsObject(op: string, options: unknown, allowed: readonly string[]): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ArgumentError(op, 'options', `must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) throw new ArgumentError(op, `option '${k}'`, `is not a known option (known: ${allowed.join(', ')})`);
  }
}
