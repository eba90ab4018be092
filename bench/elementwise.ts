// Elementwise, reduction and softmax kernels (and, from bench/poolnorm.ts, pooling and normalisation at
// LeNet/ResNet/transformer sizes): median ms and throughput per op and size, for every ISA this
// CPU runs (native, at 1 thread and all threads) and the reference backend, called at the kernel level (the
// contract in src/kernels/spec.ts) so no tensor/autograd overhead is timed. Small sizes are timed in
// batches of calls so each sample lasts >= ~2 ms. BENCH_ELEMENTWISE_JSON=<file> also writes the rows.

import { writeFileSync } from 'node:fs';
import { loadNativeKernels, rawAddon } from '../src/backend/native/native.js';
import { referenceKernels } from '../src/backend/reference/index.js';
import type { Kernels } from '../src/kernels/spec.js';
import { type BenchContext, table } from './lib.js';
import { poolNormCases } from './poolnorm.js';

interface Case {
  op: string;
  /** Elements of the main operand (throughput is reported per element of it). */
  n: number;
  /** Bytes moved per call (reads + writes), for GB/s. */
  bytes: number;
  make(k: Kernels): () => void;
}

function randn(n: number, scale: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return a;
}

function cases(sizes: number[]): Case[] {
  const out: Case[] = [];
  for (const n of sizes) {
    const x = randn(n, 4, 1);
    const y = randn(n, 4, 2);
    const o = new Float32Array(n);
    for (const op of ['exp', 'tanh', 'sigmoid', 'log', 'erf', 'relu'] as const) {
      const src = op === 'log' ? x.map(Math.abs) : x;
      out.push({ op, n, bytes: 8 * n, make: (k) => () => k.unary(op, src, o, n, 0, 0) });
    }
    out.push({ op: 'add', n, bytes: 12 * n, make: (k) => () => k.binary('add', [n], x, 0, [1], y, 0, [1], o) });
    const C = n >= 1000 ? 1000 : n;
    const N = n / C;
    out.push({ op: `add [N,${C}]+[${C}]`, n, bytes: 8 * n, make: (k) => () => k.binary('add', [N, C], x, 0, [C, 1], y, 0, [0, 1], o) });
    out.push({ op: `mul [N,${C}]*[N,1]`, n, bytes: 8 * n, make: (k) => () => k.binary('mul', [N, C], x, 0, [C, 1], y, 0, [1, 0], o) });
    const s1 = new Float32Array(1);
    out.push({ op: 'sum', n, bytes: 4 * n, make: (k) => () => k.reduce('sum', x, 1, n, 1, s1) });
    out.push({ op: 'max', n, bytes: 4 * n, make: (k) => () => k.reduce('max', x, 1, n, 1, s1) });
    const rows = new Float32Array(n / 10);
    out.push({ op: 'sum rows of 10', n, bytes: 4 * n, make: (k) => () => k.reduce('sum', x, n / 10, 10, 1, rows) });
    const idx = new Int32Array(n / 10);
    out.push({ op: 'argmax rows of 10', n, bytes: 4 * n, make: (k) => () => k.argReduce('max', x, n / 10, 10, 1, rows, idx) });
    for (const r of [10, 1000]) {
      if (r > n) continue;
      out.push({ op: `softmax rows of ${r}`, n, bytes: 8 * n, make: (k) => () => k.softmax('softmax', x, n / r, r, 1, o) });
    }
    if (n >= 1000) out.push({ op: 'logSoftmax [N,1000]', n, bytes: 8 * n, make: (k) => () => k.softmax('logSoftmax', x, n / 1000, 1000, 1, o) });
    if (n >= 1000) out.push({ op: 'softmax dim 1 of [N,10,100]', n, bytes: 8 * n, make: (k) => () => k.softmax('softmax', x, n / 1000, 10, 100, o) });
  }
  return out;
}

/** Median ms per call over `samples` samples, each a batch of calls lasting >= ~2 ms. */
function measure(fn: () => void, samples: number): number {
  fn();
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    const dt = performance.now() - t0;
    if (dt >= 2 || batch >= 1 << 16) break;
    batch *= dt < 0.2 ? 8 : 2;
  }
  const ts: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) fn();
    ts.push((performance.now() - t0) / batch);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}

export function runElementwise(ctx: BenchContext): Record<string, unknown>[] {
  const addon = rawAddon();
  const info = addon.info();
  const nat = loadNativeKernels(referenceKernels);
  const sizes = ctx.smoke ? [1e3] : ctx.quick ? [1e3, 1e5] : [1e3, 1e5, 1e6];
  const samples = ctx.smoke ? 2 : 9;
  const configs: { name: string; isa: string | null; threads: number }[] = [];
  for (const isa of info.isaAvailable) for (const t of ctx.threads) configs.push({ name: `${isa} ${t}t`, isa, threads: t });
  configs.push({ name: 'reference', isa: null, threads: 1 });
  const list = [...cases(sizes), ...poolNormCases(ctx)];
  const ms = new Map<string, number>();
  try {
    for (const cfg of configs) {
      if (cfg.isa) {
        addon.setIsa(cfg.isa);
        addon.setNumThreads(cfg.threads);
      }
      const k = cfg.isa ? nat : referenceKernels;
      for (const c of list) ms.set(`${c.op}|${c.n}|${cfg.name}`, measure(c.make(k), cfg.isa ? samples : Math.min(samples, 5)));
    }
  } finally {
    addon.setIsa(info.isa);
    addon.setNumThreads(info.threads);
  }
  const rows: (string | number)[][] = [];
  const json: Record<string, unknown>[] = [];
  for (const c of list) {
    const row: (string | number)[] = [c.op, c.n.toExponential(0)];
    for (const cfg of configs) {
      const t = ms.get(`${c.op}|${c.n}|${cfg.name}`)!;
      row.push(t < 0.1 ? t.toFixed(4) : t < 10 ? t.toFixed(3) : t.toFixed(1), c.n / t / 1e6);
      json.push({ op: c.op, n: c.n, config: cfg.name, ms: t, gelemPerS: c.n / t / 1e6, gbPerS: c.bytes / t / 1e6 });
    }
    rows.push(row);
  }
  const header = ['op', 'n'];
  for (const cfg of configs) header.push(`${cfg.name} ms`, 'Gelem/s');
  table(`Elementwise / reduce / softmax kernels (median ms per call; Gelem/s = elements of x per ns)`, header, rows);
  const path = process.env['BENCH_ELEMENTWISE_JSON'];
  if (path) writeFileSync(path, JSON.stringify(json, null, 1));
  return json;
}
