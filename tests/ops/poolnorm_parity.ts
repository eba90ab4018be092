// Parity blocks of the pooling and normalisation kernels (maxPool, avgPool, maxPoolBackward,
// avgPoolBackward, batchNormStats, batchNormApply, batchNormBackward, layerNorm, layerNormBackward), run by
// tests/ops/parity.test.ts inside each ISA / thread-count configuration with its twin(), tally() and reps().
// Geometries are PyTorch's (through ops/pool.ts's plans: odd sizes, batch 1, padding, dilation, ceilMode,
// countIncludePad, divisorOverride, adaptive sizes) and arbitrary windows (empty ones included); inputs are
// strided and broadcast views, with NaN/±Infinity and ties in max windows. maxPool must match exactly
// (values, indices, signs of zeros); sums match within per-element float-accumulation bounds.

import { describe, it } from 'vitest';
import { IndexError } from '../../src/core/errors.js';
import type { KernelName, Kernels } from '../../src/kernels/spec.js';
import { poolPlan } from '../../src/ops/pool.js';
import type { PoolPlan } from '../../src/primitives.js';
import { expectClose, type CloseOptions } from '../helpers/compare.js';
import { Rng, describeCase, garbage, randomArray, randomLayout, seedOf, type Arr, type Layout } from '../helpers/samples.js';

export interface ParityContext {
  REF: Kernels;
  NAT: Kernels;
  twin(rng: Rng, inputs: readonly Arr[], outputs: readonly Arr[], ctx: string): { R: Arr[]; N: Arr[]; check(): void };
  tally(kernel: KernelName, op?: string): void;
  reps(n: number): number;
}

/** The coverage keys these blocks tally (parity.test.ts's coverage check wants each). */
export const POOLNORM_COVERAGE = [
  'maxPool', 'avgPool', 'maxPoolBackward', 'maxPoolBackward:IndexError', 'avgPoolBackward',
  'batchNormStats', 'batchNormApply', 'batchNormBackward', 'layerNorm', 'layerNormBackward',
] as const;

const EXACT: CloseOptions = { exact: true };
const FLOOR = 1e-37;
/** Specials without huge finite values (a float sum of two would overflow where the double one does not). */
const SUM_SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 1e-30, 1e-40, -1e-40];

interface Geometry {
  desc: string;
  geom: number[];
  windows: Int32Array;
  divisorOverride: number;
}

