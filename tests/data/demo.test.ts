// `npm run demo:quick` end to end (examples/demo.ts --quick): the perceptron's NAND truth table is
// exact, the XOR MLP is right on all four inputs, and the MNIST MLP (6000 images, 1 epoch) learns.
// The full demo (60000 images, 3 epochs, >= 95% test accuracy) is too long for the suite.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('the quick demo runs and every part succeeds', async () => {
  const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, 'examples/demo.ts', '--quick'], { cwd: root, timeout: 100_000 });
  expect(stdout).toContain('truth table: exact');
  expect(stdout).toContain('all 4 outputs on the right side of 0.5');
  const acc = Number(/test accuracy: ([\d.]+)% on 10000 images/.exec(stdout)?.[1]);
  expect(acc).toBeGreaterThan(70);
  expect(stdout).toMatch(/total wall time: [\d.]+ s/);
  // The progress display, in plain-line mode (stderr is a pipe here).
  expect(stderr).toMatch(/train {2}epoch 1\/1 {2}step 47\/47 {2}loss [\d.]+ {2}acc [\d.]+% {2}\d+ samples\/s {2}done in/);
});
