// Backend selection: native by default, switchable to the reference backend with identical results,
// and a clear one-time warning plus the reference backend when the addon cannot be loaded.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError, F, getBackend, manualSeed, nativeInfo, nn, randn, setBackend, tensor } from '../src/index.js';

const root = new URL('..', import.meta.url).pathname;

describe('backends', () => {
  it('uses the native addon by default and reports it', () => {
    expect(getBackend()).toBe('native');
    const info = nativeInfo();
    expect(info.available).toBe(true);
    console.log('native addon:', JSON.stringify(info));
  });
  it('gives the same training step on both backends', () => {
    const run = (): number[] => {
      manualSeed(5);
      const m = new nn.Sequential(new nn.Linear(7, 5), new nn.Tanh(), new nn.Linear(5, 3));
      const x = randn(9, 7);
      const loss = F.crossEntropy(m.forward(x), tensor([0, 1, 2, 0, 1, 2, 0, 1, 2], { dtype: 'int32' }));
      loss.backward();
      return [loss.item(), ...m.parameters().flatMap((p) => Array.from(p.grad!.toFloat32Array()))];
    };
    const native = run();
    setBackend('reference');
    try {
      expect(getBackend()).toBe('reference');
      const ref = run();
      native.forEach((v, i) => expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-5));
    } finally {
      setBackend('native');
    }
  });
  it('rejects unknown backend names', () => {
    expect(() => setBackend('gpu' as never)).toThrow(ArgumentError);
  });
  it('falls back to the reference backend with one clear warning when the addon is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodegrad-noaddon-'));
    try {
      cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
      cpSync(join(root, 'package.json'), join(dir, 'package.json'));
      symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
      writeFileSync(
        join(dir, 'probe.ts'),
        "import { tensor, getBackend } from './src/index.js';\n" +
          "const y = tensor([1, 2, 3]).mul(2).sum();\nconsole.log(getBackend(), y.item());\ntensor([1]).add(1);\n",
      );
      const out = execFileSync(join(root, 'node_modules/.bin/tsx'), ['probe.ts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(out.trim()).toBe('reference 12');
      const both = execFileSync('sh', ['-c', `${join(root, 'node_modules/.bin/tsx')} probe.ts 2>&1`], { cwd: dir, encoding: 'utf8' });
      const warnings = both.split('\n').filter((l) => l.includes('NodegradWarning'));
      expect(warnings.length).toBe(1);
      expect(both).toMatch(/native addon could not be loaded/);
      expect(both).toMatch(/NODEGRAD_BACKEND=reference/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
