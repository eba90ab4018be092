// data.transforms: hand-computed cases (exact quarter turns and integer shifts, flips, crop
// offsets, Normalize, the Gaussian kernel formula, bilinear weights at a sub-pixel shift), torchvision
// 0.14 itself (tests/fixtures/data_torch.json from make_data_fixtures.py: same seed, same draws, same
// pixels), per-image parameters in NCHW batches, seeded reproducibility, and typed errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, Generator, ShapeError, Tensor, arange, data, manualSeed, ones, rand, stack, tensor, type Nested } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';

const { transforms: T } = data;
const F = T.functional;

type Img = number[][][];
interface Fixtures {
  image: Img;
  transforms: Record<string, { seed: number; outputs: Img[] }>;
  deterministic: Record<string, Img>;
  gaussianKernel1d: { size: number; sigma: number; kernel: number[] }[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/data_torch.json', import.meta.url), 'utf8')) as Fixtures;
const img = tensor(fx.image); // [2, 7, 8]

const flat = (t: Tensor): number[] => Array.from(t.toFloat32Array());
const flatNested = (x: Nested<number>): number[] => (Array.isArray(x) ? x.flatMap(flatNested) : [x]);
/** A [1, h, w] image 0, 1, 2, ... row-major. */
const ramp = (h: number, w: number): Tensor<'float32'> => arange(h * w).float().reshape([1, h, w]);
const grid = (t: Tensor): number[][] => (t.tolist() as number[][][])[0]!;

describe('public surface', () => {
  it('exports the transforms and torchvision-named functional forms, no pixel-loop internals', () => {
    expect(Object.keys(F).sort()).toEqual(['affine', 'centerCrop', 'crop', 'gaussianBlur', 'gaussianKernel1d', 'hflip', 'normalize', 'pad', 'rotate', 'vflip']);
    expect(Object.keys(T).sort()).toEqual([
      'CenterCrop', 'Compose', 'GaussianBlur', 'Normalize', 'RandomAffine', 'RandomCrop', 'RandomHorizontalFlip', 'RandomRotation', 'RandomVerticalFlip',
      'Transform', 'applyTransform', 'functional',
    ]);
  });
});

describe('hand-computed geometry', () => {
  it('rotates a quarter turn counter-clockwise exactly, about the centre', () => {
    const x = ramp(3, 3);
    // [[0,1,2],[3,4,5],[6,7,8]] turned CCW: the right column becomes the top row.
    expect(grid(F.rotate(x, 90))).toEqual([[2, 5, 8], [1, 4, 7], [0, 3, 6]]);
    expect(grid(F.rotate(x, -90))).toEqual([[6, 3, 0], [7, 4, 1], [8, 5, 2]]);
    expect(grid(F.rotate(x, 180))).toEqual([[8, 7, 6], [5, 4, 3], [2, 1, 0]]);
    // Even sizes turn about the centre between pixels, still exactly.
    const y = ramp(4, 4);
    expect(grid(F.rotate(y, 90))).toEqual([[3, 7, 11, 15], [2, 6, 10, 14], [1, 5, 9, 13], [0, 4, 8, 12]]);
    expect(grid(F.rotate(y, 90, { interpolation: 'nearest' }))).toEqual(grid(F.rotate(y, 90)));
    // A fixed-angle RandomRotation is the same map.
    expect(grid(new T.RandomRotation([90, 90]).call(y))).toEqual(grid(F.rotate(y, 90)));
  });

  it('shifts by whole pixels exactly, zeros coming in', () => {
    const x = ramp(3, 4);
    // translate [1, -1]: one pixel right and one up.
    expect(grid(F.affine(x, 0, [1, -1], 1, 0))).toEqual([[0, 4, 5, 6], [0, 8, 9, 10], [0, 0, 0, 0]]);
    expect(grid(F.affine(x, 0, [-2, 0], 1, 0, { fill: 7 }))).toEqual([[2, 3, 7, 7], [6, 7, 7, 7], [10, 11, 7, 7]]);
  });

  it('interpolates bilinearly at a half-pixel shift, with torchvision\'s fill blend at the border', () => {
    const x = tensor([[[1, 3, 5]]]); // one row
    // Shift right by 0.5: out[j] = (x[j - 0.5] taps). Inside: mean of the neighbours.
    const out = grid(F.affine(x, 0, [0.5, 0], 1, 0))[0]!;
    expect(out[1]).toBeCloseTo((1 + 3) / 2, 6);
    expect(out[2]).toBeCloseTo((3 + 5) / 2, 6);
    // Left border: the taps are x[-1] (outside, reads 0) and x[0] = 1, weight 0.5 each: v = 0.5.
    expect(out[0]).toBeCloseTo(0.5, 6);
    // With a fill f, torchvision blends by the in-image weight (mask = 0.5): out = v·mask + (1 − mask)·f.
    expect(grid(F.affine(x, 0, [0.5, 0], 1, 0, { fill: 0 }))[0]![0]).toBeCloseTo(0.5 * 0.5, 6);
    expect(grid(F.affine(x, 0, [0.5, 0], 1, 0, { fill: 2 }))[0]![0]).toBeCloseTo(0.25 + 0.5 * 2, 6);
    // A quarter-pixel shift down on two rows: weights 0.75 / 0.25.
    const y = tensor([[[0, 0], [4, 8]]]);
    const down = grid(F.affine(y, 0, [0, 0.25], 1, 0));
    expect(down[1]![0]).toBeCloseTo(0.75 * 4 + 0.25 * 0, 6);
    expect(down[1]![1]).toBeCloseTo(0.75 * 8, 6);
  });

  it('flips', () => {
    const x = ramp(2, 3);
    expect(grid(F.hflip(x))).toEqual([[2, 1, 0], [5, 4, 3]]);
    expect(grid(F.vflip(x))).toEqual([[3, 4, 5], [0, 1, 2]]);
    expect(grid(new T.RandomHorizontalFlip(1).call(x))).toEqual([[2, 1, 0], [5, 4, 3]]);
    expect(new T.RandomVerticalFlip(0).call(x)).toBe(x);
  });

  it('crops at the right offsets', () => {
    const x = ramp(4, 5);
    expect(grid(F.crop(x, 1, 2, 2, 3))).toEqual([[7, 8, 9], [12, 13, 14]]);
    expect(grid(F.crop(x, -1, 3, 2, 3))).toEqual([[0, 0, 0], [3, 4, 0]]);
    // centre: (4-2)/2 = 1 rows, (5-3)/2 = 1 col; half offsets round to even: (5-2)/2 = 1.5 -> 2.
    expect(grid(F.centerCrop(x, [2, 3]))).toEqual([[6, 7, 8], [11, 12, 13]]);
    expect(grid(new T.CenterCrop([2, 2]).call(x))).toEqual([[7, 8], [12, 13]]);
    // Padding first: rows (4-2)//2 = 1 on top, 1 below; columns (3-2)//2 = 0 left, (3-2+1)//2 = 1 right.
    expect(grid(F.centerCrop(ramp(2, 2), [4, 3]))).toEqual([[0, 0, 0], [0, 1, 0], [2, 3, 0], [0, 0, 0]]);
    // RandomCrop with the full size draws nothing and returns the image.
    const g = new Generator(5);
    expect(grid(new T.RandomCrop([4, 5], { generator: g }).call(x))).toEqual(grid(x));
    expect(g.nextUint32()).toBe(new Generator(5).nextUint32());
    // Any other crop is some window of the padded image: check it against the offsets it must have.
    const c = grid(new T.RandomCrop([2, 2], { generator: new Generator(1) }).call(x));
    const top = Math.floor(c[0]![0]! / 5);
    const left = c[0]![0]! % 5;
    expect(c).toEqual([[top * 5 + left, top * 5 + left + 1], [(top + 1) * 5 + left, (top + 1) * 5 + left + 1]]);
  });

  it('pads in every mode', () => {
    const x = tensor([[[1, 2, 3]]]);
    const row = (mode: data.transforms.PaddingMode): number[] => grid(F.pad(x, [2, 0], { paddingMode: mode, fill: 9 }))[0]!;
    expect(row('constant')).toEqual([9, 9, 1, 2, 3, 9, 9]);
    expect(row('edge')).toEqual([1, 1, 1, 2, 3, 3, 3]);
    expect(row('reflect')).toEqual([3, 2, 1, 2, 3, 2, 1]);
    expect(row('symmetric')).toEqual([2, 1, 1, 2, 3, 3, 2]);
  });

  it('normalizes per channel', () => {
    const x = tensor([[[1, 2]], [[3, 5]]]);
    const out = new T.Normalize([1, 2], [2, 0.5]).call(x);
    expect(out.shape).toEqual([2, 1, 2]);
    expect(flat(out)).toEqual([0, 0.5, 2, 6]);
    expect(flat(F.normalize(x, 1, 2))).toEqual([0, 0.5, 1, 2]);
  });

  it("uses torchvision's Gaussian kernel formula", () => {
    const k = F.gaussianKernel1d(3, 1);
    const e = Math.exp(-0.5);
    expect(Array.from(k)).toEqual([e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)].map((v) => expect.closeTo(v, 12)));
    for (const c of fx.gaussianKernel1d) expectClose(F.gaussianKernel1d(c.size, c.sigma), c.kernel, { atol: 1e-7 }, `kernel ${c.size}, sigma ${c.sigma}`);
    // Blurring a constant image changes nothing (weights sum to 1, reflect padding).
    expectClose(flat(new T.GaussianBlur(5, 1.2).call(ones(1, 6, 6))), new Array(36).fill(1), { atol: 1e-6 }, 'constant image');
    // A 3x1 blur of one bright pixel spreads it by the kernel weights.
    const spot = tensor([[[0, 0, 0, 0, 0]]]);
    spot.storage.data[2] = 1;
    expectClose(grid(F.gaussianBlur(spot, [3, 1], 1))[0]!, [0, k[0]!, k[1]!, k[2]!, 0], { atol: 1e-7 }, 'spot');
  });
});

describe('torchvision 0.14 parity (same seed, same draws, same pixels)', () => {
  const random: Record<string, () => data.transforms.Transform> = {
    rotation_bilinear: () => new T.RandomRotation(30),
    rotation_nearest: () => new T.RandomRotation([-50, 20], { interpolation: 'nearest' }),
    rotation_center_fill: () => new T.RandomRotation(45, { center: [2, 3], fill: [0.5, -1] }),
    affine_full: () => new T.RandomAffine({ degrees: 20, translate: [0.2, 0.3], scale: [0.8, 1.2], shear: [-10, 10, -5, 5] }),
    affine_translate_nearest: () => new T.RandomAffine(0, { translate: [0.3, 0.3], interpolation: 'nearest' }),
    affine_scale_shear: () => new T.RandomAffine([-5, 5], { scale: [0.7, 1.3], shear: 15, fill: 0.25 }),
    hflip: () => new T.RandomHorizontalFlip(0.5),
    vflip: () => new T.RandomVerticalFlip(0.3),
    crop_pad: () => new T.RandomCrop(5, { padding: 2 }),
    crop_reflect: () => new T.RandomCrop([4, 6], { padding: [1, 2, 3, 0], paddingMode: 'reflect' }),
    crop_symmetric: () => new T.RandomCrop(9, { padding: [2, 1], paddingMode: 'symmetric' }),
    crop_edge_fill: () => new T.RandomCrop([8, 3], { padding: 1, paddingMode: 'edge' }),
    crop_constant_fill: () => new T.RandomCrop([6, 6], { padding: [3, 1], fill: 0.75 }),
    crop_pad_if_needed: () => new T.RandomCrop([10, 9], { padIfNeeded: true, paddingMode: 'reflect' }),
    blur_random: () => new T.GaussianBlur(3, [0.1, 2.0]),
    blur_rect: () => new T.GaussianBlur([5, 3], 1.5),
  };

  it('covers every fixture case', () => {
    expect(Object.keys(random).sort()).toEqual(Object.keys(fx.transforms).sort());
  });

  for (const [name, make] of Object.entries(random)) {
    it(`${name}: consecutive CHW calls after manualSeed, and one NCHW batch of the same image`, () => {
      const c = fx.transforms[name]!;
      const t = make();
      manualSeed(c.seed);
      c.outputs.forEach((expected, k) => expectClose(flat(t.call(img)), flatNested(expected), { atol: 2e-6 }, `${name} call ${k}`));
      // A batch draws image by image in the same order: image k gets call k's parameters.
      const batch = stack(c.outputs.map(() => img));
      const viaGen = make();
      manualSeed(c.seed);
      const out = viaGen.call(batch);
      expectClose(flat(out), c.outputs.flatMap(flatNested), { atol: 2e-6 }, `${name} batch`);
    });
  }

  it('deterministic functional forms', () => {
    const d = fx.deterministic;
    const cases: [string, Tensor][] = [
      ['centerCrop5', new T.CenterCrop(5).call(img)],
      ['centerCrop9x4', F.centerCrop(img, [9, 4])],
      ['centerCrop4x10', F.centerCrop(img, [4, 10])],
      ['normalize', new T.Normalize([0.5, 0.2], [0.25, 2]).call(img)],
      ['rotate37_center', F.rotate(img, 37.5, { center: [2, 3] })],
      ['affine_shear2', F.affine(img, -12, [1, -2], 1.1, [8, -4])],
      ['blur_default_sigma', F.gaussianBlur(img, [3, 5])],
      ['pad_symmetric', F.pad(img, [2, 1, 0, 3], { paddingMode: 'symmetric' })],
      ['crop_outside', F.crop(img, -2, 5, 4, 5)],
    ];
    expect(cases.map(([k]) => k).sort()).toEqual(Object.keys(d).sort());
    for (const [k, out] of cases) {
      expect(out.tolist(), k).toHaveLength(2);
      expectClose(flat(out), flatNested(d[k]!), { atol: 2e-6 }, k);
    }
  });
});

describe('batches and seeds', () => {
  const batch = stack([img, img, img, img, img, img]);
  const randomTransforms = (g: Generator): [string, data.transforms.Transform][] => [
    ['RandomRotation', new T.RandomRotation(40, { generator: g })],
    ['RandomAffine', new T.RandomAffine({ degrees: 10, translate: [0.3, 0.3], scale: [0.8, 1.2], generator: g })],
    ['RandomCrop', new T.RandomCrop(6, { padding: 2, generator: g })],
    ['GaussianBlur', new T.GaussianBlur(3, [0.1, 3], { generator: g })],
    ['RandomHorizontalFlip', new T.RandomHorizontalFlip(0.5, { generator: g })],
  ];

  it('draws independent parameters for each image of an NCHW batch', () => {
    for (const [name, t] of randomTransforms(new Generator(2024))) {
      const out = t.call(batch);
      expect(out.shape.slice(0, 2), name).toEqual([6, 2]);
      const images = new Set(Array.from({ length: 6 }, (_, k) => flat(out.select(0, k)).join(',')));
      expect(images.size, `${name}: identical inputs should come out differently`).toBeGreaterThan(1);
    }
  });

  it('image k of a batch equals the k-th single-image call with the same generator', () => {
    const names = randomTransforms(new Generator(0)).map(([n]) => n);
    for (const name of names) {
      const pick = (g: Generator): data.transforms.Transform => randomTransforms(g).find(([n]) => n === name)![1];
      const together = pick(new Generator(99)).call(batch);
      const single = pick(new Generator(99));
      const parts = Array.from({ length: 6 }, () => flat(single.call(img)));
      expectClose(flat(together), parts.flat(), { exact: true }, name);
    }
  });

  it('repeats under the same seed, the explicit generator and the global one alike', () => {
    const x = rand([3, 1, 9, 9], { generator: new Generator(1) });
    const run = (): number[] => flat(new T.Compose([new T.RandomAffine({ degrees: 30, translate: [0.1, 0.1] }), new T.GaussianBlur(3)]).call(x));
    manualSeed(5);
    const a = run();
    manualSeed(5);
    expect(run()).toEqual(a);
    manualSeed(6);
    expect(run()).not.toEqual(a);
    const withGen = (s: number): number[] => flat(new T.RandomRotation(20, { generator: new Generator(s) }).call(x));
    expect(withGen(3)).toEqual(withGen(3));
    expect(withGen(3)).not.toEqual(withGen(4));
  });

  it('Compose chains transforms and functions in order', () => {
    const x = ramp(2, 2);
    const c = new T.Compose([F.hflip, new T.Normalize(1, 2), (t: Tensor<'float32'>) => t.mul(10)]);
    expect(grid(c.call(x))).toEqual([[0, -5], [10, 5]]);
    expect(new T.Compose([]).call(x)).toBe(x);
  });

  it('reads non-contiguous inputs and leaves the input untouched', () => {
    const x = ramp(3, 4).transpose(1, 2); // [1, 4, 3], a view
    const before = flat(x);
    expect(grid(F.hflip(x))).toEqual((x.tolist() as number[][][])[0]!.map((r) => r.slice().reverse()));
    new T.RandomRotation(30).call(x);
    expect(flat(x)).toEqual(before);
  });
});

describe('errors name the transform and the argument', () => {
  const x = ones(1, 5, 5);
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['int image', () => new T.RandomRotation(5).call(tensor([[[1]]], { dtype: 'int32' })), DTypeError, /RandomRotation: img must be a float32 image tensor, got int32/],
    ['2-d image', () => new T.RandomHorizontalFlip().call(ones(4, 4)), ShapeError, /RandomHorizontalFlip: img must be CHW \(3-d, one image\) or NCHW/],
    ['not a tensor', () => F.hflip([1, 2] as never), ArgumentError, /hflip: img must be a Tensor, got an array/],
    ['p', () => new T.RandomHorizontalFlip(1.5), ArgumentError, /RandomHorizontalFlip: p must be a probability in \[0, 1\], got 1.5/],
    ['degrees', () => new T.RandomRotation(-3), ArgumentError, /RandomRotation: degrees as a single number must be finite and non-negative, got -3/],
    ['degrees order', () => new T.RandomRotation([10, 5]), ArgumentError, /RandomRotation: degrees must be \[min, max\]/],
    ['interpolation', () => new T.RandomRotation(5, { interpolation: 'cubic' as never }), ArgumentError, /RandomRotation: interpolation must be 'nearest' or 'bilinear', got "cubic"/],
    ['unknown option', () => new T.RandomRotation(5, { expand: true } as never), ArgumentError, /RandomRotation: option 'expand' is not a known option/],
    ['fill channels', () => new T.RandomRotation(5, { fill: [1, 2] }).call(x), ShapeError, /RandomRotation: fill must have 1 value or one per channel \(1\), got 2/],
    ['affine degrees', () => new T.RandomAffine({ translate: [0.1, 0.1] } as never), ArgumentError, /RandomAffine: degrees is required/],
    ['translate', () => new T.RandomAffine(0, { translate: [0.1, 2] }), ArgumentError, /RandomAffine: translate\[1\] must be a fraction in \[0, 1\], got 2/],
    ['scale', () => new T.RandomAffine(0, { scale: [0, 1] }), ArgumentError, /RandomAffine: scale\[0\] must be positive, got 0/],
    ['shear', () => new T.RandomAffine(0, { shear: [1, 2, 3] }), ArgumentError, /RandomAffine: shear must be a number or an array of 2 or 4 numbers, got 3 numbers/],
    ['crop size', () => new T.RandomCrop(0), ArgumentError, /RandomCrop: size must be >= 1, got 0/],
    ['crop too big', () => new T.RandomCrop(6).call(x), ArgumentError, /RandomCrop: size \[6, 6\] is larger than the padded image \[5, 5\]/],
    ['padding', () => new T.RandomCrop(3, { padding: [1, 2, 3] }), ArgumentError, /RandomCrop: padding must be a number or an array of 1, 2 or 4 numbers, got 3 numbers/],
    ['padding mode', () => new T.RandomCrop(3, { paddingMode: 'wrap' as never }), ArgumentError, /RandomCrop: paddingMode must be 'constant', 'edge', 'reflect' or 'symmetric', got "wrap"/],
    ['reflect too wide', () => new T.RandomCrop(3, { padding: 5, paddingMode: 'reflect' }).call(x), ArgumentError, /RandomCrop: padding reflect padding must be smaller than the image size 5/],
    ['center crop size', () => new T.CenterCrop([2, 0]), ArgumentError, /CenterCrop: size\[1\] must be >= 1, got 0/],
    ['kernel even', () => new T.GaussianBlur(4), ArgumentError, /GaussianBlur: kernelSize must be a positive odd integer, got 4/],
    ['sigma range', () => new T.GaussianBlur(3, [2, 1]), ArgumentError, /GaussianBlur: sigma must be \[min, max\] with 0 < min <= max, got \[2, 1\]/],
    ['sigma number', () => new T.GaussianBlur(3, 0), ArgumentError, /GaussianBlur: sigma as a single number must be positive, got 0/],
    ['kernel too big', () => new T.GaussianBlur(11, 1).call(x), ShapeError, /GaussianBlur: kernelSize \[11, 11\] needs half-widths smaller than the image/],
    ['std zero', () => new T.Normalize([0.5], [0]), ArgumentError, /Normalize: std\[0\] is zero after conversion to float32/],
    ['mean channels', () => new T.Normalize([0.1, 0.2], [1, 1]).call(x), ShapeError, /Normalize: mean must have 1 value or one per channel \(1\), got 2/],
    ['compose', () => new T.Compose([F.hflip, 3 as never]), ArgumentError, /Compose: transforms\[1\] must be a Transform or a function, got number/],
    ['generator', () => new T.RandomVerticalFlip(0.5, { generator: 42 as never }), ArgumentError, /RandomVerticalFlip: generator must be a Generator, got number/],
    ['rotate angle', () => F.rotate(x, Number.NaN), ArgumentError, /rotate: angle must be a finite number, got NaN/],
    ['affine scale', () => F.affine(x, 0, [0, 0], -1, 0), ArgumentError, /affine: scale must be positive, got -1/],
  ];
  for (const [name, fn, cls, msg] of cases) {
    it(name, () => {
      expect(fn).toThrow(cls);
      expect(fn).toThrow(msg);
    });
  }
});
