// W3 (../shared/bench/WORKLOADS.md): nn.LSTM and nn.GRU, 1 layer, seq 50, batch 32, input 64, hidden 256,
// forward and forward+backward (gradients of every parameter, as TensorFlow.js's baseline takes them), at 1
// thread and at all threads, in ms and GFLOPS. FLOPs count the gate matrix products only: forward
// 2·T·B·(I + H)·G·H (G = 4 for LSTM, 3 for GRU), backward twice that. The fraction of the W0 peak at the
// same thread count is the issue 6 target (fwd+bwd at 1 thread >= 50%; 2 threads >= 1.6x faster than 1).
// TensorFlow.js 'cpu' and 'wasm' run the same layers (returnSequences) in child processes in the same run.
//
// The machine is shared and noisy: each round measures every (thread count, cell, fwd / fwd+bwd)
// combination back to back, alternating the order between rounds; medians over all rounds, with the process
// CPU time per call beside the wall time.

import { autograd, getNumThreads, manualSeed, nn, noGrad, randn, setNumThreads, type Tensor } from '../src/index.js';
import { fmt, fmtPct, fmtRange, sampleInterleaved, stats, table, type BenchContext, type SamplePolicy, type Timing } from './lib.js';
import { measureTfjs, tfjsTable, type TfjsResult } from './tfjs.js';
import { peakAt, type W0Result } from './w0_peak.js';

export interface RnnShape {
  cell: 'lstm' | 'gru';
  seq: number;
  batch: number;
  input: number;
  hidden: number;
}

export const SHAPES: readonly RnnShape[] = [
  { cell: 'lstm', seq: 50, batch: 32, input: 64, hidden: 256 },
  { cell: 'gru', seq: 50, batch: 32, input: 64, hidden: 256 },
];
const SMOKE_SHAPES: readonly RnnShape[] = [
  { cell: 'lstm', seq: 3, batch: 2, input: 3, hidden: 4 },
  { cell: 'gru', seq: 3, batch: 2, input: 3, hidden: 4 },
];

const POLICY: SamplePolicy = { minReps: 3, maxReps: 15, targetMs: 300, sampleMs: 5 };
const SMOKE_POLICY: SamplePolicy = { minReps: 2, maxReps: 2, targetMs: 1, sampleMs: 0.1 };
const ROUNDS = 5;

/** FLOPs of the gate products of one forward (2·T·B·(I + H)·G·H); backward is twice that. */
export const forwardFlops = (s: RnnShape): number => 2 * s.seq * s.batch * (s.input + s.hidden) * (s.cell === 'lstm' ? 4 : 3) * s.hidden;

type Kind = 'fwd' | 'fwdBwd';
const KINDS: readonly Kind[] = ['fwd', 'fwdBwd'];

export interface W3Side {
  ms: Timing;
  gflops: number;
  samples: number[];
  /** Process CPU time per call (ms, all threads). */
  cpuMs: number;
}

export interface W3Row {
  cell: 'lstm' | 'gru';
  shape: string;
  threads: number;
  flopsForward: number;
  fwd: W3Side;
  fwdBwd: W3Side;
  /** GFLOPS / the W0 peak at this thread count (null without W0). */
  peakFractionFwd: number | null;
  peakFractionFwdBwd: number | null;
  /** Forward+backward ms at 1 thread / ms at this thread count (null at 1 thread). */
  speedupFwdBwd: number | null;
}

export interface W3Result {
  rows: W3Row[];
  tfjs: { cell: 'lstm' | 'gru'; backward: boolean; result: TfjsResult }[];
}

function workloads(s: RnnShape): Record<Kind, () => void> {
  const m = s.cell === 'lstm' ? new nn.LSTM(s.input, s.hidden) : new nn.GRU(s.input, s.hidden);
  const x = randn(s.seq, s.batch, s.input);
  const gy = randn(s.seq, s.batch, s.hidden);
  const params = m.parameters();
  const out = (): Tensor => (m instanceof nn.LSTM ? m.forward(x)[0] : m.forward(x)[0]);
  return {
    fwd: () => void noGrad(out),
    fwdBwd: () => void autograd.grad([out()], params, { gradOutputs: [gy] }),
  };
}

/** Measures one shape at every thread count of `threads`, interleaved in `rounds` rounds. */
export function measureW3(s: RnnShape, threads: readonly number[], policy: SamplePolicy, rounds: number, w0?: W0Result): W3Row[] {
  manualSeed(0);
  const work = workloads(s);
  const measured = sampleInterleaved(work, KINDS, threads, policy, rounds);
  const flops = forwardFlops(s);
  const side = (t: number, k: Kind): W3Side => {
    const { samples: ms, cpuMs } = measured(t, k);
    const m = stats(ms);
    return { ms: m, gflops: ((k === 'fwd' ? 1 : 3) * flops) / m.median / 1e6, samples: ms, cpuMs };
  };
  return threads.map((t) => {
    const fwd = side(t, 'fwd');
    const fwdBwd = side(t, 'fwdBwd');
    const peak = peakAt(w0, t);
    const one = threads.includes(1) && t !== 1 ? stats(measured(1, 'fwdBwd').samples).median : null;
    return {
      cell: s.cell, shape: `T${s.seq} B${s.batch} I${s.input} H${s.hidden}`, threads: t, flopsForward: flops, fwd, fwdBwd,
      peakFractionFwd: peak ? fwd.gflops / peak.gflops : null,
      peakFractionFwdBwd: peak ? fwdBwd.gflops / peak.gflops : null,
      speedupFwdBwd: one === null ? null : one / fwdBwd.ms.median,
    };
  });
}

