// train.fit / evaluate / metrics / callbacks: fit does exactly what a hand-written loop does (bitwise
// equal parameters), epoch figures are sample-weighted over uneven batches, metrics match hand counts,
// EarlyStopping follows Keras's rule on scripted values and restores the best epoch's weights, the
// schedule and logger callbacks see the right values, and bad input is a typed error.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgumentError, F, ShapeError, cast, io, manualSeed, noGrad, nn, optim, rand, randn, randint, tensor, train, type Tensor } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'nodegrad-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A 3-class problem in 4-D, split into batches of 7 (the last one short). */
function problem(seed: number, n = 40): { batches: [Tensor, Tensor][]; X: Tensor; Y: Tensor } {
  manualSeed(seed);
  const X = randn([n, 4]);
  const Y = randint(0, 3, [n]);
  const batches: [Tensor, Tensor][] = [];
  for (let i = 0; i < n; i += 7) batches.push([X.narrow(0, i, Math.min(7, n - i)), Y.narrow(0, i, Math.min(7, n - i))]);
  return { batches, X, Y };
}

function mlp(seed: number): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(4, 8), new nn.Tanh(), new nn.Linear(8, 3));
}

function params(m: nn.Module): number[] {
  return m.parameters().flatMap((p) => Array.from(p.toFloat32Array()));
}

