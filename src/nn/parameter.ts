// nn.Parameter: a leaf tensor that a Module registers as trainable (requiresGrad by default).

import type { DType } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';
import { Tensor } from '../tensor.js';

export class Parameter<D extends DType = 'float32'> extends Tensor<D> {
  /** Wraps `data`'s storage (no copy) as a trainable leaf. */
  constructor(data: Tensor<D>, requiresGrad = true) {
    if (!(data instanceof Tensor)) throw new DTypeError('Parameter', 'data', 'must be a Tensor');
    super(data.storage, data.shape, data.strides, data.offset, data.dtype);
    if (requiresGrad) this.requiresGrad = true;
  }
}
