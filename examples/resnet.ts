// `npm run demo:resnet`: a small ResNet trained on real MNIST. models.ResNet with BasicBlocks [1, 1, 1, 1]
// (a ResNet-10: stem, four stages of one two-convolution residual block each, skip connections with
// 1x1 strided projections where the shape changes), stage widths 8-16-32-64, the small-input stem
// (3x3 stride 1, no max pool) for 28x28 images, batch norm; Adam with a cosine schedule, batch 128.
// Prints the test accuracy on the 10 000 test images after each epoch and the wall time.
// `--quick`: 1 500 training and 500 test images, 1 epoch (a smoke run for tests). `--epochs N`.
// Imports the public API only.

import { parseArgs } from 'node:util';
import { F, data, getBackend, manualSeed, models, nativeInfo, optim, train } from '../src/index.js';

const { values: args } = parseArgs({ options: { quick: { type: 'boolean', default: false }, epochs: { type: 'string' } } });
const quick = args.quick;
const epochs = args.epochs === undefined ? (quick ? 1 : 2) : Number(args.epochs);
const t0 = performance.now();
const info = nativeInfo();
console.log(`nodegrad demo:resnet — backend ${getBackend()}${'isa' in info ? ` (${info.isa}, ${info.threads} threads)` : ''}`);

const { train: trainSet, test } = data.mnistDatasets(quick ? { trainLimit: 1500, testLimit: 500 } : {});
const normalize = new data.transforms.Normalize(0.1307, 0.3081);
const trainLoader = new data.DataLoader(trainSet, { batchSize: 128, shuffle: true, seed: 1, transform: normalize });
const testLoader = new data.DataLoader(test, { batchSize: 500, transform: normalize });
console.log(`data: ${trainSet.length} training images, ${test.length} test images`);

manualSeed(0);
const model = new models.ResNet(models.BasicBlock, [1, 1, 1, 1], { widths: [8, 16, 32, 64], smallInput: true, inChannels: 1, numClasses: 10 });
const parameters = model.parameters().reduce((a, p) => a + p.numel(), 0);
console.log(`model: ResNet-10 (BasicBlock x [1, 1, 1, 1], widths 8-16-32-64, small-input stem), ${parameters} parameters`);
const optimizer = new optim.Adam(model.parameters(), { lr: 3e-3 });
const scheduler = new optim.CosineAnnealingLR(optimizer, { tMax: epochs });

const history = train.fit(model, {
  optimizer, loss: F.crossEntropy, trainData: trainLoader, valData: testLoader, epochs, metrics: ['accuracy'],
  callbacks: [new train.LRSchedulerCallback(scheduler),
    { onEpochEnd: (e, l) => console.log(`epoch ${e + 1}/${epochs}: loss ${l.loss!.toFixed(4)}  train acc ${(100 * l.accuracy!).toFixed(2)}%  test loss ${l.valLoss!.toFixed(4)}  test acc ${(100 * l.valAccuracy!).toFixed(2)}%`) }],
  progress: { intervalMs: 10000 },
});
const acc = history.last()!.valAccuracy!;
const seconds = (performance.now() - t0) / 1000;
console.log(`test accuracy: ${(100 * acc).toFixed(2)}% on ${test.length} images after ${history.epochs.length} epochs`);
console.log(`wall time: ${seconds.toFixed(1)} s (${(seconds / history.epochs.length).toFixed(1)} s per epoch incl. testing)`);
if (!quick && acc < 0.98) process.exitCode = 1;
