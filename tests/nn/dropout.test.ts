// F.dropout and nn.Dropout: PyTorch 1.13's outputs for the same seed (fixtures from a CPU build
// without MKL: float32, float64, a transposed input), the kept-value scale, statistics of the mask
// (zero fraction and sample mean within bounds several standard deviations wide), p = 0 / p = 1 / eval,
// seeded repeatability, the gradient (mask/(1 − p)) and bad arguments.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ArgumentError, DTypeError, F, Tensor, manualSeed, mean, mul, nn, ones, randn, sum, tensor, transpose, zeros,
} from '../../src/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/reg.json', import.meta.url), 'utf8'));
const vals = (t: Tensor): number[] => Array.from(t.toTypedArray() as ArrayLike<number>);

interface DropCase { name: string; p: number; seed: number; input: 'x32' | 'x64' | 'xt'; transpose?: boolean; out: number[] }

describe('F.dropout against PyTorch 1.13', () => {
  const inputs: Record<string, Tensor> = {
    x32: tensor(fx.dropout.x32 as number[]),
    x64: tensor(fx.dropout.x64 as number[], { dtype: 'float64' }),
    xt: tensor(fx.dropout.xt as number[], { shape: [7, 5] }),
  };
  for (const c of fx.dropout.cases as DropCase[]) {
    it(`gives torch's output bit for bit: ${c.name}`, () => {
      let x = inputs[c.input]!;
      if (c.transpose) x = transpose(x, 0, 1);
      manualSeed(c.seed);
      const y = F.dropout(x, c.p);
      expect(y.shape).toEqual(x.shape);
      expect(y.dtype).toBe(x.dtype);
      // Object.is: exact values, signs of zeros included.
      vals(y).forEach((v, i) => expect(Object.is(v, c.out[i]), `element ${i}: ${v} vs ${c.out[i]}`).toBe(true));
    });
  }

  it('scales kept values by 1/(1 − p) rounded as PyTorch does, in float32 and float64', () => {
    for (const s of fx.dropout.scales as { p: number; float32: number; float64: number }[]) {
      manualSeed(0);
      const y32 = vals(F.dropout(ones(4000), s.p));
      const y64 = vals(F.dropout(ones([4000], { dtype: 'float64' }), s.p));
      expect(new Set(y32.filter((v) => v !== 0))).toEqual(new Set([s.float32]));
      expect(new Set(y64.filter((v) => v !== 0))).toEqual(new Set([s.float64]));
    }
  });
});

describe('F.dropout statistics', () => {
  it('zeroes a fraction ≈ p of the elements (within 6 standard deviations)', () => {
    const n = 200_000;
    for (const p of [0.1, 0.5, 0.9]) {
      manualSeed(2024);
      const y = vals(F.dropout(ones(n), p));
      const zeros = y.filter((v) => v === 0).length;
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(zeros - n * p), `p=${p}: ${zeros} zeros`).toBeLessThan(6 * sd);
    }
  });

  it('keeps the mean: the average of many dropout samples ≈ the input (within 6 standard deviations)', () => {
    const x = tensor([1, -2, 0.5, 3, -0.25, 10]);
    const N = 20_000;
    const p = 0.3;
    manualSeed(7);
    // N independent samples of dropout(x): dropout of x broadcast to [N, 6], averaged over the samples.
    const y = F.dropout(mul(ones(N, 6), x), p);
    const m = vals(mean(y, 0));
    vals(x).forEach((xi, j) => {
      const sd = Math.abs(xi) * Math.sqrt(p / (1 - p) / N);
      expect(Math.abs(m[j]! - xi), `column ${j}`).toBeLessThan(6 * sd);
    });
  });

  it('draws a new mask every call and repeats it after manualSeed', () => {
    const x = randn(64);
    manualSeed(11);
    const a = vals(F.dropout(x, 0.5));
    const b = vals(F.dropout(x, 0.5));
    manualSeed(11);
    const c = vals(F.dropout(x, 0.5));
    expect(c).toEqual(a);
    expect(b).not.toEqual(a);
  });
});

