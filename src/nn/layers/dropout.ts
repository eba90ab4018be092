// Dropout: F.dropout and nn.Dropout, F.dropout2d and nn.Dropout2d (whole channels). Composites (input ×
// noise, noise = keep-mask/(1 − p)), so the gradient is the same noise and needs no derivative entry. Masks
// come from the global seeded generator, drawn as PyTorch's CPU bernoulli_ draws them (one double per element
// or channel, row-major order).

import { allocArray, isFloat, type DType } from '../../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../../core/errors.js';
import { defaultGenerator } from '../../core/random.js';
import { Tensor } from '../../tensor.js';
import { mul } from '../../ops/elementwise.js';
import { assertTensor, scalarTensor } from '../../ops/helpers.js';
import { Module } from '../module.js';

function checkP(op: string, p: unknown): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ArgumentError(op, 'p', `must be a probability in [0, 1], got ${typeof p === 'number' ? String(p) : typeof p}`);
  }
  return p;
}

/**
 * Randomly zeroes elements of `input` with probability `p` and scales the others by 1/(1 − p), so the
 * expected value is unchanged (PyTorch's `torch.nn.functional.dropout`). With `training = false`, or
 * p = 0, or an empty input, the input itself is returned; p = 1 gives zeros (input × 0, never 0 × inf).
 *
 * The keep-mask uses the global generator (`manualSeed`): element i is kept when its U[0, 1) double is
 * below 1 − p, drawn in row-major order, which gives PyTorch's masks for the same seed on CPU builds
 * without MKL (MKL builds draw bernoulli_ from MKL's own generator). Differentiable: the gradient is
 * mask/(1 − p), the same noise tensor the forward multiplied by.
 *
 * @example
 * manualSeed(0);
 * F.dropout(ones(6), 0.5);           // tensor([0., 0., 2., 0., 0., 0.]): kept values are scaled by 2
 * F.dropout(ones(6), 0.5, false);    // the input itself (evaluation)
 */
export function dropout<D extends DType>(input: Tensor<D>, p = 0.5, training = true): Tensor<D> {
  assertTensor('dropout', 'input', input);
  checkP('dropout', p);
  if (typeof training !== 'boolean') throw new ArgumentError('dropout', 'training', `must be a boolean, got ${typeof training}`);
  if (!isFloat(input.dtype)) {
    throw new DTypeError('dropout', 'input', `must be floating point, got ${input.dtype}; cast it with .float()`, { input: input.shape });
  }
  const n = input.numel();
  if (!training || p === 0 || n === 0) return input;
  // NOTE: as PyTorch, p = 1 multiplies by a zero scalar (no draws): finite inputs give ±0, and a NaN stays NaN.
  if (p === 1) return mul(input as Tensor, scalarTensor(0, input.dtype)) as Tensor<D>;
  const dtype = input.dtype;
  // The kept value rounded as PyTorch computes it: bernoulli_ gives 1, div_(1 − p) in the tensor's dtype.
  const keep = 1 - p;
  const scale = dtype === 'float32' ? Math.fround(1 / Math.fround(keep)) : 1 / keep;
  const data = allocArray(dtype, n);
  defaultGenerator.fillBernoulli(data as Float32Array | Float64Array, keep, scale);
  // NOTE: PyTorch's noise is a contiguous tensor (LEGACY_CONTIGUOUS_MEMORY_FORMAT), filled in row-major
  // order whatever the input's layout (a transposed input gets the mask of a contiguous one).
  const noise = Tensor.fromData(data, input.shape, dtype);
  return mul(input as Tensor, noise) as Tensor<D>;
}

/**
 * During training, zeroes each element with probability `p` and scales the rest by 1/(1 − p)
 * (F.dropout); in eval mode (`module.eval()`) it is the identity. PyTorch's `torch.nn.Dropout`.
 *
 * @example
 * const drop = new nn.Dropout(0.2);
 * drop.call(x);        // training: random zeros, the rest × 1.25
 * drop.eval().call(x); // x itself
 */
export class Dropout extends Module {
  /** Probability of zeroing an element, in [0, 1]. */
  readonly p: number;
  constructor(p = 0.5) {
    super();
    this.p = checkP('Dropout', p);
  }
  forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

/**
 * Zeroes whole channels: each (sample, channel) slice of an (N, C, ...) input is zeroed with probability
 * `p` and the others are scaled by 1/(1 − p) (PyTorch's `F.dropout2d`, i.e. its feature dropout). With
 * `training = false`, p = 0 or an empty input the input itself is returned; p = 1 gives input × 0.
 *
 * The (N, C) keep-mask is drawn from the global generator as F.dropout draws one (one double per channel,
 * row-major), so it is PyTorch's for the same seed on CPU builds without MKL. NOTE: as PyTorch 1.13, a 3-D
 * input is read as (N, C, L) (channel-wise 1-d dropout), not as an unbatched (C, H, W); other ranks >= 2 are
 * accepted too (PyTorch warns about them), and a 1-D input is an error. Differentiable (a composite).
 *
 * @example
 * manualSeed(0);
 * F.dropout2d(ones(2, 3, 4, 4), 0.5);   // every 4x4 map is all 0 or all 2
 */
export function dropout2d<D extends DType>(input: Tensor<D>, p = 0.5, training = true): Tensor<D> {
  assertTensor('dropout2d', 'input', input);
  checkP('dropout2d', p);
  if (typeof training !== 'boolean') throw new ArgumentError('dropout2d', 'training', `must be a boolean, got ${typeof training}`);
  if (!isFloat(input.dtype)) {
    throw new DTypeError('dropout2d', 'input', `must be floating point, got ${input.dtype}; cast it with .float()`, { input: input.shape });
  }
  if (!training || p === 0 || input.numel() === 0) return input;
  if (p === 1) return mul(input as Tensor, scalarTensor(0, input.dtype)) as Tensor<D>;
  if (input.ndim < 2) throw new ShapeError('dropout2d', 'input', `must have at least 2 dims (N, C, ...) for channel dropout, got ${input.ndim}`, { input: input.shape });
  const dtype = input.dtype;
  const keep = 1 - p;
  const scale = dtype === 'float32' ? Math.fround(1 / Math.fround(keep)) : 1 / keep;
  const [N, C] = input.shape as [number, number];
  const data = allocArray(dtype, N * C);
  defaultGenerator.fillBernoulli(data as Float32Array | Float64Array, keep, scale);
  // PyTorch's make_feature_noise: a (N, C, 1, ..., 1) noise broadcast over the feature maps.
  const noise = Tensor.fromData(data, [N, C, ...new Array<number>(input.ndim - 2).fill(1)], dtype);
  return mul(input as Tensor, noise) as Tensor<D>;
}

/**
 * During training, zeroes each channel of an (N, C, H, W) input with probability `p` and scales the rest by
 * 1/(1 − p) (F.dropout2d); in eval mode it is the identity. PyTorch's `torch.nn.Dropout2d`.
 *
 * @example
 * const drop = new nn.Dropout2d(0.1);
 * drop.call(featureMaps);
 */
export class Dropout2d extends Module {
  /** Probability of zeroing a channel, in [0, 1]. */
  readonly p: number;
  constructor(p = 0.5) {
    super();
    this.p = checkP('Dropout2d', p);
  }
  forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, this.training);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
