// `npm run demo:gan -- --quick` end to end (examples/gan.ts on 2000 MNIST images: a LeNet-5 judge for
// one epoch, the DCGAN for 20 steps of 32): the judge is trained and tested, fitGAN runs the convolutional
// GAN with both losses on display, the generated digits are judged (class histogram, classes that
// appear, mean confidence) and the captioned sample grid and summary land in --out. The full demo
// (>= 8 classes at mean confidence >= 0.8) is too long for the suite.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'nodegrad-gan-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('the quick GAN demo trains a judge and a DCGAN, judges the samples and writes the grid', async () => {
  const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, 'examples/gan.ts', '--quick', '--out', out], { cwd: root, timeout: 180_000 });
  expect(stdout).toMatch(/data: 2000 training images \(GAN and judge\), 1000 test images \(judge\)/);
  const judge = /judge: LeNet-5, 1 epoch\(s\), test accuracy ([\d.]+)% on 1000 images/.exec(stdout);
  expect(judge).not.toBeNull();
  // One epoch on 2000 images already beats chance (10%) by far.
  expect(Number(judge![1])).toBeGreaterThan(30);
  const real = /the judge on 200 real test digits: (\d+)\/10 classes, mean confidence ([\d.]+), [\d.]+% at confidence >= 0\.9/.exec(stdout);
  expect(real).not.toBeNull();
  expect(Number(real![2])).toBeGreaterThanOrEqual(0.1);
  expect(Number(real![2])).toBeLessThanOrEqual(1);
  expect(stdout).toMatch(/GAN: generator 240321 parameters \(noise 64 → 64×7×7 → 32×14×14 → 1×28×28\), discriminator 36577 parameters/);
  expect(stdout).toMatch(/GAN \(fitGAN, standard loss, 20 steps of batch 32, [\d.]+ s; last 100 steps: dLoss [\d.]+, gLoss [\d.]+\)/);
  // The judge looks at the generator every 10 steps while it trains.
  expect(stdout).toMatch(/ {2}after step 10: \d+\/10 classes, mean confidence [\d.]+\n/);
  expect(stderr).toMatch(/fitGAN {2}step 20\/20 {2}dLoss [\d.]+ {2}gLoss [\d.]+ .*done in/);
  const verdict = /judged 200 generated digits: (\d+)\/10 classes appear \(at least 2% of the samples each\), mean confidence ([\d.]+), ([\d.]+)% at confidence >= 0\.9/.exec(stdout);
  expect(verdict).not.toBeNull();
  const hist = /class histogram: ((?:\d:\d+ ?){10})$/m.exec(stdout);
  expect(hist).not.toBeNull();
  const counts = hist![1]!.trim().split(' ').map((s, c) => {
    expect(s.startsWith(`${c}:`)).toBe(true);
    return Number(s.slice(2));
  });
  expect(counts.reduce((a, b) => a + b, 0)).toBe(200);
  expect(Number(verdict![1])).toBe(counts.filter((n) => n >= 4).length);
  // A max-softmax probability over 10 classes lies in [0.1, 1].
  expect(Number(verdict![2])).toBeGreaterThanOrEqual(0.1);
  expect(Number(verdict![2])).toBeLessThanOrEqual(1);
  expect(stdout).toContain(`samples and summary written to ${out} (gan_samples.png, gan_summary.json)`);
  const png = readFileSync(join(out, 'gan_samples.png'));
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.toString('latin1', 12, 16)).toBe('IHDR');
  expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1200, 1320]);
  const summary = JSON.parse(readFileSync(join(out, 'gan_summary.json'), 'utf8')) as {
    gan: { history: { dLoss: number[]; gLoss: number[] } };
    judge: { testAccuracy: number };
    checks: { step: number }[];
    verdict: { histogram: number[]; classesAppearing: number; meanConfidence: number };
  };
  expect(summary.gan.history.dLoss.length).toBe(20);
  expect(summary.gan.history.gLoss.length).toBe(20);
  expect(summary.checks.map((c) => c.step)).toEqual([10]);
  expect(summary.verdict.histogram).toEqual(counts);
  expect(summary.verdict.classesAppearing).toBe(Number(verdict![1]));
  expect(summary.judge.testAccuracy * 100).toBeCloseTo(Number(judge![1]), 1);
  expect(stdout).toMatch(/wall time: [\d.]+ s \(CPU time [\d.]+ s\)/);
});
