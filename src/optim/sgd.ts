// SGD with momentum, dampening, Nesterov and weight decay: PyTorch's exact update, as one fused
// kernel call per parameter (optimStep 'sgd').
//   g = grad + weightDecay·p;  b = momentum·b + (1 − dampening)·g (b = g on the first step);
//   g = nesterov ? g + momentum·b : b;  p = p − lr·g  (maximize flips the sign).

import { ArgumentError, checkOptions } from '../core/errors.js';
import type { Tensor } from '../tensor.js';
import { fusedStep, stateLike } from './fused.js';
import { Optimizer, checkNonNegative, type ParamGroup, type ParamsArg } from './optimizer.js';

export interface SGDOptions {
  lr: number;
  momentum: number;
  dampening: number;
  weightDecay: number;
  nesterov: boolean;
  maximize: boolean;
}

export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsArg<SGDOptions>, options: Partial<SGDOptions> = {}) {
    checkOptions('SGD', options, ['lr', 'momentum', 'dampening', 'weightDecay', 'nesterov', 'maximize']);
    super('SGD', params, { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...options });
  }

  protected validate(g: ParamGroup<SGDOptions>): void {
    checkNonNegative('SGD', 'lr', g.lr);
    checkNonNegative('SGD', 'momentum', g.momentum);
    checkNonNegative('SGD', 'weightDecay', g.weightDecay);
    if (typeof g.dampening !== 'number' || Number.isNaN(g.dampening)) throw new ArgumentError('SGD', 'dampening', `must be a number, got ${String(g.dampening)}`);
    if (g.nesterov && (g.momentum <= 0 || g.dampening !== 0)) throw new ArgumentError('SGD', 'nesterov', 'requires a momentum and zero dampening');
  }

  protected update(g: ParamGroup<SGDOptions>): void {
    for (const p of g.params) {
      if (p.grad === null) continue;
      let buf: Tensor | null = null;
      let first = 0;
      if (g.momentum !== 0) {
        const s = this.stateOf(p);
        if (s.momentumBuffer === undefined) {
          s.momentumBuffer = stateLike(p);
          first = 1; // PyTorch: the buffer starts as the first (decayed) gradient
        }
        buf = s.momentumBuffer as Tensor;
      }
      fusedStep('sgd', p, p.grad, [buf, null, null], [g.lr, g.momentum, g.dampening, g.weightDecay, g.nesterov ? 1 : 0, g.maximize ? 1 : 0, first, 0, 0, 0]);
    }
  }
}