describe('fit', () => {
  it('gives bitwise the parameters of the equivalent hand-written loop, and sample-weighted epoch logs', () => {
    const { batches } = problem(1);
    const a = mlp(2);
    const b = mlp(2);
    const optA = new optim.Adam(a.parameters(), { lr: 0.01 });
    const optB = new optim.Adam(b.parameters(), { lr: 0.01 });
    const history = train.fit(a, { optimizer: optA, loss: F.crossEntropy, trainData: batches, epochs: 3, metrics: ['accuracy'], progress: false });
    const expected: { loss: number; accuracy: number }[] = [];
    for (let e = 0; e < 3; e++) {
      let lossSum = 0;
      let correct = 0;
      let n = 0;
      for (const [x, y] of batches) {
        optB.zeroGrad();
        const out = b.call(x);
        const loss = F.crossEntropy(out, y);
        loss.backward();
        optB.step();
        const k = x.shape[0]!;
        lossSum += (loss.item() as number) * k;
        correct += out.argmax(1).eq(y).sum().item() as number;
        n += k;
      }
      expected.push({ loss: lossSum / n, accuracy: correct / n });
    }
    expect(params(a)).toEqual(params(b));
    expect(history.epochs).toEqual([0, 1, 2]);
    expect(history.values.loss).toEqual(expected.map((e) => e.loss));
    expect(history.values.accuracy).toEqual(expected.map((e) => e.accuracy));
    expect(history.values.lr).toEqual([0.01, 0.01, 0.01]);
    expect(history.last()).toEqual(history.logs[2]);
    expect(history.toCSV().split('\n')[0]).toBe('epoch,loss,accuracy,lr');
  });

  it('learns: a separable problem reaches full training accuracy and the loss falls', () => {
    manualSeed(3);
    const X = randn([64, 2]);
    const Y = cast(X.select(1, 0).add(X.select(1, 1)).gt(0), 'int32');
    const batches: [Tensor, Tensor][] = [0, 16, 32, 48].map((i) => [X.narrow(0, i, 16), Y.narrow(0, i, 16)]);
    manualSeed(4);
    const model = new nn.Sequential(new nn.Linear(2, 2));
    const h = train.fit(model, { optimizer: new optim.SGD(model.parameters(), { lr: 0.5 }), loss: F.crossEntropy, trainData: batches, epochs: 30, metrics: ['accuracy'], progress: false });
    const loss = h.values.loss!;
    expect(loss[loss.length - 1]!).toBeLessThan(loss[0]! / 3);
    expect(h.values.accuracy![29]).toBeGreaterThanOrEqual(0.95);
  });

  it('evaluates valData in eval mode without gradients and restores train mode', () => {
    const { batches } = problem(5);
    const model = mlp(6);
    const modes: boolean[] = [];
    const probe = { forward: (m: nn.Module<never, unknown>, x: Tensor): Tensor => {
      modes.push(m.training);
      return (m as unknown as nn.Sequential).call(x);
    } };
    const h = train.fit(model, { optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: F.crossEntropy, trainData: batches.slice(0, 2), valData: batches.slice(2), epochs: 1, progress: false, ...probe });
    // 2 training batches in train mode, then 4 validation batches in eval mode.
    expect(modes).toEqual([true, true, false, false, false, false]);
    expect(model.training).toBe(true);
    const val = train.evaluate(model, batches.slice(2), { loss: F.crossEntropy });
    expect(h.values.valLoss![0]).toBeCloseTo(val.loss!, 12);
    expect(model.parameters().every((p) => p.grad === null || p.grad !== undefined)).toBe(true);
  });

  it('evaluate weights each batch by its size', () => {
    const { batches, X, Y } = problem(7, 40);
    const model = mlp(8);
    const logs = train.evaluate(model, batches, { loss: F.crossEntropy, metrics: ['accuracy', 'top2'] });
    const all = model.call(X);
    expect(logs.loss).toBeCloseTo(F.crossEntropy(all, Y).item() as number, 5);
    expect(logs.accuracy).toBe((all.argmax(1).eq(Y).sum().item() as number) / 40);
    expect(Object.keys(logs)).toEqual(['loss', 'accuracy', 'top2']);
  });

  it('starts at initialEpoch and stops when a callback sets stopTraining', () => {
    const { batches } = problem(9);
    const model = mlp(10);
    const seen: number[] = [];
    const h = train.fit(model, {
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: F.crossEntropy, trainData: batches, epochs: 10, initialEpoch: 3, progress: false,
      callbacks: [{ onEpochEnd: (e, _l, ctx) => { seen.push(e); if (e === 5) ctx.stopTraining = true; } }],
    });
    expect(seen).toEqual([3, 4, 5]);
    expect(h.epochs).toEqual([3, 4, 5]);
  });

  it('calls the hooks in order, onAfterBackward between backward and step', () => {
    const { batches } = problem(11, 14);
    const model = mlp(12);
    const events: string[] = [];
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    train.fit(model, {
      optimizer: opt, loss: F.crossEntropy, trainData: batches, epochs: 1, progress: false,
      callbacks: [{
        onTrainBegin: () => events.push('trainBegin'), onEpochBegin: (e) => events.push(`epochBegin ${e}`),
        onBatchBegin: (b) => events.push(`batchBegin ${b}`),
        onAfterBackward: (b) => events.push(`afterBackward ${b} grad=${model.parameters()[0]!.grad !== null}`),
        onBatchEnd: (b, l) => events.push(`batchEnd ${b} size=${l.size}`),
        onEpochEnd: (e) => events.push(`epochEnd ${e}`), onTrainEnd: () => events.push('trainEnd'),
      }],
    });
    expect(events).toEqual([
      'trainBegin', 'epochBegin 0', 'batchBegin 0', 'afterBackward 0 grad=true', 'batchEnd 0 size=7',
      'batchBegin 1', 'afterBackward 1 grad=true', 'batchEnd 1 size=7', 'epochEnd 0', 'trainEnd',
    ]);
  });

  it('shows progress: epoch, loss, metrics, samples/s, plain lines off a terminal', () => {
    const { batches } = problem(13);
    const model = mlp(14);
    let text = '';
    const stream = { write: (s: string) => { text += s; return true; }, isTTY: false };
    train.fit(model, { optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: F.crossEntropy, trainData: batches, valData: batches, epochs: 2, metrics: ['accuracy'], progress: { stream, intervalMs: 0 } });
    const lines = text.trim().split('\n');
    expect(lines.some((l) => /^train {2}epoch 1\/2 {2}step 1\/6 {2}loss \d\.\d{4} {2}acc \d+\.\d\d% {2}\d+ samples\/s {2}ETA /.test(l))).toBe(true);
    expect(lines.filter((l) => /done in/.test(l))).toHaveLength(2);
    expect(lines[lines.length - 1]).toMatch(/epoch 2\/2 {2}step 6\/6 .*valLoss \d\.\d{4}/);
  });

  it('refuses bad input with typed errors', () => {
    const { batches } = problem(15);
    const model = mlp(16);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const base = { optimizer: opt, loss: F.crossEntropy, trainData: batches, epochs: 1, progress: false as const };
    expect(() => train.fit(model, { ...base, epochs: -1 })).toThrow(ArgumentError);
    expect(() => train.fit(model, { ...base, trainData: 5 as never })).toThrow(/iterable of \[input, target\] batches/);
    expect(() => train.fit(model, { ...base, trainData: [[batches[0]![0]]] as never })).toThrow(/trainData batch 0/);
    expect(() => train.fit(model, { ...base, metrics: ['f1' as never] })).toThrow(/unknown metric 'f1'/);
    expect(() => train.fit(model, { ...base, metrics: ['accuracy', 'acc'] })).toThrow(/twice/);
    expect(() => train.fit(model, { ...base, lossFn: F.crossEntropy } as never)).toThrow(/lossFn/);
    expect(() => train.fit(model, { ...base, loss: (o: Tensor) => o })).toThrow(/scalar/);
  });
});

