// SGD with momentum, dampening, Nesterov and weight decay: PyTorch's exact update.
//   g = grad + weightDecay·p;  b = momentum·b + (1 − dampening)·g (b = g on the first step);
//   g = nesterov ? g + momentum·b : b;  p = p − lr·g  (maximize flips the sign).

import { ArgumentError, checkOptions } from '../core/errors.js';
import type { Tensor } from '../tensor.js';
import { add, mul } from '../ops/elementwise.js';
import { clone } from '../ops/layout.js';
import { add_, mul_ } from '../ops/inplace.js';
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
      let d: Tensor = g.maximize ? mul(p.grad, -1) : p.grad;
      if (g.weightDecay !== 0) d = add(d, mul(p, g.weightDecay));
      if (g.momentum !== 0) {
        const s = this.stateOf(p);
        let buf = s.momentumBuffer as Tensor | undefined;
        if (buf === undefined) {
          buf = clone(d);
          s.momentumBuffer = buf;
        } else {
          mul_(buf, g.momentum);
          add_(buf, d, { alpha: 1 - g.dampening });
        }
        d = g.nesterov ? add(d, mul(buf, g.momentum)) : buf;
      }
      add_(p, d, { alpha: -g.lr });
    }
  }
}