function fromPlan(desc: string, p: PoolPlan): Geometry {
  return { desc, geom: p.geom.slice(), windows: p.windows, divisorOverride: p.divisorOverride };
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => rng.pick(xs);

/** A PyTorch geometry from the ops' plans, or (a quarter of the time) arbitrary windows incl. empty ones. */
function randomGeometry(rng: Rng, kind: 'max' | 'avg'): Geometry {
  const N = pick(rng, [0, 1, 1, 2, 3]);
  const C = pick(rng, [1, 2, 3, 5]);
  const H = pick(rng, [1, 2, 3, 4, 5, 7, 8, 13, 17]);
  const W = pick(rng, [1, 2, 3, 5, 6, 7, 9, 16, 17, 33]);
  if (rng.chance(0.25)) return arbitraryGeometry(rng, [N, C, H, W]);
  const r = rng.int(0, 5);
  if (r === 0) {
    const size = [rng.int(0, H + 2), rng.int(0, W + 2)];
    return fromPlan(`adaptive ${JSON.stringify(size)}`, poolPlan('adaptive', 2, [N, C, H, W], size as [number, number]));
  }
  const spatial = r === 1 ? 1 : 2;
  for (let attempt = 0; ; attempt++) {
    const k = [rng.int(1, Math.min(5, H)), rng.int(1, Math.min(5, W))];
    const o = {
      stride: [rng.int(1, 3), rng.int(1, 3)],
      padding: [rng.int(0, Math.floor(k[0]! / 2)), rng.int(0, Math.floor(k[1]! / 2))],
      ceilMode: rng.chance(0.4),
      ...(kind === 'max' ? { dilation: [rng.int(1, 3), rng.int(1, 3)] } : { countIncludePad: rng.chance(0.5) }),
      ...(kind === 'avg' && rng.chance(0.2) ? { divisorOverride: rng.pick([3, -2, 7]) } : {}),
    };
    const shape = spatial === 2 ? [N, C, H, W] : [N, C, W];
    const last = (v: unknown): unknown => (Array.isArray(v) ? [v[1]] : v);
    const args = spatial === 2 ? o : Object.fromEntries(Object.entries(o).filter(([key]) => key !== 'divisorOverride').map(([key, v]) => [key, last(v)]));
    try {
      return fromPlan(`${kind}${spatial}d k=${JSON.stringify(k)} ${JSON.stringify(args)}`, poolPlan(kind, spatial, shape, (spatial === 2 ? k : [k[1]!]) as [number, number], args as never));
    } catch (e) {
      if (attempt > 20) throw e; // output too small: draw again
    }
  }
}

/** Windows with random starts, counts (0 included), dilations and divisors, all inside the plane. */
function arbitraryGeometry(rng: Rng, [N, C, H, W]: number[]): Geometry {
  const OH = rng.int(0, 4);
  const OW = rng.int(0, 6);
  const dH = rng.int(1, 3);
  const dW = rng.int(1, 3);
  const axis = (size: number, out: number, d: number): [number[], number[], number[]] => {
    const start: number[] = [], count: number[] = [], div: number[] = [];
    for (let o = 0; o < out; o++) {
      const c = rng.chance(0.15) ? 0 : rng.int(1, Math.max(1, Math.floor((size - 1) / d) + 1));
      start.push(c === 0 ? rng.int(0, size + 2) : rng.int(0, size - 1 - (c - 1) * d));
      count.push(c);
      div.push(rng.int(1, 9));
    }
    return [start, count, div];
  };
  const [hs, hc, hd] = axis(H!, OH, dH);
  const [ws, wc, wd] = axis(W!, OW, dW);
  return {
    desc: 'arbitrary windows',
    geom: [N!, C!, H!, W!, OH, OW, dH, dW],
    windows: Int32Array.from([...hs, ...hc, ...hd, ...ws, ...wc, ...wd]),
    divisorOverride: rng.chance(0.2) ? rng.pick([2, -3]) : 0,
  };
}

const shapeOf = (g: Geometry): number[] => g.geom.slice(0, 4);
const outCount = (g: Geometry): number => g.geom[0]! * g.geom[1]! * g.geom[4]! * g.geom[5]!;

/** Max-pool inputs: ties (small integers, ±0), some NaN and ±Infinity. */
function maxValues(rng: Rng, n: number): Float32Array {
  const a = randomArray(rng, 'float32', n, { special: rng.pick([0, 0.03, 0.15]), specials: [NaN, Infinity, -Infinity, 0, -0], tieProb: 0.4 }) as Float32Array;
  if (rng.chance(0.2)) for (let i = 0; i < n; i++) if (rng.chance(0.3)) a[i] = -Infinity;
  return a;
}

/** Per-element bound for sums: 4e-6 times the same kernel applied to |x| (the float accumulation error). */
function sumBound(run: (abs: Float64Array, out: Float64Array) => void, absIn: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n);
  run(Float64Array.from(absIn, Math.abs), out);
  for (let i = 0; i < n; i++) out[i] = Number.isFinite(out[i]!) ? 4e-6 * Math.abs(out[i]!) + FLOOR : Infinity;
  return out;
}