describe('metrics', () => {
  const logits = tensor([[0.1, 0.7, 0.2], [0.5, 0.5, 0.0], [0.3, 0.2, 0.1], [0.0, 0.1, 0.9]]);
  it('accuracy: argmax (first maximum on ties) against int32 labels or one-hot rows', () => {
    expect(train.accuracy().update(logits, tensor([1, 0, 2, 2], { dtype: 'int32' }))).toEqual([3, 4]);
    expect(train.accuracy().update(logits, tensor([1, 1, 0, 2], { dtype: 'int32' }))).toEqual([3, 4]);
    const oneHot = tensor([[0, 1, 0], [0, 1, 0], [1, 0, 0], [1, 0, 0]]);
    expect(train.accuracy().update(logits, oneHot)).toEqual([2, 4]);
  });
  it('top-k: fewer than k classes score strictly higher than the target', () => {
    const y = tensor([2, 2, 1, 0], { dtype: 'int32' });
    // ranks of the target: row0 2 (0.2 < 0.7), row1 3, row2 2, row3 3
    expect(train.topKAccuracy(1).update(logits, y)).toEqual([0, 4]);
    expect(train.topKAccuracy(2).update(logits, y)).toEqual([2, 4]);
    expect(train.topKAccuracy(3).update(logits, y)).toEqual([4, 4]);
    expect(() => train.topKAccuracy(4).update(logits, y)).toThrow(/larger than the number of classes/);
    expect(() => train.topKAccuracy(0)).toThrow(ArgumentError);
    expect(() => train.accuracy().update(logits, tensor([1, 2], { dtype: 'int32' }))).toThrow(ShapeError);
  });
});

/** Runs an EarlyStopping over scripted values with a model whose weight records the epoch. */
function scripted(es: train.EarlyStopping, values: number[], monitor = 'valLoss'): { stoppedAt: number; model: nn.Linear } {
  manualSeed(0);
  const model = new nn.Linear(1, 1);
  const ctx = { model, optimizer: new optim.SGD(model.parameters(), { lr: 1 }), epoch: 0, epochs: values.length, stopTraining: false, history: new train.History() };
  es.onTrainBegin();
  let stoppedAt = -1;
  for (let e = 0; e < values.length && !ctx.stopTraining; e++) {
    noGrad(() => model.weight.fill_(e)); // the "weights" of epoch e
    es.onEpochEnd(e, { [monitor]: values[e]! }, ctx);
    if (ctx.stopTraining) stoppedAt = e;
  }
  es.onTrainEnd(ctx);
  return { stoppedAt, model };
}

