// Newton's method with Levenberg-style damping for small problems: the exact Hessian of the loss with
// respect to all parameters (flattened together) comes from the autograd (gradients of gradients), and
// (H + λI)·d = g is solved by Cholesky in float64. λ starts at `damping` and grows while H + λI is not
// positive definite; past maxDamping the step falls back to plain gradient descent. Dense n×n work: the
// number of parameter elements is capped (Newton.maxParams); use LBFGS beyond it.

import { isFloat } from '../core/dtype.js';
import { ArgumentError, AutogradError, DTypeError, checkOptions } from '../core/errors.js';
import { enableGrad, noGrad } from '../engine.js';
import { grad } from '../autograd/functional.js';
import { zeros } from '../ops/creation.js';
import { contiguousData } from '../ops/helpers.js';
import { copy_ } from '../ops/inplace.js';
import { cat, detach, reshape } from '../ops/layout.js';
import { Tensor } from '../tensor.js';
import { Optimizer, checkNonNegative, type ParamGroup, type ParamsArg } from './optimizer.js';

/** Options of {@link Newton}. */
export interface NewtonOptions {
  /** Scales the Newton step: p ← p − lr·d; default 1 (the full step). */
  lr: number;
  /** λ of the first attempt; default 0 (the undamped Newton step when H is positive definite). */
  damping: number;
  /** The smallest λ tried after a failed attempt (the floor the growth starts from); default 1e-6. */
  minDamping: number;
  /** λ grows by this factor after each failed attempt; default 10. */
  dampingFactor: number;
  /** The largest λ tried; past it the step is a plain gradient step p ← p − lr·g. Default 1e8. */
  maxDamping: number;
}

/** What the last step did: its kind and the λ it used (null for a gradient step). */
export type NewtonStepKind = 'newton' | 'gradient';

/** The loss, the flat gradient [n] and the dense Hessian [n, n] at the current parameters. */
export interface NewtonDerivatives {
  loss: Tensor;
  grad: Tensor;
  hessian: Tensor;
}

/**
 * Newton's method (damped) for small problems: each `step(closure)` evaluates the loss, builds the exact
 * Hessian H of the loss with respect to all parameters flattened together (in group order, each parameter
 * row-major), and moves p ← p − lr·(H + λI)⁻¹·g. λ starts at `damping`; while the Cholesky factorisation of
 * H + λI fails (not positive definite), λ ← max(λ·dampingFactor, minDamping), up to maxDamping; if every
 * attempt fails the step is p ← p − lr·g. `lastDamping` and `lastStepKind` tell what happened.
 *
 * The closure returns the loss and must NOT call backward() (Newton differentiates the loss twice itself).
 * One parameter group; at most {@link Newton.maxParams} parameter elements (the Hessian is dense).
 *
 * @example
 * const x = tensor([-1.2, 1], { dtype: 'float64', requiresGrad: true });
 * const opt = new optim.Newton([x]);
 * const rosenbrock = () => x.select(0, 0).neg().add(1).pow(2).add(x.select(0, 1).sub(x.select(0, 0).pow(2)).pow(2).mul(100));
 * for (let i = 0; i < 8; i++) opt.step(rosenbrock); // x → [1, 1]
 */
export class Newton extends Optimizer<NewtonOptions> {
  /** The most parameter elements Newton accepts: it builds an n×n Hessian with n backward passes and an O(n³) solve. */
  static readonly maxParams = 1000;

  /** λ used by the last step (0 for an undamped Newton step); null before the first step and after a gradient step. */
  lastDamping: number | null = null;
  /** Whether the last step was a (damped) Newton step or the gradient fallback; null before the first step. */
  lastStepKind: NewtonStepKind | null = null;

  constructor(params: ParamsArg<NewtonOptions>, options: Partial<NewtonOptions> = {}) {
    checkOptions('Newton', options, ['lr', 'damping', 'minDamping', 'dampingFactor', 'maxDamping']);
    super('Newton', params, { lr: 1, damping: 0, minDamping: 1e-6, dampingFactor: 10, maxDamping: 1e8, ...options });
  }

