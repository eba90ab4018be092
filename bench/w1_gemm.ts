// W1 (../shared/bench/WORKLOADS.md): SGEMM GFLOPS (2MKN / s) on the standard shapes through the public
// matmul(a, b, { out: c }) (transposed operands as .t() views), at 1 thread and at all threads, beside OpenBLAS
// cblas_sgemm measured in the same run, and as a fraction of the W0 peak.
//
// The machine is shared and noisy, so the two sides are interleaved: for each shape and thread count,
// ROUNDS rounds of (nodegrad samples, OpenBLAS samples), alternating which goes first; the medians
// are over the samples of all rounds.

import { getNumThreads, manualSeed, matmul, noGrad, rand, setNumThreads, zeros, type Tensor } from '../src/index.js';
import { fmt, fmtPct, fmtRange, sampleCalls, stats, table, type BenchContext, type SamplePolicy, type Timing } from './lib.js';
import { buildOpenblas, measureOpenblas, type OpenblasHarness } from './openblas.js';
import { peakAt, type W0Result } from './w0_peak.js';

export interface GemmShape {
  name: string;
  M: number;
  K: number;
  N: number;
  /** NN: A·B; TN: A^T·B (A stored K x M); NT: A·B^T (B stored N x K). */
  layout: 'NN' | 'TN' | 'NT';
}

export const SHAPES: readonly GemmShape[] = [
  { name: 'square 64', M: 64, K: 64, N: 64, layout: 'NN' },
  { name: 'square 128', M: 128, K: 128, N: 128, layout: 'NN' },
  { name: 'square 256', M: 256, K: 256, N: 256, layout: 'NN' },
  { name: 'square 512', M: 512, K: 512, N: 512, layout: 'NN' },
  { name: 'square 1024', M: 1024, K: 1024, N: 1024, layout: 'NN' },
  { name: 'square 2048', M: 2048, K: 2048, N: 2048, layout: 'NN' },
  { name: 'mlp fwd', M: 128, K: 784, N: 256, layout: 'NN' },
  { name: 'short K', M: 1024, K: 256, N: 1024, layout: 'NN' },
  { name: 'small M', M: 32, K: 4096, N: 1024, layout: 'NN' },
  { name: 'A^T·B 1024', M: 1024, K: 1024, N: 1024, layout: 'TN' },
  { name: 'A·B^T 1024', M: 1024, K: 1024, N: 1024, layout: 'NT' },
];

/** Per round and side: >= 2 samples (so >= 6 over 3 rounds), about 120 ms of samples, each >= 2 ms. */
const POLICY: SamplePolicy = { minReps: 2, maxReps: 25, targetMs: 120, sampleMs: 2 };
const ROUNDS = 7;
const SMOKE_POLICY: SamplePolicy = { minReps: 3, maxReps: 3, targetMs: 1, sampleMs: 0.2 };

export interface SideResult {
  ms: Timing;
  gflops: Timing;
  /** Per-call ms of every sample, in the order taken. */
  samples: number[];
  /** Calls per sample, per round. */
  inner: number[];
}

export interface W1Row {
  shape: string;
  M: number;
  K: number;
  N: number;
  layout: GemmShape['layout'];
  flops: number;
  threads: number;
  nodegrad: SideResult;
  openblas: SideResult | null;
  /** nodegrad / OpenBLAS median GFLOPS. */
  ratio: number | null;
  /**
   * Median over rounds of the per-round ratio (nodegrad's median GFLOPS in round r over OpenBLAS's in
   * the same round): the two sides of a round run seconds apart, so a machine that speeds up or slows
   * down between rounds (a shared host) moves both alike.
   */
  pairedRatio: number | null;
  /** Median GFLOPS / W0 peak at this thread count. */
  peakFraction: number | null;
  openblasPeakFraction: number | null;
  /** Anything that went wrong on the OpenBLAS side (the row then has fewer or no OpenBLAS samples). */
  notes: string[];
}

