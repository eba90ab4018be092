// fitMMD: the generative matching network trainer. A generator (any module mapping noise to samples)
// is fitted by minimising the MMD between a generated batch and a data batch, step after step.
// ref: Li, Swersky & Zemel, "Generative Moment Matching Networks", ICML 2015; Dziugaite, Roy &
// Ghahramani, "Training generative neural networks via Maximum Mean Discrepancy optimization", UAI 2015.

import { ArgumentError, checkOptions } from '../core/errors.js';
import type { Module } from '../nn/module.js';
import { mmdLoss } from '../ops/loss.js';
import { flatten, unsqueeze } from '../ops/layout.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor.js';
import type { History } from './fit.js';
import { GENERATIVE_KEYS, checkModule, checkOptimizer, generate, generativeContext, runGenerative, setupGenerative, type GenerativeFitOptions } from './generative.js';

/** fitMMD's options: the shared ones, the generator's optimizer and the MMD's kernel. */
export interface FitMMDOptions extends GenerativeFitOptions {
  /** The generator's optimizer. */
  optimizer: Optimizer<object>;
  /** Gaussian kernel bandwidths σ (see F.mmdLoss): cover the scales of the data, from its finest detail to its spread. */
  bandwidths: number | readonly number[];
  /** MMD estimator (default 'biased', always ≥ 0; 'unbiased' has no bias from the i = j terms but is noisier). */
  estimator?: 'biased' | 'unbiased';
}

/** Samples as rows (n, features): 1-D batches become one feature, images are flattened. */
function rows(x: Tensor): Tensor {
  return x.ndim === 1 ? unsqueeze(x, 1) : flatten(x, 1);
}

/**
 * Trains `netG` as a generative matching network: every step draws a data batch x and noise z
 * (batchSize rows each), and takes one optimizer step on F.mmdLoss(netG(z), x) (samples flattened
 * to rows). Returns the history of `loss` (the MMD² of the step, or each epoch's mean).
 * @example
 * const netG = new nn.Sequential(new nn.Linear(2, 64), new nn.ReLU(), new nn.Linear(64, 2));
 * const history = train.fitMMD(netG, {
 *   data: points, noiseDim: 2, batchSize: 256, steps: 2000, seed: 0,
 *   optimizer: new optim.Adam(netG.parameters(), { lr: 1e-3 }), bandwidths: [0.05, 0.2, 1],
 * });
 */
export function fitMMD(netG: Module<[Tensor], Tensor>, options: FitMMDOptions): History {
  const op = 'fitMMD';
  checkOptions(op, options, [...GENERATIVE_KEYS, 'optimizer', 'bandwidths', 'estimator']);
  checkModule(op, 'generator', netG);
  const optimizer = checkOptimizer(op, 'optimizer', options.optimizer);
  if (options.bandwidths === undefined) throw new ArgumentError(op, 'bandwidths', 'must be given (Gaussian kernel σ values, e.g. [0.1, 0.5, 2])');
  const mmdOptions = { bandwidths: options.bandwidths, estimator: options.estimator ?? 'biased' } as const;
  const s = setupGenerative(op, options);
  const ctx = generativeContext(s, netG as unknown as Module<never, unknown>, optimizer);
  netG.train(true);
  return runGenerative(op, s, ctx, 1, 'loss', (next, i) => {
    const real = next();
    const z = s.noise(s.batchSize);
    optimizer.zeroGrad();
    const fake = generate(op, netG, z, real);
    const loss = mmdLoss(rows(fake), rows(real), mmdOptions);
    loss.backward();
    s.callbacks.forEach((c) => c.onAfterBackward?.(i, ctx));
    optimizer.step();
    return { loss: loss.item() as number };
  });
}
