// User-facing autograd: tensor.backward(), autograd.grad, and the functional API (jacobian, hessian,
// vjp, hvp) built on it. All of them work to any order because derivative rules are differentiable.

import { ArgumentError, AutogradError, checkOptions } from '../core/errors.js';
import { numel } from '../core/shape.js';
import { Tensor } from '../tensor.js';
import { zeros } from '../ops/creation.js';
import { detach, reshape, stack } from '../ops/layout.js';
import { sweep } from './backward.js';

export interface BackwardOptions {
  /** Keep saved tensors so backward can run again (default: createGraph). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so the gradients can be differentiated again. */
  createGraph?: boolean;
}

/** Accumulates d(tensors)/d(leaves) into every leaf's `.grad` (PyTorch's `torch.autograd.backward`). */
export function backward(tensors: Tensor | readonly Tensor[], gradTensors?: Tensor | readonly (Tensor | null)[] | null, options?: BackwardOptions): void {
  checkOptions('backward', options, ['retainGraph', 'createGraph']);
  const outs = tensors instanceof Tensor ? [tensors] : [...tensors];
  const grads = gradTensors === undefined || gradTensors === null ? [] : gradTensors instanceof Tensor ? [gradTensors] : [...gradTensors];
  const createGraph = options?.createGraph ?? false;
  sweep('backward', outs, grads, { createGraph, retainGraph: options?.retainGraph ?? createGraph });
}

export interface GradOptions extends BackwardOptions {
  /** Gradients of the outputs (needed for non-scalar outputs). */
  gradOutputs?: Tensor | readonly (Tensor | null)[];
  /** Return null for inputs the outputs do not depend on, instead of throwing. */
  allowUnused?: boolean;
  /** Return zeros instead of null for unused inputs (PyTorch's materialize_grads). */
  materializeGrads?: boolean;
}

/** d(outputs)/d(inputs) without touching `.grad` (PyTorch's `torch.autograd.grad`). */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], options?: GradOptions): (Tensor | null)[] {
  checkOptions('grad', options, ['retainGraph', 'createGraph', 'gradOutputs', 'allowUnused', 'materializeGrads']);
  const outs = outputs instanceof Tensor ? [outputs] : [...outputs];
  const ins = inputs instanceof Tensor ? [inputs] : [...inputs];
  if (ins.length === 0) throw new ArgumentError('grad', 'inputs', 'must contain at least one tensor');
  ins.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError('grad', `inputs[${i}]`, 'must be a Tensor');
  });
  const go = options?.gradOutputs;
  const grads = go === undefined ? [] : go instanceof Tensor ? [go] : [...go];
  const createGraph = options?.createGraph ?? false;
  const result = sweep('grad', outs, grads, { createGraph, retainGraph: options?.retainGraph ?? createGraph, capture: ins });
  return result.map((g, i) => {
    if (g !== null) return g;
    if (options?.materializeGrads) return zeros(ins[i]!.shape as number[], { dtype: ins[i]!.dtype });
    if (!options?.allowUnused) {
      throw new AutogradError('grad', `input ${i} was not used to compute the outputs; pass { allowUnused: true } to get null for it`);
    }
    return null;
  });
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function prepareInputs(inputs: Tensor | readonly Tensor[], createGraph: boolean): { list: Tensor[]; single: boolean } {
  const single = inputs instanceof Tensor;
  const list = (single ? [inputs] : [...inputs]).map((x, i) => {
    if (!(x instanceof Tensor)) throw new ArgumentError('jacobian', `inputs[${i}]`, 'must be a Tensor');
    // NOTE: as PyTorch, keep the outer graph only with createGraph; otherwise differentiate a fresh leaf.
    return createGraph && x.requiresGrad ? x : detach(x).requiresGrad_(true);
  });
  return { list, single };
}

export interface JacobianOptions {
  createGraph?: boolean;
  /** Throw when an output does not depend on an input (default false: that block is zeros). */
  strict?: boolean;
}

/**
 * Jacobian of fn at inputs: for one input and one output a tensor of shape [...out.shape, ...in.shape];
 * with several, nested arrays [output][input] (PyTorch's `torch.autograd.functional.jacobian`).
 */
