// nodegrad's public API. Importing it wires the layers together once: Tensor methods from ops/ and
// autograd/ are attached here, so lower layers never import upward.

// NOTE: the bare import keeps ops/methods.js (and its Tensor method declarations) in dist/index.d.ts;
// a value-only import would be elided from the declarations and consumers would lose x.add(...).
import './ops/methods.js';
import { installTensorMethods } from './ops/methods.js';
import { installAutogradMethods } from './autograd/index.js';

installTensorMethods();
installAutogradMethods();

export { Tensor, Storage, type GradNode, type Nested } from './tensor.js';
export type { DType, FloatDType, TypedArrayFor, ScalarFor } from './core/dtype.js';
export {
  NodegradError, ShapeError, DTypeError, ArgumentError, IndexError, AutogradError, NotImplementedError, BackendError,
} from './core/errors.js';
export { Generator, manualSeed, defaultGenerator } from './core/random.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './engine.js';
export { setBackend, getBackend, nativeInfo, setNumThreads, getNumThreads, type BackendName } from './backend/backend.js';

export {
  tensor, zeros, ones, full, zerosLike, onesLike, fullLike, arange, linspace, eye, rand, randn, randint, randperm,
  type CreateOptions, type RandomOptions, type NestedArray,
} from './ops/creation.js';
export {
  neg, abs, sign, exp, log, log1p, sqrt, rsqrt, sin, cos, tanh, sigmoid, relu, erf, leakyRelu, elu, softplus, gelu,
  clamp, heaviside, step, add, sub, mul, div, pow, maximum, minimum, square, reciprocal,
  eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, logicalNot, where,
} from './ops/elementwise.js';
export {
  sum, mean, amax, amin, max, min, argmax, argmin, variance as var, std, logsumexp, softmax, logSoftmax,
  type ReduceOptions, type VarOptions, type ValuesIndices,
} from './ops/reduce.js';
export { matmul, mm, bmm, linear, type MatmulOptions } from './ops/linalg.js';
export {
  reshape, flatten, permute, transpose, t, squeeze, unsqueeze, expand, narrow, select, index, slice, cat, stack,
  split, chunk, contiguous, clone, detach, cast, type IndexItem, type Slice,
} from './ops/layout.js';
export { gather, scatterAdd, indexSelect } from './ops/indexing.js';

export * as F from './nn/functional.js';
export * as nn from './nn/index.js';
export * as optim from './optim/index.js';
export * as autograd from './autograd/index.js';
export * as data from './data/index.js';
export * as train from './train/index.js';
export * as io from './io/index.js';
export * as explore from './explore/index.js';
export * as plot from './plot/index.js';
export * as models from './models/index.js';
export * as text from './text/index.js';
