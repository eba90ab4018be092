// torchvision.transforms.functional for float32 image tensors, CHW or NCHW: normalize, flips, pad,
// crop, centerCrop, rotate, affine, gaussianBlur. Each makes a new tensor (data preprocessing: no
// autograd) in one pass of the loops in image_ops.ts. Deterministic only: the random transforms that
// draw parameters per image live in transforms.ts. A batch gets the same parameters for every image
// here, as in torchvision.
// ref: torchvision 0.14 transforms/functional.py and functional_tensor.py (the tensor code paths)

import { ArgumentError } from '../core/errors.js';
import type { Tensor } from '../tensor.js';
import {
  affineInto, blurInto, blurMaps, centerCropImages, centerOffset, checkInteger, checkInterpolation, checkKernelSize, checkKernelSizes, checkNumber,
  checkOptionsObject, checkPaddingMode, checkPair, hflipInto, imagesTensor, inverseAffineMatrix, normalizeImages, padMap, paddingLTRB, perChannel,
  readImages, remapInto, vflipInto, windowMap, type Interpolation, type PaddingMode,
} from './image_ops.js';

export type { Interpolation, PaddingMode } from './image_ops.js';

/**
 * `(x - mean[c]) / std[c]` per channel (torchvision's `normalize`), rounded to float32 after each
 * step as PyTorch's `sub_` then `div_` do. `mean`/`std` hold one value or one per channel.
 * @example
 * normalize(img, [0.1307], [0.3081]); // MNIST's usual statistics
 */
export function normalize(img: Tensor, mean: number | readonly number[], std: number | readonly number[]): Tensor<'float32'> {
  return normalizeImages('normalize', img, mean, std);
}

/** Mirrors the image left-right (torchvision's `hflip`). */
export function hflip(img: Tensor): Tensor<'float32'> {
  const im = readImages('hflip', img);
  const out = new Float32Array(im.data.length);
  hflipInto(im, out, 0, im.n);
  return imagesTensor(im, out);
}

/** Mirrors the image top-bottom (torchvision's `vflip`). */
export function vflip(img: Tensor): Tensor<'float32'> {
  const im = readImages('vflip', img);
  const out = new Float32Array(im.data.length);
  vflipInto(im, out, 0, im.n);
  return imagesTensor(im, out);
}

/** Options of `pad`. */
export interface PadOptions {
  /** The value of constant padding (default 0). */
  fill?: number;
  /** 'constant' (default), 'edge', 'reflect' (mirror without the edge pixel) or 'symmetric' (with it). */
  paddingMode?: PaddingMode;
}

/**
 * Pads the borders (torchvision's `pad`): `padding` is one number for every side,
 * [leftRight, topBottom], or [left, top, right, bottom].
 * @example
 * pad(img, 4, { paddingMode: 'reflect' }); // 28×28 → 36×36
 */
export function pad(img: Tensor, padding: number | readonly number[], options: PadOptions = {}): Tensor<'float32'> {
  checkOptionsObject('pad', options, ['fill', 'paddingMode']);
  const im = readImages('pad', img);
  const [l, t, r, b] = paddingLTRB('pad', padding);
  const mode = checkPaddingMode('pad', options.paddingMode ?? 'constant');
  const fill = checkNumber('pad', 'fill', options.fill ?? 0);
  const rows = padMap('pad', 'padding', im.h, t, b, mode);
  const cols = padMap('pad', 'padding', im.w, l, r, mode);
  const out = new Float32Array(im.n * im.c * rows.length * cols.length);
  remapInto(im, out, 0, im.n, rows, cols, new Float64Array(im.c).fill(fill));
  return imagesTensor(im, out, rows.length, cols.length);
}

/**
 * The `height`×`width` window whose top-left corner is (`top`, `left`) (torchvision's `crop`);
 * parts outside the image are zeros.
 */
