// Adadelta (Zeiler): PyTorch 1.13's update, one fused kernel call per parameter (optimStep 'adadelta').
//   v ← ρ·v + (1−ρ)·g²;  Δ = √(u + eps) / √(v + eps) · g;  u ← ρ·u + (1−ρ)·Δ²;  p ← p − lr·Δ

import { ArgumentError, checkOptions } from '../core/errors.js';
import type { Tensor } from '../tensor.js';
import { fusedStep, stateLike } from './fused.js';
import { Optimizer, checkNonNegative, type ParamGroup, type ParamsArg } from './optimizer.js';

export interface AdadeltaOptions {
  lr: number;
  rho: number;
  eps: number;
  weightDecay: number;
  maximize: boolean;
}

export class Adadelta extends Optimizer<AdadeltaOptions> {
  constructor(params: ParamsArg<AdadeltaOptions>, options: Partial<AdadeltaOptions> = {}) {
    checkOptions('Adadelta', options, ['lr', 'rho', 'eps', 'weightDecay', 'maximize']);
    super('Adadelta', params, { lr: 1.0, rho: 0.9, eps: 1e-6, weightDecay: 0, maximize: false, ...options });
  }

  protected validate(g: ParamGroup<AdadeltaOptions>): void {
    for (const k of ['lr', 'eps', 'weightDecay'] as const) checkNonNegative('Adadelta', k, g[k]);
    if (typeof g.rho !== 'number' || !(g.rho >= 0 && g.rho <= 1)) throw new ArgumentError('Adadelta', 'rho', `must be in [0, 1], got ${String(g.rho)}`);
  }

  protected update(g: ParamGroup<AdadeltaOptions>): void {
    for (const p of g.params) {
      if (p.grad === null) continue;
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.squareAvg = stateLike(p);
        s.accDelta = stateLike(p);
      }
      s.step = (s.step as number) + 1;
      fusedStep('adadelta', p, p.grad, [s.squareAvg as Tensor, s.accDelta as Tensor, null], [g.lr, g.rho, g.eps, g.weightDecay, g.maximize ? 1 : 0, 0, 0, 0, 0, 0]);
    }
  }
}
