// `npm run demo:ring`: a mixture of 8 Gaussians on a ring (radius 2, σ 0.05), learned twice from the
// same data by small MLP generators: by the GAN trainer (train.fitGAN, standard non-saturating loss)
// and by the MMD trainer (train.fitMMD, a generative matching network). Each is scored on 2000 fresh
// samples: how many of the 8 modes it covers (train.modeCoverage: at least 1/32 of the samples within
// 3σ of a centre), the fraction of off-mode samples, and the MMD² (unbiased) to held-out data with the
// MMD trainer's bandwidths. Draws each generator's samples over the data (ring_gan.png, ring_mmd.png) and
// writes the real and generated points as CSV plus a JSON summary to --out
// (default: a new folder under the OS temp dir). `--quick` is a short smoke run. Public API only.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { F, Generator, getBackend, manualSeed, nativeInfo, nn, noGrad, optim, plot, randn, tensor, train, type Tensor } from '../src/index.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const outArg = argv.find((a) => a.startsWith('--out='))?.slice('--out='.length) ?? (argv.includes('--out') ? argv[argv.indexOf('--out') + 1] : undefined);
const outDir = outArg !== undefined ? resolve(outArg) : mkdtempSync(join(tmpdir(), 'nodegrad-ring-'));
mkdirSync(outDir, { recursive: true });
const t0 = performance.now();
const info = nativeInfo();
console.log(`nodegrad demo:ring — backend ${getBackend()}${'isa' in info ? ` (${info.isa}, ${info.threads} threads)` : ''}${quick ? ' — quick run' : ''}`);

// The data: 8 modes at angles 2πk/8 on a circle of radius 2, each an isotropic Gaussian with σ = 0.05.
const K = 8;
const RADIUS = 2;
const SIGMA = 0.05;
const centers = Array.from({ length: K }, (_, k) => [RADIUS * Math.cos((2 * Math.PI * k) / K), RADIUS * Math.sin((2 * Math.PI * k) / K)]);
function ring(n: number, gen: Generator): Tensor {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const c = centers[gen.nextInt(0, K)]!;
    out[2 * i] = c[0]! + SIGMA * gen.nextNormal();
    out[2 * i + 1] = c[1]! + SIGMA * gen.nextNormal();
  }
  return tensor(out, { shape: [n, 2] });
}
const trainSet = ring(quick ? 4000 : 20000, new Generator(0));
const heldOut = ring(2000, new Generator(1));
const otherData = ring(2000, new Generator(2));
console.log(`data: ${trainSet.shape[0]} training and 2000 held-out points from ${K} Gaussians (σ ${SIGMA}) on a circle of radius ${RADIUS}`);

// Settings (tuned under these seeds; see the figures in the closing note of issue 8).
const NOISE = 8;
const HIDDEN = quick ? 64 : 128;
const BATCH = quick ? 128 : 256;
const GAN_STEPS = quick ? 200 : 2000;
const MMD_STEPS = quick ? 200 : 2500;
const BANDWIDTHS = [0.05, 0.1, 0.2, 0.5, 1, 2];
const mlp = (inputs: number, outputs: number, act: () => nn.Module): nn.Sequential =>
  new nn.Sequential(new nn.Linear(inputs, HIDDEN), act(), new nn.Linear(HIDDEN, HIDDEN), act(), new nn.Linear(HIDDEN, outputs));
const makeGenerator = (): nn.Sequential => mlp(NOISE, 2, () => new nn.ReLU());

interface Score {
  covered: number;
  offMode: number;
  fractions: number[];
  mmd: number;
  samples: Tensor;
}
const evalNoise = randn([2000, NOISE], { generator: new Generator(3) });
function score(netG: nn.Module): Score {
  netG.eval();
  const samples = noGrad(() => netG.call(evalNoise));
  const cov = train.modeCoverage(samples, centers, 3 * SIGMA);
  const mmd = noGrad(() => F.mmdLoss(samples, heldOut, { bandwidths: BANDWIDTHS, estimator: 'unbiased' }).item() as number);
  return { covered: cov.covered, offMode: cov.offMode, fractions: cov.fractions, mmd, samples };
}
const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
const describe = (s: Score): string =>
  `modes covered ${s.covered}/${K} (per mode ${s.fractions.map((f) => pct(f)).join(' ')}), off-mode ${pct(s.offMode)}, MMD² to held-out ${s.mmd.toFixed(4)}`;

const dataMmd = noGrad(() => F.mmdLoss(otherData, heldOut, { bandwidths: BANDWIDTHS, estimator: 'unbiased' }).item() as number);
const dataCov = train.modeCoverage(otherData, centers, 3 * SIGMA);
manualSeed(10);
const untrained = score(makeGenerator());
console.log(`reference: fresh data scores ${dataCov.covered}/${K} modes, off-mode ${pct(dataCov.offMode)}, MMD² ${dataMmd.toFixed(4)}; an untrained generator: MMD² ${untrained.mmd.toFixed(4)}`);

