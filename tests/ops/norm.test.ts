// F.batchNorm, F.layerNorm and F.groupNorm against PyTorch 1.13 (tests/fixtures/poolnorm.json) on both
// backends: outputs, input/weight/bias gradients, the in-place running-statistics update (unbiased variance,
// momentum) and evaluation with running statistics; the fused backward and the recorded (createGraph)
// backward agree; non-contiguous inputs; every argument error names the op and argument.

import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ArgumentError, DTypeError, F, ShapeError, Tensor, autograd, ones, randn, setBackend, tensor, transpose, zeros,
} from '../../src/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/poolnorm.json', import.meta.url), 'utf8'));

interface FT { shape: number[]; data: (number | string)[] }
const num = (v: number | string): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));
const fromFx = (t: FT): Tensor => tensor(Float32Array.from(t.data.map(num)), { shape: t.shape });
const vals = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number>);

/** allclose against a float32 fixture: |a − e| <= atol + rtol·|e|, shapes equal. */
function expectClose(actual: Tensor | null, expected: FT, what: string, rtol = 1e-5, atol = 1e-5): void {
  expect(actual, what).not.toBeNull();
  expect(actual!.shape, `${what}: shape`).toEqual(expected.shape);
  const a = vals(actual!);
  expected.data.map((v) => Math.fround(num(v))).forEach((e, i) => {
    if (!(Math.abs(a[i]! - e) <= atol + rtol * Math.abs(e))) throw new Error(`${what}: element ${i} is ${a[i]}, torch gives ${e}`);
  });
}

afterAll(() => setBackend('native'));

describe.each(['native', 'reference'] as const)('normalisation against PyTorch 1.13 on %s', (backend) => {
  it('F.batchNorm training: output, gradients, running statistics updated in place; then evaluation', () => {
    setBackend(backend);
    const f = fx.functionalBatchNorm;
    const x = fromFx(f.input).requiresGrad_(true);
    const w = fromFx(f.weight).requiresGrad_(true);
    const b = fromFx(f.bias).requiresGrad_(true);
    const rm = fromFx(f.runningMean);
    const rv = fromFx(f.runningVar);
    const v0 = rm.version;
    const y = F.batchNorm(x, rm, rv, { weight: w, bias: b, training: true, momentum: 0.3, eps: 1e-3 });
    expect(rm.version).toBeGreaterThan(v0);
    expectClose(y, f.out, 'output');
    expectClose(rm, f.runningMeanAfter, 'running mean', 1e-6, 1e-7);
    expectClose(rv, f.runningVarAfter, 'running var (unbiased batch variance)', 1e-6, 1e-7);
    y.backward(fromFx(f.cot));
    expectClose(x.grad, f.gradInput, 'input gradient');
    expectClose(w.grad, f.gradWeight, 'weight gradient');
    expectClose(b.grad, f.gradBias, 'bias gradient');
    const ye = F.batchNorm(x.detach(), rm, rv, { weight: w.detach(), bias: b.detach(), eps: 1e-3 });
    expectClose(ye, f.evalOut, 'evaluation output');
  });

  for (const c of fx.norm as { name: string; op: string; normalizedShape?: number[]; groups?: number; input: FT; out: FT; cot: FT; gradInput: FT; weight?: FT; bias?: FT; gradWeight?: FT; gradBias?: FT }[]) {
    it(`${c.name}: output and gradients`, () => {
      setBackend(backend);
      const x = fromFx(c.input).requiresGrad_(true);
      const w = c.weight ? fromFx(c.weight).requiresGrad_(true) : null;
      const b = c.bias ? fromFx(c.bias).requiresGrad_(true) : null;
      const y = c.op === 'layerNorm' ? F.layerNorm(x, c.normalizedShape!, { weight: w, bias: b }) : F.groupNorm(x, c.groups!, { weight: w, bias: b });
      expectClose(y, c.out, 'output');
      y.backward(fromFx(c.cot));
      expectClose(x.grad, c.gradInput, 'input gradient', 1e-4, 1e-5);
      if (c.gradWeight) expectClose(w!.grad, c.gradWeight, 'weight gradient');
      if (c.gradBias) expectClose(b!.grad, c.gradBias, 'bias gradient');
    });
  }

  it('the fused backward equals the recorded (createGraph) backward', () => {
    setBackend(backend);
    const cases: [string, (x: Tensor, w: Tensor, b: Tensor) => Tensor, number[], number[]][] = [
      ['batchNorm training', (x, w, b) => F.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [4, 3, 5], [3]],
      ['batchNorm eval', (x, w, b) => F.batchNorm(x, zeros(3).add(0.5), ones(3).mul(2), { weight: w, bias: b }), [4, 3, 2, 2], [3]],
      ['layerNorm', (x, w, b) => F.layerNorm(x, [3, 5], { weight: w, bias: b }), [4, 3, 5], [3, 5]],
    ];
    for (const [name, f, xs, ws] of cases) {
      const x = randn(xs).requiresGrad_(true);
      const w = randn(ws).requiresGrad_(true);
      const b = randn(ws).requiresGrad_(true);
      const v = randn(xs);
      const fused = autograd.grad(f(x, w, b), [x, w, b], { gradOutputs: v });
      const recorded = autograd.grad(f(x, w, b), [x, w, b], { gradOutputs: v, createGraph: true });
      fused.forEach((g, i) => {
        const r = vals(recorded[i]!);
        vals(g!).forEach((a, j) => expect(Math.abs(a - r[j]!), `${name} gradient ${i} element ${j}`).toBeLessThan(2e-5 * (1 + Math.abs(a))));
      });
    }
  });

  it('non-contiguous inputs and statistics of any shape with C elements', () => {
    setBackend(backend);
    const base = randn(3, 4, 5);
    const t = transpose(transpose(base, 0, 2).contiguous(), 0, 2);
    expect(vals(F.batchNorm(t, null, null, { training: true }))).toEqual(vals(F.batchNorm(base, null, null, { training: true })));
    expect(vals(F.layerNorm(t, [5]))).toEqual(vals(F.layerNorm(base, [5])));
    const rm = zeros(1, 4);
    const rv = ones(4, 1);
    F.batchNorm(base, rm, rv, { training: true });
    expect(rm.shape).toEqual([1, 4]);
    expect(vals(rm)).not.toEqual([0, 0, 0, 0]);
    // An empty batch: input·weight[0] + bias[0], running statistics untouched (PyTorch).
    const e = F.batchNorm(zeros(0, 4), rm, rv, { training: true, weight: ones(4).mul(2), bias: ones(4) });
    expect(e.shape).toEqual([0, 4]);
  });
});

