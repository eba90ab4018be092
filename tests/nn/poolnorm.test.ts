// nn pooling and normalisation modules and F.dropout2d / nn.Dropout2d against PyTorch 1.13
// (tests/fixtures/poolnorm.json): batch-norm modules over several training steps then eval (outputs, running
// statistics, num_batches_tracked, gradients; momentum null, trackRunningStats false, affine false), stateDict
// keys equal torch's, dropout2d masks bit for bit under a seed, pooling modules, LayerNorm/GroupNorm init.

import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ArgumentError, DTypeError, F, ShapeError, Tensor, io, manualSeed, nn, noGrad, ones, optim, randn, tensor, zeros,
} from '../../src/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/poolnorm.json', import.meta.url), 'utf8'));

interface FT { shape: number[]; data: (number | string)[] }
const num = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));
const fromFx = (t: FT, dtype: 'float32' | 'float64' = 'float32'): Tensor =>
  dtype === 'float64' ? tensor(Float64Array.from(t.data.map(num)), { dtype: 'float64', shape: t.shape }) : tensor(Float32Array.from(t.data.map(num)), { shape: t.shape });
const vals = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number>);

function expectClose(actual: Tensor | null, expected: FT, what: string, rtol = 1e-5, atol = 1e-5): void {
  expect(actual, what).not.toBeNull();
  expect(actual!.shape, `${what}: shape`).toEqual(expected.shape);
  const a = vals(actual!);
  expected.data.map((v) => Math.fround(num(v))).forEach((e, i) => {
    if (!(Math.abs(a[i]! - e) <= atol + rtol * Math.abs(e))) throw new Error(`${what}: element ${i} is ${a[i]}, torch gives ${e}`);
  });
}

interface BnStep { input: FT; out: FT; cot?: FT; gradInput?: FT; gradWeight?: FT; gradBias?: FT; buffers: Record<string, FT> }
interface BnCase {
  name: string; module: 'BatchNorm1d' | 'BatchNorm2d'; options: nn.BatchNormModuleOptions; numFeatures: number; init: Record<string, FT>;
  steps: BnStep[]; eval: { input: FT; out: FT };
}

describe('batch-norm modules against PyTorch 1.13: training steps, then eval', () => {
  for (const c of fx.batchNorm as BnCase[]) {
    it(c.name, () => {
      const bn = c.module === 'BatchNorm2d' ? new nn.BatchNorm2d(c.numFeatures, c.options) : new nn.BatchNorm1d(c.numFeatures, c.options);
      noGrad(() => {
        if (c.init['weight']) bn.weight!.copy_(fromFx(c.init['weight']));
        if (c.init['bias']) bn.bias!.copy_(fromFx(c.init['bias']));
      });
      expect(bn.training).toBe(true);
      c.steps.forEach((s, i) => {
        const x = fromFx(s.input).requiresGrad_(true);
        bn.zeroGrad();
        const y = bn.call(x);
        expectClose(y, s.out, `step ${i} output`);
        if (s.cot) {
          y.backward(fromFx(s.cot));
          expectClose(x.grad, s.gradInput!, `step ${i} input gradient`, 1e-4, 1e-5);
          if (s.gradWeight) expectClose(bn.weight!.grad, s.gradWeight, `step ${i} weight gradient`);
          if (s.gradBias) expectClose(bn.bias!.grad, s.gradBias, `step ${i} bias gradient`);
        }
        const buffers = Object.fromEntries(bn.namedBuffers());
        expect(Object.keys(buffers).sort(), `step ${i} buffers`).toEqual(Object.keys(s.buffers).sort());
        for (const [k, t] of Object.entries(s.buffers)) {
          if (k === 'num_batches_tracked') {
            expect(buffers[k]!.dtype).toBe('int32');
            expect(buffers[k]!.item()).toBe(num(t.data[0]!));
          } else {
            expectClose(buffers[k]!, t, `step ${i} ${k}`, 1e-6, 1e-7);
          }
        }
      });
      bn.eval();
      expectClose(bn.call(fromFx(c.eval.input)), c.eval.out, 'eval output');
    });
  }

  it('eval uses the running statistics and updates nothing; train(true) uses the batch again', () => {
    const bn = new nn.BatchNorm2d(2);
    const x = randn(3, 2, 4, 4).mul(3).add(5);
    bn.call(x);
    const rm = vals(bn.runningMean!);
    bn.eval();
    const y = bn.call(x);
    expect(vals(bn.runningMean!)).toEqual(rm);
    expect(bn.numBatchesTracked!.item()).toBe(1);
    // (x − running mean)/√(running var + eps): not standardised, as running stats are 10% of the way there.
    expect(Math.abs(y.mean().item() as number)).toBeGreaterThan(1);
    bn.train();
    expect(Math.abs(bn.call(x).mean().item() as number)).toBeLessThan(1e-5);
  });

  it('resetRunningStats and resetParameters', () => {
    const bn = new nn.BatchNorm1d(3);
    bn.call(randn(4, 3).add(2));
    noGrad(() => bn.weight!.mul_(3));
    bn.resetParameters();
    expect(vals(bn.runningMean!)).toEqual([0, 0, 0]);
    expect(vals(bn.runningVar!)).toEqual([1, 1, 1]);
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect(vals(bn.weight!)).toEqual([1, 1, 1]);
  });
});

