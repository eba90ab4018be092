// Adam, AdamW, Adagrad, RMSprop and Adadelta against PyTorch 1.13 trajectories (fixtures from
// tests/fixtures/make_optim_fixtures.py): a tiny tanh MLP trained for 20 steps with each option combination
// (amsgrad, weight decay, betas, eps, lrDecay, initialAccumulatorValue, centered, momentum, rho, maximize on
// the negated loss) and with two parameter groups of different options; every step's parameters and loss
// are compared, on both backends.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { type Tensor, optim, setBackend, tensor } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';

interface Step {
  loss: number;
  params: number[][];
}
interface Case {
  optimizer: 'Adam' | 'AdamW' | 'Adagrad' | 'RMSprop' | 'Adadelta';
  options: Record<string, unknown>;
  groups?: [Record<string, unknown>, Record<string, unknown>];
  negate: boolean;
  trajectory: Step[];
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/optim_trajectories.json', import.meta.url), 'utf8')).firstOrder as {
  X: number[];
  Y: number[];
  W1: number[];
  b1: number[];
  W2: number[];
  b2: number[];
  cases: Case[];
};

const X = tensor(fx.X).reshape(8, 2);
const Y = tensor(fx.Y).reshape(8, 1);
const SHAPES = [[3, 2], [3], [1, 3], [1]];

function params(): Tensor[] {
  return [fx.W1, fx.b1, fx.W2, fx.b2].map((v, i) => tensor(v).reshape(...SHAPES[i]!).requiresGrad_());
}
function mlpLoss([w1, c1, w2, c2]: Tensor[]): Tensor {
  return X.matmul(w1!.t()).add(c1!).tanh().matmul(w2!.t()).add(c2!).sub(Y).pow(2).mean();
}
type AnyOptimizer = optim.Optimizer<object>;
function make(c: Case, ps: Tensor[]): AnyOptimizer {
  const arg = c.groups ? [{ params: ps.slice(0, 2), ...c.groups[0] }, { params: ps.slice(2), ...c.groups[1] }] : ps;
  const Ctor = optim[c.optimizer] as unknown as new (p: unknown, o: unknown) => AnyOptimizer;
  return new Ctor(arg, c.options);
}
const label = (c: Case): string => `${c.optimizer} ${JSON.stringify(c.options)}${c.groups ? ` groups ${JSON.stringify(c.groups)}` : ''}`;

describe.each(['native', 'reference'] as const)('first-order optimizers match PyTorch 1.13 on the %s backend', (backend) => {
  afterAll(() => setBackend('native'));
  it.each(fx.cases.map((c) => [label(c), c] as const))('%s', (_name, c) => {
    setBackend(backend);
    const ps = params();
    const opt = make(c, ps);
    c.trajectory.forEach((step, k) => {
      opt.zeroGrad();
      const loss = mlpLoss(ps);
      (c.negate ? loss.neg() : loss).backward();
      opt.step();
      expect(Math.abs((loss.item() as number) - step.loss)).toBeLessThanOrEqual(1e-5 * Math.abs(step.loss) + 1e-7);
      // float32 over 20 steps: 1e-5 relative, with an absolute floor of 1e-6 for parameters near 0.
      ps.forEach((p, i) => expectClose(p.toFloat32Array(), step.params[i]!, { rtol: 1e-5, atol: 1e-6 }, `${label(c)}: step ${k + 1}, parameter ${i}`));
    });
  });
});