// 1. The GAN trainer.
let t = performance.now();
manualSeed(1);
const ganG = makeGenerator();
const ganD = mlp(2, 1, () => new nn.LeakyReLU(0.2));
const ganHistory = train.fitGAN(ganG, ganD, {
  data: trainSet, noiseDim: NOISE, batchSize: BATCH, steps: GAN_STEPS, seed: 1, loss: 'standard',
  gOptimizer: new optim.Adam(ganG.parameters(), { lr: 1e-3, betas: [0.5, 0.999] }),
  dOptimizer: new optim.Adam(ganD.parameters(), { lr: 1e-3, betas: [0.5, 0.999] }),
  progress: { intervalMs: 10000 },
});
const ganSecs = (performance.now() - t) / 1000;
const gan = score(ganG);
const last = (v: number[] | undefined): string => (v === undefined ? '?' : (v.slice(-100).reduce((a, b) => a + b, 0) / Math.min(100, v.length)).toFixed(4));
console.log(`GAN (fitGAN, standard loss, ${GAN_STEPS} steps of batch ${BATCH}, ${ganSecs.toFixed(1)} s; last 100 steps: dLoss ${last(ganHistory.values.dLoss)}, gLoss ${last(ganHistory.values.gLoss)}): ${describe(gan)}`);

// 2. The MMD trainer (a generative matching network).
t = performance.now();
manualSeed(1);
const mmdG = makeGenerator();
const mmdHistory = train.fitMMD(mmdG, {
  data: trainSet, noiseDim: NOISE, batchSize: BATCH, steps: MMD_STEPS, seed: 1, bandwidths: BANDWIDTHS,
  optimizer: new optim.Adam(mmdG.parameters(), { lr: 1e-3 }),
  progress: { intervalMs: 10000 },
});
const mmdSecs = (performance.now() - t) / 1000;
const mmd = score(mmdG);
console.log(`MMD (fitMMD, bandwidths ${BANDWIDTHS.join('/')}, ${MMD_STEPS} steps of batch ${BATCH}, ${mmdSecs.toFixed(1)} s; last 100 steps: loss ${last(mmdHistory.values.loss)}): ${describe(mmd)}`);

// The points, for pictures and for anyone who wants to look at them.
const csv = (x: Tensor): string => `x,y\n${(x.tolist() as number[][]).map(([a, b]) => `${a},${b}`).join('\n')}\n`;
writeFileSync(join(outDir, 'ring_real.csv'), csv(heldOut));
writeFileSync(join(outDir, 'ring_gan.csv'), csv(gan.samples));
writeFileSync(join(outDir, 'ring_mmd.csv'), csv(mmd.samples));
const summary = {
  data: { modes: K, radius: RADIUS, sigma: SIGMA, train: trainSet.shape[0], heldOut: 2000, centers },
  coverage: { radius: 3 * SIGMA, minFraction: 1 / (4 * K) },
  bandwidths: BANDWIDTHS,
  reference: { data: { covered: dataCov.covered, offMode: dataCov.offMode, mmd: dataMmd }, untrained: { mmd: untrained.mmd } },
  gan: { steps: GAN_STEPS, batchSize: BATCH, seconds: ganSecs, covered: gan.covered, offMode: gan.offMode, fractions: gan.fractions, mmd: gan.mmd, history: ganHistory.values },
  mmd: { steps: MMD_STEPS, batchSize: BATCH, seconds: mmdSecs, covered: mmd.covered, offMode: mmd.offMode, fractions: mmd.fractions, mmd: mmd.mmd, history: mmdHistory.values },
};
writeFileSync(join(outDir, 'ring_summary.json'), `${JSON.stringify(summary)}\n`);
// The pictures: held-out data in grey under each generator's samples, the 8 centres with their 3σ circles.
const circles = centers.map((c) => ({ center: [c[0]!, c[1]!] as [number, number], radius: 3 * SIGMA }));
for (const [name, s, label] of [['gan', gan, 'fitGAN'], ['mmd', mmd, 'fitMMD']] as const) {
  const chart = plot.scatter([
    { name: 'held-out data', points: heldOut, color: '#9e9e9e', opacity: 0.5, size: 8 },
    { name: `generated (${label})`, points: s.samples, color: name === 'gan' ? '#d62728' : '#1f77b4', opacity: 0.5, size: 8 },
  ], { circles, title: `${label}: ${s.covered}/${K} modes covered, MMD² ${s.mmd.toFixed(4)}` });
  await plot.save(chart, join(outDir, `ring_${name}.png`), { width: 560, height: 520, scale: 2 });
}
console.log(`pictures, points and summary written to ${outDir} (ring_gan.png, ring_mmd.png, ring_real.csv, ring_gan.csv, ring_mmd.csv, ring_summary.json)`);
const cpu = process.cpuUsage();
console.log(`wall time: ${((performance.now() - t0) / 1000).toFixed(1)} s (CPU time ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`);
// The issue's target: at least 7 of 8 modes with both trainers (checked on full runs only).
if (!quick && (gan.covered < 7 || mmd.covered < 7)) process.exitCode = 1;
