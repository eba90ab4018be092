// Pooling ops against PyTorch 1.13 (tests/fixtures/poolnorm.json from make_poolnorm_fixtures.py) on both
// backends: forward values, indices and input gradients (ties, NaN, -inf, ±0, padding, dilation, ceil mode,
// countIncludePad, divisorOverride, adaptive sizes), output sizes incl. ceil-mode edge cases, an empty window,
// non-contiguous inputs, gradient accumulation and second derivatives, and every argument error.

import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  ArgumentError, DTypeError, F, ShapeError, Tensor, arange, autograd, ones, randn, setBackend, tensor, transpose, zeros,
} from '../../src/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/poolnorm.json', import.meta.url), 'utf8'));

interface FT { shape: number[]; data: (number | string)[] }
const num = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));
const fromFx = (t: FT, dtype: 'float32' | 'float64' = 'float32'): Tensor =>
  dtype === 'float32' ? tensor(Float32Array.from(t.data.map(num)), { shape: t.shape }) : tensor(Float64Array.from(t.data.map(num)), { dtype: 'float64', shape: t.shape });
const vals = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number>);

/** Same shape, NaN where NaN, exact bits (signed zeros too) or within rtol·|e| + atol. */
function expectMatch(actual: Tensor, expected: FT, what: string, tol?: { rtol: number; atol: number }): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  const a = vals(actual);
  // Fixtures hold float32 values to 9 significant digits: round them back to float32 for float32 results.
  const round = actual.dtype === 'float32' ? Math.fround : (v: number): number => v;
  expected.data.map((v) => round(num(v))).forEach((e, i) => {
    const g = a[i]!;
    const ok = tol === undefined || !Number.isFinite(e) ? Object.is(g, e) || (Number.isNaN(g) && Number.isNaN(e)) : Math.abs(g - e) <= tol.atol + tol.rtol * Math.abs(e);
    if (!ok) throw new Error(`${what}: element ${i} is ${g}, torch gives ${e}`);
  });
}

interface PoolCase {
  name: string;
  op: 'max_pool2d' | 'max_pool1d' | 'avg_pool2d' | 'avg_pool1d' | 'adaptive_avg_pool2d' | 'adaptive_max_pool2d' | 'adaptive_avg_pool1d' | 'adaptive_max_pool1d';
  args: Record<string, unknown>;
  input: FT; out: FT; cot: FT; grad: FT; indices?: FT;
}

/** Runs a fixture case with nodegrad's API (snake_case arguments renamed). */
function run(c: PoolCase, x: Tensor): Tensor | [Tensor, Tensor] {
  const a = c.args;
  const opt = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  const common = opt({ stride: a['stride'], padding: a['padding'], ceilMode: a['ceil_mode'] }) as Record<string, unknown>;
  const k = a['kernel_size'] as number;
  switch (c.op) {
    case 'max_pool2d': return F.maxPool2d(x, k as F.Size2, { ...common, ...opt({ dilation: a['dilation'], returnIndices: a['return_indices'] }) } as F.MaxPool2dOptions);
    case 'max_pool1d': return F.maxPool1d(x, k, { ...common, ...opt({ dilation: a['dilation'], returnIndices: a['return_indices'] }) } as F.MaxPool1dOptions);
    case 'avg_pool2d': return F.avgPool2d(x, k as F.Size2, { ...common, ...opt({ countIncludePad: a['count_include_pad'], divisorOverride: a['divisor_override'] }) } as F.AvgPool2dOptions);
    case 'avg_pool1d': return F.avgPool1d(x, k, { ...common, ...opt({ countIncludePad: a['count_include_pad'] }) } as F.AvgPool1dOptions);
    case 'adaptive_avg_pool2d': return F.adaptiveAvgPool2d(x, a['output_size'] as F.OutputSize2);
    case 'adaptive_avg_pool1d': return F.adaptiveAvgPool1d(x, a['output_size'] as number);
    case 'adaptive_max_pool2d': return F.adaptiveMaxPool2d(x, a['output_size'] as F.OutputSize2, { returnIndices: a['return_indices'] === true });
    case 'adaptive_max_pool1d': return F.adaptiveMaxPool1d(x, a['output_size'] as number, { returnIndices: a['return_indices'] === true });
  }
}