describe('stateDict keys are PyTorch\'s', () => {
  const keys = fx.stateDictKeys as Record<string, string[] | string>;
  it.each([
    ['BatchNorm2d', () => new nn.BatchNorm2d(3)],
    ['BatchNorm1d noTrack', () => new nn.BatchNorm1d(3, { trackRunningStats: false })],
    ['BatchNorm2d noAffine', () => new nn.BatchNorm2d(3, { affine: false })],
    ['LayerNorm', () => new nn.LayerNorm(4)],
    ['GroupNorm', () => new nn.GroupNorm(2, 4)],
  ] as const)('%s', (name, make) => {
    expect(Object.keys(make().stateDict())).toEqual(keys[name]);
  });

  it('num_batches_tracked is a 0-d int32 counter (torch: int64) and survives a stateDict round trip', () => {
    const a = new nn.BatchNorm2d(3);
    for (let i = 0; i < 3; i++) a.call(randn(2, 3, 2, 2));
    const sd = a.stateDict();
    expect(sd['num_batches_tracked']!.shape).toEqual([]);
    expect(sd['num_batches_tracked']!.dtype).toBe('int32');
    const b = new nn.BatchNorm2d(3);
    b.loadStateDict(sd);
    expect(b.numBatchesTracked!.item()).toBe(3);
    expect(vals(b.runningVar!)).toEqual(vals(a.runningVar!));
    const m = new nn.Sequential(new nn.Linear(3, 3), new nn.BatchNorm1d(3));
    expect(Object.keys(m.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']);
  });
});

describe('F.dropout2d and nn.Dropout2d', () => {
  const inputs: Record<string, Tensor> = Object.fromEntries(
    Object.entries(fx.dropout2d.inputs as Record<string, FT>).map(([k, t]) => [k, fromFx(t, k === 'x64' ? 'float64' : 'float32')]),
  );
  for (const c of fx.dropout2d.cases as { input: string; p: number; seed: number; out: FT }[]) {
    it(`gives torch's channel masks bit for bit: ${c.input} p=${c.p}`, () => {
      manualSeed(c.seed);
      const x = inputs[c.input]!;
      const y = F.dropout2d(x, c.p);
      expect(y.shape).toEqual(c.out.shape);
      const want = c.out.data.map((v) => (x.dtype === 'float32' ? Math.fround(num(v)) : num(v)));
      vals(y).forEach((v, i) => expect(Object.is(v, want[i]), `element ${i}: ${v} vs ${want[i]}`).toBe(true));
    });
  }

  it('zeroes whole channels, scales the rest, and its gradient is the same mask', () => {
    manualSeed(3);
    const x = ones(4, 8, 3, 3).requiresGrad_(true);
    const y = F.dropout2d(x, 0.5);
    const v = vals(y);
    for (let p = 0; p < 32; p++) expect(new Set(v.slice(p * 9, p * 9 + 9)).size).toBe(1);
    expect(new Set(v)).toEqual(new Set([0, 2]));
    y.sum().backward();
    expect(vals(x.grad!)).toEqual(v);
  });

  it('eval, p = 0 and empty inputs return the input; p = 1 gives zeros; bad arguments throw', () => {
    const x = randn(2, 3, 4);
    expect(F.dropout2d(x, 0.5, false)).toBe(x);
    expect(F.dropout2d(x, 0)).toBe(x);
    expect(vals(F.dropout2d(x, 1)).every((a) => a === 0)).toBe(true);
    const drop = new nn.Dropout2d(0.3);
    expect(drop.eval().call(x)).toBe(x);
    expect(drop.toString()).toBe('Dropout2d(p=0.3)');
    expect(() => F.dropout2d(randn(5), 0.5)).toThrow(ShapeError);
    expect(() => F.dropout2d(x, 1.5)).toThrow(/^dropout2d: p must be a probability/);
    expect(() => F.dropout2d(ones([2, 3], { dtype: 'int32' }), 0.5)).toThrow(DTypeError);
    expect(() => new nn.Dropout2d(-0.1)).toThrow(ArgumentError);
  });
});

describe('pooling modules', () => {
  it('forward the functional ops, with PyTorch\'s defaults and reprs', () => {
    const x = randn(2, 3, 9, 9);
    expect(new nn.MaxPool2d(2).call(x).shape).toEqual([2, 3, 4, 4]);
    expect(new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }).call(x).shape).toEqual([2, 3, 5, 5]);
    expect(vals(new nn.AvgPool2d(3, { stride: 2, countIncludePad: false }).call(x))).toEqual(vals(F.avgPool2d(x, 3, { stride: 2, countIncludePad: false })));
    expect(new nn.AdaptiveAvgPool2d([null, 1]).call(x).shape).toEqual([2, 3, 9, 1]);
    expect(new nn.AdaptiveMaxPool2d(2).call(x).shape).toEqual([2, 3, 2, 2]);
    const l = randn(2, 4, 11);
    expect(new nn.MaxPool1d(3, { stride: 2 }).call(l).shape).toEqual([2, 4, 5]);
    expect(new nn.AvgPool1d(2).call(l).shape).toEqual([2, 4, 5]);
    expect(new nn.AdaptiveAvgPool1d(1).call(l).shape).toEqual([2, 4, 1]);
    expect(new nn.AdaptiveMaxPool1d(3).call(l).shape).toEqual([2, 4, 3]);
    expect(new nn.MaxPool2d(2).toString()).toBe('MaxPool2d(kernelSize=2, stride=2, padding=0, dilation=1, ceilMode=false)');
    expect(new nn.AdaptiveAvgPool2d([7, 7]).toString()).toBe('AdaptiveAvgPool2d(outputSize=[7, 7])');
    expect(new nn.MaxPool2d(2).parameters()).toEqual([]);
  });

  it('returnIndices gives [values, indices], also in the types', () => {
    const x = randn(1, 2, 4, 4);
    const pool = new nn.MaxPool2d(2, { returnIndices: true });
    const [v, i] = pool.call(x);
    expectTypeOf(pool.call(x)).toEqualTypeOf<[Tensor, Tensor<'int32'>]>();
    expectTypeOf(new nn.MaxPool2d(2).call(x)).toEqualTypeOf<Tensor>();
    expect(v.shape).toEqual([1, 2, 2, 2]);
    expect(i.dtype).toBe('int32');
    const [av, ai] = new nn.AdaptiveMaxPool1d(2, { returnIndices: true }).call(randn(1, 2, 5));
    expect([av.shape, ai.shape]).toEqual([[1, 2, 2], [1, 2, 2]]);
  });

  it('misspelt options are refused at construction; bad values when the module runs', () => {
    expect(() => new nn.MaxPool2d(2, { stide: 1 } as never)).toThrow(/^MaxPool2d: option 'stide'/);
    const pool = new nn.AvgPool2d(0);
    expect(() => pool.call(randn(1, 1, 4, 4))).toThrow(/^avgPool2d: kernelSize/);
  });
});

