// L-BFGS: PyTorch 1.13's torch.optim.LBFGS (torch/optim/lbfgs.py) ported line by line, with its fixed-step
// mode and its strong-Wolfe line search (_strong_wolfe, cubic-interpolation zoom). One parameter group; all
// parameters are flattened into one vector. The flat vectors (gradient, direction, history) are contiguous
// tensors owned by the optimizer; their O(n·historySize) vector math runs as plain loops over their storage,
// small next to the closure calls. State lives on the first parameter, as PyTorch, so stateDict() saves it.

import { isFloat } from '../core/dtype.js';
import { ArgumentError, DTypeError, ShapeError, checkOptions } from '../core/errors.js';
import { enableGrad, noGrad } from '../engine.js';
import { contiguousData } from '../ops/helpers.js';
import { copy_ } from '../ops/inplace.js';
import { clone } from '../ops/layout.js';
import { Tensor } from '../tensor.js';
import { Optimizer, checkNonNegative, type ParamGroup, type ParamsArg } from './optimizer.js';

/** Options of {@link LBFGS} (PyTorch's names in camelCase). */
export interface LBFGSOptions {
  /** Step length (the initial step of the line search); default 1. */
  lr: number;
  /** Most iterations per step() call; default 20. */
  maxIter: number;
  /** Most closure evaluations per step() call; default floor(maxIter·5/4). */
  maxEval: number;
  /** Stop when max|g| <= toleranceGrad; default 1e-7. */
  toleranceGrad: number;
  /** Stop when the loss or the step changes less than this; default 1e-9. */
  toleranceChange: number;
  /** How many (s, y) pairs the inverse-Hessian estimate keeps; default 100. */
  historySize: number;
  /** null: fixed steps of length lr; 'strong_wolfe': a line search meeting the strong Wolfe conditions. */
  lineSearchFn: 'strong_wolfe' | null;
}

type Vec = Float32Array | Float64Array;

/** Python's max(a, b) and min(a, b): the first argument wins ties and NaN comparisons. */
const pyMax = (a: number, b: number): number => (b > a ? b : a);
const pyMin = (a: number, b: number): number => (b < a ? b : a);

/** The minimiser of the cubic through (x1, f1, g1), (x2, f2, g2), clamped to the bounds (PyTorch's _cubic_interpolate). */
export function cubicInterpolate(x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: readonly [number, number]): number {
  const [xminBound, xmaxBound] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 ** 2 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2)) : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return pyMin(pyMax(minPos, xminBound), xmaxBound);
  }
  return (xminBound + xmaxBound) / 2;
}

/**
 * L-BFGS (PyTorch's torch.optim.LBFGS, as minFunc): each `step(closure)` runs up to `maxIter` quasi-Newton
 * iterations, re-evaluating the loss through the closure, and returns the loss of the first evaluation.
 * The closure must zero the gradients, compute the loss, call `backward()` and return the loss. Only one
 * parameter group is supported (as PyTorch). Memory: (2·historySize + 2) vectors of all parameters.
 *
 * State (on the first parameter, PyTorch's names in camelCase): funcEvals, nIter, d, t, oldDirs, oldStps,
 * ro, Hdiag, prevFlatGrad, prevLoss; stateDict()/loadStateDict() save and restore it, and a reloaded
 * optimizer continues exactly as the original would have.
 *
 * @example
 * const x = tensor([-1.5, 2], { requiresGrad: true });
 * const opt = new optim.LBFGS([x], { lineSearchFn: 'strong_wolfe' });
 * const closure = () => {
 *   opt.zeroGrad();
 *   const loss = x.select(0, 0).sub(1).square().add(x.select(0, 1).sub(x.select(0, 0).square()).square().mul(100));
 *   loss.backward();
 *   return loss;
 * };
 * for (let i = 0; i < 3; i++) opt.step(closure); // x ≈ [1, 1]
 */
export class LBFGS extends Optimizer<LBFGSOptions> {
  constructor(params: ParamsArg<LBFGSOptions>, options: Partial<LBFGSOptions> = {}) {
    checkOptions('LBFGS', options, ['lr', 'maxIter', 'maxEval', 'toleranceGrad', 'toleranceChange', 'historySize', 'lineSearchFn']);
    const maxIter = options.maxIter ?? 20;
    super('LBFGS', params, {
      lr: 1, maxIter, maxEval: Math.floor((maxIter * 5) / 4), toleranceGrad: 1e-7, toleranceChange: 1e-9, historySize: 100, lineSearchFn: null, ...options,
    });
  }

