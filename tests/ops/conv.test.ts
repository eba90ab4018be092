// Convolution ops and modules against PyTorch 1.13 and against their own definitions:
// 1. tests/fixtures/conv_torch.json (make_conv_fixtures.py): F.conv1d/conv2d/convTranspose1d/2d forward
//    values and the input, weight and bias gradients of sum(y · cotangent), float64 and float32, on the
//    reference and the native backend; nn.Conv*/ConvTranspose* parameters after manualSeed.
// 2. semantics: conv1d = conv2d with H = 1, unbatched inputs, options in place of the bias, empty batch
//    and zero channels, non-contiguous inputs, convTranspose2d = the input gradient of conv2d, modules.
// 3. errors: PyTorch's checks with its message content, as ShapeError / ArgumentError / DTypeError.
// Gradcheck and gradgradcheck of the ops live in the op database (tests/helpers/opinfo.ts); native vs
// reference kernel parity on random geometries in tests/ops/parity.test.ts.

import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ArgumentError, DTypeError, F, NotImplementedError, ShapeError, Tensor, autograd, getNumThreads, manualSeed, nn, randn, setBackend,
  setNumThreads, tensor, transpose, zeros,
} from '../../src/index.js';
import { fixtureBackends, fixtureTensor, type Flat } from '../helpers/torch_fixture.js';

interface ConvCase {
  name: string;
  op: 'conv1d' | 'conv2d' | 'convTranspose1d' | 'convTranspose2d';
  options: Record<string, unknown>;
  x: Flat; w: Flat; b: Flat | null; y: Flat; cotangent: Flat; gx: Flat; gw: Flat; gb: Flat | null;
}
interface InitCase {
  seed: number;
  cls: 'Conv1d' | 'Conv2d' | 'ConvTranspose2d';
  args: [number, number, number | number[]];
  options: Record<string, unknown>;
  keys: string[];
  weight: Flat;
  bias: Flat | null;
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/conv_torch.json', import.meta.url), 'utf8')) as { torch: string; cases: ConvCase[]; init: InitCase[] };

const BACKENDS = fixtureBackends();

const t = fixtureTensor;

/** max |a − e| <= atol·max(1, max|e|) + rtol·|e|, with the shapes equal. */
function close(actual: Tensor | null, expected: Flat, rtol: number, atol: number, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(actual!.shape, what).toEqual(expected.shape);
  const got = actual!.toTypedArray() as ArrayLike<number>;
  const scale = Math.max(1, ...expected.data.map(Math.abs));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i]!;
    const err = Math.abs(got[i]! - e) - rtol * Math.abs(e);
    if (err > worst) {
      worst = err;
      at = i;
    }
  }
  expect(worst <= atol * scale, `${what}: element ${at} is ${got[at]}, expected ${expected.data[at]}`).toBe(true);
}

function run(c: ConvCase, x: Tensor, w: Tensor, b: Tensor | null): Tensor {
  switch (c.op) {
    case 'conv1d': return F.conv1d(x, w, b, c.options);
    case 'conv2d': return F.conv2d(x, w, b, c.options);
    case 'convTranspose1d': return F.convTranspose1d(x, w, b, c.options);
    case 'convTranspose2d': return F.convTranspose2d(x, w, b, c.options);
  }
}

