// GANs (src/train/gan.ts): the losses against PyTorch 1.13 (values and gradients, written out from
// sigmoid/log in the fixture script), the gradient penalty by hand on a linear critic, against PyTorch
// on an MLP critic and by finite differences of its double backward, and fitGAN's mechanics: with a
// frozen known D one G step is the hand-written update, D's step uses the smoothed label, each side
// only gets gradients on its own turn, history/progress/callbacks, errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, Generator, ShapeError, autograd, linear, manualSeed, nn, optim, rand, tanh, tensor, train, type Tensor,
} from '../../src/index.js';

interface Enc { shape: number[]; data: number[] }
interface LossCase { name: string; value: number; gradReal: number[] | null; gradFake: number[] }
interface Fixture {
  torch: string;
  ganLosses: { real: Enc; fake: Enc; cases: LossCase[] };
  gradientPenalty: { lambda: number; seed: number; eps: number[]; real: Enc; fake: Enc; state: Record<string, Enc>; value: number; grads: Record<string, number[] | null> };
}
const fixture = JSON.parse(readFileSync(new URL('../fixtures/gen_torch.json', import.meta.url), 'utf8')) as Fixture;
const f64 = (e: Enc, requiresGrad = false): Tensor => tensor(Float64Array.from(e.data), { dtype: 'float64', shape: e.shape, requiresGrad });
const vals = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number>);
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

