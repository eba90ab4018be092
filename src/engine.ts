// The engine: grad mode (noGrad / enableGrad) and the tape. `record` turns an op application into a
// graph node when grad mode is on and an input requires grad. Kernels themselves are reached through
// backend/backend.ts's kernelsFor(); this file knows nothing about derivative formulas.

import { ArgumentError } from './core/errors.js';
import type { PrimitiveAttrs, PrimitiveName } from './primitives.js';
import type { GradNode, Tensor } from './tensor.js';

let gradEnabled = true;
let nextNodeId = 0;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

export function setGradEnabled(enabled: boolean): void {
  if (typeof enabled !== 'boolean') throw new ArgumentError('setGradEnabled', 'enabled', `must be a boolean, got ${typeof enabled}`);
  gradEnabled = enabled;
}

function withGradMode<T>(op: string, enabled: boolean, fn: () => T): T {
  if (typeof fn !== 'function') throw new ArgumentError(op, 'fn', `must be a function, got ${typeof fn}`);
  const prev = gradEnabled;
  gradEnabled = enabled;
  try {
    const out = fn();
    if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function') {
      // NOTE: grad mode is global in JS; an async fn would leak the mode into unrelated code across awaits.
      throw new ArgumentError(op, 'fn', 'must be synchronous (it returned a Promise); wrap the synchronous part only');
    }
    return out;
  } finally {
    gradEnabled = prev;
  }
}

/** Runs `fn` without recording the graph (PyTorch's `torch.no_grad()`). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode('noGrad', false, fn);
}

/** Runs `fn` with graph recording on, e.g. inside noGrad (PyTorch's `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode('enableGrad', true, fn);
}

/**
 * Records `result = op(inputs; attrs)` on the tape if grad mode is on and any input requires grad.
 * Returns `result` for chaining. Only floating results are recorded.
 */
export function record<K extends PrimitiveName>(op: K, inputs: readonly Tensor[], result: Tensor, attrs: PrimitiveAttrs[K]): Tensor {
  if (!gradEnabled) return result;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) any = true;
  if (!any || (result.dtype !== 'float32' && result.dtype !== 'float64')) return result;
  const node: GradNode = {
    id: nextNodeId++,
    op,
    inputs,
    inputVersions: inputs.map((t) => t.storage.version),
    inputShapes: inputs.map((t) => t.shape),
    inputDtypes: inputs.map((t) => t.dtype),
    attrs,
    result,
    resultVersion: result.storage.version,
    next: inputs.map((t) => (t.requiresGrad ? (t.gradFn ?? t) : null)),
    retained: null,
  };
  result.setGradFn(node);
  return result;
}