describe('normalisation modules', () => {
  it('LayerNorm and GroupNorm: ones/zeros parameters, the functional results, reprs', () => {
    const ln = new nn.LayerNorm([3, 4]);
    expect(ln.weight!.shape).toEqual([3, 4]);
    expect(vals(ln.weight!)).toEqual(new Array(12).fill(1));
    expect(vals(ln.bias!)).toEqual(new Array(12).fill(0));
    const x = randn(2, 3, 4);
    expect(vals(ln.call(x))).toEqual(vals(F.layerNorm(x, [3, 4])));
    expect(new nn.LayerNorm(4, { elementwiseAffine: false }).parameters()).toEqual([]);
    expect(ln.toString()).toBe('LayerNorm([3, 4], eps=0.00001, elementwiseAffine=true)');
    const gn = new nn.GroupNorm(2, 4);
    const y = randn(2, 4, 3);
    expect(vals(gn.call(y))).toEqual(vals(F.groupNorm(y, 2)));
    expect(() => new nn.GroupNorm(3, 4)).toThrow(/^GroupNorm: numChannels must be divisible by numGroups/);
  });

  it('batch-norm modules check ranks, channels and options', () => {
    expect(() => new nn.BatchNorm2d(3).call(randn(2, 3, 4))).toThrow(/^BatchNorm2d: input must be 4-D, got 3-D/);
    expect(() => new nn.BatchNorm1d(3).call(randn(2, 3, 4, 4))).toThrow(/^BatchNorm1d: input must be 2-D or 3-D, got 4-D/);
    expect(() => new nn.BatchNorm1d(3).call(randn(2, 4))).toThrow(/^batchNorm: runningMean must have C = 4 elements/);
    expect(() => new nn.BatchNorm2d(0)).toThrow(/^BatchNorm2d: numFeatures must be a positive integer/);
    expect(() => new nn.BatchNorm2d(3, { momentun: 0.1 } as never)).toThrow(/^BatchNorm2d: option 'momentun'/);
    const bn = new nn.BatchNorm2d(3, { momentum: null });
    expect(bn.toString()).toBe('BatchNorm2d(3, eps=0.00001, momentum=null, affine=true, trackRunningStats=true)');
    expect(zeros(1).shape).toEqual([1]);
  });
});