describe('EarlyStopping', () => {
  it('stops after patience epochs without improvement (Keras rule)', () => {
    expect(scripted(new train.EarlyStopping({ patience: 1 }), [1, 0.8, 0.85, 0.9, 0.7]).stoppedAt).toBe(3);
    expect(scripted(new train.EarlyStopping({ patience: 0 }), [1, 0.8, 0.85, 0.7]).stoppedAt).toBe(2);
    expect(scripted(new train.EarlyStopping({ patience: 2 }), [1, 0.8, 0.85, 0.79, 0.9, 0.91, 0.92]).stoppedAt).toBe(6);
    // minDelta: 0.8 -> 0.79 is not an improvement of more than 0.05
    expect(scripted(new train.EarlyStopping({ patience: 1, minDelta: 0.05 }), [1, 0.8, 0.79, 0.78, 0.5]).stoppedAt).toBe(3);
    // baseline: nothing counts until the value beats 0.5
    expect(scripted(new train.EarlyStopping({ patience: 1, baseline: 0.5 }), [0.9, 0.8, 0.7, 0.4]).stoppedAt).toBe(1);
    // NaN never improves
    expect(scripted(new train.EarlyStopping({ patience: 0 }), [1, Number.NaN]).stoppedAt).toBe(1);
  });
  it("mode 'auto' maximises accuracy-like names; explicit modes win", () => {
    expect(new train.EarlyStopping({ monitor: 'valAccuracy' })['mode' as never]).toBe('max');
    expect(new train.EarlyStopping({ monitor: 'valTop5' })['mode' as never]).toBe('max');
    expect(new train.EarlyStopping({ monitor: 'loss' })['mode' as never]).toBe('min');
    const es = new train.EarlyStopping({ monitor: 'valAccuracy', patience: 0 });
    expect(scripted(es, [0.5, 0.6, 0.55], 'valAccuracy').stoppedAt).toBe(2);
    expect(es.best).toBe(0.6);
    expect(es.bestEpoch).toBe(1);
  });
  it('restoreBestWeights loads the best epoch, also when training ran to the end', () => {
    const a = scripted(new train.EarlyStopping({ patience: 1, restoreBestWeights: true }), [1, 0.8, 0.85, 0.9, 0.7]);
    expect(a.model.weight.item()).toBe(1);
    const b = scripted(new train.EarlyStopping({ patience: 5, restoreBestWeights: true }), [1, 0.8, 0.6, 0.9]);
    expect(b.stoppedAt).toBe(-1);
    expect(b.model.weight.item()).toBe(2);
    const c = scripted(new train.EarlyStopping({ patience: 5 }), [1, 0.8, 0.6, 0.9]);
    expect(c.model.weight.item()).toBe(3);
  });
  it('inside fit: a validation metric that stops improving ends training', () => {
    const { batches } = problem(17);
    const model = mlp(18);
    const script = [0.5, 0.7, 0.6, 0.65, 0.9];
    let epoch = 0;
    const score: train.Metric = { name: 'score', update: () => [script[epoch]!, 1] as const };
    const es = new train.EarlyStopping({ monitor: 'valScore', patience: 1, restoreBestWeights: true });
    const snapshots: number[][] = [];
    const h = train.fit(model, {
      optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: F.crossEntropy, trainData: batches, valData: batches.slice(0, 1), epochs: 5, metrics: [score], progress: false,
      callbacks: [{ onEpochEnd: () => { snapshots.push(params(model)); epoch++; } }, es],
    });
    expect(h.epochs).toEqual([0, 1, 2, 3]);
    expect(es.stoppedEpoch).toBe(3);
    expect(params(model)).toEqual(snapshots[1]);
    expect(() => train.fit(model, { optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: F.crossEntropy, trainData: batches, epochs: 1, progress: false, callbacks: [new train.EarlyStopping()] }))
      .toThrow(/'valLoss' is not in the epoch logs/);
  });
  it('refuses bad options', () => {
    expect(() => new train.EarlyStopping({ patience: -1 })).toThrow(ArgumentError);
    expect(() => new train.EarlyStopping({ mode: 'up' as never })).toThrow(ArgumentError);
    expect(() => new train.EarlyStopping({ patience: 1, wait: 2 } as never)).toThrow(/wait/);
  });
});