export function jacobian(fn: (x: Tensor) => Tensor, inputs: Tensor, options?: JacobianOptions): Tensor;
export function jacobian(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options?: JacobianOptions): Tensor[];
export function jacobian(fn: (x: Tensor) => readonly Tensor[], inputs: Tensor, options?: JacobianOptions): Tensor[];
export function jacobian(fn: (...inputs: Tensor[]) => readonly Tensor[], inputs: readonly Tensor[], options?: JacobianOptions): Tensor[][];
export function jacobian(fn: Fn, inputs: Tensor | readonly Tensor[], options?: JacobianOptions): Tensor | Tensor[] | Tensor[][];
export function jacobian(fn: Fn, inputs: Tensor | readonly Tensor[], options?: JacobianOptions): Tensor | Tensor[] | Tensor[][] {
  checkOptions('jacobian', options, ['createGraph', 'strict']);
  if (typeof fn !== 'function') throw new ArgumentError('jacobian', 'func', 'must be a function');
  const createGraph = options?.createGraph ?? false;
  const { list, single } = prepareInputs(inputs, createGraph);
  const raw = fn(...list);
  const singleOut = raw instanceof Tensor;
  const outs = singleOut ? [raw] : [...raw];
  const blocks: Tensor[][] = outs.map((out, oi) => {
    if (!(out instanceof Tensor)) throw new ArgumentError('jacobian', `output ${oi}`, 'must be a Tensor');
    const n = out.numel();
    const rows: Tensor[][] = list.map(() => []);
    for (let j = 0; j < n; j++) {
      const onehot = zeros(out.shape as number[], { dtype: out.dtype });
      onehot.storage.data[j] = 1;
      const gs = out.requiresGrad
        ? grad(out, list, { gradOutputs: onehot, retainGraph: true, createGraph, allowUnused: true })
        : list.map(() => null);
      gs.forEach((g, ii) => {
        if (g === null && options?.strict) throw new AutogradError('jacobian', `output ${oi} does not depend on input ${ii}`);
        rows[ii]!.push(g ?? zeros(list[ii]!.shape as number[], { dtype: list[ii]!.dtype }));
      });
    }
    return list.map((x, ii) => {
      if (n === 0) return zeros([...out.shape, ...x.shape], { dtype: x.dtype });
      const st = stack(rows[ii]!, 0);
      return reshape(st, [...out.shape, ...x.shape]);
    });
  });
  if (singleOut && single) return blocks[0]![0]!;
  if (singleOut) return blocks[0]!;
  if (single) return blocks.map((b) => b[0]!);
  return blocks;
}

/** Hessian of a scalar fn: [...in.shape, ...in.shape] for one input, nested [i][j] blocks for several. */
export function hessian(fn: (x: Tensor) => Tensor, inputs: Tensor, options?: JacobianOptions): Tensor;
export function hessian(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options?: JacobianOptions): Tensor[][];
export function hessian(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor | readonly Tensor[], options?: JacobianOptions): Tensor | Tensor[][] {
  checkOptions('hessian', options, ['createGraph', 'strict']);
  const single = inputs instanceof Tensor;
  const list = single ? [inputs] : [...inputs];
  const gradFn = (...xs: Tensor[]): Tensor[] => {
    const y = fn(...xs);
    if (!(y instanceof Tensor) || numel(y.shape) !== 1) throw new ArgumentError('hessian', 'func', 'must return a tensor with a single element');
    return grad(y, xs, { createGraph: true, allowUnused: true, materializeGrads: true }) as Tensor[];
  };
  const jac = jacobian(gradFn, list, options) as Tensor[][];
  return single ? jac[0]![0]! : jac;
}

/** Vector-Jacobian product vᵀ·J at inputs; returns [outputs, vjp]. */
export function vjp(fn: Fn, inputs: Tensor | readonly Tensor[], v?: Tensor | readonly Tensor[], options?: { createGraph?: boolean }): [Tensor | readonly Tensor[], Tensor | Tensor[]] {
  const createGraph = options?.createGraph ?? false;
  const { list, single } = prepareInputs(inputs, createGraph);
  const out = fn(...list);
  const gs = grad(out, list, { gradOutputs: v instanceof Tensor ? v : v ? [...v] : [], createGraph, allowUnused: true, materializeGrads: true }) as Tensor[];
  return [out, single ? gs[0]! : gs];
}

/** Hessian-vector product H·v of a scalar fn, without forming H. Returns [fn(inputs), hvp]. */
export function hvp(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor | readonly Tensor[], v: Tensor | readonly Tensor[], options?: { createGraph?: boolean }): [Tensor, Tensor | Tensor[]] {
  const createGraph = options?.createGraph ?? false;
  const { list, single } = prepareInputs(inputs, true);
  const y = fn(...list);
  const g = grad(y, list, { createGraph: true, allowUnused: true, materializeGrads: true }) as Tensor[];
  const vs = v instanceof Tensor ? [v] : [...v];
  const h = grad(g, list, { gradOutputs: vs, createGraph, allowUnused: true, materializeGrads: true }) as Tensor[];
  return [y, single ? h[0]! : h];
}
