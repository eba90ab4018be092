// Pooling and normalisation rows of the elementwise table (bench/elementwise.ts): the kernels of the contract
// at LeNet-size (C1 output [64, 6, 28, 28]), ResNet-size (the stem's max pool over [8, 64, 112, 112], a
// stage-1 batch norm over [8, 64, 56, 56], the head's global average pool over [8, 512, 7, 7]) and
// transformer-size (layer norm over [1568, 768]) inputs, plus a BatchNorm1d over [256, 512]. Geometries
// come from the ops' own plans. n = elements of the main input.

import type { Kernels } from '../src/kernels/spec.js';
import { poolPlan } from '../src/ops/pool.js';
import type { BenchContext } from './lib.js';

/** One row of the table: `make(k)` returns the call to time on kernel table k. */
export interface KernelCase {
  op: string;
  n: number;
  bytes: number;
  make(k: Kernels): () => void;
}

function randn(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 4294967296) * 2 - 1;
  }
  return a;
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
const contiguous = (s: readonly number[]): number[] => [s[1]! * s[2]! * s[3]!, s[2]! * s[3]!, s[3]!, 1];

function poolCases(name: string, shape: number[], kernel: number, options: { stride?: number; padding?: number }): KernelCase[] {
  const max = poolPlan('max', 2, shape, kernel, options);
  const avg = poolPlan('avg', 2, shape, kernel, options);
  const n = prod(shape);
  const nout = prod(max.outputShape);
  const x = randn(n, 1);
  const out = new Float32Array(nout);
  const idx = new Int32Array(nout);
  const gi = new Float32Array(n);
  const xs = contiguous(shape);
  const [N, C, H, W] = shape as [number, number, number, number];
  const label = `${kernel}x${kernel}${options.stride ? ` s${options.stride}` : ''}${options.padding ? ` p${options.padding}` : ''} ${name} [${shape.join(',')}]`;
  return [
    { op: `maxPool ${label}`, n, bytes: 4 * n + 4 * nout, make: (k) => () => k.maxPool(max.geom, max.windows, x, 0, xs, out, false, idx) },
    { op: `maxPool+indices ${label}`, n, bytes: 4 * n + 8 * nout, make: (k) => () => k.maxPool(max.geom, max.windows, x, 0, xs, out, true, idx) },
    { op: `maxPoolBackward ${label}`, n, bytes: 4 * n + 8 * nout, make: (k) => () => k.maxPoolBackward(N * C, H * W, nout / (N * C), out, idx, gi) },
    { op: `avgPool ${label}`, n, bytes: 4 * n + 4 * nout, make: (k) => () => k.avgPool(avg.geom, avg.windows, 0, x, 0, xs, out) },
    { op: `avgPoolBackward ${label}`, n, bytes: 4 * n + 4 * nout, make: (k) => () => k.avgPoolBackward(avg.geom, avg.windows, 0, out, gi) },
  ];
}

function batchNormCases(name: string, N: number, C: number, S: number): KernelCase[] {
  const n = N * C * S;
  const [x, g, o] = [randn(n, 2), randn(n, 3), new Float32Array(n)];
  const [m, v, w, b, s1, s2] = [new Float32Array(C), new Float32Array(C).fill(1), randn(C, 4), randn(C, 5), new Float32Array(C), new Float32Array(C)];
  const label = `${name} [${N},${C}${S > 1 ? `,${S}` : ''}]`;
  return [
    {
      op: `batchNorm train fwd (stats+apply) ${label}`, n, bytes: 12 * n,
      make: (k) => () => {
        k.batchNormStats(x, N, C, S, m, v);
        k.batchNormApply(x, N, C, S, m, v, 1e-5, w, b, o);
      },
    },
    { op: `batchNormBackward ${label}`, n, bytes: 20 * n, make: (k) => () => k.batchNormBackward(g, x, N, C, S, m, v, 1e-5, w, true, o, s1, s2) },
  ];
}

function layerNormCases(name: string, R: number, L: number): KernelCase[] {
  const n = R * L;
  const [x, g, o] = [randn(n, 6), randn(n, 7), new Float32Array(n)];
  const [w, b, m, r, gw, gb] = [randn(L, 8), randn(L, 9), new Float32Array(R), new Float32Array(R), new Float32Array(L), new Float32Array(L)];
  const label = `${name} [${R},${L}]`;
  return [
    { op: `layerNorm ${label}`, n, bytes: 12 * n, make: (k) => () => k.layerNorm(x, R, L, 1e-5, w, b, o, m, r) },
    { op: `layerNormBackward ${label}`, n, bytes: 24 * n, make: (k) => () => k.layerNormBackward(g, x, R, L, m, r, w, o, true, gw, gb) },
  ];
}

/** The rows; tiny shapes for --smoke. */
export function poolNormCases(ctx: BenchContext): KernelCase[] {
  if (ctx.smoke) return [...poolCases('tiny', [2, 3, 8, 8], 2, {}), ...batchNormCases('tiny', 2, 3, 16), ...layerNormCases('tiny', 4, 32)];
  const gap = poolPlan('adaptive', 2, [8, 512, 7, 7], 1);
  const gx = randn(8 * 512 * 49, 10);
  const gout = new Float32Array(8 * 512);
  return [
    ...poolCases('LeNet', [64, 6, 28, 28], 2, {}),
    ...poolCases('ResNet stem', [8, 64, 112, 112], 3, { stride: 2, padding: 1 }),
    {
      op: 'adaptiveAvgPool 1x1 ResNet head [8,512,7,7]', n: gx.length, bytes: 4 * gx.length,
      make: (k) => () => k.avgPool(gap.geom, gap.windows, 0, gx, 0, contiguous([8, 512, 7, 7]), gout),
    },
    ...batchNormCases('LeNet', 64, 6, 784),
    ...batchNormCases('ResNet', 8, 64, 3136),
    ...batchNormCases('BatchNorm1d', 256, 512, 1),
    ...layerNormCases('transformer', 1568, 768),
  ];
}
