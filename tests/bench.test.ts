// Smoke test of bench/: the helpers and `bench/run.ts --smoke --json` run, and their results have the
// documented shape. Benchmarks never assert speed: no timing is compared to anything here. W0 and the
// OpenBLAS harness are checked when a compiler (and OpenBLAS) exist, and otherwise must say why not.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { getNumThreads, setNumThreads } from '../src/index.js';
import { machine, sampleCalls, stats, type Timing } from '../bench/lib.js';
import { buildOpenblas, measureOpenblas } from '../bench/openblas.js';
import { findCompiler, removeScratchDir } from '../bench/toolchain.js';
import { measureW0 } from '../bench/w0_peak.js';
import { measureGemm, SHAPES } from '../bench/w1_gemm.js';
import { measureW4 } from '../bench/w4_mlp.js';
import { measureW2 } from '../bench/w2_conv.js';
import { STEP_FLOPS, measureW5, profileW5 } from '../bench/w5_lenet.js';
import { kernelsFor } from '../src/backend/backend.js';
import { measureW3 } from '../bench/w3_rnn.js';
import { forwardFlops, measureW6, w6Workload, W6_SHAPE } from '../bench/w6_charlm.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const tiny = { minReps: 3, maxReps: 3, targetMs: 1, sampleMs: 0.1 };
const threads0 = getNumThreads();
afterAll(() => {
  setNumThreads(threads0);
  removeScratchDir();
});

function expectTiming(t: Timing): void {
  for (const v of [t.median, t.min, t.max]) expect(Number.isFinite(v) && v > 0).toBe(true);
  expect(t.min).toBeLessThanOrEqual(t.median);
  expect(t.median).toBeLessThanOrEqual(t.max);
}