describe('LR schedule, CSV and JSON callbacks', () => {
  it('steps the scheduler once per epoch, with the monitored value when asked; lr is logged before the step', () => {
    const { batches } = problem(19);
    const model = mlp(20);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    const calls: (number | undefined)[] = [];
    const halving = { step: (m?: number) => { calls.push(m); for (const g of opt.paramGroups) g.lr /= 2; } };
    const h = train.fit(model, { optimizer: opt, loss: F.crossEntropy, trainData: batches, valData: batches, epochs: 3, progress: false, callbacks: [new train.LRSchedulerCallback(halving, { monitor: 'valLoss' })] });
    expect(h.values.lr).toEqual([0.1, 0.05, 0.025]);
    expect(calls).toEqual(h.values.valLoss);
    const plain: (number | undefined)[] = [];
    train.fit(model, { optimizer: opt, loss: F.crossEntropy, trainData: batches, epochs: 2, progress: false, callbacks: [new train.LRSchedulerCallback({ step: (m?: number) => plain.push(m) })] });
    expect(plain).toEqual([undefined, undefined]);
    expect(() => new train.LRSchedulerCallback({} as never)).toThrow(ArgumentError);
  });
  it("steps optim's schedulers by kind: epoch, plateau (valLoss by default) and gradient (every batch)", () => {
    const { batches } = problem(23);
    const fitWith = (make: (o: optim.SGD) => train.SchedulerLike, epochs: number): { h: train.History; opt: optim.SGD } => {
      const model = mlp(24);
      const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
      const h = train.fit(model, { optimizer: opt, loss: F.crossEntropy, trainData: batches, valData: batches, epochs, progress: false, callbacks: [new train.LRSchedulerCallback(make(opt))] });
      return { h, opt };
    };
    const step = fitWith((o) => new optim.StepLR(o, { stepSize: 2, gamma: 0.5 }), 5);
    expect(step.h.values.lr).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    // ReduceLROnPlateau on valLoss, patience 0, with a threshold no epoch can beat after the first: the
    // first epoch sets the best, the second is bad and reduces the lr the third epoch uses, and so on.
    const plateau = fitWith((o) => new optim.ReduceLROnPlateau(o, { mode: 'max', patience: 0, factor: 0.5, threshold: 10 }), 4);
    expect(plateau.h.values.lr).toEqual([0.1, 0.1, 0.05, 0.025]);
    // GradientScaledLR: after each batch's backward the lr is 0.1/(‖g‖ + eps) of that batch's gradient.
    const norms: number[] = [];
    let sched: optim.GradientScaledLR | null = null;
    const model = mlp(25);
    const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
    sched = new optim.GradientScaledLR(opt, { mode: 'normalized' });
    train.fit(model, {
      optimizer: opt, loss: F.crossEntropy, trainData: batches, epochs: 1, progress: false,
      callbacks: [new train.LRSchedulerCallback(sched), { onBatchEnd: () => norms.push(opt.paramGroups[0]!.lr * (sched!.lastGradNorms[0]! + 1e-8)) }],
    });
    expect(norms).toHaveLength(batches.length);
    for (const v of norms) expect(v).toBeCloseTo(0.1, 12);
  });
  it('CSVLogger and JSONLogger write one line per epoch', () => {
    const { batches } = problem(21);
    const model = mlp(22);
    const csv = join(dir, 'sub', 'log.csv');
    const jsonl = join(dir, 'log.jsonl');
    const h = train.fit(model, { optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: F.crossEntropy, trainData: batches, epochs: 2, metrics: ['accuracy'], progress: false, callbacks: [new train.CSVLogger(csv), new train.JSONLogger(jsonl)] });
    expect(readFileSync(csv, 'utf8')).toBe(h.toCSV());
    const rows = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    expect(rows).toEqual(h.logs.map((l, e) => ({ epoch: e, ...l })));
    train.fit(model, { optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: F.crossEntropy, trainData: batches, epochs: 1, progress: false, callbacks: [new train.CSVLogger(csv, { append: true })] });
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(3 + 2);
  });
});

describe('bestOfSeeds', () => {
  it('runs every seed after manualSeed(seed) and keeps the best score', () => {
    const draw = (seed: number): number => {
      manualSeed(seed);
      return rand([1]).item() as number;
    };
    const seeds = [3, 1, 4, 1, 5, 9, 2, 6];
    const expected = seeds.map(draw);
    const r = train.bestOfSeeds(seeds, (seed) => ({ seed, v: rand([1]).item() as number }), { score: (x) => x.v });
    expect(r.runs.map((x) => x.score)).toEqual(expected);
    const min = Math.min(...expected);
    expect(r.best.score).toBe(min);
    expect(r.best.seed).toBe(seeds[expected.indexOf(min)]);
    const rmax = train.bestOfSeeds(seeds, () => rand([1]).item() as number, { score: (x) => x, mode: 'max' });
    expect(rmax.best.score).toBe(Math.max(...expected));
    const nan = train.bestOfSeeds([1, 2], (s) => (s === 1 ? Number.NaN : 3), { score: (x) => x });
    expect(nan.best.seed).toBe(2);
    expect(() => train.bestOfSeeds([], () => 0, { score: (x) => x })).toThrow(ArgumentError);
    expect(() => train.bestOfSeeds([1.5], () => 0, { score: (x) => x })).toThrow(/seeds\[0\]/);
  });
});

