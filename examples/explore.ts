// `npm run demo:explore`: the gradient-descent course's experiments as pictures. Descents on the
// sixth-degree polynomial (the x = 0 stall, a too-large and a too-small rate, different starts reaching
// different minima, a learning-rate × epochs grid), MATLAB's peaks (descent, ascent both ways, random
// starts), vanishing and exploding steps, fixed vs time-based vs gradient-based rates, and the loss curves
// of a small fit(). Writes PNGs into a folder (default: <os tmpdir>/nodegrad-explore; `--out DIR` for
// another) and prints what each one shows. `--quick` makes fewer, smaller runs (used by tests).
// Imports the public API only.

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { F, explore, manualSeed, nn, optim, plot, randn, train, type Tensor } from '../src/index.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
const outDir = outAt >= 0 && args[outAt + 1] ? args[outAt + 1]! : join(tmpdir(), 'nodegrad-explore');
const t0 = performance.now();
const size = quick ? { width: 640, height: 420, scale: 1 } : { width: 900, height: 560, scale: 2 };
const L = explore.landscapes;
const fmt = (v: number): string => (Number.isFinite(v) ? Number(v.toPrecision(4)).toString() : String(v));
const pictures: string[] = [];
const how = (r: explore.DescentResult): string => (r.stoppedBecause === 'epochs' ? 'not converged' : r.stoppedBecause);

async function picture(name: string, chart: plot.Chart, what: string): Promise<void> {
  const path = await plot.save(chart, join(outDir, name), size);
  pictures.push(path);
  console.log(`\n${name}\n  ${what.split('\n').join('\n  ')}`);
}

console.log(`nodegrad demo:explore — writing pictures to ${outDir}${quick ? ' (quick)' : ''}`);
const epochs = quick ? 80 : 200;

// 1. The x = 0 stall: f'(0) = 0, so a start at 0 never moves; starts near 0 slide into the local minimum 0.
{
  const runs = [0, 0.5, 1.2].map((x0) => ({ label: `x0=${x0}`, result: explore.descend(L.poly6, x0, { lr: 0.01, epochs }) }));
  const [at0, half, out] = runs.map((r) => r.result) as [explore.DescentResult, explore.DescentResult, explore.DescentResult];
  await picture('01-poly6-stall-at-zero.png', plot.descent1d(L.poly6, runs, { title: 'x^6 - 5x^4 + 4x^2, lr = 0.01: a start at 0 never moves' }),
    `x0 = 0: f'(0) = ${fmt(at0.gradNorms[0]!)}, so x stays at ${fmt(at0.final[0]!)} (${at0.stoppedBecause} after ${at0.steps} steps).\n` +
    `x0 = 0.5 slides into the local minimum 0 (x = ${fmt(half.final[0]!)} after ${half.steps} steps); x0 = 1.2 reaches the global minimum ${fmt(out.final[0]!)} (f = ${fmt(out.finalValue)}) in ${out.steps}.`);
}

// 2. A too-large rate diverges; 3. a too-small one has not converged after the epochs.
{
  const good = explore.descend(L.poly6, 1.5, { lr: 0.01, epochs });
  const big = explore.descend(L.poly6, 1.5, { lr: 0.1, epochs });
  await picture('02-poly6-lr-too-large.png', plot.descent1d(L.poly6, [{ label: 'lr=0.01', result: good }, { label: 'lr=0.1', result: big }], { domain: [[-2.6, 2.6]], title: 'x0 = 1.5: lr = 0.1 overshoots and diverges, lr = 0.01 converges' }),
    `lr = 0.1 from 1.5: x = ${big.points.slice(0, 4).map((p) => fmt(p[0]!)).join(', ')}, ... → ${big.stoppedBecause} after ${big.steps} steps (|x| > 1e6; the path leaves the plot).\n` +
    `lr = 0.01 from 1.5: ${good.stoppedBecause} at x = ${fmt(good.final[0]!)} after ${good.steps} steps.`);
  const small = explore.descend(L.poly6, 1.2, { lr: 1e-4, epochs });
  await picture('03-poly6-lr-too-small.png', plot.descent1d(L.poly6, small, { title: `x0 = 1.2, lr = 0.0001: still on the way after ${epochs} epochs` }),
    `lr = 1e-4 from 1.2: after ${small.steps} epochs x = ${fmt(small.final[0]!)}, |f'| = ${fmt(small.gradNorms.at(-1)!)}: ${small.stoppedBecause === 'epochs' ? 'not converged' : small.stoppedBecause} (the minimum is at 1.694).`);
}

