// The backward sweep. Nodes carry increasing ids (an op's inputs always exist before it), so visiting
// the reachable nodes in decreasing id order is a topological order: no recursion, no stack limits on
// long unrolled graphs. Gradients are summed per node, then handed to leaves (`.grad`) or, for
// autograd.grad, captured for the requested tensors without touching `.grad`.

import { AutogradError, ShapeError, DTypeError } from '../core/errors.js';
import { isFloat } from '../core/dtype.js';
import { shapesEqual } from '../core/shape.js';
import { enableGrad, isAnomalyEnabled, noGrad, withoutForwardAnomalyChecks } from '../engine.js';
import type { PrimitiveName } from '../primitives.js';
import { Tensor, type GradNode } from '../tensor.js';
import { add } from '../ops/elementwise.js';
import { clone, detach } from '../ops/layout.js';
import { derivatives, type Rule, type RuleContext } from './derivatives.js';
import { checkAccumulated, checkRootGradient, checkRuleGradient } from './anomaly.js';
import { installRnnSweep } from './backward_rnn.js';

export interface SweepOptions {
  retainGraph: boolean;
  createGraph: boolean;
  /** When set (autograd.grad), gradients for these tensors are returned instead of accumulated into .grad. */
  capture?: readonly Tensor[];
}

function checkRootGrad(op: string, out: Tensor, g: Tensor | null | undefined, i: number): Tensor {
  if (g === null || g === undefined) {
    if (out.numel() !== 1) {
      throw new AutogradError(op, `grad can be implicitly created only for scalar outputs; output ${i} has shape [${out.shape.join(',')}], so pass a gradient of that shape`);
    }
    const one = Tensor.zeros(out.shape, out.dtype);
    one.storage.data[0] = 1;
    return one;
  }
  if (!(g instanceof Tensor)) throw new AutogradError(op, `gradient ${i} must be a Tensor`);
  if (!shapesEqual(g.shape, out.shape)) throw new ShapeError(op, `gradient ${i}`, 'must have the shape of its output', { output: out.shape, gradient: g.shape });
  if (!isFloat(g.dtype)) throw new DTypeError(op, `gradient ${i}`, `must be floating point, got ${g.dtype}`);
  return g;
}

function frozenContext<K extends PrimitiveName>(node: GradNode, grad: Tensor, needs: boolean[]): RuleContext<K> {
  const freed = (): never => {
    throw new AutogradError('backward', `trying to backward through the graph a second time (or to read saved tensors of '${node.op}' after they were freed); pass { retainGraph: true } to the first backward`);
  };
  return {
    grad,
    attrs: node.attrs as RuleContext<K>['attrs'],
    needs,
    input(i) {
      const inputs = node.inputs ?? freed();
      const t = inputs[i]!;
      if (t.storage.version !== node.inputVersions[i]) {
        throw new AutogradError('backward', `input ${i} of '${node.op}' (shape [${t.shape.join(',')}]) was modified by an in-place operation: it is at version ${t.storage.version}, the forward saw version ${node.inputVersions[i]}`);
      }
      return t;
    },
    result() {
      const r = node.result ?? freed();
      if (r.storage.version !== node.resultVersion) {
        throw new AutogradError('backward', `the output of '${node.op}' (shape [${r.shape.join(',')}]) was modified by an in-place operation after it was computed`);
      }
      return r;
    },
    inputShape: (i) => node.inputShapes[i]!,
    inputDtype: (i) => node.inputDtypes[i]!,
  };
}

/**
 * Propagates `grads` from `roots` back through the graph. Returns the captured gradients (in the order
 * of `options.capture`, null when nothing flowed) or an empty array when accumulating into `.grad`.
 */
