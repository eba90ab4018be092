// W4: MLP 784-256-128-10 ReLU, batch 128, softmax cross-entropy, SGD lr 0.1: one full training step.

import { F, manualSeed, nn, optim, rand, randint } from '../src/index.js';
import { table, time } from './lib.js';

export function runW4(): void {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const x = rand(128, 784);
  const y = randint(0, 10, [128]);
  const step = (): void => {
    opt.zeroGrad();
    F.crossEntropy(model.forward(x), y).backward();
    opt.step();
  };
  const t = time(step, 20, 3);
  const flops = 3 * 2 * 128 * (784 * 256 + 256 * 128 + 128 * 10);
  const rss = process.memoryUsage().rss / 2 ** 20;
  table('W4 MLP training step (batch 128)', ['median ms', 'min ms', 'max ms', 'steps/s', 'GFLOPS (3x fwd)', 'RSS MiB'], [
    [t.median, t.min, t.max, 1000 / t.median, flops / t.median / 1e6, rss],
  ]);
}
