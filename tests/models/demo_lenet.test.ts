// `npm run demo:lenet -- --quick` end to end (examples/lenet.ts on 6000 MNIST images, 1 epoch, tested on
// 2000): models.lenet5 trains with SGD + Nesterov momentum and a cosine schedule through train.fit, with
// the progress bar on stderr. The full demo (4 epochs, >= 98.5% on the 10 000 test images) is too long
// for the suite.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('the quick LeNet-5 demo trains on MNIST and reports its test accuracy and wall time', async () => {
  const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, 'examples/lenet.ts', '--quick'], { cwd: root, timeout: 120_000 });
  expect(stdout).toMatch(/data: 6000 training images, 2000 test images/);
  expect(stdout).toMatch(/model: LeNet-5, 61706 parameters/);
  expect(stdout).toMatch(/epoch 1\/1: loss [\d.]+ {2}train acc [\d.]+% {2}test loss [\d.]+ {2}test acc [\d.]+%/);
  const m = /test accuracy: ([\d.]+)% on 2000 images after 1 epochs/.exec(stdout);
  expect(m).not.toBeNull();
  // One epoch on 6000 images: far above chance (10%); the full run reaches 99%.
  expect(Number(m![1])).toBeGreaterThan(80);
  expect(stdout).toMatch(/wall time: [\d.]+ s/);
  expect(stderr).toMatch(/train {2}epoch 1\/1 {2}step 94\/94 {2}loss [\d.]+ {2}acc [\d.]+% .*valLoss/);
});
