// nn.grad (PyTorch's torch.nn.grad): the input and weight gradients of a convolution as functions of
// their own, differentiable like every op. The computation lives in ops/conv.ts.

export { conv1dInput, conv1dWeight, conv2dInput, conv2dWeight } from '../ops/conv.js';
