// Gradients exactly at kinks follow PyTorch's conventions. Expected values come from PyTorch 1.13
// (the "kinks" section of tests/fixtures/torch_ops.json, written by make_torch_fixtures.py) and are
// checked in float64 and in float32 on the default backend; a short table below restates the
// conventions by hand so that a reader sees them (relu'(0) = 0, ties split, ...).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  F, Tensor, abs, amax, amin, clamp, elu, leakyRelu, max, maximum, min, minimum, pow, relu, sign, softplus, sqrt, sum, tensor,
} from '../../src/index.js';
import { mismatch, runFixtureCase, type TorchFixtures } from '../helpers/opinfo.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/torch_ops.json', import.meta.url), 'utf8')) as TorchFixtures;

/** Where nodegrad deliberately differs from PyTorch at a kink: case name → gradient index → elements, and why. */
const DIVERGES: Record<string, { grad: number; elements: number[]; why: string }> = {
  'smoothL1Loss beta 0 at 0': {
    grad: 0, elements: [0],
    why: "PyTorch's smooth_l1 kernel with beta = 0 tests x <= -beta first, so it returns -1 at x = 0 (asymmetric); nodegrad's beta = 0 is l1Loss with sign(0) = 0, as F.l1_loss",
  },
  'binaryCrossEntropy at p = 0 and 1': {
    grad: 1, elements: [0, 1, 2, 3],
    why: "PyTorch's target gradient log(1-p) - log(p) is ±inf at p = 0/1 although the forward clamps the logs at -100; nodegrad differentiates the clamped forward (±100)",
  },
};

describe('kinks against PyTorch', () => {
  it('has the kink fixtures', () => {
    expect(fx.kinks.length).toBeGreaterThanOrEqual(40);
  });
  for (const dtype of ['float64', 'float32'] as const) {
    describe(dtype, () => {
      for (const c of fx.kinks) {
        it(c.name, () => {
          // Kink values are exact in both precisions (0, ±1, halves, thirds of random cotangents).
          const tol = dtype === 'float64' ? { rtol: 1e-12, atol: 1e-13 } : { rtol: 1e-6, atol: 1e-6 };
          const run = runFixtureCase(c, dtype);
          c.outputs.forEach((o, i) => expect(mismatch(run.outputs[i]!, o, tol), `output ${i}`).toBeNull());
          const d = DIVERGES[c.name];
          c.grads.forEach((g, i) => {
            const skip = new Set(d && d.grad === i ? d.elements : []);
            expect(mismatch(run.grads[i] ?? null, g, tol, skip), `gradient of input ${i}`).toBeNull();
          });
        });
      }
    });
  }
  it('documents each divergence and checks nodegrad’s own value there', () => {
    const l1 = fx.kinks.find((k) => k.name === 'smoothL1Loss beta 0 at 0')!;
    expect(runFixtureCase(l1, 'float64').grads[0]!.tolist()).toEqual([0, 1, -1]);
    const bce = fx.kinks.find((k) => k.name === 'binaryCrossEntropy at p = 0 and 1')!;
    const run = runFixtureCase(bce, 'float64');
    const cot = bce.cotangents[0]!.data as number[];
    // d/dy of the clamped loss -(y·max(log p, -100) + (1 - y)·max(log(1 - p), -100)): +100 at p = 0, -100 at p = 1.
    expect(run.grads[1]!.tolist()).toEqual([100 * cot[0]!, -100 * cot[1]!, 100 * cot[2]!, -100 * cot[3]!]);
    for (const d of Object.values(DIVERGES)) expect(d.why.length).toBeGreaterThan(20);
  });
});

/** d(sum(f(x)))/dx at the given points, in float64. */
function gradAt(f: (x: Tensor) => Tensor, values: number[] | number[][]): number[] {
  const x = tensor(values, { dtype: 'float64', requiresGrad: true });
  sum(f(x)).backward();
  return Array.from(x.grad!.toTypedArray() as Float64Array);
}
function gradsAt(f: (a: Tensor, b: Tensor) => Tensor, a: number[], b: number[]): [number[], number[]] {
  const ta = tensor(a, { dtype: 'float64', requiresGrad: true });
  const tb = tensor(b, { dtype: 'float64', requiresGrad: true });
  sum(f(ta, tb)).backward();
  return [Array.from(ta.grad!.toTypedArray() as Float64Array), Array.from(tb.grad!.toTypedArray() as Float64Array)];
}

