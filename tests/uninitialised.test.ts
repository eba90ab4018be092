// Op results are allocated uninitialised (torch.empty) and must be written completely. With the debug
// fill on, every such array starts as NaN (floats) or 12345 (ints), so any element an op forgets to write
// shows up; each op must give exactly the values it gives on the fast path.
import { afterEach, describe, expect, it } from 'vitest';
import { setFillUninitialised } from '../src/core/dtype.js';
import { F, Tensor, argmax, cat, manualSeed, matmul, nn, randint, randn, setBackend, zeros } from '../src/index.js';

afterEach(() => {
  setFillUninitialised(null);
  setBackend('native');
});

/** Runs `f` with the fast path and with each debug fill; all runs must agree exactly. */
function sameUnderFill(f: () => unknown[]): void {
  const plain = JSON.stringify(f().map((t) => (t instanceof Tensor ? t.tolist() : t)));
  for (const v of [NaN, 12345]) {
    setFillUninitialised(v);
    try {
      expect(JSON.stringify(f().map((t) => (t instanceof Tensor ? t.tolist() : t)))).toBe(plain);
    } finally {
      setFillUninitialised(null);
    }
  }
}

describe.each(['native', 'reference'] as const)('results are fully written on %s', (backend) => {
  it('forward ops on results past the uninitialised threshold', () => {
    setBackend(backend);
    sameUnderFill(() => {
      manualSeed(1);
      const a = randn(130, 140);
      const b = randn(140, 150);
      const v = randn(150);
      return [
        matmul(a, b), matmul(zeros(200, 0), zeros(0, 100)), matmul(zeros(3, 100, 0), zeros(0, 70)), // K = 0: the empty sum
        a.exp(), a.add(randn(140)), a.mul(randn(130, 1)), a.gt(0).float(), F.relu(a), a.t().contiguous(), a.t().clone(),
        a.sum(0), a.mean(1), a.max(1).values, argmax(a, 1), F.softmax(a, 1), F.logSoftmax(a, 0),
        cat([a, a], 0), a.gather(1, randint(0, 140, [130, 20])), matmul(b, v),
        randint(0, 9, [200, 100]).float(),
      ];
    });
  });

  it('gradients of slices, gathers and a linear layer', () => {
    setBackend(backend);
    sameUnderFill(() => {
      manualSeed(2);
      const x = randn(300, 200).requiresGrad_();
      const lin = new nn.Linear(200, 90);
      const y = lin.forward(x.narrow(0, 10, 150)).sum().add(x.narrow(1, 5, 7).pow(2).sum()).add(x.gather(1, randint(0, 200, [300, 3])).sum());
      y.backward();
      return [y, x.grad!, lin.weight.grad!, lin.bias!.grad!];
    });
  });
});