function expectClose(got: readonly number[], want: readonly number[], tol: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: ${g} vs ${want[i]}`).toBeLessThan(tol * Math.max(1, Math.abs(want[i]!))));
}

describe(`GAN losses vs PyTorch ${fixture.torch}`, () => {
  const run: Record<string, (r: Tensor, f: Tensor) => Tensor> = {
    'd standard s=0.0': (r, f) => train.discriminatorLoss(r, f),
    'd standard s=0.1': (r, f) => train.discriminatorLoss(r, f, { labelSmoothing: 0.1 }),
    'd standard s=0.3': (r, f) => train.discriminatorLoss(r, f, { loss: 'standard', labelSmoothing: 0.3 }),
    'g standard non-saturating': (_r, f) => train.generatorLoss(f),
    'g standard saturating': (_r, f) => train.generatorLoss(f, { saturating: true }),
    'd hinge': (r, f) => train.discriminatorLoss(r, f, { loss: 'hinge' }),
    'g hinge': (_r, f) => train.generatorLoss(f, { loss: 'hinge' }),
    'd wasserstein': (r, f) => train.discriminatorLoss(r, f, { loss: 'wasserstein' }),
    'g wasserstein': (_r, f) => train.generatorLoss(f, { loss: 'wasserstein' }),
  };
  it('covers every fixture case', () => expect(fixture.ganLosses.cases.map((c) => c.name).sort()).toEqual(Object.keys(run).sort()));
  for (const c of fixture.ganLosses.cases) {
    it(c.name, () => {
      const r = f64(fixture.ganLosses.real, true);
      const f = f64(fixture.ganLosses.fake, true);
      const v = run[c.name]!(r, f);
      expect(v.shape).toEqual([]);
      expectClose([v.item() as number], [c.value], 1e-12);
      v.backward();
      expectClose(vals(f.grad!), c.gradFake, 1e-12);
      if (c.gradReal === null) expect(r.grad).toBeNull();
      else expectClose(vals(r.grad!), c.gradReal, 1e-12);
    });
  }
  it('refuses options that do not apply, and bad scores', () => {
    const s = tensor([[0.5], [-1]]);
    expect(() => train.discriminatorLoss(s, s, { loss: 'hinge', labelSmoothing: 0.1 })).toThrow(/labelSmoothing applies to the 'standard' loss only/);
    expect(() => train.discriminatorLoss(s, s, { labelSmoothing: 1 })).toThrow(/labelSmoothing must be in \[0, 1\)/);
    expect(() => train.generatorLoss(s, { loss: 'wasserstein', saturating: true })).toThrow(/saturating applies to the 'standard' loss only/);
    expect(() => train.generatorLoss(s, { loss: 'minimax' as never })).toThrow(/loss must be 'standard', 'hinge' or 'wasserstein'/);
    expect(() => train.generatorLoss(tensor([1], { dtype: 'int32' }))).toThrow(ArgumentError);
    expect(() => train.discriminatorLoss(s, tensor([]))).toThrow(ShapeError);
    expect(() => train.discriminatorLoss(s, s, { smoothing: 0.1 } as never)).toThrow(/option 'smoothing' is not a known option/);
  });
});

describe('gradientPenalty', () => {
  it('on a linear critic D(x) = w·x + b: λ·(‖w‖ − 1)², and the gradient λ·2(‖w‖ − 1)·w/‖w‖ reaches w (not b)', () => {
    const D = new nn.Linear(3, 1, { dtype: 'float64' });
    const w = [0.6, -0.8, 1.2];
    D.loadStateDict({ weight: tensor([w], { dtype: 'float64' }), bias: tensor([0.3], { dtype: 'float64' }) });
    manualSeed(0);
    const real = rand([5, 3], { dtype: 'float64' });
    const fake = rand([5, 3], { dtype: 'float64' });
    const norm = Math.hypot(...w);
    const gp = train.gradientPenalty(D, real, fake, { lambda: 10, generator: new Generator(1) });
    expect(gp.item()).toBeCloseTo(10 * (norm - 1) ** 2, 10);
    gp.backward();
    expectClose(vals(D.weight.grad!), w.map((v) => (10 * 2 * (norm - 1) * v) / norm), 1e-9);
    expect(D.bias!.grad).toBeNull();
    // The default λ is 10; λ = 0 gives 0.
    expect(train.gradientPenalty(D, real, fake).item()).toBeCloseTo(10 * (norm - 1) ** 2, 10);
    expect(train.gradientPenalty(D, real, fake, { lambda: 0 }).item()).toBe(0);
  });

  it('interpolates x̂ = ε·real + (1 − ε)·fake with one ε ~ U[0, 1) per sample from the generator (D(x) = Σx²: ∇ = 2x̂)', () => {
    const real = tensor([[1, 0], [0, 2], [3, 3]], { dtype: 'float64' });
    const fake = tensor([[0, 1], [1, 1], [-1, 0]], { dtype: 'float64' });
    const eps = vals(rand([3, 1], { dtype: 'float64', generator: new Generator(4) }));
    const rr = real.tolist() as number[][];
    const ff = fake.tolist() as number[][];
    let expected = 0;
    for (let i = 0; i < 3; i++) {
      const xh = rr[i]!.map((r, k) => eps[i]! * r + (1 - eps[i]!) * ff[i]![k]!);
      expected += (2 * Math.hypot(...xh) - 1) ** 2 / 3;
    }
    const gp = train.gradientPenalty((x) => x.square().sum(1), real, fake, { lambda: 2, generator: new Generator(4) });
    expect(gp.item()).toBeCloseTo(2 * expected, 10);
  });

  it(`equals PyTorch ${fixture.torch} on an MLP critic, with the same ε draws and parameter gradients`, () => {
    const fx = fixture.gradientPenalty;
    const critic = new nn.Sequential(new nn.Linear(3, 5, { dtype: 'float64' }), new nn.Tanh(), new nn.Linear(5, 1, { dtype: 'float64' }));
    critic.loadStateDict(Object.fromEntries(Object.entries(fx.state).map(([k, v]) => [k, f64(v)])));
    // nodegrad's rand draws torch.rand's values for a seed.
    expectClose(vals(rand([4, 1], { dtype: 'float64', generator: new Generator(fx.seed) })), fx.eps, 1e-15);
    const gp = train.gradientPenalty(critic, f64(fx.real), f64(fx.fake), { lambda: fx.lambda, generator: new Generator(fx.seed) });
    expectClose([gp.item() as number], [fx.value], 1e-10);
    gp.backward();
    for (const [name, p] of critic.namedParameters()) {
      const want = fx.grads[name];
      if (want === null || want === undefined) expect(p.grad, name).toBeNull();
      else expectClose(vals(p.grad!), want, 1e-10);
    }
  });

  it("is differentiable in D's parameters: gradcheck and gradgradcheck by finite differences", () => {
    const g = new Generator(5);
    const real = rand([3, 2], { dtype: 'float64', generator: g });
    const fake = rand([3, 2], { dtype: 'float64', generator: g }).mul(2);
    const params = [rand([4, 2], { dtype: 'float64', generator: g }).sub(0.5), rand([4], { dtype: 'float64', generator: g }), rand([1, 4], { dtype: 'float64', generator: g }), rand([1], { dtype: 'float64', generator: g })];
    params.forEach((p) => p.requiresGrad_(true));
    const fn = (w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor): Tensor =>
      train.gradientPenalty((x) => linear(tanh(linear(x, w1, b1)), w2, b2), real, fake, { generator: new Generator(6) });
    expect(autograd.gradcheck(fn, params)).toBe(true);
    expect(autograd.gradgradcheck(fn, params.slice(0, 3))).toBe(true);
  });

  it('sends nothing to whatever made the samples, and refuses bad inputs', () => {
    const G = new nn.Linear(2, 2, { dtype: 'float64' });
    const D = new nn.Linear(2, 1, { dtype: 'float64' });
    const z = rand([4, 2], { dtype: 'float64' });
    const fake = G.call(z);
    train.gradientPenalty(D, G.call(z.add(1)), fake).backward();
    expect(G.weight.grad).toBeNull();
    expect(D.weight.grad).not.toBeNull();
    expect(() => train.gradientPenalty(D, z, rand([3, 2], { dtype: 'float64' }))).toThrow(/gradientPenalty: fake must have the shape of real/);
    expect(() => train.gradientPenalty(D, z, z.float())).toThrow(/fake must have the dtype of real \(float64\)/);
    expect(() => train.gradientPenalty(D, z, z, { lambda: -1 })).toThrow(/lambda must be a finite number >= 0/);
    expect(() => train.gradientPenalty({} as never, z, z)).toThrow(/discriminator must be an nn.Module/);
    expect(() => train.gradientPenalty(D, z, z, { generator: 3 } as never)).toThrow(/generator must be a Generator/);
  });
});

/** Returns the queued noise tensors in order (so a test knows exactly what G saw). */
function queuedNoise(zs: Tensor[]): (n: number) => Tensor {
  let i = 0;
  return () => zs[i++]!;
}

/** Linear layers with given float64 weights. */
function linearWith(weight: number[][], bias: number[]): nn.Linear {
  const l = new nn.Linear(weight[0]!.length, weight.length, { dtype: 'float64' });
  l.loadStateDict({ weight: tensor(weight, { dtype: 'float64' }), bias: tensor(bias, { dtype: 'float64' }) });
  return l;
}

describe('fitGAN mechanics', () => {
  const data = tensor([[1, 2], [0.5, -1], [2, 0], [-1, 1]], { dtype: 'float64' });
  const z1 = tensor([[0.3, -0.2, 1], [1, 0.5, -0.5], [-1, 0.1, 0.2], [0.4, 0.4, 0]], { dtype: 'float64' });
  const z2 = tensor([[0.1, 0.9, -0.3], [-0.6, 0.2, 0.8], [0.7, -0.7, 0.1], [0.2, 0.3, -1]], { dtype: 'float64' });
  const Wg = [[0.5, -0.3, 0.2], [0.1, 0.4, -0.6]];
  const bg = [0.05, -0.1];
  const wd = [0.7, -0.4];
  const cd = 0.2;
  const gOut = (z: Tensor): number[][] => (z.tolist() as number[][]).map((zi) => Wg.map((row, k) => row.reduce((s, v, j) => s + v * zi[j]!, bg[k]!)));

  function oneIteration(loss: 'standard' | 'hinge' | 'wasserstein', saturating: boolean, gLr: number, dLr: number, labelSmoothing = 0): { G: nn.Linear; D: nn.Linear } {
    const G = linearWith(Wg, bg);
    const D = linearWith([wd], [cd]);
    train.fitGAN(G, D, {
      data, noiseDim: 3, batchSize: 4, steps: 1, noise: queuedNoise([z1, z2]), progress: false, seed: 0,
      gOptimizer: new optim.SGD(G.parameters(), { lr: gLr }), dOptimizer: new optim.SGD(D.parameters(), { lr: dLr }),
      loss, ...(loss === 'standard' ? { saturating, labelSmoothing } : {}),
    });
    return { G, D };
  }

  /** dL/ds for the generator loss per fake score s (before the 1/n of the mean). */
  const gLossSlope: Record<string, (s: number) => number> = {
    nonSaturating: (s) => -sigmoid(-s), // d softplus(−s)/ds
    saturating: (s) => -sigmoid(s), // d(−softplus(s))/ds
    critic: () => -1, // d(−s)/ds
  };

  for (const [name, loss, saturating, slope] of [
    ['standard, non-saturating', 'standard', false, gLossSlope.nonSaturating!],
    ['standard, saturating', 'standard', true, gLossSlope.saturating!],
    ['hinge', 'hinge', false, gLossSlope.critic!],
    ['wasserstein', 'wasserstein', false, gLossSlope.critic!],
  ] as const) {
    it(`with a frozen known D, one G step is the hand-written SGD update (${name})`, () => {
      const lr = 0.1;
      const { G, D } = oneIteration(loss, saturating, lr, 0);
      // D is frozen (lr 0): its weights are unchanged.
      expect(vals(D.weight)).toEqual(wd);
      // G's step on z2: s_i = wd·G(z2_i) + cd; dL/dG_i = slope(s_i)/n·wd; dL/dWg = Σ_i dL/dG_i ⊗ z2_i.
      const gz = gOut(z2);
      const zz = z2.tolist() as number[][];
      const dW = Wg.map((row) => row.map(() => 0));
      const db = [0, 0];
      gz.forEach((gi, i) => {
        const s = wd[0]! * gi[0]! + wd[1]! * gi[1]! + cd;
        const dg = wd.map((w) => (slope(s) / 4) * w);
        dg.forEach((d, k) => {
          db[k]! += d;
          zz[i]!.forEach((zv, j) => { dW[k]![j]! += d * zv; });
        });
      });
      expectClose(vals(G.weight), Wg.flat().map((v, idx) => v - lr * dW.flat()[idx]!), 1e-12);
      expectClose(vals(G.bias!), bg.map((v, k) => v - lr * db[k]!), 1e-12);
    });
  }

  it("D's step is the hand-written update with the smoothed real label 1 − s (G frozen)", () => {
    const lr = 0.5;
    const rows = data.tolist() as number[][];
    const fakes = gOut(z1);
    const expected = (s: number): number[] => {
      // dL/dr_i = (σ(r_i) − (1 − s))/n, dL/df_j = σ(f_j)/n.
      let [dw0, dw1, dc] = [0, 0, 0];
      const add = (d: number, x: number[]): void => {
        dw0 += d * x[0]!;
        dw1 += d * x[1]!;
        dc += d;
      };
      for (const x of rows) add((sigmoid(wd[0]! * x[0]! + wd[1]! * x[1]! + cd) - (1 - s)) / 4, x);
      for (const f of fakes) add(sigmoid(wd[0]! * f[0]! + wd[1]! * f[1]! + cd) / 4, f);
      return [wd[0]! - lr * dw0, wd[1]! - lr * dw1, cd - lr * dc];
    };
    const plain = oneIteration('standard', false, 0, lr);
    const smooth = oneIteration('standard', false, 0, lr, 0.2);
    expectClose([...vals(plain.D.weight), ...vals(plain.D.bias!)], expected(0), 1e-12);
    expectClose([...vals(smooth.D.weight), ...vals(smooth.D.bias!)], expected(0.2), 1e-12);
    // Smoothing lowers the real target, so D's weights move by lr·s·mean(real rows) less toward them.
    const meanRow = [0, 1].map((k) => rows.reduce((a, r) => a + r[k]!, 0) / 4);
    expectClose(vals(plain.D.weight).map((v, k) => v - vals(smooth.D.weight)[k]!), meanRow.map((m) => lr * 0.2 * m), 1e-12);
    // G was frozen.
    expect(vals(plain.G.weight)).toEqual(Wg.flat());
  });

  it('each side gets gradients only on its own turn (dSteps 2, gSteps 2, gradient penalty on, one D parameter frozen by the user)', () => {
    manualSeed(1);
    const G = new nn.Sequential(new nn.Linear(3, 8), new nn.ReLU(), new nn.Linear(8, 2));
    const D = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 1));
    const frozen = D.parameters()[1]!; // the first layer's bias: the user turned it off
    frozen.requiresGrad = false;
    const snap = (m: nn.Module): (number[] | null)[] => m.parameters().map((p) => (p.grad === null ? null : vals(p.grad)));
    const events: { who: 'D' | 'G'; g: (number[] | null)[]; d: (number[] | null)[]; dFlags: boolean[] }[] = [];
    class Spy extends optim.SGD {
      constructor(params: Iterable<Tensor>, readonly who: 'D' | 'G') {
        super(params, { lr: 0.01 });
      }
      override step(closure?: () => Tensor): Tensor | undefined {
        events.push({ who: this.who, g: snap(G), d: snap(D), dFlags: D.parameters().map((p) => p.requiresGrad) });
        return super.step(closure);
      }
    }
    const history = train.fitGAN(G, D, {
      data: rand([64, 2]), noiseDim: 3, batchSize: 16, steps: 3, dSteps: 2, gSteps: 2, gradientPenalty: true, seed: 2, progress: false,
      gOptimizer: new Spy(G.parameters(), 'G'), dOptimizer: new Spy(D.parameters().filter((p) => p !== frozen), 'D'),
    });
    expect(events.map((e) => e.who).join('')).toBe('DDGGDDGGDDGG');
    let lastG: (number[] | null)[] = G.parameters().map(() => null);
    let lastD: (number[] | null)[] = [];
    for (const e of events) {
      if (e.who === 'D') {
        // D's grads are fresh (all but the frozen one), G's are what its last own step left.
        expect(e.g).toEqual(lastG);
        e.d.forEach((g, i) => (i === 1 ? expect(g).toBeNull() : expect(g).not.toBeNull()));
        expect(e.dFlags).toEqual([true, false, true, true]);
        lastD = e.d;
      } else {
        // During G's turn D's parameters do not require grad, and their grads are D's last step's.
        expect(e.d).toEqual(lastD);
        expect(e.dFlags).toEqual([false, false, false, false]);
        e.g.forEach((g) => expect(g).not.toBeNull());
        lastG = e.g;
      }
    }
    // Flags are restored after training; the history has the penalty.
    expect(D.parameters().map((p) => p.requiresGrad)).toEqual([true, false, true, true]);
    expect(Object.keys(history.values)).toEqual(['dLoss', 'gLoss', 'gp']);
    expect(history.values.gp!.every((v) => v > 0)).toBe(true);
  });

  it('history per step or per epoch, both losses in the progress display, and the callbacks', () => {
    manualSeed(3);
    const G = new nn.Sequential(new nn.Linear(2, 2));
    const D = new nn.Sequential(new nn.Linear(2, 1));
    const mk = (): { gOptimizer: optim.SGD; dOptimizer: optim.SGD } => ({ gOptimizer: new optim.SGD(G.parameters(), { lr: 0.01 }), dOptimizer: new optim.SGD(D.parameters(), { lr: 0.01 }) });
    const lines: string[] = [];
    const stream = { write: (s: string) => lines.push(s) };
    const calls: string[] = [];
    const batchLosses: number[] = [];
    const cb: train.Callback = {
      onTrainBegin: (ctx) => calls.push(`begin ${ctx.model === G} ${(ctx as train.GenerativeContext).discriminator === D}`),
      onEpochEnd: (e) => calls.push(`epoch ${e}`),
      onBatchEnd: (_b, logs) => batchLosses.push(logs.loss),
      onAfterBackward: () => calls.push('after'),
      onTrainEnd: () => calls.push('end'),
    };
    // 40 samples, batch 8, dSteps 2: 5 batches → 2 iterations per epoch.
    const h = train.fitGAN(G, D, { data: rand([40, 2]), noiseDim: 2, batchSize: 8, epochs: 3, dSteps: 2, seed: 4, callbacks: [cb], progress: { stream, plain: true, intervalMs: 0 }, ...mk() });
    expect(h.epochs).toEqual([0, 1, 2]);
    expect(calls).toEqual(['begin true true', 'after', 'after', 'epoch 0', 'after', 'after', 'epoch 1', 'after', 'after', 'epoch 2', 'end']);
    // Epoch logs are the means of their iterations' losses.
    expect(h.values.gLoss![1]).toBeCloseTo((batchLosses[2]! + batchLosses[3]!) / 2, 12);
    expect(lines.some((l) => /^fitGAN {2}epoch 1\/3 {2}step 1\/2 {2}dLoss \d\.\d{4} {2}gLoss -?\d\.\d{4} /.test(l))).toBe(true);
    expect(lines.filter((l) => /step 2\/2 .*done in/.test(l)).length).toBe(3);
    // Steps mode: one entry per step; a callback can stop training.
    const stopper: train.Callback = { onEpochEnd: (e, _l, ctx) => { if (e === 4) ctx.stopTraining = true; } };
    const hs = train.fitGAN(G, D, { data: rand([40, 2]), noiseDim: 2, batchSize: 8, steps: 20, seed: 4, callbacks: [stopper], progress: false, ...mk() });
    expect(hs.epochs).toEqual([0, 1, 2, 3, 4]);
    expect(hs.values.dLoss!.every(Number.isFinite)).toBe(true);
  });

  it('is repeatable under a seed', () => {
    const runOnce = (): number[] => {
      manualSeed(5);
      const G = new nn.Sequential(new nn.Linear(2, 4), new nn.ReLU(), new nn.Linear(4, 2));
      const D = new nn.Sequential(new nn.Linear(2, 4), new nn.ReLU(), new nn.Linear(4, 1));
      train.fitGAN(G, D, {
        data: rand([32, 2], { generator: new Generator(1) }), noiseDim: 2, batchSize: 8, steps: 5, seed: 9, progress: false, loss: 'wasserstein', gradientPenalty: 1,
        gOptimizer: new optim.Adam(G.parameters()), dOptimizer: new optim.Adam(D.parameters()),
      });
      return G.parameters().flatMap(vals);
    };
    expect(runOnce()).toEqual(runOnce());
  });

  it('errors name the option', () => {
    const G = new nn.Linear(2, 2);
    const D = new nn.Linear(2, 1);
    const { steps: _steps, ...noLength } = { data: rand([10, 2]), noiseDim: 2, batchSize: 4, steps: 1, progress: false as const, gOptimizer: new optim.SGD(G.parameters()), dOptimizer: new optim.SGD(D.parameters()) };
    const base = { ...noLength, steps: 1 };
    expect(() => train.fitGAN(G, D, noLength)).toThrow(/fitGAN: steps or epochs must be given \(exactly one of them\)/);
    expect(() => train.fitGAN(G, D, { ...base, epochs: 2 })).toThrow(/exactly one/);
    expect(() => train.fitGAN(G, D, { ...base, batchSize: 11 })).toThrow(/batchSize must not exceed the number of samples \(10\), got 11/);
    expect(() => train.fitGAN(G, D, { ...noLength, epochs: 1, batchSize: 4, dSteps: 3 })).toThrow(/leaves 2 batch\(es\) per epoch, fewer than the 3 real batches one step takes/);
    expect(() => train.fitGAN(G, D, { ...base, loss: 'hinge', labelSmoothing: 0.1 })).toThrow(/labelSmoothing applies to the 'standard' loss only/);
    expect(() => train.fitGAN(G, D, { ...base, loss: 'hinge', saturating: true })).toThrow(/saturating applies/);
    expect(() => train.fitGAN(G, D, { ...base, dSteps: 0 })).toThrow(/fitGAN: dSteps must be >= 1, got 0/);
    expect(() => train.fitGAN(G, D, { ...base, gradientPenalty: -1 })).toThrow(/gradientPenalty must be a boolean or a finite λ >= 0/);
    expect(() => train.fitGAN(G, D, { ...base, seed: 1, generator: new Generator(1) })).toThrow(/seed cannot be given together with generator/);
    expect(() => train.fitGAN(G, D, { ...base, generator: G as never })).toThrow(/generator must be a Generator \(the random source/);
    expect(() => train.fitGAN(G, D, { ...base, noiseDim: 3 })).toThrow(ShapeError);
    expect(() => train.fitGAN(new nn.Linear(2, 3), D, { ...base })).toThrow(/fitGAN: generator must return samples shaped like the data batch \(generated=\[4,3\], data=\[4,2\]\)/);
    expect(() => train.fitGAN(G, D, { ...base, noise: () => rand([3, 2]) })).toThrow(/noise must return a Tensor with 4 rows, got shape \[3,2\]/);
    expect(() => train.fitGAN(G, D, { ...base, gOptimizer: {} as never })).toThrow(/gOptimizer must be an optim.Optimizer/);
    expect(() => train.fitGAN(G, {} as never, base)).toThrow(/discriminator must be an nn.Module/);
    expect(() => train.fitGAN(G, D, { ...base, lr: 1 } as never)).toThrow(/option 'lr' is not a known option/);
  });
});