  /** Refuses a second group (one Hessian over all parameters) and problems above maxParams elements. */
  override addParamGroup(group: Partial<NewtonOptions> & { params: Iterable<Tensor> }): void {
    if (this.paramGroups.length > 0) {
      throw new ArgumentError('Newton', 'params', "doesn't support parameter groups (one Hessian couples all parameters): pass a single list of parameters");
    }
    super.addParamGroup(group);
    const ps = this.paramGroups[0]!.params;
    ps.forEach((p, i) => {
      if (!isFloat(p.dtype)) throw new DTypeError('Newton', `params[${i}]`, `must be floating point, got ${p.dtype}`);
      if (p.dtype !== ps[0]!.dtype) throw new DTypeError('Newton', `params[${i}]`, `has dtype ${p.dtype}, params[0] has ${ps[0]!.dtype}: all parameters must share one dtype`);
    });
    const n = ps.reduce((k, p) => k + p.numel(), 0);
    if (n > Newton.maxParams) {
      this.paramGroups.pop();
      throw new ArgumentError('Newton', 'params', `have ${n} elements; Newton builds a dense ${n}×${n} Hessian and accepts at most ${Newton.maxParams} (use LBFGS for larger problems)`);
    }
  }

  protected validate(g: ParamGroup<NewtonOptions>): void {
    for (const k of ['lr', 'damping', 'minDamping', 'maxDamping'] as const) {
      checkNonNegative('Newton', k, g[k]);
      if (!Number.isFinite(g[k])) throw new ArgumentError('Newton', k, `must be finite, got ${g[k]}`);
    }
    if (!(g.minDamping > 0)) throw new ArgumentError('Newton', 'minDamping', `must be positive (the growth starts from it), got ${g.minDamping}`);
    if (typeof g.dampingFactor !== 'number' || !(g.dampingFactor > 1) || !Number.isFinite(g.dampingFactor)) {
      throw new ArgumentError('Newton', 'dampingFactor', `must be a finite number > 1, got ${String(g.dampingFactor)}`);
    }
    if (g.damping > g.maxDamping) throw new ArgumentError('Newton', 'damping', `must be <= maxDamping, got damping=${g.damping}, maxDamping=${g.maxDamping}`);
    if (g.minDamping > g.maxDamping) throw new ArgumentError('Newton', 'minDamping', `must be <= maxDamping, got minDamping=${g.minDamping}, maxDamping=${g.maxDamping}`);
  }

  /** Never called: step() is overridden, because Newton needs the closure. */
  protected update(): void {
    throw new ArgumentError('Newton', 'closure', 'is required: call step(closure)');
  }

  private get params(): Tensor[] {
    return this.paramGroups[0]!.params;
  }

