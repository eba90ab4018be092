// RMSprop (Hinton), with PyTorch's centered variant and momentum: PyTorch 1.13's update, one fused kernel
// call per parameter (optimStep 'rmsprop').
//   v ← α·v + (1−α)·g²;  centered: ḡ ← α·ḡ + (1−α)·g, avg = √(v − ḡ²) + eps, else avg = √v + eps
//   momentum > 0: b ← μ·b + g/avg, p ← p − lr·b;  else p ← p − lr·g/avg

import { checkOptions } from '../core/errors.js';
import type { Tensor } from '../tensor.js';
import { fusedStep, stateLike } from './fused.js';
import { Optimizer, checkNonNegative, type ParamGroup, type ParamsArg } from './optimizer.js';

export interface RMSpropOptions {
  lr: number;
  alpha: number;
  eps: number;
  weightDecay: number;
  momentum: number;
  centered: boolean;
  maximize: boolean;
}

export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsArg<RMSpropOptions>, options: Partial<RMSpropOptions> = {}) {
    checkOptions('RMSprop', options, ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered', 'maximize']);
    super('RMSprop', params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options });
  }

  protected validate(g: ParamGroup<RMSpropOptions>): void {
    for (const k of ['lr', 'alpha', 'eps', 'weightDecay', 'momentum'] as const) checkNonNegative('RMSprop', k, g[k]);
  }

  protected update(g: ParamGroup<RMSpropOptions>): void {
    for (const p of g.params) {
      if (p.grad === null) continue;
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.squareAvg = stateLike(p);
      }
      if (g.momentum > 0 && s.momentumBuffer === undefined) s.momentumBuffer = stateLike(p);
      if (g.centered && s.gradAvg === undefined) s.gradAvg = stateLike(p);
      s.step = (s.step as number) + 1;
      const opt = (k: string): Tensor | null => (s[k] as Tensor | undefined) ?? null;
      fusedStep('rmsprop', p, p.grad, [s.squareAvg as Tensor, g.momentum > 0 ? opt('momentumBuffer') : null, g.centered ? opt('gradAvg') : null], [
        g.lr, g.alpha, g.eps, g.weightDecay, g.momentum, g.centered ? 1 : 0, g.maximize ? 1 : 0, 0, 0, 0,
      ]);
    }
  }
}
