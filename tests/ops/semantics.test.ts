// Edge-case semantics checked against PyTorch 1.13 by hand (values printed by torch), on both backends:
// NaN handling of sign/heaviside/relu/clamp, clamp with min > max, pow with base 1, and the gemm
// contract's alpha = 0 (BLAS: A and B are not read).
import { afterEach, describe, expect, it } from 'vitest';
import { clamp, heaviside, pow, relu, setBackend, sign, tensor } from '../../src/index.js';
import { referenceKernels } from '../../src/backend/reference/index.js';
import { loadNativeKernels } from '../../src/backend/native/native.js';

const both = ['native', 'reference'] as const;
const list = (t: { tolist(): unknown }): unknown => JSON.stringify(t.tolist(), (_, v: unknown) => (typeof v === 'number' && Number.isNaN(v) ? 'nan' : v));

afterEach(() => setBackend('native'));

describe.each(both)('PyTorch edge semantics on %s', (backend) => {
  it('sign and heaviside map NaN to 0; relu and clamp keep NaN', () => {
    setBackend(backend);
    const x = tensor([NaN, -0, 2, Infinity, -3]);
    // torch.sign(x) = [0., 0., 1., 1., -1.]; torch.heaviside(x, 0.5) = [0, 0.5, 1, 1, 0]
    expect(list(sign(x))).toBe(JSON.stringify([0, 0, 1, 1, -1]));
    expect(list(heaviside(x, 0.5))).toBe(JSON.stringify([0, 0.5, 1, 1, 0]));
    expect(list(relu(x))).toBe(JSON.stringify(['nan', 0, 2, Infinity, 0]));
    expect(list(clamp(x, -1, 1))).toBe(JSON.stringify(['nan', 0, 1, 1, -1]));
  });
  it('clamp with min > max gives max everywhere', () => {
    setBackend(backend);
    // torch.clamp(torch.tensor([-5., 0., 5.]), min=2, max=1) = [1., 1., 1.]
    expect(clamp(tensor([-5, 0, 5]), 2, 1).tolist()).toEqual([1, 1, 1]);
    expect(clamp(tensor([-5, 0, 5], { dtype: 'int32' }), 2, 1).tolist()).toEqual([1, 1, 1]);
  });
  it('pow(1, NaN) = 1 and pow(-1, inf) = 1 (C99, as torch.pow)', () => {
    setBackend(backend);
    expect(list(pow(tensor([1, -1, 2]), tensor([NaN, Infinity, NaN])))).toBe(JSON.stringify([1, 1, 'nan']));
  });
});

describe('gemm contract: alpha = 0 reads neither A nor B', () => {
  const native = loadNativeKernels(referenceKernels);
  for (const [name, k] of [['reference', referenceKernels], ['native', native]] as const) {
    it(name, () => {
      const C = Float32Array.of(7);
      k.gemm(1, false, false, 1, 1, 1, 0, Float32Array.of(NaN), 0, 0, 1, Float32Array.of(Infinity), 0, 0, 1, 0.5, C, 0, 0, 1);
      expect(C[0]).toBe(3.5);
    });
  }
});