describe('a small pooling and normalisation network', () => {
  it('trains (the loss falls) and its stateDict round-trips through safetensors', () => {
    manualSeed(0);
    const make = (): nn.Sequential => new nn.Sequential(
      new nn.BatchNorm2d(3), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Dropout2d(0.1), new nn.AvgPool2d(2, { stride: 1 }),
      new nn.AdaptiveMaxPool2d(2), new nn.Flatten(), new nn.LayerNorm(12), new nn.Linear(12, 2),
    );
    const model = make();
    const x = randn(32, 3, 8, 8).add(1);
    // Label: is channel 0's upper-left quarter brighter than its lower-right one?
    const d = vals(x);
    const labels = Int32Array.from({ length: 32 }, (_, n) => {
      let s = 0;
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) s += d[n * 192 + i * 8 + j]! - d[n * 192 + (i + 4) * 8 + j + 4]!;
      return s > 0 ? 1 : 0;
    });
    const y = tensor(labels, { dtype: 'int32' });
    const opt = new optim.SGD(model.parameters(), { lr: 0.2, momentum: 0.9 });
    const losses: number[] = [];
    for (let step = 0; step < 60; step++) {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.call(x), y);
      loss.backward();
      opt.step();
      losses.push(loss.item() as number);
    }
    expect(losses.at(-1)!).toBeLessThan(0.6 * losses[0]!);
    const bn = model.children()[0] as nn.BatchNorm2d;
    expect(bn.numBatchesTracked!.item()).toBe(60);
    const bytes = io.serialize(model.stateDict());
    const copy = make();
    copy.loadStateDict(io.deserialize(bytes).tensors);
    model.eval();
    copy.eval();
    expect(vals(copy.call(x))).toEqual(vals(model.call(x)));
  });
});