describe('ModelCheckpoint', () => {
  it('resume: fit 2 epochs with checkpoints, load into a fresh model + optimizer, fit from epoch 2 to 4 = 4 epochs straight, bitwise', () => {
    const { batches } = problem(31);
    const straight = mlp(32);
    train.fit(straight, { optimizer: new optim.Adam(straight.parameters(), { lr: 0.01 }), loss: F.crossEntropy, trainData: batches, epochs: 4, progress: false });

    const first = mlp(32);
    const path = join(dir, 'ckpt', 'epoch-{epoch}.safetensors');
    const cb = new train.ModelCheckpoint(path, { saveBestOnly: false });
    train.fit(first, { optimizer: new optim.Adam(first.parameters(), { lr: 0.01 }), loss: F.crossEntropy, trainData: batches, valData: batches, epochs: 2, progress: false, callbacks: [cb] });
    expect(cb.saved).toEqual([join(dir, 'ckpt', 'epoch-1.safetensors'), join(dir, 'ckpt', 'epoch-2.safetensors')]);

    const resumed = mlp(33);
    const opt = new optim.Adam(resumed.parameters(), { lr: 0.5 });
    const info = io.loadCheckpoint(cb.saved[1]!, { model: resumed, optimizer: opt });
    const meta = info.metadata as { epoch: number; logs: Record<string, number> };
    expect(meta.epoch).toBe(2);
    expect(Object.keys(meta.logs)).toEqual(['loss', 'valLoss', 'lr']);
    const h = train.fit(resumed, { optimizer: opt, loss: F.crossEntropy, trainData: batches, epochs: 4, initialEpoch: meta.epoch, progress: false });
    expect(h.epochs).toEqual([2, 3]);
    expect(params(resumed)).toEqual(params(straight));
  });
  it('saveBestOnly writes only the epochs that improve the monitored value', () => {
    const { batches } = problem(34);
    const model = mlp(35);
    const script = [0.5, 0.4, 0.45, 0.3];
    let e = 0;
    const score: train.Metric = { name: 'score', update: () => [script[e]!, 1] as const };
    const cb = new train.ModelCheckpoint(join(dir, 'best-{epoch}.safetensors'), { monitor: 'valScore', mode: 'min', saveBestOnly: true, saveOptimizer: false });
    train.fit(model, { optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }), loss: F.crossEntropy, trainData: batches, valData: batches.slice(0, 1), epochs: 4, metrics: [score], progress: false, callbacks: [{ onEpochEnd: () => { e++; } }, cb] });
    expect(cb.saved.map((f) => f.slice(-18))).toEqual(['best-1.safetensors', 'best-2.safetensors', 'best-4.safetensors']);
    expect(Object.keys(io.load(cb.saved[2]!).tensors).some((k) => k.startsWith('optimizer.'))).toBe(false);
    expect(() => new train.ModelCheckpoint('')).toThrow(ArgumentError);
  });
});

describe('GradientClipping', () => {
  it('clips between backward and step exactly as nn.utils.clipGradNorm_ in a hand-written loop; logs the epoch max norm', () => {
    const { batches } = problem(41);
    const a = mlp(42);
    const b = mlp(42);
    const clip = new train.GradientClipping({ maxNorm: 0.05, clipValue: 0.01 });
    const h = train.fit(a, { optimizer: new optim.SGD(a.parameters(), { lr: 0.5 }), loss: F.crossEntropy, trainData: batches, epochs: 2, progress: false, callbacks: [clip] });
    const opt = new optim.SGD(b.parameters(), { lr: 0.5 });
    const maxima: number[] = [];
    for (let e = 0; e < 2; e++) {
      let m = 0;
      for (const [x, y] of batches) {
        opt.zeroGrad();
        F.crossEntropy(b.call(x), y).backward();
        m = Math.max(m, nn.utils.clipGradNorm_(b.parameters(), 0.05).item() as number);
        nn.utils.clipGradValue_(b.parameters(), 0.01);
        opt.step();
      }
      maxima.push(m);
    }
    expect(params(a)).toEqual(params(b));
    expect(h.values.gradNorm).toEqual(maxima);
    expect(maxima[0]!).toBeGreaterThan(0.05); // the clipping did something
    expect(() => new train.GradientClipping({})).toThrow(/maxNorm, clipValue or both/);
    expect(() => new train.GradientClipping({ maxNorm: -1 })).toThrow(ArgumentError);
  });
});