afterAll(() => setBackend('native'));

describe.each(['native', 'reference'] as const)('pooling against PyTorch 1.13 on %s', (backend) => {
  for (const c of fx.pool as PoolCase[]) {
    it(`${c.op}: ${c.name}`, () => {
      setBackend(backend);
      const x = fromFx(c.input).requiresGrad_(true);
      const r = run(c, x);
      const [y, idx] = r instanceof Tensor ? [r, null] : r;
      const isMax = c.op.includes('max');
      // Max pooling selects elements: exact values (signed zeros, NaN, -inf) and indices.
      expectMatch(y, c.out, 'output', isMax ? undefined : { rtol: 2e-6, atol: 1e-7 });
      if (c.indices) expectMatch(idx!, c.indices, 'indices');
      expect(idx?.dtype ?? 'int32').toBe('int32');
      y.backward(fromFx(c.cot));
      expectMatch(x.grad!, c.grad, 'input gradient', isMax ? { rtol: 1e-6, atol: 1e-7 } : { rtol: 1e-5, atol: 1e-6 });
    });
  }

  it('a window entirely in the padding (dilation): -inf, PyTorch\'s index of its start, and no gradient', () => {
    setBackend(backend);
    const e = fx.emptyWindow as { input: FT; out: FT; indices: FT; args: { kernel_size: number; stride: number; padding: number; dilation: number } };
    const x = fromFx(e.input).requiresGrad_(true);
    const [y, idx] = F.maxPool2d(x, e.args.kernel_size, { stride: e.args.stride, padding: e.args.padding, dilation: e.args.dilation, returnIndices: true });
    expectMatch(y, e.out, 'output');
    expectMatch(idx, e.indices, 'indices'); // 12: outside the 3x3 plane, as PyTorch returns it
    y.sum().backward();
    expect(vals(x.grad!)).toEqual(new Array(9).fill(0));
  });

  it('non-contiguous inputs (transposed, sliced, expanded) give the contiguous input\'s results', () => {
    setBackend(backend);
    const base = randn(2, 3, 7, 6);
    const views: Tensor[] = [transpose(transpose(base, 2, 3).contiguous(), 2, 3), base.index(':', ':', '::1', ':'), randn(2, 3, 7, 12).index('...', '::2'),
      randn(1, 3, 7, 6).expand([2, 3, 7, 6]), transpose(randn(2, 7, 3, 6), 1, 2)];
    // Maxima are exact; sums may round differently (a column-strided input takes the scalar loop).
    const close = (a: Tensor, b: Tensor): void => vals(a).forEach((v, i) => expect(Math.abs(v - vals(b)[i]!)).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(v))));
    for (const v of views) {
      const c = v.contiguous();
      expect(vals(F.maxPool2d(v, 3, { stride: 2, padding: 1 }))).toEqual(vals(F.maxPool2d(c, 3, { stride: 2, padding: 1 })));
      close(F.avgPool2d(v, 2, { ceilMode: true }), F.avgPool2d(c, 2, { ceilMode: true }));
      close(F.adaptiveAvgPool2d(v, [3, 4]), F.adaptiveAvgPool2d(c, [3, 4]));
      expect(vals(F.adaptiveMaxPool2d(v, 2))).toEqual(vals(F.adaptiveMaxPool2d(c, 2)));
    }
    const l = randn(2, 9, 3);
    expect(vals(F.maxPool1d(transpose(l, 1, 2), 2))).toEqual(vals(F.maxPool1d(transpose(l, 1, 2).contiguous(), 2)));
  });

  it('an empty batch gives an empty result; gradients accumulate over reuse', () => {
    setBackend(backend);
    expect(F.maxPool2d(zeros(0, 2, 4, 4), 2).shape).toEqual([0, 2, 2, 2]);
    expect(F.avgPool1d(zeros(0, 2, 5), 2).shape).toEqual([0, 2, 2]);
    const x = randn(1, 1, 4, 4).requiresGrad_(true);
    F.avgPool2d(x, 2).sum().add(F.avgPool2d(x, 2).sum()).backward();
    expect(vals(x.grad!)).toEqual(new Array(16).fill(0.5));
  });
});

