// `npm run demo:mnist -- --quick` end to end (examples/mnist.ts on 6000 images, 2 epochs): the training
// toolkit's pieces run together on real MNIST — augmentation, DataLoader, fit with a plateau schedule,
// EarlyStopping, a best-only ModelCheckpoint that a fresh model loads and scores exactly like the
// in-memory one. The full demo (55k images, >= 98% test accuracy) is too long for the suite.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('the quick MNIST toolkit demo trains, checkpoints, reloads and tests', async () => {
  const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, 'examples/mnist.ts', '--quick'], { cwd: root, timeout: 120_000 });
  expect(stdout).toMatch(/data: 5000 training .* 1000 validation, 2000 test images/);
  expect(stdout).toMatch(/epoch 1: loss [\d.]+ {2}acc [\d.]+% {2}valLoss [\d.]+ {2}valAcc [\d.]+% {2}lr 1\.0e-3/);
  expect(stdout).toMatch(/epoch 2: /);
  expect(stdout).toMatch(/checkpoint .*best\.safetensors \(epoch [12]\) loaded into a fresh model/);
  const m = /test accuracy: ([\d.]+)% on 2000 images \(test loss [\d.]+; the restored in-memory model: ([\d.]+)%\)/.exec(stdout);
  expect(m).not.toBeNull();
  expect(Number(m![1])).toBeGreaterThan(70);
  expect(m![1]).toBe(m![2]);
  expect(stderr).toMatch(/train {2}epoch 2\/2 {2}step 40\/40 {2}loss [\d.]+ {2}acc [\d.]+% .*valLoss/);
});
