// Benchmark helpers shared by the workloads: timing policies (median of samples after warm-up),
// statistics, number formatting, plain-text tables, the machine description and the run context.
// Benchmarks import the public API only (../src/index.js), never library internals.

import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { setNumThreads } from '../src/index.js';

export interface Timing {
  median: number;
  min: number;
  max: number;
}

/** Median (mean of the two middle values for an even count), min and max of `xs` (non-empty). */
export function stats(xs: readonly number[]): Timing {
  if (xs.length === 0) throw new Error('stats: no samples');
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  const median = s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]! };
}

/** Times `fn` (ms): `warmup` untimed runs, then `repeats` timed runs; median, min, max. */
export function time(fn: () => void, repeats = 7, warmup = 2): Timing & { samples: number[] } {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  return { ...stats(samples), samples };
}

/**
 * How many samples to take of one call, chosen from its measured time (the same policy as
 * bench/native/openblas_sgemm.c, so both sides of a comparison are timed alike): each sample times
 * `inner` = ceil(sampleMs / t) back-to-back calls and records their mean, and the number of samples is
 * round(targetMs / (inner t)) clamped to [minReps, maxReps].
 */
export interface SamplePolicy {
  minReps: number;
  maxReps: number;
  targetMs: number;
  sampleMs: number;
}

export interface Samples {
  /** Calls per sample. */
  inner: number;
  /** Per-call ms, one entry per sample. */
  ms: number[];
}

/**
 * Samples `fn` under `policy` after `warmup` untimed calls; the last warm-up call (or `estimateMs` when
 * there is none) sets the time per call that `inner` and the sample count are computed from.
 */
export function sampleCalls(fn: () => void, policy: SamplePolicy, warmup: number, estimateMs?: number): Samples {
  let t = estimateMs ?? Number.NaN;
  for (let i = 0; i < warmup || !(t > 0); i++) {
    const t0 = performance.now();
    fn();
    t = performance.now() - t0;
  }
  t = Math.max(t, 1e-6);
  const inner = Math.max(1, Math.ceil(policy.sampleMs / t));
  const reps = Math.min(policy.maxReps, Math.max(policy.minReps, Math.round(policy.targetMs / (inner * t))));
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < inner; i++) fn();
    ms.push((performance.now() - t0) / inner);
  }
  return { inner, ms };
}

/** What sampleInterleaved gathered for one (thread count, kind): per-call ms samples, process CPU ms per call. */
export interface InterleavedSide {
  samples: number[];
  cpuMs: number;
}

/**
 * Samples every (thread count, kind) of `work` in `rounds` rounds, reversing the order of the thread counts
 * and of the kinds every other round (a shared host that speeds up or slows down hits every side alike).
 * Each side's later rounds reuse its earlier median as the time estimate; CPU time is the process's
 * user + system time over all its calls, warm-ups included. Leaves the thread count at the last one used.
 */
export function sampleInterleaved<K extends string>(
  work: Record<K, () => void>, kinds: readonly K[], threads: readonly number[], policy: SamplePolicy, rounds: number,
): (threads: number, kind: K) => InterleavedSide {
  const sides = new Map<string, { samples: number[]; cpuMs: number; calls: number; estimate?: number }>();
  const key = (t: number, k: K): string => `${t}:${k}`;
  for (let r = 0; r < rounds; r++) {
    for (const t of r % 2 === 0 ? threads : [...threads].reverse()) {
      setNumThreads(t);
      for (const k of r % 2 === 0 ? kinds : [...kinds].reverse()) {
        const side = sides.get(key(t, k)) ?? { samples: [], cpuMs: 0, calls: 0 };
        const warmup = side.estimate === undefined ? 2 : 1;
        const c0 = process.cpuUsage();
        const res = sampleCalls(work[k], policy, warmup, side.estimate);
        const c1 = process.cpuUsage(c0);
        side.cpuMs += (c1.user + c1.system) / 1000;
        side.calls += warmup + res.inner * res.ms.length;
        side.estimate = stats(res.ms).median;
        side.samples.push(...res.ms);
        sides.set(key(t, k), side);
      }
    }
  }
  return (t, k) => {
    const side = sides.get(key(t, k));
    if (!side) throw new Error(`sampleInterleaved: nothing was measured for ${k} at ${t} threads`);
    return { samples: side.samples, cpuMs: side.cpuMs / side.calls };
  };
}

/** Formats a number with 3 significant digits or so (0.123, 1.23, 12.3, 123). */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 0.1 || a === 0 ? v.toFixed(2) : v.toPrecision(2);
}

/** "median (min-max)". */
export function fmtRange(t: Timing): string {
  return `${fmt(t.median)} (${fmt(t.min)}-${fmt(t.max)})`;
}

/** "12.3%". */
export function fmtPct(x: number | null): string {
  return x === null ? '-' : `${(100 * x).toFixed(1)}%`;
}

/** Prints rows as an aligned table with a header; integers print as they are, other numbers through fmt(). */
export function table(title: string, header: string[], rows: (string | number)[][]): void {
  const cell = (c: string | number): string => (typeof c === 'string' ? c : Number.isInteger(c) ? String(c) : fmt(c));
  const cells = [header, ...rows.map((r) => r.map(cell))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  console.log(`\n${title}`);
  cells.forEach((r, k) => {
    console.log(r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  '));
    if (k === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

export interface Machine {
  cpuModel: string;
  arch: string;
  logicalCpus: number;
  /** CPU feature flags from /proc/cpuinfo ("flags" on x86, "Features" on arm64); empty elsewhere. */
  cpuFlags: string[];
}

/** The machine the bench runs on (CPU model and flags from /proc/cpuinfo when there is one). */
export function machine(): Machine {
  let info = '';
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux: fall back to os.cpus() and no flags
  }
  const field = (name: string): string | undefined => new RegExp(`^${name}\\s*:\\s*(.*)$`, 'm').exec(info)?.[1]?.trim();
  const flags = field('flags') ?? field('Features') ?? '';
  return {
    cpuModel: field('model name') ?? cpus()[0]?.model ?? 'unknown',
    arch: process.arch,
    logicalCpus: availableParallelism(),
    cpuFlags: flags.split(/\s+/).filter(Boolean),
  };
}

/** What every workload gets from bench/run.ts. */
export interface BenchContext {
  /** --quick: skip the largest shapes. */
  quick: boolean;
  /** --smoke: tiny shapes and few samples, for tests/bench.test.ts (figures are meaningless). */
  smoke: boolean;
  /** Thread counts to measure at: [1] or [1, allThreads]. */
  threads: number[];
  /** "All threads": the library's default thread count (physical cores, or NODEGRAD_NUM_THREADS), or --threads. */
  allThreads: number;
  machine: Machine;
  /** Shows what is running now (on stderr, only when it is a terminal). */
  progress(what: string): void;
}

/** A context with defaults, for tests and for run.ts to fill in. */
export function makeContext(opts: Partial<Omit<BenchContext, 'threads' | 'machine'>> & { allThreads: number }): BenchContext {
  const tty = process.stderr.isTTY === true;
  return {
    quick: opts.quick ?? false,
    smoke: opts.smoke ?? false,
    allThreads: opts.allThreads,
    threads: opts.allThreads > 1 ? [1, opts.allThreads] : [1],
    machine: machine(),
    progress: opts.progress ?? ((what) => {
      if (tty) process.stderr.write(what ? `\r\x1b[K  ... ${what}` : '\r\x1b[K');
    }),
  };
}
