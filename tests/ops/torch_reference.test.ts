// nodegrad vs PyTorch 1.13: forward outputs and input gradients for the ops and losses in
// tests/fixtures/torch_ops.json (regenerate with /usr/bin/python3 tests/fixtures/make_torch_fixtures.py).
// Every case runs in float64 (reference backend, tight tolerance) and in float32 on the default
// backend (native when the addon loads), including saturated logits, ignoreIndex, label smoothing,
// NaN in max/min and -inf in logsumexp. Gradients are of sum(output · cotangent).

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getBackend, nativeInfo } from '../../src/index.js';
import { mismatch, runFixtureCase, type Closeness, type FixtureCase, type TorchFixtures } from '../helpers/opinfo.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/torch_ops.json', import.meta.url), 'utf8')) as TorchFixtures;

const TOL: Record<'float32' | 'float64', Closeness> = {
  // The fixture stores 15 significant digits; float64 paths may sum in another order than PyTorch.
  float64: { rtol: 1e-9, atol: 1e-11 },
  // Inputs are float32-representable; expected values are float64, so this is float32 rounding.
  float32: { rtol: 2e-4, atol: 2e-5 },
};

/**
 * Documented differences from PyTorch 1.13, by case name and gradient index: elements to skip, and why.
 * Keep this short; every entry must say why nodegrad's value is the better one.
 */
const KNOWN: Record<string, { grad: number; elements: number[]; why: string }[]> = {
  'binaryCrossEntropy p at 0 and 1': [{
    grad: 1, elements: [0, 1, 2, 3, 5],
    why: "PyTorch's target gradient log(1-p) - log(p) is ±inf at p = 0/1 although the forward clamps the logs at -100; nodegrad differentiates the clamped forward (±100)",
  }],
};

function checkCase(c: FixtureCase, dtype: 'float32' | 'float64'): void {
  const tol = TOL[dtype];
  const run = runFixtureCase(c, dtype);
  expect(run.outputs.length, 'number of outputs').toBe(c.outputs.length);
  c.outputs.forEach((o, i) => {
    expect(mismatch(run.outputs[i]!, o, tol), `output ${i}`).toBeNull();
  });
  c.grads.forEach((g, i) => {
    const known = (KNOWN[c.name] ?? []).find((k) => k.grad === i);
    expect(mismatch(run.grads[i] ?? null, g, tol, new Set(known?.elements ?? [])), `gradient of input ${i}`).toBeNull();
  });
}

describe('PyTorch reference values', () => {
  it('loads a fixture that covers the op vocabulary', () => {
    expect(fx.meta.torch.startsWith('1.13')).toBe(true);
    expect(fx.cases.length).toBeGreaterThan(150);
    const ops = new Set(fx.cases.map((c) => c.op));
    for (const op of ['crossEntropy', 'nllLoss', 'klDiv', 'binaryCrossEntropyWithLogits', 'softmax', 'logsumexp', 'matmul', 'maxDim']) expect(ops.has(op), op).toBe(true);
    // Which backend the float32 half of this file exercises.
    console.info(`float32 cases run on the ${getBackend()} backend`, JSON.stringify(nativeInfo()));
  });

  for (const dtype of ['float64', 'float32'] as const) {
    describe(dtype, () => {
      for (const c of fx.cases) {
        it(c.name, () => checkCase(c, dtype));
      }
    });
  }

  it('has no NaN in saturated cross entropy, BCE-with-logits and softmax gradients', () => {
    const saturated = fx.cases.filter((c) => c.name.includes('saturated'));
    expect(saturated.length).toBeGreaterThanOrEqual(6);
    for (const dtype of ['float32', 'float64'] as const) {
      for (const c of saturated) {
        const run = runFixtureCase(c, dtype);
        for (const t of [...run.outputs, ...run.grads]) {
          if (t === null) continue;
          const vals = Array.from(t.toTypedArray() as ArrayLike<number>);
          expect(vals.every(Number.isFinite), `${c.name} (${dtype})`).toBe(true);
        }
      }
    }
  });

  it('the comparison fails on a wrong value (the test can fail)', () => {
    const c = fx.cases.find((k) => k.op === 'softmax')!;
    const run = runFixtureCase(c, 'float64');
    const wrong = { ...c.outputs[0]!, data: c.outputs[0]!.data.map((v, i) => (i === 0 ? (v as number) * 1.001 : v)) };
    expect(mismatch(run.outputs[0]!, wrong, TOL.float32)).toMatch(/element 0/);
    const nanExpected = { ...c.outputs[0]!, data: c.outputs[0]!.data.map((v, i) => (i === 1 ? 'nan' : v)) };
    expect(mismatch(run.outputs[0]!, nanExpected, TOL.float32)).toMatch(/element 1/);
  });
});