export interface W1Result {
  openblas: { status: 'ok'; config: string; compiler: string } | { status: 'missing'; reason: string };
  rows: W1Row[];
}

function side(flops: number, samples: number[], inner: number[]): SideResult {
  return { ms: stats(samples), gflops: stats(samples.map((ms) => flops / ms / 1e6)), samples, inner };
}

/**
 * A sampler of nodegrad's matmul on one shape; operands and the output are made once, outside the
 * timing: matmul(a, b, { out: c }) does what cblas_sgemm does (write an existing C), so the ratio
 * compares kernels (a new output per call would add first-touch page faults of fresh memory, which
 * cblas_sgemm into a reused C does not pay).
 */
export function nodegradGemm(s: GemmShape): (policy: SamplePolicy, warmup: number, estimateMs?: number) => ReturnType<typeof sampleCalls> {
  const a: Tensor = s.layout === 'TN' ? rand(s.K, s.M).t() : rand(s.M, s.K);
  const b: Tensor = s.layout === 'NT' ? rand(s.N, s.K).t() : rand(s.K, s.N);
  const c: Tensor = zeros(s.M, s.N);
  const call = (): void => {
    matmul(a, b, { out: c });
  };
  return (policy, warmup, estimateMs) => noGrad(() => sampleCalls(call, policy, warmup, estimateMs));
}

/**
 * Measures one shape at one thread count: `rounds` interleaved rounds of nodegrad and (when the
 * harness is there) OpenBLAS samples. Sets nodegrad's thread count; the caller restores it.
 */
export function measureGemm(s: GemmShape, threads: number, harness: OpenblasHarness, policy: SamplePolicy, rounds: number): Pick<W1Row, 'nodegrad' | 'openblas' | 'ratio' | 'pairedRatio' | 'notes'> {
  setNumThreads(threads);
  const ours = nodegradGemm(s);
  const flops = 2 * s.M * s.K * s.N;
  const ng = { ms: [] as number[], inner: [] as number[], rounds: [] as number[] };
  const ob = { ms: [] as number[], inner: [] as number[], rounds: [] as number[] };
  const notes: string[] = [];
  let estimate: number | undefined;
  const runOurs = (round: number): void => {
    // One warm-up per round while that is cheap; for long calls only in the first round.
    const warmup = round === 0 ? 2 : estimate !== undefined && estimate < 50 ? 1 : 0;
    const r = ours(policy, warmup, estimate);
    estimate = stats(r.ms).median;
    ng.rounds[round] = estimate;
    ng.ms.push(...r.ms);
    ng.inner.push(r.inner);
  };
  const runTheirs = (round: number): void => {
    if (harness.status !== 'ok') return;
    let r: ReturnType<typeof measureOpenblas>;
    try {
      r = measureOpenblas(harness, { M: s.M, K: s.K, N: s.N, transA: s.layout === 'TN', transB: s.layout === 'NT' }, threads, policy, round === 0 ? 2 : 1);
    } catch (e) {
      notes.push(`OpenBLAS round ${round} failed: ${(e as Error).message.slice(0, 300)}`);
      return;
    }
    if (r.threads !== threads) notes.push(`OpenBLAS ran with ${r.threads} threads, asked for ${threads}`);
    if (r.ms.length) ob.rounds[round] = stats(r.ms).median;
    ob.ms.push(...r.ms);
    ob.inner.push(r.inner);
  };
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      runOurs(round);
      runTheirs(round);
    } else {
      runTheirs(round);
      runOurs(round);
    }
  }
  const nodegrad = side(flops, ng.ms, ng.inner);
  const openblas = ob.ms.length ? side(flops, ob.ms, ob.inner) : null;
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = ng.rounds[r], b = ob.rounds[r];
    if (a !== undefined && b !== undefined) perRound.push(b / a); // GFLOPS ratio = inverse ms ratio
  }
  return {
    nodegrad, openblas, ratio: openblas ? nodegrad.gflops.median / openblas.gflops.median : null,
    pairedRatio: perRound.length ? stats(perRound).median : null, notes: [...new Set(notes)],
  };
}

