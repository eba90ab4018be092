// The README cannot lie: its Quick start block runs here (import 'nodegrad' resolves to src/index.ts
// through the alias in vitest.config.ts) and every `// → text` comment must equal the next line the
// code prints; it also type-checks under the project's strict tsconfig. The commands it documents
// must be the real ones.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { format, promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { promisedOutput, quickStart } from './package/readme_quickstart.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> };

// Outside tests/ so `tsc -p tsconfig.json` never sees it; /.vitest-tmp/ is gitignored.
const tmpDir = `${root}.vitest-tmp/readme-${process.pid}`;
afterAll(() => rmSync(tmpDir, { recursive: true, force: true }));

describe('README', () => {
  it('documents the real commands', () => {
    expect(readme).toContain('npm install');
    expect(readme).toContain('npm test');
    expect(readme).toContain('npm run demo');
    expect(pkg.scripts.test).toBeDefined();
    expect(pkg.scripts.demo).toBe('tsx examples/demo.ts');
    for (const m of readme.matchAll(/npm run ([\w:-]+)/g)) expect(pkg.scripts, `script ${m[1]}`).toHaveProperty([m[1]!]);
  });

  it('Quick start runs and prints what its comments say', async () => {
    const code = quickStart(readme);
    expect(code).toMatch(/from 'nodegrad'/);
    const expected = promisedOutput(code);
    expect(expected.length).toBeGreaterThanOrEqual(2);

    mkdirSync(tmpDir, { recursive: true });
    const file = `${tmpDir}/quickstart.ts`;
    writeFileSync(file, code);
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      printed.push(...format(...args).split('\n'));
    });
    try {
      await import(/* @vite-ignore */ file);
    } finally {
      spy.mockRestore();
    }
    expect(printed).toEqual(expected);
  });

  it('Quick start type-checks (strict tsconfig, nodegrad = src/index.ts)', async () => {
    const dir = `${tmpDir}/tsc`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/quickstart.ts`, quickStart(readme));
    writeFileSync(
      `${dir}/tsconfig.json`,
      JSON.stringify({ extends: `${root}tsconfig.json`, compilerOptions: { noEmit: true, paths: { nodegrad: [`${root}src/index.ts`] } }, include: ['quickstart.ts'] }),
    );
    const tsc = `${root}node_modules/typescript/bin/tsc`;
    const r = await promisify(execFile)(process.execPath, [tsc, '-p', dir]).catch((e: { stdout?: string; message: string }) => ({ stdout: e.stdout ?? e.message }));
    expect(r.stdout).toBe('');
  });
});