describe('PyTorch 1.13 fixtures', () => {
  it('come from torch 1.13 and cover every op, groups, dilation, same padding and outputPadding', () => {
    expect(fx.torch.startsWith('1.13')).toBe(true);
    const ops = new Set(fx.cases.map((c) => c.op));
    expect([...ops].sort()).toEqual(['conv1d', 'conv2d', 'convTranspose1d', 'convTranspose2d']);
    const has = (k: string, v?: unknown): boolean => fx.cases.some((c) => k in c.options && (v === undefined || c.options[k] === v));
    for (const k of ['stride', 'dilation', 'groups', 'outputPadding']) expect(has(k), k).toBe(true);
    expect(has('padding', 'same') && has('padding', 'valid')).toBe(true);
  });

  for (const backend of BACKENDS) {
    for (const dtype of ['float64', 'float32'] as const) {
      // float64 always runs on the reference kernels; float32 is the backend's own path.
      if (dtype === 'float64' && backend === 'native') continue;
      describe(`${backend} ${dtype}`, () => {
        const [rtol, atol] = dtype === 'float64' ? [1e-9, 1e-10] : [1e-5, 2e-5];
        for (const c of fx.cases) {
          it(c.name, () => {
            setBackend(backend);
            const x = t(c.x, dtype, true);
            const w = t(c.w, dtype, true);
            const b = c.b ? t(c.b, dtype, true) : null;
            const y = run(c, x, w, b);
            close(y, c.y, rtol, atol, 'output');
            autograd.backward([y], [t(c.cotangent, dtype)]);
            close(x.grad, c.gx, rtol, atol, 'input gradient');
            close(w.grad, c.gw, rtol, atol, 'weight gradient');
            if (c.gb) close(b!.grad, c.gb, rtol, atol, 'bias gradient');
          });
        }
      });
    }
  }

  describe('module initialisation under manualSeed equals torch', () => {
    for (const c of fx.init) {
      it(`${c.cls}(${JSON.stringify(c.args)}, ${JSON.stringify(c.options)})`, () => {
        manualSeed(c.seed);
        const m = new nn[c.cls](c.args[0], c.args[1], c.args[2], c.options);
        expect(Object.keys(m.stateDict())).toEqual(c.keys);
        close(m.weight, c.weight, 0, 1e-7, 'weight');
        if (c.bias) close(m.bias, c.bias, 0, 1e-7, 'bias');
        else expect(m.bias).toBeNull();
      });
    }
  });
});