export function sweep(op: string, roots: readonly Tensor[], grads: readonly (Tensor | null | undefined)[], options: SweepOptions): (Tensor | null)[] {
  const { retainGraph, createGraph, capture } = options;
  // Anomaly mode: each gradient below is checked where it is made (the ops inside rules are not).
  const anomaly = isAnomalyEnabled();
  const captureLeaf = new Map<Tensor, number>();
  const captureNode = new Map<GradNode, number[]>();
  const captured: (Tensor | null)[] = capture ? capture.map(() => null) : [];
  capture?.forEach((t, i) => {
    if (!t.requiresGrad) throw new AutogradError(op, `input ${i} does not require grad`);
    if (t.gradFn) captureNode.set(t.gradFn, [...(captureNode.get(t.gradFn) ?? []), i]);
    else captureLeaf.set(t, i);
  });

  const pending = new Map<GradNode, Tensor>();
  // Storages a new .grad must not share: the caller's gradients and every .grad handed out so far.
  const handedOut = new Set<unknown>();
  for (const g of grads) if (g instanceof Tensor) handedOut.add(g.storage);
  /** acc + g, checked in anomaly mode; `target` is whose gradient is summed (a node's output, a leaf). */
  const sum2 = (acc: Tensor, g: Tensor, target: GradNode | Tensor | null): Tensor => {
    const s = add(acc, g) as Tensor;
    if (anomaly) checkAccumulated(op, target, s, [acc, g]);
    return s;
  };
  const accumulate = (acc: Tensor | null, g: Tensor): Tensor => (acc === null ? g : sum2(acc, g, null));
  // NOTE: a gradient tensor may be shared (add passes the same grad to both inputs, the caller keeps
  // its gradient tensor, a view of one aliases another); .grad then gets a private contiguous copy, so
  // in-place edits of one .grad never change another (PyTorch's AccumulateGrad steals only unshared ones).
  const ownGrad = (g: Tensor): Tensor => {
    const v = handedOut.has(g.storage) || !g.isContiguous() ? clone(g) : g;
    handedOut.add(v.storage);
    return createGraph ? v : detach(v);
  };
  const accumulateGrad = (t: Tensor, g: Tensor): void => {
    if (t.grad === null) {
      t.grad = ownGrad(g);
      return;
    }
    const s = sum2(t.grad, g, t);
    t.grad = (createGraph ? s : detach(s)) as Tensor;
  };

  const toLeaf = (leaf: Tensor, g: Tensor): void => {
    if (capture) {
      const i = captureLeaf.get(leaf);
      if (i !== undefined) captured[i] = accumulate(captured[i]!, g);
      return;
    }
    accumulateGrad(leaf, g);
  };

  const run = (): void => {
    // Seed and collect the reachable nodes.
    const stack: GradNode[] = [];
    roots.forEach((r, i) => {
      if (!(r instanceof Tensor)) throw new AutogradError(op, `output ${i} must be a Tensor`);
      if (!r.requiresGrad) throw new AutogradError(op, `output ${i} does not require grad and has no gradFn (nothing to differentiate)`);
      const g = checkRootGrad(op, r, grads[i], i);
      if (anomaly) checkRootGradient(op, i, g);
      if (r.gradFn) {
        pending.set(r.gradFn, pending.has(r.gradFn) ? sum2(pending.get(r.gradFn)!, g, r.gradFn) : g);
        stack.push(r.gradFn);
      } else {
        toLeaf(r, g);
      }
    });
    const seen = new Set<GradNode>();
    const nodes: GradNode[] = [];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      nodes.push(n);
      for (const e of n.next) if (e !== null && !(e instanceof Tensor) && !seen.has(e)) stack.push(e);
    }
    nodes.sort((a, b) => b.id - a.id);

    // For autograd.grad, only edges that lead to a requested tensor are worth computing.
    let leads: Map<GradNode, boolean> | null = null;
    if (capture) {
      leads = new Map();
      for (let k = nodes.length - 1; k >= 0; k--) {
        const n = nodes[k]!;
        let l = captureNode.has(n);
        for (const e of n.next) {
          if (e === null) continue;
          if (e instanceof Tensor ? captureLeaf.has(e) : leads.get(e)) l = true;
        }
        leads.set(n, l);
      }
    }

    for (const node of nodes) {
      const g = pending.get(node);
      pending.delete(node);
      if (g === undefined) {
        if (!retainGraph) free(node);
        continue;
      }
      if (node.retained && !capture) accumulateGrad(node.retained, g);
      for (const i of captureNode.get(node) ?? []) captured[i] = accumulate(captured[i]!, g);
      const needs = node.next.map((e) => e !== null && (leads === null || (e instanceof Tensor ? captureLeaf.has(e) : leads.get(e) === true)));
      if (needs.some(Boolean)) {
        const rule = derivatives[node.op as PrimitiveName] as Rule<PrimitiveName>;
        const thunks = rule(frozenContext(node, g, needs));
        node.next.forEach((edge, i) => {
          if (!needs[i] || edge === null) return;
          const thunk = thunks[i];
          if (!thunk) return;
          const gi = thunk();
          if (!shapesEqual(gi.shape, node.inputShapes[i]!)) {
            throw new AutogradError(op, `internal error: the gradient of '${node.op}' input ${i} has shape [${gi.shape.join(',')}], expected [${node.inputShapes[i]!.join(',')}]`);
          }
          if (anomaly) checkRuleGradient(node, i, gi, g);
          if (edge instanceof Tensor) toLeaf(edge, gi);
          else pending.set(edge, pending.has(edge) ? sum2(pending.get(edge)!, gi, edge) : gi);
        });
      }
      if (!retainGraph) free(node);
    }
  };

  const go = (): void => (createGraph ? enableGrad(run) : noGrad(run));
  if (anomaly) withoutForwardAnomalyChecks(go);
  else go();
  // NOTE: as torch.autograd.grad, captured gradients are returned as computed: two of them (or one and
  // the caller's gradOutputs) may share storage, e.g. both inputs of an add.
  return captured;
}

function free(node: GradNode): void {
  node.inputs = null;
  node.result = null;
}

installRnnSweep(sweep);
