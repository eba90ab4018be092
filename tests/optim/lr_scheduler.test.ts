// LR schedulers: every PyTorch scheduler's lr sequence over two parameter groups against PyTorch 1.13
// (fixtures from tests/fixtures/make_optim_fixtures.py), incl. CosineAnnealingLR past tMax and
// ReduceLROnPlateau on a fixed metric sequence (cooldown, both threshold modes, both modes, minLr per
// group, eps); every optimizer reads group.lr afresh at each step (trajectories with ExponentialLR);
// TimeBasedDecayLR and GradientScaledLR against their formulas; stateDict resume; option errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError, type Tensor, optim, tensor } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/optim_schedules.json', import.meta.url), 'utf8')) as {
  schedules: { scheduler: string; options: Record<string, unknown>; lrs: number[][] }[];
  plateau: { options: optim.ReduceLROnPlateauOptions; metrics: number[]; lrs: number[][]; best: number; numBadEpochs: number; cooldownCounter: number }[];
  withOptimizers: { optimizer: string; options: Record<string, unknown>; trajectory: number[][][] }[];
};
const mlp = JSON.parse(readFileSync(new URL('../fixtures/optim_trajectories.json', import.meta.url), 'utf8')).firstOrder as Record<string, number[]>;

/** SGD over two groups with lr 0.1 and 0.05, as the fixtures. */
function twoGroups(): optim.SGD {
  return new optim.SGD([{ params: [tensor([0], { requiresGrad: true })] }, { params: [tensor([0], { requiresGrad: true })], lr: 0.05 }], { lr: 0.1 });
}
const LAMBDAS: Record<string, (e: number) => number> = { pow095: (e) => 0.95 ** e, inv: (e) => 1 / (1 + e), saw4: (e) => 1 + (e % 4) };

function makeScheduler(name: string, opt: optim.Optimizer<object>, options: Record<string, unknown>): optim.LRScheduler {
  switch (name) {
    case 'LambdaLR': {
      const l = options.lambda as string | string[];
      return new optim.LambdaLR(opt, { lrLambda: Array.isArray(l) ? l.map((k) => LAMBDAS[k]!) : LAMBDAS[l]! });
    }
    case 'StepLR': return new optim.StepLR(opt, options as never);
    case 'MultiStepLR': return new optim.MultiStepLR(opt, options as never);
    case 'ConstantLR': return new optim.ConstantLR(opt, options);
    case 'LinearLR': return new optim.LinearLR(opt, options);
    case 'ExponentialLR': return new optim.ExponentialLR(opt, options as never);
    case 'CosineAnnealingLR': return new optim.CosineAnnealingLR(opt, options as never);
    default: throw new Error(`unknown scheduler ${name}`);
  }
}

describe('schedulers match torch.optim.lr_scheduler', () => {
  it.each(fx.schedules.map((s) => [`${s.scheduler} ${JSON.stringify(s.options)}`, s] as const))('%s', (label, s) => {
    const opt = twoGroups();
    const sched = makeScheduler(s.scheduler, opt, s.options);
    expect(sched.kind).toBe('epoch');
    s.lrs.forEach((expected, k) => {
      if (k > 0) {
        opt.step();
        sched.step();
      }
      expect(sched.lastEpoch).toBe(k);
      expectClose(sched.getLastLr(), expected, { rtol: 1e-12, atol: 1e-18 }, `${label}: epoch ${k}`);
      expect(opt.paramGroups.map((g) => g.lr)).toEqual(sched.getLastLr());
    });
    expect(opt.paramGroups.map((g) => (g as unknown as { initialLr: number }).initialLr)).toEqual([0.1, 0.05]);
  });

  it.each(fx.plateau.map((p) => [JSON.stringify(p.options), p] as const))('ReduceLROnPlateau %s', (label, p) => {
    const opt = twoGroups();
    const sched = new optim.ReduceLROnPlateau(opt, p.options);
    expect(sched.kind).toBe('plateau');
    expect(sched.getLastLr()).toEqual([0.1, 0.05]);
    p.metrics.forEach((m, k) => {
      opt.step();
      sched.step(k % 2 === 0 ? m : tensor(m, { dtype: 'float64' }));
      expectClose(sched.getLastLr(), p.lrs[k]!, { rtol: 1e-12 }, `${label}: epoch ${k + 1} (metric ${m})`);
    });
    expect([sched.best, sched.numBadEpochs, sched.cooldownCounter, sched.lastEpoch]).toEqual([p.best, p.numBadEpochs, p.cooldownCounter, p.metrics.length]);
  });
});

