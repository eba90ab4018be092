// matmul / mm / bmm with out= (PyTorch's keyword): the product written into an existing tensor equals the
// allocating matmul bit for bit (same kernel, same blocking), for every layout of out, on both backends;
// misuse is refused with a typed error naming the op and argument.
import { afterEach, describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, ShapeError, bmm, full, matmul, manualSeed, mm, noGrad, randn, setBackend, zeros } from '../../src/index.js';

afterEach(() => setBackend('native'));

describe.each(['native', 'reference'] as const)('matmul out= on %s', (backend) => {
  const cases: [string, number[], number[]][] = [
    ['2-D', [37, 53], [53, 41]],
    ['2-D large (packed path, threads)', [130, 301], [301, 97]],
    ['batched broadcast', [3, 1, 5, 7], [4, 7, 6]],
    ['[..., M, K] @ [K, N] folded', [2, 3, 9, 8], [8, 5]],
    ['vector @ matrix', [7], [7, 4]],
    ['matrix @ vector', [6, 7], [7]],
    ['dot', [11], [11]],
    ['K = 0', [4, 0], [0, 3]],
  ];
  for (const [name, sa, sb] of cases) {
    it(`${name}: equals matmul, into contiguous and strided out, bumps the version`, () => {
      setBackend(backend);
      manualSeed(7);
      const a = randn(...sa);
      const b = randn(...sb);
      const expected = matmul(a, b);
      // Contiguous out full of junk: every element is overwritten.
      const out = full(expected.shape, NaN);
      const v0 = out.version;
      const r = matmul(a, b, { out });
      expect(r).toBe(out);
      expect(out.version).toBeGreaterThan(v0);
      expect(out.tolist()).toEqual(expected.tolist());
      if (expected.ndim >= 2) {
        // A transposed view as out (not contiguous): same values through the copy path.
        const shape = expected.shape.slice();
        const n = shape.length;
        [shape[n - 2], shape[n - 1]] = [shape[n - 1]!, shape[n - 2]!];
        const base = full(shape, NaN);
        const view = base.transpose(n - 2, n - 1);
        matmul(a, b, { out: view });
        expect(view.tolist()).toEqual(expected.tolist());
      }
    });
  }

  it('out aliasing an operand gives the same product as without out', () => {
    setBackend(backend);
    manualSeed(3);
    const a = randn(9, 9);
    const b = randn(9, 9);
    const expected = matmul(a, b).tolist();
    matmul(a, b, { out: a });
    expect(a.tolist()).toEqual(expected);
  });

  it('mm and bmm accept out', () => {
    setBackend(backend);
    manualSeed(5);
    const a = randn(2, 3, 4);
    const b = randn(2, 4, 5);
    const out = zeros(2, 3, 5);
    expect(bmm(a, b, { out }).tolist()).toEqual(bmm(a, b).tolist());
    const o2 = zeros(3, 5);
    expect(mm(a.select(0, 1), b.select(0, 1), { out: o2 }).tolist()).toEqual(mm(a.select(0, 1), b.select(0, 1)).tolist());
  });
});

describe('matmul out= errors', () => {
  it('wrong shape, wrong dtype, expanded out, and operands that require grad are refused', () => {
    const a = randn(3, 4);
    const b = randn(4, 5);
    expect(() => matmul(a, b, { out: zeros(5, 3) })).toThrow(ShapeError);
    expect(() => matmul(a, b, { out: zeros(5, 3) })).toThrow(/matmul: out must have the result shape \[3, 5\]/);
    expect(() => matmul(a, b, { out: zeros(15) })).toThrow(ShapeError);
    expect(() => matmul(a, b, { out: zeros([3, 5], { dtype: 'int32' }) })).toThrow(DTypeError);
    expect(() => matmul(a, b, { out: zeros(1, 5).expand(3, 5) })).toThrow(ArgumentError);
    const w = randn(4, 5).requiresGrad_();
    expect(() => matmul(a, w, { out: zeros(3, 5) })).toThrow(/matmul: out cannot be used while an operand requires grad/);
    // Under noGrad it is allowed (as torch.no_grad()).
    const out = zeros(3, 5);
    noGrad(() => matmul(a, w, { out }));
    expect(out.tolist()).toEqual(noGrad(() => matmul(a, w)).tolist());
    // Inner-dim mismatch is reported before anything about out.
    expect(() => matmul(a, randn(5, 5), { out: zeros(3, 5) })).toThrow(/incompatible inner dims: 4 vs 5/);
  });
});