describe('semantics', () => {
  for (const backend of BACKENDS) {
    describe(backend, () => {
      it('conv1d is conv2d with H = 1; transposed alike', () => {
        setBackend(backend);
        const x = randn(2, 4, 13);
        const w = randn(6, 2, 3);
        const b = randn(6);
        const y1 = F.conv1d(x, w, b, { stride: 2, padding: 2, dilation: 2, groups: 2 });
        const y2 = F.conv2d(x.unsqueeze(2), w.unsqueeze(2), b, { stride: [1, 2], padding: [0, 2], dilation: [1, 2], groups: 2 }).squeeze(2);
        expect(y1.shape).toEqual([2, 6, 7]);
        expect(Array.from(y1.toFloat32Array())).toEqual(Array.from(y2.toFloat32Array()));
        const wt = randn(4, 3, 4);
        const z1 = F.convTranspose1d(x, wt, null, { stride: 3, padding: 1, outputPadding: 2 });
        const z2 = F.convTranspose2d(x.unsqueeze(2), wt.unsqueeze(2), { stride: [1, 3], padding: [0, 1], outputPadding: [0, 2] }).squeeze(2);
        expect(z1.shape).toEqual([2, 3, 40]); // (13 − 1)·3 − 2·1 + (4 − 1) + 2 + 1
        expect(Array.from(z1.toFloat32Array())).toEqual(Array.from(z2.toFloat32Array()));
      });

      it('unbatched input equals a batch of one; options may replace the bias', () => {
        setBackend(backend);
        const x = randn(3, 7, 6);
        const w = randn(4, 3, 3, 2);
        const y = F.conv2d(x, w, { padding: 1 });
        expect(y.shape).toEqual([4, 7, 7]);
        const yb = F.conv2d(x.unsqueeze(0), w, null, { padding: 1 });
        expect(Array.from(y.toFloat32Array())).toEqual(Array.from(yb.toFloat32Array()));
        const up = F.convTranspose2d(x, randn(3, 2, 2, 2), { stride: 2 });
        expect(up.shape).toEqual([2, 14, 12]);
      });

      it('non-contiguous inputs give the contiguous result', () => {
        setBackend(backend);
        const x = randn(2, 3, 9, 8);
        const xt = transpose(x.contiguous().transpose(2, 3).contiguous(), 2, 3); // same values, W-major storage
        expect(xt.isContiguous()).toBe(false);
        const w = randn(5, 3, 3, 3);
        const wt = transpose(w.transpose(0, 1).contiguous(), 0, 1);
        const a = F.conv2d(x, w, null, { stride: 2, padding: 1 });
        const bb = F.conv2d(xt, wt, null, { stride: 2, padding: 1 });
        expect(Array.from(bb.toFloat32Array())).toEqual(Array.from(a.toFloat32Array()));
        // A stride-0 (expanded) batch.
        const one = randn(1, 3, 6, 6);
        const ex = one.expand(4, 3, 6, 6);
        const e = F.conv2d(ex, w);
        const r = F.conv2d(one, w);
        for (let n = 0; n < 4; n++) expect(Array.from(e.select(0, n).toFloat32Array())).toEqual(Array.from(r.select(0, 0).toFloat32Array()));
      });

      it('empty batch, zero input channels and a gradient through both', () => {
        setBackend(backend);
        const w = randn(4, 3, 3, 3).requiresGrad_(true);
        const y = F.conv2d(zeros(0, 3, 8, 8), w, randn(4));
        expect(y.shape).toEqual([0, 4, 6, 6]);
        y.sum().backward();
        expect(Array.from(w.grad!.toFloat32Array()).every((v) => v === 0)).toBe(true);
        const b = tensor([1, -2]);
        const z = F.conv2d(zeros(2, 0, 5, 5), zeros(2, 0, 3, 3), b, { padding: 1 });
        expect(z.shape).toEqual([2, 2, 5, 5]);
        expect(z.select(1, 0).toFloat32Array().every((v) => v === 1)).toBe(true);
        expect(z.select(1, 1).toFloat32Array().every((v) => v === -2)).toBe(true);
      });

      it('convTranspose2d is the input gradient of conv2d', () => {
        setBackend(backend);
        const x = randn(2, 4, 9, 7).requiresGrad_(true);
        const w = randn(6, 2, 3, 2);
        const o = { stride: [2, 3], padding: [1, 0], dilation: [1, 2], groups: 2 } as const;
        const y = F.conv2d(x, w, null, o);
        const g = randn(...y.shape);
        y.backward(g);
        // outputPadding makes the transposed output as large as x again.
        const op = [9 - ((y.shape[2]! - 1) * 2 - 2 + 2 + 1), 7 - ((y.shape[3]! - 1) * 3 + 2 + 1)];
        const z = F.convTranspose2d(g, w, null, { ...o, outputPadding: op });
        expect(z.shape).toEqual(x.shape);
        const a = z.toFloat32Array();
        const e = x.grad!.toFloat32Array();
        for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(e[i]!, 4);
      });
    });
  }

  it('native results do not depend on the thread count (bitwise), GEMM and direct paths', () => {
    if (!BACKENDS.includes('native')) return;
    setBackend('native');
    const before = getNumThreads();
    const cases: [number[], number[], object][] = [
      [[3, 8, 17, 19], [12, 8, 3, 3], { padding: 1 }], // GEMM path
      [[1, 16, 20, 20], [16, 16, 3, 3], { stride: 2, padding: 1 }], // one image: channel chunks, row chunks
      [[9, 6, 9, 9], [6, 1, 3, 3], { groups: 6, padding: 2, dilation: 2 }], // direct (depthwise)
      [[2, 4, 12, 12], [4, 2, 5, 5], { groups: 2, stride: 2 }], // direct, strided
    ];
    try {
      for (const [xs, ws, o] of cases) {
        const run = (threads: number): number[][] => {
          setNumThreads(threads);
          manualSeed(5);
          const x = randn(...xs).requiresGrad_(true);
          const w = randn(...ws).requiresGrad_(true);
          const y = F.conv2d(x, w, null, o);
          const [gx, gw] = autograd.grad([y], [x, w], { gradOutputs: [randn(...y.shape)] });
          return [y, gx!, gw!].map((t) => Array.from(t.toFloat32Array()));
        };
        const one = run(1);
        for (const threads of [2, 3]) expect(run(threads), `${JSON.stringify([xs, ws, o])} at ${threads} threads`).toEqual(one);
      }
    } finally {
      setNumThreads(before);
    }
  });

  it('modules: forward, repr, outputSize, paddingMode', () => {
    const c = new nn.Conv2d(4, 8, [3, 1], { stride: 2, padding: 'valid', groups: 2, bias: false });
    expect(c.weight.shape).toEqual([8, 2, 3, 1]);
    expect(c.bias).toBeNull();
    expect(c.forward(randn(2, 4, 9, 5)).shape).toEqual([2, 8, 4, 3]);
    expect(c.toString()).toContain('groups=2');
    const same = new nn.Conv1d(3, 5, 4, { padding: 'same', dilation: 2 });
    expect(same.forward(randn(2, 3, 11)).shape).toEqual([2, 5, 11]);
    const up = new nn.ConvTranspose2d(6, 4, 3, { stride: 2, padding: 1, groups: 2 });
    expect(up.weight.shape).toEqual([6, 2, 3, 3]);
    expect(up.forward(randn(1, 6, 5, 5)).shape).toEqual([1, 4, 9, 9]);
    expect(up.forward(randn(1, 6, 5, 5), [10, 10]).shape).toEqual([1, 4, 10, 10]);
    expect(up.forward(randn(6, 5, 5), [4, 9, 10]).shape).toEqual([4, 9, 10]);
    expect(() => up.forward(randn(1, 6, 5, 5), [11, 10])).toThrow(/valid sizes range from \[9, 9\] to \[10, 10\]/);
    expect(new nn.ConvTranspose1d(2, 3, 4, { stride: 2, padding: 1 }).forward(randn(3, 2, 10)).shape).toEqual([3, 3, 20]);
    expect(() => new nn.Conv2d(3, 4, 3, { paddingMode: 'reflect' })).toThrow(NotImplementedError);
    expect(() => new nn.Conv2d(3, 4, 3, { paddingMode: 'circular' })).toThrow(/paddingMode 'circular' is not implemented/);
    expect(() => new nn.Conv2d(3, 4, 3, { paddingMode: 'mirror' as never })).toThrow(ArgumentError);
    expect(() => new nn.ConvTranspose2d(3, 4, 3, { paddingMode: 'reflect' as never })).toThrow(/only 'zeros' padding mode/);
    expect(() => new nn.Conv2d(3, 4, 3, { groups: 2 })).toThrow(/inChannels must be divisible by groups/);
    expect(() => new nn.Conv2d(4, 3, 3, { groups: 2 })).toThrow(/outChannels must be divisible by groups/);
    expect(() => new nn.Conv2d(4, 4, 3, { stride: 2, padding: 'same' })).toThrow(/not supported for strided/);
    expect(() => new nn.Conv2d(4, 4, 3, { padding: 'full' as never })).toThrow(/invalid padding string/);
    expect(() => new nn.Conv2d(4, 4, 3, { strides: 2 } as never)).toThrow(/option 'strides'/);
    const d = new nn.Conv2d(2, 3, 3, { dtype: 'float64' });
    expect(d.weight.dtype).toBe('float64');
    expect(d.forward(randn([1, 2, 4, 4], { dtype: 'float64' })).dtype).toBe('float64');
  });
});

