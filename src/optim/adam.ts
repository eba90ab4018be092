// Adam (with AMSGrad) and AdamW: PyTorch 1.13's update, one fused kernel call per parameter
// (optimStep 'adam'). Adam adds weightDecay·p to the gradient; AdamW decays the parameter itself
// (p ← p·(1 − lr·weightDecay)) before the Adam step. Bias corrections use the per-parameter step count.
//   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  v̂ = amsgrad ? max(v̂, v) : v
//   p ← p − lr/(1−β1^t) · m / (√v̂ / √(1−β2^t) + eps)

import { ArgumentError, checkOptions } from '../core/errors.js';
import type { Tensor } from '../tensor.js';
import { fusedStep, stateLike } from './fused.js';
import { Optimizer, checkNonNegative, type ParamGroup, type ParamsArg } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  amsgrad: boolean;
  maximize: boolean;
}

const KEYS = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad', 'maximize'];

abstract class AdamBase extends Optimizer<AdamOptions> {
  protected abstract readonly decoupled: boolean;

  protected validate(g: ParamGroup<AdamOptions>): void {
    checkNonNegative(this.name, 'lr', g.lr);
    checkNonNegative(this.name, 'eps', g.eps);
    checkNonNegative(this.name, 'weightDecay', g.weightDecay);
    const b = g.betas as unknown;
    if (!Array.isArray(b) || b.length !== 2) throw new ArgumentError(this.name, 'betas', `must be a pair [beta1, beta2], got ${String(b)}`);
    b.forEach((v: unknown, i) => {
      if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ArgumentError(this.name, 'betas', `[${i}] must be in [0, 1), got ${String(v)}`);
    });
  }

  protected update(g: ParamGroup<AdamOptions>): void {
    const [b1, b2] = g.betas;
    for (const p of g.params) {
      if (p.grad === null) continue;
      const s = this.stateOf(p);
      if (s.step === undefined) {
        s.step = 0;
        s.expAvg = stateLike(p);
        s.expAvgSq = stateLike(p);
        if (g.amsgrad) s.maxExpAvgSq = stateLike(p);
      }
      if (g.amsgrad && s.maxExpAvgSq === undefined) s.maxExpAvgSq = stateLike(p);
      const t = (s.step as number) + 1;
      s.step = t;
      const stepSize = g.lr / (1 - b1 ** t);
      const bc2Sqrt = Math.sqrt(1 - b2 ** t);
      fusedStep('adam', p, p.grad, [s.expAvg as Tensor, s.expAvgSq as Tensor, (s.maxExpAvgSq as Tensor | undefined) ?? null], [
        g.lr, b1, b2, g.eps, g.weightDecay, g.amsgrad ? 1 : 0, g.maximize ? 1 : 0, stepSize, bc2Sqrt, this.decoupled ? 1 : 0,
      ]);
    }
  }
}

/** Adam (Kingma & Ba), PyTorch's torch.optim.Adam. */
export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    checkOptions('Adam', options, KEYS);
    super('Adam', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...options });
  }
}

/** AdamW (Loshchilov & Hutter): decoupled weight decay, PyTorch's torch.optim.AdamW (weightDecay 0.01). */
export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: ParamsArg<AdamOptions>, options: Partial<AdamOptions> = {}) {
    checkOptions('AdamW', options, KEYS);
    super('AdamW', params, { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...options });
  }
}
