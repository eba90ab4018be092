// Composable image transforms (torchvision.transforms) for float32 tensors: CHW (one image) or
// NCHW (a batch, where every random transform draws its own parameters for each image). Random
// parameters come from a Generator, drawn in torchvision's order, so a CHW image gets the result
// torchvision gives after the same torch.manual_seed. The pixel loops are in image_ops.ts.

import { ArgumentError } from '../core/errors.js';
import { defaultGenerator, Generator } from '../core/random.js';
import type { Tensor } from '../tensor.js';
import {
  affineInto, blurInto, blurMaps, centerCropImages, centerOffset, checkInterpolation, checkKernelSizes, checkOptionsObject, checkPaddingMode, checkPair,
  checkSize2, hflipInto, imagesTensor, inverseAffineMatrix, normalizeImages, padMap, paddingLTRB, perChannel, readImages, remapInto, roundHalfEven,
  vflipInto, windowMap, type Interpolation, type PaddingMode,
} from './image_ops.js';
import { gaussianKernel1d, type GeometryOptions } from './transforms_functional.js';

export * as functional from './transforms_functional.js';
export type { GeometryOptions, Interpolation, PaddingMode, PadOptions } from './transforms_functional.js';

/**
 * A transform: `forward(img)` returns a new float32 tensor (or `img` itself when nothing changes).
 * Call it with `t.call(img)` or `t.forward(img)`, as an nn.Module. Outputs are not tracked by
 * autograd: transforms are data preprocessing.
 */
export abstract class Transform {
  abstract forward(img: Tensor): Tensor<'float32'>;
  /** Runs forward (torchvision's `transform(img)`). */
  call(img: Tensor): Tensor<'float32'> {
    return this.forward(img);
  }
}

/** A transform as a plain function of one tensor. */
export type TransformFn = (img: Tensor<'float32'>) => Tensor<'float32'>;
/** What Compose, DataLoader and TransformDataset accept: a Transform or a function. */
export type TransformLike = Transform | TransformFn;

/** Runs a Transform or a transform function on `img`. */
export function applyTransform(t: TransformLike, img: Tensor): Tensor<'float32'> {
  return typeof t === 'function' ? t(img as Tensor<'float32'>) : t.forward(img);
}

function isTransformLike(t: unknown): t is TransformLike {
  return typeof t === 'function' || (typeof t === 'object' && t !== null && typeof (t as { forward?: unknown }).forward === 'function');
}

/**
 * Applies transforms one after another (torchvision's `Compose`).
 * @example
 * const augment = new Compose([new RandomRotation(10), new Normalize([0.1307], [0.3081])]);
 * const out = augment.call(batch);
 */
export class Compose extends Transform {
  readonly transforms: readonly TransformLike[];
  constructor(transforms: readonly TransformLike[]) {
    super();
    if (!Array.isArray(transforms)) throw new ArgumentError('Compose', 'transforms', `must be an array of transforms, got ${transforms === null ? 'null' : typeof transforms}`);
    transforms.forEach((t, i) => {
      if (!isTransformLike(t)) throw new ArgumentError('Compose', `transforms[${i}]`, `must be a Transform or a function, got ${t === null ? 'null' : typeof t}`);
    });
    this.transforms = transforms.slice();
  }
  forward(img: Tensor): Tensor<'float32'> {
    let x = img as Tensor<'float32'>;
    for (const t of this.transforms) x = applyTransform(t, x);
    return x;
  }
}

/**
 * `(img - mean[c]) / std[c]` per channel (torchvision's `Normalize`); `mean` and `std` hold one
 * value, or one per channel.
 * @example
 * new Normalize([0.1307], [0.3081]).call(images);
 */
