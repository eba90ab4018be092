// nn.utils: clipGradNorm_ against PyTorch 1.13's clip_grad_norm_ (p = 1, 2, 3, inf, 0.5, 0, -inf,
// several parameters, one without grad, a single float64 tensor, NaN/inf gradients, errorIfNonfinite),
// clipGradValue_ against clip_grad_value_, l1Penalty/l2Penalty values and gradients by hand plus the
// weightDecay equivalence, parametersToVector/vectorToParameters, and bad arguments.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, DTypeError, F, ShapeError, Tensor, add, mul, nn, noGrad, optim, sum, tensor, zeros,
} from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/reg.json', import.meta.url), 'utf8'));
type Enc = number | string;
const dec = (v: Enc): number => (v === 'nan' ? NaN : v === 'inf' ? Infinity : v === '-inf' ? -Infinity : (v as number));
const decAll = (a: readonly Enc[]): number[] => a.map(dec);
const vals = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number>);
const { clipGradNorm_, clipGradNorm, clipGradValue_, clipGradValue, l1Penalty, l2Penalty, parametersToVector, vectorToParameters } = nn.utils;

/** The fixture's four parameters; the third has no grad. */
function fixtureParams(): Tensor[] {
  const c = fx.clipGradNorm;
  return (c.shapes as number[][]).map((shape, i) => {
    const p = new nn.Parameter(zeros(shape));
    if (c.hasGrad[i]) p.grad = tensor(decAll(c.grads[i]), { shape });
    return p;
  });
}

describe('nn.utils.clipGradNorm_ against PyTorch 1.13', () => {
  for (const c of fx.clipGradNorm.cases as { normType: Enc; maxNorm: number; total: Enc; grads: (Enc[] | null)[] }[]) {
    it(`normType ${String(c.normType)}, maxNorm ${c.maxNorm}`, () => {
      const params = fixtureParams();
      const total = clipGradNorm_(params, c.maxNorm, dec(c.normType));
      expect(total.shape).toEqual([]);
      expect(total.dtype).toBe('float32');
      expectClose([total.item() as number], [dec(c.total)], { rtol: 2e-6 }, `total norm, p=${String(c.normType)}`);
      params.forEach((p, i) => {
        const want = c.grads[i]!;
        if (want === null) {
          expect(p.grad).toBeNull();
          return;
        }
        // No clipping (coef clamped to 1) and maxNorm 0 are exact; elsewhere the coefficient may differ
        // from torch's float32 one by an ulp.
        const exact = c.maxNorm === 0 || c.maxNorm >= dec(c.total);
        expectClose(vals(p.grad!), decAll(want), exact ? { exact: true } : { rtol: 3e-6, atol: 1e-7 }, `grad ${i}, p=${String(c.normType)}`);
      });
    });
  }

  it('clips a single float64 tensor and returns a float64 total', () => {
    const s = fx.clipGradNorm.single64;
    const t = new nn.Parameter(zeros([4, 3], { dtype: 'float64' }));
    t.grad = tensor(decAll(s.grad), { shape: [4, 3], dtype: 'float64' });
    const total = clipGradNorm_(t, 1.0);
    expect(total.dtype).toBe('float64');
    expectClose([total.item() as number], [s.total], { rtol: 1e-12 }, 'float64 total');
    expectClose(vals(t.grad), decAll(s.clipped), { rtol: 1e-12 }, 'float64 clipped');
  });

  for (const c of fx.clipGradNorm.nonfinite as { bad: Enc; normType: Enc; total: Enc; a: Enc[]; b: Enc[]; raises: boolean }[]) {
    it(`non-finite gradients: ${String(c.bad)} with normType ${String(c.normType)}`, () => {
      const make = (): Tensor[] => {
        const a = new nn.Parameter(zeros(3));
        const b = new nn.Parameter(zeros(2));
        a.grad = tensor([1, -2, dec(c.bad)]);
        b.grad = tensor([0.5, -0.25]);
        return [a, b];
      };
      const [a, b] = make();
      const total = clipGradNorm_([a!, b!], 1.0, dec(c.normType));
      expectClose([total.item() as number], [dec(c.total)], { exact: true }, 'total');
      expectClose(vals(a!.grad!), decAll(c.a), { exact: true }, 'a');
      expectClose(vals(b!.grad!), decAll(c.b), { exact: true }, 'b');
      expect(c.raises).toBe(true);
      const fresh = make();
      expect(() => clipGradNorm_(fresh, 1.0, dec(c.normType), true)).toThrow(ArgumentError);
      expect(() => clipGradNorm_(fresh, 1.0, dec(c.normType), true)).toThrow(/clipGradNorm: parameters have a non-finite total gradient norm of order/);
      // errorIfNonfinite throws before touching anything.
      expect(vals(fresh[1]!.grad!)).toEqual([0.5, -0.25]);
    });
  }

  it('returns 0 without gradients, accepts any iterable, and has PyTorch’s deprecated alias', () => {
    const p = new nn.Parameter(zeros(2));
    const z = clipGradNorm_([p], 1);
    expect(z.item()).toBe(0);
    expect(z.dtype).toBe('float32');
    expect(clipGradNorm_([], 1).item()).toBe(0);
    const lin = new nn.Linear(3, 2);
    sum(lin.call(tensor([[1, 2, 3]]))).backward();
    // weight grad [[1,2,3],[1,2,3]], bias grad [1,1]: L2 norm sqrt(2·14 + 2) = sqrt(30).
    function* gen(): Generator<Tensor> { yield* lin.parameters(); }
    const total = clipGradNorm(gen(), 1);
    expectClose([total.item() as number], [Math.sqrt(30)], { rtol: 1e-6 }, 'linear total');
    const after = Math.hypot(...vals(lin.weight.grad!), ...vals(lin.bias!.grad!));
    expect(after).toBeLessThanOrEqual(1);
    expect(after).toBeGreaterThan(1 - 1e-5);
    expect(clipGradNorm).toBe(clipGradNorm_);
  });

  it('refuses bad arguments with typed errors', () => {
    const ps = fixtureParams();
    expect(() => clipGradNorm_(ps, -1)).toThrow(/clipGradNorm: maxNorm must be a non-negative number, got -1/);
    expect(() => clipGradNorm_(ps, NaN)).toThrow(ArgumentError);
    expect(() => clipGradNorm_(ps, 1, NaN)).toThrow(/normType must be a number/);
    expect(() => clipGradNorm_(ps, 1, 2, 'yes' as unknown as boolean)).toThrow(/errorIfNonfinite must be a boolean/);
    expect(() => clipGradNorm_(5 as unknown as Tensor, 1)).toThrow(/parameters must be a Tensor or an iterable of Tensors, got number/);
    expect(() => clipGradNorm_([ps[0]!, [1, 2]] as unknown as Tensor[], 1)).toThrow(/parameters\[1\] must be a Tensor, got an array/);
    // Nothing was clipped by the refused calls.
    expectClose(vals(ps[0]!.grad!), decAll(fx.clipGradNorm.grads[0]), { exact: true }, 'untouched');
  });
});