describe('bench helpers', () => {
  it('stats gives median (mean of the middle pair), min and max', () => {
    expect(stats([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(stats([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(() => stats([])).toThrow();
  });

  it('sampleCalls takes between minReps and maxReps samples of inner calls', () => {
    let calls = 0;
    const s = sampleCalls(() => void calls++, { minReps: 2, maxReps: 4, targetMs: 1, sampleMs: 0.05 }, 1);
    expect(s.ms.length).toBeGreaterThanOrEqual(2);
    expect(s.ms.length).toBeLessThanOrEqual(4);
    expect(s.inner).toBeGreaterThanOrEqual(1);
    expect(calls).toBe(1 + s.inner * s.ms.length);
  });

  it('W1 measures nodegrad on a small shape without OpenBLAS', () => {
    const m = measureGemm(SHAPES[0]!, 1, { status: 'missing', reason: 'not in this test' }, tiny, 1);
    expect(m.openblas).toBeNull();
    expect(m.ratio).toBeNull();
    expect(m.pairedRatio).toBeNull();
    expect(m.nodegrad.samples).toHaveLength(3);
    expectTiming(m.nodegrad.ms);
    expectTiming(m.nodegrad.gflops);
  });

  it('W4 runs training steps in-process', () => {
    const r = measureW4(1, 2, 1);
    expect(r.threads).toBe(1);
    expect(r.samples).toHaveLength(2);
    expectTiming(r.ms);
    expect(r.peakRssMiB).toBeGreaterThan(0);
  });

  it('W5 runs LeNet-5 training steps in-process; the profile times every kernel call and puts the table back', () => {
    // 3x the forward FLOPs of conv1 (2·64·6·28²·25), conv2 (2·64·16·10²·150) and the dense 400-120-84-10.
    expect(STEP_FLOPS).toBe(3 * (15_052_800 + 30_720_000 + 7_541_760));
    const r = measureW5(1, 2, 1);
    expect(r.samples).toHaveLength(2);
    expectTiming(r.ms);
    expect(r.cpuMs).toBeGreaterThan(0);
    expect(r.peakRssMiB).toBeGreaterThan(0);
    const before = kernelsFor('float32').conv2d;
    const p = profileW5(1, 2, 1);
    expect(kernelsFor('float32').conv2d).toBe(before);
    const names = p.kernels.map((k) => k.kernel);
    for (const k of ['conv2d N64 1x28x28->6x28x28 k5', 'conv2d N64 6x14x14->16x10x10 k5', 'conv2dBackwardWeight N64 1x28x28->6x28x28 k5',
      'conv2dBackwardInput N64 6x14x14->16x10x10 k5', 'gemm NT 64x120x400', 'maxPool', 'maxPool #2', 'optimStep:sgd']) expect(names).toContain(k);
    // conv1's input needs no gradient: no conv2dBackwardInput for it.
    expect(names).not.toContain('conv2dBackwardInput N64 1x28x28->6x28x28 k5');
    expect(p.kernels.find((k) => k.kernel === 'conv2d N64 1x28x28->6x28x28 k5')!.flops).toBe(15_052_800);
    expect(p.stepMs).toBeGreaterThan(0);
  });

  it('W0 builds and runs peak_fma, or says why it cannot', () => {
    const r = measureW0(machine(), [1], 2, 2);
    if (typeof findCompiler('c++') === 'string') {
      expect(r.status).toBe('skipped');
      return;
    }
    expect(r.status).toBe('ok');
    if (r.status !== 'ok') return;
    expect(r.runs.length).toBeGreaterThan(0);
    expect(r.runs.map((x) => x.isa)).toContain('scalar');
    for (const run of r.runs) {
      expect(run.threads).toBe(1);
      expect(run.samples).toHaveLength(2);
      expectTiming(run.gflops);
    }
    expect(r.peaks).toEqual([expect.objectContaining({ threads: 1 })]);
  });

  it('W2 measures conv2d and the equivalent GEMMs at each thread count, with ratios and the speedup', () => {
    const rows = measureW2({ name: 'tiny', N: 2, Cin: 3, H: 9, W: 9, Cout: 4, k: 3, stride: 2, pad: 1 }, [1, 2], tiny, 1);
    expect(rows.map((r) => r.threads)).toEqual([1, 2]);
    for (const r of rows) {
      for (const side of [r.convFwd, r.gemmFwd, r.convFwdBwd, r.gemmFwdBwd]) {
        expect(side.samples).toHaveLength(3);
        expectTiming(side.ms);
      }
      expect(r.ratioFwdBwd).toBeGreaterThan(0);
    }
    expect(rows[0]!.speedupFwdBwd).toBeNull();
    expect(rows[1]!.speedupFwdBwd).toBeGreaterThan(0);
  });

  it('W3 measures an LSTM and a GRU forward and forward+backward at each thread count, with the speedup', () => {
    for (const cell of ['lstm', 'gru'] as const) {
      const rows = measureW3({ cell, seq: 3, batch: 2, input: 3, hidden: 4 }, [1, 2], tiny, 1);
      expect(rows.map((r) => r.threads)).toEqual([1, 2]);
      for (const r of rows) {
        for (const side of [r.fwd, r.fwdBwd]) {
          expect(side.samples).toHaveLength(3);
          expectTiming(side.ms);
          expect(side.gflops).toBeGreaterThan(0);
        }
        expect(r.flopsForward).toBe(2 * 3 * 2 * (3 + 4) * (cell === 'lstm' ? 4 : 3) * 4);
        expect(r.peakFractionFwdBwd).toBeNull();
      }
      expect(rows[0]!.speedupFwdBwd).toBeNull();
      expect(rows[1]!.speedupFwdBwd).toBeGreaterThan(0);
    }
  });

  it('W6 counts the LSTM and head FLOPs, trains (the loss falls) and measures each thread count', () => {
    // 2·B·T·4H·(E + H) + 2·B·T·H·V = 2·2048·1024·320 + 2·2048·256·65.
    expect(forwardFlops(W6_SHAPE)).toBe(1_342_177_280 + 68_157_440);
    const s = { vocab: 7, embed: 4, hidden: 8, seq: 5, batch: 3 };
    const w = w6Workload(s);
    const before = w.loss();
    for (let i = 0; i < 5; i++) w.step();
    expect(w.loss()).toBeLessThan(before);
    const rows = measureW6(s, [1, 2], tiny, 1);
    expect(rows.map((r) => r.threads)).toEqual([1, 2]);
    for (const r of rows) {
      expectTiming(r.step.ms);
      expectTiming(r.forward.ms);
      expect(r.peakFraction).toBeNull();
    }
    expect(rows[1]!.speedup).toBeGreaterThan(0);
  });

  it('the OpenBLAS harness runs a transposed shape, or says why it cannot', () => {
    const h = buildOpenblas();
    if (h.status === 'missing') {
      expect(h.reason.length).toBeGreaterThan(0);
      return;
    }
    expect(h.config).toMatch(/OpenBLAS/);
    const r = measureOpenblas(h, { M: 24, K: 16, N: 8, transA: true, transB: false }, 1, tiny, 1);
    expect(r.threads).toBe(1);
    expect(r.ms).toHaveLength(3);
    expectTiming(stats(r.ms));
  });
});

describe('bench/run.ts --smoke --json', () => {
  it('prints every section and writes the JSON results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodegrad-bench-test-'));
    try {
      const out = join(dir, 'out.json');
      const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), ['bench/run.ts', '--smoke', '--threads', '2', '--json', out], { cwd: root, encoding: 'utf8', timeout: 60_000 });
      expect(r.stderr).not.toMatch(/Error/);
      expect(r.status).toBe(0);
      for (const title of ['W0 peak', 'W1 SGEMM', 'W4 MLP', 'OpenBLAS', 'before:', 'Elementwise', 'W3 recurrent layers', 'W5 LeNet-5', 'W6 char-level LSTM']) expect(r.stdout).toContain(title);

      const j = JSON.parse(readFileSync(out, 'utf8')) as {
        schema: string;
        threads: number[];
        results: {
          w0: { status: string; peaks?: unknown[] };
          w1: { openblas: { status: string }; rows: { threads: number; nodegrad: { gflops: Timing }; openblas: unknown; peakFraction: unknown }[] };
          w4: { runs: { threads: number; isolated: boolean; ms: Timing; peakRssMiB: number }[]; before: unknown; speedup: unknown[] };
          elementwise: { op: string; config: string; ms: number }[];
          w5: { runs: { threads: number; isolated: boolean; ms: Timing; peakRssMiB: number }[]; fractionOfPeak: (number | null)[] };
          w3: { rows: { cell: string; threads: number; fwdBwd: { ms: Timing } }[] };
        };
      };
      expect(j.results.w3.rows.map((x) => `${x.cell}@${x.threads}`)).toEqual(['lstm@1', 'lstm@2', 'gru@1', 'gru@2']);
      expect(j.schema).toBe('nodegrad-bench/1');
      expect(j.threads).toEqual([1, 2]);
      const { w0, w1, w4 } = j.results;
      expect(['ok', 'skipped']).toContain(w0.status);
      if (w0.status === 'ok') expect(w0.peaks).toHaveLength(2);
      expect(w1.rows.map((row) => row.threads)).toEqual([1, 2]);
      for (const row of w1.rows) {
        expectTiming(row.nodegrad.gflops);
        expect(row.openblas === null).toBe(w1.openblas.status !== 'ok');
        expect(row.peakFraction === null).toBe(w0.status !== 'ok');
      }
      expect(w4.runs.map((run) => [run.threads, run.isolated])).toEqual([[1, true], [2, true]]);
      for (const run of w4.runs) {
        expectTiming(run.ms);
        expect(run.peakRssMiB).toBeGreaterThan(0);
      }
      expect(w4.speedup).toHaveLength(2);
      const w5 = j.results.w5;
      expect(w5.runs.map((run) => [run.threads, run.isolated])).toEqual([[1, true], [2, true]]);
      for (const run of w5.runs) expectTiming(run.ms);
      expect(w5.fractionOfPeak.map((f) => f === null)).toEqual([w0.status !== 'ok', w0.status !== 'ok']);
      const ew = j.results.elementwise;
      expect(new Set(ew.map((e) => e.config))).toContain('reference');
      for (const e of ew) expect(e.ms).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