export class Normalize extends Transform {
  readonly mean: readonly number[];
  readonly std: readonly number[];
  constructor(mean: number | readonly number[], std: number | readonly number[]) {
    super();
    this.mean = numbers('Normalize', 'mean', mean);
    this.std = numbers('Normalize', 'std', std);
    this.std.forEach((v, i) => {
      if (Math.fround(v) === 0) throw new ArgumentError('Normalize', `std[${i}]`, 'is zero after conversion to float32, which would divide by zero');
    });
  }
  forward(img: Tensor): Tensor<'float32'> {
    return normalizeImages('Normalize', img, this.mean, this.std);
  }
}

/** A number or a non-empty array of finite numbers, as an array. */
function numbers(op: string, arg: string, v: unknown): number[] {
  const xs = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError(op, arg, `must be a number or a non-empty array of numbers, got ${Array.isArray(xs) ? 'an empty array' : v === null ? 'null' : typeof v}`);
  xs.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ArgumentError(op, typeof v === 'number' ? arg : `${arg}[${i}]`, `must be a finite number, got ${String(x)}`);
  });
  return xs.slice() as number[];
}

/** Options shared by the random transforms. */
export interface RandomOptions {
  /** Where random parameters come from (default: the global generator that manualSeed seeds). */
  generator?: Generator;
}

function checkGenerator(op: string, g: unknown): Generator | undefined {
  if (g === undefined) return undefined;
  if (!(g instanceof Generator)) throw new ArgumentError(op, 'generator', `must be a Generator, got ${g === null ? 'null' : typeof g}`);
  return g;
}

/** torch.empty(1).uniform_(a, b).item(): a float32 draw, computed as PyTorch's CPU kernel does. */
function uniform(g: Generator, a: number, b: number): number {
  const from = Math.fround(a);
  const to = Math.fround(b);
  return Math.fround(g.nextFloat24() * Math.fround(to - from) + from);
}

function checkProbability(op: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new ArgumentError(op, 'p', `must be a probability in [0, 1], got ${String(p)}`);
  return p;
}

/** [min, max] from a number d ≥ 0 (→ [−d, d]) or an array of 2 numbers with min ≤ max (torchvision's `_setup_angle`). */
function checkRange(op: string, arg: string, v: unknown, sizes: readonly number[] = [2]): number[] {
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) throw new ArgumentError(op, arg, `as a single number must be finite and non-negative, got ${v}`);
    return [-v, v];
  }
  if (!Array.isArray(v) || !sizes.includes(v.length)) {
    throw new ArgumentError(op, arg, `must be a number or an array of ${sizes.join(' or ')} numbers, got ${Array.isArray(v) ? `${v.length} numbers` : String(v)}`);
  }
  v.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ArgumentError(op, `${arg}[${i}]`, `must be a finite number, got ${String(x)}`);
  });
  for (let i = 0; i < v.length; i += 2) {
    if (v[i] > v[i + 1]) throw new ArgumentError(op, arg, `must be [min, max] ranges with min <= max, got [${v.join(', ')}]`);
  }
  return v.slice() as number[];
}

/** Flips each image left-right with probability `p` (torchvision's `RandomHorizontalFlip`), one draw per image. */
export class RandomHorizontalFlip extends Transform {
  readonly p: number;
  private readonly generator: Generator | undefined;
  constructor(p = 0.5, options: RandomOptions = {}) {
    super();
    checkOptionsObject('RandomHorizontalFlip', options, ['generator']);
    this.p = checkProbability('RandomHorizontalFlip', p);
    this.generator = checkGenerator('RandomHorizontalFlip', options.generator);
  }
  forward(img: Tensor): Tensor<'float32'> {
    return randomFlip('RandomHorizontalFlip', img, this.p, this.generator ?? defaultGenerator, hflipInto);
  }
}

