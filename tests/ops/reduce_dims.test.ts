// Reductions over several non-adjacent dims (a conv bias gradient sums [0, 2, 3]) run one pass per run of
// adjacent dims; the expectation here is built independently: the reduced dims permuted to the end,
// flattened, and reduced along that one last dim.
import { describe, expect, it } from 'vitest';
import { amax, amin, contiguous, mean, permute, randn, reshape, setBackend, sum, tensor, type Tensor } from '../../src/index.js';

const OPS = { sum, mean, amax, amin } as const;

function viaPermute(op: keyof typeof OPS, x: Tensor, dims: number[], keepdim: boolean): Tensor {
  const kept = x.shape.map((_, i) => i).filter((i) => !dims.includes(i));
  const flat = reshape(contiguous(permute(x, [...kept, ...dims])), [...kept.map((d) => x.shape[d]!), -1]);
  const r = OPS[op](flat, -1);
  return keepdim ? reshape(r, x.shape.map((s, i) => (dims.includes(i) ? 1 : s))) : r;
}

describe.each(['native', 'reference'] as const)('non-adjacent reduction dims on %s', (backend) => {
  it('sum, mean, amax, amin over [0, 2, 3], [0, 2], [1, 3] equal the permute-then-reduce result, keepdim or not', () => {
    setBackend(backend);
    try {
      const x = randn(5, 3, 4, 7);
      for (const dims of [[0, 2, 3], [0, 2], [1, 3], [0, 3]]) {
        for (const op of Object.keys(OPS) as (keyof typeof OPS)[]) {
          for (const keepdim of [false, true]) {
            const got = OPS[op](x, dims, keepdim);
            const want = viaPermute(op, x, dims, keepdim);
            expect(got.shape).toEqual(want.shape);
            const g = got.toTypedArray() as Float32Array, w = want.toTypedArray() as Float32Array;
            for (let i = 0; i < w.length; i++) expect(g[i]).toBeCloseTo(w[i]!, 4);
          }
        }
      }
    } finally {
      setBackend('native');
    }
  });

  it('a NaN in any reduced position reaches amax over non-adjacent dims; sums of a known tensor by hand', () => {
    setBackend(backend);
    try {
      const x = tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]); // [2, 2, 2]
      expect(Array.from(sum(x, [0, 2]).toTypedArray() as Float32Array)).toEqual([1 + 2 + 5 + 6, 3 + 4 + 7 + 8]);
      expect(Array.from(mean(x, [0, 2], true).toTypedArray() as Float32Array)).toEqual([3.5, 5.5]);
      expect(sum(x, [0, 2], true).shape).toEqual([1, 2, 1]);
      const y = tensor([[[1, 2], [3, 4]], [[5, NaN], [7, 8]]]);
      expect(Array.from(amax(y, [0, 2]).toTypedArray() as Float32Array)).toEqual([NaN, 8]);
    } finally {
      setBackend('native');
    }
  });
});
