// optim.Newton: one step solves a quadratic exactly (hand-solved minimiser); Rosenbrock from (-1.2, 1)
// follows the analytic Newton iteration and reaches (1, 1); at a non-convex point the damping engages
// (λ as computed by hand) and the loss decreases; past maxDamping the step is a gradient step; the
// Hessian equals a finite-difference Hessian of the loss values; errors.
import { describe, expect, it } from 'vitest';
import { ArgumentError, AutogradError, DTypeError, type Tensor, cat, optim, tensor, zeros } from '../../src/index.js';
import { expectClose } from '../helpers/compare.js';
import { choleskySolve } from '../../src/optim/newton.js';

const f64 = { dtype: 'float64' as const, requiresGrad: true };
const values = (t: Tensor): number[] => Array.from(t.toTypedArray() as Float64Array);

// f(x) = ½·xᵀAx − bᵀx + 5 with x = [u (2 elements), v (1 element)]: the minimiser solves A·x = b.
const A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]];
const B = [1, 2, 3];
const X_STAR = [2 / 9, 1 / 9, 13 / 9]; // by hand: 4·2/9 + 1/9 = 1, 2/9 + 3/9 + 13/9 = 2, 1/9 + 26/9 = 3
function quadratic(u: Tensor, v: Tensor): () => Tensor {
  const At = tensor(A, { dtype: u.dtype });
  const bt = tensor(B, { dtype: u.dtype });
  return () => {
    const x = cat([u, v]);
    return At.matmul(x.reshape(3, 1)).reshape(3).mul(x).sum().mul(0.5).sub(bt.mul(x).sum()).add(5);
  };
}

function rosenbrock(x: Tensor): () => Tensor {
  return () => {
    const x0 = x.select(0, 0);
    const x1 = x.select(0, 1);
    return x0.neg().add(1).pow(2).add(x1.sub(x0.pow(2)).pow(2).mul(100));
  };
}

