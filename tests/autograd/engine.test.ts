// Autograd semantics (PyTorch's): .grad accumulation and zeroing, root gradient checks, freed graphs
// and retainGraph, version counters for in-place writes, grad modes, detach, retainGrad,
// autograd.grad (allowUnused, materializeGrads, createGraph), jacobian/hessian/vjp/hvp, long chains,
// diamonds, and .grad tensors that never alias each other or the caller's gradient.

import { describe, expect, it } from 'vitest';
import {
  ArgumentError, AutogradError, NodegradError, ShapeError, Tensor, add, autograd, cos, detach, enableGrad, exp, isGradEnabled,
  matmul, mul, nn, noGrad, optim, pow, sin, square, sum, t, tensor, zeros,
} from '../../src/index.js';

const f64 = (v: number | number[] | number[][], grad = true): Tensor<'float64'> => tensor(v, { dtype: 'float64', requiresGrad: grad });
const vals = (x: Tensor | null): number[] => {
  if (x === null) throw new Error('expected a tensor, got null');
  return Array.from(x.toTypedArray() as ArrayLike<number>);
};
const close = (got: number[], want: number[], tol = 1e-10): void => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]!), `element ${i}: ${g} vs ${want[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want[i]!))));
};

describe('.grad accumulation', () => {
  it('accumulates across backward calls and resets with zeroGrad', () => {
    const x = f64([1, -2, 3]);
    sum(mul(x, x)).backward();
    close(vals(x.grad), [2, -4, 6]);
    sum(mul(x, x)).backward();
    close(vals(x.grad), [4, -8, 12]);
    // Module.zeroGrad / Optimizer.zeroGrad set .grad to null (PyTorch's set_to_none).
    const lin = new nn.Linear(3, 1);
    sum(lin.forward(tensor([[1, 2, 3]]))).backward();
    expect(lin.weight.grad).not.toBeNull();
    lin.zeroGrad();
    expect(lin.weight.grad).toBeNull();
    const opt = new optim.SGD([x], { lr: 0.1 });
    opt.zeroGrad();
    expect(x.grad).toBeNull();
    sum(mul(x, 3)).backward();
    close(vals(x.grad), [3, 3, 3]);
    opt.zeroGrad(false);
    close(vals(x.grad), [0, 0, 0]);
  });

  it('accumulates over repeated backward of one retained graph', () => {
    const x = f64([0.5, 2]);
    const y = sum(exp(x));
    y.backward(null, { retainGraph: true });
    y.backward(null, { retainGraph: true });
    close(vals(x.grad), [2 * Math.exp(0.5), 2 * Math.exp(2)]);
  });
});

describe('root gradients', () => {
  it('a non-scalar output without a gradient throws AutogradError naming its shape', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    const y = mul(x, 2);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/shape \[2,3\]/);
    expect(() => autograd.grad(y, x)).toThrow(/shape \[2,3\]/);
  });
  it('a gradient of the wrong shape throws ShapeError; a non-float one DTypeError', () => {
    const x = f64([[1, 2, 3], [4, 5, 6]]);
    const y = mul(x, 2);
    expect(() => y.backward(zeros([3, 2], { dtype: 'float64' }))).toThrow(ShapeError);
    expect(() => y.backward(zeros([6], { dtype: 'float64' }))).toThrow(/must have the shape of its output/);
    expect(() => y.backward(zeros([2, 3], { dtype: 'int32' }))).toThrow(/floating point/);
    y.backward(tensor([[1, 0, 0], [0, 0, 1]], { dtype: 'float64' }));
    close(vals(x.grad), [2, 0, 0, 0, 0, 2]);
  });
  it('backward of a tensor that does not require grad throws', () => {
    expect(() => sum(tensor([1, 2])).backward()).toThrow(AutogradError);
  });
});

describe('freed graphs and retainGraph', () => {
  it('a second backward that needs saved tensors throws, unless the first retained the graph', () => {
    const x = f64([1, 2]);
    const y = sum(mul(x, x));
    y.backward();
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => y.backward()).toThrow(/second time.*retainGraph/);

    const x2 = f64([1, 2]);
    const y2 = sum(mul(x2, x2));
    y2.backward(null, { retainGraph: true });
    y2.backward();
    close(vals(x2.grad), [4, 8]);
  });
  it('a graph without saved tensors (adds) can be walked again, as in PyTorch', () => {
    const x = f64([1, 2]);
    const y = sum(add(x, 1));
    y.backward();
    y.backward();
    close(vals(x.grad), [2, 2]);
  });
});

describe('in-place writes and versions', () => {
  it('modifying a saved input in place (inside noGrad) makes backward throw about versions', () => {
    const x = f64([1, 2, 3], false);
    const w = f64([0.5, -1, 2]);
    const y = sum(mul(x, w));
    noGrad(() => x.mul_(2));
    expect(x.version).toBe(1);
    expect(() => y.backward()).toThrow(AutogradError);
    expect(() => sum(mul(x, w)).backward()).not.toThrow();
    const y2 = sum(mul(x, w));
    noGrad(() => x.add_(1));
    expect(() => y2.backward()).toThrow(/modified by an in-place operation.*version 2.*version 1/);
  });
  it('modifying a saved output in place makes backward throw', () => {
    const w = f64([0.5, -1]);
    const y = exp(w);
    noGrad(() => y.mul_(2));
    expect(() => sum(y).backward()).toThrow(/output of 'exp'.*in-place/);
  });
  it('a view shares the version counter of its base', () => {
    const base = f64([[1, 2], [3, 4]], false);
    const w = f64([1, 1]);
    const y = sum(mul(base.index(0), w));
    noGrad(() => base.index(1).fill_(0));
    expect(() => y.backward()).toThrow(AutogradError);
  });
  it('in-place ops on a leaf that requires grad throw outside noGrad and work inside', () => {
    const w = f64([1, 2]);
    expect(() => w.add_(1)).toThrow(ArgumentError);
    expect(() => w.mul_(2)).toThrow(/leaf tensor that requires grad.*noGrad/);
    noGrad(() => w.add_(1));
    expect(w.tolist()).toEqual([2, 3]);
    const h = mul(w, 2);
    expect(() => h.add_(1)).toThrow(/part of the autograd graph/);
  });
});

describe('grad modes, detach, retainGrad', () => {
  it('noGrad results do not require grad; enableGrad turns recording back on', () => {
    const w = f64([1, 2]);
    const y = noGrad(() => mul(w, 2));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    expect(isGradEnabled()).toBe(true);
    const z = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      return enableGrad(() => mul(w, 2));
    });
    expect(z.requiresGrad).toBe(true);
    expect(z.gradFn?.op).toBe('mul');
    // The mode is restored even when fn throws.
    expect(() => noGrad(() => { throw new Error('boom'); })).toThrow('boom');
    expect(isGradEnabled()).toBe(true);
  });
  it('detach cuts the graph but shares storage', () => {
    const w = f64([1, 2, 3]);
    const d = detach(w);
    expect(d.requiresGrad).toBe(false);
    expect(d.storage).toBe(w.storage);
    sum(mul(d, w)).backward();
    close(vals(w.grad), [1, 2, 3]);
  });
  it('retainGrad keeps .grad of a non-leaf; other non-leaves keep none', () => {
    const w = f64([1, -2]);
    const h = mul(w, 3).retainGrad();
    const k = mul(h, 1);
    sum(square(k)).backward();
    close(vals(h.grad), [6, -12]);
    expect(k.grad).toBeNull();
    close(vals(w.grad), [18, -36]);
  });
});

describe('autograd.grad', () => {
  it('does not touch .grad', () => {
    const x = f64([1, 2]);
    const [g] = autograd.grad(sum(mul(x, x)), x);
    close(vals(g!), [2, 4]);
    expect(x.grad).toBeNull();
  });
  it('allowUnused returns null, materializeGrads returns zeros, otherwise it throws', () => {
    const x = f64([1, 2]);
    const u = f64([5, 6, 7]);
    expect(() => autograd.grad(sum(x), [x, u])).toThrow(/input 1 was not used/);
    const [gx, gu] = autograd.grad(sum(x), [x, u], { allowUnused: true });
    close(vals(gx!), [1, 1]);
    expect(gu).toBeNull();
    const [, gz] = autograd.grad(sum(x), [x, u], { materializeGrads: true });
    expect(gz!.shape).toEqual([3]);
    close(vals(gz!), [0, 0, 0]);
  });
  it('createGraph gives gradients of gradients: d²/dx² x³ = 6x', () => {
    const x = f64([0.5, -1, 2]);
    const [g] = autograd.grad(sum(pow(x, 3)), x, { createGraph: true });
    close(vals(g!), [0.75, 3, 12]);
    expect(g!.requiresGrad).toBe(true);
    const [h] = autograd.grad(sum(g!), x);
    close(vals(h!), [3, -6, 12]);
    // Third order: d³/dx³ x³ = 6.
    const [g1] = autograd.grad(sum(pow(x, 3)), x, { createGraph: true });
    const [g2] = autograd.grad(sum(g1!), x, { createGraph: true });
    const [g3] = autograd.grad(sum(g2!), x);
    close(vals(g3!), [6, 6, 6]);
  });
  it('a gradient penalty d/dθ ||∇ₓf||² matches the closed form', () => {
    const xs = [0.3, -1.1, 2];
    const ws = [1.5, -0.5, 2];
    const x = f64(xs);
    const w = f64(ws);
    const f = sum(mul(sin(x), w));
    const [gx] = autograd.grad(f, x, { createGraph: true });
    close(vals(gx!), xs.map((v, i) => Math.cos(v) * ws[i]!));
    const penalty = sum(square(gx!));
    penalty.backward();
    // ||∇f||² = Σ cos²(x)·w²: d/dx = −sin(2x)·w², d/dw = 2·cos²(x)·w.
    close(vals(x.grad), xs.map((v, i) => -Math.sin(2 * v) * ws[i]! ** 2));
    close(vals(w.grad), xs.map((v, i) => 2 * Math.cos(v) ** 2 * ws[i]!));
  });
  it('gradOutputs weights non-scalar outputs; several outputs sum', () => {
    const x = f64([1, 2]);
    const [g] = autograd.grad([mul(x, 2), sum(x)], x, { gradOutputs: [f64([1, -1], false), f64(3, false)] });
    close(vals(g!), [5, 1]);
  });
});

describe('jacobian, hessian, vjp, hvp', () => {
  const M = [[1, 2, 3], [4, 5, 6]];
  it('the jacobian of a linear map is its matrix', () => {
    const A = f64(M, false);
    const J = autograd.jacobian((x: Tensor) => matmul(A, x), f64([0.1, 0.2, 0.3], false)) as Tensor;
    expect(J.shape).toEqual([2, 3]);
    expect(J.tolist()).toEqual(M);
  });
  it('the hessian of x·Ax is A + Aᵀ', () => {
    const a = [[1, 2, 0], [-1, 3, 4], [0.5, 0, 2]];
    const A = f64(a, false);
    const H = autograd.hessian((x: Tensor) => matmul(x, matmul(A, x)), f64([0.3, -0.7, 1.1], false)) as Tensor;
    expect(H.shape).toEqual([3, 3]);
    close(vals(H), a.flatMap((row, i) => row.map((v, j) => v + a[j]![i]!)));
  });
  it('nests [output][input] for several inputs and outputs, with shapes [...out, ...in]', () => {
    const fn = (a: Tensor, b: Tensor): Tensor[] => [mul(a, b), sum(mul(a, 2))];
    const a = f64([1, 2], false);
    const b = f64([3, 4], false);
    const J = autograd.jacobian(fn, [a, b]) as Tensor[][];
    expect(J.length).toBe(2);
    expect(J[0]!.length).toBe(2);
    expect(J[0]![0]!.shape).toEqual([2, 2]);
    expect(J[1]![0]!.shape).toEqual([2]);
    expect(J[0]![0]!.tolist()).toEqual([[3, 0], [0, 4]]);
    expect(J[0]![1]!.tolist()).toEqual([[1, 0], [0, 2]]);
    expect(J[1]![0]!.tolist()).toEqual([2, 2]);
    expect(J[1]![1]!.tolist()).toEqual([0, 0]);
    expect(() => autograd.jacobian(fn, [a, b], { strict: true })).toThrow(/does not depend on input 1/);
    // One input, several outputs: one tensor per output.
    const Jo = autograd.jacobian((x: Tensor) => [mul(x, 3), sum(x)], a) as Tensor[];
    expect(Jo.map((j) => j.shape)).toEqual([[2, 2], [2]]);
    // A 2-D input: [...out, ...in].
    const J2 = autograd.jacobian((x: Tensor) => sum(square(x), 1), f64([[1, 2, 3], [4, 5, 6]], false)) as Tensor;
    expect(J2.shape).toEqual([2, 2, 3]);
    expect(J2.tolist()).toEqual([[[2, 4, 6], [0, 0, 0]], [[0, 0, 0], [8, 10, 12]]]);
  });
  it('hessian blocks for several inputs: f = Σ x²·y', () => {
    const x = f64([1, 2], false);
    const y = f64([3, -1], false);
    const H = autograd.hessian((a: Tensor, b: Tensor) => sum(mul(square(a), b)), [x, y]) as Tensor[][];
    close(vals(H[0]![0]!), [6, 0, 0, -2]);
    close(vals(H[0]![1]!), [2, 0, 0, 4]);
    close(vals(H[1]![0]!), [2, 0, 0, 4]);
    close(vals(H[1]![1]!), [0, 0, 0, 0]);
  });
  it('vjp and hvp', () => {
    const x = f64([1, -2, 0.5], false);
    const [out, g] = autograd.vjp((a: Tensor) => mul(a, a), x, f64([1, 2, 3], false));
    close(vals(out as Tensor), [1, 4, 0.25]);
    close(vals(g as Tensor), [2, -8, 3]);
    const [y, hv] = autograd.hvp((a: Tensor) => sum(pow(a, 3)), x, f64([1, 1, 2], false));
    close(vals(y), [1 - 8 + 0.125]);
    close(vals(hv as Tensor), [6, -12, 6]);
    // The functional API differentiates fresh leaves: the caller's tensor is untouched.
    expect(x.requiresGrad).toBe(false);
    expect(x.grad).toBeNull();
  });
});

describe('graph shapes', () => {
  it('a chain of 20000 sequential adds does not overflow the stack', () => {
    const x = f64(0.5);
    let y: Tensor = x;
    for (let i = 0; i < 20000; i++) y = add(y, 1);
    y.backward();
    expect(x.grad!.item()).toBe(1);
    close(vals(y), [20000.5]);
  });
  it('a deep chain of muls gets the product rule right', () => {
    const x = f64(1);
    let y: Tensor = x;
    for (let i = 0; i < 5000; i++) y = mul(y, 1.0001);
    y.backward();
    close([x.grad!.item() as number], [1.0001 ** 5000], 1e-9);
  });
  it('a diamond graph sums the gradients of every path', () => {
    const x = f64([0.5, -1]);
    const y = mul(x, 3);
    const z = add(mul(y, y), y); // y² + y, so dz/dx = (2y + 1)·3
    sum(z).backward();
    close(vals(x.grad), [(2 * 1.5 + 1) * 3, (2 * -3 + 1) * 3]);
  });
  it('a node reused 100 times gets the sum of 100 gradients', () => {
    const x = f64([2]);
    const y = mul(x, 3);
    let acc: Tensor = mul(y, 0);
    for (let i = 0; i < 100; i++) acc = add(acc, y);
    sum(acc).backward();
    close(vals(x.grad), [300]);
    // Through a transposed view too.
    const m = f64([[1, 2], [3, 4]]);
    const s = sum(add(mul(m, t(m)), t(m)));
    s.backward();
    // d/dm Σ m∘mᵀ + mᵀ = 2mᵀ + 1.
    close(vals(m.grad), [3, 7, 5, 9]);
  });
});

describe('.grad tensors never alias', () => {
  it('two leaves that receive the same gradient tensor get separate .grad storage', () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    add(a, b).backward(f64([1, 1], false));
    expect(a.grad!.storage).not.toBe(b.grad!.storage);
    noGrad(() => a.grad!.mul_(2));
    close(vals(a.grad), [2, 2]);
    close(vals(b.grad), [1, 1]);
  });
  it('scalar roots: z = a + b; z.backward()', () => {
    const a = f64(1);
    const b = f64(2);
    add(a, b).backward();
    noGrad(() => a.grad!.mul_(2));
    expect(a.grad!.item()).toBe(2);
    expect(b.grad!.item()).toBe(1);
  });
  it("a leaf's .grad does not alias the caller's gradient tensor", () => {
    const a = f64([1, 2]);
    const b = f64([3, 4]);
    const g = f64([1, 1], false);
    add(a, b).backward(g);
    noGrad(() => g.mul_(5));
    close(vals(a.grad), [1, 1]);
    close(vals(b.grad), [1, 1]);
    // A leaf root too.
    const c = f64([1, 2]);
    c.backward(g);
    noGrad(() => g.mul_(2));
    close(vals(c.grad), [5, 5]);
  });
  it("a retained non-leaf's .grad does not alias a leaf's .grad", () => {
    const x = f64([1, 2]);
    const h = mul(x, 1).retainGrad();
    const b = f64([3, 4]);
    add(h, b).backward(f64([1, 1], false));
    noGrad(() => h.grad!.mul_(3));
    close(vals(h.grad), [3, 3]);
    close(vals(b.grad), [1, 1]);
    close(vals(x.grad), [1, 1]);
  });
  it('a leaf gradient from a broadcast (expanded) gradient is a writable, contiguous tensor', () => {
    const a = f64([1, 2, 3]);
    sum(a).backward();
    expect(a.grad!.isContiguous()).toBe(true);
    noGrad(() => a.grad!.mul_(2));
    close(vals(a.grad), [2, 2, 2]);
    const h = mul(a, 1).retainGrad();
    sum(h).backward();
    expect(() => noGrad(() => h.grad!.mul_(2))).not.toThrow();
  });
  it('accumulation after an alias-safe first gradient keeps the two leaves independent', () => {
    const a = f64([1]);
    const b = f64([1]);
    add(a, b).backward(f64([1], false));
    add(a, b).backward(f64([1], false));
    noGrad(() => a.grad!.add_(10));
    close(vals(a.grad), [12]);
    close(vals(b.grad), [2]);
  });
});

describe('typed errors', () => {
  it('are NodegradErrors with an op name', () => {
    try {
      mul(f64([[1, 2]]), 1).backward();
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NodegradError);
      expect((e as NodegradError).op).toBe('backward');
    }
    expect(cos(f64([1])).gradFn?.op).toBe('cos');
  });
});
