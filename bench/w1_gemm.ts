// W1 (../shared/bench/WORKLOADS.md): SGEMM GFLOPS on the standard shapes, through the public matmul.

import { manualSeed, matmul, noGrad, rand, type Tensor } from '../src/index.js';
import { table, time } from './lib.js';

const SHAPES: [string, number, number, number, 'NN' | 'TN' | 'NT'][] = [
  ['square 64', 64, 64, 64, 'NN'],
  ['square 128', 128, 128, 128, 'NN'],
  ['square 256', 256, 256, 256, 'NN'],
  ['square 512', 512, 512, 512, 'NN'],
  ['square 1024', 1024, 1024, 1024, 'NN'],
  ['square 2048', 2048, 2048, 2048, 'NN'],
  ['mlp fwd (128,784,256)', 128, 784, 256, 'NN'],
  ['(1024,256,1024)', 1024, 256, 1024, 'NN'],
  ['(32,4096,1024)', 32, 4096, 1024, 'NN'],
  ['A^T·B 1024', 1024, 1024, 1024, 'TN'],
  ['A·B^T 1024', 1024, 1024, 1024, 'NT'],
];

export function runW1(quick: boolean): void {
  manualSeed(0);
  const rows: (string | number)[][] = [];
  for (const [name, M, K, N, layout] of SHAPES) {
    if (quick && M * K * N > 512 ** 3) continue;
    const a: Tensor = layout === 'TN' ? rand(K, M).t() : rand(M, K);
    const b: Tensor = layout === 'NT' ? rand(N, K).t() : rand(K, N);
    const flops = 2 * M * K * N;
    const repeats = flops > 4e9 ? 3 : 7;
    const t = noGrad(() => time(() => matmul(a, b), repeats, 1));
    rows.push([name, `${M}x${K}x${N}`, t.median, t.min, t.max, flops / t.median / 1e6]);
  }
  table('W1 SGEMM (nodegrad, current thread count)', ['shape', 'MxKxN', 'median ms', 'min ms', 'max ms', 'GFLOPS'], rows);
}