export function poolNormParity(p: ParityContext): void {
  const { REF, NAT, twin, tally, reps } = p;

  describe('maxPool', () => {
    it('PyTorch geometries and arbitrary windows, strided/broadcast x, ties, ±0, NaN, -Infinity: values and indices exact', () => {
      for (let c = 0; c < reps(300); c++) {
        const seed = seedOf('maxPool', c);
        const rng = new Rng(seed);
        const g = randomGeometry(rng, 'max');
        const xl: Layout = randomLayout(rng, shapeOf(g));
        const x = maxValues(rng, xl.length);
        const n = outCount(g);
        const withIndices = rng.chance(0.7);
        const ctx = `maxPool seed=${seed} ${g.desc} ${describeCase({ geom: g.geom, x: xl, withIndices })}`;
        const { R, N, check } = twin(rng, [x, g.windows], [garbage(rng, 'float32', n + rng.int(0, 2)), garbage(rng, 'int32', n + rng.int(0, 2))], ctx);
        REF.maxPool(g.geom, R[1] as Int32Array, R[0] as Float32Array, xl.offset, xl.strides, R[2] as Float32Array, withIndices, R[3] as Int32Array);
        NAT.maxPool(g.geom, N[1] as Int32Array, N[0] as Float32Array, xl.offset, xl.strides, N[2] as Float32Array, withIndices, N[3] as Int32Array);
        expectClose(N[2]!, R[2]!, EXACT, `${ctx} (values)`);
        expectClose(N[3]!, R[3]!, EXACT, `${ctx} (indices)`);
        check();
        tally('maxPool');
      }
    });
    it('past the thread grains: LeNet- and ResNet-like shapes, a column-strided input', () => {
      const cases: [number[], number, object][] = [[[8, 6, 28, 28], 2, {}], [[2, 16, 56, 56], 3, { stride: 2, padding: 1 }], [[3, 8, 33, 47], 3, { stride: 1, dilation: 2, ceilMode: true }]];
      cases.forEach(([shape, k, o], c) => {
        const seed = seedOf('maxPool-large', c);
        const rng = new Rng(seed);
        const g = fromPlan(`k=${k} ${JSON.stringify(o)}`, poolPlan('max', 2, shape, k, o));
        const strided = c === 2;
        const xs = strided ? [shape[1]! * shape[2]! * shape[3]! * 2, shape[2]! * shape[3]! * 2, shape[3]! * 2, 2] : [shape[1]! * shape[2]! * shape[3]!, shape[2]! * shape[3]!, shape[3]!, 1];
        const x = maxValues(rng, shape.reduce((a, b) => a * b, 1) * (strided ? 2 : 1));
        const n = outCount(g);
        const [vR, iR, vN, iN] = [new Float32Array(n), new Int32Array(n), new Float32Array(n), new Int32Array(n)];
        REF.maxPool(g.geom, g.windows, x, 0, xs, vR, true, iR);
        NAT.maxPool(g.geom, g.windows, x, 0, xs, vN, true, iN);
        const ctx = `maxPool large seed=${seed} ${g.desc} ${describeCase({ shape, strided })}`;
        expectClose(vN, vR, EXACT, `${ctx} (values)`);
        expectClose(iN, iR, EXACT, `${ctx} (indices)`);
        tally('maxPool');
      });
    });
  });

  describe('avgPool', () => {
    it('PyTorch geometries (countIncludePad, ceilMode, divisorOverride) and arbitrary windows, strided x', () => {
      for (let c = 0; c < reps(300); c++) {
        const seed = seedOf('avgPool', c);
        const rng = new Rng(seed);
        const g = randomGeometry(rng, 'avg');
        const xl = randomLayout(rng, shapeOf(g));
        const x = randomArray(rng, 'float32', xl.length, { special: rng.pick([0, 0, 0.02]), specials: SUM_SPECIALS }) as Float32Array;
        const n = outCount(g);
        const ctx = `avgPool seed=${seed} ${g.desc} ${describeCase({ geom: g.geom, x: xl, divisorOverride: g.divisorOverride })}`;
        const { R, N, check } = twin(rng, [x, g.windows], [garbage(rng, 'float32', n + rng.int(0, 2))], ctx);
        REF.avgPool(g.geom, R[1] as Int32Array, g.divisorOverride, R[0] as Float32Array, xl.offset, xl.strides, R[2] as Float32Array);
        NAT.avgPool(g.geom, N[1] as Int32Array, g.divisorOverride, N[0] as Float32Array, xl.offset, xl.strides, N[2] as Float32Array);
        const bound = new Float64Array(R[2]!.length);
        bound.set(sumBound((a, o) => REF.avgPool(g.geom, g.windows, g.divisorOverride, a, xl.offset, xl.strides, o), x, n));
        expectClose(N[2]!, R[2]!, { rtol: 1e-6, atol: bound }, ctx);
        check();
        tally('avgPool');
      }
    });
  });

  describe('maxPoolBackward', () => {
    it('scatters into zeroed planes: repeated indices accumulate, -1 is skipped', () => {
      for (let c = 0; c < reps(200); c++) {
        const seed = seedOf('maxPoolBackward', c);
        const rng = new Rng(seed);
        const planes = rng.pick([0, 1, 2, 3, 7, 64]);
        const inSize = rng.pick([1, 2, 5, 16, 49, 100]);
        const outSize = rng.pick([0, 1, 3, 9, 25]);
        const n = planes * outSize;
        const idx = new Int32Array(n);
        for (let i = 0; i < n; i++) idx[i] = rng.chance(0.05) ? -1 : rng.int(0, inSize - 1);
        const grad = randomArray(rng, 'float32', n, { special: 0.02, specials: SUM_SPECIALS }) as Float32Array;
        const ctx = `maxPoolBackward seed=${seed} ${describeCase({ planes, inSize, outSize })}`;
        const { R, N, check } = twin(rng, [grad, idx], [garbage(rng, 'float32', planes * inSize + rng.int(0, 2))], ctx);
        REF.maxPoolBackward(planes, inSize, outSize, R[0] as Float32Array, R[1] as Int32Array, R[2] as Float32Array);
        NAT.maxPoolBackward(planes, inSize, outSize, N[0] as Float32Array, N[1] as Int32Array, N[2] as Float32Array);
        expectClose(N[2]!, R[2]!, EXACT, ctx);
        check();
        tally('maxPoolBackward');
      }
    });
    it('an index outside [0, inSize) (other than -1) throws IndexError on both backends', () => {
      for (let c = 0; c < reps(60); c++) {
        const seed = seedOf('maxPoolBackward-error', c);
        const rng = new Rng(seed);
        const [planes, inSize, outSize] = [rng.int(1, 70), rng.int(1, 20), rng.int(1, 9)];
        const idx = Int32Array.from({ length: planes * outSize }, () => rng.int(0, inSize - 1));
        idx[rng.int(0, idx.length - 1)] = rng.pick([-2, inSize, inSize + 3, -2147483648, 2147483647]);
        const grad = new Float32Array(idx.length).fill(1);
        const errs = [REF, NAT].map((k) => {
          try {
            k.maxPoolBackward(planes, inSize, outSize, grad, idx, new Float32Array(planes * inSize));
            return null;
          } catch (e) {
            return e;
          }
        });
        for (const e of errs) {
          if (!(e instanceof IndexError) || !/^maxPoolBackward: index -?\d+ is out of bounds for dimension 1 with size \d+/.test(e.message)) {
            throw new Error(`maxPoolBackward error seed=${seed}: expected IndexError from both backends, got ${errs.map(String).join(' / ')}`);
          }
        }
        tally('maxPoolBackward', 'IndexError');
      }
    });
  });

  describe('avgPoolBackward', () => {
    it('the adjoint of avgPool on PyTorch geometries and arbitrary windows', () => {
      for (let c = 0; c < reps(300); c++) {
        const seed = seedOf('avgPoolBackward', c);
        const rng = new Rng(seed);
        const g = randomGeometry(rng, 'avg');
        const n = outCount(g);
        const nin = g.geom[0]! * g.geom[1]! * g.geom[2]! * g.geom[3]!;
        const grad = randomArray(rng, 'float32', n, { special: 0.01, specials: SUM_SPECIALS }) as Float32Array;
        const ctx = `avgPoolBackward seed=${seed} ${g.desc} ${describeCase({ geom: g.geom, divisorOverride: g.divisorOverride })}`;
        const { R, N, check } = twin(rng, [grad, g.windows], [garbage(rng, 'float32', nin + rng.int(0, 2))], ctx);
        REF.avgPoolBackward(g.geom, R[1] as Int32Array, g.divisorOverride, R[0] as Float32Array, R[2] as Float32Array);
        NAT.avgPoolBackward(g.geom, N[1] as Int32Array, g.divisorOverride, N[0] as Float32Array, N[2] as Float32Array);
        const bound = new Float64Array(R[2]!.length);
        bound.set(sumBound((a, o) => REF.avgPoolBackward(g.geom, g.windows, g.divisorOverride, a, o), grad, nin));
        expectClose(N[2]!, R[2]!, { rtol: 1e-6, atol: bound }, ctx);
        check();
        tally('avgPoolBackward');
      }
    });
  });

  /** [N, C, S] with batch 1, odd sizes, (N, C) inputs (S = 1), long channels past the grains, empty batches. */
  function ncs(rng: Rng): [number, number, number] {
    if (rng.chance(0.06)) return rng.pick<[number, number, number]>([[2, 3, 9000], [4, 16, 1500], [3000, 12, 1]]);
    return [rng.pick([0, 1, 2, 3, 5, 8]), rng.pick([1, 2, 3, 7, 16]), rng.pick([1, 1, 2, 3, 5, 16, 17, 33, 100])];
  }
  const normValues = (rng: Rng, n: number, specials = 0): Float32Array =>
    randomArray(rng, 'float32', n, { special: specials, specials: SUM_SPECIALS, scale: rng.pick([0.1, 1, 30]), tieProb: 0.1 }) as Float32Array;
  const offsetValues = (rng: Rng, n: number): Float32Array => {
    const a = normValues(rng, n);
    const shift = rng.pick([0, 0, 5, -100]);
    for (let i = 0; i < n; i++) a[i] = a[i]! + shift;
    return a;
  };

  describe('batchNormStats', () => {
    it('per-channel mean and biased variance over [N, C, S]', () => {
      for (let c = 0; c < reps(80); c++) {
        const seed = seedOf('batchNormStats', c);
        const rng = new Rng(seed);
        const [N, C, S] = ncs(rng);
        const x = offsetValues(rng, N * C * S);
        if (rng.chance(0.1) && x.length > 0) x[rng.int(0, x.length - 1)] = rng.pick([NaN, Infinity]);
        const ctx = `batchNormStats seed=${seed} ${describeCase({ N, C, S })}`;
        const { R, N: Nat, check } = twin(rng, [x], [garbage(rng, 'float32', C), garbage(rng, 'float32', C + rng.int(0, 2))], ctx);
        REF.batchNormStats(R[0] as Float32Array, N, C, S, R[1] as Float32Array, R[2] as Float32Array);
        NAT.batchNormStats(Nat[0] as Float32Array, N, C, S, Nat[1] as Float32Array, Nat[2] as Float32Array);
        // Bounds: mean to 1e-6·mean|x|; variance to 1e-5·mean((|x| + |mean|)²) (float differences squared).
        const mb = new Float64Array(C), vb = new Float64Array(R[2]!.length);
        for (let ch = 0; ch < C; ch++) {
          let a = 0, q = 0;
          for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) {
            const v = Math.abs(x[(n * C + ch) * S + s]!);
            a += v;
            q += (v + Math.abs(R[1]![ch]!)) ** 2;
          }
          mb[ch] = (1e-6 * a) / (N * S) + FLOOR;
          vb[ch] = (1e-5 * q) / (N * S) + FLOOR;
        }
        expectClose(Nat[1]!, R[1]!, { rtol: 1e-6, atol: mb }, `${ctx} (mean)`);
        expectClose(Nat[2]!, R[2]!, { rtol: 1e-5, atol: vb }, `${ctx} (variance)`);
        check();
        tally('batchNormStats');
      }
    });
  });

  describe('batchNormApply', () => {
    it('out = x·a[c] + b[c] with a, b from the statistics, weight and bias', () => {
      for (let c = 0; c < reps(80); c++) {
        const seed = seedOf('batchNormApply', c);
        const rng = new Rng(seed);
        const [N, C, S] = ncs(rng);
        const x = offsetValues(rng, N * C * S);
        const mean = normValues(rng, C);
        const variance = Float32Array.from(normValues(rng, C), (v) => Math.abs(v));
        const weight = normValues(rng, C, 0.05);
        const bias = normValues(rng, C);
        const eps = rng.pick([1e-5, 1e-3, 0.1]);
        const ctx = `batchNormApply seed=${seed} ${describeCase({ N, C, S, eps })}`;
        const { R, N: Nat, check } = twin(rng, [x, mean, variance, weight, bias], [garbage(rng, 'float32', N * C * S + rng.int(0, 2))], ctx);
        REF.batchNormApply(R[0] as Float32Array, N, C, S, R[1] as Float32Array, R[2] as Float32Array, eps, R[3] as Float32Array, R[4] as Float32Array, R[5] as Float32Array);
        NAT.batchNormApply(Nat[0] as Float32Array, N, C, S, Nat[1] as Float32Array, Nat[2] as Float32Array, eps, Nat[3] as Float32Array, Nat[4] as Float32Array, Nat[5] as Float32Array);
        const bound = new Float64Array(R[5]!.length);
        for (let i = 0; i < N * C * S; i++) {
          const ch = Math.floor(i / S) % C;
          const a = weight[ch]! / Math.sqrt(variance[ch]! + eps);
          bound[i] = 1e-6 * (Math.abs(x[i]! * a) + Math.abs(bias[ch]! - mean[ch]! * a)) + FLOOR;
        }
        expectClose(Nat[5]!, R[5]!, { rtol: 1e-6, atol: bound }, ctx);
        check();
        tally('batchNormApply');
      }
    });
  });

  describe('batchNormBackward', () => {
    it('training and constant statistics: gradInput, Σ grad, Σ grad·x̂', () => {
      for (let c = 0; c < reps(80); c++) {
        const seed = seedOf('batchNormBackward', c);
        const rng = new Rng(seed);
        const [N, C, S] = ncs(rng);
        const M = N * S;
        const x = offsetValues(rng, N * C * S);
        const grad = normValues(rng, N * C * S, 0.01);
        const mean = new Float32Array(C), variance = new Float32Array(C);
        REF.batchNormStats(x, N, C, S, mean, variance); // realistic statistics (NaN when M = 0)
        const weight = normValues(rng, C);
        const eps = rng.pick([1e-5, 1e-3]);
        const training = rng.chance(0.7);
        const ctx = `batchNormBackward seed=${seed} ${describeCase({ N, C, S, eps, training })}`;
        const outs = [garbage(rng, 'float32', N * C * S), garbage(rng, 'float32', C), garbage(rng, 'float32', C)];
        const { R, N: Nat, check } = twin(rng, [grad, x, mean, variance, weight], outs, ctx);
        const run = (k: Kernels, a: Arr[]): void =>
          k.batchNormBackward(a[0] as Float32Array, a[1] as Float32Array, N, C, S, a[2] as Float32Array, a[3] as Float32Array, eps, a[4] as Float32Array, training,
            a[5] as Float32Array, a[6] as Float32Array, a[7] as Float32Array);
        run(REF, R);
        run(NAT, Nat);
        const gib = new Float64Array(N * C * S), sgb = new Float64Array(C), sxb = new Float64Array(C);
        for (let ch = 0; ch < C; ch++) {
          const r = 1 / Math.sqrt(variance[ch]! + eps);
          let ag = 0, axg = 0;
          for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) {
            const i = (n * C + ch) * S + s;
            ag += Math.abs(grad[i]!);
            axg += Math.abs((x[i]! - mean[ch]!) * grad[i]!);
          }
          sgb[ch] = 1e-6 * ag + FLOOR;
          sxb[ch] = 1e-6 * axg * r + FLOOR;
          for (let n = 0; n < N; n++) for (let s = 0; s < S; s++) {
            const i = (n * C + ch) * S + s;
            const terms = training ? Math.abs(grad[i]!) + ag / M + (Math.abs(x[i]! - mean[ch]!) * axg * r * r) / M : Math.abs(grad[i]!);
            gib[i] = 1e-5 * terms * Math.abs(r * weight[ch]!) + FLOOR;
          }
        }
        expectClose(Nat[5]!, R[5]!, { rtol: 1e-5, atol: gib }, `${ctx} (gradInput)`);
        expectClose(Nat[6]!, R[6]!, { rtol: 1e-6, atol: sgb }, `${ctx} (sumGrad)`);
        expectClose(Nat[7]!, R[7]!, { rtol: 1e-6, atol: sxb }, `${ctx} (sumGradXhat)`);
        check();
        tally('batchNormBackward');
      }
    });
  });

  /** [R, L]: single rows, odd lengths, long rows past the grains, many short rows. */
  function rl(rng: Rng): [number, number] {
    if (rng.chance(0.06)) return rng.pick<[number, number]>([[1, 20_000], [3, 4097], [300, 130]]);
    return [rng.pick([0, 1, 2, 3, 7, 64]), rng.pick([1, 2, 3, 5, 16, 17, 33, 100])];
  }

  describe('layerNorm', () => {
    it('per-row statistics and the affine normalisation', () => {
      for (let c = 0; c < reps(80); c++) {
        const seed = seedOf('layerNorm', c);
        const rng = new Rng(seed);
        const [Rn, L] = rl(rng);
        const x = offsetValues(rng, Rn * L);
        const weight = normValues(rng, L, 0.02);
        const bias = normValues(rng, L);
        const eps = rng.pick([1e-5, 1e-3]);
        const ctx = `layerNorm seed=${seed} ${describeCase({ R: Rn, L, eps })}`;
        const outs = [garbage(rng, 'float32', Rn * L), garbage(rng, 'float32', Rn), garbage(rng, 'float32', Rn)];
        const { R, N: Nat, check } = twin(rng, [x, weight, bias], outs, ctx);
        REF.layerNorm(R[0] as Float32Array, Rn, L, eps, R[1] as Float32Array, R[2] as Float32Array, R[3] as Float32Array, R[4] as Float32Array, R[5] as Float32Array);
        NAT.layerNorm(Nat[0] as Float32Array, Rn, L, eps, Nat[1] as Float32Array, Nat[2] as Float32Array, Nat[3] as Float32Array, Nat[4] as Float32Array, Nat[5] as Float32Array);
        const ob = new Float64Array(Rn * L), mb = new Float64Array(Rn);
        for (let r = 0; r < Rn; r++) {
          let a = 0;
          for (let j = 0; j < L; j++) a += Math.abs(x[r * L + j]!);
          mb[r] = (1e-6 * a) / L + FLOOR;
          const m = R[4]![r]!, rs = R[5]![r]!;
          for (let j = 0; j < L; j++) ob[r * L + j] = 4e-6 * (Math.abs((x[r * L + j]! - m) * rs * weight[j]!) + Math.abs(bias[j]!)) + 2e-6 * ((a / L) * rs * Math.abs(weight[j]!)) + FLOOR;
        }
        expectClose(Nat[4]!, R[4]!, { rtol: 1e-6, atol: mb }, `${ctx} (mean)`);
        expectClose(Nat[5]!, R[5]!, { rtol: 1e-5, atol: FLOOR }, `${ctx} (rstd)`);
        expectClose(Nat[3]!, R[3]!, { rtol: 1e-6, atol: ob }, `${ctx} (out)`);
        check();
        tally('layerNorm');
      }
    });
  });

  describe('layerNormBackward', () => {
    it('gradInput per row, weight and bias gradients as column sums (or not written)', () => {
      for (let c = 0; c < reps(80); c++) {
        const seed = seedOf('layerNormBackward', c);
        const rng = new Rng(seed);
        const [Rn, L] = rl(rng);
        const x = offsetValues(rng, Rn * L);
        const grad = normValues(rng, Rn * L, 0.01);
        const weight = normValues(rng, L);
        const mean = new Float32Array(Rn), rstd = new Float32Array(Rn);
        REF.layerNorm(x, Rn, L, 1e-5, new Float32Array(L).fill(1), new Float32Array(L), new Float32Array(Rn * L), mean, rstd);
        const withParams = rng.chance(0.7);
        const ctx = `layerNormBackward seed=${seed} ${describeCase({ R: Rn, L, withParams })}`;
        const outs = [garbage(rng, 'float32', Rn * L), garbage(rng, 'float32', withParams ? L : rng.int(0, 2)), garbage(rng, 'float32', withParams ? L : 0)];
        const { R, N: Nat, check } = twin(rng, [grad, x, mean, rstd, weight], outs, ctx);
        const run = (k: Kernels, a: Arr[]): void =>
          k.layerNormBackward(a[0] as Float32Array, a[1] as Float32Array, Rn, L, a[2] as Float32Array, a[3] as Float32Array, a[4] as Float32Array, a[5] as Float32Array,
            withParams, a[6] as Float32Array, a[7] as Float32Array);
        run(REF, R);
        run(NAT, Nat);
        const gib = new Float64Array(Rn * L), gwb = new Float64Array(R[6]!.length), gbb = new Float64Array(R[7]!.length);
        for (let r = 0; r < Rn; r++) {
          const m = mean[r]!, rs = rstd[r]!;
          let ag = 0, agx = 0;
          for (let j = 0; j < L; j++) {
            const gh = Math.abs(grad[r * L + j]! * weight[j]!);
            ag += gh;
            agx += gh * Math.abs((x[r * L + j]! - m) * rs);
          }
          for (let j = 0; j < L; j++) {
            const i = r * L + j;
            gib[i] = 1e-5 * Math.abs(rs) * (Math.abs(grad[i]! * weight[j]!) + ag / L + (Math.abs((x[i]! - m) * rs) * agx) / L) + FLOOR;
            if (withParams) {
              gwb[j]! += 1e-6 * Math.abs(grad[i]! * (x[i]! - m) * rs);
              gbb[j]! += 1e-6 * Math.abs(grad[i]!);
            }
          }
        }
        for (let j = 0; j < gwb.length; j++) gwb[j]! += FLOOR;
        for (let j = 0; j < gbb.length; j++) gbb[j]! += FLOOR;
        expectClose(Nat[5]!, R[5]!, { rtol: 1e-5, atol: gib }, `${ctx} (gradInput)`);
        expectClose(Nat[6]!, R[6]!, withParams ? { rtol: 1e-6, atol: gwb } : EXACT, `${ctx} (gradWeight)`);
        expectClose(Nat[7]!, R[7]!, withParams ? { rtol: 1e-6, atol: gbb } : EXACT, `${ctx} (gradBias)`);
        check();
        tally('layerNormBackward');
      }
    });
  });
}
