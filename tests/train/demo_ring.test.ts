// `npm run demo:ring -- --quick` end to end (examples/ring.ts, 200 steps per trainer on small nets):
// the GAN and MMD trainers run on the 8-Gaussian ring, each is scored (modes covered, off-mode
// fraction, MMD² to held-out data, all well below an untrained generator's MMD²), and the points and
// summary land in --out. The full demo (≥ 7 of 8 modes with both trainers) is too long for the suite.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'nodegrad-ring-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('the quick ring demo trains both generators, scores them and writes the points', async () => {
  const tsx = `${root}node_modules/tsx/dist/cli.mjs`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, 'examples/ring.ts', '--quick', '--out', out], { cwd: root, timeout: 180_000 });
  expect(stdout).toMatch(/data: 4000 training and 2000 held-out points from 8 Gaussians \(σ 0\.05\) on a circle of radius 2/);
  const ref = /reference: fresh data scores (\d)\/8 modes, off-mode [\d.]+%, MMD² (-?[\d.]+); an untrained generator: MMD² ([\d.]+)/.exec(stdout);
  expect(ref).not.toBeNull();
  expect(Number(ref![1])).toBe(8);
  const untrained = Number(ref![3]);
  expect(Math.abs(Number(ref![2]))).toBeLessThan(0.01 * untrained);
  for (const name of ['GAN \\(fitGAN, standard loss, 200 steps', 'MMD \\(fitMMD, bandwidths 0.05/0.1/0.2/0.5/1/2, 200 steps']) {
    const m = new RegExp(`${name}.*: modes covered (\\d)/8 \\(per mode( [\\d.]+%){8}\\), off-mode ([\\d.]+)%, MMD² to held-out (-?[\\d.]+)`).exec(stdout);
    expect(m, name).not.toBeNull();
    // Trained, the generator is far closer to the data than an untrained one.
    expect(Number(m![4])).toBeLessThan(untrained / 4);
  }
  // Both losses in the GAN's progress display, the MMD loss in the other's.
  expect(stderr).toMatch(/fitGAN {2}step 200\/200 {2}dLoss [\d.]+ {2}gLoss [\d.]+ .*done in/);
  expect(stderr).toMatch(/fitMMD {2}step 200\/200 {2}loss [\d.]+ .*done in/);
  expect(stdout).toContain(`pictures, points and summary written to ${out}`);
  for (const f of ['ring_gan.png', 'ring_mmd.png']) {
    const png = readFileSync(join(out, f));
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1120, 1040]);
  }
  for (const f of ['ring_real.csv', 'ring_gan.csv', 'ring_mmd.csv']) {
    const lines = readFileSync(join(out, f), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('x,y');
    expect(lines.length).toBe(2001);
    expect(lines[1]).toMatch(/^-?[\d.e-]+,-?[\d.e-]+$/);
  }
  const summary = JSON.parse(readFileSync(join(out, 'ring_summary.json'), 'utf8')) as { gan: { history: { dLoss: number[]; gLoss: number[] } }; mmd: { history: { loss: number[] } } };
  expect(summary.gan.history.dLoss.length).toBe(200);
  expect(summary.gan.history.gLoss.length).toBe(200);
  expect(summary.mmd.history.loss.length).toBe(200);
  expect(stdout).toMatch(/wall time: [\d.]+ s \(CPU time [\d.]+ s\)/);
});