// 4. Different starts reach different minima; 5. learning rate × epochs.
{
  const starts = explore.sweepStarts(L.poly6, explore.startGrid(L.poly6.domain, quick ? 11 : 21) as number[], { lr: 0.01, epochs: epochs * 2 });
  await picture('04-poly6-starts.png', plot.sweep(starts),
    `${starts.rows.length} starts from -2.1 to 2.1 (lr 0.01): ${Object.entries(starts.counts()).map(([k, n]) => `${n} → ${k}`).join(', ')}.\n` +
    'Starts between the two maxima (±0.682) end in the local minimum 0, the others in the global minima ±1.694.');
  const grid = explore.sweepLrEpochs(L.poly6, 0.8, [1e-4, 1e-3, 1e-2, 0.05, 0.1], quick ? [10, 100] : [10, 50, 100, 500]);
  const cell = (lr: number, e: number): explore.SweepRow => grid.rows.find((r) => r.lr === lr && r.epochs === e)!;
  const eMax = quick ? 100 : 500;
  await picture('05-poly6-lr-epochs.png', plot.sweep(grid),
    `From x0 = 0.8: lr 0.1 diverges for any epochs; lr 1e-4 is nowhere after ${eMax} epochs (f = ${fmt(cell(1e-4, eMax).value)});\n` +
    `lr 0.01 needs about ${cell(0.01, eMax).steps} steps to reach ${cell(0.01, eMax).reached}; lr 0.05 overshoots the maximum and lands in ${cell(0.05, eMax).reached}.`);
}

// 6-8. MATLAB's peaks: descent, ascent (both ways), random starts.
{
  const starts: [number, number][] = [[0.5, -0.5], [-0.5, 0.5], [-1, -1.5], [1.5, 1.5], [0.6, 0.6]];
  const down = starts.map((s) => explore.descend(L.peaks, s, { lr: 0.05, epochs: epochs * 2 }));
  const where = (r: explore.DescentResult): string => (r.stoppedBecause === 'diverged' ? 'diverged' : explore.classify(r.final, L.peaks.critical, 1e-2));
  await picture('06-peaks-descent.png', plot.landscape2d(L.peaks, down, { title: 'peaks: gradient descent from 5 starts (lr 0.05)' }),
    down.map((r) => `(${r.points[0]!.join(', ')}) → ${where(r)}${where(r) === 'none' ? ` (stopped at (${r.final.map(fmt).join(', ')}), f = ${fmt(r.finalValue)}: the flat outskirts)` : ''}`).join('\n'));
  const up = starts.map((s) => explore.descend(L.peaks, s, { lr: 0.05, epochs: epochs * 2, ascent: true }));
  const upF = starts.map((s) => explore.descend(L.peaks, s, { lr: 0.05, epochs: epochs * 2, ascent: 'function' }));
  const same = up.every((r, i) => JSON.stringify(r.points) === JSON.stringify(upF[i]!.points));
  await picture('07-peaks-ascent.png', plot.landscape2d(L.peaks, up, { title: 'peaks: gradient ascent from the same 5 starts' }),
    `${up.map((r) => `(${r.points[0]!.join(', ')}) → ${where(r)}`).join('\n')}\n` +
    `Flipping the gradient (x ← x + lr·∇f) and descending on −f give ${same ? 'identical' : 'DIFFERENT'} trajectories.`);
  const random = explore.sweepRandomStarts(L.peaks, quick ? 15 : 60, { lr: 0.05, epochs: epochs * 2, seed: 7 });
  await picture('08-peaks-random-starts.png', plot.sweep(random),
    `${random.rows.length} seeded random starts: ${Object.entries(random.counts()).map(([k, n]) => `${n} → ${k}`).join(', ')}.\n` +
    "'none': starts on the flat outskirts, where the gradient is too small to get anywhere in the epochs.");
}

