// The `nodegrad` command: spawned as a process (help, a descent picture, a sweep picture + CSV, a bad flag),
// its in-process main() for the other error paths, and the package wiring ("bin" → dist/explore/cli.js,
// which tsc builds from src/explore/cli.ts with its shebang).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/explore/cli.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');
const cli = join(root, 'src/explore/cli.ts');
const dir = mkdtempSync(join(tmpdir(), 'nodegrad-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [tsx, cli, ...args], { cwd: dir, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

async function inProcess(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s) });
  return { code, stdout, stderr };
}

const pngSize = (file: string): [number, number] => {
  const b = readFileSync(file);
  expect(b.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
};

describe('nodegrad CLI (spawned)', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = await run('explore', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: nodegrad <command> \[options\]/);
    expect(r.stdout).toContain('explore descend');
    const d = await run('explore', 'descend', '--help');
    expect(d.code).toBe(0);
    expect(d.stdout).toContain('--landscape NAME');
  });

  it('explore descend writes the picture and reports each run (negative starts accepted)', async () => {
    const r = await run('explore', 'descend', '--landscape', 'poly6', '--x0', '0.5', '--x0', '-2', '--lr', '0.01', '--epochs', '200', '--out', 'pics/d.png', '--width', '400', '--height', '260', '--scale', '1');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/x0=0\.5: converged after 189 steps at x=1\.19\d*e-7, f=5\.66\d*e-14 \(min x=0\)/);
    expect(r.stdout).toMatch(/x0=-2: converged after 12 steps at x=-1\.69367, f=-6\.0646 \(min x=-1\.694\)/);
    expect(pngSize(join(dir, 'pics/d.png'))).toEqual([400, 260]);
  });

  it('explore sweep writes a picture and a CSV table', async () => {
    const r = await run('explore', 'sweep', '--landscape', 'poly6', '--what', 'lr-epochs', '--x0', '0.8', '--lrs', '0.001,0.01,0.1', '--epochs-list', '10,100', '--format', 'svg', '--out', 'sw');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^6 runs on poly6: none: 3, min x=1\.694: 1, diverged: 2/);
    const csv = readFileSync(join(dir, 'sw/sweep-lr-epochs.csv'), 'utf8').trimEnd().split('\n');
    expect(csv[0]).toBe('x0,lr,epochs,final,value,reached,steps,stoppedBecause');
    expect(csv.slice(1).map((l) => l.split(',').slice(1, 3).join(','))).toEqual(['0.001,10', '0.001,100', '0.01,10', '0.01,100', '0.1,10', '0.1,100']);
    expect(readFileSync(join(dir, 'sw/sweep-lr-epochs.svg'), 'utf8')).toMatch(/^<svg [^>]*width="800" height="560"/);
  });

  it('a bad flag: one clear line on stderr, exit code 2, nothing written', async () => {
    const r = await run('explore', 'descend', '--bogus', '1', '--out', 'never.png');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nodegrad: Unknown option '--bogus'/);
    expect(r.stderr).toContain("Run 'nodegrad explore --help' for usage.");
    expect(existsSync(join(dir, 'never.png'))).toBe(false);
  });
});

describe('nodegrad CLI (in process)', () => {
  it('names the bad value and exits 2', async () => {
    const cases: [string[], RegExp][] = [
      [['explore', 'descend', '--landscape', 'rosenbrock'], /--landscape must be one of poly6, peaks, flatBottom, steepWalls, got 'rosenbrock'/],
      [['explore', 'descend', '--lr', '-1'], /--lr must be a number >= 0, got '-1'/],
      [['explore', 'descend', '--epochs', 'ten'], /--epochs must be a non-negative integer, got 'ten'/],
      [['explore', 'descend', '--landscape', 'peaks', '--x0', '1'], /--x0 '1' has 1 coordinate\(s\); the landscape is 2-D/],
      [['explore', 'descend', '--schedule', 'cosine'], /--schedule must be fixed, time:DECAY, gradient:normalized or gradient:proportional, got 'cosine'/],
      [['explore', 'descend', '--out', 'x.gif'], /--out must name a .png or .svg file, got 'x.gif'/],
      [['explore', 'sweep', '--what', 'everything'], /--what must be starts, random, lr, epochs or lr-epochs, got 'everything'/],
      [['explore', 'sweep', '--what', 'lr', '--lrs', '0.1,,0.2'], /--lrs must be a comma-separated list of numbers >= 0, got '0.1,,0.2'/],
      [['explore', 'climb'], /unknown explore command 'climb'/],
      [['train'], /unknown command 'train'/],
    ];
    for (const [args, message] of cases) {
      const r = await inProcess(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stdout).toBe('');
    }
    const none = await inProcess();
    expect(none.code).toBe(2);
    expect(none.stdout).toMatch(/^Usage: nodegrad/);
  });

  it('lists the landscapes', async () => {
    const r = await inProcess('explore', 'landscapes');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').map((l) => l.split(' ')[0])).toEqual(['poly6', 'peaks', 'flatBottom', 'steepWalls']);
  });
});

describe('the installed command', () => {
  it('package.json "bin" runs dist/explore/cli.js, built from src/explore/cli.ts, which starts with a shebang', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[]; scripts: Record<string, string> };
    expect(pkg.bin).toEqual({ nodegrad: './dist/explore/cli.js' });
    expect(pkg.files).toContain('dist/');
    expect(pkg.scripts['build:ts']).toBe('tsc -p tsconfig.build.json');
    const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect([build.compilerOptions.rootDir, build.compilerOptions.outDir]).toEqual(['src', 'dist']);
    expect(readFileSync(cli, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });
});
