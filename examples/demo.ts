// `npm run demo`: three models, from a single step unit to an MLP on real MNIST.
//   (a) a perceptron (step unit, perceptron learning rule) learns NAND exactly;
//   (b) a 2-8-1 tanh/sigmoid MLP learns XOR with autograd + SGD;
//   (c) a 784-256-128-10 ReLU MLP trains on the 60k MNIST images and is tested on the 10k test set.
// `--quick` trains (c) on 6000 images for one epoch (used by tests; accuracy is lower). Imports the
// public API only.

import { F, data, getBackend, manualSeed, nativeInfo, nn, noGrad, optim, randperm, tensor, train, zeros, type Tensor } from '../src/index.js';

const quick = process.argv.includes('--quick');
const t0 = performance.now();
const fmt = (v: number, d = 3): string => (v >= 0 ? ' ' : '') + v.toFixed(d);

function section(title: string): void {
  console.log(`\n== ${title} ==`);
}

// (a) -------------------------------------------------------------------------------------------
/** Rosenblatt's rule: w += lr·(target − y)·x, b += lr·(target − y), until an epoch has no error. */
function perceptronNand(): boolean {
  section('(a) perceptron with a step unit learns NAND');
  const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const T = [1, 1, 1, 0];
  const unit = new nn.Step(); // step(0) = 0, as torch.heaviside(x, 0)
  let w: Tensor = zeros([2]);
  let b: Tensor = zeros([]);
  const lr = 1; // integer steps keep every weight exact, so the truth table does not hang on rounding
  let epochs = 0;
  for (let errors = -1; errors !== 0 && epochs < 100; epochs++) {
    errors = 0;
    for (let i = 0; i < 4; i++) {
      const x = X.select(0, i);
      const y = unit.call(x.mul(w).sum().add(b)).item() as number;
      const err = T[i]! - y;
      if (err !== 0) {
        errors++;
        w = w.add(x.mul(lr * err));
        b = b.add(lr * err);
      }
    }
  }
  const out = unit.call(X.matmul(w).add(b)).tolist() as number[];
  const [w0, w1] = w.tolist() as number[];
  console.log(`converged after ${epochs} epochs: w = [${fmt(w0!, 0)}, ${fmt(w1!, 0)}], b = ${fmt(b.item() as number, 0)}`);
  console.log(' x1 x2 | step(w·x + b) | NAND');
  let exact = true;
  for (let i = 0; i < 4; i++) {
    const [x1, x2] = X.select(0, i).tolist() as number[];
    exact &&= out[i] === T[i];
    console.log(`  ${x1}  ${x2} |       ${out[i]}       |  ${T[i]}`);
  }
  console.log(exact ? 'truth table: exact' : 'truth table: WRONG');
  return exact;
}

// (b) -------------------------------------------------------------------------------------------
function mlpXor(): boolean {
  section('(b) 2-8-1 MLP learns XOR (autograd + SGD)');
  manualSeed(1);
  const X = tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const Y = tensor([[0], [1], [1], [0]]);
  const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 1), new nn.Sigmoid());
  const opt = new optim.SGD(model.parameters(), { lr: 0.5, momentum: 0.9 });
  let loss = Number.NaN;
  const steps = 500;
  for (let s = 1; s <= steps; s++) {
    opt.zeroGrad();
    const l = F.binaryCrossEntropy(model.call(X), Y);
    l.backward();
    opt.step();
    loss = l.item() as number;
    if (s === 1 || s % 100 === 0) console.log(`step ${String(s).padStart(3)}  BCE loss ${loss.toFixed(5)}`);
  }
  const out = (noGrad(() => model.call(X)).tolist() as number[][]).map((r) => r[0]!);
  let right = true;
  for (let i = 0; i < 4; i++) {
    const [x1, x2] = X.select(0, i).tolist() as number[];
    const target = (Y.tolist() as number[][])[i]![0]!;
    right &&= out[i]! > 0.5 === (target === 1);
    console.log(`  ${x1} xor ${x2} = ${target}   model: ${out[i]!.toFixed(4)}`);
  }
  console.log(right ? 'all 4 outputs on the right side of 0.5' : 'XOR NOT learned');
  return right;
}