/** Flips each image top-bottom with probability `p` (torchvision's `RandomVerticalFlip`), one draw per image. */
export class RandomVerticalFlip extends Transform {
  readonly p: number;
  private readonly generator: Generator | undefined;
  constructor(p = 0.5, options: RandomOptions = {}) {
    super();
    checkOptionsObject('RandomVerticalFlip', options, ['generator']);
    this.p = checkProbability('RandomVerticalFlip', p);
    this.generator = checkGenerator('RandomVerticalFlip', options.generator);
  }
  forward(img: Tensor): Tensor<'float32'> {
    return randomFlip('RandomVerticalFlip', img, this.p, this.generator ?? defaultGenerator, vflipInto);
  }
}

function randomFlip(op: string, img: Tensor, p: number, g: Generator, flipInto: typeof hflipInto): Tensor<'float32'> {
  const im = readImages(op, img);
  const pf = Math.fround(p);
  // torch.rand(1) < p, one draw per image.
  const flips = Array.from({ length: im.n }, () => g.nextFloat24() < pf);
  if (!flips.some(Boolean)) return img as Tensor<'float32'>;
  const out = new Float32Array(im.data.length);
  const per = im.c * im.h * im.w;
  flips.forEach((f, b) => (f ? flipInto(im, out, b, b + 1) : out.set(im.data.subarray(b * per, (b + 1) * per), b * per)));
  return imagesTensor(im, out);
}

interface Geometry {
  interpolation: Interpolation;
  fill: number | readonly number[];
  center: [number, number] | undefined;
}

function checkGeometry(op: string, options: GeometryOptions): Geometry {
  const fill = numbers(op, 'fill', options.fill ?? 0);
  return {
    interpolation: checkInterpolation(op, options.interpolation ?? 'bilinear'),
    fill,
    center: options.center === undefined ? undefined : checkPair(op, 'center', options.center),
  };
}

/** Options of RandomRotation. */
export interface RandomRotationOptions extends GeometryOptions, RandomOptions {}

/**
 * Rotates each image by an angle drawn uniformly from `degrees` (a number d means [−d, d]),
 * counter-clockwise about the centre (torchvision's `RandomRotation`, without `expand`); pixels
 * from outside are `fill` (0).
 * NOTE: interpolation defaults to bilinear here, nearest in torchvision (see GeometryOptions).
 * @example
 * new RandomRotation(15, { generator: new Generator(0) }).call(batch); // NCHW: an angle per image
 */
export class RandomRotation extends Transform {
  readonly degrees: readonly [number, number];
  private readonly geometry: Geometry;
  private readonly generator: Generator | undefined;
  constructor(degrees: number | readonly [number, number], options: RandomRotationOptions = {}) {
    super();
    checkOptionsObject('RandomRotation', options, ['interpolation', 'fill', 'center', 'generator']);
    this.degrees = checkRange('RandomRotation', 'degrees', degrees) as [number, number];
    this.geometry = checkGeometry('RandomRotation', options);
    this.generator = checkGenerator('RandomRotation', options.generator);
  }
  forward(img: Tensor): Tensor<'float32'> {
    const op = 'RandomRotation';
    const im = readImages(op, img);
    const g = this.generator ?? defaultGenerator;
    const fill = perChannel(op, 'fill', this.geometry.fill, im.c);
    const center = centerOffset(this.geometry.center, im.h, im.w);
    const out = new Float32Array(im.data.length);
    for (let b = 0; b < im.n; b++) {
      const angle = uniform(g, this.degrees[0], this.degrees[1]);
      affineInto(im, out, b, inverseAffineMatrix(center, -angle, [0, 0], 1, [0, 0]), this.geometry.interpolation, fill);
    }
    return imagesTensor(im, out);
  }
}

/** Options of RandomAffine (`degrees` may be given here or as the first argument). */
export interface RandomAffineOptions extends GeometryOptions, RandomOptions {
  /** Rotation range in degrees, clockwise: d means [−d, d]; 0 for none. */
  degrees?: number | readonly [number, number];
  /** Maximal shifts as fractions [fx, fy] of the width and height: dx is a whole number of pixels drawn in [−fx·W, fx·W]. */
  translate?: readonly [number, number];
  /** Zoom range [min, max], drawn uniformly (default: no zoom). */
  scale?: readonly [number, number];
  /** Shear in degrees: d (x in [−d, d]), [min, max] (x), or [xmin, xmax, ymin, ymax]. */
  shear?: number | readonly number[];
}

