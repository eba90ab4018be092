// Generative adversarial networks: the discriminator and generator losses of the standard
// (non-saturating or saturating), hinge and Wasserstein GANs, the WGAN-GP gradient penalty (a gradient
// of a gradient), and fitGAN, which alternates discriminator and generator steps with two optimizers.
// ref: Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014; Arjovsky, Chintala & Bottou,
// "Wasserstein GAN", ICML 2017; Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017;
// Lim & Ye, "Geometric GAN", 2017 (hinge loss); Salimans et al., "Improved Techniques for Training GANs",
// NeurIPS 2016 (one-sided label smoothing).

import { ArgumentError, ShapeError, checkOptions } from '../core/errors.js';
import { defaultGenerator, Generator } from '../core/random.js';
import { noGrad } from '../engine.js';
import { grad } from '../autograd/functional.js';
import type { Module } from '../nn/module.js';
import { fullLike, rand, zerosLike } from '../ops/creation.js';
import { add, mul, neg, relu, sqrt, square, sub } from '../ops/elementwise.js';
import { checkInt } from '../ops/helpers.js';
import { detach, reshape } from '../ops/layout.js';
import { binaryCrossEntropyWithLogits } from '../ops/loss.js';
import { mean, sum } from '../ops/reduce.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Tensor } from '../tensor.js';
import type { History } from './fit.js';
import { GENERATIVE_KEYS, checkModule, checkOptimizer, generate, generativeContext, runGenerative, setupGenerative, type GenerativeFitOptions } from './generative.js';

/** The GAN objective: 'standard' (binary cross entropy on logits), 'hinge', or 'wasserstein' (a critic). */
export type GANLoss = 'standard' | 'hinge' | 'wasserstein';

const LOSSES: readonly GANLoss[] = ['standard', 'hinge', 'wasserstein'];

function checkLoss(op: string, loss: unknown): GANLoss {
  const l = loss ?? 'standard';
  if (!LOSSES.includes(l as GANLoss)) throw new ArgumentError(op, 'loss', `must be 'standard', 'hinge' or 'wasserstein', got ${JSON.stringify(loss)}`);
  return l as GANLoss;
}

function checkScores(op: string, arg: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new ArgumentError(op, arg, `must be a Tensor of discriminator outputs, got ${t === null ? 'null' : typeof t}`);
  if (t.dtype !== 'float32' && t.dtype !== 'float64') throw new ArgumentError(op, arg, `must be floating point, got ${t.dtype}`);
  if (t.numel() === 0) throw new ShapeError(op, arg, 'must not be empty', { [arg]: t.shape });
  return t;
}

function checkSmoothing(op: string, loss: GANLoss, s: unknown): number {
  const v = s ?? 0;
  if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ArgumentError(op, 'labelSmoothing', `must be in [0, 1), got ${String(s)}`);
  if (v > 0 && loss !== 'standard') throw new ArgumentError(op, 'labelSmoothing', `applies to the 'standard' loss only (it smooths its real label), not '${loss}'`);
  return v;
}

function checkSaturating(op: string, loss: GANLoss, s: unknown): boolean {
  const v = s ?? false;
  if (typeof v !== 'boolean') throw new ArgumentError(op, 'saturating', `must be a boolean, got ${typeof s}`);
  if (v && loss !== 'standard') throw new ArgumentError(op, 'saturating', `applies to the 'standard' loss only, not '${loss}'`);
  return v;
}

/** Options of discriminatorLoss. */
export interface DiscriminatorLossOptions {
  /** Default 'standard'. */
  loss?: GANLoss;
  /** One-sided label smoothing s ('standard' only): real samples get the target 1 − s. Default 0. */
  labelSmoothing?: number;
}