export function crop(img: Tensor, top: number, left: number, height: number, width: number): Tensor<'float32'> {
  const im = readImages('crop', img);
  checkInteger('crop', 'top', top, -Infinity);
  checkInteger('crop', 'left', left, -Infinity);
  checkInteger('crop', 'height', height, 0);
  checkInteger('crop', 'width', width, 0);
  const rows = windowMap(padMap('crop', 'top', im.h, 0, 0, 'constant'), top, height);
  const cols = windowMap(padMap('crop', 'left', im.w, 0, 0, 'constant'), left, width);
  const out = new Float32Array(im.n * im.c * height * width);
  remapInto(im, out, 0, im.n, rows, cols, new Float64Array(im.c));
  return imagesTensor(im, out, height, width);
}

/**
 * The central `size` window (torchvision's `center_crop`): a number or [height, width]. An image
 * smaller than the window is padded with zeros first (left/top get the smaller half).
 * @example
 * centerCrop(img, 24); // 28×28 → 24×24, rows and columns 2..25
 */
export function centerCrop(img: Tensor, size: number | readonly number[]): Tensor<'float32'> {
  return centerCropImages('centerCrop', img, size);
}

/** Options of `rotate` and `affine`, and of the RandomRotation/RandomAffine transforms. */
export interface GeometryOptions {
  /**
   * 'bilinear' (default) or 'nearest'.
   * NOTE: torchvision defaults to 'nearest'; nodegrad defaults to bilinear, which augments small
   * images such as MNIST digits without blocky edges. Pass 'nearest' for torchvision's results.
   */
  interpolation?: Interpolation;
  /**
   * The value of pixels that come from outside the image: one number or one per channel. Bilinear
   * border pixels are blended with it by their in-image weight, as torchvision does. The random
   * transforms default to 0 (torchvision's classes pass fill=0 too); `rotate`/`affine` default to
   * none, which reads plain zeros outside without the blend (torchvision's fill=None).
   */
  fill?: number | readonly number[];
  /** The centre of rotation in pixel coordinates [x, y], (0, 0) the top-left corner (default: the image centre). */
  center?: readonly [number, number];
}

function geometryOptions(op: string, options: GeometryOptions, c: number): { interpolation: Interpolation; fill: Float64Array | null; center: [number, number] | undefined } {
  checkOptionsObject(op, options, ['interpolation', 'fill', 'center']);
  return {
    interpolation: checkInterpolation(op, options.interpolation ?? 'bilinear'),
    fill: options.fill === undefined ? null : perChannel(op, 'fill', options.fill, c),
    center: options.center === undefined ? undefined : checkPair(op, 'center', options.center),
  };
}

/**
 * Rotates by `angle` degrees counter-clockwise about the centre (torchvision's `rotate`, without
 * `expand`): the output keeps the input's size; pixels from outside the image are 0, or `fill`.
 * @example
 * rotate(img, 90); // exact: a quarter turn moves the bottom row to the right column
 */
export function rotate(img: Tensor, angle: number, options: GeometryOptions = {}): Tensor<'float32'> {
  const im = readImages('rotate', img);
  checkNumber('rotate', 'angle', angle);
  const { interpolation, fill, center } = geometryOptions('rotate', options, im.c);
  // torchvision's rotate is affine by -angle (affine turns clockwise).
  const m = inverseAffineMatrix(centerOffset(center, im.h, im.w), -angle, [0, 0], 1, [0, 0]);
  const out = new Float32Array(im.data.length);
  for (let b = 0; b < im.n; b++) affineInto(im, out, b, m, interpolation, fill);
  return imagesTensor(im, out);
}

/**
 * An affine map about the centre (torchvision's `affine`): rotation by `angle` degrees clockwise,
 * translation by `translate` = [dx, dy] pixels (right, down), zoom by `scale`, and shear in
 * degrees (a number shears x only; [sx, sy] both).
 * @example
 * affine(img, 0, [2, -1], 1, 0); // shift 2 pixels right and 1 up: exact, zeros enter at the edges
 */
