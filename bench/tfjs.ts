// TensorFlow.js baselines for the standard workloads (../shared/bench/WORKLOADS.md), measured in a child
// process per (backend, workload) so each starts clean: `@tensorflow/tfjs` on its 'cpu' backend (plain
// JavaScript) and `@tensorflow/tfjs-backend-wasm` (WebAssembly, SIMD). Benchmark-only dev dependencies,
// never part of the library. TensorFlow.js is NHWC; shapes are the workloads' own, transposed.
//
// As a child: `tsx bench/tfjs.ts --child <backend> <workload json> <policy json> <warmup>` prints one JSON
// line { backend, ms: number[], error? }.

import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, fmtRange, stats, table, type SamplePolicy, type Timing } from './lib.js';

export type TfjsBackend = 'cpu' | 'wasm';

/** A workload the TensorFlow.js side can run (the nodegrad side builds its own twin). */
export type TfjsWorkload =
  | { kind: 'conv'; N: number; Cin: number; H: number; W: number; Cout: number; k: number; stride: number; pad: number; backward: boolean }
  | { kind: 'mlp' }
  | { kind: 'lenet' }
  | { kind: 'rnn'; cell: 'lstm' | 'gru'; seq: number; batch: number; input: number; hidden: number; backward: boolean }
  | { kind: 'charlm'; vocab: number; embed: number; hidden: number; seq: number; batch: number };

export interface TfjsResult {
  backend: TfjsBackend;
  ms: number[];
  /** Why there are no timings (an op the backend lacks, a crash, a timeout). */
  error?: string;
}

const SELF = fileURLToPath(import.meta.url);

let skipped = false;
/** --no-tfjs: every later measureTfjs returns at once with "skipped" (the baselines take minutes per section). */
export function skipTfjs(): void {
  skipped = true;
}

/** Runs `workload` on `backend` in a child process with the sampling policy; never throws. */
export function measureTfjs(backend: TfjsBackend, workload: TfjsWorkload, policy: SamplePolicy, warmup = 2, timeoutMs = 300_000): TfjsResult {
  if (skipped) return { backend, ms: [], error: 'skipped (--no-tfjs)' };
  const launcher = [process.execPath, ...process.execArgv];
  const r = spawnSync(launcher[0]!, [...launcher.slice(1), SELF, '--child', backend, JSON.stringify(workload), JSON.stringify(policy), String(warmup)], {
    encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
  });
  if (r.error) return { backend, ms: [], error: (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `timed out after ${timeoutMs / 1000} s` : r.error.message };
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as TfjsResult;
  } catch {
    return { backend, ms: [], error: `child failed (status ${String(r.status)}): ${r.stderr.trim().split('\n').slice(-3).join(' | ').slice(0, 300)}` };
  }
}

/** One row of a "beside TensorFlow.js" table: nodegrad's timing and the two backends' results. */
export interface TfjsComparison {
  name: string;
  pass: string;
  mine: Timing;
  wasm: TfjsResult;
  cpu: TfjsResult;
}

/** Prints nodegrad (1 thread) beside TensorFlow.js wasm and cpu, with the ratios (failures say why). */
export function tfjsTable(title: string, nameHeader: string, rows: readonly TfjsComparison[]): void {
  const cellOf = (t: TfjsResult): string => (t.ms.length ? fmtRange(stats(t.ms)) : `failed: ${t.error ?? '?'}`);
  const ratio = (t: TfjsResult, mine: Timing): string => (t.ms.length ? `${fmt(stats(t.ms).median / mine.median)}x` : '-');
  table(title, [nameHeader, 'pass', 'nodegrad (1 thread)', 'TensorFlow.js wasm', 'TensorFlow.js cpu', 'nodegrad faster than wasm by', 'than cpu by'],
    rows.map((r) => [r.name, r.pass, fmtRange(r.mine), cellOf(r.wasm), cellOf(r.cpu), ratio(r.wasm, r.mine), ratio(r.cpu, r.mine)]));
}

// ---- the child side -----------------------------------------------------------------------------------

type Tf = typeof import('@tensorflow/tfjs');

