// optim.LBFGS against PyTorch 1.13 (fixtures from tests/fixtures/make_optim_fixtures.py): Rosenbrock,
// a logistic regression and a least-squares problem, with fixed steps and with strong Wolfe, short
// histories (the shift), maxIter/maxEval limits, several step() calls each. float64 runs are compared
// tightly (the algorithm, branch for branch); float32 runs over the leading calls where PyTorch's own
// float32 and float64 runs agree (past them float32 rounding alone changes the path). Also: stateDict resume, the cubic
// interpolation, and errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, ShapeError, type Tensor, optim, softplus, tensor, zeros } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { cubicInterpolate } from '../../src/optim/lbfgs.js';

interface Call {
  loss: number;
  params: number[][];
  funcEvals: number;
  nIter: number;
  historyLength: number;
}
interface Run {
  problem: 'rosenbrock' | 'logistic' | 'leastsq';
  data: { A?: number[]; labels?: number[]; b?: number[] };
  options: Partial<optim.LBFGSOptions>;
  dtype: 'float32' | 'float64';
  /** Leading calls of PyTorch's float32 run that agree with its float64 twin (all calls for float64). */
  stableCalls: number;
  calls: Call[];
}
const runs = JSON.parse(readFileSync(new URL('../fixtures/optim_trajectories.json', import.meta.url), 'utf8')).lbfgs as Run[];

type Problem = { params: Tensor[]; loss: () => Tensor };
function problem(run: Pick<Run, 'problem' | 'data' | 'dtype'>): Problem {
  const dtype = run.dtype;
  if (run.problem === 'rosenbrock') {
    const x = tensor([-1.5, 2], { dtype, requiresGrad: true });
    return { params: [x], loss: () => rosenbrock(x) };
  }
  if (run.problem === 'logistic') {
    const A = tensor(run.data.A!, { dtype }).reshape(24, 3);
    const y = tensor(run.data.labels!, { dtype });
    const w = zeros([3], { dtype }).requiresGrad_();
    const b = zeros([1], { dtype }).requiresGrad_();
    return {
      params: [w, b],
      loss: () => {
        const z = A.matmul(w.reshape(3, 1)).reshape(24).add(b);
        return softplus(z).sub(y.mul(z)).mean().add(w.pow(2).sum().mul(0.01));
      },
    };
  }
  const A = tensor(run.data.A!, { dtype }).reshape(10, 4);
  const b = tensor(run.data.b!, { dtype });
  const v = zeros([2, 2], { dtype }).requiresGrad_();
  return { params: [v], loss: () => A.matmul(v.reshape(4, 1)).reshape(10).sub(b).pow(2).sum().mul(0.5) };
}
function rosenbrock(x: Tensor): Tensor {
  const x0 = x.select(0, 0);
  const x1 = x.select(0, 1);
  return x0.neg().add(1).pow(2).add(x1.sub(x0.pow(2)).pow(2).mul(100));
}
function closureFor(opt: optim.LBFGS, p: Problem): () => Tensor {
  return () => {
    opt.zeroGrad();
    const loss = p.loss();
    loss.backward();
    return loss;
  };
}

describe('LBFGS matches torch.optim.LBFGS', () => {
  const name = (r: Run): string => `${r.problem} ${JSON.stringify(r.options)} ${r.dtype}`;
  it.each(runs.filter((r) => r.stableCalls > 0).map((r) => [name(r), r] as const))('%s', (label, run) => {
    const p = problem(run);
    const opt = new optim.LBFGS(p.params, run.options);
    const closure = closureFor(opt, p);
    // NOTE: float64 gets 1e-6, not 1e-12: Rosenbrock amplifies rounding (moving PyTorch's own start by one
    // ulp moves its third call's parameters by 1e-8), while a wrong branch would change digits at 1e-2.
    const rtol = run.dtype === 'float64' ? 1e-6 : 1e-4;
    run.calls.slice(0, run.stableCalls).forEach((c, k) => {
      const loss = opt.step(closure);
      const ctx = `${label}: step() call ${k + 1}`;
      expectClose([loss.item() as number], [c.loss], { rtol, atol: rtol * 1e-3 }, `${ctx}, loss`);
      p.params.forEach((x, i) => expectClose(Array.from(x.toTypedArray() as Float64Array), c.params[i]!, { rtol, atol: rtol * 1e-2 }, `${ctx}, parameter ${i}`));
      const s = opt.state.get(p.params[0]!)!;
      expect([s.funcEvals, s.nIter, (s.oldDirs as Tensor[]).length], ctx).toEqual([c.funcEvals, c.nIter, c.historyLength]);
    });
  });

  it('with strong Wolfe, Rosenbrock reaches the minimum (1, 1)', () => {
    const p = problem({ problem: 'rosenbrock', data: {}, dtype: 'float64' });
    const opt = new optim.LBFGS(p.params, { lineSearchFn: 'strong_wolfe' });
    for (let i = 0; i < 4; i++) opt.step(closureFor(opt, p));
    expectClose(Array.from(p.params[0]!.toTypedArray() as Float64Array), [1, 1], { rtol: 1e-5 }, 'minimum');
  });
});