/** Measures and prints W3; `w0` supplies the peaks for the "% W0 peak" columns. */
export function runW3(ctx: BenchContext, w0: W0Result | undefined): W3Result {
  const shapes = ctx.smoke ? SMOKE_SHAPES : SHAPES;
  const policy = ctx.smoke ? SMOKE_POLICY : POLICY;
  const rounds = ctx.smoke ? 1 : ROUNDS;
  const restore = getNumThreads();
  const rows: W3Row[] = [];
  try {
    for (const s of shapes) {
      ctx.progress(`W3 ${s.cell}`);
      rows.push(...measureW3(s, ctx.threads, policy, rounds, w0));
    }
  } finally {
    setNumThreads(restore);
    ctx.progress('');
  }
  const peakIsa = w0?.status === 'ok' ? w0.peaks[0]?.isa ?? '?' : null;
  table(
    `W3 recurrent layers fp32 (nn.LSTM / nn.GRU, 1 layer; fwd+bwd = forward + gradients of every parameter), median (min-max) ms of ${rounds} ` +
      'interleaved rounds; GFLOPS count the gate products (forward 2·T·B·(I+H)·G·H, backward 2x)',
    ['cell', 'shape', 'threads', 'fwd ms', 'fwd GFLOPS', peakIsa ? `% W0 peak (${peakIsa})` : '% W0 peak', 'fwd+bwd ms', 'fwd+bwd GFLOPS', '% W0 peak',
      'CPU ms/call', 'vs 1 thread'],
    rows.map((r) => [
      r.cell, r.shape, r.threads, fmtRange(r.fwd.ms), fmt(r.fwd.gflops), fmtPct(r.peakFractionFwd), fmtRange(r.fwdBwd.ms), fmt(r.fwdBwd.gflops),
      fmtPct(r.peakFractionFwdBwd), fmt(r.fwdBwd.cpuMs), r.speedupFwdBwd === null ? '-' : `${fmt(r.speedupFwdBwd)}x`,
    ]),
  );
  if (!ctx.smoke) {
    for (const r of rows) {
      const pk = r.threads === 1 ? r.peakFractionFwdBwd : null;
      const peak = peakAt(w0, 1);
      // On a shared machine, process CPU time per call is closer to the work's own cost than wall time.
      const byCpu = peak && r.threads === 1 ? (3 * r.flopsForward) / r.fwdBwd.cpuMs / 1e6 / peak.gflops : null;
      const parts = [
        ...(pk === null ? [] : [`fwd+bwd ${fmtPct(pk)} of the 1-thread W0 peak (>= 50%: ${pk >= 0.5 ? 'met' : 'MISSED'}; by CPU time ${fmtPct(byCpu)})`]),
        ...(r.speedupFwdBwd === null ? [] : [`${fmt(r.speedupFwdBwd)}x vs 1 thread (>= 1.6x: ${r.speedupFwdBwd >= 1.6 ? 'met' : 'MISSED'})`]),
      ];
      if (parts.length) console.log(`  target ${r.cell} at ${r.threads} thread(s): ${parts.join('; ')}`);
    }
  }
  const tfjs: W3Result['tfjs'] = [];
  if (!ctx.smoke) {
    for (const s of shapes) {
      for (const backward of [false, true]) {
        for (const b of ['wasm', 'cpu'] as const) {
          ctx.progress(`W3 TensorFlow.js ${b} ${s.cell}${backward ? ' fwd+bwd' : ''}`);
          // NOTE: TF.js cpu takes 10-60 s per LSTM call on a loaded host; 120 s (a warm-up and the first calls)
          // keeps a timeout from costing ten minutes of bench time.
          tfjs.push({ cell: s.cell, backward, result: measureTfjs(b, { kind: 'rnn', ...s, backward }, { minReps: 3, maxReps: 7, targetMs: 3000, sampleMs: 1 }, 1, b === 'cpu' ? 120_000 : 300_000) });
        }
      }
    }
    ctx.progress('');
    const ours = (cell: string, backward: boolean): Timing => {
      const r = rows.find((x) => x.cell === cell && x.threads === 1)!;
      return backward ? r.fwdBwd.ms : r.fwd.ms;
    };
    const get = (cell: string, backward: boolean, b: 'wasm' | 'cpu'): TfjsResult =>
      tfjs.find((t) => t.cell === cell && t.backward === backward && t.result.backend === b)!.result;
    tfjsTable('W3 beside TensorFlow.js 4.22 (tf.layers.lstm / gru, returnSequences; fwd+bwd = gradients of the weights), ms median (min-max)', 'cell',
      shapes.flatMap((s) => [false, true].map((backward) => ({
        name: s.cell, pass: backward ? 'fwd+bwd' : 'fwd', mine: ours(s.cell, backward), wasm: get(s.cell, backward, 'wasm'), cpu: get(s.cell, backward, 'cpu'),
      }))));
  }
  return { rows, tfjs };
}
