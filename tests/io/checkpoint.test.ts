// io.saveCheckpoint / loadCheckpoint: resuming Adam training from a checkpoint on disk continues bit for
// bit like the uninterrupted run; a PyTorch state_dict file (tests/fixtures/io_torch_mlp.safetensors,
// written by make_io_fixtures.py) loads and reproduces PyTorch's outputs, and our file of the same
// weights is byte-identical to it; metadata round-trips as JSON; strict and shape checks; a load that
// does not fit changes neither the model nor the optimizer.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, F, ShapeError, Tensor, io, manualSeed, nn, optim, randint, randn, tensor } from '../../src/index.js';
import { bitsOf, expected, fixture, tempDir, thrown } from './helpers.js';

const { SerializationError } = io;
const tmp = tempDir();
afterAll(tmp.cleanup);
let fileCount = 0;
const newFile = (): string => join(tmp.dir, `ckpt-${fileCount++}.safetensors`);

function mlp(seed: number, sizes: number[] = [6, 16, 3]): nn.Sequential {
  manualSeed(seed);
  const layers: nn.Module<never, unknown>[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    if (i > 0) layers.push(new nn.ReLU());
    layers.push(new nn.Linear(sizes[i]!, sizes[i + 1]!));
  }
  return new nn.Sequential(...layers);
}

/** Adam with two parameter groups (own lr for the first layer) and amsgrad. */
function adam(model: nn.Sequential, lrFirst = 0.02, lr = 0.01): optim.Adam {
  const [w0, b0, ...rest] = model.parameters();
  return new optim.Adam([{ params: [w0!, b0!], lr: lrFirst }, { params: rest }], { lr, amsgrad: true, weightDecay: 1e-3 });
}

manualSeed(99);
const X = randn(32, 6);
const Y = randint(0, 3, [32]);

function train(model: nn.Sequential, opt: optim.Optimizer<object>, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const at = (i % 4) * 8;
    opt.zeroGrad();
    F.crossEntropy(model.forward(X.narrow(0, at, 8)), Y.narrow(0, at, 8)).backward();
    opt.step();
  }
}

/** Every parameter's bits, by stateDict key. */
const bits = (m: nn.Module<never, unknown>): Record<string, number[]> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, bitsOf(t)]));
const values = (m: nn.Module<never, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, t.tolist()]));
const optimizerSnapshot = (o: optim.Optimizer<object>): string =>
  JSON.stringify(o.stateDict(), (_k, v: unknown) => (v instanceof Tensor ? v.tolist() : v));