  /** Refuses a second group: L-BFGS has one set of options for all parameters (as PyTorch). */
  override addParamGroup(group: Partial<LBFGSOptions> & { params: Iterable<Tensor> }): void {
    if (this.paramGroups.length > 0) {
      throw new ArgumentError('LBFGS', 'params', "doesn't support per-parameter options (parameter groups): pass a single list of parameters");
    }
    super.addParamGroup(group);
    const ps = this.paramGroups[0]!.params;
    ps.forEach((p, i) => {
      if (!isFloat(p.dtype)) throw new DTypeError('LBFGS', `params[${i}]`, `must be floating point, got ${p.dtype}`);
      if (p.dtype !== ps[0]!.dtype) throw new DTypeError('LBFGS', `params[${i}]`, `has dtype ${p.dtype}, params[0] has ${ps[0]!.dtype}: all parameters must share one dtype`);
    });
  }

  protected validate(g: ParamGroup<LBFGSOptions>): void {
    checkNonNegative('LBFGS', 'lr', g.lr);
    checkNonNegative('LBFGS', 'toleranceGrad', g.toleranceGrad);
    checkNonNegative('LBFGS', 'toleranceChange', g.toleranceChange);
    for (const k of ['maxIter', 'maxEval', 'historySize'] as const) {
      if (!Number.isInteger(g[k]) || g[k] < 1) throw new ArgumentError('LBFGS', k, `must be a positive integer, got ${String(g[k])}`);
    }
    if (g.lineSearchFn !== null && g.lineSearchFn !== 'strong_wolfe') {
      throw new ArgumentError('LBFGS', 'lineSearchFn', `must be null or 'strong_wolfe', got ${JSON.stringify(g.lineSearchFn)}`);
    }
  }

  /** Never called: step() is overridden, because L-BFGS needs the closure. */
  protected update(): void {
    throw new ArgumentError('LBFGS', 'closure', 'is required: call step(closure)');
  }

  /** State tensors of L-BFGS are flat vectors over all parameters. */
  override checkStateTensor(where: string, v: Tensor, _p: Tensor): void {
    const n = this.numel();
    if (v.ndim !== 1 || v.shape[0] !== n) throw new ShapeError('LBFGS', where, `must be a flat vector of all ${n} parameter elements`, { state: v.shape });
  }

  private get params(): Tensor[] {
    return this.paramGroups[0]!.params;
  }
  private numel(): number {
    return this.params.reduce((n, p) => n + p.numel(), 0);
  }
  private vec(n: number): Tensor {
    return Tensor.zeros([n], this.params[0]!.dtype);
  }

  /** All gradients as one new flat vector (zeros for parameters without a gradient). */
  private gatherFlatGrad(): Tensor {
    const out = this.vec(this.numel());
    const data = out.storage.data as Vec;
    let offset = 0;
    for (const p of this.params) {
      if (p.grad !== null) data.set(contiguousData(p.grad) as Vec, offset);
      offset += p.numel();
    }
    return out;
  }

  /** p ← p + stepSize·update (the update is a flat vector over all parameters). */
  private addGrad(stepSize: number, update: Tensor): void {
    const u = data(update);
    const a = update.dtype === 'float32' ? Math.fround(stepSize) : stepSize;
    let offset = 0;
    for (const p of this.params) {
      const n = p.numel();
      const cur = contiguousData(p) as Vec;
      const next = Tensor.zeros(p.shape, p.dtype);
      const nd = next.storage.data as Vec;
      for (let i = 0; i < n; i++) nd[i] = cur[i]! + a * u[offset + i]!;
      copy_(p, next);
      offset += n;
    }
  }

  private directionalEvaluate(closure: () => Tensor, x: Tensor[], t: number, d: Tensor): [number, Tensor] {
    this.addGrad(t, d);
    const loss = lossValue(enableGrad(closure));
    const flatGrad = this.gatherFlatGrad();
    this.params.forEach((p, i) => copy_(p, x[i]!));
    return [loss, flatGrad];
  }

  /**
   * Runs up to maxIter L-BFGS iterations and returns the loss of the first closure call. The closure is
   * called with gradients enabled; it must zero the gradients, call backward() and return the loss.
   */
  override step(closure: () => Tensor): Tensor {
    if (typeof closure !== 'function') throw new ArgumentError('LBFGS', 'closure', 'is required: step(closure) re-evaluates the loss and its gradients');
    return noGrad(() => this.run(closure));
  }