/** One call of the workload (synchronous: data is read back, so the work is done when it returns). */
function build(tf: Tf, w: TfjsWorkload): () => void {
  const rnd = (shape: number[]): import('@tensorflow/tfjs').Tensor => tf.randomUniform(shape, -1, 1);
  switch (w.kind) {
    case 'conv': {
      const x = tf.variable(rnd([w.N, w.H, w.W, w.Cin]));
      const f = tf.variable(rnd([w.k, w.k, w.Cin, w.Cout]));
      const pad = w.pad === 0 ? 'valid' : ([[0, 0], [w.pad, w.pad], [w.pad, w.pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]]);
      const fwd = (): import('@tensorflow/tfjs').Tensor => tf.conv2d(x as import('@tensorflow/tfjs').Tensor4D, f as import('@tensorflow/tfjs').Tensor4D, w.stride, pad);
      if (!w.backward) return () => tf.tidy(() => { fwd().dataSync(); });
      return () => tf.tidy(() => {
        const { grads } = tf.variableGrads(() => fwd().sum() as import('@tensorflow/tfjs').Scalar, [x, f]);
        for (const g of Object.values(grads)) g.dataSync();
      });
    }
    case 'mlp': {
      const model = tf.sequential({ layers: [
        tf.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }),
        tf.layers.dense({ units: 128, activation: 'relu' }),
        tf.layers.dense({ units: 10 }),
      ] });
      const opt = tf.train.sgd(0.1);
      const x = rnd([128, 784]);
      const y = tf.oneHot(tf.randomUniform([128], 0, 10, 'int32') as import('@tensorflow/tfjs').Tensor1D, 10);
      return () => { opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as import('@tensorflow/tfjs').Tensor) as import('@tensorflow/tfjs').Scalar, true)!.dataSync(); };
    }
    case 'lenet': {
      const model = tf.sequential({ layers: [
        tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 120, activation: 'relu' }),
        tf.layers.dense({ units: 84, activation: 'relu' }),
        tf.layers.dense({ units: 10 }),
      ] });
      const opt = tf.train.momentum(0.01, 0.9);
      const x = rnd([64, 28, 28, 1]);
      const y = tf.oneHot(tf.randomUniform([64], 0, 10, 'int32') as import('@tensorflow/tfjs').Tensor1D, 10);
      return () => { opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as import('@tensorflow/tfjs').Tensor) as import('@tensorflow/tfjs').Scalar, true)!.dataSync(); };
    }
    case 'rnn': {
      const layer = w.cell === 'lstm' ? tf.layers.lstm({ units: w.hidden, returnSequences: true }) : tf.layers.gru({ units: w.hidden, returnSequences: true });
      const x = rnd([w.batch, w.seq, w.input]);
      layer.apply(x); // builds the weights
      const fwd = (): import('@tensorflow/tfjs').Tensor => layer.apply(x) as import('@tensorflow/tfjs').Tensor;
      if (!w.backward) return () => tf.tidy(() => { fwd().dataSync(); });
      const vars = layer.trainableWeights.map((v) => (v as unknown as { read(): import('@tensorflow/tfjs').Variable }).read());
      return () => tf.tidy(() => {
        const { grads } = tf.variableGrads(() => fwd().sum() as import('@tensorflow/tfjs').Scalar, vars);
        for (const g of Object.values(grads)) g.dataSync();
      });
    }
    case 'charlm': {
      // NOTE: the wasm backend has no UnsortedSegmentSum, the gradient of tf.layers.embedding's gather, so
      // there the embedding is a one-hot matMul (the same values and gradient, 2·B·T·V·E more FLOPs).
      const oneHotEmbedding = tf.getBackend() === 'wasm';
      const model = tf.sequential({ layers: [
        ...(oneHotEmbedding ? [] : [tf.layers.embedding({ inputDim: w.vocab, outputDim: w.embed, inputLength: w.seq })]),
        // NOTE: the default orthogonal recurrent initialiser runs a QR of the [H, 4H] matrix in JS, which
        // takes minutes on the cpu backend before the first step; the initialiser does not change the step.
        tf.layers.lstm({ units: w.hidden, returnSequences: true, recurrentInitializer: 'glorotUniform', ...(oneHotEmbedding ? { inputShape: [w.seq, w.embed] } : {}) }),
        tf.layers.timeDistributed({ layer: tf.layers.dense({ units: w.vocab }) }),
      ] });
      const opt = tf.train.adam(1e-3);
      const ids = tf.randomUniform([w.batch, w.seq], 0, w.vocab, 'int32');
      let input = (): import('@tensorflow/tfjs').Tensor => ids;
      if (oneHotEmbedding) {
        const table = tf.variable(tf.randomNormal([w.vocab, w.embed]));
        const xOneHot = tf.oneHot(ids.reshape([w.batch * w.seq]) as import('@tensorflow/tfjs').Tensor1D, w.vocab).toFloat();
        input = () => tf.matMul(xOneHot, table).reshape([w.batch, w.seq, w.embed]);
      }
      const y = tf.oneHot(tf.randomUniform([w.batch * w.seq], 0, w.vocab, 'int32') as import('@tensorflow/tfjs').Tensor1D, w.vocab);
      return () => {
        opt.minimize(() => tf.losses.softmaxCrossEntropy(y, (model.apply(input()) as import('@tensorflow/tfjs').Tensor).reshape([w.batch * w.seq, w.vocab])) as import('@tensorflow/tfjs').Scalar, true)!.dataSync();
      };
    }
  }
}

async function child(backend: TfjsBackend, w: TfjsWorkload, policy: SamplePolicy, warmup: number): Promise<void> {
  const out: TfjsResult = { backend, ms: [] };
  try {
    const tf = await import('@tensorflow/tfjs');
    if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
    // Silence the "install tfjs-node" banner (stdout must carry only our JSON line).
    const log = console.log;
    console.log = () => {};
    const ok = await tf.setBackend(backend);
    await tf.ready();
    console.log = log;
    if (!ok || tf.getBackend() !== backend) throw new Error(`backend ${backend} did not initialise`);
    const { sampleCalls } = await import('./lib.js');
    const call = build(tf, w);
    const r = sampleCalls(call, policy, warmup);
    out.ms = r.ms;
  } catch (e) {
    out.error = (e as Error).message.split('\n')[0]!.slice(0, 300);
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === SELF && process.argv[2] === '--child') {
  void child(process.argv[3] as TfjsBackend, JSON.parse(process.argv[4]!) as TfjsWorkload, JSON.parse(process.argv[5]!) as SamplePolicy, Number(process.argv[6] ?? 2));
}