describe('output sizes (PyTorch pooling_output_shape, ceil-mode rule)', () => {
  interface SizeCase { size: number; k: number; s: number; p: number; d: number; ceil: boolean; out?: number; error?: string }
  for (const c of fx.outputSizes as SizeCase[]) {
    it(`L=${c.size} k=${c.k} s=${c.s} p=${c.p} d=${c.d} ceil=${c.ceil} → ${c.out ?? 'error'}`, () => {
      const go = (): Tensor => F.maxPool1d(zeros(1, 1, c.size), c.k, { stride: c.s, padding: c.p, dilation: c.d, ceilMode: c.ceil });
      if (c.error !== undefined) {
        expect(go).toThrow(c.error.includes('half') ? ArgumentError : ShapeError);
        return;
      }
      expect(go().shape).toEqual([1, 1, c.out!]);
      expect(F.maxPool2d(zeros(1, 1, c.size, 3), [c.k, 1], { stride: [c.s, 1], padding: [c.p, 0], dilation: [c.d, 1], ceilMode: c.ceil }).shape).toEqual([1, 1, c.out!, 3]);
      if (c.d === 1) expect(F.avgPool1d(zeros(1, 1, c.size), c.k, { stride: c.s, padding: c.p, ceilMode: c.ceil }).shape).toEqual([1, 1, c.out!]);
    });
  }
});

