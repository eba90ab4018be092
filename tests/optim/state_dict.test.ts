// Optimizer stateDict / loadStateDict: resuming from a snapshot (fresh parameters and a fresh optimizer)
// continues bit for bit like the uninterrupted run, for every optimizer; snapshots are copies; bad
// snapshots are refused without changing the optimizer.
import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, Tensor, manualSeed, optim, randn, tensor } from '../../src/index.js';

type Make = (ps: Tensor[]) => optim.Optimizer<object>;
const MAKERS: [string, Make][] = [
  ['SGD momentum nesterov', (ps) => new optim.SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true }) as never],
  ['Adam amsgrad', (ps) => new optim.Adam(ps, { lr: 0.05, amsgrad: true, weightDecay: 0.1 }) as never],
  ['AdamW', (ps) => new optim.AdamW(ps, { lr: 0.05 }) as never],
  ['Adagrad', (ps) => new optim.Adagrad(ps, { lr: 0.1, lrDecay: 0.01, initialAccumulatorValue: 0.1 }) as never],
  ['RMSprop centered momentum', (ps) => new optim.RMSprop(ps, { lr: 0.01, centered: true, momentum: 0.5 }) as never],
  ['Adadelta', (ps) => new optim.Adadelta(ps, { lr: 1 }) as never],
];

function problem(): { X: Tensor; T: Tensor; w0: Tensor; b0: Tensor } {
  manualSeed(11);
  return { X: randn(16, 5), T: randn(16, 3), w0: randn(5, 3), b0: randn(3) };
}

function run(make: Make, w: Tensor, b: Tensor, X: Tensor, T: Tensor, steps: number, opt = make([w, b])): optim.Optimizer<object> {
  for (let i = 0; i < steps; i++) {
    opt.zeroGrad();
    X.matmul(w).add(b).sub(T).pow(2).mean().backward();
    opt.step();
  }
  return opt;
}

describe.each(MAKERS)('%s stateDict', (_name, make) => {
  it('resuming from a snapshot equals the uninterrupted run exactly', () => {
    const { X, T, w0, b0 } = problem();
    const w = w0.clone().requiresGrad_();
    const b = b0.clone().requiresGrad_();
    const opt = run(make, w, b, X, T, 3);
    const snap = opt.stateDict();
    const [ws, bs] = [w.detach().clone(), b.detach().clone()];
    run(make, w, b, X, T, 4, opt);

    const w2 = ws.requiresGrad_();
    const b2 = bs.requiresGrad_();
    const opt2 = make([w2, b2]);
    opt2.loadStateDict(snap);
    run(make, w2, b2, X, T, 4, opt2);
    expect(w2.tolist()).toEqual(w.tolist());
    expect(b2.tolist()).toEqual(b.tolist());
  });

  it('a snapshot is a copy: later steps do not change it', () => {
    const { X, T, w0, b0 } = problem();
    const w = w0.clone().requiresGrad_();
    const b = b0.clone().requiresGrad_();
    const opt = run(make, w, b, X, T, 2);
    const snap = opt.stateDict();
    const before = JSON.stringify(Object.values(snap.state).map((s) => Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.tolist() : v])));
    run(make, w, b, X, T, 2, opt);
    const after = JSON.stringify(Object.values(snap.state).map((s) => Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.tolist() : v])));
    expect(after).toBe(before);
  });
});

describe('loadStateDict refuses mismatches and changes nothing', () => {
  it('group count, group size, state shape, malformed input', () => {
    const { X, T, w0, b0 } = problem();
    const w = w0.clone().requiresGrad_();
    const b = b0.clone().requiresGrad_();
    const opt = run((ps) => new optim.Adam(ps, { lr: 0.05 }) as never, w, b, X, T, 2) as unknown as optim.Adam;
    const good = opt.stateDict();
    const other = new optim.Adam([tensor([1, 2], { requiresGrad: true })]);
    expect(() => other.loadStateDict(good)).toThrow(/parameters/);
    const twoGroups = new optim.Adam([{ params: [w0.clone().requiresGrad_()] }, { params: [b0.clone().requiresGrad_()] }]);
    expect(() => twoGroups.loadStateDict(good)).toThrow(ArgumentError);
    const wrongShape = new optim.Adam([randn(3, 5).requiresGrad_(), randn(3).requiresGrad_()]);
    expect(() => wrongShape.loadStateDict(good)).toThrow(ShapeError);
    expect(wrongShape.state.size).toBe(0);
    expect(() => opt.loadStateDict({} as never)).toThrow(/stateDict/);
    const badBetas = { ...good, paramGroups: good.paramGroups.map((g) => ({ ...g, betas: [1.5, 0.9] as [number, number] })) };
    expect(() => opt.loadStateDict(badBetas)).toThrow(/betas/);
    expect(opt.paramGroups[0]!.betas).toEqual([0.9, 0.999]);
  });
});