describe('optimizers read each group lr afresh at every step', () => {
  const X = tensor(mlp.X!).reshape(8, 2);
  const Y = tensor(mlp.Y!).reshape(8, 1);
  it.each(fx.withOptimizers.map((c) => [`${c.optimizer} ${JSON.stringify(c.options)}`, c] as const))('%s with ExponentialLR', (label, c) => {
    const shapes = [[3, 2], [3], [1, 3], [1]];
    const ps = [mlp.W1!, mlp.b1!, mlp.W2!, mlp.b2!].map((v, i) => tensor(v).reshape(...shapes[i]!).requiresGrad_());
    const Ctor = optim[c.optimizer as 'SGD'] as unknown as new (p: unknown, o: unknown) => optim.Optimizer<object>;
    const opt = new Ctor([{ params: ps.slice(0, 2) }, { params: ps.slice(2), lr: (c.options.lr as number) / 2 }], c.options);
    const sched = new optim.ExponentialLR(opt, { gamma: 0.7 });
    c.trajectory.forEach((expected, k) => {
      opt.zeroGrad();
      const [w1, c1, w2, c2] = ps as [Tensor, Tensor, Tensor, Tensor];
      X.matmul(w1.t()).add(c1).tanh().matmul(w2.t()).add(c2).sub(Y).pow(2).mean().backward();
      opt.step();
      sched.step();
      ps.forEach((p, i) => expectClose(p.toFloat32Array(), expected[i]!, { rtol: 1e-5, atol: 1e-6 }, `${label}: step ${k + 1}, parameter ${i}`));
    });
  });
});

describe('TimeBasedDecayLR', () => {
  it('lr = lr0 / (1 + decay·t) per group', () => {
    const opt = twoGroups();
    const sched = new optim.TimeBasedDecayLR(opt, { decay: 0.25 });
    for (let t = 0; t <= 12; t++) {
      if (t > 0) sched.step();
      expect(sched.getLastLr()).toEqual([0.1 / (1 + 0.25 * t), 0.05 / (1 + 0.25 * t)]);
    }
    expect(sched.getLastLr()[0]).toBeCloseTo(0.025, 15); // t = 12: 0.1 / 4
  });
});

