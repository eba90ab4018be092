// optim.SGD against PyTorch trajectories for every option (momentum, dampening, nesterov, weight decay,
// maximize) and for parameter groups; plus option validation.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError, Tensor, optim, tensor } from '../../src/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/nn_optim.json', import.meta.url), 'utf8'));
const S = fx.sgd;

function toCamel(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()), v]));
}
function expectClose(t: Tensor, expected: number[] | number[][], tol: number): void {
  const e = (expected as number[][]).flat() as number[];
  Array.from(t.toFloat32Array()).forEach((v, i) => expect(Math.abs(v - e[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e[i]!))));
}

describe('SGD matches torch.optim.SGD', () => {
  const X = tensor(S.X);
  const T = tensor(S.T);
  for (const c of S.cases) {
    it(`options ${JSON.stringify(c.options)}`, () => {
      const w = tensor(S.w0, { requiresGrad: true });
      const b = tensor(S.b0, { requiresGrad: true });
      const opt = new optim.SGD([w, b], toCamel(c.options));
      c.trajectory.forEach((step: { w: number[][]; b: number[]; loss: number }) => {
        opt.zeroGrad();
        const loss = X.matmul(w).add(b).sub(T).pow(2).mean();
        loss.backward();
        opt.step();
        expect(loss.item()).toBeCloseTo(step.loss, 4);
        expectClose(w, step.w, 2e-5);
        expectClose(b, step.b, 2e-5);
      });
    });
  }
  it('parameter groups keep their own options', () => {
    const w = tensor(S.w0, { requiresGrad: true });
    const b = tensor(S.b0, { requiresGrad: true });
    const opt = new optim.SGD([{ params: [w] }, { params: [b], lr: 0.01, momentum: 0 }], { lr: 0.1, momentum: 0.9 });
    for (const step of fx.sgd_groups as { w: number[][]; b: number[] }[]) {
      opt.zeroGrad();
      X.matmul(w).add(b).sub(T).pow(2).mean().backward();
      opt.step();
      expectClose(w, step.w, 2e-5);
      expectClose(b, step.b, 2e-5);
    }
  });
});

describe('SGD validation', () => {
  const p = tensor([1], { requiresGrad: true });
  it('rejects bad options with named errors', () => {
    expect(() => new optim.SGD([p], { lr: -1 })).toThrow(ArgumentError);
    expect(() => new optim.SGD([p], { lr: NaN })).toThrow(/lr/);
    expect(() => new optim.SGD([p], { nesterov: true })).toThrow(/Nesterov|nesterov/);
    expect(() => new optim.SGD([p], { momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/zero dampening/);
    expect(() => new optim.SGD([p], { learningRate: 0.1 } as never)).toThrow(/option 'learningRate'/);
    expect(() => new optim.SGD([], { lr: 0.1 })).toThrow(/empty/);
    expect(() => new optim.SGD([p, p], { lr: 0.1 })).toThrow(/more than once/);
    expect(() => new optim.SGD([{ params: [p] }, { params: [p] }], { lr: 0.1 })).toThrow(/more than one/);
    const nonLeaf = p.mul(2);
    expect(() => new optim.SGD([nonLeaf], { lr: 0.1 })).toThrow(/non-leaf/);
  });
  it('skips parameters without gradients and zeroGrad(false) keeps zero tensors', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3], { requiresGrad: true });
    const opt = new optim.SGD([a, b], { lr: 0.5 });
    a.sum().backward();
    opt.step();
    expect(a.tolist()).toEqual([0.5, 1.5]);
    expect(b.tolist()).toEqual([3]);
    opt.zeroGrad(false);
    expect(a.grad!.tolist()).toEqual([0, 0]);
  });
});