describe('the conventions, spelled out', () => {
  it("relu'(0) = 0, abs'(0) = 0, sign' = 0", () => {
    expect(gradAt(relu, [-1, 0, 2])).toEqual([0, 0, 1]);
    expect(gradAt(abs, [-1, 0, 2])).toEqual([-1, 0, 1]);
    expect(gradAt(sign, [-1, 0, 2])).toEqual([0, 0, 0]);
  });
  it("relu's gradient passes where its result is NaN (threshold_backward: result <= 0 ? 0 : grad), float32 too", () => {
    expect(gradAt(relu, [NaN, -0, 0.5])).toEqual([1, 0, 1]);
    const x = tensor([NaN, -2, 0, 3, -0], { requiresGrad: true });
    sum(relu(x)).backward();
    expect(x.grad!.dtype).toBe('float32');
    expect(Array.from(x.grad!.toTypedArray() as Float32Array)).toEqual([1, 0, 0, 1, 0]);
  });
  it("leakyRelu'(0) = slope, elu'(0) = alpha", () => {
    expect(gradAt((x) => leakyRelu(x, 0.2), [-1, 0, 2])).toEqual([0.2, 0.2, 1]);
    expect(gradAt((x) => leakyRelu(x), [0])).toEqual([0.01]);
    expect(gradAt((x) => elu(x, 1.5), [0, 2])).toEqual([1.5, 1]);
  });
  it('clamp passes the gradient on the closed interval', () => {
    expect(gradAt((x) => clamp(x, -0.5, 0.5), [-1, -0.5, 0, 0.5, 1])).toEqual([0, 1, 1, 1, 0]);
  });
  it('maximum/minimum ties split 0.5/0.5; amax/amin ties split evenly; max(dim) ties go to the first index', () => {
    expect(gradsAt(maximum, [1, 2, 3], [1, 0, 3])).toEqual([[0.5, 1, 0.5], [0.5, 0, 0.5]]);
    expect(gradsAt(minimum, [1, 2, 3], [1, 0, 3])).toEqual([[0.5, 0, 0.5], [0.5, 1, 0.5]]);
    expect(gradAt((x) => amax(x), [1, 3, 3, 2])).toEqual([0, 0.5, 0.5, 0]);
    expect(gradAt((x) => amin(x, 1), [[1, 1, 1], [0, 2, 0]])).toEqual([1 / 3, 1 / 3, 1 / 3, 0.5, 0, 0.5]);
    expect(gradAt((x) => max(x, 1).values, [[1, 3, 3], [2, 2, 2]])).toEqual([0, 1, 0, 1, 0, 0]);
    expect(gradAt((x) => min(x, 0).values, [[1, 0], [1, 0]])).toEqual([1, 1, 0, 0]);
  });
  it("sqrt'(0) = inf; pow(0, 2)' = 0; pow(x, 0)' = 0", () => {
    expect(gradAt(sqrt, [0])).toEqual([Infinity]);
    expect(gradAt((x) => pow(x, 2), [0])).toEqual([0]);
    expect(gradAt((x) => pow(x, 0), [0, 3])).toEqual([0, 0]);
    expect(gradsAt(pow, [0, 0], [2, 0])).toEqual([[0, 0], [0, 0]]);
  });
  it("softplus'(0) = 0.5, for any beta", () => {
    expect(gradAt((x) => softplus(x), [0])).toEqual([0.5]);
    expect(gradAt((x) => softplus(x, 3), [0])).toEqual([0.5]);
  });
  it('binaryCrossEntropyWithLogits at logit 0 gives sigmoid(0) − y', () => {
    const x = tensor([0, 0, 0], { dtype: 'float64', requiresGrad: true });
    F.binaryCrossEntropyWithLogits(x, tensor([0, 0.3, 1], { dtype: 'float64' }), { reduction: 'sum' }).backward();
    expect(Array.from(x.grad!.toTypedArray() as Float64Array).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([0.5, 0.2, -0.5]);
  });
  it('smoothL1Loss and huberLoss at 0 and at ±beta', () => {
    const z = tensor([0, 1, -1, 0.5], { dtype: 'float64', requiresGrad: true });
    F.smoothL1Loss(z, tensor([0, 0, 0, 0], { dtype: 'float64' }), { reduction: 'sum' }).backward();
    expect(z.grad!.tolist()).toEqual([0, 1, -1, 0.5]);
    const h = tensor([0, 0.7, -0.7], { dtype: 'float64', requiresGrad: true });
    F.huberLoss(h, tensor([0, 0, 0], { dtype: 'float64' }), { reduction: 'sum', delta: 0.7 }).backward();
    expect(Array.from(h.grad!.toTypedArray() as Float64Array).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([0, 0.7, -0.7]);
  });
  it('binaryCrossEntropy stays finite at p = 0 and 1 (PyTorch clamps the denominator at 1e-12)', () => {
    const p = tensor([0, 1, 0, 1], { dtype: 'float32', requiresGrad: true });
    const loss = F.binaryCrossEntropy(p, tensor([0, 1, 1, 0]), { reduction: 'sum' });
    expect(loss.item()).toBeCloseTo(200, 4);
    loss.backward();
    const g = Array.from(p.grad!.toFloat32Array());
    expect(g.every(Number.isFinite)).toBe(true);
    expect(g[0]).toBe(0);
    expect(g[1]).toBe(0);
    expect(g[2]! / -1e12).toBeCloseTo(1, 6);
    expect(g[3]! / 1e12).toBeCloseTo(1, 6);
  });
});