/**
 * A random affine map per image (torchvision's `RandomAffine`): rotation, integer translation,
 * zoom and shear drawn in torchvision's order, then one inverse-affine pass about the centre.
 * Shifts alone: `{ degrees: 0, translate: [0.1, 0.1] }`; zoom alone: `{ degrees: 0, scale: [0.9, 1.1] }`.
 * NOTE: interpolation defaults to bilinear here, nearest in torchvision (see GeometryOptions).
 * @example
 * new RandomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1] });
 * new RandomAffine(10, { translate: [0.1, 0.1] }); // torchvision's argument order
 */
export class RandomAffine extends Transform {
  readonly degrees: readonly [number, number];
  readonly translate: readonly [number, number] | undefined;
  readonly scale: readonly [number, number] | undefined;
  readonly shear: readonly number[] | undefined;
  private readonly geometry: Geometry;
  private readonly generator: Generator | undefined;

  constructor(options: RandomAffineOptions & { degrees: number | readonly [number, number] });
  constructor(degrees: number | readonly [number, number], options?: Omit<RandomAffineOptions, 'degrees'>);
  constructor(degreesOrOptions: number | readonly [number, number] | RandomAffineOptions, maybeOptions: RandomAffineOptions = {}) {
    super();
    const op = 'RandomAffine';
    const positional = typeof degreesOrOptions === 'number' || Array.isArray(degreesOrOptions);
    const options = (positional ? maybeOptions : degreesOrOptions) as RandomAffineOptions;
    const known = ['translate', 'scale', 'shear', 'interpolation', 'fill', 'center', 'generator'];
    checkOptionsObject(op, options, positional ? known : ['degrees', ...known]);
    const degrees = positional ? degreesOrOptions : options.degrees;
    if (degrees === undefined) throw new ArgumentError(op, 'degrees', 'is required (0 for no rotation)');
    this.degrees = checkRange(op, 'degrees', degrees) as [number, number];
    if (options.translate !== undefined) {
      const t = checkPair(op, 'translate', options.translate);
      t.forEach((v, i) => {
        if (v < 0 || v > 1) throw new ArgumentError(op, `translate[${i}]`, `must be a fraction in [0, 1], got ${v}`);
      });
      this.translate = t;
    }
    if (options.scale !== undefined) {
      const s = checkPair(op, 'scale', options.scale);
      s.forEach((v, i) => {
        if (v <= 0) throw new ArgumentError(op, `scale[${i}]`, `must be positive, got ${v}`);
      });
      if (s[0] > s[1]) throw new ArgumentError(op, 'scale', `must be [min, max] with min <= max, got [${s.join(', ')}]`);
      this.scale = s;
    }
    if (options.shear !== undefined) this.shear = checkRange(op, 'shear', options.shear, [2, 4]);
    this.geometry = checkGeometry(op, options);
    this.generator = checkGenerator(op, options.generator);
  }

