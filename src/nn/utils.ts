// nn.utils: gradient clipping (PyTorch 1.13's clip_grad_norm_ / clip_grad_value_), weight penalties
// to add to a loss, and flattening parameters to one vector and back. Clipping edits `.grad` in place
// and records nothing; the penalties are differentiable scalars built from ops.

import { isFloat, promoteTypes, type FloatDType } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError } from '../core/errors.js';
import { noGrad } from '../engine.js';
import { Tensor } from '../tensor.js';
import { zeros } from '../ops/creation.js';
import { abs, add, mul } from '../ops/elementwise.js';
import { scalarTensor } from '../ops/helpers.js';
import { clamp_, copy_, mul_ } from '../ops/inplace.js';
import { cat, detach, narrow, reshape } from '../ops/layout.js';
import { sum } from '../ops/reduce.js';

/** A tensor of any dtype (a union, so that e.g. a float64 nn.Parameter is accepted too). */
export type AnyTensor = Tensor | Tensor<'float32'> | Tensor<'float64'> | Tensor<'int32'> | Tensor<'bool'>;
/** One tensor, or any iterable of tensors (an array, `module.parameters()`, a generator). */
export type TensorOrTensors = AnyTensor | Iterable<AnyTensor>;

function tensorList(op: string, parameters: unknown): Tensor[] {
  if (parameters instanceof Tensor) return [parameters];
  const iterable = parameters !== null && typeof parameters === 'object' && typeof (parameters as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
  if (!iterable) {
    const got = parameters === null ? 'null' : typeof parameters;
    throw new ArgumentError(op, 'parameters', `must be a Tensor or an iterable of Tensors, got ${got}`);
  }
  const list = Array.from(parameters as Iterable<unknown>);
  list.forEach((p, i) => {
    if (!(p instanceof Tensor)) {
      throw new ArgumentError(op, `parameters[${i}]`, `must be a Tensor, got ${p === null ? 'null' : Array.isArray(p) ? 'an array' : typeof p}`);
    }
  });
  return list as Tensor[];
}

function floatList(op: string, parameters: unknown): Tensor[] {
  const list = tensorList(op, parameters);
  list.forEach((p, i) => {
    if (!isFloat(p.dtype)) throw new DTypeError(op, `parameters[${i}]`, `must be floating point, got ${p.dtype}`, { [`parameters[${i}]`]: p.shape });
  });
  return list;
}

/** The p-norm of `values` in double, with torch.linalg.vector_norm's cases (0: non-zero count, ±inf: max/min |x|). */
function vectorNorm(values: ArrayLike<number>, p: number): number {
  const n = values.length;
  let acc = 0;
  if (p === Infinity || p === -Infinity) {
    if (n === 0) return 0;
    acc = Math.abs(values[0]!);
    for (let i = 1; i < n; i++) acc = p > 0 ? Math.max(acc, Math.abs(values[i]!)) : Math.min(acc, Math.abs(values[i]!));
    return acc;
  }
  // NOTE: a NaN counts as non-zero, as in PyTorch (x != 0).
  if (p === 0) {
    for (let i = 0; i < n; i++) if (values[i] !== 0) acc++;
    return acc;
  }
  if (p === 1) {
    for (let i = 0; i < n; i++) acc += Math.abs(values[i]!);
    return acc;
  }
  if (p === 2) {
    for (let i = 0; i < n; i++) acc += values[i]! * values[i]!;
    return Math.sqrt(acc);
  }
  for (let i = 0; i < n; i++) acc += Math.abs(values[i]!) ** p;
  return acc ** (1 / p);
}

const roundTo = (dtype: FloatDType, v: number): number => (dtype === 'float32' ? Math.fround(v) : v);

/**
 * Rescales the gradients of `parameters` in place so that their total `normType`-norm is at most
 * `maxNorm`, and returns that total norm (before clipping) as a 0-d tensor. PyTorch 1.13's
 * `torch.nn.utils.clip_grad_norm_`, exactly:
 *
 * - the total norm is the norm of the per-parameter gradient norms (the norm of all gradients
 *   concatenated, for p ≥ 1); `normType` may be any p, `Infinity` (largest |g|), `-Infinity`, or 0
 *   (PyTorch's non-zero count, applied at both levels);
 * - every gradient is multiplied by min(maxNorm / (total + 1e-6), 1), rounded in the gradients' dtype as
 *   PyTorch does; parameters whose `.grad` is null are skipped; with no gradients at all the result is 0;
 * - a NaN or infinite total norm throws an ArgumentError if `errorIfNonfinite`, else the gradients are
 *   scaled anyway (an infinite norm zeroes the finite entries and turns ±inf into NaN; a NaN norm makes
 *   every entry NaN), as in PyTorch.
 *
 * Call it between `loss.backward()` and `optimizer.step()`. Stricter than PyTorch: a NaN or negative
 * `maxNorm` and a NaN `normType` are refused (ArgumentError).
 *
 * @example
 * loss.backward();
 * const total = nn.utils.clipGradNorm_(model.parameters(), 1.0);   // L2 norm before clipping
 * nn.utils.clipGradNorm_(model.parameters(), 0.5, Infinity);       // cap the largest |grad|
 * optimizer.step();
 */
export function clipGradNorm_(parameters: TensorOrTensors, maxNorm: number, normType = 2, errorIfNonfinite = false): Tensor {
  const op = 'clipGradNorm';
  const params = tensorList(op, parameters);
  if (typeof maxNorm !== 'number' || !(maxNorm >= 0)) {
    throw new ArgumentError(op, 'maxNorm', `must be a non-negative number, got ${typeof maxNorm === 'number' ? String(maxNorm) : typeof maxNorm}`);
  }
  if (typeof normType !== 'number' || Number.isNaN(normType)) {
    throw new ArgumentError(op, 'normType', `must be a number (Infinity for the max norm), got ${typeof normType === 'number' ? 'NaN' : typeof normType}`);
  }
  if (typeof errorIfNonfinite !== 'boolean') throw new ArgumentError(op, 'errorIfNonfinite', `must be a boolean, got ${typeof errorIfNonfinite}`);
  const grads: Tensor[] = [];
  for (const p of params) if (p.grad !== null) grads.push(p.grad);
  if (grads.length === 0) return scalarTensor(0, 'float32');

  // Per-gradient norms are rounded to their dtype (PyTorch stacks 0-d tensors), the total to the common one.
  let dtype: FloatDType = 'float32';
  const norms = grads.map((g) => {
    if (!isFloat(g.dtype)) throw new DTypeError(op, 'grad', `must be floating point, got ${g.dtype}`, { grad: g.shape });
    dtype = promoteTypes(dtype, g.dtype) as FloatDType;
    return roundTo(g.dtype, vectorNorm(g.toTypedArray() as ArrayLike<number>, normType));
  });
  const total = roundTo(dtype, vectorNorm(norms, normType));
  if (errorIfNonfinite && !Number.isFinite(total)) {
    throw new ArgumentError(op, 'parameters', `have a non-finite total gradient norm of order ${normType} (${total}), so the gradients cannot be clipped; pass errorIfNonfinite = false to scale them by the non-finite norm anyway`);
  }
  // PyTorch: max_norm / (total + 1e-6) evaluates as reciprocal(total + 1e-6) * max_norm in the total's dtype.
  const recip = roundTo(dtype, 1 / roundTo(dtype, total + roundTo(dtype, 1e-6)));
  const coef = Math.min(roundTo(dtype, recip * roundTo(dtype, maxNorm)), 1);
  // NOTE: like PyTorch, every gradient is multiplied even when coef is 1 (exact), so versions always move.
  noGrad(() => {
    for (const g of grads) mul_(detach(g), coef);
  });
  return scalarTensor(total, dtype);
}

/** PyTorch's deprecated alias of {@link clipGradNorm_} (the same in-place clipping). */
export const clipGradNorm = clipGradNorm_;

/**
 * Clamps every gradient of `parameters` in place into [−clipValue, clipValue] (PyTorch's
 * `torch.nn.utils.clip_grad_value_`); parameters without `.grad` are skipped and NaN stays NaN.
 * A negative or NaN `clipValue` is refused (ArgumentError); `Infinity` leaves the gradients unchanged.
 *
 * @example
 * loss.backward();
 * nn.utils.clipGradValue_(model.parameters(), 0.1);
 */
export function clipGradValue_(parameters: TensorOrTensors, clipValue: number): void {
  const params = tensorList('clipGradValue', parameters);
  if (typeof clipValue !== 'number' || !(clipValue >= 0)) {
    throw new ArgumentError('clipGradValue', 'clipValue', `must be a non-negative number, got ${typeof clipValue === 'number' ? String(clipValue) : typeof clipValue}`);
  }
  noGrad(() => {
    for (const p of params) if (p.grad !== null) clamp_(detach(p.grad), -clipValue, clipValue);
  });
}

/** Alias of {@link clipGradValue_}. */
export const clipGradValue = clipGradValue_;

function penalty(op: string, parameters: TensorOrTensors, term: (p: Tensor) => Tensor): Tensor {
  let total: Tensor | null = null;
  for (const p of floatList(op, parameters)) {
    const s = sum(term(p));
    total = total === null ? s : (add(total, s) as Tensor);
  }
  return total ?? zeros([]);
}

/**
 * Σ|w| over every element of `parameters`: a differentiable 0-d tensor to add to a loss for L1
 * regularisation (`loss + λ·l1Penalty(params)`, gradient λ·sign(w), 0 at w = 0 as PyTorch's abs).
 * No optimizer option is equivalent. An empty list gives 0.
 *
 * @example
 * const loss = add(F.crossEntropy(model.call(x), y), mul(nn.utils.l1Penalty(model.parameters()), 1e-4));
 */
export function l1Penalty(parameters: TensorOrTensors): Tensor {
  return penalty('l1Penalty', parameters, (p) => abs(p));
}

/**
 * Σw² over every element of `parameters`: a differentiable 0-d tensor to add to a loss for L2
 * regularisation (gradient 2w). Relation to the optimizers' `weightDecay: λ` (SGD, Adam, Adagrad,
 * RMSprop, Adadelta), which adds λ·w to each gradient inside `step()`: that is the gradient of
 * (λ/2)·l2Penalty, so `loss + (λ/2)·l2Penalty(params)` takes the same steps, except that the penalty is
 * part of the reported loss, of the gradients seen by clipping, and of every parameter you pass
 * (biases included, unless you leave them out), while weightDecay applies per parameter group.
 * AdamW's decoupled decay (p ← p·(1 − lr·λ)) has no penalty equivalent. An empty list gives 0.
 *
 * @example
 * const loss = add(F.mseLoss(model.call(x), y), mul(nn.utils.l2Penalty(model.parameters()), 0.5 * 1e-4));
 */
export function l2Penalty(parameters: TensorOrTensors): Tensor {
  return penalty('l2Penalty', parameters, (p) => mul(p, p));
}

/**
 * Flattens `parameters` into one 1-D tensor, in order (PyTorch's `parameters_to_vector`).
 * Differentiable: gradients of the vector flow back to the parameters.
 *
 * @example
 * const v = nn.utils.parametersToVector(model.parameters());   // shape [total number of weights]
 */
export function parametersToVector(parameters: Iterable<AnyTensor>): Tensor {
  const list = tensorList('parametersToVector', parameters);
  if (list.length === 0) throw new ArgumentError('parametersToVector', 'parameters', 'must contain at least one tensor');
  return cat(list.map((p) => reshape(p, [-1])), 0);
}

/**
 * Copies consecutive slices of the 1-D `vec` into `parameters`, in order (PyTorch's
 * `vector_to_parameters`). The values are copied in place (under noGrad, bumping each parameter's
 * version) rather than making the parameters views of `vec` as PyTorch's `param.data = ...` does, so
 * later edits of `vec` do not reach them. `vec` must hold exactly as many elements as the parameters
 * (ShapeError otherwise); nothing is written unless it does.
 *
 * @example
 * nn.utils.vectorToParameters(v, model.parameters());
 */
export function vectorToParameters(vec: AnyTensor, parameters: Iterable<AnyTensor>): void {
  const op = 'vectorToParameters';
  if (!(vec instanceof Tensor)) throw new ArgumentError(op, 'vec', `must be a Tensor, got ${vec === null ? 'null' : typeof vec}`);
  const list = tensorList(op, parameters);
  if (vec.ndim !== 1) throw new ShapeError(op, 'vec', `must be 1-D, got ${vec.ndim}-D`, { vec: vec.shape });
  const total = list.reduce((s, p) => s + p.numel(), 0);
  if (vec.numel() !== total) {
    throw new ShapeError(op, 'vec', `has ${vec.numel()} elements but the parameters hold ${total}`, Object.fromEntries([['vec', vec.shape], ...list.map((p, i) => [`parameters[${i}]`, p.shape])]));
  }
  noGrad(() => {
    let offset = 0;
    for (const p of list) {
      const n = p.numel();
      copy_(p, reshape(narrow(vec, 0, offset, n), p.shape));
      offset += n;
    }
  });
}

/** PyTorch's torch.nn.utils.skip_init (here a callback): see nn.init.skipInit. */
export { skipInit } from './init.js';
