// Anomaly mode (autograd.detectAnomaly / setDetectAnomaly / isAnomalyEnabled): forward results and
// backward gradients are checked for NaN/Inf, the first op that creates one from finite values is
// named with its input shapes and the index of the bad value, values passed on from non-finite inputs
// are reported as such (NaN) or let through (±inf), and the mode is off by default and always restored.

import { afterEach, describe, expect, it } from 'vitest';
import {
  ArgumentError, AutogradError, F, Tensor, add, autograd, div, exp, log, matmul, mul, nn, noGrad, optim, softmax, sqrt, sum,
  tensor, where, manualSeed, randn,
} from '../../src/index.js';

const { AnomalyError, detectAnomaly, isAnomalyEnabled, setDetectAnomaly } = autograd;

afterEach(() => setDetectAnomaly(false));

/** Runs fn and returns the error it throws (failing the test when it does not throw). */
function thrown(fn: () => unknown): InstanceType<typeof AnomalyError> {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AnomalyError);
    return e as InstanceType<typeof AnomalyError>;
  }
  throw new Error('expected an AnomalyError, nothing was thrown');
}

describe('anomaly mode: switching', () => {
  it('is off by default: NaN flows silently', () => {
    expect(isAnomalyEnabled()).toBe(false);
    const y = log(tensor([1, -1]));
    expect(Number.isNaN(y.toFloat32Array()[1])).toBe(true);
  });

  it('detectAnomaly turns it on for fn only, returns fn’s value and restores the mode after a throw', () => {
    expect(detectAnomaly(() => isAnomalyEnabled())).toBe(true);
    expect(isAnomalyEnabled()).toBe(false);
    expect(detectAnomaly(() => 42)).toBe(42);
    expect(() => detectAnomaly(() => log(tensor([-1])))).toThrow(AnomalyError);
    expect(isAnomalyEnabled()).toBe(false);
    expect(() => detectAnomaly(() => { throw new RangeError('user error'); })).toThrow(RangeError);
    expect(isAnomalyEnabled()).toBe(false);
    // Nested inside setDetectAnomaly(true): the outer mode survives.
    setDetectAnomaly(true);
    detectAnomaly(() => 0);
    expect(isAnomalyEnabled()).toBe(true);
    setDetectAnomaly(false);
    expect(isAnomalyEnabled()).toBe(false);
  });

  it('refuses bad arguments with ArgumentError and restores the mode for an async fn', () => {
    expect(() => setDetectAnomaly(1 as unknown as boolean)).toThrow(ArgumentError);
    expect(() => setDetectAnomaly(1 as unknown as boolean)).toThrow(/setDetectAnomaly: enabled must be a boolean, got number/);
    expect(() => detectAnomaly(null as unknown as () => void)).toThrow(/detectAnomaly: fn must be a function/);
    expect(() => detectAnomaly(async () => 1)).toThrow(/must be synchronous/);
    expect(isAnomalyEnabled()).toBe(false);
  });

  it('AnomalyError is an AutogradError with code AUTOGRAD', () => {
    const e = thrown(() => detectAnomaly(() => log(tensor([-1]))));
    expect(e).toBeInstanceOf(AutogradError);
    expect(e.code).toBe('AUTOGRAD');
    expect(e.name).toBe('AnomalyError');
  });
});

