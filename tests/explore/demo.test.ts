// `npm run demo:explore -- --quick --out DIR` end to end: the 13 pictures of the course's experiments are
// written (valid PNGs of the quick size) and the summary states what each shows, with the documented
// outcomes (the x = 0 stall, divergence, no convergence, different minima, ascent both ways identical).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'nodegrad-demo-explore-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('the quick explore demo writes its pictures and says what each shows', async () => {
  const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');
  const { stdout } = await promisify(execFile)(process.execPath, [tsx, 'examples/explore.ts', '--quick', '--out', out], { cwd: root, timeout: 120_000 });
  const files = readdirSync(out).sort();
  expect(files).toEqual([
    '01-poly6-stall-at-zero.png', '02-poly6-lr-too-large.png', '03-poly6-lr-too-small.png', '04-poly6-starts.png', '05-poly6-lr-epochs.png',
    '06-peaks-descent.png', '07-peaks-ascent.png', '08-peaks-random-starts.png', '09-schedules-lr.png', '10-schedules-f.png',
    '11-flat-bottom.png', '12-steep-walls.png', '13-fit-history.png',
  ]);
  for (const f of files) {
    const b = readFileSync(join(out, f));
    expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([b.readUInt32BE(16), b.readUInt32BE(20)]).toEqual([640, 420]);
  }
  expect(stdout).toContain(`writing pictures to ${out} (quick)`);
  expect(stdout).toMatch(/x0 = 0: f'\(0\) = 0, so x stays at 0 \(converged after 0 steps\)/);
  expect(stdout).toMatch(/lr = 0\.1 from 1\.5: x = 1\.5, 2\.494, .* → diverged after \d steps/);
  expect(stdout).toMatch(/lr = 1e-4 from 1\.2: after 80 epochs x = 1\.\d+, \|f'\| = [\d.]+: not converged/);
  expect(stdout).toMatch(/11 starts from -2\.1 to 2\.1 \(lr 0\.01\): \d+ → min x=-1\.694, \d+ → min x=0, \d+ → min x=1\.694/);
  expect(stdout).toContain('descending on −f give identical trajectories');
  expect(stdout).toMatch(/\(-0\.5, 0\.5\) → max \(-0\.009, 1\.581\)/);
  expect(stdout).toMatch(/x0 = 1\.9: f' = 140\.5, the first step jumps to x = -12\.15 → diverged/);
  expect(stdout).toMatch(/13 pictures in /);
});