/**
 * The discriminator's loss from its raw outputs on a real and a fake batch (logits for 'standard',
 * critic values otherwise), each averaged over its batch:
 *   standard:    −mean[(1 − s)·log σ(real) + s·log(1 − σ(real))] − mean log(1 − σ(fake))
 *                (binaryCrossEntropyWithLogits with targets 1 − s and 0)
 *   hinge:       mean relu(1 − real) + mean relu(1 + fake)
 *   wasserstein: mean fake − mean real  (the negated critic objective; add a gradient penalty)
 * @example
 * const dLoss = train.discriminatorLoss(netD.call(real), netD.call(fake.detach()), { labelSmoothing: 0.1 });
 */
export function discriminatorLoss(realScores: Tensor, fakeScores: Tensor, options?: DiscriminatorLossOptions): Tensor {
  const op = 'discriminatorLoss';
  checkOptions(op, options, ['loss', 'labelSmoothing']);
  const real = checkScores(op, 'realScores', realScores);
  const fake = checkScores(op, 'fakeScores', fakeScores);
  const loss = checkLoss(op, options?.loss);
  const s = checkSmoothing(op, loss, options?.labelSmoothing);
  switch (loss) {
    case 'standard':
      return add(binaryCrossEntropyWithLogits(real, fullLike(real, 1 - s)), binaryCrossEntropyWithLogits(fake, zerosLike(fake)));
    case 'hinge':
      return add(mean(relu(sub(1, real))), mean(relu(add(fake, 1))));
    case 'wasserstein':
      return sub(mean(fake), mean(real));
  }
}

/** Options of generatorLoss. */
export interface GeneratorLossOptions {
  /** Default 'standard'. */
  loss?: GANLoss;
  /**
   * 'standard' only: minimise log(1 − D(G(z))) (the minimax game's saturating loss, whose gradient
   * vanishes while D wins) instead of the default non-saturating −log D(G(z)).
   */
  saturating?: boolean;
}

/**
 * The generator's loss from the discriminator's raw outputs on a fake batch, averaged:
 *   standard:    −log σ(fake) = mean softplus(−fake)  (non-saturating, the default);
 *                log(1 − σ(fake)) = −mean softplus(fake) with `saturating`
 *   hinge, wasserstein: −mean fake
 * @example
 * const gLoss = train.generatorLoss(netD.call(netG.call(z)));
 */
export function generatorLoss(fakeScores: Tensor, options?: GeneratorLossOptions): Tensor {
  const op = 'generatorLoss';
  checkOptions(op, options, ['loss', 'saturating']);
  const fake = checkScores(op, 'fakeScores', fakeScores);
  const loss = checkLoss(op, options?.loss);
  const saturating = checkSaturating(op, loss, options?.saturating);
  if (loss !== 'standard') return neg(mean(fake));
  return saturating ? neg(binaryCrossEntropyWithLogits(fake, zerosLike(fake))) : binaryCrossEntropyWithLogits(fake, fullLike(fake, 1));
}

/** A discriminator: a module, or a function of a batch. */
export type Discriminator = Module<[Tensor], Tensor> | ((x: Tensor) => Tensor);

function callD(op: string, d: Discriminator, x: Tensor): Tensor {
  const out = typeof d === 'function' ? d(x) : d.call(x);
  if (!(out instanceof Tensor)) throw new ArgumentError(op, 'discriminator', 'must return a Tensor');
  return out;
}

/** Options of gradientPenalty. */
export interface GradientPenaltyOptions {
  /** Weight λ of the penalty (default 10, the WGAN-GP paper's). */
  lambda?: number;
  /** Where the interpolation coefficients come from (default the global generator). */
  generator?: Generator;
}

/**
 * The WGAN-GP gradient penalty λ·mean_i (‖∇ₓ D(x̂ᵢ)‖₂ − 1)² at random interpolates
 * x̂ᵢ = εᵢ·realᵢ + (1 − εᵢ)·fakeᵢ, εᵢ ~ U[0, 1) (one per sample, drawn as rand([n, 1, ...])). The
 * gradient is taken with createGraph, so the penalty is differentiable in D's parameters: add it to
 * D's loss and backpropagate (gradients of gradients). real and fake are detached first, so the
 * generator gets nothing from it. Assumes D scores each sample on its own (no batch statistics, e.g.
 * no BatchNorm in train mode, as the paper requires).
 * NOTE: the norm is √(‖g‖² + 1e-12): finite gradient where g = 0 (√ has an infinite slope at 0).
 * @example
 * const dLoss = train.discriminatorLoss(netD.call(real), netD.call(fake), { loss: 'wasserstein' })
 *   .add(train.gradientPenalty(netD, real, fake, { lambda: 10 }));
 */
