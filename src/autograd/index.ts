// The autograd namespace (backward, grad, functional API, gradcheck, anomaly mode) and the
// Tensor.backward method (attached here, not in tensor.ts).

import { Tensor } from '../tensor.js';
import { backward, type BackwardOptions } from './functional.js';

export { backward, grad, jacobian, hessian, vjp, hvp, type BackwardOptions, type GradOptions, type JacobianOptions } from './functional.js';
export { gradcheck, gradgradcheck, GradcheckError, type GradcheckOptions } from './gradcheck.js';
export { AnomalyError, detectAnomaly, isAnomalyEnabled, setDetectAnomaly, type NonFiniteElement, type NonFiniteInput } from './anomaly.js';
/** PyTorch's torch.autograd.functional namespace. */
export * as functional from './functional_api.js';

declare module '../tensor.js' {
  interface Tensor<D extends DType = DType> {
    /** Accumulates gradients of this tensor into the leaves' `.grad` (a gradient is needed unless scalar). */
    backward(gradient?: Tensor | null, options?: BackwardOptions): void;
  }
}
import type { DType } from '../core/dtype.js';

export function installAutogradMethods(): void {
  Object.defineProperty(Tensor.prototype, 'backward', {
    value(this: Tensor, gradient?: Tensor | null, options?: BackwardOptions): void {
      backward(this, gradient ?? null, options);
    },
    writable: true,
    configurable: true,
    enumerable: false,
  });
}