  forward(img: Tensor): Tensor<'float32'> {
    const op = 'RandomAffine';
    const im = readImages(op, img);
    const g = this.generator ?? defaultGenerator;
    const fill = perChannel(op, 'fill', this.geometry.fill, im.c);
    const center = centerOffset(this.geometry.center, im.h, im.w);
    const out = new Float32Array(im.data.length);
    for (let b = 0; b < im.n; b++) {
      // torchvision's get_params: angle, then tx, ty, then scale, then the shears, each drawn only if configured.
      const angle = uniform(g, this.degrees[0], this.degrees[1]);
      let tx = 0;
      let ty = 0;
      if (this.translate !== undefined) {
        const maxDx = this.translate[0] * im.w;
        const maxDy = this.translate[1] * im.h;
        tx = roundHalfEven(uniform(g, -maxDx, maxDx));
        ty = roundHalfEven(uniform(g, -maxDy, maxDy));
      }
      const scale = this.scale === undefined ? 1 : uniform(g, this.scale[0], this.scale[1]);
      let shx = 0;
      let shy = 0;
      if (this.shear !== undefined) {
        shx = uniform(g, this.shear[0]!, this.shear[1]!);
        if (this.shear.length === 4) shy = uniform(g, this.shear[2]!, this.shear[3]!);
      }
      affineInto(im, out, b, inverseAffineMatrix(center, angle, [tx, ty], scale, [shx, shy]), this.geometry.interpolation, fill);
    }
    return imagesTensor(im, out);
  }
}

/** Options of RandomCrop. */
export interface RandomCropOptions extends RandomOptions {
  /** Border added before cropping: one number, [leftRight, topBottom] or [left, top, right, bottom]. */
  padding?: number | readonly number[];
  /** Pad an image smaller than the crop (torchvision pads both sides by the shortfall). */
  padIfNeeded?: boolean;
  /** The value of constant padding (default 0). */
  fill?: number;
  /** 'constant' (default), 'edge', 'reflect' or 'symmetric'. */
  paddingMode?: PaddingMode;
}

/**
 * Crops a `size` window (a number or [height, width]) at a random position per image, after
 * optional padding (torchvision's `RandomCrop`): top then left offsets drawn with randint.
 * @example
 * new RandomCrop(28, { padding: 4 }).call(batch); // the classic pad-and-crop shift augmentation
 */
export class RandomCrop extends Transform {
  readonly size: readonly [number, number];
  private readonly padding: [number, number, number, number];
  private readonly padIfNeeded: boolean;
  private readonly fill: number;
  private readonly paddingMode: PaddingMode;
  private readonly generator: Generator | undefined;

  constructor(size: number | readonly number[], options: RandomCropOptions = {}) {
    super();
    const op = 'RandomCrop';
    checkOptionsObject(op, options, ['padding', 'padIfNeeded', 'fill', 'paddingMode', 'generator']);
    this.size = checkSize2(op, 'size', size);
    this.padding = paddingLTRB(op, options.padding ?? 0);
    if (options.padIfNeeded !== undefined && typeof options.padIfNeeded !== 'boolean') throw new ArgumentError(op, 'padIfNeeded', `must be a boolean, got ${typeof options.padIfNeeded}`);
    this.padIfNeeded = options.padIfNeeded ?? false;
    const fill = options.fill ?? 0;
    if (typeof fill !== 'number' || !Number.isFinite(fill)) throw new ArgumentError(op, 'fill', `must be a finite number, got ${String(fill)}`);
    this.fill = fill;
    this.paddingMode = checkPaddingMode(op, options.paddingMode ?? 'constant');
    this.generator = checkGenerator(op, options.generator);
  }

  /** Maps of one axis: padding, then (padIfNeeded) the shortfall on both sides, as torchvision pads in two steps. */
  private axisMap(size: number, before: number, after: number, target: number, arg: string): Int32Array {
    const op = 'RandomCrop';
    let map = padMap(op, arg, size, before, after, this.paddingMode);
    if (this.padIfNeeded && map.length < target) {
      const extra = target - map.length;
      const outer = padMap(op, arg, map.length, extra, extra, this.paddingMode);
      map = Int32Array.from(outer, (k) => (k < 0 ? -1 : map[k]!));
    }
    return map;
  }

