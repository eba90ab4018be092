// F.embedding and nn.Embedding against PyTorch 1.13 and against their own definitions:
// 1. tests/fixtures/lm_torch.json (make_lm_fixtures.py): forward values and weight gradients (paddingIdx
//    positive and negative, scaleGradByFreq, maxNorm with the renormalised weight, 1-D/2-D/3-D/empty
//    inputs), float64 and float32, on the reference and the native backend; nn.Embedding's weight after
//    manualSeed (N(0, 1) with the padding row zeroed) and its stateDict keys.
// 2. semantics: a PyTorch stateDict loads unchanged, fromPretrained, the padding row keeps no gradient
//    through training, a W6-sized lookup (32 x 64 tokens, dim 64) against a hand-written scatter.
// 3. errors: typed errors naming the op and argument.
// Gradcheck and gradgradcheck live in the op database (tests/helpers/opinfo.ts, entry 'embedding').

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, DTypeError, F, IndexError, NotImplementedError, ShapeError, Tensor, manualSeed, nn, optim, randint, randn, setBackend,
  tensor, zeros,
} from '../../src/index.js';
import { fixtureBackends, fixtureTensor, type Flat } from '../helpers/torch_fixture.js';

interface EmbCase {
  name: string;
  options: F.EmbeddingOptions;
  weight: Flat; input: Flat; y: Flat; cotangent: Flat; gw: Flat; weightAfter: Flat;
}
interface InitCase {
  seed: number;
  args: [number, number];
  options: { paddingIdx?: number };
  keys: string[];
  weight: Flat;
  paddingIdx: number | null;
}
const fx = JSON.parse(readFileSync(new URL('../fixtures/lm_torch.json', import.meta.url), 'utf8')) as { cases: EmbCase[]; init: InitCase[] };

const BACKENDS = fixtureBackends();

const t = fixtureTensor;
const ints = (f: Flat): Tensor<'int32'> => tensor(Int32Array.from(f.data), { shape: f.shape, dtype: 'int32' }) as Tensor<'int32'>;

