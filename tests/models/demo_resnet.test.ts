// `npm run demo:resnet -- --quick` end to end (examples/resnet.ts on 1500 MNIST images, 1 epoch, tested on
// 500): a ResNet-10 of BasicBlocks trains through train.fit with batch norm and skip connections. The
// full demo (60 000 images, 2 epochs) is too long for the suite.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

it('the quick ResNet demo trains on MNIST and reports its test accuracy and wall time', async () => {
  const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, 'examples/resnet.ts', '--quick'], { cwd: root, timeout: 120_000 });
  expect(stdout).toMatch(/data: 1500 training images, 500 test images/);
  expect(stdout).toMatch(/model: ResNet-10 \(BasicBlock x \[1, 1, 1, 1\], widths 8-16-32-64, small-input stem\), 77858 parameters/);
  const m = /test accuracy: ([\d.]+)% on 500 images after 1 epochs/.exec(stdout);
  expect(m).not.toBeNull();
  // 12 steps of batch 128 from scratch: above chance (10%), nowhere near the full run.
  expect(Number(m![1])).toBeGreaterThan(20);
  expect(stdout).toMatch(/wall time: [\d.]+ s/);
  expect(stderr).toMatch(/train {2}epoch 1\/1 {2}step 12\/12 {2}loss [\d.]+ {2}acc [\d.]+% .*valLoss/);
});
