// The nn namespace: Module, Parameter, layers, loss modules, init, utils.

export { Module, type LoadResult } from './module.js';
export { Parameter } from './parameter.js';
export { Linear, Identity, Flatten, type LinearOptions } from './layers/linear.js';
export { ReLU, Sigmoid, Tanh, LeakyReLU, ELU, Softplus, GELU, Step, Softmax, LogSoftmax } from './layers/activation.js';
export { Sequential, ModuleList } from './layers/containers.js';
export { Dropout } from './layers/dropout.js';
export { MSELoss, L1Loss, SmoothL1Loss, HuberLoss, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, NLLLoss, KLDivLoss } from './layers/loss.js';
export * as init from './init.js';
/** PyTorch's torch.nn.utils: gradient clipping, weight penalties, parameters ↔ vector. */
export * as utils from './utils.js';
export {
  Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type ConvModuleOptions, type ConvTransposeModuleOptions, type PaddingMode,
} from './layers/conv.js';
/** PyTorch's torch.nn.grad: convolution gradients as functions. */
export * as grad from './grad.js';
export { Dropout2d } from './layers/dropout.js';
export {
  MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, type PoolResult,
} from './layers/pool.js';
export {
  BatchNormBase, BatchNorm1d, BatchNorm2d, LayerNorm, GroupNorm,
  type BatchNormModuleOptions, type LayerNormModuleOptions, type GroupNormModuleOptions,
} from './layers/norm.js';
export { Embedding, type EmbeddingModuleOptions, type FromPretrainedOptions } from './layers/embedding.js';
export {
  RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, RNNBase,
  type RnnModuleOptions, type RNNOptions, type RnnForwardOptions, type RnnCellOptions,
} from './layers/rnn.js';