function close(actual: Tensor | null, expected: Flat, tol: number, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(actual!.shape, what).toEqual(expected.shape);
  const got = Array.from(actual!.toTypedArray() as ArrayLike<number>);
  expected.data.forEach((e, i) => expect(Math.abs(got[i]! - e), `${what}[${i}]: ${got[i]} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e))));
}

describe('F.embedding matches PyTorch 1.13', () => {
  for (const backend of BACKENDS) {
    for (const dtype of ['float64', 'float32'] as const) {
      if (backend === 'native' && dtype === 'float64') continue;
      describe(`${backend} ${dtype}`, () => {
        for (const c of fx.cases) {
          it(c.name, () => {
            setBackend(backend);
            const tol = dtype === 'float64' ? 1e-9 : 2e-6;
            const w = t(c.weight, dtype, true);
            const y = F.embedding(ints(c.input), w, c.options);
            close(y, c.y, tol, 'y');
            y.backward(t(c.cotangent, dtype));
            if (c.input.data.length === 0) expect(Array.from(w.grad!.toTypedArray())).toEqual(new Array(c.weight.data.length).fill(0));
            else close(w.grad, c.gw, tol, 'grad weight');
            close(w, c.weightAfter, tol, 'weight after (maxNorm renormalises in place)');
          });
        }
      });
    }
  }
});

describe('nn.Embedding', () => {
  for (const c of fx.init) {
    it(`weight after manualSeed(${c.seed}) with ${JSON.stringify(c.options)} equals PyTorch's`, () => {
      manualSeed(c.seed);
      const m = new nn.Embedding(c.args[0], c.args[1], c.options);
      expect(Object.keys(m.stateDict())).toEqual(c.keys);
      expect(m.paddingIdx).toBe(c.paddingIdx);
      close(m.weight, c.weight, 1e-6, 'weight');
      if (c.paddingIdx !== null) expect(Array.from(m.weight.index(c.paddingIdx).toTypedArray())).toEqual(new Array(c.args[1]).fill(0));
    });
  }

  it('loads a PyTorch stateDict unchanged and looks rows up', () => {
    const m = new nn.Embedding(3, 2, { paddingIdx: 0 });
    const res = m.loadStateDict({ weight: tensor([[9, 9], [1, 2], [3, 4]]) });
    expect(res).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const y = m.call(tensor([[2, 0]], { dtype: 'int32' }));
    expect(y.shape).toEqual([1, 2, 2]);
    expect(y.tolist()).toEqual([[[3, 4], [9, 9]]]);
    expect(String(m)).toContain('Embedding(3, 2, paddingIdx=0)');
  });

  it('the padding row receives no gradient and stays fixed under training', () => {
    manualSeed(0);
    const m = new nn.Embedding(5, 3, { paddingIdx: 1 });
    const opt = new optim.Adam(m.parameters(), { lr: 0.1 });
    const x = tensor([[1, 2, 1], [3, 1, 4]], { dtype: 'int32' });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      m.call(x).pow(2).sum().backward();
      expect(Array.from(m.weight.grad!.index(1).toTypedArray())).toEqual([0, 0, 0]);
      opt.step();
    }
    expect(Array.from(m.weight.index(1).toTypedArray())).toEqual([0, 0, 0]);
    expect(m.weight.index(2).abs().sum().item()).toBeGreaterThan(0);
  });

  it('fromPretrained copies the weight and freezes it by default', () => {
    const w = tensor([[1, 2], [3, 4]]);
    const m = nn.Embedding.fromPretrained(w);
    expect(m.weight.requiresGrad).toBe(false);
    expect(m.call(tensor([1], { dtype: 'int32' })).tolist()).toEqual([[3, 4]]);
    w.index(1).fill_(0);
    expect(m.weight.index(1).tolist()).toEqual([3, 4]);
    expect(nn.Embedding.fromPretrained(w, { freeze: false, paddingIdx: -1 }).weight.requiresGrad).toBe(true);
  });

  it('a W6-sized lookup (32 x 64 tokens, dim 64, vocab 65): the gradient scatters every position', () => {
    for (const backend of BACKENDS) {
      setBackend(backend);
      manualSeed(1);
      const m = new nn.Embedding(65, 64);
      const x = randint(0, 65, [32, 64], { dtype: 'int32' }) as Tensor<'int32'>;
      const g = randn(32, 64, 64);
      const y = m.call(x);
      expect(y.shape).toEqual([32, 64, 64]);
      expect(Array.from(y.index(3, 5).toTypedArray())).toEqual(Array.from(m.weight.index(x.index(3, 5).item()).toTypedArray()));
      y.backward(g);
      // The gradient is the scatter of g: row r sums g over the positions holding r.
      const xs = x.toTypedArray();
      const gs = g.toTypedArray();
      const row7 = new Float64Array(64);
      for (let p = 0; p < xs.length; p++) if (xs[p] === 7) for (let j = 0; j < 64; j++) row7[j] = row7[j]! + gs[p * 64 + j]!;
      const got = m.weight.grad!.index(7).toTypedArray();
      for (let j = 0; j < 64; j++) expect(got[j]).toBeCloseTo(row7[j]!, 4);
    }
  });
});

describe('errors', () => {
  const w = zeros([4, 3]);
  const i = tensor([0, 3], { dtype: 'int32' });
  it('names the op and the argument', () => {
    expect(() => F.embedding(tensor([0, 4], { dtype: 'int32' }), w)).toThrow(IndexError);
    expect(() => F.embedding(tensor([0, 4], { dtype: 'int32' }), w)).toThrow(/embedding: input index 4 is out of range for numEmbeddings 4/);
    expect(() => F.embedding(tensor([-1], { dtype: 'int32' }), w)).toThrow(IndexError);
    expect(() => F.embedding(tensor([0, 1]), w)).toThrow(DTypeError);
    expect(() => F.embedding(i, zeros([4]))).toThrow(ShapeError);
    expect(() => F.embedding(i, zeros([4, 3], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => F.embedding(i, w, { paddingIdx: 4 })).toThrow(/embedding: paddingIdx must be within numEmbeddings/);
    expect(() => F.embedding(i, w, { paddingIdx: -5 })).toThrow(ArgumentError);
    expect(() => F.embedding(i, w, { sparse: true })).toThrow(NotImplementedError);
    expect(() => F.embedding(i, w, { paddingIx: 0 } as F.EmbeddingOptions)).toThrow(/not a known option/);
    expect(() => new nn.Embedding(4, 3, { paddingIdx: 4 })).toThrow(/Embedding: paddingIdx/);
    expect(() => new nn.Embedding(-1, 3)).toThrow(ArgumentError);
    expect(() => new nn.Embedding(4, 3, { weight: zeros([3, 3]) })).toThrow(ShapeError);
  });
});