describe('nn.utils.clipGradValue_', () => {
  it('clamps every gradient into [-v, v] as PyTorch, NaN stays NaN, no-grad parameters are skipped', () => {
    const c = fx.clipGradValue;
    const params = fixtureParams();
    noGrad(() => {
      params[1]!.grad!.storage.data[0] = NaN;
      params[1]!.grad!.storage.data[1] = 0.75;
    });
    clipGradValue_(params, c.clipValue);
    params.forEach((p, i) => {
      const want = c.grads[i] as Enc[] | null;
      if (want === null) expect(p.grad).toBeNull();
      else expectClose(vals(p.grad!), decAll(want), { exact: true }, `grad ${i}`);
    });
    expect(clipGradValue).toBe(clipGradValue_);
  });

  it('takes a single tensor, leaves gradients alone with Infinity and refuses bad clip values', () => {
    const p = new nn.Parameter(zeros(3));
    p.grad = tensor([-5, 0.5, 5]);
    clipGradValue_(p, 1);
    expect(vals(p.grad)).toEqual([-1, 0.5, 1]);
    clipGradValue_(p, Infinity);
    expect(vals(p.grad)).toEqual([-1, 0.5, 1]);
    expect(() => clipGradValue_(p, -1)).toThrow(/clipGradValue: clipValue must be a non-negative number, got -1/);
    expect(() => clipGradValue_(p, NaN)).toThrow(ArgumentError);
    expect(() => clipGradValue_(null as unknown as Tensor, 1)).toThrow(/got null/);
  });
});