describe('resuming training from a checkpoint', () => {
  const N = 10;
  const K = 4;

  it('Adam (two groups, amsgrad) stopped at step k, saved, loaded into a fresh model + optimizer and continued to N: bitwise identical', () => {
    const straight = mlp(1);
    train(straight, adam(straight), 0, N);

    const first = mlp(1);
    const firstOpt = adam(first);
    train(first, firstOpt, 0, K);
    const file = newFile();
    io.saveCheckpoint(file, { model: first, optimizer: firstOpt, metadata: { step: K, note: 'mid-run' } });

    const resumed = mlp(2); // other weights, and other learning rates: all must come from the file
    const resumedOpt = adam(resumed, 0.5, 0.5);
    expect(bits(resumed)).not.toEqual(bits(first));
    const info = io.loadCheckpoint(file, { model: resumed, optimizer: resumedOpt });
    expect(info).toEqual({ metadata: { step: K, note: 'mid-run' }, missingKeys: [], unexpectedKeys: [], optimizerLoaded: true });
    expect(resumedOpt.paramGroups.map((g) => g.lr)).toEqual([0.02, 0.01]);
    train(resumed, resumedOpt, K, N);
    expect(bits(resumed)).toEqual(bits(straight));
  });

  it('(control) without the optimizer state the continued run differs, so the test above can fail', () => {
    const straight = mlp(1);
    train(straight, adam(straight), 0, N);
    const first = mlp(1);
    const firstOpt = adam(first);
    train(first, firstOpt, 0, K);
    const file = newFile();
    io.saveCheckpoint(file, { model: first, optimizer: firstOpt });
    const resumed = mlp(2);
    const freshOpt = adam(resumed);
    io.loadCheckpoint(file, { model: resumed });
    train(resumed, freshOpt, K, N);
    expect(bits(resumed)).not.toEqual(bits(straight));
  });

  it('L-BFGS (history lists, flat vectors, null entries) resumes bitwise too', () => {
    const closureFor = (model: nn.Sequential, opt: optim.LBFGS) => (): Tensor => {
      opt.zeroGrad();
      const loss = F.crossEntropy(model.forward(X), Y);
      loss.backward();
      return loss;
    };
    const make = (seed: number): [nn.Sequential, optim.LBFGS] => {
      const m = mlp(seed, [6, 4, 3]);
      return [m, new optim.LBFGS(m.parameters(), { maxIter: 3, historySize: 4, lineSearchFn: 'strong_wolfe' })];
    };
    const [straight, sOpt] = make(1);
    for (let i = 0; i < 5; i++) sOpt.step(closureFor(straight, sOpt));
    const [first, fOpt] = make(1);
    for (let i = 0; i < 3; i++) fOpt.step(closureFor(first, fOpt));
    const file = newFile();
    io.saveCheckpoint(file, { model: first, optimizer: fOpt });
    const [resumed, rOpt] = make(2);
    io.loadCheckpoint(file, { model: resumed, optimizer: rOpt });
    expect(JSON.parse(optimizerSnapshot(rOpt))).toEqual(JSON.parse(optimizerSnapshot(fOpt)));
    for (let i = 3; i < 5; i++) rOpt.step(closureFor(resumed, rOpt));
    expect(bits(resumed)).toEqual(bits(straight));
  });

  it('stores model tensors under their stateDict keys and optimizer tensors under optimizer.state.<index>.<name>', () => {
    const model = mlp(3);
    const opt = adam(model);
    train(model, opt, 0, 2);
    const file = newFile();
    io.saveCheckpoint(file, { model, optimizer: opt, metadata: { epoch: 1 } });
    const { tensors, metadata } = io.load(file);
    const stateNames = ['expAvg', 'expAvgSq', 'maxExpAvgSq'];
    expect(Object.keys(tensors).sort()).toEqual([
      '0.bias', '0.weight', '2.bias', '2.weight', ...[0, 1, 2, 3].flatMap((i) => stateNames.map((s) => `optimizer.state.${i}.${s}`)),
    ].sort());
    expect(tensors['optimizer.state.2.expAvg']!.tolist()).toEqual((opt.state.get(model.parameters()[2]!)!.expAvg as Tensor).tolist());
    expect(metadata['epoch']).toBe('1');
    expect(metadata[io.CHECKPOINT_FORMAT_KEY]).toBe('1');
    const record = JSON.parse(metadata[io.OPTIMIZER_METADATA_KEY]!) as { type: string; paramGroups: { lr: number; params: number[] }[]; scalars: Record<string, { step: number }> };
    expect(record.type).toBe('Adam');
    expect(record.paramGroups.map((g) => [g.lr, g.params])).toEqual([[0.02, [0, 1]], [0.01, [2, 3]]]);
    expect(record.scalars['3']).toEqual({ step: 2 });
  });
});

describe('PyTorch state_dict files', () => {
  const torchFile = fileURLToPath(new URL('../fixtures/io_torch_mlp.safetensors', import.meta.url));
  const x = tensor(expected.mlp.x);

  function expectTorchOutputs(model: nn.Sequential): void {
    const y = model.forward(x).tolist() as number[][];
    expect(y.length).toBe(expected.mlp.y.length);
    y.flat().forEach((v, i) => expect(Math.abs(v - expected.mlp.y.flat()[i]!)).toBeLessThan(1e-6));
  }

  it('io.load + loadStateDict gives PyTorch\'s outputs on the fixture input', () => {
    const { tensors, metadata } = io.load(torchFile);
    expect(Object.keys(tensors).sort()).toEqual([...expected.mlp.keys].sort());
    expect(metadata).toEqual({ format: 'pt' });
    const model = mlp(5, [4, 8, 3]);
    model.loadStateDict(tensors);
    expectTorchOutputs(model);
  });

  it('loadCheckpoint reads it too (strict; the foreign string metadata comes back as it is)', () => {
    const model = mlp(5, [4, 8, 3]);
    expect(io.loadCheckpoint(torchFile, { model })).toEqual({ metadata: { format: 'pt' }, missingKeys: [], unexpectedKeys: [], optimizerLoaded: false });
    expectTorchOutputs(model);
  });

  it('vice versa: saving those weights from nodegrad gives the very bytes PyTorch\'s side wrote', () => {
    const model = mlp(5, [4, 8, 3]);
    model.loadStateDict(io.load(torchFile).tensors);
    const file = newFile();
    io.save(file, model.stateDict(), { metadata: { format: 'pt' } });
    expect(readFileSync(file).equals(Buffer.from(fixture('io_torch_mlp.safetensors')))).toBe(true);
  });
});

