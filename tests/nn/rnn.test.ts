// nn.RNN / nn.LSTM / nn.GRU and the cells against PyTorch 1.13 (tests/fixtures/rnn_torch.json, made by
// make_rnn_fixtures.py): PyTorch state dicts load unchanged, outputs, final states and the gradients of
// the input, the initial states and every parameter match, incl. 2-layer bidirectional batch-first stacks,
// bias=False, unbatched input and packed (variable-length, unsorted) batches; initialisation under a seed
// equals torch's. Then semantics PyTorch fixes without a fixture (lengths = T is the unpacked run, dropout
// between layers, T = 0 / B = 0), the functional forms and the typed errors. Gradients of any order:
// tests/autograd/gradcheck.test.ts (the F.lstm / F.gru / F.rnn entries of tests/helpers/opinfo.ts).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, DTypeError, F, ShapeError, Tensor, autograd, manualSeed, nn, randn, setBackend, sum, tensor, zeros,
} from '../../src/index.js';
import { fixtureBackends, fixtureTensor, type Flat } from '../helpers/torch_fixture.js';

interface LayerCase {
  name: string; kind: 'LSTM' | 'GRU' | 'RNN' | 'LSTMCell' | 'GRUCell' | 'RNNCell'; inputSize: number; hiddenSize: number;
  options?: Record<string, unknown>; input: Flat; h0?: Flat; c0?: Flat; lengths?: number[];
  outputs: Flat[]; gradOutputs: Flat[]; stateDict: Record<string, Flat>;
  gradInput: Flat; gradH0?: Flat; gradC0?: Flat; gradParams: Record<string, Flat>;
}
interface InitCase { seed: number; kind: LayerCase['kind']; inputSize: number; hiddenSize: number; options: Record<string, unknown>; keys: string[]; stateDict: Record<string, Flat> }
const fx = JSON.parse(readFileSync(new URL('../fixtures/rnn_torch.json', import.meta.url), 'utf8')) as { meta: { torch: string }; cases: LayerCase[]; init: InitCase[] };

const BACKENDS = fixtureBackends();

type FloatDType = 'float32' | 'float64';
const t = fixtureTensor;

/** max |a − e| <= atol·max(1, max|e|) + rtol·|e|, with the shapes equal. */
function close(actual: Tensor | null | undefined, expected: Flat, rtol: number, atol: number, what: string): void {
  expect(actual, what).toBeTruthy();
  expect(actual!.shape, what).toEqual(expected.shape);
  const got = actual!.toTypedArray() as ArrayLike<number>;
  const scale = Math.max(1, ...expected.data.map(Math.abs));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i]!;
    const err = Math.abs(got[i]! - e) - rtol * Math.abs(e);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst <= atol * scale, `${what}: element ${at} is ${got[at]}, expected ${expected.data[at]}`).toBe(true);
}

type AnyRnn = nn.RNN | nn.LSTM | nn.GRU | nn.RNNCell | nn.LSTMCell | nn.GRUCell;
function build(kind: LayerCase['kind'], I: number, H: number, options: Record<string, unknown>, dtype: FloatDType): AnyRnn {
  const o = { ...options, dtype };
  switch (kind) {
    case 'LSTM': return new nn.LSTM(I, H, o);
    case 'GRU': return new nn.GRU(I, H, o);
    case 'RNN': return new nn.RNN(I, H, o);
    case 'LSTMCell': return new nn.LSTMCell(I, H, o);
    case 'GRUCell': return new nn.GRUCell(I, H, o);
    case 'RNNCell': return new nn.RNNCell(I, H, o);
  }
}

/** Runs a module the way the fixture ran it; returns the outputs in the fixture's order. */
function forward(m: AnyRnn, x: Tensor, h0: Tensor | null, c0: Tensor | null, lengths: number[] | undefined): Tensor[] {
  const opts = lengths ? { lengths } : undefined;
  if (m instanceof nn.LSTM) {
    const [y, [h, c]] = m.forward(x, h0 && c0 ? [h0, c0] : null, opts);
    return [y, h, c];
  }
  if (m instanceof nn.GRU || m instanceof nn.RNN) {
    const [y, h] = m.forward(x, h0, opts);
    return [y, h];
  }
  if (m instanceof nn.LSTMCell) return m.forward(x, [h0!, c0!]);
  return [m.forward(x, h0)];
}

