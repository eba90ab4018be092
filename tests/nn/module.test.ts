// nn.Module semantics against PyTorch: parameter discovery and order, stateDict keys and round trip,
// train/eval, zeroGrad, Linear's seeded initialisation and a Sequential's loss and gradients.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, F, Tensor, manualSeed, nn, noGrad, tensor, zeros } from '../../src/index.js';

const fx = JSON.parse(readFileSync(new URL('../fixtures/nn_optim.json', import.meta.url), 'utf8'));

function close(a: Tensor, expected: unknown, tol = 1e-6): void {
  const flat = (expected as number[] | number[][]).flat(3) as number[];
  const got = Array.from(a.toFloat32Array());
  expect(got.length).toBe(flat.length);
  got.forEach((v, i) => expect(Math.abs(v - flat[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(flat[i]!))));
}

class Net extends nn.Module {
  fc1 = new nn.Linear(4, 3);
  act = new nn.ReLU();
  fc2 = new nn.Linear(3, 2);
  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }
}

describe('nn.Module', () => {
  it('finds parameters from properties in assignment order, with dotted names', () => {
    const net = new Net();
    expect(net.namedParameters().map(([k]) => k)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(net.parameters().every((p) => p instanceof nn.Parameter && p.requiresGrad)).toBe(true);
    expect(net.children().length).toBe(3);
  });
  it('lists a shared parameter once', () => {
    const a = new nn.Linear(2, 2);
    const seq = new nn.Sequential(a, a);
    expect(seq.parameters().length).toBe(2);
  });
  it('has PyTorch state_dict keys for Sequential', () => {
    const seq = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    expect(Object.keys(seq.stateDict())).toEqual(fx.sequential.keys);
  });
  it('round-trips a stateDict and rejects mismatches clearly', () => {
    const a = new Net();
    const b = new Net();
    b.loadStateDict(a.stateDict());
    for (const [k, v] of Object.entries(a.stateDict())) expect(Array.from(b.stateDict()[k]!.toFloat32Array())).toEqual(Array.from(v.toFloat32Array()));
    const sd = a.stateDict();
    delete sd['fc2.bias'];
    expect(() => b.loadStateDict(sd)).toThrow(/missing keys \[fc2.bias\]/);
    expect(b.loadStateDict(sd, { strict: false }).missingKeys).toEqual(['fc2.bias']);
    expect(() => b.loadStateDict({ ...a.stateDict(), extra: zeros(1) })).toThrow(/unexpected keys \[extra\]/);
    expect(() => b.loadStateDict({ ...a.stateDict(), 'fc1.bias': zeros(4) })).toThrow(ShapeError);
  });
  it('stateDict tensors share storage but are detached', () => {
    const l = new nn.Linear(2, 2);
    const w = l.stateDict()['weight']!;
    expect(w.requiresGrad).toBe(false);
    expect(w.storage).toBe(l.weight.storage);
  });
  it('registers buffers under PyTorch names; non-persistent ones stay out of stateDict', () => {
    class WithBuffers extends nn.Module {
      constructor() {
        super();
        this.registerBuffer('running_mean', zeros(3));
        this.registerBuffer('scratch', zeros(3), false);
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new WithBuffers();
    expect(Object.keys(m.stateDict())).toEqual(['running_mean']);
    expect(m.buffers().length).toBe(2);
  });
  it('train()/eval() reach every submodule; zeroGrad clears gradients', () => {
    const net = new Net();
    net.eval();
    expect(net.modules().every((m) => !m.training)).toBe(true);
    net.train();
    expect(net.fc2.training).toBe(true);
    F.mseLoss(net.forward(zeros(1, 4)), zeros(1, 2)).backward();
    expect(net.fc2.weight.grad).not.toBeNull();
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
  });
  it('prints like PyTorch', () => {
    expect(String(new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()))).toBe(
      'Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=true)\n  (1): ReLU()\n)',
    );
  });
  it('rejects bad sizes and options', () => {
    expect(() => new nn.Linear(-1, 2)).toThrow(ArgumentError);
    expect(() => new nn.Linear(2, 2, { bais: false } as never)).toThrow(/option 'bais'/);
    expect(() => new nn.Linear(3, 2).forward(zeros(4, 5))).toThrow(ShapeError);
  });
});

describe('Linear and Sequential match PyTorch', () => {
  it('initialises like torch.nn.Linear under the same seed', () => {
    manualSeed(fx.linear_init.seed);
    const lin = new nn.Linear(5, 3);
    const lin2 = new nn.Linear(3, 2, { bias: false });
    close(lin.weight, fx.linear_init.weight, 1e-7);
    close(lin.bias!, fx.linear_init.bias, 1e-7);
    close(lin2.weight, fx.linear_init.weight2, 1e-7);
    expect(lin2.bias).toBeNull();
  });
  it('computes the same loss and gradients as a seeded torch Sequential', () => {
    manualSeed(fx.sequential.seed);
    const seq = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Linear(3, 2));
    const x = tensor(fx.sequential.x);
    const y = tensor(fx.sequential.y, { dtype: 'int32' });
    const loss = F.crossEntropy(seq.forward(x), y);
    expect(loss.item()).toBeCloseTo(fx.sequential.loss, 5);
    loss.backward();
    for (const [k, p] of seq.namedParameters()) close(p.grad!, fx.sequential.grads[k], 1e-5);
  });
});

describe('nn.init', () => {
  it('uses PyTorch gains', () => {
    const g = fx.init.gains;
    expect(nn.init.calculateGain('tanh')).toBeCloseTo(g.tanh, 12);
    expect(nn.init.calculateGain('relu')).toBeCloseTo(g.relu, 12);
    expect(nn.init.calculateGain('leaky_relu', 0.2)).toBeCloseTo(g['leaky_relu_0.2'], 12);
    expect(nn.init.calculateGain('selu')).toBeCloseTo(g.selu, 12);
  });
  it('draws the same values as torch.nn.init under the same seed', () => {
    manualSeed(fx.init.seed);
    const t = nn.init.xavierUniform_(zeros(4, 6));
    const k = nn.init.kaimingNormal_(zeros(5, 7), { mode: 'fan_out', nonlinearity: 'relu' });
    const n = nn.init.normal_(zeros(20), 0.5, 2.0);
    close(t, fx.init.xavier_uniform, 1e-6);
    close(k, fx.init.kaiming_normal_fan_out_relu, 1e-5);
    close(n, fx.init.normal_20, 1e-5);
  });
  it('kaimingUniform bound and uniformFanIn follow the formulas', () => {
    manualSeed(1);
    const w = nn.init.kaimingUniform_(zeros(64, 100), { nonlinearity: 'relu' });
    const bound = Math.sqrt(2) * Math.sqrt(3 / 100);
    const v = Array.from(w.toFloat32Array());
    expect(Math.max(...v.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...v.map(Math.abs))).toBeGreaterThan(0.95 * bound);
    const u = Array.from(nn.init.uniformFanIn_(zeros(10, 400)).toFloat32Array());
    expect(Math.max(...u.map(Math.abs))).toBeLessThanOrEqual(1 / 20);
    expect(() => nn.init.xavierUniform_(zeros(3))).toThrow(ShapeError);
  });
  it('refuses to initialise a leaf requiring grad outside noGrad only through in-place ops', () => {
    const p = new nn.Parameter(zeros(2, 2));
    nn.init.constant_(p, 3); // init runs under noGrad
    expect(p.tolist()).toEqual([[3, 3], [3, 3]]);
    expect(() => p.fill_(1)).toThrow(/noGrad/);
    noGrad(() => p.fill_(1));
    expect(p.tolist()).toEqual([[1, 1], [1, 1]]);
  });
});
