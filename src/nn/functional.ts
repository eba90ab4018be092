// F: the functional interface (PyTorch's torch.nn.functional): activations, softmax family, linear
// and losses, dropout, convolutions, pooling and normalisation, embedding, all differentiable.

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
export {
  maxPool1d, maxPool2d, avgPool1d, avgPool2d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d,
  type MaxPool1dOptions, type MaxPool2dOptions, type AvgPool1dOptions, type AvgPool2dOptions, type AdaptiveMaxPoolOptions,
  type Size1, type Size2, type OutputSize1, type OutputSize2,
} from '../ops/pool.js';
export { batchNorm, layerNorm, groupNorm, type BatchNormOptions, type LayerNormOptions, type GroupNormOptions } from '../ops/norm.js';
export { dropout2d } from './layers/dropout.js';
export { embedding, oneHot, type EmbeddingOptions } from '../ops/embedding.js';
export { lstm, gru, rnn } from './layers/rnn.js';
export type { RnnOptions, RnnLengths } from '../ops/rnn.js';