  private run(closure: () => Tensor): Tensor {
    const group = this.paramGroups[0]!;
    const { lr, maxIter, maxEval, toleranceGrad, toleranceChange, lineSearchFn, historySize } = group;
    const dtype = this.params[0]!.dtype;
    // NOTE: PyTorch keeps these scalars as 0-d tensors of the parameters' dtype: round them the same way.
    const r: (x: number) => number = dtype === 'float32' ? Math.fround : (x) => x;

    // NOTE: L-BFGS has only global state; as PyTorch, it is registered on the first parameter.
    const state = this.stateOf(this.params[0]!);
    state.funcEvals ??= 0;
    state.nIter ??= 0;

    const origLoss = enableGrad(closure);
    let loss = lossValue(origLoss, 'LBFGS');
    let currentEvals = 1;
    state.funcEvals = (state.funcEvals as number) + 1;

    let flatGrad = this.gatherFlatGrad();
    let optCond = absMax(data(flatGrad)) <= r(toleranceGrad);
    if (optCond) return origLoss;

    let d = (state.d as Tensor | null | undefined) ?? null;
    let t = (state.t as number | undefined) ?? 0;
    let oldDirs = ((state.oldDirs as Tensor[] | undefined) ?? []).slice();
    let oldStps = ((state.oldStps as Tensor[] | undefined) ?? []).slice();
    let ro = ((state.ro as number[] | undefined) ?? []).slice();
    let Hdiag = (state.Hdiag as number | undefined) ?? 1;
    let prevFlatGrad = (state.prevFlatGrad as Tensor | null | undefined) ?? null;
    let prevLoss = (state.prevLoss as number | null | undefined) ?? null;

    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      state.nIter = (state.nIter as number) + 1;

      // Compute the descent direction.
      if (state.nIter === 1) {
        d = scaled(flatGrad, -1);
        oldDirs = [];
        oldStps = [];
        ro = [];
        Hdiag = 1;
      } else {
        const g = data(flatGrad);
        const y = this.vec(g.length);
        const yd = y.storage.data as Vec;
        const pg = data(prevFlatGrad!);
        for (let i = 0; i < g.length; i++) yd[i] = g[i]! - pg[i]!;
        const s = scaled(d!, t);
        const ys = r(dot(yd, data(s)));
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            // Shift the history by one (limited memory).
            oldDirs.shift();
            oldStps.shift();
            ro.shift();
          }
          oldDirs.push(y);
          oldStps.push(s);
          ro.push(r(1 / ys));
          Hdiag = r(ys / r(dot(yd, yd)));
        }
        // The two-loop recursion: the approximate inverse Hessian times the gradient.
        const numOld = oldDirs.length;
        const al = new Array<number>(numOld).fill(0);
        const q = scaled(flatGrad, -1);
        const qd = q.storage.data as Vec;
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = r(r(dot(data(oldStps[i]!), qd)) * ro[i]!);
          axpy(qd, -al[i]!, data(oldDirs[i]!));
        }
        d = scaled(q, Hdiag);
        const rd = d.storage.data as Vec;
        for (let i = 0; i < numOld; i++) {
          const be = r(r(dot(data(oldDirs[i]!), rd)) * ro[i]!);
          axpy(rd, r(al[i]! - be), data(oldStps[i]!));
        }
      }
      prevFlatGrad = clone(flatGrad);
      prevLoss = loss;

      // Step length: the first iteration ever is scaled by the gradient's 1-norm.
      if (state.nIter === 1) {
        const inv = r(1 / r(absSum(data(flatGrad))));
        t = inv < 1 ? r(inv * lr) : lr;
      } else {
        t = lr;
      }
      const gtd = r(dot(data(flatGrad), data(d!)));
      if (gtd > r(-toleranceChange)) break;

      let lsFuncEvals = 0;
      if (lineSearchFn === 'strong_wolfe') {
        const xInit = this.params.map((p) => clone(p));
        const res = strongWolfe((x, tt, dd) => this.directionalEvaluate(closure, x, tt, dd), xInit, t, d!, loss, flatGrad, gtd, r, toleranceChange);
        [loss, flatGrad, t, lsFuncEvals] = res;
        this.addGrad(t, d!);
        optCond = absMax(data(flatGrad)) <= r(toleranceGrad);
      } else {
        this.addGrad(t, d!);
        if (nIter !== maxIter) {
          // Re-evaluate only if another iteration follows (in a stochastic setting the value is of no use).
          loss = lossValue(enableGrad(closure), 'LBFGS');
          flatGrad = this.gatherFlatGrad();
          optCond = absMax(data(flatGrad)) <= r(toleranceGrad);
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      state.funcEvals = (state.funcEvals as number) + lsFuncEvals;

      // Stopping conditions.
      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      if (maxAbsScaled(data(d!), t) <= r(toleranceChange)) break;
      if (Math.abs(loss - prevLoss) < toleranceChange) break;
    }

    state.d = d;
    state.t = t;
    state.oldDirs = oldDirs;
    state.oldStps = oldStps;
    state.ro = ro;
    state.Hdiag = Hdiag;
    state.prevFlatGrad = prevFlatGrad;
    state.prevLoss = prevLoss;
    return origLoss;
  }
}

/** The loss as a number (PyTorch's float(closure())); the closure must return a one-element tensor. */
function lossValue(loss: unknown, op = 'LBFGS'): number {
  if (!(loss instanceof Tensor) || loss.numel() !== 1) throw new ArgumentError(op, 'closure', `must return the loss as a one-element tensor, got ${loss instanceof Tensor ? `shape [${loss.shape.join(',')}]` : typeof loss}`);
  return Number(loss.item());
}

