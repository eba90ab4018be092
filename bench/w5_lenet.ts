// W5 (../shared/bench/WORKLOADS.md): LeNet-5 (models.lenet5: conv 6@5x5 pad 2, ReLU, max pool 2, conv 16@5x5,
// ReLU, max pool 2, FC 400-120-84-10 with ReLU), batch 64, cross-entropy, SGD momentum 0.9: one full
// training step (zeroGrad, forward, backward, step), at 1 thread and at all threads, each in a child
// process of its own (so its peak RSS is the workload's). FLOPs: the step counts as 3x the forward FLOPs
// of the two convolutions and three dense layers, read as a fraction of the W0 peak at the same thread
// count (issue 5's target: >= 25% at 1 thread). TensorFlow.js runs the same step in the same run.
// Beside the figure, a per-kernel profile of the step (every native kernel call timed, keyed by kernel,
// shape and call), so a missed target says which op takes the time.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { F, manualSeed, models, optim, rand, randint, setNumThreads, getNumThreads } from '../src/index.js';
import { kernelsFor } from '../src/backend/backend.js';
import type { Conv2dGeometry } from '../src/kernels/spec.js';
import { fmt, fmtRange, stats, table, time, type BenchContext, type Timing } from './lib.js';
import { measureTfjs, type TfjsResult } from './tfjs.js';
import { peakAt, type W0Result } from './w0_peak.js';

const BATCH = 64;
/** Forward FLOPs: conv1 2·N·6·28²·25, conv2 2·N·16·10²·150, dense 2·N·(400·120 + 120·84 + 84·10). */
export const FORWARD_FLOPS = 2 * BATCH * (6 * 28 * 28 * 25 + 16 * 10 * 10 * 150 + (400 * 120 + 120 * 84 + 84 * 10));
/** The step counted as 3x the forward (forward, gradient of the input, gradient of the weight). */
export const STEP_FLOPS = 3 * FORWARD_FLOPS;

export interface W5Run {
  threads: number;
  ms: Timing;
  samples: number[];
  gflops: number;
  /** Process CPU time per step (ms, all threads, warm-up included): what the step costs when other processes share the cores. */
  cpuMs: number;
  /** Peak resident set of the process that ran the steps (MiB). */
  peakRssMiB: number;
  isolated: boolean;
}

/** One W5 training step on fixed data, ready to call. */
function makeStep(): () => void {
  manualSeed(0);
  const model = models.lenet5();
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = rand(BATCH, 1, 28, 28);
  const y = randint(0, 10, [BATCH]);
  return () => {
    opt.zeroGrad();
    F.crossEntropy(model.call(x), y).backward();
    opt.step();
  };
}

/** Runs W5 in this process: `warmup` untimed steps, then `steps` timed ones. */
export function measureW5(threads: number, steps: number, warmup: number): W5Run {
  setNumThreads(threads);
  const step = makeStep();
  const c0 = process.cpuUsage();
  const t = time(step, steps, warmup);
  const c = process.cpuUsage(c0);
  return {
    threads, ms: { median: t.median, min: t.min, max: t.max }, samples: t.samples, gflops: STEP_FLOPS / t.median / 1e6,
    cpuMs: (c.user + c.system) / 1000 / (steps + warmup),
    peakRssMiB: process.resourceUsage().maxRSS / 1024, isolated: false,
  };
}

const SELF = fileURLToPath(import.meta.url);