export function affine(img: Tensor, angle: number, translate: readonly [number, number], scale: number, shear: number | readonly [number, number], options: GeometryOptions = {}): Tensor<'float32'> {
  const im = readImages('affine', img);
  checkNumber('affine', 'angle', angle);
  const t = checkPair('affine', 'translate', translate);
  const s = checkNumber('affine', 'scale', scale);
  if (s <= 0) throw new ArgumentError('affine', 'scale', `must be positive, got ${s}`);
  const sh: [number, number] = typeof shear === 'number' ? [checkNumber('affine', 'shear', shear), 0] : checkPair('affine', 'shear', shear);
  const { interpolation, fill, center } = geometryOptions('affine', options, im.c);
  const m = inverseAffineMatrix(centerOffset(center, im.h, im.w), angle, t, s, sh);
  const out = new Float32Array(im.data.length);
  for (let b = 0; b < im.n; b++) affineInto(im, out, b, m, interpolation, fill);
  return imagesTensor(im, out);
}

/**
 * The normalised 1-d Gaussian kernel torchvision blurs with (`_get_gaussian_kernel1d`):
 * x = linspace(−(k−1)/2, (k−1)/2, k), w = exp(−x²/(2σ²)) / Σ exp(−x²/(2σ²)).
 * @example
 * gaussianKernel1d(3, 1); // [0.2741, 0.4519, 0.2741]
 */
export function gaussianKernel1d(kernelSize: number, sigma: number): Float64Array {
  checkKernelSize('gaussianKernel1d', 'kernelSize', kernelSize);
  checkNumber('gaussianKernel1d', 'sigma', sigma);
  if (sigma <= 0) throw new ArgumentError('gaussianKernel1d', 'sigma', `must be positive, got ${sigma}`);
  const half = (kernelSize - 1) / 2;
  const k = new Float64Array(kernelSize);
  let sum = 0;
  for (let i = 0; i < kernelSize; i++) {
    const x = (i - half) / sigma;
    k[i] = Math.exp(-0.5 * x * x);
    sum += k[i]!;
  }
  for (let i = 0; i < kernelSize; i++) k[i]! /= sum;
  return k;
}

/**
 * Blurs with a Gaussian kernel (torchvision's `gaussian_blur`, reflect padding). `kernelSize` is a
 * positive odd number or [kx, ky] (width, height); `sigma` a number or [sx, sy], by default
 * k·0.15 + 0.35 per dimension as torchvision computes it.
 * @example
 * gaussianBlur(img, 3, 1);
 */
export function gaussianBlur(img: Tensor, kernelSize: number | readonly number[], sigma?: number | readonly number[]): Tensor<'float32'> {
  const im = readImages('gaussianBlur', img);
  const [kx, ky] = checkKernelSizes('gaussianBlur', kernelSize);
  let sx: number;
  let sy: number;
  if (sigma === undefined) {
    sx = kx * 0.15 + 0.35;
    sy = ky * 0.15 + 0.35;
  } else {
    [sx, sy] = typeof sigma === 'number' ? [sigma, sigma] : checkPair('gaussianBlur', 'sigma', sigma);
    for (const [arg, v] of [['sigma', sx], ['sigma', sy]] as const) {
      checkNumber('gaussianBlur', arg, v);
      if (v <= 0) throw new ArgumentError('gaussianBlur', arg, `must be positive, got ${v}`);
    }
  }
  const { rows, cols } = blurMaps('gaussianBlur', im.h, im.w, kx, ky);
  const out = new Float32Array(im.data.length);
  const tmp = new Float64Array(im.h * im.w);
  const line = new Float64Array(cols.length);
  const kxw = gaussianKernel1d(kx, sx);
  const kyw = gaussianKernel1d(ky, sy);
  for (let b = 0; b < im.n; b++) blurInto(im, out, b, kxw, kyw, rows, cols, tmp, line);
  return imagesTensor(im, out);
}
