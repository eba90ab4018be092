// torch.autograd.functional: the higher-order helpers under the namespace PyTorch users look for.

export { jacobian, hessian, vjp, hvp } from './functional.js';