describe('GradientScaledLR', () => {
  // loss = ½‖a‖² + ½‖b‖²: the gradients are a and b, ‖[3, 4]‖ = 5, ‖[1, 2, 2]‖ = 3.
  function setup(options: optim.GradientScaledLROptions): { a: Tensor; b: Tensor; opt: optim.SGD; sched: optim.GradientScaledLR; backward: () => void } {
    const a = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    const b = tensor([1, 2, 2], { dtype: 'float64', requiresGrad: true });
    const opt = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.2 }], { lr: 0.1 });
    const sched = new optim.GradientScaledLR(opt, options);
    const backward = (): void => {
      opt.zeroGrad();
      a.pow(2).sum().add(b.pow(2).sum()).mul(0.5).backward();
    };
    return { a, b, opt, sched, backward };
  }

  it('normalized: lr = lr0/(‖g‖ + eps), so SGD steps have length lr0', () => {
    const { a, b, opt, sched, backward } = setup({});
    expect(sched.kind).toBe('gradient');
    expect(sched.getLastLr()).toEqual([0.1, 0.2]); // no gradients yet: the initial lrs
    expect(sched.lastGradNorms).toEqual([null, null]);
    backward();
    sched.step();
    expect(sched.lastGradNorms).toEqual([5, 3]);
    expect(sched.getLastLr()).toEqual([0.1 / (5 + 1e-8), 0.2 / (3 + 1e-8)]);
    const [a0, b0] = [a.tolist() as number[], b.tolist() as number[]];
    opt.step();
    const len = (x: number[], y: number[]): number => Math.hypot(...x.map((v, i) => v - y[i]!));
    expect(len(a.tolist() as number[], a0)).toBeCloseTo(0.1, 8);
    expect(len(b.tolist() as number[], b0)).toBeCloseTo(0.2, 8);
  });

  it('proportional: lr = lr0·‖g‖, clamped to [minLr, maxLr] per group', () => {
    const { sched, backward } = setup({ mode: 'proportional' });
    backward();
    sched.step();
    expect(sched.getLastLr()).toEqual([0.1 * 5, 0.2 * 3]);
    const c = setup({ mode: 'proportional', maxLr: [0.3, 1], minLr: 0.01 });
    c.backward();
    c.sched.step();
    expect(c.sched.getLastLr()).toEqual([0.3, 0.2 * 3]);
    const d = setup({ mode: 'normalized', minLr: [0.05, 0] });
    d.backward();
    d.sched.step();
    expect(d.sched.getLastLr()).toEqual([0.05, 0.2 / (3 + 1e-8)]);
    expect(d.sched.lastEpoch).toBe(1);
  });

  it('a group without gradients keeps its initial lr', () => {
    const { a, opt, sched } = setup({ mode: 'proportional' });
    opt.zeroGrad();
    a.pow(2).sum().mul(0.5).backward();
    sched.step();
    expect(sched.getLastLr()).toEqual([0.5, 0.2]);
    expect(sched.lastGradNorms).toEqual([5, null]);
  });
});

describe('scheduler stateDict', () => {
  const makers: [string, (o: optim.Optimizer<object>) => optim.LRScheduler][] = [
    ['LambdaLR', (o) => new optim.LambdaLR(o, { lrLambda: LAMBDAS.pow095! })],
    ['StepLR', (o) => new optim.StepLR(o, { stepSize: 3, gamma: 0.5 })],
    ['MultiStepLR', (o) => new optim.MultiStepLR(o, { milestones: [4, 9, 9, 12] })],
    ['ConstantLR', (o) => new optim.ConstantLR(o, { factor: 0.5, totalIters: 9 })],
    ['LinearLR', (o) => new optim.LinearLR(o, { startFactor: 0.1, totalIters: 12 })],
    ['ExponentialLR', (o) => new optim.ExponentialLR(o, { gamma: 0.8 })],
    ['CosineAnnealingLR', (o) => new optim.CosineAnnealingLR(o, { tMax: 5, etaMin: 0.01 })],
    ['TimeBasedDecayLR', (o) => new optim.TimeBasedDecayLR(o, { decay: 0.5 })],
  ];
  it.each(makers)('%s: resuming from a snapshot continues exactly', (_name, make) => {
    const opt = twoGroups();
    const sched = make(opt);
    for (let i = 0; i < 7; i++) sched.step();
    const [optSnap, schedSnap] = [opt.stateDict(), sched.stateDict()];
    const rest: number[][] = [];
    for (let i = 0; i < 10; i++) {
      sched.step();
      rest.push(sched.getLastLr());
    }
    const opt2 = twoGroups();
    const sched2 = make(opt2);
    opt2.loadStateDict(optSnap);
    sched2.loadStateDict(schedSnap);
    expect(sched2.lastEpoch).toBe(7);
    for (let i = 0; i < 10; i++) {
      sched2.step();
      expect(sched2.getLastLr()).toEqual(rest[i]);
    }
    // The snapshot is a copy.
    expect(schedSnap.lastEpoch).toBe(7);
    expect('optimizer' in schedSnap).toBe(false);
  });

  it('ReduceLROnPlateau: resuming continues exactly', () => {
    const p = fx.plateau[1]!;
    const opt = twoGroups();
    const s = new optim.ReduceLROnPlateau(opt, p.options);
    p.metrics.slice(0, 9).forEach((m) => s.step(m));
    const [optSnap, snap] = [opt.stateDict(), s.stateDict()];
    const opt2 = twoGroups();
    const s2 = new optim.ReduceLROnPlateau(opt2, p.options);
    opt2.loadStateDict(optSnap);
    s2.loadStateDict(snap);
    p.metrics.slice(9).forEach((m, k) => {
      s2.step(m);
      expectClose(s2.getLastLr(), p.lrs[9 + k]!, { rtol: 1e-12 }, `epoch ${10 + k}`);
    });
    expect(snap.best).toBe(p.metrics.slice(0, 9).reduce((x, y) => (y < x * (1 - 1e-4) ? y : x), Infinity));
  });

  it('lastEpoch resumes from the groups initialLr, and refuses groups without it', () => {
    const opt = twoGroups();
    expect(() => new optim.StepLR(opt, { stepSize: 2, lastEpoch: 5 })).toThrow(/initialLr is not set/);
    const first = new optim.StepLR(opt, { stepSize: 2, gamma: 0.5 });
    for (let i = 0; i < 3; i++) first.step();
    const resumed = new optim.StepLR(opt, { stepSize: 2, gamma: 0.5, lastEpoch: 3 });
    expect(resumed.lastEpoch).toBe(4);
    expect(resumed.baseLrs).toEqual([0.1, 0.05]);
    expect(resumed.getLastLr()).toEqual([0.1 * 0.25, 0.05 * 0.25]);
  });

  it('loadStateDict refuses unknown fields, wrong types and group counts, changing nothing', () => {
    const sched = new optim.StepLR(twoGroups(), { stepSize: 3 });
    const good = sched.stateDict();
    expect(() => sched.loadStateDict({ ...good, stepsize: 3 })).toThrow(/stateDict.stepsize is not a field of StepLR/);
    expect(() => sched.loadStateDict({ ...good, gamma: '0.1' })).toThrow(/stateDict.gamma must be number/);
    expect(() => sched.loadStateDict({ ...good, baseLrs: [0.1] })).toThrow(/1 values, the optimizer has 2/);
    expect(() => sched.loadStateDict(null as never)).toThrow(ArgumentError);
    expect(sched.stepSize).toBe(3);
    const plateau = new optim.ReduceLROnPlateau(twoGroups());
    expect(() => plateau.loadStateDict({ ...plateau.stateDict(), mode: 'up' })).toThrow(/mode must be 'min' or 'max'/);
    expect(() => plateau.loadStateDict({ patience: '3' })).toThrow(/patience must be a number/);
    expect(plateau.mode).toBe('min');
  });
});