describe('nn.utils.l1Penalty / l2Penalty', () => {
  it('are Σ|w| and Σw² over all parameters, with gradients sign(w) (0 at 0) and 2w', () => {
    const w = tensor([[1, -2], [0, 3]], { requiresGrad: true });
    const b = tensor([-0.5, 4], { dtype: 'float64', requiresGrad: true });
    const l1 = l1Penalty([w, b]);
    expect(l1.shape).toEqual([]);
    expect(l1.item()).toBe(1 + 2 + 0 + 3 + 0.5 + 4);
    l1.backward();
    expect(vals(w.grad!)).toEqual([1, -1, 0, 1]);
    expect(vals(b.grad!)).toEqual([-1, 1]);
    w.grad = null;
    b.grad = null;
    const l2 = l2Penalty([w, b]);
    expect(l2.item()).toBe(1 + 4 + 0 + 9 + 0.25 + 16);
    l2.backward();
    expect(vals(w.grad!)).toEqual([2, -4, 0, 6]);
    expect(vals(b.grad!)).toEqual([-1, 8]);
  });

  it('take a single tensor or a module’s parameters; an empty list gives 0', () => {
    const t = tensor([3, -4]);
    expect(l2Penalty(t).item()).toBe(25);
    expect(l1Penalty(t).requiresGrad).toBe(false);
    expect(l1Penalty([]).item()).toBe(0);
    const lin = new nn.Linear(2, 2);
    const want = vals(lin.weight).concat(vals(lin.bias!)).reduce((s, v) => s + v * v, 0);
    expectClose([l2Penalty(lin.parameters()).item() as number], [want], { rtol: 1e-6 }, 'linear l2');
  });

  it('loss + (λ/2)·l2Penalty takes the same SGD step as weightDecay λ', () => {
    const lambda = 0.1;
    const x = tensor([[1, 2], [3, -1], [0.5, 0.5]]);
    const y = tensor([[1], [0], [2]]);
    const make = (): nn.Linear => {
      const l = new nn.Linear(2, 1);
      noGrad(() => {
        l.weight.storage.data.set([0.3, -0.7]);
        l.bias!.storage.data.set([0.2]);
      });
      return l;
    };
    const a = make();
    const optA = new optim.SGD(a.parameters(), { lr: 0.05, weightDecay: lambda });
    F.mseLoss(a.call(x), y).backward();
    optA.step();
    const b = make();
    const optB = new optim.SGD(b.parameters(), { lr: 0.05 });
    add(F.mseLoss(b.call(x), y), mul(l2Penalty(b.parameters()), lambda / 2)).backward();
    optB.step();
    expectClose(vals(b.weight), vals(a.weight), { rtol: 1e-6 }, 'weight');
    expectClose(vals(b.bias!), vals(a.bias!), { rtol: 1e-6 }, 'bias');
  });

  it('refuse non-float parameters and non-tensors', () => {
    expect(() => l1Penalty([tensor([1, 2], { dtype: 'int32' })])).toThrow(DTypeError);
    expect(() => l2Penalty([tensor([1.5]), 'w' as unknown as Tensor])).toThrow(/l2Penalty: parameters\[1\] must be a Tensor, got string/);
  });
});

describe('nn.utils.parametersToVector / vectorToParameters', () => {
  it('flatten in order, differentiably, and write back by copy', () => {
    const w = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
    const b = tensor([7, 8], { requiresGrad: true });
    const v = parametersToVector([w, b]);
    expect(v.shape).toEqual([8]);
    expect(vals(v)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    sum(mul(v, tensor([1, 2, 3, 4, 5, 6, 7, 8]))).backward();
    expect(vals(w.grad!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(vals(b.grad!)).toEqual([7, 8]);

    const before = w.version;
    const src = tensor([10, 20, 30, 40, 50, 60, 70, 80]);
    vectorToParameters(src, [w, b]);
    expect(vals(w)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(w.shape).toEqual([2, 3]);
    expect(vals(b)).toEqual([70, 80]);
    expect(w.version).toBeGreaterThan(before);
    // Copied, not aliased (PyTorch makes the parameters views of vec).
    noGrad(() => { src.storage.data[0] = -1; });
    expect(vals(w)[0]).toBe(10);
    expect(w.requiresGrad).toBe(true);
  });

  it('round-trips a module', () => {
    const a = new nn.Linear(3, 2);
    const c = new nn.Linear(3, 2);
    vectorToParameters(parametersToVector(a.parameters()), c.parameters());
    expect(vals(c.weight)).toEqual(vals(a.weight));
    expect(vals(c.bias!)).toEqual(vals(a.bias!));
  });

  it('refuse mismatched or malformed input and write nothing', () => {
    const w = tensor([1, 2, 3]);
    const b = tensor([4]);
    expect(() => vectorToParameters(tensor([1, 2, 3]), [w, b])).toThrow(ShapeError);
    expect(() => vectorToParameters(tensor([1, 2, 3, 4, 5]), [w, b])).toThrow(/vectorToParameters: vec has 5 elements but the parameters hold 4/);
    expect(() => vectorToParameters(tensor([[1, 2], [3, 4]]), [w, b])).toThrow(/vec must be 1-D, got 2-D/);
    expect(() => vectorToParameters([1, 2, 3, 4] as unknown as Tensor, [w, b])).toThrow(/vec must be a Tensor/);
    expect(vals(w)).toEqual([1, 2, 3]);
    expect(() => parametersToVector([])).toThrow(/parametersToVector: parameters must contain at least one tensor/);
    expect(() => parametersToVector(3 as unknown as Tensor[])).toThrow(ArgumentError);
  });
});