// (c) -------------------------------------------------------------------------------------------
function evaluate(model: nn.Module, images: Tensor, labels: Tensor<'int32'>): number {
  model.eval();
  let correct = 0;
  noGrad(() => {
    for (let s = 0; s < images.shape[0]!; s += 1000) {
      const n = Math.min(1000, images.shape[0]! - s);
      const pred = model.call(images.narrow(0, s, n)).argmax(1);
      correct += pred.eq(labels.narrow(0, s, n)).sum().item() as number;
    }
  });
  model.train();
  return correct / images.shape[0]!;
}

function mlpMnist(): number {
  section(`(c) 784-256-128-10 MLP on MNIST${quick ? ' (--quick: 6000 training images, 1 epoch)' : ''}`);
  const tl = performance.now();
  const trainSet = data.loadMnist({ split: 'train', ...(quick ? { limit: 6000 } : {}) });
  const testSet = data.loadMnist({ split: 'test' });
  const Xtr = trainSet.images.flatten(1);
  const Xte = testSet.images.flatten(1);
  const N = Xtr.shape[0]!;
  console.log(`loaded ${N} training and ${Xte.shape[0]} test images in ${((performance.now() - tl) / 1000).toFixed(1)} s`);

  manualSeed(0);
  const model = new nn.Sequential(
    new nn.Linear(784, 256), new nn.ReLU(),
    new nn.Linear(256, 128), new nn.ReLU(),
    new nn.Linear(128, 10),
  );
  const epochs = quick ? 1 : 3;
  const batchSize = 128;
  const opt = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const stepsPerEpoch = Math.ceil(N / batchSize);
  let testAcc = 0;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const perm = randperm(N);
    const bar = new train.Progress({ total: stepsPerEpoch, epoch, epochs, label: 'train', intervalMs: 5000 });
    let seen = 0;
    let correct = 0;
    let lossSum = 0;
    for (let step = 0; step < stepsPerEpoch; step++) {
      const idx = perm.narrow(0, step * batchSize, Math.min(batchSize, N - step * batchSize));
      const xb = Xtr.indexSelect(0, idx);
      const yb = trainSet.labels.indexSelect(0, idx);
      const logits = model.call(xb);
      const loss = F.crossEntropy(logits, yb);
      opt.zeroGrad();
      loss.backward();
      opt.step();
      const n = idx.shape[0]!;
      seen += n;
      lossSum += (loss.item() as number) * n;
      correct += logits.argmax(1).eq(yb).sum().item() as number;
      bar.update(step + 1, { loss: lossSum / seen, accuracy: correct / seen }, { samples: seen });
    }
    bar.stop();
    testAcc = evaluate(model, Xte, testSet.labels);
    console.log(`epoch ${epoch}/${epochs}: train loss ${(lossSum / seen).toFixed(4)}, train accuracy ${(100 * correct / seen).toFixed(2)}%, test accuracy ${(100 * testAcc).toFixed(2)}%`);
  }
  console.log(`test accuracy: ${(100 * testAcc).toFixed(2)}% on ${Xte.shape[0]} images`);
  return testAcc;
}

// -----------------------------------------------------------------------------------------------
const info = nativeInfo();
const threads = 'threads' in info ? `, ${info.threads} thread${info.threads === 1 ? '' : 's'}` : '';
console.log(`nodegrad demo — backend: ${getBackend()}${'isa' in info ? ` (${info.isa}${threads})` : ''}`);
const okNand = perceptronNand();
const okXor = mlpXor();
const acc = mlpMnist();
console.log(`\ntotal wall time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
if (!okNand || !okXor || (!quick && acc < 0.95)) process.exitCode = 1;
