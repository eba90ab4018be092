// The published package, end to end: copy the sources to a temp dir, `npm pack` there (prepack =
// build:ts + prebuildify), install the tarball into a fresh consumer project, then check that the
// prebuilt binary is used, ESM and CommonJS consumers work on the native backend, and a TypeScript
// consumer (plus the README quick start) type-checks against the published .d.ts files.
// NOTE: prebuildify runs `node-gyp rebuild`, which wipes build/ where it runs. It must never run in
// the repository: other test files load build/Release/nodegrad.node at the same time.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { promisedOutput, quickStart } from './readme_quickstart.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const platformDir = `${process.platform}-${process.arch}`;
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');

// node-gyp looks up Node's headers; where the machine ships them, use them instead of fetching them.
const env: NodeJS.ProcessEnv = { ...process.env };
if (env.npm_config_nodedir === undefined && existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
for (const k of Object.keys(env)) if (k.startsWith('npm_lifecycle_') || k.startsWith('npm_package_')) delete env[k];
// prebuildify's `node-gyp rebuild` compiles every ISA's kernels: on all cores (node-gyp reads JOBS).
env.JOBS ??= 'max';

const execFileP = promisify(execFile);
async function run(cmd: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await execFileP(cmd, args, { cwd, env, timeout: 480_000, maxBuffer: 64 << 20 });
    return stdout;
  } catch (e) {
    const err = e as Error & { stdout?: string; stderr?: string };
    throw new Error(`\`${cmd} ${args.join(' ')}\` failed in ${cwd}:\n${err.message}\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

let tmp = '';
let pkgDir = '';
let consumer = '';
let tarball = '';
let installed = '';

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'nodegrad-pack-'));
  pkgDir = join(tmp, 'pkg');
  mkdirSync(pkgDir);
  for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'binding.gyp', 'README.md', 'LICENSE', 'src', 'native']) {
    if (existsSync(join(root, f))) cpSync(join(root, f), join(pkgDir, f), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(pkgDir, 'node_modules'), 'dir');
  await run('npm', ['pack', '--pack-destination', tmp], pkgDir);
  const tgz = readdirSync(tmp).filter((f) => f.endsWith('.tgz'));
  expect(tgz).toHaveLength(1);
  tarball = join(tmp, tgz[0]!);

  consumer = join(tmp, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  await run('npm', ['install', tarball, '--prefer-offline', '--no-audit', '--no-fund'], consumer);
  installed = join(consumer, 'node_modules', 'nodegrad');
}, 600_000);

afterAll(() => {
  if (tmp && !process.env.NODEGRAD_KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
});

describe('npm pack + install in a fresh project', () => {
  it('the tarball holds dist, the prebuilt binary, the C++ sources and binding.gyp, and nothing else', async () => {
    const files = (await run('tar', ['tzf', tarball], tmp)).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
    expect(files).toContain('package.json');
    expect(files).toContain('README.md');
    expect(files).toContain('binding.gyp');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/data/mnist.js');
    expect(files).toContain('dist/train/progress.d.ts');
    expect(files).toContain('native/binding/addon.cc');
    expect(files.filter((f) => f.startsWith(`prebuilds/${platformDir}/`) && f.endsWith('.node'))).not.toHaveLength(0);
    const unexpected = files.filter((f) => !/^(package\.json|README\.md|LICENSE|binding\.gyp|dist\/.*\.(js|d\.ts)|native\/.*\.(cc|h|json)|prebuilds\/.*\.node)$/.test(f));
    expect(unexpected).toEqual([]);
  });

  it('installs without compiling: the prebuilt binary, no build/ directory', () => {
    expect(existsSync(join(installed, 'build'))).toBe(false);
    const prebuilds = readdirSync(join(installed, 'prebuilds', platformDir)).filter((f) => f.endsWith('.node'));
    expect(prebuilds.length).toBeGreaterThan(0);
  });

  it('an ESM consumer computes on the native backend', async () => {
    writeFileSync(
      join(consumer, 'esm.mjs'),
      `import { tensor, nn, getBackend, nativeInfo, manualSeed } from 'nodegrad';
manualSeed(0);
const c = tensor([[1, 2], [3, 4]]).matmul(tensor([[5, 6], [7, 8]]));
const x = tensor([1, 2, 3], { requiresGrad: true });
x.mul(x).sum().backward();
const lin = new nn.Linear(3, 2);
console.log(JSON.stringify({ backend: getBackend(), info: nativeInfo(), c: c.tolist(), grad: x.grad.tolist(), shape: lin.call(tensor([[1, 2, 3]])).shape }));
`,
    );
    const out = JSON.parse(await run(process.execPath, ['esm.mjs'], consumer)) as Record<string, unknown>;
    expect(out.backend).toBe('native');
    expect(out.info).toMatchObject({ available: true });
    expect(out.c).toEqual([[19, 22], [43, 50]]);
    expect(out.grad).toEqual([2, 4, 6]);
    expect(out.shape).toEqual([1, 2]);
  });

  it('a CommonJS consumer can require() it', async () => {
    writeFileSync(
      join(consumer, 'cjs.cjs'),
      `const ng = require('nodegrad');
const s = ng.tensor([1, 2, 3]).add(ng.tensor([10, 20, 30])).sum().item();
console.log(JSON.stringify({ backend: ng.getBackend(), s }));
`,
    );
    const out = JSON.parse(await run(process.execPath, ['cjs.cjs'], consumer)) as Record<string, unknown>;
    expect(out).toEqual({ backend: 'native', s: 66 });
  });

  it('dist/index.d.ts pulls in the Tensor method declarations (module augmentation)', () => {
    // ops/methods.ts and autograd/index.ts declare x.add(), x.sum(), loss.backward() ... by augmenting
    // '../tensor.js'. A .d.ts augmentation only applies if the consumer's program loads that file; tsc
    // drops `import { installTensorMethods } from './ops/methods.js'` from index.d.ts (value only), so
    // src/index.ts needs a side-effect import `import './ops/methods.js';`, which survives in .d.ts.
    const dts = readFileSync(join(installed, 'dist', 'index.d.ts'), 'utf8');
    expect(dts, 'dist/index.d.ts must reference ./ops/methods.js').toMatch(/from '\.\/ops\/methods\.js'|import '\.\/ops\/methods\.js'/);
    expect(dts, 'dist/index.d.ts must reference ./autograd/index.js').toMatch(/'\.\/autograd\/index\.js'/);
  });

  it('a TypeScript consumer type-checks against the published types (Tensor methods included)', async () => {
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        // No @types/node and no skipLibCheck: the published .d.ts must stand on their own.
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [] },
        include: ['*.ts'],
      }),
    );
    writeFileSync(
      join(consumer, 'consumer.ts'),
      `import { F, data, nn, optim, tensor, train, type Tensor } from 'nodegrad';
const x = tensor([1, 2, 3], { requiresGrad: true });
const y: Tensor = x.add(tensor([4, 5, 6])).sum();
y.backward();
const g: Tensor | null = x.grad;
const h: Tensor = x.matmul(x).relu().mean();
const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
const loss = F.crossEntropy(model.call(tensor([[1, 2, 3]])), tensor([1], { dtype: 'int32' }));
opt.zeroGrad();
loss.backward();
opt.step();
const n: number = loss.item() as number;
const load: (o: data.LoadMnistOptions) => data.Mnist = data.loadMnist;
const bar = new train.Progress({ total: 1, stream: { write: (s: string) => s.length } });
export { g, h, n, load, bar };
`,
    );
    writeFileSync(join(consumer, 'quickstart.ts'), quickStart());
    await run(process.execPath, [tsc, '-p', '.'], consumer);
  });

  it('the README quick start runs against the installed package', async () => {
    const out = await run(process.execPath, [tsx, 'quickstart.ts'], consumer);
    expect(out.trimEnd().split('\n')).toEqual(promisedOutput(quickStart()));
  });
});
