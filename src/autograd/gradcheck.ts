// gradcheck / gradgradcheck: compare analytical Jacobians (from backward) with central finite
// differences. Designed for float64 inputs, like PyTorch's; users call them on their own functions.

import { ArgumentError, NodegradError, checkOptions } from '../core/errors.js';
import { Generator } from '../core/random.js';
import { Tensor } from '../tensor.js';
import { randn } from '../ops/creation.js';
import { grad } from './functional.js';

export class GradcheckError extends NodegradError {
  constructor(message: string) {
    super('AUTOGRAD', `gradcheck: ${message}`, { op: 'gradcheck' });
  }
}

export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
  /** Throw a GradcheckError with details on mismatch (default true); else return false. */
  raiseException?: boolean;
}

type Fn = (...inputs: Tensor[]) => Tensor | readonly Tensor[];

function outputsOf(fn: Fn, inputs: Tensor[]): Tensor[] {
  const r = fn(...inputs);
  const list = r instanceof Tensor ? [r] : [...r];
  list.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError('gradcheck', `output ${i}`, 'must be a Tensor');
  });
  return list;
}

function flatValues(t: Tensor): Float64Array {
  return Float64Array.from(t.toTypedArray() as ArrayLike<number>);
}

/** Storage positions of every element of t in row-major order. */
function positions(t: Tensor): number[] {
  const out: number[] = [];
  const walk = (d: number, off: number): void => {
    if (d === t.ndim) {
      out.push(off);
      return;
    }
    for (let i = 0; i < t.shape[d]!; i++) walk(d + 1, off + i * t.strides[d]!);
  };
  if (t.numel() > 0) walk(0, t.offset);
  return out;
}

/**
 * Checks the gradients of `fn` with respect to every input that requires grad. Returns true, or throws
 * a GradcheckError naming the input, output and element that disagree.
 */
export function gradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], options?: GradcheckOptions): boolean {
  checkOptions('gradcheck', options, ['eps', 'atol', 'rtol', 'raiseException']);
  const eps = options?.eps ?? 1e-6;
  const atol = options?.atol ?? 1e-5;
  const rtol = options?.rtol ?? 1e-3;
  const raise = options?.raiseException ?? true;
  const list = inputs instanceof Tensor ? [inputs] : [...inputs];
  const checked = list.map((t, i) => {
    if (!(t instanceof Tensor)) throw new ArgumentError('gradcheck', `inputs[${i}]`, 'must be a Tensor');
    if (t.requiresGrad && t.dtype !== 'float64') {
      process.emitWarning(`gradcheck: input ${i} requires grad and is ${t.dtype}, not float64; finite differences will be imprecise`, 'NodegradWarning');
    }
    return t.requiresGrad;
  });
  if (!checked.some(Boolean)) throw new ArgumentError('gradcheck', 'inputs', 'must contain at least one tensor with requiresGrad');

  const outs = outputsOf(fn, list);
  const diffOuts = outs.map((o) => o.requiresGrad);
  const fail = (msg: string): boolean => {
    if (raise) throw new GradcheckError(msg);
    return false;
  };

  for (let ii = 0; ii < list.length; ii++) {
    if (!checked[ii]) continue;
    const x = list[ii]!;
    const pos = positions(x);
    const data = x.storage.data as Float64Array;
    // Numerical Jacobian columns: one per input element. NOTE: fn runs in the caller's grad mode, since
    // it may use autograd itself (gradgradcheck differentiates a gradient).
    const numerical: Float64Array[][] = outs.map(() => []);
    for (const p of pos) {
      const orig = data[p]!;
      data[p] = orig + eps;
      const plus = outputsOf(fn, list).map(flatValues);
      data[p] = orig - eps;
      const minus = outputsOf(fn, list).map(flatValues);
      data[p] = orig;
      plus.forEach((pl, oi) => {
        const col = new Float64Array(pl.length);
        for (let k = 0; k < pl.length; k++) col[k] = (pl[k]! - minus[oi]![k]!) / (2 * eps);
        numerical[oi]!.push(col);
      });
    }
    // Analytical Jacobian rows: one vector-Jacobian product per output element.
    for (let oi = 0; oi < outs.length; oi++) {
      const out = outs[oi]!;
      const n = out.numel();
      for (let k = 0; k < n; k++) {
        let row: Float64Array;
        if (!diffOuts[oi]) row = new Float64Array(pos.length);
        else {
          const onehot = Tensor.zeros(out.shape, out.dtype);
          onehot.storage.data[k] = 1;
          const [g] = grad(out, [x], { gradOutputs: onehot, retainGraph: true, allowUnused: true });
          row = g ? flatValues(g) : new Float64Array(pos.length);
        }
        for (let j = 0; j < pos.length; j++) {
          const a = row[j]!;
          const nval = numerical[oi]![j]![k]!;
          const bad = Number.isNaN(a) !== Number.isNaN(nval) || Math.abs(a - nval) > atol + rtol * Math.abs(nval);
          if (bad) {
            return fail(`Jacobian mismatch for output ${oi} element ${k} with respect to input ${ii} element ${j}: analytical ${a}, numerical ${nval} (atol ${atol}, rtol ${rtol})`);
          }
        }
      }
    }
  }
  return true;
}

/**
 * Checks second derivatives: gradcheck of (inputs, v) ↦ vᵀ·∂fn/∂inputs with random v (PyTorch's
 * gradgradcheck), which exercises every derivative rule's own derivative.
 */
export function gradgradcheck(fn: Fn, inputs: Tensor | readonly Tensor[], options?: GradcheckOptions & { seed?: number }): boolean {
  const { seed, ...rest } = options ?? {};
  const list = inputs instanceof Tensor ? [inputs] : [...inputs];
  const outs = outputsOf(fn, list);
  const gen = new Generator(seed ?? 0);
  const vs = outs.map((o) => randn(o.shape as number[], { dtype: 'float64', generator: gen, requiresGrad: true }));
  const diffIdx = list.flatMap((t, i) => (t.requiresGrad ? [i] : []));
  const wrapped = (...all: Tensor[]): Tensor[] => {
    const xs = all.slice(0, list.length);
    const v = all.slice(list.length);
    const o = outputsOf(fn, xs);
    const pairs = o.map((t, i) => [t, v[i]!] as const).filter(([t]) => t.requiresGrad);
    const gs = grad(pairs.map((p) => p[0]), diffIdx.map((i) => xs[i]!), {
      gradOutputs: pairs.map((p) => p[1]), createGraph: true, allowUnused: true, materializeGrads: true,
    });
    return gs as Tensor[];
  };
  return gradcheck(wrapped, [...list, ...vs], rest);
}