describe('metadata', () => {
  it('round-trips JSON values; each is stored as JSON text under its own key', () => {
    const model = mlp(1);
    const file = newFile();
    const metadata = { epoch: 3, loss: 0.123456789, tags: ['a', 'b'], nested: { x: null, ok: true }, note: 'hi "there"', ünï: '✓' };
    io.saveCheckpoint(file, { model, metadata });
    expect(io.loadCheckpoint(file, { model }).metadata).toEqual(metadata);
    const raw = io.load(file).metadata;
    expect(raw['epoch']).toBe('3');
    expect(raw['note']).toBe('"hi \\"there\\""');
  });

  it('refuses reserved keys and values that are not JSON data', () => {
    const model = mlp(1);
    const file = newFile();
    const save = (metadata: unknown): unknown => io.saveCheckpoint(file, { model, metadata: metadata as never });
    expect(thrown(() => save({ 'nodegrad.x': 1 }), ArgumentError).message).toBe("io.saveCheckpoint: metadata[\"nodegrad.x\"] uses the reserved prefix 'nodegrad.'");
    expect(thrown(() => save({ loss: NaN }), ArgumentError).message).toMatch(/metadata\["loss"\] must be JSON data: NaN is not a finite number/);
    expect(thrown(() => save({ when: new Date(0) }), ArgumentError).message).toMatch(/metadata\["when"\] must be JSON data .* got Date/);
    expect(thrown(() => save({ a: [1, undefined] }), ArgumentError).message).toMatch(/metadata\["a"\]\[1\] must be JSON data/);
    expect(thrown(() => save({ n: 1n }), ArgumentError).message).toMatch(/metadata\["n"\] must be JSON data .* got bigint 1/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(thrown(() => save({ c: cycle }), ArgumentError).message).toMatch(/nested more than 64 levels deep \(a cycle\?\)/);
    expect(thrown(() => save(['x']), ArgumentError).message).toMatch(/metadata must be a record of JSON values, got an array/);
  });
});

describe('strict loading and shapes', () => {
  const saved = (): { file: string; model: nn.Sequential } => {
    const model = mlp(1, [4, 8, 3]);
    const file = newFile();
    io.saveCheckpoint(file, { model });
    return { file, model };
  };

  it('missing keys: strict refuses and changes nothing; strict: false loads the rest and reports them', () => {
    const { file, model } = saved();
    const bigger = mlp(7, [4, 8, 3, 2]);
    const before = values(bigger);
    const e = thrown(() => io.loadCheckpoint(file, { model: bigger }), ArgumentError);
    expect(e.message).toBe(`io.loadCheckpoint: model does not match ${file}: missing keys [4.weight, 4.bias], unexpected keys [] (strict: false loads the keys both have)`);
    expect(values(bigger)).toEqual(before);
    const info = io.loadCheckpoint(file, { model: bigger, strict: false });
    expect(info.missingKeys).toEqual(['4.weight', '4.bias']);
    expect(info.unexpectedKeys).toEqual([]);
    expect(bigger.stateDict()['2.weight']!.tolist()).toEqual(model.stateDict()['2.weight']!.tolist());
    expect(bigger.stateDict()['4.weight']!.tolist()).toEqual(before['4.weight']);
  });

  it('unexpected keys likewise', () => {
    const { file, model } = saved();
    const smaller = mlp(7, [4, 8]);
    expect(thrown(() => io.loadCheckpoint(file, { model: smaller }), ArgumentError).message).toMatch(/missing keys \[\], unexpected keys \[2.bias, 2.weight\]/); // file order
    const info = io.loadCheckpoint(file, { model: smaller, strict: false });
    expect(info.unexpectedKeys).toEqual(['2.bias', '2.weight']);
    expect(smaller.stateDict()['0.bias']!.tolist()).toEqual(model.stateDict()['0.bias']!.tolist());
  });

  it('a shape mismatch is a ShapeError naming the tensor, even with strict: false, and nothing is loaded', () => {
    const { file } = saved();
    const other = mlp(7, [4, 8, 5]);
    const before = values(other);
    const e = thrown(() => io.loadCheckpoint(file, { model: other, strict: false }), ShapeError);
    expect(e.message).toBe(`io.loadCheckpoint: ${file}: tensor "2.weight" has the wrong shape for the model (checkpoint=[3,8], model=[5,8])`);
    expect(values(other)).toEqual(before); // 0.weight fits but was not assigned either
  });
});

describe('optimizer state must fit, or nothing is loaded', () => {
  function savedWithAdam(): { file: string; model: nn.Sequential; opt: optim.Adam } {
    const model = mlp(1, [4, 8, 3]);
    const opt = adam(model);
    manualSeed(3);
    opt.zeroGrad();
    F.crossEntropy(model.forward(randn(5, 4)), randint(0, 3, [5])).backward();
    opt.step();
    const file = newFile();
    io.saveCheckpoint(file, { model, optimizer: opt });
    return { file, model, opt };
  }
  /** Loading `file` into a fresh model and `opt` throws `cls`; the model and optimizer are unchanged. */
  function refused<E extends Error>(file: string, opt: (m: nn.Sequential) => optim.Optimizer<object>, cls: new (...a: never[]) => E, message: RegExp | string): void {
    const model = mlp(9, [4, 8, 3]);
    const o = opt(model);
    const [mBefore, oBefore] = [values(model), optimizerSnapshot(o)];
    const e = thrown(() => io.loadCheckpoint(file, { model, optimizer: o }), cls as never) as unknown as Error;
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
    expect(values(model)).toEqual(mBefore);
    expect(optimizerSnapshot(o)).toBe(oBefore);
  }
  function tampered(file: string, change: (c: { tensors: Record<string, Tensor>; metadata: Record<string, string> }) => void): string {
    const c = io.load(file);
    change(c);
    const out = newFile();
    io.save(out, c.tensors, { metadata: c.metadata });
    return out;
  }

  it('another optimizer type', () => {
    const { file } = savedWithAdam();
    refused(file, (m) => new optim.SGD(m.parameters(), { lr: 0.1, momentum: 0.9 }) as never, ArgumentError, `io.loadCheckpoint: optimizer is SGD but ${file} holds Adam state`);
  });
  it('another group layout', () => {
    const { file } = savedWithAdam();
    refused(file, (m) => new optim.Adam(m.parameters()) as never, ArgumentError, `io.loadCheckpoint: optimizer has 1 parameter groups, ${file} has 2`);
    refused(file, (m) => new optim.Adam([{ params: m.parameters().slice(0, 1) }, { params: m.parameters().slice(1) }]) as never, ArgumentError, /has 1 parameters in group 0, .* has 2/);
  });
  it('state of the wrong shape for the optimizer\'s parameters', () => {
    const model = mlp(1, [4, 8, 3]);
    const opt = new optim.Adam([randn(3, 3).requiresGrad_()]);
    opt.paramGroups[0]!.params[0]!.grad = randn(3, 3);
    opt.step();
    const file = newFile();
    io.saveCheckpoint(file, { model, optimizer: opt as never });
    refused(file, () => new optim.Adam([randn(2, 2).requiresGrad_()]) as never, ShapeError, /tensor "optimizer.state.0.expAvg" must have the shape of its parameter \(checkpoint=\[3,3\], parameter=\[2,2\]\)/);
  });
  it('options the optimizer refuses (a corrupt record)', () => {
    const { file } = savedWithAdam();
    const bad = tampered(file, (c) => {
      const r = JSON.parse(c.metadata[io.OPTIMIZER_METADATA_KEY]!) as { paramGroups: { betas: number[] }[] };
      r.paramGroups[1]!.betas = [1.5, 0.9];
      c.metadata[io.OPTIMIZER_METADATA_KEY] = JSON.stringify(r);
    });
    refused(bad, (m) => adam(m) as never, SerializationError, /holds optimizer state that Adam refuses: Adam: betas \[0\] must be in \[0, 1\), got 1.5/);
  });
  it('optimizer tensors missing from, or not listed in, the record', () => {
    const { file } = savedWithAdam();
    const missing = tampered(file, (c) => delete c.tensors['optimizer.state.1.expAvgSq']);
    refused(missing, (m) => adam(m) as never, SerializationError, `io.loadCheckpoint: ${missing}: tensor "optimizer.state.1.expAvgSq" is listed in the optimizer record but missing from the file`);
    const extra = tampered(file, (c) => (c.tensors['optimizer.state.0.extra'] = tensor([1])));
    refused(extra, (m) => adam(m) as never, SerializationError, /tensor "optimizer.state.0.extra" is not listed in the checkpoint's optimizer record/);
    const unknownIndex = tampered(file, (c) => {
      const r = JSON.parse(c.metadata[io.OPTIMIZER_METADATA_KEY]!) as { scalars: Record<string, unknown> };
      r.scalars['9'] = { step: 1 };
      c.metadata[io.OPTIMIZER_METADATA_KEY] = JSON.stringify(r);
    });
    refused(unknownIndex, (m) => adam(m) as never, SerializationError, /state for parameter index 9, which no parameter group lists/);
  });
  it('a malformed record, bad user metadata, or a newer checkpoint format', () => {
    const { file } = savedWithAdam();
    const notJson = tampered(file, (c) => (c.metadata[io.OPTIMIZER_METADATA_KEY] = '{oops'));
    refused(notJson, (m) => adam(m) as never, SerializationError, `io.loadCheckpoint: ${notJson}: metadata nodegrad.optimizer is not JSON text`);
    const wrongShape = tampered(file, (c) => (c.metadata[io.OPTIMIZER_METADATA_KEY] = '{"type":"Adam","paramGroups":{}}'));
    refused(wrongShape, (m) => adam(m) as never, SerializationError, /metadata nodegrad.optimizer is malformed: paramGroups must be an array/);
    const userNotJson = tampered(file, (c) => (c.metadata['epoch'] = 'three'));
    refused(userNotJson, (m) => adam(m) as never, SerializationError, /metadata "epoch" is not JSON text: "three"/);
    const newer = tampered(file, (c) => (c.metadata[io.CHECKPOINT_FORMAT_KEY] = '2'));
    refused(newer, (m) => adam(m) as never, SerializationError, /has checkpoint format "2"; this nodegrad reads format 1/);
  });
  it('an optimizer given for a file without optimizer state: strict refuses, strict: false loads the model only', () => {
    const model = mlp(1, [4, 8, 3]);
    const file = newFile();
    io.saveCheckpoint(file, { model });
    refused(file, (m) => adam(m) as never, ArgumentError, `io.loadCheckpoint: optimizer was given but ${file} holds no optimizer state (strict: false loads the model only)`);
    const fresh = mlp(9, [4, 8, 3]);
    const opt = adam(fresh);
    expect(io.loadCheckpoint(file, { model: fresh, optimizer: opt, strict: false }).optimizerLoaded).toBe(false);
    expect(values(fresh)).toEqual(values(model));
    expect(opt.state.size).toBe(0);
  });
});

describe('bad arguments', () => {
  it('options, model, optimizer, strict', () => {
    const model = mlp(1);
    const file = newFile();
    expect(thrown(() => io.saveCheckpoint(file, undefined as never), ArgumentError).message).toBe('io.saveCheckpoint: options must be an object with at least { model }, got undefined');
    expect(thrown(() => io.saveCheckpoint(file, {} as never), ArgumentError).message).toBe('io.saveCheckpoint: model must be an nn.Module, got undefined');
    expect(thrown(() => io.saveCheckpoint(file, { model, optimiser: null } as never), ArgumentError).message).toMatch(/option 'optimiser' is not a known option \(known: model, optimizer, metadata\)/);
    expect(thrown(() => io.saveCheckpoint(file, { model, optimizer: {} as never }), ArgumentError).message).toMatch(/optimizer must be an optim.Optimizer, got Object/);
    io.saveCheckpoint(file, { model });
    expect(thrown(() => io.loadCheckpoint(file, { model, strict: 'yes' as never }), ArgumentError).message).toBe('io.loadCheckpoint: strict must be a boolean, got the string "yes"');
    expect(thrown(() => io.loadCheckpoint(file, { model: model.stateDict() as never }), ArgumentError).message).toMatch(/model must be an nn.Module, got Object/);
    expect(thrown(() => io.loadCheckpoint(7 as never, { model }), ArgumentError).message).toMatch(/io.loadCheckpoint: path must be/);
  });

  it('a model key that clashes with the optimizer prefix is refused when an optimizer is saved', () => {
    const odd = new nn.Sequential({ optimizer: new nn.Sequential({ state: new nn.Linear(2, 2) }) });
    const file = newFile();
    const opt = new optim.SGD(odd.parameters(), { lr: 0.1 });
    expect(thrown(() => io.saveCheckpoint(file, { model: odd, optimizer: opt as never }), ArgumentError).message).toMatch(
      /model has the stateDict key "optimizer.state.weight", which clashes with the optimizer state prefix 'optimizer.state.'/,
    );
    io.saveCheckpoint(file, { model: odd }); // without an optimizer there is no clash
    const again = new nn.Sequential({ optimizer: new nn.Sequential({ state: new nn.Linear(2, 2) }) });
    io.loadCheckpoint(file, { model: again });
    expect(values(again)).toEqual(values(odd));
  });
});