/** The elements of a contiguous optimizer-owned vector (or a contiguous copy of another). */
function data(t: Tensor): Vec {
  return contiguousData(t) as Vec;
}

function scaled(x: Tensor, c: number): Tensor {
  const src = data(x);
  const out = Tensor.zeros([src.length], x.dtype);
  const o = out.storage.data as Vec;
  for (let i = 0; i < src.length; i++) o[i] = src[i]! * c;
  return out;
}

function dot(a: Vec, b: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** y ← y + alpha·x. */
function axpy(y: Vec, alpha: number, x: Vec): void {
  for (let i = 0; i < y.length; i++) y[i] = y[i]! + alpha * x[i]!;
}

function absMax(a: Vec): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]!);
    if (!(v <= m)) m = v; // NaN propagates, as torch.max
  }
  return m;
}

function absSum(a: Vec): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]!);
  return s;
}

/** max|c·a_i| with the products rounded to a's precision (PyTorch's d.mul(t).abs().max()). */
function maxAbsScaled(a: Vec, c: number): number {
  const r: (x: number) => number = a instanceof Float32Array ? Math.fround : (x) => x;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(r(a[i]! * c));
    if (!(v <= m)) m = v;
  }
  return m;
}

type ObjFunc = (x: Tensor[], t: number, d: Tensor) => [number, Tensor];

/**
 * PyTorch's _strong_wolfe (from lswolfe.lua): bracket a step meeting the strong Wolfe conditions
 * (sufficient decrease c1, curvature c2), then zoom with cubic interpolation. Returns
 * [loss, flat gradient, step, evaluations].
 */
function strongWolfe(objFunc: ObjFunc, x: Tensor[], t0: number, d: Tensor, f: number, g0: Tensor, gtd: number, r: (x: number) => number, toleranceChange = 1e-9, c1 = 1e-4, c2 = 0.9, maxLs = 25): [number, Tensor, number, number] {
  let t = t0;
  const dNorm = absMax(data(d));
  const g = clone(g0);
  let [fNew, gNew] = objFunc(x, t, d);
  let lsFuncEvals = 1;
  let gtdNew = r(dot(data(gNew), data(d)));

  // Bracket an interval containing a point satisfying the Wolfe criteria.
  let tPrev = 0;
  let fPrev = f;
  let gPrev = g;
  let gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [];
  let bracketF: number[] = [];
  let bracketG: Tensor[] = [];
  let bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, clone(gNew)];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t];
      bracketF = [fNew];
      bracketG = [gNew];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t];
      bracketF = [fPrev, fNew];
      bracketG = [gPrev, clone(gNew)];
      bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    // Interpolate.
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    // Next step.
    tPrev = tmp;
    fPrev = fNew;
    gPrev = clone(gNew);
    gtdPrev = gtdNew;
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals++;
    gtdNew = r(dot(data(gNew), data(d)));
    lsIter++;
  }
  // Reached the most iterations?
  if (lsIter === maxLs) {
    bracket = [0, t];
    bracketF = [f, fNew];
    bracketG = [g, gNew];
  }

  // Zoom: refine the bracket until a point satisfies the criteria.
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    // The bracket is too small.
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    // The new trial value.
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    // If t is close to a boundary twice in a row (or at it), move it 0.1·|bracket| inside.
    const bMax = pyMax(bracket[0]!, bracket[1]!);
    const bMin = pyMin(bracket[0]!, bracket[1]!);
    const eps = 0.1 * (bMax - bMin);
    if (pyMin(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    // Evaluate the new point.
    [fNew, gNew] = objFunc(x, t, d);
    lsFuncEvals++;
    gtdNew = r(dot(data(gNew), data(d)));
    lsIter++;

    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]!) {
      // Armijo condition not met, or not lower than the lowest point.
      bracket[highPos] = t;
      bracketF[highPos] = fNew;
      bracketG[highPos] = clone(gNew);
      bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true; // the Wolfe conditions hold
      } else if (gtdNew * (bracket[highPos]! - bracket[lowPos]!) >= 0) {
        // The old high becomes the new low.
        bracket[highPos] = bracket[lowPos]!;
        bracketF[highPos] = bracketF[lowPos]!;
        bracketG[highPos] = bracketG[lowPos]!;
        bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      // The new point becomes the new low.
      bracket[lowPos] = t;
      bracketF[lowPos] = fNew;
      bracketG[lowPos] = clone(gNew);
      bracketGtd[lowPos] = gtdNew;
    }
  }
  return [bracketF[lowPos]!, bracketG[lowPos]!, bracket[lowPos]!, lsFuncEvals];
}