  forward(img: Tensor): Tensor<'float32'> {
    const op = 'RandomCrop';
    const im = readImages(op, img);
    const [th, tw] = this.size;
    const [l, t, r, b] = this.padding;
    const rows = this.axisMap(im.h, t, b, th, 'padding');
    const cols = this.axisMap(im.w, l, r, tw, 'padding');
    if (rows.length < th || cols.length < tw) {
      throw new ArgumentError(op, 'size', `[${th}, ${tw}] is larger than the ${this.padIfNeeded ? '' : 'padded '}image [${rows.length}, ${cols.length}]${this.padIfNeeded ? '' : ' (padIfNeeded pads it)'}`);
    }
    const g = this.generator ?? defaultGenerator;
    const fill = new Float64Array(im.c).fill(this.fill);
    const out = new Float32Array(im.n * im.c * th * tw);
    for (let n = 0; n < im.n; n++) {
      // torchvision's get_params: no draw when the sizes already match, else top then left.
      let i = 0;
      let j = 0;
      if (rows.length !== th || cols.length !== tw) {
        i = g.nextInt(0, rows.length - th + 1);
        j = g.nextInt(0, cols.length - tw + 1);
      }
      remapInto(im, out, n, n + 1, windowMap(rows, i, th), windowMap(cols, j, tw), fill);
    }
    return imagesTensor(im, out, th, tw);
  }
}

/**
 * Crops the central `size` window (torchvision's `CenterCrop`); images smaller than it are padded
 * with zeros first.
 * @example
 * new CenterCrop(24).call(batch); // [N, C, 28, 28] → [N, C, 24, 24]
 */
export class CenterCrop extends Transform {
  readonly size: readonly [number, number];
  constructor(size: number | readonly number[]) {
    super();
    this.size = checkSize2('CenterCrop', 'size', size);
  }
  forward(img: Tensor): Tensor<'float32'> {
    return centerCropImages('CenterCrop', img, this.size);
  }
}

/**
 * Blurs each image with a Gaussian kernel of `kernelSize` (a positive odd number or [kx, ky]) and
 * a sigma drawn per image uniformly from `sigma` = [min, max] (a number: fixed), torchvision's
 * `GaussianBlur` with its kernel formula and reflect padding.
 * @example
 * new GaussianBlur(3, [0.1, 2.0]).call(batch);
 */
export class GaussianBlur extends Transform {
  readonly kernelSize: readonly [number, number];
  readonly sigma: readonly [number, number];
  private readonly generator: Generator | undefined;
  constructor(kernelSize: number | readonly number[], sigma: number | readonly [number, number] = [0.1, 2.0], options: RandomOptions = {}) {
    super();
    const op = 'GaussianBlur';
    checkOptionsObject(op, options, ['generator']);
    this.kernelSize = checkKernelSizes(op, kernelSize);
    if (typeof sigma === 'number') {
      if (!Number.isFinite(sigma) || sigma <= 0) throw new ArgumentError(op, 'sigma', `as a single number must be positive, got ${sigma}`);
      this.sigma = [sigma, sigma];
    } else {
      const s = checkPair(op, 'sigma', sigma);
      if (!(s[0] > 0 && s[0] <= s[1])) throw new ArgumentError(op, 'sigma', `must be [min, max] with 0 < min <= max, got [${s.join(', ')}]`);
      this.sigma = s;
    }
    this.generator = checkGenerator(op, options.generator);
  }
  forward(img: Tensor): Tensor<'float32'> {
    const op = 'GaussianBlur';
    const im = readImages(op, img);
    const [kx, ky] = this.kernelSize;
    const { rows, cols } = blurMaps(op, im.h, im.w, kx, ky);
    const g = this.generator ?? defaultGenerator;
    const out = new Float32Array(im.data.length);
    const tmp = new Float64Array(im.h * im.w);
    const line = new Float64Array(cols.length);
    for (let b = 0; b < im.n; b++) {
      // One sigma per image, for both directions; torchvision draws it even when min == max.
      const s = uniform(g, this.sigma[0], this.sigma[1]);
      blurInto(im, out, b, gaussianKernel1d(kx, s), gaussianKernel1d(ky, s), rows, cols, tmp, line);
    }
    return imagesTensor(im, out);
  }
}