  /**
   * Evaluates the closure and returns the loss, the flat gradient [n] and the exact Hessian [n, n] with
   * respect to all parameters flattened together (the Hessian step() uses), in the parameters' dtype.
   */
  derivatives(closure: () => Tensor): NewtonDerivatives {
    if (typeof closure !== 'function') throw new ArgumentError('Newton', 'closure', 'is required: step(closure) evaluates the loss (without calling backward())');
    const ps = this.params;
    const dtype = ps[0]!.dtype;
    const n = ps.reduce((k, p) => k + p.numel(), 0);
    return enableGrad(() => {
      const loss = closure();
      if (!(loss instanceof Tensor) || loss.numel() !== 1) {
        throw new ArgumentError('Newton', 'closure', `must return the loss as a one-element tensor, got ${loss instanceof Tensor ? `shape [${loss.shape.join(',')}]` : typeof loss}`);
      }
      const hessian = zeros([n, n], { dtype });
      if (!loss.requiresGrad) return { loss, grad: zeros([n], { dtype }), hessian };
      let gs: Tensor[];
      try {
        gs = grad(loss, ps, { createGraph: true, allowUnused: true, materializeGrads: true }) as Tensor[];
      } catch (e) {
        if (e instanceof AutogradError && /second time|freed/.test(e.message)) {
          throw new AutogradError('Newton', 'the closure must return the loss without calling backward() (Newton differentiates the loss twice itself)');
        }
        throw e;
      }
      const flat = cat(gs.map((g) => reshape(g, [-1])), 0);
      const h = hessian.storage.data;
      if (flat.requiresGrad) {
        // Row i of H: the gradient of g_i, one backward pass over the recorded first backward each.
        for (let i = 0; i < n; i++) {
          const onehot = zeros([n], { dtype });
          onehot.storage.data[i] = 1;
          const row = grad(flat, ps, { gradOutputs: onehot, retainGraph: true, allowUnused: true, materializeGrads: true }) as Tensor[];
          let offset = i * n;
          for (const r of row) {
            h.set(contiguousData(r) as typeof h, offset);
            offset += r.numel();
          }
        }
      }
      return { loss, grad: detach(flat), hessian };
    });
  }

  /** One damped Newton step; returns the loss (detached) at the parameters before the step. */
  override step(closure: () => Tensor): Tensor {
    const { loss, grad: g, hessian } = this.derivatives(closure);
    const { lr, damping, minDamping, dampingFactor, maxDamping } = this.paramGroups[0]!;
    const n = g.numel();
    const gv = Float64Array.from(contiguousData(g) as ArrayLike<number>);
    const H = Float64Array.from(contiguousData(hessian) as ArrayLike<number>);
    // λ: damping, then max(λ·dampingFactor, minDamping), ..., capped at maxDamping (the last attempt).
    let lambda = damping;
    let d: Float64Array | null = null;
    for (;;) {
      d = choleskySolve(H, n, lambda, gv);
      if (d !== null || lambda >= maxDamping) break;
      lambda = Math.min(Math.max(lambda * dampingFactor, minDamping), maxDamping);
    }
    if (d === null) {
      this.lastStepKind = 'gradient';
      this.lastDamping = null;
      d = gv;
    } else {
      this.lastStepKind = 'newton';
      this.lastDamping = lambda;
    }
    const step = d;
    noGrad(() => {
      let offset = 0;
      for (const p of this.params) {
        const k = p.numel();
        const cur = contiguousData(p);
        const next = Tensor.zeros(p.shape, p.dtype);
        const nd = next.storage.data;
        for (let i = 0; i < k; i++) nd[i] = cur[i]! - lr * step[offset + i]!;
        copy_(p, next);
        offset += k;
      }
    });
    return detach(loss);
  }
}

/**
 * Solves (A + λI)·x = b for a symmetric n×n A (row-major; only the lower triangle is read) by Cholesky.
 * Returns null when A + λI is not positive definite (a pivot <= 0 or not finite).
 */
export function choleskySolve(A: Float64Array, n: number, lambda: number, b: Float64Array): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = A[j * n + j]! + lambda;
    for (let k = 0; k < j; k++) s -= L[j * n + k]! ** 2;
    if (!(s > 0) || !Number.isFinite(s)) return null;
    const ljj = Math.sqrt(s);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = A[i * n + j]!;
      for (let k = 0; k < j; k++) t -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = t / ljj;
    }
  }
  // L·y = b, then Lᵀ·x = y.
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    let t = x[i]!;
    for (let k = 0; k < i; k++) t -= L[i * n + k]! * x[k]!;
    x[i] = t / L[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let t = x[i]!;
    for (let k = i + 1; k < n; k++) t -= L[k * n + i]! * x[k]!;
    x[i] = t / L[i * n + i]!;
  }
  for (let i = 0; i < n; i++) if (!Number.isFinite(x[i]!)) return null;
  return x;
}