describe('a training loop tells the schedulers apart by kind', () => {
  it('epoch schedulers step(), ReduceLROnPlateau step(metric), GradientScaledLR after backward', () => {
    const opt = twoGroups();
    const schedulers: optim.AnyLRScheduler[] = [new optim.ExponentialLR(opt, { gamma: 0.5 }), new optim.ReduceLROnPlateau(opt, { patience: 0 })];
    const endOfEpoch = (valLoss: number): void => {
      for (const s of schedulers) {
        if (s.kind === 'plateau') s.step(valLoss);
        else if (s.kind === 'epoch') s.step();
      }
    };
    endOfEpoch(1);
    endOfEpoch(2); // no improvement: the plateau scheduler also cuts by 10
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.1 * 0.5 * 0.5 * 0.1, 0.05 * 0.5 * 0.5 * 0.1]);
    expect(schedulers[1] instanceof optim.ReduceLROnPlateau).toBe(true);
    expect(schedulers[0] instanceof optim.LRScheduler).toBe(true);
  });
});

describe('scheduler option errors', () => {
  const opt = twoGroups();
  it.each([
    ['not an optimizer', () => new optim.StepLR({} as never, { stepSize: 1 }), /StepLR: optimizer must be an optim.Optimizer/],
    ['StepLR without stepSize', () => new optim.StepLR(opt, {} as never), /StepLR: option 'stepSize' is required/],
    ['StepLR stepSize 0', () => new optim.StepLR(opt, { stepSize: 0 }), /stepSize must be a positive integer, got 0/],
    ['StepLR gamma NaN', () => new optim.StepLR(opt, { stepSize: 1, gamma: NaN }), /gamma must be a finite number >= 0/],
    ['StepLR unknown option', () => new optim.StepLR(opt, { stepSize: 1, step_size: 2 } as never), /option 'step_size' is not a known option/],
    ['lastEpoch -2', () => new optim.StepLR(opt, { stepSize: 1, lastEpoch: -2 }), /lastEpoch must be an integer >= -1/],
    ['LambdaLR not a function', () => new optim.LambdaLR(opt, { lrLambda: 3 as never }), /lrLambda must be a function/],
    ['LambdaLR wrong count', () => new optim.LambdaLR(opt, { lrLambda: [(e) => e] }), /one function per parameter group: expected 2, got 1/],
    ['LambdaLR non-number result', () => new optim.LambdaLR(opt, { lrLambda: () => 'x' as never }), /lrLambda must return a number/],
    ['MultiStepLR bad milestone', () => new optim.MultiStepLR(opt, { milestones: [2, 1.5] }), /milestones\[1\] must be a non-negative integer/],
    ['MultiStepLR not an array', () => new optim.MultiStepLR(opt, { milestones: 3 as never }), /milestones must be an array/],
    ['ConstantLR factor 0', () => new optim.ConstantLR(opt, { factor: 0 }), /factor must be in \(0, 1\]/],
    ['ConstantLR factor 2', () => new optim.ConstantLR(opt, { factor: 2 }), /factor must be in \(0, 1\]/],
    ['LinearLR startFactor 0', () => new optim.LinearLR(opt, { startFactor: 0 }), /startFactor must be in \(0, 1\]/],
    ['LinearLR endFactor 1.5', () => new optim.LinearLR(opt, { endFactor: 1.5 }), /endFactor must be in \[0, 1\]/],
    ['LinearLR totalIters -1', () => new optim.LinearLR(opt, { totalIters: -1 }), /totalIters must be a non-negative integer/],
    ['ExponentialLR without gamma', () => new optim.ExponentialLR(opt, {} as never), /option 'gamma' is required/],
    ['CosineAnnealingLR tMax 0', () => new optim.CosineAnnealingLR(opt, { tMax: 0 }), /tMax must be a positive integer/],
    ['TimeBasedDecayLR decay -1', () => new optim.TimeBasedDecayLR(opt, { decay: -1 }), /decay must be a finite number >= 0/],
    ['GradientScaledLR mode', () => new optim.GradientScaledLR(opt, { mode: 'inverse' as never }), /mode must be 'proportional' or 'normalized'/],
    ['GradientScaledLR minLr > maxLr', () => new optim.GradientScaledLR(opt, { minLr: 1, maxLr: 0.5 }), /minLr must be <= maxLr/],
    ['GradientScaledLR maxLr count', () => new optim.GradientScaledLR(opt, { maxLr: [1] }), /maxLr must have one value per parameter group \(2\), got 1/],
    ['ReduceLROnPlateau factor 1', () => new optim.ReduceLROnPlateau(opt, { factor: 1 }), /factor must be in \[0, 1\)/],
    ['ReduceLROnPlateau mode', () => new optim.ReduceLROnPlateau(opt, { mode: 'minimum' as never }), /mode must be 'min' or 'max'/],
    ['ReduceLROnPlateau thresholdMode', () => new optim.ReduceLROnPlateau(opt, { thresholdMode: 'relative' as never }), /thresholdMode must be 'rel' or 'abs'/],
    ['ReduceLROnPlateau patience', () => new optim.ReduceLROnPlateau(opt, { patience: 1.5 }), /patience must be a non-negative integer/],
    ['ReduceLROnPlateau minLr count', () => new optim.ReduceLROnPlateau(opt, { minLr: [0.1, 0.2, 0.3] }), /minLr must have one value per parameter group \(2\), got 3/],
    ['ReduceLROnPlateau unknown option', () => new optim.ReduceLROnPlateau(opt, { verbose: true } as never), /option 'verbose' is not a known option/],
    ['ReduceLROnPlateau metric', () => new optim.ReduceLROnPlateau(opt).step(tensor([1, 2])), /metric must be a number or a one-element tensor, got shape \[2\]/],
  ] as const)('%s', (_label, make, message) => {
    expect(make).toThrow(ArgumentError);
    expect(make).toThrow(message);
  });
});