export function gradientPenalty(discriminator: Discriminator, real: Tensor, fake: Tensor, options?: GradientPenaltyOptions): Tensor {
  const op = 'gradientPenalty';
  checkOptions(op, options, ['lambda', 'generator']);
  if (typeof discriminator !== 'function') checkModule(op, 'discriminator', discriminator);
  if (!(real instanceof Tensor) || !(fake instanceof Tensor)) throw new ArgumentError(op, real instanceof Tensor ? 'fake' : 'real', 'must be a Tensor');
  if (real.ndim < 1 || real.shape.length !== fake.shape.length || real.shape.some((d, i) => d !== fake.shape[i])) {
    throw new ShapeError(op, 'fake', 'must have the shape of real, with a batch dimension first', { real: real.shape, fake: fake.shape });
  }
  if (real.dtype !== 'float32' && real.dtype !== 'float64') throw new ArgumentError(op, 'real', `must be floating point, got ${real.dtype}`);
  if (fake.dtype !== real.dtype) throw new ArgumentError(op, 'fake', `must have the dtype of real (${real.dtype}), got ${fake.dtype}`);
  const lambda = options?.lambda ?? 10;
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) throw new ArgumentError(op, 'lambda', `must be a finite number >= 0, got ${String(lambda)}`);
  const gen = options?.generator ?? defaultGenerator;
  if (!(gen instanceof Generator)) throw new ArgumentError(op, 'generator', 'must be a Generator');
  const n = real.shape[0]!;
  const eps = rand([n, ...real.shape.slice(1).map(() => 1)], { generator: gen, dtype: real.dtype });
  const xHat = noGrad(() => add(mul(eps, detach(real)), mul(sub(1, eps), detach(fake)))).requiresGrad_(true);
  const out = callD(op, discriminator, xHat);
  const [g] = grad(sum(out), xHat, { createGraph: true });
  const g2 = sum(square(reshape(g!, [n, -1])), 1);
  const norms = sqrt(add(g2, 1e-12));
  return mul(mean(square(sub(norms, 1))), lambda);
}

/** fitGAN's options: the shared ones, two optimizers, the loss and the schedule of turns. */
export interface FitGANOptions extends GenerativeFitOptions {
  /** The generator's and the discriminator's optimizers. */
  gOptimizer: Optimizer<object>;
  dOptimizer: Optimizer<object>;
  /** Default 'standard'. */
  loss?: GANLoss;
  /** 'standard' only: the saturating generator loss log(1 − D(G(z))) (default false: −log D(G(z))). */
  saturating?: boolean;
  /** Discriminator steps per iteration, each on a fresh real batch (default 1). */
  dSteps?: number;
  /** Generator steps per iteration (default 1). */
  gSteps?: number;
  /** One-sided label smoothing s ('standard' only): D's target for real samples is 1 − s. */
  labelSmoothing?: number;
  /** Add the WGAN-GP gradient penalty to D's loss: λ, or true for λ = 10 (default none). */
  gradientPenalty?: number | boolean;
}

/**
 * Trains a GAN: each iteration takes `dSteps` discriminator steps (a real batch, a generated batch made
 * without gradients, D's loss plus the optional gradient penalty, dOptimizer.step) and then `gSteps`
 * generator steps (D's parameters set not to require gradients meanwhile, so each side only gets
 * gradients on its own turn; gOptimizer.step). The progress display shows both losses; the history
 * holds `dLoss` (including the penalty), `gLoss` and, with a penalty, `gp`, per step or per epoch
 * (an epoch is ⌊batches / dSteps⌋ iterations).
 * @example
 * const history = train.fitGAN(netG, netD, {
 *   data: points, noiseDim: 2, batchSize: 128, steps: 3000, seed: 0,
 *   gOptimizer: new optim.Adam(netG.parameters(), { lr: 1e-3, betas: [0.5, 0.999] }),
 *   dOptimizer: new optim.Adam(netD.parameters(), { lr: 1e-3, betas: [0.5, 0.999] }),
 * });
 * history.values.dLoss; history.values.gLoss;
 */
