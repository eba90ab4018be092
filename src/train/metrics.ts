// Classification metrics for the fit loop: accuracy and top-k accuracy, accumulated over batches as
// counts (so an epoch's figure is exact, not a mean of per-batch means), plus user-defined metrics.

import { ArgumentError, ShapeError } from '../core/errors.js';
import { noGrad } from '../engine.js';
import { argmax, sum } from '../ops/reduce.js';
import { eq, gt, lt } from '../ops/elementwise.js';
import { gather } from '../ops/indexing.js';
import { unsqueeze } from '../ops/layout.js';
import type { Tensor } from '../tensor.js';

/**
 * A metric accumulated over the batches of an epoch: `update` returns this batch's
 * `[numerator, denominator]` (e.g. correct predictions and samples); the epoch value is
 * Σ numerators / Σ denominators.
 */
export interface Metric {
  /** The key in the logs (`accuracy`, `top5`, ...; validation values get a `val` prefix). */
  readonly name: string;
  update(output: Tensor, target: Tensor): readonly [number, number];
}

/** Class indices of a target: int32 labels as they are, one-hot / probability rows by their argmax. */
function targetClasses(op: string, output: Tensor, target: Tensor): Tensor<'int32'> {
  if (output.shape.length !== 2) throw new ShapeError(op, 'output', 'must be (batch, classes) scores', { output: output.shape });
  const n = output.shape[0]!;
  if (target.dtype === 'int32' && target.shape.length === 1 && target.shape[0] === n) return target as Tensor<'int32'>;
  if (target.shape.length === 2 && target.shape[0] === n && target.shape[1] === output.shape[1] && target.dtype !== 'int32') return argmax(target, 1);
  throw new ShapeError(op, 'target', 'must be int32 class indices (batch) or class scores (batch, classes) matching the output', {
    output: output.shape, target: target.shape,
  });
}

/** Fraction of samples whose highest score is the target class (ties: the first maximum, as argmax). */
export function accuracy(): Metric {
  return {
    name: 'accuracy',
    update(output, target) {
      return noGrad(() => {
        const cls = targetClasses('accuracy', output, target);
        const correct = sum(eq(argmax(output, 1), cls)).item() as number;
        return [correct, output.shape[0]!] as const;
      });
    },
  };
}

/**
 * Fraction of samples whose target class is among the k highest scores. A sample counts when fewer
 * than k classes score strictly higher than the target (so ties with the target count in its favour).
 */
export function topKAccuracy(k: number): Metric {
  if (!Number.isSafeInteger(k) || k < 1) throw new ArgumentError('topKAccuracy', 'k', `must be a positive integer, got ${String(k)}`);
  return {
    name: `top${k}`,
    update(output, target) {
      return noGrad(() => {
        const cls = targetClasses(`top${k}`, output, target);
        if (k > output.shape[1]!) throw new ArgumentError(`top${k}`, 'k', `is larger than the number of classes (${output.shape[1]})`);
        const targetScore = gather(output, 1, unsqueeze(cls, 1));
        const above = sum(gt(output, targetScore), 1);
        const hits = sum(lt(above, k)).item() as number;
        return [hits, output.shape[0]!] as const;
      });
    },
  };
}

/** What `fit`/`evaluate` accept as a metric: a Metric, 'accuracy' / 'acc', or 'top<k>' (e.g. 'top5'). */
export type MetricSpec = Metric | 'accuracy' | 'acc' | `top${number}`;

/** Resolves metric specs; names must be unique. */
export function resolveMetrics(op: string, specs: readonly MetricSpec[] | undefined): Metric[] {
  if (specs === undefined) return [];
  if (!Array.isArray(specs)) throw new ArgumentError(op, 'metrics', 'must be an array of metric names or Metric objects');
  const out = specs.map((s, i): Metric => {
    if (s === 'accuracy' || s === 'acc') return accuracy();
    if (typeof s === 'string') {
      const m = /^top(\d+)$/.exec(s);
      if (m) return topKAccuracy(Number(m[1]));
      throw new ArgumentError(op, `metrics[${i}]`, `unknown metric '${s}' (known: 'accuracy', 'top<k>', or a Metric object)`);
    }
    if (s && typeof s === 'object' && typeof s.name === 'string' && typeof s.update === 'function') return s;
    throw new ArgumentError(op, `metrics[${i}]`, 'must be a metric name or an object with name and update()');
  });
  const names = out.map((m) => m.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ArgumentError(op, 'metrics', `names the metric '${dup}' twice`);
  return out;
}