describe('LBFGS stateDict', () => {
  it.each([null, 'strong_wolfe'] as const)('a reloaded optimizer (lineSearchFn %s) continues exactly as the original', (lineSearchFn) => {
    const spec = { problem: 'logistic' as const, data: runs.find((r) => r.problem === 'logistic')!.data, dtype: 'float64' as const };
    const options = { lineSearchFn, historySize: 3, maxIter: 4, lr: 0.8 };
    const a = problem(spec);
    const optA = new optim.LBFGS(a.params, options);
    optA.step(closureFor(optA, a));
    optA.step(closureFor(optA, a));
    const snap = optA.stateDict();
    const saved = a.params.map((x) => x.detach().clone());
    optA.step(closureFor(optA, a));
    optA.step(closureFor(optA, a));

    const b = problem(spec);
    b.params.forEach((x, i) => x.detach().copy_(saved[i]!));
    const optB = new optim.LBFGS(b.params, options);
    optB.loadStateDict(snap);
    optB.step(closureFor(optB, b));
    optB.step(closureFor(optB, b));
    b.params.forEach((x, i) => expect(x.tolist()).toEqual(a.params[i]!.tolist()));
    const [sa, sb] = [optA.state.get(a.params[0]!)!, optB.state.get(b.params[0]!)!];
    for (const k of ['funcEvals', 'nIter', 't', 'Hdiag', 'prevLoss', 'ro']) expect(sb[k], k).toEqual(sa[k]);
    expect((sb.oldDirs as Tensor[]).map((t) => t.tolist())).toEqual((sa.oldDirs as Tensor[]).map((t) => t.tolist()));
    // The snapshot holds PyTorch's state names.
    expect(Object.keys(snap.state[0]!).sort()).toEqual(['Hdiag', 'd', 'funcEvals', 'nIter', 'oldDirs', 'oldStps', 'prevFlatGrad', 'prevLoss', 'ro', 't']);
  });

  it('refuses state vectors of the wrong length', () => {
    const a = problem({ problem: 'rosenbrock', data: {}, dtype: 'float64' });
    const opt = new optim.LBFGS(a.params);
    opt.step(closureFor(opt, a));
    const snap = opt.stateDict();
    const other = new optim.LBFGS([tensor([1, 2, 3], { requiresGrad: true })]);
    expect(() => other.loadStateDict(snap)).toThrow(ShapeError);
    expect(() => other.loadStateDict(snap)).toThrow(/flat vector of all 3/);
    expect(other.state.size).toBe(0);
  });
});

describe('LBFGS details', () => {
  it('cubicInterpolate finds the minimiser of a cubic and falls back to the midpoint', () => {
    // f(x) = x³ − 3x: minimum at x = 1; f' = 3x² − 3.
    const f = (x: number): number => x ** 3 - 3 * x;
    const g = (x: number): number => 3 * x ** 2 - 3;
    expect(cubicInterpolate(0, f(0), g(0), 2, f(2), g(2))).toBeCloseTo(1, 12);
    expect(cubicInterpolate(2, f(2), g(2), 0, f(0), g(0))).toBeCloseTo(1, 12);
    expect(cubicInterpolate(0, f(0), g(0), 2, f(2), g(2), [1.5, 3])).toBe(1.5);
    // d1² − g1·g2 < 0 (no real minimiser): the middle of the bounds.
    expect(cubicInterpolate(0, 0, 2, 1, 1, 2)).toBe(0.5);
  });

  it('returns the first loss and stops at once when the gradient is already below toleranceGrad', () => {
    const x = tensor([1, 1], { dtype: 'float64', requiresGrad: true });
    const opt = new optim.LBFGS([x]);
    let calls = 0;
    const loss = opt.step(() => {
      calls++;
      opt.zeroGrad();
      const l = rosenbrock(x);
      l.backward();
      return l;
    });
    expect(loss.item()).toBe(0);
    expect(calls).toBe(1);
    expect(x.tolist()).toEqual([1, 1]);
    expect(opt.state.get(x)).toEqual({ funcEvals: 1, nIter: 0 });
  });

  it('maxEval defaults to floor(maxIter·5/4)', () => {
    const x = tensor([1], { requiresGrad: true });
    expect(new optim.LBFGS([x]).paramGroups[0]!.maxEval).toBe(25);
    expect(new optim.LBFGS([x], { maxIter: 7 }).paramGroups[0]!.maxEval).toBe(8);
    expect(new optim.LBFGS([x], { maxIter: 7, maxEval: 3 }).paramGroups[0]!.maxEval).toBe(3);
  });

  it('refuses a missing closure, several groups, bad options and mixed dtypes', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tensor([3], { requiresGrad: true });
    const opt = new optim.LBFGS([x]);
    expect(() => (opt.step as () => Tensor)()).toThrow(ArgumentError);
    expect(() => (opt.step as () => Tensor)()).toThrow(/LBFGS: closure is required/);
    expect(() => opt.step((() => 3) as never)).toThrow(/one-element tensor/);
    expect(() => new optim.LBFGS([{ params: [x] }, { params: [y] }])).toThrow(/parameter groups/);
    expect(() => opt.addParamGroup({ params: [y] })).toThrow(/parameter groups/);
    expect(() => new optim.LBFGS([x], { lineSearchFn: 'backtracking' as never })).toThrow(/lineSearchFn/);
    expect(() => new optim.LBFGS([x], { historySize: 0 })).toThrow(/historySize must be a positive integer/);
    expect(() => new optim.LBFGS([x], { maxIter: 2.5 })).toThrow(/maxIter/);
    expect(() => new optim.LBFGS([x], { lr: -1 })).toThrow(/lr/);
    expect(() => new optim.LBFGS([x], { tolerance: 1 } as never)).toThrow(/option 'tolerance'/);
    expect(() => new optim.LBFGS([x, tensor([1], { dtype: 'float64', requiresGrad: true })])).toThrow(DTypeError);
  });
});