describe('Newton', () => {
  it('solves a quadratic in exactly one step (parameters flattened across tensors)', () => {
    const u = tensor([3, -2], f64);
    const v = tensor([0.5], f64);
    const opt = new optim.Newton([u, v]);
    const loss = opt.step(quadratic(u, v));
    // f(x0) by hand: Ax0 = [10, −2.5, −1], ½·x0ᵀAx0 = ½(30 + 5 − 0.5) = 17.25, bᵀx0 = 3 − 4 + 1.5 = 0.5.
    expect(loss.item()).toBeCloseTo(17.25 - 0.5 + 5, 12);
    expectClose([...values(u), ...values(v)], X_STAR, { rtol: 1e-12, atol: 1e-14 }, 'minimiser');
    expect(opt.lastDamping).toBe(0);
    expect(opt.lastStepKind).toBe('newton');
    // At the minimiser the gradient is 0: another step stays.
    opt.step(quadratic(u, v));
    expectClose([...values(u), ...values(v)], X_STAR, { rtol: 1e-12, atol: 1e-14 }, 'second step');
  });

  it('lr scales the step, and float32 parameters work', () => {
    const u = tensor([3, -2], { requiresGrad: true });
    const v = tensor([0.5], { requiresGrad: true });
    new optim.Newton([u, v], { lr: 0.5 }).step(quadratic(u, v));
    const x0 = [3, -2, 0.5];
    expectClose([...u.toFloat32Array(), ...v.toFloat32Array()], x0.map((x, i) => x + 0.5 * (X_STAR[i]! - x)), { rtol: 1e-5, atol: 1e-6 }, 'half step');
  });

  it('Rosenbrock from (-1.2, 1) follows the analytic Newton iteration to (1, 1)', () => {
    const x = tensor([-1.2, 1], f64);
    const opt = new optim.Newton([x]);
    let [a, b] = [-1.2, 1];
    let steps = 0;
    while (steps < 10 && Math.hypot(a - 1, b - 1) > 1e-12) {
      // Analytic gradient and Hessian of (1 − a)² + 100(b − a²)², solved by Cramer's rule.
      const g = [-2 * (1 - a) - 400 * a * (b - a * a), 200 * (b - a * a)];
      const [h11, h12, h22] = [1200 * a * a - 400 * b + 2, -400 * a, 200];
      const det = h11 * h22 - h12 * h12;
      [a, b] = [a - (h22 * g[0]! - h12 * g[1]!) / det, b - (h11 * g[1]! - h12 * g[0]!) / det];
      opt.step(rosenbrock(x));
      steps++;
      expectClose(values(x), [a, b], { rtol: 1e-9, atol: 1e-12 }, `step ${steps}`);
      expect(opt.lastDamping, `step ${steps}: H is positive definite on this path`).toBe(0);
    }
    expect(steps).toBeLessThanOrEqual(8);
    expectClose(values(x), [1, 1], { rtol: 1e-10 }, 'minimum');
  });

  it('at a non-convex point the damping engages and the loss decreases', () => {
    // f = x² + (y² − 1)² at (0.5, 0.1): g = [1, 4y(y² − 1)] = [1, −0.396], H = diag(2, 12y² − 4) = diag(2, −3.88).
    // λ: 0 fails, then 1e-6, 1e-5, ..., 1 fail (−3.88 + λ < 0), λ = 10 works: d = [1/12, −0.396/6.12].
    const p = tensor([0.5, 0.1], f64);
    const f = (): Tensor => p.select(0, 0).pow(2).add(p.select(0, 1).pow(2).sub(1).pow(2));
    const opt = new optim.Newton([p]);
    const before = f().item() as number;
    opt.step(f);
    expect(opt.lastStepKind).toBe('newton');
    expect(opt.lastDamping!).toBeCloseTo(10, 9);
    const lambda = opt.lastDamping!;
    expectClose(values(p), [0.5 - 1 / (2 + lambda), 0.1 + 0.396 / (-3.88 + lambda)], { rtol: 1e-12 }, 'damped step');
    expect(f().item() as number).toBeLessThan(before);

    // A starting damping that already makes H + λI positive definite is used as is.
    const q = tensor([0.5, 0.1], f64);
    const opt2 = new optim.Newton([q], { damping: 5 });
    opt2.step(() => q.select(0, 0).pow(2).add(q.select(0, 1).pow(2).sub(1).pow(2)));
    expect(opt2.lastDamping).toBe(5);
    expectClose(values(q), [0.5 - 1 / 7, 0.1 + 0.396 / 1.12], { rtol: 1e-12 }, 'damping 5');
  });

  it('falls back to a gradient step when no λ up to maxDamping works', () => {
    const p = tensor([0.5, 0.1], f64);
    const opt = new optim.Newton([p], { maxDamping: 1, lr: 0.1 });
    opt.step(() => p.select(0, 0).pow(2).add(p.select(0, 1).pow(2).sub(1).pow(2)));
    expect(opt.lastStepKind).toBe('gradient');
    expect(opt.lastDamping).toBeNull();
    expectClose(values(p), [0.5 - 0.1 * 1, 0.1 - 0.1 * -0.396], { rtol: 1e-12 }, 'gradient step');
  });

  it('uses the exact Hessian: it equals a finite-difference Hessian of the loss values', () => {
    const X = tensor([[0.3, -1.2], [0.8, 0.5], [-0.7, 0.9]], { dtype: 'float64' });
    const W = tensor([[0.4, -0.6], [0.9, 0.2]], f64);
    const c = tensor([0.1, -0.3], f64);
    const loss = (): Tensor => X.matmul(W).add(c).tanh().pow(2).sum().mul(0.5).add(W.pow(3).sum().mul(0.1));
    const opt = new optim.Newton([W, c]);
    const { hessian, grad } = opt.derivatives(loss);
    expect(hessian.shape).toEqual([6, 6]);
    expect(grad.shape).toEqual([6]);
    const ps = [W, c];
    const flat = (): number[] => ps.flatMap(values);
    const x0 = flat();
    const at = (x: number[]): number => {
      ps.forEach((p, k) => p.detach().copy_(tensor(x.slice(k * 4, k * 4 + p.numel()), { dtype: 'float64' }).reshape(...(p.shape as number[]))));
      return loss().item() as number;
    };
    const h = 1e-4;
    const fd: number[] = [];
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        const e = (di: number, dj: number): number => at(x0.map((v, k) => v + (k === i ? di : 0) + (k === j ? dj : 0)));
        fd.push((e(h, h) - e(h, -h) - e(-h, h) + e(-h, -h)) / (4 * h * h));
      }
    }
    at(x0);
    expectClose(values(hessian), fd, { rtol: 1e-5, atol: 1e-6 }, 'Hessian vs finite differences');
    // And the step is −(H + λI)⁻¹g with that Hessian (indefinite here, so λ > 0, and H + λ/10·I fails).
    opt.step(loss);
    expect(opt.lastStepKind).toBe('newton');
    const lambda = opt.lastDamping!;
    expect(lambda).toBeGreaterThan(0);
    expect(choleskySolve(Float64Array.from(fd), 6, lambda / 10, Float64Array.from(values(grad)))).toBeNull();
    const d = choleskySolve(Float64Array.from(fd), 6, lambda, Float64Array.from(values(grad)))!;
    expectClose(flat(), x0.map((v, k) => v - d[k]!), { rtol: 1e-6, atol: 1e-8 }, 'Newton step');
  });

  it('choleskySolve solves SPD systems and reports indefinite ones', () => {
    const x = choleskySolve(Float64Array.from(A.flat()), 3, 0, Float64Array.from(B))!;
    expectClose(Array.from(x), X_STAR, { rtol: 1e-14, atol: 1e-15 }, 'solve');
    expect(choleskySolve(Float64Array.from([1, 2, 2, 1]), 2, 0, Float64Array.from([1, 1]))).toBeNull();
    expect(choleskySolve(Float64Array.from([1, 2, 2, 1]), 2, 1.5, Float64Array.from([1, 1]))).not.toBeNull();
    expect(choleskySolve(Float64Array.from([NaN]), 1, 0, Float64Array.from([1]))).toBeNull();
  });

  it('refuses bad closures, several groups, large problems, mixed dtypes and bad options', () => {
    const p = tensor([1, 2], f64);
    const opt = new optim.Newton([p]);
    expect(() => (opt.step as () => Tensor)()).toThrow(/Newton: closure is required/);
    expect(() => opt.step(() => p.mul(2))).toThrow(/one-element tensor/);
    expect(() =>
      opt.step(() => {
        const l = p.pow(2).sum();
        l.backward();
        return l;
      }),
    ).toThrow(AutogradError);
    expect(() =>
      opt.step(() => {
        const l = p.pow(2).sum();
        l.backward();
        return l;
      }),
    ).toThrow(/without calling backward/);
    expect(() => new optim.Newton([{ params: [p] }, { params: [tensor([1], f64)] }])).toThrow(/parameter groups/);
    expect(() => new optim.Newton([zeros([1001]).requiresGrad_()])).toThrow(ArgumentError);
    expect(() => new optim.Newton([zeros([40, 25]).requiresGrad_(), zeros([1]).requiresGrad_()])).toThrow(/have 1001 elements.*at most 1000/);
    expect(() => new optim.Newton([zeros([1000]).requiresGrad_()])).not.toThrow();
    expect(() => new optim.Newton([p, tensor([1], { requiresGrad: true })])).toThrow(DTypeError);
    expect(() => new optim.Newton([p], { dampingFactor: 1 })).toThrow(/dampingFactor must be a finite number > 1/);
    expect(() => new optim.Newton([p], { damping: 10, maxDamping: 1 })).toThrow(/damping must be <= maxDamping/);
    expect(() => new optim.Newton([p], { minDamping: 0 })).toThrow(/minDamping must be positive/);
    expect(() => new optim.Newton([p], { lr: -1 })).toThrow(/lr/);
    expect(() => new optim.Newton([p], { maxDamping: Infinity })).toThrow(/maxDamping must be finite/);
    expect(() => new optim.Newton([p], { lambda: 1 } as never)).toThrow(/option 'lambda'/);
  });

  it('a loss that does not depend on the parameters gives a zero step', () => {
    const p = tensor([1, 2], f64);
    const opt = new optim.Newton([p]);
    opt.step(() => tensor(3, { dtype: 'float64' }));
    expect(p.tolist()).toEqual([1, 2]);
  });
});
