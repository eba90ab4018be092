// W4 (../shared/bench/WORKLOADS.md): MLP 784-256-128-10 ReLU, batch 128, softmax cross-entropy, SGD
// lr 0.1: one full training step (zeroGrad, forward, backward, step), at 1 thread and at all threads.
// Each thread count runs in a fresh child process, so its peak RSS is the workload's own (plus Node
// and the addon), not whatever the bench allocated before. The previous release's figure, from
// bench/baselines.json (or NODEGRAD_BENCH_BASELINES=<file>, or NODEGRAD_BENCH_W4_BEFORE_MS=<ms>),
// gives the before/after ratio.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { F, manualSeed, nn, optim, rand, randint, setNumThreads } from '../src/index.js';
import { fmt, fmtRange, stats, table, time, type BenchContext, type Timing } from './lib.js';
import { measureTfjs, type TfjsResult } from './tfjs.js';

/** FLOPs of the three GEMMs per layer (forward, grad of input, grad of weight). */
const FLOPS = 3 * 2 * 128 * (784 * 256 + 256 * 128 + 128 * 10);

export interface W4Run {
  threads: number;
  ms: Timing;
  samples: number[];
  stepsPerSec: number;
  gflops: number;
  /** Peak resident set of the process that ran the steps (MiB). */
  peakRssMiB: number;
  /** true when measured in a child process of its own (peak RSS is then the workload's). */
  isolated: boolean;
}

/** Runs W4 in this process: `warmup` untimed steps, then `steps` timed ones. */
export function measureW4(threads: number, steps: number, warmup: number): W4Run {
  setNumThreads(threads);
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const opt = new optim.SGD(model.parameters(), { lr: 0.1 });
  const x = rand(128, 784);
  const y = randint(0, 10, [128]);
  const step = (): void => {
    opt.zeroGrad();
    F.crossEntropy(model.forward(x), y).backward();
    opt.step();
  };
  const t = time(step, steps, warmup);
  return {
    threads, ms: { median: t.median, min: t.min, max: t.max }, samples: t.samples,
    stepsPerSec: 1000 / t.median, gflops: FLOPS / t.median / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024, isolated: false,
  };
}

const SELF = fileURLToPath(import.meta.url);

/**
 * Runs W4 in a child process (`launcher` = the node command line that can run this .ts file; by
 * default this process's own, which under tsx carries its loader).
 */
export function measureW4Isolated(threads: number, steps: number, warmup: number, launcher = [process.execPath, ...process.execArgv]): W4Run {
  const [cmd, ...pre] = launcher;
  const r = spawnSync(cmd!, [...pre, SELF, '--child', String(threads), String(steps), String(warmup)], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`W4 child failed (${r.error?.message ?? `status ${String(r.status)}`}): ${r.stderr.trim().slice(-500)}`);
  const run = JSON.parse(r.stdout.trim().split('\n').pop()!) as W4Run;
  return { ...run, isolated: true };
}

export interface Before {
  ms: number;
  measured: string;
  source: string;
}

/** The recorded "before" W4 figure, if any; a malformed source is reported, not ignored. */
export function loadBefore(): Before | null {
  const fromEnv = process.env.NODEGRAD_BENCH_W4_BEFORE_MS;
  if (fromEnv !== undefined && fromEnv !== '') {
    const ms = Number(fromEnv);
    if (!(ms > 0)) throw new Error(`NODEGRAD_BENCH_W4_BEFORE_MS must be a positive number of ms, got ${JSON.stringify(fromEnv)}`);
    return { ms, measured: 'given in NODEGRAD_BENCH_W4_BEFORE_MS', source: 'env' };
  }
  const file = process.env.NODEGRAD_BENCH_BASELINES || fileURLToPath(new URL('./baselines.json', import.meta.url));
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const j = JSON.parse(text) as { w4_before_ms?: unknown; measured?: unknown };
  if (typeof j.w4_before_ms !== 'number' || !(j.w4_before_ms > 0)) throw new Error(`${file}: "w4_before_ms" must be a positive number`);
  return { ms: j.w4_before_ms, measured: typeof j.measured === 'string' ? j.measured : 'unknown', source: file };
}

