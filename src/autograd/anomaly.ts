// Anomaly mode, backward side: the checks the backward sweep runs on every gradient it produces when
// anomaly detection is on (the forward side and the mode itself live in engine.ts). Same policy as the
// forward: NaN is always an anomaly, ±inf only when everything it was computed from was finite.

import { AnomalyError, firstNaN, forwardTraceOf, judgeNonFinite, type NonFiniteInput } from '../engine.js';
import { Tensor, type GradNode } from '../tensor.js';

export { AnomalyError, detectAnomaly, isAnomalyEnabled, setDetectAnomaly, type NonFiniteElement, type NonFiniteInput } from '../engine.js';

const showValue = (v: number): string => (Number.isNaN(v) ? 'NaN' : v > 0 ? 'inf' : '-inf');
const at = (x: { value: number; index: readonly number[] }): string => `${showValue(x.value)} at [${x.index.join(',')}]`;

/**
 * Checks the gradient `gi` that `node`'s derivative rule returned for input `i`, given the incoming
 * gradient `g`. Sources: `g`, the saved inputs and the saved result.
 */
export function checkRuleGradient(node: GradNode, i: number, gi: Tensor, g: Tensor): void {
  const inputs = node.inputs ?? [];
  const sources = [g, ...inputs, ...(node.result ? [node.result] : [])];
  const found = judgeNonFinite(gi, sources);
  if (found === null) return;
  const src = found.nonFiniteInput;
  let nonFiniteInput: NonFiniteInput | null = null;
  let note = 'from a finite incoming gradient and finite saved values';
  if (src !== null) {
    if (src.input === 0) note = `but the incoming gradient was already non-finite (${at(src)})`;
    else if (src.input <= inputs.length) {
      nonFiniteInput = { ...src, input: src.input - 1 };
      note = `but saved input ${src.input - 1} of '${node.op}' was already non-finite (${at(src)})`;
    } else note = `but the forward result of '${node.op}' was already non-finite (${at(src)})`;
  }
  throw new AnomalyError(`backward of ${node.op}`, {
    phase: 'backward', primitive: node.op, what: `the gradient for input ${i}`, shape: gi.shape, bad: found.bad,
    inputShapes: node.inputShapes, nonFiniteInput, note, forwardTrace: forwardTraceOf(node),
  });
}

/**
 * Checks a sum of gradients: of several consumers of a node's output, into a leaf's `.grad`, or of a
 * requested input of autograd.grad (`target` null).
 */
export function checkAccumulated(op: string, target: GradNode | Tensor | null, sum: Tensor, parts: readonly Tensor[]): void {
  const found = judgeNonFinite(sum, parts);
  if (found === null) return;
  const src = found.nonFiniteInput;
  const whose = target === null
    ? 'a requested input'
    : target instanceof Tensor ? "a leaf's .grad" : `the output of '${target.op}'`;
  throw new AnomalyError(`${op} (gradient accumulation)`, {
    phase: 'backward', primitive: 'add', what: `the summed gradient of ${whose}`, shape: sum.shape, bad: found.bad,
    inputShapes: parts.map((p) => p.shape), nonFiniteInput: src,
    note: src === null ? 'from finite gradients (the sum overflowed)' : `but summand ${src.input} was already non-finite (${at(src)})`,
  });
}

/** A caller's gradient for output `i` must not hold NaN (an infinity there is taken as deliberate). */
export function checkRootGradient(op: string, i: number, g: Tensor): void {
  const bad = firstNaN(g);
  if (bad === null) return;
  throw new AnomalyError(op, {
    phase: 'backward', primitive: op, what: `the gradient passed for output ${i}`, shape: g.shape, bad,
    inputShapes: [], nonFiniteInput: null, note: 'as given by the caller',
  });
}