/** Measures and prints W1; `w0` supplies the peaks for the "% peak" column. */
export function runW1(ctx: BenchContext, w0: W0Result | undefined): W1Result {
  manualSeed(0);
  ctx.progress('W1 building the OpenBLAS harness');
  const harness = buildOpenblas();
  const shapes = ctx.smoke ? SHAPES.slice(0, 1) : SHAPES.filter((s) => !(ctx.quick && s.M * s.K * s.N > 1024 ** 3));
  const policy = ctx.smoke ? SMOKE_POLICY : POLICY;
  const rounds = ctx.smoke ? 1 : ROUNDS;
  const rows: W1Row[] = [];
  const restore = getNumThreads();
  try {
    for (const s of shapes) {
      for (const threads of ctx.threads) {
        ctx.progress(`W1 ${s.name} ${s.M}x${s.K}x${s.N}, ${threads} thread${threads > 1 ? 's' : ''}`);
        const m = measureGemm(s, threads, harness, policy, rounds);
        const peak = peakAt(w0, threads);
        rows.push({
          shape: s.name, M: s.M, K: s.K, N: s.N, layout: s.layout, flops: 2 * s.M * s.K * s.N, threads, ...m,
          peakFraction: peak ? m.nodegrad.gflops.median / peak.gflops : null,
          openblasPeakFraction: peak && m.openblas ? m.openblas.gflops.median / peak.gflops : null,
        });
      }
    }
  } finally {
    setNumThreads(restore);
    ctx.progress('');
  }

  const openblas: W1Result['openblas'] = harness.status === 'ok'
    ? { status: 'ok', config: harness.config, compiler: harness.compiler }
    : { status: 'missing', reason: harness.reason };
  const peakIsa = w0?.status === 'ok' ? w0.peaks[0]?.isa ?? '?' : null;
  table(
    `W1 SGEMM C = op(A)·op(B) (nodegrad: matmul(a, b, { out: c })), fp32 row-major, GFLOPS = 2MKN/s, median (min-max) of ${rounds} interleaved rounds`,
    ['shape', 'MxKxN', 'threads', 'nodegrad GFLOPS', 'OpenBLAS GFLOPS', 'nodegrad/OpenBLAS', 'paired', peakIsa ? `% W0 peak (${peakIsa})` : '% W0 peak'],
    rows.map((r) => [
      r.shape, `${r.M}x${r.K}x${r.N}`, r.threads, fmtRange(r.nodegrad.gflops),
      r.openblas ? fmtRange(r.openblas.gflops) : '-', r.ratio === null ? '-' : `${fmt(r.ratio)}x`,
      r.pairedRatio === null ? '-' : `${fmt(r.pairedRatio)}x`, fmtPct(r.peakFraction),
    ]),
  );
  console.log(openblas.status === 'ok'
    ? `  OpenBLAS: ${openblas.config} (cblas_sgemm, OPENBLAS_NUM_THREADS per run; benchmark-only baseline)`
    : `  OpenBLAS: not measured (${openblas.reason}); nodegrad figures alone`);
  if (!w0 || w0.status !== 'ok') console.log('  % W0 peak: not available (W0 did not run)');
  for (const r of rows) for (const n of r.notes) console.log(`  note: ${r.shape}, ${r.threads} thread(s): ${n}`);
  const over = rows.filter((r) => (r.openblasPeakFraction ?? 0) > 1 || (r.peakFraction ?? 0) > 1);
  if (over.length) {
    console.log(`  warning: ${over.length} row(s) above 100% of the W0 peak (e.g. ${over[0]!.shape} at ${over[0]!.threads} threads): the machine was busy while W0 ran, so its peak is low`);
  }
  return { openblas, rows };
}
