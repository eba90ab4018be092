// In-place ops (trailing underscore, as PyTorch): used by optimizers and init under noGrad. Each computes
// its value, refuses a dtype that would not fit (PyTorch's "result type can't be cast" rule), writes
// into the tensor's memory (views included) and bumps the storage version so stale graphs notice.

import { category, isFloat, type DType } from '../core/dtype.js';
import { ArgumentError, DTypeError } from '../core/errors.js';
import { defaultGenerator, type Generator } from '../core/random.js';
import { noGrad } from '../engine.js';
import { Tensor } from '../tensor.js';
import { add, clamp, div, mul, sub } from './elementwise.js';
import { assertTensor, checkFinite, resultType, scalarTensor, type TensorLike } from './helpers.js';
import { assertInplaceAllowed, writeInto } from './layout.js';

function fits(op: string, self: Tensor, value: DType): void {
  if (category(value) > category(self.dtype)) {
    throw new DTypeError(op, 'self', `has dtype ${self.dtype}, which cannot hold the ${value} result`);
  }
}

function binaryInplace<D extends DType>(op: string, self: Tensor<D>, other: TensorLike, f: (a: Tensor, b: TensorLike) => Tensor): Tensor<D> {
  assertTensor(op, 'self', self);
  assertInplaceAllowed(op, self);
  fits(op, self, op === 'div_' ? 'float32' : resultType(op, [self, other]));
  const value = noGrad(() => f(self, other));
  writeInto(op, self, value);
  return self;
}

export const add_ = <D extends DType>(self: Tensor<D>, other: TensorLike, options?: { alpha?: number }): Tensor<D> =>
  binaryInplace('add_', self, other, (a, b) => add(a, b, options ?? {}));
export const sub_ = <D extends DType>(self: Tensor<D>, other: TensorLike, options?: { alpha?: number }): Tensor<D> =>
  binaryInplace('sub_', self, other, (a, b) => sub(a, b, options ?? {}));
export const mul_ = <D extends DType>(self: Tensor<D>, other: TensorLike): Tensor<D> => binaryInplace('mul_', self, other, mul);
export const div_ = <D extends DType>(self: Tensor<D>, other: TensorLike): Tensor<D> => binaryInplace('div_', self, other, div);

export function clamp_<D extends DType>(self: Tensor<D>, min?: number | null, max?: number | null): Tensor<D> {
  assertTensor('clamp_', 'self', self);
  assertInplaceAllowed('clamp_', self);
  writeInto('clamp_', self, noGrad(() => clamp(self, min, max)));
  return self;
}

/** Copies `src` (broadcast, cast) into self. */
export function copy_<D extends DType>(self: Tensor<D>, src: Tensor): Tensor<D> {
  assertTensor('copy_', 'self', self);
  assertTensor('copy_', 'src', src);
  writeInto('copy_', self, src);
  return self;
}

export function fill_<D extends DType>(self: Tensor<D>, value: number | boolean): Tensor<D> {
  assertTensor('fill_', 'self', self);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new DTypeError('fill_', 'value', `must be a number or boolean, got ${typeof value}`);
  writeInto('fill_', self, scalarTensor(value, self.dtype));
  return self;
}

export const zero_ = <D extends DType>(self: Tensor<D>): Tensor<D> => fill_(self, 0);

function randomFill<D extends DType>(op: string, self: Tensor<D>, fill: (a: Float32Array | Float64Array) => void): Tensor<D> {
  assertTensor(op, 'self', self);
  if (!isFloat(self.dtype)) throw new DTypeError(op, 'self', `must be floating point, got ${self.dtype}`);
  assertInplaceAllowed(op, self);
  if (self.isContiguous()) {
    fill(self.storage.data.subarray(self.offset, self.offset + self.numel()) as Float32Array);
    self.storage.version++;
  } else {
    const tmp = Tensor.zeros(self.shape, self.dtype);
    fill(tmp.storage.data as Float32Array);
    writeInto(op, self, tmp);
  }
  return self;
}

/** Fills with U(from, to) (PyTorch's uniform_, same values for the same seed). */
export function uniform_<D extends DType>(self: Tensor<D>, from = 0, to = 1, options?: { generator?: Generator }): Tensor<D> {
  checkFinite('uniform_', 'from', from);
  checkFinite('uniform_', 'to', to);
  if (from > to) throw new ArgumentError('uniform_', 'from', `must be <= to, got from=${from}, to=${to}`);
  const g = options?.generator ?? defaultGenerator;
  return randomFill('uniform_', self, (a) => g.fillUniform(a, from, to));
}

/** Fills with N(mean, std²). */
export function normal_<D extends DType>(self: Tensor<D>, mean = 0, std = 1, options?: { generator?: Generator }): Tensor<D> {
  checkFinite('normal_', 'mean', mean);
  checkFinite('normal_', 'std', std);
  if (std < 0) throw new ArgumentError('normal_', 'std', `must be non-negative, got ${std}`);
  const g = options?.generator ?? defaultGenerator;
  return randomFill('normal_', self, (a) => g.fillNormal(a, mean, std));
}