describe('argument errors name the op and argument', () => {
  const x = randn(4, 3);
  const cases: [string, () => unknown, new (...a: never[]) => Error, RegExp][] = [
    ['running mean of the wrong channel count', () => F.batchNorm(x, zeros(4), ones(3), { training: true }), ShapeError, /^batchNorm: runningMean must have C = 3 elements/],
    ['weight of the wrong channel count', () => F.batchNorm(x, null, null, { training: true, weight: ones(2) }), ShapeError, /^batchNorm: weight must have C = 3/],
    ['eval without running statistics', () => F.batchNorm(x, null, null), ArgumentError, /^batchNorm: runningMean must be given in evaluation mode/],
    ['one value per channel when training', () => F.batchNorm(randn(1, 3), null, null, { training: true }), ShapeError, /more than 1 value per channel when training/],
    ['1-D input', () => F.batchNorm(randn(3), zeros(3), ones(3)), ShapeError, /^batchNorm: input must have at least 2 dims/],
    ['float64 statistics for float32 input', () => F.batchNorm(x, zeros([3], { dtype: 'float64' }), ones(3)), DTypeError, /^batchNorm: runningMean must have the input's dtype/],
    ['int input', () => F.batchNorm(ones([2, 3], { dtype: 'int32' }), null, null, { training: true }), DTypeError, /^batchNorm: input must be floating point/],
    ['NaN momentum', () => F.batchNorm(x, null, null, { training: true, momentum: NaN }), ArgumentError, /^batchNorm: momentum/],
    ['misspelt option', () => F.batchNorm(x, null, null, { train: true } as never), ArgumentError, /^batchNorm: option 'train'/],
    ['layerNorm shape mismatch', () => F.layerNorm(randn(2, 3), [4]), ShapeError, /^layerNorm: input must end with the normalized shape \[4\]/],
    ['layerNorm empty shape', () => F.layerNorm(randn(2, 3), []), ArgumentError, /^layerNorm: normalizedShape/],
    ['layerNorm weight shape', () => F.layerNorm(randn(2, 3), [3], { weight: ones(2) }), ShapeError, /^layerNorm: weight must have the normalized shape/],
    ['groupNorm indivisible channels', () => F.groupNorm(randn(2, 5, 3), 2), ShapeError, /^groupNorm: input must have a channel count divisible by numGroups = 2/],
    ['groupNorm zero groups', () => F.groupNorm(randn(2, 4), 0), ArgumentError, /^groupNorm: numGroups/],
  ];
  for (const [name, f, cls, re] of cases) {
    it(name, () => {
      expect(f).toThrow(cls);
      expect(f).toThrow(re);
    });
  }
});