export function fitGAN(netG: Module<[Tensor], Tensor>, netD: Module<[Tensor], Tensor>, options: FitGANOptions): History {
  const op = 'fitGAN';
  checkOptions(op, options, [...GENERATIVE_KEYS, 'gOptimizer', 'dOptimizer', 'loss', 'saturating', 'dSteps', 'gSteps', 'labelSmoothing', 'gradientPenalty']);
  checkModule(op, 'generator', netG);
  checkModule(op, 'discriminator', netD);
  const gOpt = checkOptimizer(op, 'gOptimizer', options.gOptimizer);
  const dOpt = checkOptimizer(op, 'dOptimizer', options.dOptimizer);
  const loss = checkLoss(op, options.loss);
  const saturating = checkSaturating(op, loss, options.saturating);
  const labelSmoothing = checkSmoothing(op, loss, options.labelSmoothing);
  const dSteps = checkInt(op, 'dSteps', options.dSteps ?? 1, 1);
  const gSteps = checkInt(op, 'gSteps', options.gSteps ?? 1, 1);
  const gpOpt = options.gradientPenalty ?? false;
  const lambda = gpOpt === true ? 10 : gpOpt === false ? 0 : gpOpt;
  if (typeof lambda !== 'number' || !(lambda >= 0) || !Number.isFinite(lambda)) throw new ArgumentError(op, 'gradientPenalty', `must be a boolean or a finite λ >= 0, got ${String(gpOpt)}`);
  const s = setupGenerative(op, options);
  const ctx = generativeContext(s, netG as unknown as Module<never, unknown>, gOpt, { discriminator: netD as unknown as Module<never, unknown>, dOptimizer: dOpt });
  netG.train(true);
  netD.train(true);
  const dParams = netD.parameters();
  return runGenerative(op, s, ctx, dSteps, 'gLoss', (next, i) => {
    let dSum = 0;
    let gpSum = 0;
    let like: Tensor | null = null;
    for (let k = 0; k < dSteps; k++) {
      const real = next();
      like = real;
      const z = s.noise(s.batchSize);
      // NOTE: made without a graph (a detached fake): D's step must not reach G's parameters.
      const fake = noGrad(() => generate(op, netG, z, real));
      dOpt.zeroGrad();
      let dLoss = discriminatorLoss(callD(op, netD, real), callD(op, netD, fake), { loss, labelSmoothing });
      if (lambda > 0) {
        const gp = gradientPenalty(netD, real, fake, { lambda, generator: s.rng });
        gpSum += gp.item() as number;
        dLoss = add(dLoss, gp);
      }
      dLoss.backward();
      dOpt.step();
      dSum += dLoss.item() as number;
    }
    let gSum = 0;
    const flags = dParams.map((p) => p.requiresGrad);
    for (const p of dParams) p.requiresGrad = false;
    try {
      for (let k = 0; k < gSteps; k++) {
        const z = s.noise(s.batchSize);
        gOpt.zeroGrad();
        const fake = generate(op, netG, z, like!);
        const gLoss = generatorLoss(callD(op, netD, fake), { loss, saturating });
        gLoss.backward();
        s.callbacks.forEach((c) => c.onAfterBackward?.(i, ctx));
        gOpt.step();
        gSum += gLoss.item() as number;
      }
    } finally {
      dParams.forEach((p, j) => {
        p.requiresGrad = flags[j]!;
      });
    }
    const logs: Record<string, number> = { dLoss: dSum / dSteps, gLoss: gSum / gSteps };
    if (lambda > 0) logs.gp = gpSum / dSteps;
    return logs;
  });
}