describe('semantics', () => {
  it('documented examples', () => {
    const x = arange(16).reshape([1, 1, 4, 4]).float();
    expect(F.maxPool2d(x, 2).tolist()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(F.avgPool2d(x, 2).tolist()).toEqual([[[[2.5, 4.5], [10.5, 12.5]]]]);
    expect(F.maxPool1d(tensor([[[1, 3, 2, 5, 4]]]), 2).tolist()).toEqual([[[3, 5]]]);
    expect(F.avgPool1d(tensor([[[1, 2, 3, 4]]]), 2).tolist()).toEqual([[[1.5, 3.5]]]);
    expect(F.adaptiveAvgPool1d(tensor([[[1, 2, 3, 4, 5]]]), 2).tolist()).toEqual([[[2, 4]]]);
    expect(F.adaptiveMaxPool1d(tensor([[[1, 5, 2, 4, 3]]]), 2).tolist()).toEqual([[[5, 4]]]);
    expect(F.adaptiveAvgPool2d(randn(2, 3, 5, 5), 1).shape).toEqual([2, 3, 1, 1]);
    expect(F.adaptiveAvgPool2d(randn(2, 3, 5, 6), [null, 2]).shape).toEqual([2, 3, 5, 2]);
    expect(F.adaptiveAvgPool2d(randn(1, 2, 5, 6), [0, 3]).shape).toEqual([1, 2, 0, 3]);
  });

  it('returnIndices: true types the result as [values, int32 indices]', () => {
    const x = randn(1, 2, 4, 4);
    expectTypeOf(F.maxPool2d(x, 2)).toEqualTypeOf<Tensor<'float32'>>();
    expectTypeOf(F.maxPool2d(x, 2, { returnIndices: true })).toEqualTypeOf<[Tensor<'float32'>, Tensor<'int32'>]>();
    expectTypeOf(F.adaptiveMaxPool1d(randn(1, 2, 5), 2, { returnIndices: true })).toEqualTypeOf<[Tensor<'float32'>, Tensor<'int32'>]>();
    expectTypeOf(F.avgPool2d(x.double(), 2)).toEqualTypeOf<Tensor<'float64'>>();
    expect(F.maxPool2d(x, 2, { returnIndices: true })[1].dtype).toBe('int32');
  });

  it('max pooling is differentiable twice (the scatter\'s gradient is a gather)', () => {
    const x = randn([1, 2, 4, 4], { dtype: 'float64' }).requiresGrad_(true);
    const v = randn([1, 2, 2, 2], { dtype: 'float64' }).requiresGrad_(true);
    const [gx] = autograd.grad(F.maxPool2d(x, 2), x, { gradOutputs: v, createGraph: true });
    const [gv] = autograd.grad(gx!.mul(gx!).sum(), v);
    expect(vals(gv!).map((a, i) => a - 2 * vals(v)[i]!).every((d) => Math.abs(d) < 1e-12)).toBe(true);
  });
});

describe('argument errors name the op and argument', () => {
  const x = ones(1, 2, 4, 4);
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['kernel 0', () => F.maxPool2d(x, 0), ArgumentError, /^maxPool2d: kernelSize must be greater than zero/],
    ['negative stride', () => F.avgPool2d(x, 2, { stride: -1 }), ArgumentError, /^avgPool2d: stride/],
    ['negative padding', () => F.maxPool2d(x, 2, { padding: -1 }), ArgumentError, /^maxPool2d: padding must be >= 0/],
    ['padding over half the kernel', () => F.maxPool2d(x, 3, { padding: 2 }), ArgumentError, /^maxPool2d: padding should be at most half/],
    ['dilation 0', () => F.maxPool1d(ones(1, 2, 5), 2, { dilation: 0 }), ArgumentError, /^maxPool1d: dilation/],
    ['three kernel sizes', () => F.maxPool2d(x, [2, 2, 2] as never), ArgumentError, /^maxPool2d: kernelSize/],
    ['fractional kernel', () => F.avgPool2d(x, 1.5), ArgumentError, /^avgPool2d: kernelSize must hold integers/],
    ['output too small', () => F.maxPool2d(x, 5), ShapeError, /^maxPool2d: input is too small/],
    ['5-D input', () => F.maxPool2d(ones(1, 1, 1, 4, 4), 2), ShapeError, /^maxPool2d: input must be 3-D \(C, H, W\) or 4-D/],
    ['2-D input to 2d pooling', () => F.avgPool2d(ones(4, 4), 2), ShapeError, /^avgPool2d: input must be 3-D/],
    ['zero channels', () => F.maxPool2d(ones(2, 0, 4, 4), 2), ShapeError, /non-zero sizes/],
    ['int input', () => F.maxPool2d(ones([1, 1, 4, 4], { dtype: 'int32' }), 2), DTypeError, /^maxPool2d: input must be floating point/],
    ['divisorOverride 0', () => F.avgPool2d(x, 2, { divisorOverride: 0 }), ArgumentError, /^avgPool2d: divisorOverride must not be zero/],
    ['divisorOverride on 1-d', () => F.avgPool1d(ones(1, 2, 4), 2, { divisorOverride: 2 } as never), ArgumentError, /^avgPool1d: option 'divisorOverride'/],
    ['misspelt option', () => F.maxPool2d(x, 2, { ceil_mode: true } as never), ArgumentError, /^maxPool2d: option 'ceil_mode' is not a known option/],
    ['ceilMode not boolean', () => F.maxPool2d(x, 2, { ceilMode: 1 } as never), ArgumentError, /^maxPool2d: ceilMode must be a boolean/],
    ['negative adaptive size', () => F.adaptiveAvgPool2d(x, -1), ArgumentError, /^adaptiveAvgPool2d: outputSize/],
    ['null adaptive size in 1-d', () => F.adaptiveMaxPool1d(ones(1, 2, 4), null as never), ArgumentError, /^adaptiveMaxPool1d: outputSize/],
    ['not a tensor', () => F.avgPool2d([1, 2] as never, 2), ArgumentError, /^avgPool2d: input must be a Tensor/],
  ];
  for (const [name, f, cls, re] of cases) {
    it(name, () => {
      expect(f).toThrow(cls);
      expect(f).toThrow(re);
    });
  }
});