export interface W4Result {
  runs: W4Run[];
  /** The same step in TensorFlow.js (cpu and wasm backends, their default threading), same run. */
  tfjs: TfjsResult[];
  before: Before | null;
  /** before ms / median ms, per run (same order as runs). */
  speedup: (number | null)[];
  notes: string[];
}

/** Measures and prints W4. */
export function runW4(ctx: BenchContext): W4Result {
  const [steps, warmup] = ctx.smoke ? [3, 1] : [200, 20];
  const notes: string[] = [];
  const runs = ctx.threads.map((threads) => {
    ctx.progress(`W4 MLP step, ${threads} thread${threads > 1 ? 's' : ''}`);
    try {
      return measureW4Isolated(threads, steps, warmup);
    } catch (e) {
      notes.push(`${threads} thread(s): no child process (${(e as Error).message.split('\n')[0]}); measured in-process, peak RSS is the bench process's`);
      return measureW4(threads, steps, warmup);
    }
  });
  ctx.progress('');
  const before = loadBefore();
  const speedup = runs.map((r) => (before ? before.ms / r.ms.median : null));
  table(
    `W4 MLP 784-256-128-10 training step (batch 128, cross-entropy, SGD lr 0.1), ${steps} steps after ${warmup} warm-up`,
    ['threads', 'ms/step median (min-max)', 'steps/s', 'GFLOPS (3x fwd GEMM)', 'peak RSS MiB', ...(before ? ['before ms', 'speedup'] : [])],
    runs.map((r, i) => [
      r.threads, fmtRange(r.ms), r.stepsPerSec, r.gflops, r.peakRssMiB,
      ...(before ? [before.ms, `${fmt(speedup[i]!)}x`] : []),
    ]),
  );
  console.log(before
    ? `  before: ${before.ms} ms/step (${before.measured}; from ${before.source === 'env' ? 'NODEGRAD_BENCH_W4_BEFORE_MS' : relative(process.cwd(), before.source)}); speedup = before / median`
    : '  before: no recorded figure (bench/baselines.json, NODEGRAD_BENCH_BASELINES or NODEGRAD_BENCH_W4_BEFORE_MS)');
  for (const n of notes) console.log(`  note: ${n}`);
  const tfjs = ctx.smoke ? [] : (['wasm', 'cpu'] as const).map((b) => {
    ctx.progress(`W4 TensorFlow.js ${b}`);
    return measureTfjs(b, { kind: 'mlp' }, { minReps: 3, maxReps: 15, targetMs: 2000, sampleMs: 1 }, 3);
  });
  ctx.progress('');
  if (tfjs.length) {
    const ours = runs[0]!.ms.median;
    table('W4 beside TensorFlow.js 4.22 (the same step: dense 784-256-128-10, softmax cross-entropy, SGD)',
      ['library', 'ms/step median (min-max)', 'nodegrad faster by'],
      [[`nodegrad (${runs[0]!.threads} thread)`, fmtRange(runs[0]!.ms), '1x'],
        ...tfjs.map((t) => t.ms.length
          ? [`TensorFlow.js ${t.backend}`, fmtRange(stats(t.ms)), `${fmt(stats(t.ms).median / ours)}x`]
          : [`TensorFlow.js ${t.backend}`, `failed: ${t.error ?? '?'}`, '-'])]);
  }
  return { runs, tfjs, before, speedup, notes };
}

// Child mode (measureW4Isolated): run, print one JSON line, exit.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === SELF && process.argv[2] === '--child') {
  const [threads, steps, warmup] = process.argv.slice(3, 6).map(Number);
  console.log(JSON.stringify(measureW4(threads!, steps!, warmup!)));
}