describe('F.dropout edge cases and gradient', () => {
  it('p = 0, training = false and empty inputs return the input itself', () => {
    const x = randn(3, 4);
    expect(F.dropout(x, 0)).toBe(x);
    expect(F.dropout(x, 0.5, false)).toBe(x);
    const e = zeros(0, 3);
    expect(F.dropout(e, 0.5)).toBe(e);
  });

  it('p = 1 gives zeros, not NaN (also for large inputs), and a zero gradient', () => {
    const x = tensor([1, -3, 1e30, 0], { requiresGrad: true });
    const y = F.dropout(x, 1);
    expect(vals(y).map(Math.abs)).toEqual([0, 0, 0, 0]);
    sum(y).backward();
    expect(vals(x.grad!)).toEqual([0, 0, 0, 0]);
  });

  it('differentiates to mask/(1 − p): the same noise the forward multiplied by', () => {
    const p = 0.4;
    const x = tensor([[1, 2, 3, 4], [5, 6, 7, 8]], { requiresGrad: true });
    const w = tensor([[1, -1, 2, -2], [3, -3, 0.5, 1]]);
    manualSeed(3);
    const y = F.dropout(x, p);
    sum(mul(y, w)).backward();
    const scale = Math.fround(1 / Math.fround(1 - p));
    const mask = vals(y).map((v) => (v !== 0 ? 1 : 0));
    expect(mask.some((m) => m === 0) && mask.some((m) => m === 1)).toBe(true);
    const want = vals(w).map((wi, i) => Math.fround(wi * mask[i]! * scale));
    expect(vals(x.grad!)).toEqual(want);
    // And the kept outputs are exactly x·scale rounded to float32.
    vals(y).forEach((v, i) => expect(v).toBe(mask[i] ? Math.fround((i + 1) * scale) : 0));
  });

  it('refuses bad arguments with typed errors', () => {
    const x = randn(2);
    expect(() => F.dropout(x, -0.1)).toThrow(ArgumentError);
    expect(() => F.dropout(x, 1.5)).toThrow(/dropout: p must be a probability in \[0, 1\], got 1.5/);
    expect(() => F.dropout(x, NaN)).toThrow(/got NaN/);
    expect(() => F.dropout(x, '0.5' as unknown as number)).toThrow(/got string/);
    expect(() => F.dropout(x, 0.5, 1 as unknown as boolean)).toThrow(/dropout: training must be a boolean, got number/);
    expect(() => F.dropout(tensor([1, 2], { dtype: 'int32' }), 0.5)).toThrow(DTypeError);
    expect(() => F.dropout([1, 2] as unknown as Tensor, 0.5)).toThrow(/dropout: input must be a Tensor, got an array/);
  });
});

describe('nn.Dropout', () => {
  it('drops in training mode and is the identity after eval()', () => {
    const drop = new nn.Dropout(0.5);
    expect(drop.p).toBe(0.5);
    const x = randn(100);
    manualSeed(1);
    const y = drop.call(x);
    manualSeed(1);
    expect(vals(y)).toEqual(vals(F.dropout(x, 0.5)));
    expect(vals(y).some((v) => v === 0)).toBe(true);
    drop.eval();
    expect(drop.call(x)).toBe(x);
    drop.train();
    expect(drop.call(x)).not.toBe(x);
  });

  it('follows train()/eval() of an enclosing model, has no parameters and prints like PyTorch', () => {
    const model = new nn.Sequential(new nn.Linear(3, 3), new nn.Dropout(0.2));
    expect(model.parameters().length).toBe(2);
    model.eval();
    const x = randn(2, 3);
    const a = vals(model.call(x));
    expect(vals(model.call(x))).toEqual(a);
    expect(new nn.Dropout().p).toBe(0.5);
    expect(String(new nn.Dropout(0.25))).toBe('Dropout(p=0.25)');
    expect(Object.keys(new nn.Dropout().stateDict())).toEqual([]);
  });

  it('refuses p outside [0, 1]', () => {
    expect(() => new nn.Dropout(2)).toThrow(ArgumentError);
    expect(() => new nn.Dropout(-1)).toThrow(/Dropout: p must be a probability in \[0, 1\], got -1/);
  });
});
