// Adagrad: PyTorch 1.13's update, one fused kernel call per parameter (optimStep 'adagrad').
//   clr = lr / (1 + (t−1)·lrDecay);  sum ← sum + g²;  p ← p − clr · g / (√sum + eps)
// The sum starts at initialAccumulatorValue (state made for every parameter at construction, as PyTorch).
// NOTE: as PyTorch 1.13 (adagrad.py __init__ fills every sum from the constructor argument), the start value
// is the constructor's initialAccumulatorValue for every group: a group's own value is kept in the group
// but does not change its sums, so ported code gives PyTorch's numbers.

import { checkOptions } from '../core/errors.js';
import type { Tensor } from '../tensor.js';
import { fusedStep, stateLike } from './fused.js';
import { Optimizer, checkNonNegative, type ParamGroup, type ParamsArg, type StateValue } from './optimizer.js';

export interface AdagradOptions {
  lr: number;
  lrDecay: number;
  weightDecay: number;
  initialAccumulatorValue: number;
  eps: number;
  maximize: boolean;
}

/**
 * Adagrad (Duchi et al.), PyTorch's torch.optim.Adagrad. The accumulators of all parameters start at the
 * constructor's `initialAccumulatorValue` (PyTorch 1.13 ignores a group's own value there, and so do we).
 */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsArg<AdagradOptions>, options: Partial<AdagradOptions> = {}) {
    checkOptions('Adagrad', options, ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps', 'maximize']);
    super('Adagrad', params, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...options });
  }

  protected validate(g: ParamGroup<AdagradOptions>): void {
    for (const k of ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'] as const) checkNonNegative('Adagrad', k, g[k]);
  }

  private ensureState(p: Tensor): Record<string, StateValue> {
    const s = this.stateOf(p);
    if (s.step === undefined) {
      s.step = 0;
      s.sum = stateLike(p, this.defaults.initialAccumulatorValue);
    }
    return s;
  }

  override addParamGroup(group: Partial<AdagradOptions> & { params: Iterable<Tensor> }): void {
    super.addParamGroup(group);
    const g = this.paramGroups[this.paramGroups.length - 1]!;
    for (const p of g.params) this.ensureState(p);
  }

  protected update(g: ParamGroup<AdagradOptions>): void {
    for (const p of g.params) {
      if (p.grad === null) continue;
      const s = this.ensureState(p);
      const t = (s.step as number) + 1;
      s.step = t;
      const clr = g.lr / (1 + (t - 1) * g.lrDecay);
      fusedStep('adagrad', p, p.grad, [s.sum as Tensor, null, null], [clr, g.weightDecay, g.eps, g.maximize ? 1 : 0, 0, 0, 0, 0, 0, 0]);
    }
  }
}
