// W0 (../shared/bench/WORKLOADS.md): the machine's peak fp32 FMA throughput per ISA, at 1 thread and
// at all threads, from bench/native/peak_fma.cc built at run time once per ISA the CPU reports.
// GEMM figures (W1) are read as a fraction of it.

import { table, fmt, fmtRange, stats, type BenchContext, type Machine, type Timing } from './lib.js';
import { build, findCompiler, nativeSource, runJson } from './toolchain.js';

export interface W0Run {
  isa: string;
  threads: number;
  lanes: number;
  accumulators: number;
  gflops: Timing;
  samples: number[];
}

/** The best figure seen at one thread count: the fastest ISA's best sample. */
export interface Peak {
  isa: string;
  threads: number;
  gflops: number;
}

export type W0Result =
  | { status: 'ok'; compiler: string; runs: W0Run[]; peaks: Peak[]; skippedIsas: { isa: string; reason: string }[] }
  | { status: 'skipped'; reason: string };

interface PeakJson {
  isa: string;
  lanes: number;
  accumulators: number;
  runs: { threads: number; iters: number; gflops: number[] }[];
}

/** The ISAs worth measuring on this CPU, best first, with the flags that select each in peak_fma.cc. */
export function isaTargets(m: Machine): { isa: string; flags: string[] }[] {
  const has = (f: string): boolean => m.cpuFlags.includes(f);
  if (m.arch === 'x64') {
    const t: { isa: string; flags: string[] }[] = [];
    if (has('avx512f') && has('fma')) t.push({ isa: 'avx512', flags: ['-mavx512f', '-mfma'] });
    if (has('avx2') && has('fma')) t.push({ isa: 'avx2', flags: ['-mavx2', '-mfma'] });
    t.push({ isa: 'scalar', flags: has('fma') ? ['-mfma'] : [] });
    return t;
  }
  if (m.arch === 'arm64') return [{ isa: 'neon', flags: ['-DNG_PEAK_NEON'] }, { isa: 'scalar', flags: [] }];
  return [{ isa: 'scalar', flags: [] }];
}

/**
 * Builds and runs peak_fma for every ISA of `isaTargets`: `repeats` runs of about `targetMs` each per
 * thread count. Returns 'skipped' with the reason when no compiler works.
 */
export function measureW0(m: Machine, threads: number[], repeats: number, targetMs: number): W0Result {
  const cxx = findCompiler('c++');
  if (typeof cxx === 'string') return { status: 'skipped', reason: cxx };
  // NOTE: no auto-vectorisation, or the compiler packs the scalar chains into vector FMAs.
  const common = ['-O2', '-std=c++17', '-pthread', '-fno-tree-vectorize', ...(cxx.clang ? ['-fno-slp-vectorize'] : [])];
  const runs: W0Run[] = [];
  const skippedIsas: { isa: string; reason: string }[] = [];
  for (const { isa, flags } of isaTargets(m)) {
    const b = build(cxx, nativeSource('peak_fma.cc'), `peak_fma_${isa}`, [...common, ...flags]);
    if (!b.ok) {
      skippedIsas.push({ isa, reason: `build failed: ${b.error}` });
      continue;
    }
    let out: PeakJson;
    try {
      out = runJson<PeakJson>(b.binary, [threads.join(','), repeats, targetMs]);
    } catch (e) {
      skippedIsas.push({ isa, reason: (e as Error).message });
      continue;
    }
    if (out.isa !== isa) {
      skippedIsas.push({ isa, reason: `the program built for ${isa} reports ${out.isa} (compiler ignored the ISA flags?)` });
      continue;
    }
    for (const r of out.runs) {
      runs.push({ isa, threads: r.threads, lanes: out.lanes, accumulators: out.accumulators, gflops: stats(r.gflops), samples: r.gflops });
    }
  }
  if (runs.length === 0) {
    return { status: 'skipped', reason: `no ISA variant ran: ${skippedIsas.map((s) => `${s.isa}: ${s.reason}`).join('; ')}` };
  }
  // NOTE: the peak is the best sample, not the median: it is a hardware limit, and noise on a shared
  // machine only ever lowers a sample.
  const peaks = threads.map((t): Peak => {
    const best = runs.filter((r) => r.threads === t).reduce((a, b) => (b.gflops.max > a.gflops.max ? b : a));
    return { isa: best.isa, threads: t, gflops: best.gflops.max };
  });
  return { status: 'ok', compiler: cxx.version, runs, peaks, skippedIsas };
}

/** The W0 peak at `threads`, if W0 ran. */
export function peakAt(w0: W0Result | undefined, threads: number): Peak | null {
  if (!w0 || w0.status !== 'ok') return null;
  return w0.peaks.find((p) => p.threads === threads) ?? null;
}

/** Measures and prints W0. */
export function runW0(ctx: BenchContext): W0Result {
  ctx.progress('W0 peak FMA');
  const res = ctx.smoke ? measureW0(ctx.machine, ctx.threads, 2, 5) : measureW0(ctx.machine, ctx.threads, 11, 40);
  ctx.progress('');
  if (res.status === 'skipped') {
    console.log(`\nW0 peak FMA throughput: skipped (${res.reason})`);
    return res;
  }
  table(
    `W0 peak fp32 FMA throughput (independent FMA chains in registers; ${res.compiler})`,
    ['ISA', 'lanes x chains', 'threads', 'GFLOPS median (min-max)', 'GFLOPS/thread'],
    res.runs.map((r) => [r.isa, `${r.lanes} x ${r.accumulators}`, r.threads, fmtRange(r.gflops), r.gflops.median / r.threads]),
  );
  for (const s of res.skippedIsas) console.log(`  ${s.isa}: skipped (${s.reason})`);
  const [one, all] = [res.peaks[0], res.peaks[res.peaks.length - 1]];
  if (one && all && all.threads > 1 && all.gflops < 0.75 * all.threads * one.gflops) {
    console.log(`  note: ${all.threads} threads reached only ${fmt(all.gflops / one.gflops)}x the 1-thread peak: other processes were using the CPUs, so all-thread figures in this run are low`);
  }
  console.log(`  peak used for "% peak" in W1 (best sample of the fastest ISA): ${res.peaks.map((p) => `${p.threads} thread${p.threads > 1 ? 's' : ''} ${fmt(p.gflops)} GFLOPS (${p.isa})`).join(', ')}`);
  return res;
}