// 9-10. Fixed, time-based and gradient-based learning rates.
{
  const opts = { lr: 0.01, epochs: quick ? 40 : 60 };
  const runs = [
    { label: 'fixed 0.01', result: explore.descend(L.poly6, 1.9, opts) },
    { label: 'time-based, decay 0.1', result: explore.descend(L.poly6, 1.9, { ...opts, schedule: { kind: 'timeBased', decay: 0.1 } }) },
    { label: 'gradient, normalized', result: explore.descend(L.poly6, 1.9, { ...opts, schedule: { kind: 'gradient', mode: 'normalized' } }) },
    { label: 'gradient, proportional', result: explore.descend(L.poly6, 1.9, { ...opts, lr: 0.0005, schedule: { kind: 'gradient', mode: 'proportional' } }) },
  ];
  await picture('09-schedules-lr.png', plot.trajectories(runs, { y: 'lr', logY: true, title: 'learning rate per step from x0 = 1.9 (log scale)' }),
    'time-based: lr/(1 + 0.1·t) shrinks every step; gradient-normalized: lr/|g|, steps of length 0.01 (the rate grows as |g| falls);\n' +
    `gradient-proportional (lr 0.0005): lr·|g|, ${fmt(runs[3]!.result.lrs[0]!)} on the steep wall, ${fmt(runs[3]!.result.lrs.at(-1)!)} near the minimum.`);
  await picture('10-schedules-f.png', plot.trajectories(runs, { y: 'value', title: 'f per step from x0 = 1.9 for each schedule' }),
    runs.map((r) => `${r.label}: ${how(r.result)} after ${r.result.steps} steps, f = ${fmt(r.result.finalValue)}`).join('\n'));
}

// 11-12. Vanishing and exploding steps.
{
  const flat = explore.descend(L.flatBottom, 1.5, { lr: 0.1, epochs: epochs * 2 });
  const steps = flat.points.slice(1).map((p, i) => Math.abs(p[0]! - flat.points[i]![0]!));
  await picture('11-flat-bottom.png', plot.descent1d(L.flatBottom, flat, { title: 'x^4 from 1.5, lr 0.1: the steps vanish near the flat bottom' }),
    `First step ${fmt(steps[0]!)}, last step ${fmt(steps.at(-1)!)}: after ${flat.steps} epochs x = ${fmt(flat.final[0]!)}, still ${flat.stoppedBecause === 'converged' ? 'converged' : 'not converged'} (|f'| = ${fmt(flat.gradNorms.at(-1)!)}).`);
  const inside = explore.descend(L.steepWalls, 0.5, { lr: 0.1, epochs });
  const wall = explore.descend(L.steepWalls, 1.9, { lr: 0.1, epochs });
  await picture('12-steep-walls.png', plot.descent1d(L.steepWalls, [{ label: 'x0=0.5', result: inside }, { label: 'x0=1.9', result: wall }], { title: 'e^(x^2) - 1, lr 0.1: fine near the bottom, explosive on the wall' }),
    `x0 = 0.5: ${inside.stoppedBecause} after ${inside.steps} steps. x0 = 1.9: f' = ${fmt(wall.gradNorms[0]!)}, the first step jumps to x = ${fmt(wall.points[1]![0]!)} → ${wall.stoppedBecause}.`);
}

// 13. Loss curves of a small fit(): y = 3x − 1 + noise, a Linear(1, 1) trained with SGD.
{
  manualSeed(0);
  const x: Tensor = randn([256, 1]);
  const y = x.mul(3).sub(1).add(randn([256, 1]).mul(0.1));
  const batches = (from: number, to: number): [Tensor, Tensor][] => Array.from({ length: (to - from) / 32 }, (_, i) => [x.narrow(0, from + 32 * i, 32), y.narrow(0, from + 32 * i, 32)]);
  const model = new nn.Linear(1, 1);
  const history = train.fit(model, {
    optimizer: new optim.SGD(model.parameters(), { lr: 0.05 }), loss: F.mseLoss, trainData: batches(0, 192), valData: batches(192, 256), epochs: quick ? 5 : 15, progress: false,
  });
  const last = history.last()!;
  await picture('13-fit-history.png', plot.history(history),
    `Linear(1, 1) on y = 3x − 1 + noise, SGD lr 0.05: loss ${fmt(history.values.loss![0]!)} → ${fmt(last.loss!)}, valLoss → ${fmt(last.valLoss!)} after ${history.epochs.length} epochs.`);
}

console.log(`\n${pictures.length} pictures in ${outDir} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
