// gradcheck + gradgradcheck (float64 central differences vs backward) over every opinfo entry and
// sample, a coverage check that the samples exercise every recorded primitive (and its double
// backward), and proof that the checker fails on wrong gradients.
//
// Map: 1. every opinfo sample, first and second order; 2. primitive coverage; 3. the checker itself.
// To add an op, add an entry in tests/helpers/opinfo.ts; this file picks it up.

import { describe, expect, it } from 'vitest';
import { Generator, Tensor, autograd, cos, detach, mul, sin, sub, sum, tensor, type GradNode } from '../../src/index.js';
import { derivatives } from '../../src/autograd/derivatives.js';
import type { PrimitiveName } from '../../src/primitives.js';
import { opInfos, seedFor, type OpInfo, type Sample } from '../helpers/opinfo.js';

const { gradcheck, gradgradcheck, GradcheckError } = autograd;

function checkOptions(info: OpInfo): { eps?: number; atol?: number; rtol?: number } {
  return { ...info.tol };
}

function samplesOf(info: OpInfo): Sample[] {
  return info.samples(new Generator(seedFor(info.name)));
}

describe('gradcheck over the op database', () => {
  it('has unique entry names and several samples per entry', () => {
    const names = opInfos.map((o) => o.name);
    expect(new Set(names).size).toBe(names.length);
    for (const info of opInfos) expect(samplesOf(info).length, info.name).toBeGreaterThanOrEqual(1);
    expect(opInfos.length).toBeGreaterThanOrEqual(70);
  });

  for (const info of opInfos) {
    describe(info.name, () => {
      samplesOf(info).forEach((s, i) => {
        it(`#${i} ${s.desc}`, () => {
          // Every sample must actually be differentiable in float64.
          expect(s.inputs.some((x) => x.requiresGrad)).toBe(true);
          for (const x of s.inputs) if (x.requiresGrad) expect(x.dtype).toBe('float64');
          expect(gradcheck(s.fn, s.inputs, checkOptions(info))).toBe(true);
          if (info.gradgrad) expect(gradgradcheck(s.fn, s.inputs, { ...checkOptions(info), seed: i })).toBe(true);
        });
      });
    });
  }
});

// Compile-time list of every primitive: adding one to primitives.ts without listing it fails typecheck.
const ALL_PRIMITIVES: Record<PrimitiveName, true> = {
  neg: true, abs: true, sign: true, exp: true, log: true, log1p: true, sqrt: true, sin: true, cos: true, tanh: true,
  sigmoid: true, relu: true, erf: true, leakyRelu: true, elu: true, clamp: true, powScalar: true,
  add: true, sub: true, mul: true, div: true, pow: true, maximum: true, minimum: true, where: true, reluBackward: true,
  sum: true, mean: true, amax: true, amin: true, maxDim: true, minDim: true, softmax: true, logSoftmax: true,
  matmul: true, reshape: true, permute: true, expand: true, slice: true, sliceBackward: true, cat: true, clone: true,
  cast: true, gather: true, scatterAdd: true,
  conv2d: true, conv2dBackwardInput: true, conv2dBackwardWeight: true,
  maxPool: true, maxPoolBackward: true, avgPool: true, avgPoolBackward: true, batchNorm: true, layerNorm: true, normBackward: true,
  rnnLayer: true,
};

function collectOps(roots: readonly (Tensor | null)[], into: Set<string>): void {
  const stack: GradNode[] = [];
  for (const r of roots) if (r?.gradFn) stack.push(r.gradFn);
  const seen = new Set<GradNode>();
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    into.add(n.op);
    for (const e of n.next) if (e !== null && !(e instanceof Tensor)) stack.push(e);
  }
}

describe('coverage', () => {
  it('the samples record every primitive in forward, and every rule is differentiated again', () => {
    expect(Object.keys(derivatives).sort()).toEqual(Object.keys(ALL_PRIMITIVES).sort());
    const forward = new Set<string>();
    const backward = new Set<string>();
    for (const info of opInfos) {
      for (const s of samplesOf(info)) {
        const out = s.fn(...s.inputs);
        const outs = out instanceof Tensor ? [out] : [...out];
        collectOps(outs, forward);
        const diffOuts = outs.filter((o) => o.requiresGrad);
        const xs = s.inputs.filter((x) => x.requiresGrad);
        const gs = autograd.grad(diffOuts, xs, {
          // Cotangents that require grad, as in gradgradcheck: linear ops' rules then record too.
          gradOutputs: diffOuts.map((o) => tensor(Float64Array.from({ length: o.numel() }, (_, k) => 0.5 + k), { dtype: 'float64', shape: o.shape as number[], requiresGrad: true })),
          createGraph: true, allowUnused: true,
        });
        collectOps(gs, backward);
      }
    }
    const missingForward = Object.keys(ALL_PRIMITIVES).filter((p) => !forward.has(p) && p !== 'sliceBackward');
    expect(missingForward).toEqual([]);
    // sliceBackward is only recorded by slice's rule; gradgradcheck then differentiates it.
    expect(backward.has('sliceBackward')).toBe(true);
  });
});

describe('the checker fails on wrong gradients', () => {
  it('a gradient that misses a term (detach trick) is rejected', () => {
    const x = tensor([0.5, -1.2, 2], { dtype: 'float64', requiresGrad: true });
    // f(x) = x·x with one factor detached: the value is x², the analytic gradient is x, not 2x.
    const wrong = (a: Tensor): Tensor => mul(detach(a), a);
    expect(() => gradcheck(wrong, [x])).toThrow(GradcheckError);
    expect(() => gradcheck(wrong, [x])).toThrow(/Jacobian mismatch for output 0 element 0 with respect to input 0 element 0/);
    expect(gradcheck(wrong, [x], { raiseException: false })).toBe(false);
    // The honest version passes.
    expect(gradcheck((a: Tensor) => mul(a, a), [x])).toBe(true);
  });

  it('a right gradient with a wrong second derivative passes gradcheck and fails gradgradcheck', () => {
    const x = tensor([0.5, -1.2, 2], { dtype: 'float64', requiresGrad: true });
    // g(x) = 2·x̄·x − x̄² (x̄ detached) equals x² with gradient 2x̄ = 2x, but its "second derivative" is 0.
    const f = (a: Tensor): Tensor => sub(mul(mul(detach(a), 2), a), mul(detach(a), detach(a)));
    expect(gradcheck(f, [x])).toBe(true);
    expect(() => gradgradcheck(f, [x])).toThrow(GradcheckError);
    expect(gradgradcheck(f, [x], { raiseException: false })).toBe(false);
  });

  it('a broken rule in the derivative table is caught by the opinfo samples', () => {
    const original = derivatives.sin;
    // 1% too large: a plausible typo-level bug.
    derivatives.sin = (c) => [() => mul(mul(c.grad, cos(c.input(0))), 1.01)];
    try {
      const info = opInfos.find((o) => o.name === 'sin')!;
      const failures = samplesOf(info).filter((s) => !gradcheck(s.fn, s.inputs, { raiseException: false }));
      expect(failures.length).toBeGreaterThan(0);
    } finally {
      derivatives.sin = original;
    }
    const x = tensor([0.3, 1.1], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((a: Tensor) => sum(sin(a)), [x])).toBe(true);
  });

  it('refuses to check when nothing requires grad', () => {
    expect(() => gradcheck((a: Tensor) => a, [tensor([1], { dtype: 'float64' })])).toThrow(/requiresGrad/);
  });
});
