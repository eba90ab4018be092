// The W1 baseline: OpenBLAS cblas_sgemm (Debian libopenblas-dev), through bench/native/openblas_sgemm.c
// built at run time. One process per measurement, with OPENBLAS_NUM_THREADS set for it, so OpenBLAS's
// worker threads exit with it instead of spinning while nodegrad is being timed.

import type { SamplePolicy, Samples } from './lib.js';
import { build, findCompiler, nativeSource, runJson } from './toolchain.js';

export type OpenblasHarness =
  | { status: 'ok'; binary: string; config: string; compiler: string }
  | { status: 'missing'; reason: string };

interface SgemmJson {
  config: string;
  threads: number;
  inner: number;
  ms: number[];
}

/** Builds the harness; 'missing' with the reason when there is no C compiler or no OpenBLAS. */
export function buildOpenblas(): OpenblasHarness {
  const cc = findCompiler('c');
  if (typeof cc === 'string') return { status: 'missing', reason: cc };
  const b = build(cc, nativeSource('openblas_sgemm.c'), 'openblas_sgemm', ['-O2', '-std=c11'], ['-lopenblas', '-lm']);
  if (!b.ok) return { status: 'missing', reason: `cannot build against OpenBLAS (install Debian libopenblas-dev): ${b.error}` };
  try {
    const probe = runJson<SgemmJson>(b.binary, [8, 8, 8, 0, 0, 1, 1, 1, 0, 0], { OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' });
    return { status: 'ok', binary: b.binary, config: probe.config, compiler: cc.version };
  } catch (e) {
    return { status: 'missing', reason: `the OpenBLAS harness does not run: ${(e as Error).message}` };
  }
}

export interface GemmCase {
  M: number;
  K: number;
  N: number;
  transA: boolean;
  transB: boolean;
}

/** Samples cblas_sgemm on one shape at `threads` threads, with the policy of lib.ts sampleCalls(). */
export function measureOpenblas(h: Extract<OpenblasHarness, { status: 'ok' }>, c: GemmCase, threads: number, policy: SamplePolicy, warmup: number): Samples & { threads: number } {
  const out = runJson<SgemmJson>(
    h.binary,
    [c.M, c.K, c.N, c.transA ? 1 : 0, c.transB ? 1 : 0, Math.max(1, warmup), policy.minReps, policy.maxReps, policy.targetMs, policy.sampleMs],
    { OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
  );
  return { inner: out.inner, ms: out.ms, threads: out.threads };
}