/** Runs W5 (or its profile) in a child process. */
function child<T>(args: string[]): T {
  const r = spawnSync(process.execPath, [...process.execArgv, SELF, ...args], { encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`W5 child failed (${r.error?.message ?? `status ${String(r.status)}`}): ${r.stderr.trim().slice(-500)}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as T;
}

export function measureW5Isolated(threads: number, steps: number, warmup: number): W5Run {
  return { ...child<W5Run>(['--child', String(threads), String(steps), String(warmup)]), isolated: true };
}

export interface KernelTime {
  /** Kernel, with the shape it ran on (conv geometry, GEMM M x N x K, elements) and its call slot. */
  kernel: string;
  /** Median over steps of the time this slot took per step (ms). */
  ms: number;
  /** The same in process CPU time (ms): close to the kernel's cost when other processes share the cores. */
  cpuMs: number;
  /** Its FLOPs per call, for the GEMM-based kernels (conv forward/backward and GEMM). */
  flops: number | null;
}

export interface W5Profile {
  threads: number;
  /** Median step time while profiling (the timers add a little). */
  stepMs: number;
  /** Median process CPU time per step while profiling. */
  stepCpuMs: number;
  kernels: KernelTime[];
  /** stepCpuMs minus the kernels' CPU time: JavaScript (autograd, ops, allocation, GC). */
  outsideCpuMs: number;
}

const convLabel = (g: Conv2dGeometry): string => `N${g.N} ${g.Cin}x${g.H}x${g.W}->${g.Cout}x${g.Ho}x${g.Wo} k${g.kh}`;
const convFlops = (g: Conv2dGeometry): number => 2 * g.N * g.Cout * g.Ho * g.Wo * (g.Cin / g.groups) * g.kh * g.kw;

/**
 * Times every native kernel call of `steps` W5 steps (after `warmup`) by wrapping the float32 kernel
 * table; calls are keyed by kernel, shape and their order within the step.
 */
export function profileW5(threads: number, steps: number, warmup: number): W5Profile {
  setNumThreads(threads);
  const step = makeStep();
  for (let i = 0; i < warmup; i++) step();
  const table = kernelsFor('float32') as unknown as Record<string, (...a: unknown[]) => unknown>;
  const originals = new Map<string, (...a: unknown[]) => unknown>();
  type Slot = { ms: number; cpuMs: number; flops: number | null };
  const perStep: Map<string, Slot>[] = [];
  let current = new Map<string, Slot>();
  const cpuNow = (): number => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const seen = new Map<string, number>();
  for (const [name, fn] of Object.entries(table)) {
    if (typeof fn !== 'function') continue;
    originals.set(name, fn);
    table[name] = (...a: unknown[]): unknown => {
      let label = name;
      let flops: number | null = null;
      if (name.startsWith('conv2d')) {
        const g = a[0] as Conv2dGeometry;
        label = `${name} ${convLabel(g)}`;
        flops = convFlops(g);
      } else if (name === 'gemm') {
        const [batch, ta, tb, M, N, K] = a as [number, boolean, boolean, number, number, number];
        label = `gemm ${ta ? 'T' : 'N'}${tb ? 'T' : 'N'} ${M}x${N}x${K}${batch > 1 ? ` x${batch}` : ''}`;
        flops = 2 * batch * M * N * K;
      } else if (typeof a[0] === 'string') {
        label = `${name}:${a[0]}`;
      }
      const n = (seen.get(label) ?? 0) + 1;
      seen.set(label, n);
      const key = n > 1 ? `${label} #${n}` : label;
      const c0 = cpuNow();
      const t0 = performance.now();
      const r = fn(...a);
      const t1 = performance.now();
      const e = current.get(key) ?? { ms: 0, cpuMs: 0, flops };
      e.ms += t1 - t0;
      e.cpuMs += cpuNow() - c0;
      current.set(key, e);
      return r;
    };
  }
  const stepMs: number[] = [];
  const stepCpu: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      current = new Map();
      seen.clear();
      const c0 = cpuNow();
      const t0 = performance.now();
      step();
      stepMs.push(performance.now() - t0);
      stepCpu.push(cpuNow() - c0);
      perStep.push(current);
    }
  } finally {
    for (const [name, fn] of originals) table[name] = fn;
  }
  const keys = [...perStep[0]!.keys()];
  const kernels = keys.map((k) => ({
    kernel: k, ms: stats(perStep.map((s) => s.get(k)?.ms ?? 0)).median, cpuMs: stats(perStep.map((s) => s.get(k)?.cpuMs ?? 0)).median, flops: perStep[0]!.get(k)!.flops,
  })).sort((a, b) => b.cpuMs - a.cpuMs);
  const stepCpuMs = stats(stepCpu).median;
  return { threads, stepMs: stats(stepMs).median, stepCpuMs, kernels, outsideCpuMs: stepCpuMs - kernels.reduce((a, k) => a + k.cpuMs, 0) };
}

export interface W5Result {
  runs: W5Run[];
  /** Fraction of the W0 peak at the same thread count (null without W0). */
  fractionOfPeak: (number | null)[];
  peakGflops: (number | null)[];
  tfjs: TfjsResult[];
  profile: W5Profile | null;
  notes: string[];
}