describe('anomaly mode: forward', () => {
  it('log of a negative number is caught in forward, naming log, the shapes and the index', () => {
    const x = tensor([[2, 3], [4, -5]], { requiresGrad: true });
    const e = thrown(() => detectAnomaly(() => log(x)));
    expect(e.op).toBe('log');
    expect(e.phase).toBe('forward');
    expect(e.primitive).toBe('log');
    expect(e.index).toEqual([1, 1]);
    expect(Number.isNaN(e.value)).toBe(true);
    expect(e.inputShapes).toEqual([[2, 2]]);
    expect(e.nonFiniteInput).toBeNull();
    expect(e.message).toMatch(/^log: anomaly detected: produced NaN at \[1,1\] of its result \(shape \[2,2\]\) from finite inputs; input shapes: \[2,2\]/);
  });

  it('checks ops run without grad too (noGrad, inputs without requiresGrad)', () => {
    expect(thrown(() => detectAnomaly(() => noGrad(() => sqrt(tensor([1, -4, 9]))))).op).toBe('sqrt');
    const e = thrown(() => detectAnomaly(() => div(tensor([1, 0]), tensor([0, 0]))));
    // 1/0 = inf comes first (index 0) and is created from finite inputs.
    expect(e.op).toBe('div');
    expect(e.value).toBe(Infinity);
    expect(e.index).toEqual([0]);
    expect(e.inputShapes).toEqual([[2], [2]]);
  });

  it('names the first op creating inf by overflow (exp in float32), not the ops after it', () => {
    const x = tensor([1, 100]);
    const e = thrown(() => detectAnomaly(() => sum(mul(exp(x), 2))));
    expect(e.op).toBe('exp');
    expect(e.value).toBe(Infinity);
    expect(e.index).toEqual([1]);
  });

  it('reports NaN taken from an input as already non-finite, with the producer (leaf)', () => {
    const data = tensor([[1, 2, 3], [4, NaN, 6]]);
    const w = tensor([[1], [1], [1]], { requiresGrad: true });
    const e = thrown(() => detectAnomaly(() => matmul(data, w)));
    expect(e.op).toBe('matmul');
    expect(e.nonFiniteInput).toEqual({ input: 0, index: [1, 1], value: NaN, madeBy: 'leaf' });
    expect(e.message).toMatch(/input 0 was already non-finite \(NaN at \[1,1\], made by no recorded op/);
    expect(e.message).toMatch(/input shapes: \[2,3\], \[3,1\]/);
  });

  it('names the op that made a non-finite input when it ran before anomaly mode was on', () => {
    const x = tensor([-1, 1], { requiresGrad: true });
    const y = log(x); // NaN, unchecked
    const e = thrown(() => detectAnomaly(() => mul(y, 2)));
    expect(e.nonFiniteInput?.madeBy).toBe('log');
    expect(e.message).toMatch(/made by 'log'/);
  });

  it('lets deliberate infinities through: a -inf mask before softmax, forward and backward', () => {
    const logits = tensor([[1, 2, 3], [0.5, -1, 2]], { requiresGrad: true });
    const mask = tensor([[true, true, false], [true, false, true]]);
    const out = detectAnomaly(() => {
      const p = softmax(where(mask, logits, -Infinity), 1);
      sum(mul(p, tensor([[1, 2, 3], [4, 5, 6]]))).backward();
      return p;
    });
    const v = out.toFloat32Array();
    expect(v[2]).toBe(0);
    expect(v[4]).toBe(0);
    const g = logits.grad!.toFloat32Array();
    expect(Array.from(g).every(Number.isFinite)).toBe(true);
    // ... but inf − inf = NaN from those infinities is still caught, and the input is reported.
    const e = thrown(() => detectAnomaly(() => add(tensor([Infinity]), tensor([-Infinity]))));
    expect(e.op).toBe('add');
    expect(e.nonFiniteInput).toMatchObject({ input: 0, value: Infinity });
  });

  it('throws nothing for a finite training step, and changes no value', () => {
    const run = (): number[] => {
      manualSeed(3);
      const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.25), new nn.Linear(8, 3));
      const opt = new optim.Adam(model.parameters(), { lr: 0.01 });
      const x = randn(5, 4);
      const y = tensor([0, 2, 1, 1, 0], { dtype: 'int32' });
      const losses: number[] = [];
      for (let i = 0; i < 3; i++) {
        opt.zeroGrad();
        const loss = F.crossEntropy(model.call(x), y);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      return [...losses, ...model.parameters().flatMap((p) => Array.from(p.toFloat32Array()))];
    };
    const plain = run();
    const checked = detectAnomaly(run);
    expect(checked).toEqual(plain);
  });
});

