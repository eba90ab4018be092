// nn.Linear (y = x·Wᵀ + b, PyTorch's initialisation), nn.Identity, nn.Flatten.

import type { DType } from '../../core/dtype.js';
import { ArgumentError, checkOptions } from '../../core/errors.js';
import type { Tensor } from '../../tensor.js';
import { zeros } from '../../ops/creation.js';
import { linear } from '../../ops/linalg.js';
import { flatten } from '../../ops/layout.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_, type InitOptions } from '../init.js';

export interface LinearOptions extends InitOptions {
  bias?: boolean;
  dtype?: 'float32' | 'float64';
}

export class Linear extends Module {
  weight: Parameter<'float32' | 'float64'>;
  bias: Parameter<'float32' | 'float64'> | null;
  constructor(readonly inFeatures: number, readonly outFeatures: number, options?: LinearOptions) {
    super();
    checkOptions('Linear', options, ['bias', 'dtype', 'generator']);
    for (const [k, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isSafeInteger(v) || v < 0) throw new ArgumentError('Linear', k, `must be a non-negative integer, got ${String(v)}`);
    }
    const dtype: DType = options?.dtype ?? 'float32';
    this.weight = new Parameter(zeros([outFeatures, inFeatures], { dtype })) as Parameter<'float32' | 'float64'>;
    this.bias = options?.bias === false ? null : (new Parameter(zeros([outFeatures], { dtype })) as Parameter<'float32' | 'float64'>);
    this.resetParameters(options);
  }
  /** PyTorch's init: kaimingUniform_(a=√5) for the weight, U(±1/√fanIn) for the bias. */
  resetParameters(options?: InitOptions): void {
    kaimingUniform_(this.weight, { a: Math.sqrt(5), ...(options?.generator ? { generator: options.generator } : {}) });
    if (this.bias) {
      const [fanIn] = calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      uniform_(this.bias, -bound, bound, options);
    }
  }
  forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }
  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}

export class Identity extends Module {
  forward(input: Tensor): Tensor {
    return input;
  }
}

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