describe('PyTorch 1.13 fixtures', () => {
  it('come from torch 1.13 and cover every kind, bidirectional batch-first stacks and packed batches', () => {
    expect(fx.meta.torch.startsWith('1.13')).toBe(true);
    expect(new Set(fx.cases.map((c) => c.kind))).toEqual(new Set(['LSTM', 'GRU', 'RNN', 'LSTMCell', 'GRUCell', 'RNNCell']));
    expect(fx.cases.some((c) => c.options?.['bidirectional'] && c.options['batchFirst'] && c.options['numLayers'] === 2)).toBe(true);
    expect(fx.cases.filter((c) => c.lengths).length).toBeGreaterThanOrEqual(3);
  });

  for (const backend of BACKENDS) {
    for (const dtype of ['float64', 'float32'] as const) {
      if (dtype === 'float64' && backend === 'native') continue;
      describe(`${backend} ${dtype}`, () => {
        const [rtol, atol] = dtype === 'float64' ? [1e-9, 1e-10] : [1e-5, 2e-5];
        for (const c of fx.cases) {
          it(c.name, () => {
            setBackend(backend);
            const m = build(c.kind, c.inputSize, c.hiddenSize, c.options ?? {}, dtype);
            const sd = Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, t(v, dtype)]));
            expect(Object.keys(m.stateDict()).sort()).toEqual(Object.keys(sd).sort());
            m.loadStateDict(sd);
            const x = t(c.input, dtype, true);
            const h0 = c.h0 ? t(c.h0, dtype, true) : null;
            const c0 = c.c0 ? t(c.c0, dtype, true) : null;
            const outs = forward(m, x, h0, c0, c.lengths);
            expect(outs.length).toBe(c.outputs.length);
            outs.forEach((o, i) => close(o, c.outputs[i]!, rtol, atol, `output ${i}`));
            const params = m.namedParameters();
            const wrt = [x, ...(h0 ? [h0] : []), ...(c0 ? [c0] : []), ...params.map(([, p]) => p)];
            const grads = autograd.grad(outs, wrt, { gradOutputs: c.gradOutputs.map((g) => t(g, dtype)) });
            close(grads[0], c.gradInput, rtol, atol, 'input gradient');
            let k = 1;
            if (h0) close(grads[k++], c.gradH0!, rtol, atol, 'h0 gradient');
            if (c0) close(grads[k++], c.gradC0!, rtol, atol, 'c0 gradient');
            for (const [name] of params) close(grads[k++], c.gradParams[name]!, rtol, atol, `${name} gradient`);
          });
        }
      });
    }
  }

  describe('initialisation under manualSeed equals torch (every parameter U(±1/√H) in parameter order)', () => {
    for (const c of fx.init) {
      it(`${c.kind}(${c.inputSize}, ${c.hiddenSize}, ${JSON.stringify(c.options)})`, () => {
        manualSeed(c.seed);
        const m = build(c.kind, c.inputSize, c.hiddenSize, c.options, 'float32');
        expect(Object.keys(m.stateDict())).toEqual(c.keys);
        for (const [k, v] of Object.entries(m.stateDict())) close(v, c.stateDict[k]!, 0, 1e-7, k);
      });
    }
  });
});