/** Measures and prints W5. */
export function runW5(ctx: BenchContext, w0?: W0Result): W5Result {
  const [steps, warmup] = ctx.smoke ? [3, 1] : [100, 10];
  const notes: string[] = [];
  const runs = ctx.threads.map((threads) => {
    ctx.progress(`W5 LeNet-5 step, ${threads} thread${threads > 1 ? 's' : ''}`);
    try {
      return measureW5Isolated(threads, steps, warmup);
    } catch (e) {
      notes.push(`${threads} thread(s): no child process (${(e as Error).message.split('\n')[0]}); measured in-process, peak RSS is the bench process's`);
      const restore = getNumThreads();
      try {
        return measureW5(threads, steps, warmup);
      } finally {
        setNumThreads(restore);
      }
    }
  });
  ctx.progress('');
  const peaks = runs.map((r) => peakAt(w0, r.threads)?.gflops ?? null);
  const fractionOfPeak = runs.map((r, i) => (peaks[i] ? r.gflops / peaks[i]! : null));
  table(
    `W5 LeNet-5 training step (batch 64, cross-entropy, SGD momentum 0.9), ${steps} steps after ${warmup} warm-up; ` +
      `${fmt(STEP_FLOPS / 1e6)} MFLOP per step (3x the forward's ${fmt(FORWARD_FLOPS / 1e6)} of convolutions and dense layers)`,
    ['threads', 'ms/step median (min-max)', 'CPU ms/step', 'steps/s', 'GFLOPS', 'GFLOPS/core by CPU time', 'W0 peak GFLOPS', 'of peak', 'peak RSS MiB'],
    runs.map((r, i) => [
      r.threads, fmtRange(r.ms), r.cpuMs, 1000 / r.ms.median, r.gflops, STEP_FLOPS / r.cpuMs / 1e6, peaks[i] ?? '-', fractionOfPeak[i] === null ? '-' : `${(100 * fractionOfPeak[i]!).toFixed(1)}%`, r.peakRssMiB,
    ]),
  );
  console.log('  CPU ms/step: process CPU time per step (all threads), which other processes on the machine do not inflate; GFLOPS/core by CPU time = step FLOPs / CPU ms');
  for (const n of notes) console.log(`  note: ${n}`);
  if (!ctx.smoke) {
    const f = fractionOfPeak[0];
    console.log(f === null || f === undefined
      ? '  target (>= 25% of the 1-thread W0 peak): W0 did not run, so it cannot be checked'
      : `  target at 1 thread: ${(100 * f).toFixed(1)}% of the W0 peak -> ${f >= 0.25 ? 'met' : 'MISSED'} (>= 25%)`);
  }

  let profile: W5Profile | null = null;
  if (!ctx.smoke) {
    ctx.progress('W5 per-kernel profile, 1 thread');
    try {
      profile = child<W5Profile>(['--profile', '1', '50', '10']);
    } catch (e) {
      notes.push(`profile: ${(e as Error).message.split('\n')[0]}`);
    }
    ctx.progress('');
  }
  if (profile) {
    const p = profile;
    const shown = p.kernels.filter((k) => k.cpuMs >= 0.02 || k.ms >= 0.02);
    table(`W5 per-kernel profile at 1 thread (medians per step over 50 steps; while timed a step took ${fmt(p.stepMs)} ms wall, ${fmt(p.stepCpuMs)} ms CPU)`,
      ['kernel (shape, call)', 'CPU ms/step', 'share of CPU', 'wall ms/step', 'GFLOPS (by CPU time)'],
      [...shown.map((k) => [k.kernel, k.cpuMs, `${(100 * k.cpuMs / p.stepCpuMs).toFixed(1)}%`, k.ms, k.flops === null || k.cpuMs <= 0 ? '-' : fmt(k.flops / k.cpuMs / 1e6)]),
        ['(outside the kernels: autograd, ops, allocation, GC in JavaScript)', p.outsideCpuMs, `${(100 * p.outsideCpuMs / p.stepCpuMs).toFixed(1)}%`, '-', '-']]);
    console.log('  conv2dBackwardWeight/Input are the weight and input gradients; "#2" is the second call of the same kernel and shape in a step');
  }

  const tfjs = ctx.smoke ? [] : (['wasm', 'cpu'] as const).map((b) => {
    ctx.progress(`W5 TensorFlow.js ${b}`);
    // TensorFlow.js's cpu backend runs the convolutions' gradients in plain JavaScript (about a second
    // a step): few samples, one warm-up, and a longer timeout than the other workloads.
    return measureTfjs(b, { kind: 'lenet' }, { minReps: 3, maxReps: 7, targetMs: 200, sampleMs: 1 }, 1, 900_000);
  });
  ctx.progress('');
  if (tfjs.length) {
    const ours = runs[0]!.ms.median;
    table('W5 beside TensorFlow.js 4.22 (the same LeNet-5 step in NHWC: conv same-padded, SGD momentum 0.9)',
      ['library', 'ms/step median (min-max)', 'nodegrad faster by'],
      [[`nodegrad (${runs[0]!.threads} thread)`, fmtRange(runs[0]!.ms), '1x'],
        ...tfjs.map((t) => t.ms.length
          ? [`TensorFlow.js ${t.backend}`, fmtRange(stats(t.ms)), `${fmt(stats(t.ms).median / ours)}x`]
          : [`TensorFlow.js ${t.backend}`, `failed: ${t.error ?? '?'}`, '-'])]);
  }
  return { runs, fractionOfPeak, peakGflops: peaks, tfjs, profile, notes };
}

// Child modes: run, print one JSON line, exit.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === SELF) {
  const [mode, ...rest] = process.argv.slice(2);
  const [threads, steps, warmup] = rest.map(Number);
  if (mode === '--child') console.log(JSON.stringify(measureW5(threads!, steps!, warmup!)));
  else if (mode === '--profile') console.log(JSON.stringify(profileW5(threads!, steps!, warmup!)));
}
