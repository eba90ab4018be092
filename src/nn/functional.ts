// F: the functional interface (PyTorch's torch.nn.functional): activations, softmax family, linear
// and losses, dropout, convolutions, all differentiable.

export { relu, leakyRelu, elu, softplus, gelu, sigmoid, tanh, step, heaviside } from '../ops/elementwise.js';
export { softmax, logSoftmax, logsumexp } from '../ops/reduce.js';
export { linear } from '../ops/linalg.js';
export {
  mseLoss, l1Loss, smoothL1Loss, huberLoss, binaryCrossEntropy, binaryCrossEntropyWithLogits,
  crossEntropy, nllLoss, klDiv, type Reduction, type CrossEntropyOptions, type NllOptions,
} from '../ops/loss.js';
export { dropout } from './layers/dropout.js';
export { mmdLoss, type MMDLossOptions } from '../ops/loss.js';
export {
  conv1d, conv2d, convTranspose1d, convTranspose2d, type ConvOptions, type ConvTransposeOptions, type ConvSize,
} from '../ops/conv.js';