describe('anomaly mode: backward', () => {
  it('sqrt at 0: the inf gradient is named "backward of sqrt" with the forward call site', () => {
    const x = tensor([4, 0, 1], { requiresGrad: true });
    const e = thrown(() => detectAnomaly(() => sum(sqrt(x)).backward()));
    expect(e.op).toBe('backward of sqrt');
    expect(e.phase).toBe('backward');
    expect(e.primitive).toBe('sqrt');
    expect(e.value).toBe(Infinity);
    expect(e.index).toEqual([1]);
    expect(e.inputShapes).toEqual([[3]]);
    expect(e.message).toMatch(/^backward of sqrt: anomaly detected: produced inf at \[1\] of the gradient for input 0 \(shape \[3\]\) from a finite incoming gradient and finite saved values/);
    // PyTorch's "Traceback of forward call that caused the error": this file is on the forward stack.
    expect(e.forwardTrace).toMatch(/anomaly\.test\.ts/);
    expect(e.message).toMatch(/forward call of 'sqrt'/);
  });

  it('0/0 inside a backward rule (sqrt at 0 behind a zero weight) is NaN, named in backward', () => {
    const x = tensor([0, 2], { requiresGrad: true });
    // d/dx [0·sqrt(x)] at 0: the rule computes 0 / (2·sqrt(0)) = 0/0.
    const e = thrown(() => detectAnomaly(() => sum(mul(sqrt(x), tensor([0, 1]))).backward()));
    expect(e.op).toBe('backward of sqrt');
    expect(Number.isNaN(e.value)).toBe(true);
    expect(e.index).toEqual([0]);
    // Off: the same computation silently yields NaN (as in PyTorch).
    const x2 = tensor([0, 2], { requiresGrad: true });
    sum(mul(sqrt(x2), tensor([0, 1]))).backward();
    expect(Number.isNaN(x2.grad!.toFloat32Array()[0])).toBe(true);
  });

  it('checks autograd.grad and gradients built with createGraph', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const e = thrown(() => detectAnomaly(() => autograd.grad(sum(sqrt(x)), x)));
    expect(e.op).toBe('backward of sqrt');
    const y = tensor([1, 2], { requiresGrad: true });
    const [g] = detectAnomaly(() => autograd.grad(sum(mul(y, mul(y, y))), y, { createGraph: true }));
    expect(Array.from(g!.toFloat32Array())).toEqual([3, 12]);
  });

  it('catches gradients that overflow when summed into .grad (float32)', () => {
    const x = tensor([1e-10], { requiresGrad: true });
    const big = tensor([3e38]);
    // Two uses of x: each sends 3e38 (finite); their sum is inf.
    const e = thrown(() => detectAnomaly(() => add(sum(mul(x, big)), sum(mul(x, big))).backward()));
    expect(e.op).toBe('backward (gradient accumulation)');
    expect(e.value).toBe(Infinity);
    expect(e.message).toMatch(/from finite gradients \(the sum overflowed\)/);
  });

  it('a NaN in the caller’s root gradient is reported', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = mul(x, 2);
    const e = thrown(() => detectAnomaly(() => y.backward(tensor([1, NaN]))));
    expect(e.op).toBe('backward');
    expect(e.index).toEqual([1]);
    expect(e.message).toMatch(/the gradient passed for output 0/);
  });

  it('a gradient taken from a non-finite saved input is reported as such', () => {
    // The forward runs with anomaly mode off, so the NaN input is saved in the graph.
    const x = tensor([1, NaN], { requiresGrad: true });
    const w = tensor([2, 3], { requiresGrad: true });
    const loss = sum(mul(x, w));
    const e = thrown(() => detectAnomaly(() => loss.backward()));
    expect(e.op).toBe('backward of mul');
    expect(e.message).toMatch(/saved input 0 of 'mul' was already non-finite \(NaN at \[1\]\)/);
    expect(e.nonFiniteInput).toMatchObject({ input: 0, index: [1] });
  });
});

describe('anomaly mode: recording while off', () => {
  it('keeps no forward call site for nodes recorded while off', () => {
    const x = tensor([0.5, 1.5], { requiresGrad: true });
    const y = exp(x) as Tensor;
    expect(y.gradFn).not.toBeNull();
    // Recorded while off: a backward error in anomaly mode has no forward trace for this node.
    const z = sum(sqrt(sub0(y)));
    const e = thrown(() => detectAnomaly(() => z.backward()));
    expect(e.forwardTrace).toBeNull();
  });
});

/** y − y: zeros that still depend on y (so sqrt's backward at 0 runs). */
function sub0(y: Tensor): Tensor {
  return add(y, mul(y, -1));
}