describe('types', () => {
  it('keep the input dtype and refuse misspelt options at compile time', () => {
    const x = randn(1, 2, 5, 5);
    const w = randn(3, 2, 3, 3);
    expectTypeOf(F.conv2d(x, w)).toEqualTypeOf<Tensor<'float32'>>();
    expectTypeOf(F.conv1d(randn([1, 2, 5], { dtype: 'float64' }), randn([3, 2, 3], { dtype: 'float64' }), { padding: 'same' })).toEqualTypeOf<Tensor<'float64'>>();
    expectTypeOf(new nn.Conv2d(2, 3, 3).forward(x)).toEqualTypeOf<Tensor>();
    // Never called: only the compiler looks at these lines.
    const misuse = (): void => {
      // @ts-expect-error a typo in an option name
      F.conv2d(x, w, null, { strides: 2 });
      // @ts-expect-error padding strings are 'same' or 'valid'
      F.conv2d(x, w, { padding: 'full' });
      // @ts-expect-error transposed convolutions take no padding string
      F.convTranspose2d(x, w, { padding: 'same' });
      // @ts-expect-error outputPadding belongs to transposed convolutions
      new nn.Conv2d(2, 3, 3, { outputPadding: 1 });
      // @ts-expect-error paddingMode values are PyTorch's
      new nn.Conv2d(2, 3, 3, { paddingMode: 'mirror' });
    };
    expectTypeOf(misuse).toBeFunction();
  });
});

