// Activation modules: thin wrappers over the functional ops, with PyTorch's constructor arguments.

import type { Tensor } from '../../tensor.js';
import * as E from '../../ops/elementwise.js';
import * as R from '../../ops/reduce.js';
import { Module } from '../module.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor { return E.relu(x); }
}
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return E.sigmoid(x); }
}
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return E.tanh(x); }
}
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  forward(x: Tensor): Tensor { return E.leakyRelu(x, this.negativeSlope); }
  override extraRepr(): string { return `negativeSlope=${this.negativeSlope}`; }
}
export class ELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  forward(x: Tensor): Tensor { return E.elu(x, this.alpha); }
  override extraRepr(): string { return `alpha=${this.alpha}`; }
}
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  forward(x: Tensor): Tensor { return E.softplus(x, this.beta, this.threshold); }
  override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
}
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  forward(x: Tensor): Tensor { return E.gelu(x, this.approximate); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}
/** Heaviside step unit (the perceptron's activation); not differentiable. */
export class Step extends Module {
  constructor(readonly valueAtZero = 0) { super(); }
  forward(x: Tensor): Tensor { return E.step(x, this.valueAtZero); }
}
export class Softmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return R.softmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
export class LogSoftmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return R.logSoftmax(x, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
