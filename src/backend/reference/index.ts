// The reference backend: every kernel of the contract, in plain TypeScript. The mapped type makes a
// missing kernel a compile error. Never the fast path; always the oracle.

import type { Kernels } from '../../kernels/spec.js';
import { copy, unary, binary, where } from './elementwise.js';
import { reduce, argReduce, softmax } from './reduce.js';
import { gemm } from './linalg.js';
import { gather, scatterAdd } from './indexing.js';
import { optimStep } from './optim.js';
import { conv2d, conv2dBackwardInput, conv2dBackwardWeight } from './conv.js';
import { rnnForward, rnnBackward } from './rnn.js';
import { maxPool, avgPool, maxPoolBackward, avgPoolBackward } from './pool.js';
import { batchNormStats, batchNormApply, batchNormBackward, layerNorm, layerNormBackward } from './norm.js';

export const referenceKernels: Kernels = { copy, unary, binary, where, reduce, argReduce, softmax, gemm, gather, scatterAdd, optimStep,
  conv2d, conv2dBackwardInput, conv2dBackwardWeight,
  maxPool, avgPool, maxPoolBackward, avgPoolBackward, batchNormStats, batchNormApply, batchNormBackward, layerNorm, layerNormBackward,
  rnnForward, rnnBackward,
};