describe('errors (PyTorch checks and message content)', () => {
  const x = randn(2, 3, 8, 8);
  const w = randn(6, 3, 3, 3);
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['stride 0', () => F.conv2d(x, w, { stride: 0 }), ArgumentError, /non-positive stride is not supported/],
    ['negative padding', () => F.conv2d(x, w, { padding: -1 }), ArgumentError, /negative padding is not supported/],
    ['dilation 0', () => F.conv2d(x, w, { dilation: 0 }), ArgumentError, /non-positive dilation is not supported/],
    ['groups 0', () => F.conv2d(x, w, { groups: 0 }), ArgumentError, /non-positive groups is not supported/],
    ['same with stride', () => F.conv2d(x, w, { stride: 2, padding: 'same' }), ArgumentError, /padding='same' is not supported for strided convolutions/],
    ['bad padding string', () => F.conv2d(x, w, { padding: 'foo' as never }), ArgumentError, /invalid padding string: 'foo'/],
    ['3 strides for 2-D', () => F.conv2d(x, w, { stride: [1, 2, 3] }), ArgumentError, /a list of 2 values .* but got stride=\[1, 2, 3\]/],
    ['channels', () => F.conv2d(randn(2, 1, 8, 8), w), ShapeError, /given groups=1, weight of size \[6, 3, 3, 3\], expected input\[2, 1, 8, 8\] to have 3 channels, but got 1 channels instead/],
    ['groups divide Cout', () => F.conv2d(x, randn(5, 1, 3, 3), { groups: 3 }), ShapeError, /expected weight to be divisible by 3 at dimension 0, but got weight of size \[5, 1, 3, 3\]/],
    ['groups and channels', () => F.conv2d(x, randn(6, 1, 3, 3), { groups: 2 }), ShapeError, /to have 2 channels, but got 3 channels instead/],
    ['kernel too big', () => F.conv2d(x, randn(6, 3, 9, 9)), ShapeError, /padded input size per channel: \(8 x 8\)\. Kernel size: \(9 x 9\)\. Kernel size can't be greater/],
    ['dilated kernel too big', () => F.conv2d(x, randn(6, 3, 5, 5), { dilation: 2 }), ShapeError, /Kernel size: \(9 x 9\)/],
    ['empty spatial', () => F.conv2d(randn(2, 3, 0, 8), w), ShapeError, /\(0 x 8\)/],
    ['Cout 0', () => F.conv2d(x, randn(0, 3, 3, 3)), ShapeError, /expected weight to be at least 1 at dimension 0/],
    ['bias size', () => F.conv2d(x, w, randn(5)), ShapeError, /expected bias to be 1-dimensional with 6 elements, but got bias of size \[5\]/],
    ['bias rank', () => F.conv2d(x, w, randn(6, 1)), ShapeError, /bias of size \[6, 1\]/],
    ['input rank', () => F.conv2d(randn(8, 8), w), ShapeError, /3-D \(unbatched\) or 4-D \(batched\), but got input of size: \[8, 8\]/],
    ['weight rank', () => F.conv2d(x, randn(6, 3, 3)), ShapeError, /weight must be 4-D/],
    ['conv1d input rank', () => F.conv1d(x, randn(4, 3, 3)), ShapeError, /2-D \(unbatched\) or 3-D \(batched\)/],
    ['dtype', () => F.conv2d(x.double(), w), DTypeError, /weight must have the input's dtype float64, got float32/],
    ['bias dtype', () => F.conv2d(x, w, randn(6).double()), DTypeError, /bias must have the input's dtype float32/],
    ['int input', () => F.conv2d(x.int(), w.int()), DTypeError, /must be a floating point tensor/],
    ['not a tensor', () => F.conv2d([1, 2] as never, w), ArgumentError, /input must be a Tensor/],
    ['bad bias type', () => F.conv2d(x, w, 3 as never), ArgumentError, /bias must be a Tensor or null/],
    ['unknown option', () => F.conv2d(x, w, { strides: 2 } as never), ArgumentError, /option 'strides' is not a known option/],
    ['fractional stride', () => F.conv2d(x, w, { stride: 1.5 }), ArgumentError, /stride must hold integers/],
    ['outputPadding >= stride and dilation', () => F.convTranspose2d(x, randn(3, 2, 3, 3), { outputPadding: 1 }), ArgumentError,
      /output padding must be smaller than either stride or dilation, but got output_padding_height: 1 output_padding_width: 1 stride_height: 1 stride_width: 1 dilation_height: 1 dilation_width: 1/],
    ['transposed channels', () => F.convTranspose2d(x, randn(4, 2, 3, 3)), ShapeError, /given transposed=1, weight of size \[4, 2, 3, 3\], expected input\[2, 3, 8, 8\] to have 4 channels, but got 3 channels instead/],
    ['transposed bias', () => F.convTranspose2d(x, randn(3, 2, 3, 3), randn(3)), ShapeError, /expected bias to be 1-dimensional with 2 elements, but got bias of size \[3\]/],
    ['transposed output too small', () => F.convTranspose2d(x, randn(3, 2, 3, 3), { padding: 5 }), ShapeError, /given input size per channel: \(8 x 8\)\. Calculated output size per channel: \(0 x 0\)\. Output size is too small/],
    ['transposed groups', () => F.convTranspose2d(x, randn(3, 2, 3, 3), { groups: 2 }), ShapeError, /expected weight to be divisible by 2 at dimension 0/],
    ['transposed same', () => F.convTranspose2d(x, randn(3, 2, 3, 3), { padding: 'same' as never }), ArgumentError, /padding must be an integer/],
    ['negative outputPadding', () => F.convTranspose2d(x, randn(3, 2, 3, 3), { outputPadding: -1 }), ArgumentError, /negative outputPadding is not supported/],
  ];
  it.each(cases)('%s', (_name, call, cls, re) => {
    let err: unknown;
    try {
      call();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(cls);
    expect((err as Error).message).toMatch(re);
    expect((err as Error).message).toMatch(/^conv(1d|2d|Transpose1d|Transpose2d): /);
  });
  it('accepts what PyTorch accepts: a 1-element list per option, padding pairs, outputPadding < dilation', () => {
    expect(F.conv2d(x, w, { padding: [1] }).shape).toEqual([2, 6, 8, 8]);
    expect(F.conv2d(x, w, { padding: [1, 2] }).shape).toEqual([2, 6, 8, 10]);
    expect(F.convTranspose2d(x, randn(3, 2, 3, 3), { outputPadding: 1, dilation: 2 }).shape).toEqual([2, 2, 13, 13]);
    expect(F.convTranspose2d(x, randn(3, 2, 3, 3), { outputPadding: 1, stride: 2 }).shape).toEqual([2, 2, 18, 18]);
    expect(F.conv2d(x, randn(6, 3, 2, 2), { padding: 'same' }).shape).toEqual([2, 6, 8, 8]);
  });
});