describe('semantics without a fixture', () => {
  it('lengths all equal to T give the unpacked results; a row of length L gives its prefix run', () => {
    manualSeed(1);
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true, dtype: 'float64' });
    const x = randn([5, 3, 3], { dtype: 'float64' });
    const [y, [h, c]] = lstm.forward(x);
    const [yl, [hl, cl]] = lstm.forward(x, null, { lengths: tensor([5, 5, 5], { dtype: 'int32' }) });
    for (const [a, b] of [[y, yl], [h, hl], [c, cl]] as const) expect(Array.from(b.toTypedArray() as Float64Array)).toEqual(Array.from(a.toTypedArray() as Float64Array));
    // Row 1 with length 2 equals running its first two steps alone (batch 1).
    const [yp, [hp]] = lstm.forward(x, null, { lengths: [5, 2, 4] });
    const [ya, [ha]] = lstm.forward(x.narrow(0, 0, 2).narrow(1, 1, 1));
    const rowOut = yp.narrow(1, 1, 1);
    expect(maxDiff(rowOut.narrow(0, 0, 2), ya)).toBeLessThan(1e-12);
    expect(maxDiff(rowOut.narrow(0, 2, 3), zeros([3, 1, 8], { dtype: 'float64' }))).toBe(0);
    expect(maxDiff(hp.narrow(1, 1, 1), ha)).toBeLessThan(1e-12);
  });

  it('dropout between layers is active in training only, and never after the last layer', () => {
    manualSeed(2);
    const gru = new nn.GRU(3, 5, { numLayers: 2, dropout: 0.5 });
    const x = randn([4, 2, 3]);
    gru.eval();
    const [a] = gru.forward(x);
    const [b] = gru.forward(x);
    expect(maxDiff(a, b)).toBe(0);
    gru.train();
    const [c] = gru.forward(x);
    expect(maxDiff(a, c)).toBeGreaterThan(1e-4);
    const single = new nn.GRU(3, 5, { numLayers: 1, dropout: 0.5 });
    single.train();
    expect(maxDiff(single.forward(x)[0], single.forward(x)[0])).toBe(0);
  });

  it('T = 0 gives an empty output and hN = h0; B = 0 gives empty results; gradients flow (h0 straight through)', () => {
    for (const backend of BACKENDS) {
      setBackend(backend);
      const lstm = new nn.LSTM(3, 2, { bidirectional: true });
      const h0 = randn([2, 4, 2]).requiresGrad_(true);
      const c0 = randn([2, 4, 2]);
      const [y, [h, c]] = lstm.forward(zeros([0, 4, 3]), [h0, c0]);
      expect(y.shape).toEqual([0, 4, 4]);
      expect(maxDiff(h, h0)).toBe(0);
      expect(maxDiff(c, c0)).toBe(0);
      sum(h).backward();
      expect(Array.from(h0.grad!.toTypedArray() as Float32Array).every((v) => v === 1)).toBe(true);
      const [y2, h2] = new nn.GRU(3, 2, { batchFirst: true }).forward(zeros([0, 5, 3]));
      expect(y2.shape).toEqual([0, 5, 2]);
      expect(h2.shape).toEqual([1, 0, 2]);
    }
  });

  it('a training loop (graphs freed, workspaces reused) and a retained graph give the same gradients', () => {
    for (const backend of BACKENDS) {
      setBackend(backend);
      manualSeed(5);
      const lstm = new nn.LSTM(3, 4, { bidirectional: true });
      const x = randn([4, 2, 3]);
      const grads = (): number[][] => lstm.parameters().map((p) => Array.from(p.grad!.toTypedArray() as Float32Array));
      lstm.zeroGrad();
      sum(lstm.forward(x)[0]).backward();
      const g1 = grads();
      for (let i = 0; i < 3; i++) {
        lstm.zeroGrad();
        sum(lstm.forward(x)[0]).backward();
        expect(grads()).toEqual(g1);
      }
      // A retained graph keeps its workspaces while other forward/backward passes recycle theirs.
      lstm.zeroGrad();
      const y = sum(lstm.forward(x)[0]);
      y.backward(null, { retainGraph: true });
      for (let i = 0; i < 2; i++) autograd.grad([sum(lstm.forward(randn([4, 2, 3]))[0])], lstm.parameters());
      y.backward();
      expect(grads()).toEqual(g1.map((g) => g.map((v) => 2 * v)));
    }
  });

  it('the functional forms take flatWeights() and give the module results', () => {
    manualSeed(3);
    const rnn = new nn.RNN(3, 4, { nonlinearity: 'relu', numLayers: 2, batchFirst: true });
    const x = randn([2, 5, 3]);
    const [y, h] = rnn.forward(x);
    const [yf, hf] = F.rnn(x, null, rnn.flatWeights(), { nonlinearity: 'relu', numLayers: 2, batchFirst: true });
    expect(maxDiff(y, yf) + maxDiff(h, hf)).toBe(0);
    const lstm = new nn.LSTM(3, 4);
    const [yl] = F.lstm(x.transpose(0, 1), null, lstm.flatWeights());
    expect(maxDiff(yl, lstm.forward(x.transpose(0, 1))[0])).toBe(0);
    const gru = new nn.GRU(3, 4);
    expect(maxDiff(F.gru(x.transpose(0, 1), null, gru.flatWeights())[0], gru.forward(x.transpose(0, 1))[0])).toBe(0);
  });
});

describe('typed errors', () => {
  const lstm = new nn.LSTM(3, 4, { numLayers: 2 });
  it('names the op, the argument and the shapes', () => {
    expect(() => lstm.forward(zeros([5, 2, 4]))).toThrow(ShapeError);
    expect(() => lstm.forward(zeros([5, 2, 4]))).toThrow(/LSTM: input must have 3 features/);
    expect(() => lstm.forward(zeros([5, 2, 3, 1]))).toThrow(ShapeError);
    expect(() => lstm.forward(zeros([5, 2, 3]), [zeros([1, 2, 4]), zeros([2, 2, 4])])).toThrow(/LSTM: hx must have size \[2,2,4\]/);
    expect(() => lstm.forward(zeros([5, 2, 3]), null, { lengths: [5, 6] })).toThrow(ArgumentError);
    expect(() => lstm.forward(zeros([5, 2, 3]), null, { lengths: [5] })).toThrow(ShapeError);
    expect(() => lstm.forward(zeros([5, 2, 3], { dtype: 'int32' }))).toThrow(DTypeError);
    expect(() => lstm.forward(zeros([5, 2, 3], { dtype: 'float64' }))).toThrow(DTypeError);
    expect(() => new nn.GRU(3, 0)).toThrow(ArgumentError);
    expect(() => new nn.RNN(3, 4, { nonlinearity: 'sigmoid' as 'tanh' })).toThrow(/RNN: nonlinearity must be 'tanh' or 'relu'/);
    expect(() => new nn.LSTM(3, 4, { numLayer: 2 } as never)).toThrow(ArgumentError);
    expect(() => new nn.GRUCell(3, 4).forward(zeros([2, 5]))).toThrow(/GRUCell: input must have 3 features/);
    expect(() => new nn.LSTMCell(3, 4).forward(zeros([2, 3]), [zeros([2, 4]), zeros([3, 4])])).toThrow(/LSTMCell: cx must have size \[2,4\]/);
  });
});

function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.toTypedArray() as ArrayLike<number>;
  const y = b.toTypedArray() as ArrayLike<number>;
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - y[i]!));
  return m;
}
