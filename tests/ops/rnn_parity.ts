// Parity blocks of the recurrent-layer kernels (rnnForward, rnnBackward), run by tests/ops/parity.test.ts
// inside each ISA / thread-count configuration with its twin(), tally() and reps(). Every mode, both
// directions, odd sizes, batch 1, T = 0 and B = 0, I = 0, with and without biases, packed lengths (0 and T
// included), big cases whose step loop the native kernels split by batch rows or by hidden units, time-major and batch-first
// y strides with a second direction's columns left alone, offsets.
// The native kernels sum in float with FMA, the reference in double: outputs and the workspace's states
// agree to a few ulps per step, gradients (long sums) by NMSE. rnnBackward gets the reference forward's
// workspace on both sides.

import { describe, it } from 'vitest';
import { RNN_MODES, rnnBackwardWorkSize, rnnGates, rnnWorkspaceSize, type RnnGeometry, type RnnMode } from '../../src/kernels/spec.js';
import { expectClose, expectNmse } from '../helpers/compare.js';
import { Rng, describeCase, garbage, randomArray, seedOf, type Arr } from '../helpers/samples.js';
import type { ParityContext } from './poolnorm_parity.js';

/** The coverage keys these blocks tally (parity.test.ts's coverage check wants each). */
export const RNN_COVERAGE = [...RNN_MODES.map((m) => `rnnForward:${m}`), ...RNN_MODES.map((m) => `rnnBackward:${m}`)] as const;

const VALUES = { scale: 0.6, special: 0, tieProb: 0.05 };
const f32 = (rng: Rng, n: number): Float32Array => randomArray(rng, 'float32', n, VALUES) as Float32Array;

interface Case {
  mode: RnnMode;
  g: RnnGeometry;
  D: number;
  d: number;
  offsets: { x: number; wIh: number; wHh: number; b: number; h0: number; y: number; hN: number; ws: number };
  x: Float32Array; wIh: Float32Array; wHh: Float32Array; bIh: Float32Array | null; bHh: Float32Array | null;
  h0: Float32Array; c0: Float32Array | null; lengths: Int32Array | null;
  yLen: number;
  desc: string;
}

/**
 * A random case; `big` ones have enough work per step (B·G·H² ≥ 2.08e6) for the native step loop to use 2
 * threads: half of them with batches of fewer than 24 rows (split by hidden units: unequal slices, a tail
 * that is not a whole vector), half with more (at 2 threads split by batch rows, unequal halves for odd B;
 * lstm's 25 and gru's 26 rows go back to the unit split at 3 threads).
 */
function randomCase(rng: Rng, mode: RnnMode, big = false): Case {
  const units = big && rng.chance(0.5);
  const T = big ? rng.pick([1, 2, 3]) : rng.pick([0, 1, 2, 3, 5, 7]);
  const B = !big ? rng.pick([0, 1, 1, 2, 3, 5, 8])
    : units ? { lstm: 5, gru: 6, rnnTanh: 13, rnnRelu: 13 }[mode] : { lstm: 25, gru: 26, rnnTanh: 52, rnnRelu: 52 }[mode];
  const I = big ? rng.pick([1, 5]) : rng.pick([0, 1, 3, 5, 17]);
  const H = !big ? rng.pick([1, 2, 3, 5, 16, 17, 33])
    : units ? rng.pick({ lstm: [320, 331], gru: [340, 347], rnnTanh: [400, 411], rnnRelu: [400, 411] }[mode]) : rng.pick([200, 211]);
  const D = rng.pick([1, 2]);
  const d = rng.int(0, D - 1);
  const reverse = rng.int(0, 1);
  const batchFirst = rng.chance(0.5);
  const DH = D * H;
  const g: RnnGeometry = { T, B, I, H, reverse, yStrideT: batchFirst ? DH : B * DH, yStrideB: batchFirst ? T * DH : DH };
  const G = rnnGates(mode);
  const off = (): number => (rng.chance(0.3) ? rng.int(1, 9) : 0);
  const offsets = { x: off(), wIh: off(), wHh: off(), b: off(), h0: off(), y: off() + d * H, hN: off(), ws: off() };
  const withOff = (n: number, o: number): Float32Array => f32(rng, n + o);
  const bias = rng.chance(0.8);
  const lengths = rng.chance(0.5) ? Int32Array.from({ length: B }, () => (rng.chance(0.2) ? rng.pick([0, T]) : rng.int(0, T))) : null;
  const c = {
    mode, g, D, d, offsets,
    // NOTE: big cases scale W_hh like PyTorch's init (1/√H): sums of hundreds of O(1) terms would leave a
    // relu layer's outputs as cancellations of huge values, which no float tolerance can judge.
    x: withOff(T * B * I, offsets.x), wIh: withOff(G * H * I, offsets.wIh), wHh: big ? withOff(G * H * H, offsets.wHh).map((v) => v / Math.sqrt(H)) : withOff(G * H * H, offsets.wHh),
    bIh: bias ? withOff(G * H, offsets.b) : null, bHh: bias ? withOff(G * H, offsets.b) : null,
    h0: withOff(B * H, offsets.h0), c0: mode === 'lstm' ? withOff(B * H, offsets.h0) : null, lengths,
    yLen: offsets.y + T * B * DH,
    desc: '',
  };
  c.desc = describeCase({ mode, ...g, D, d, offsets, bias, lengths: lengths ? Array.from(lengths) : null });
  return c;
}

/** Forward outputs: [y, hN, cN | dummy, ws]. */
function forwardOutputs(rng: Rng, c: Case): Arr[] {
  const { T, B, H } = c.g;
  return [garbage(rng, 'float32', c.yLen), garbage(rng, 'float32', c.offsets.hN + B * H), garbage(rng, 'float32', c.offsets.hN + B * H),
    garbage(rng, 'float32', c.offsets.ws + rnnWorkspaceSize(c.mode, T, B, H))];
}

function runForward(k: ParityContext['REF'], c: Case, x: Arr[], out: Arr[]): void {
  const [xx, wIh, wHh, bIh, bHh, h0, c0] = x as Float32Array[];
  const lstm = c.mode === 'lstm';
  k.rnnForward(c.mode, c.g, xx!, c.offsets.x, wIh!, c.offsets.wIh, wHh!, c.offsets.wHh, c.bIh ? bIh! : null, c.offsets.b, c.bHh ? bHh! : null, c.offsets.b,
    h0!, c.offsets.h0, lstm ? c0! : null, c.offsets.h0, c.lengths, out[0] as Float32Array, c.offsets.y, out[1] as Float32Array, c.offsets.hN,
    lstm ? (out[2] as Float32Array) : null, c.offsets.hN, out[3] as Float32Array, c.offsets.ws);
}

const inputsOf = (c: Case): Arr[] => [c.x, c.wIh, c.wHh, c.bIh ?? new Float32Array(0), c.bHh ?? new Float32Array(0), c.h0, c.c0 ?? new Float32Array(0)];

/** The parts of the workspace both backends define: the states, and the gates of active rows. */
function wsDefined(c: Case, ws: Arr): number[] {
  const { T, B, H } = c.g;
  const gw = c.mode === 'gru' ? 4 : rnnGates(c.mode);
  const base = c.offsets.ws;
  const out: number[] = [];
  for (let t = 0; t < T; t++) {
    for (let b = 0; b < B; b++) {
      if (c.lengths && t >= c.lengths[b]!) continue;
      for (let k = 0; k < gw * H; k++) out.push(ws[base + (t * B + b) * gw * H + k]!);
    }
  }
  for (let i = base + T * B * gw * H; i < base + rnnWorkspaceSize(c.mode, T, B, H); i++) out.push(ws[i]!);
  return out;
}

export function rnnParity(p: ParityContext): void {
  const { REF, NAT, twin, tally, reps } = p;
  describe('rnnForward / rnnBackward', () => {
    it('every mode and direction, odd sizes, T = 0 / B = 0, packed lengths, batch-first strides: forward outputs and workspace', () => {
      for (let n = 0; n < reps(40); n++) {
        const seed = seedOf('rnnForward', n);
        const rng = new Rng(seed);
        const mode = RNN_MODES[n % RNN_MODES.length]!;
        const c = randomCase(rng, mode, Math.floor(n / 4) % 3 === 2);
        const ctx = `rnnForward seed ${seed}: ${c.desc}`;
        const { R, N, check } = twin(rng, inputsOf(c), forwardOutputs(rng, c), ctx);
        runForward(REF, c, R.slice(0, 7), R.slice(7));
        runForward(NAT, c, N.slice(0, 7), N.slice(7));
        check();
        const tol = { rtol: 2e-4, atol: 2e-5 * (c.g.T + 1) };
        expectClose(N[7]!, R[7]!, tol, `${ctx}\ny`);
        expectClose(N[8]!, R[8]!, tol, `${ctx}\nhN`);
        if (mode === 'lstm') expectClose(N[9]!, R[9]!, tol, `${ctx}\ncN`);
        expectClose(wsDefined(c, N[10]!), wsDefined(c, R[10]!), tol, `${ctx}\nworkspace`);
        tally('rnnForward', mode);
      }
    });

    it('BPTT from the reference workspace: every gradient, null ones skipped, gy strided with the other direction ignored', () => {
      for (let n = 0; n < reps(40); n++) {
        const seed = seedOf('rnnBackward', n);
        const rng = new Rng(seed);
        const mode = RNN_MODES[n % RNN_MODES.length]!;
        const c = randomCase(rng, mode, Math.floor(n / 4) % 3 === 2);
        const { T, B, I, H } = c.g;
        const GH = rnnGates(mode) * H;
        const lstm = mode === 'lstm';
        const fwd = forwardOutputs(rng, c);
        runForward(REF, c, inputsOf(c), fwd);
        const ws = fwd[3] as Float32Array;
        const gy = f32(rng, c.yLen);
        const ghN = rng.chance(0.7) ? f32(rng, B * H + 2) : null;
        const gcN = lstm && rng.chance(0.7) ? f32(rng, B * H + 2) : null;
        const want = (): boolean => rng.chance(0.8);
        const sizes = [T * B * I, B * H, B * H, GH * I, GH * H, GH, GH];
        const present = [want(), want(), lstm && want(), want(), want(), c.bIh !== null && want(), c.bHh !== null && want()];
        const outs: Arr[] = sizes.map((s, i) => garbage(rng, 'float32', present[i] ? s : 0));
        outs.push(garbage(rng, 'float32', rnnBackwardWorkSize(mode, T, B, H)));
        const ctx = `rnnBackward seed ${seed}: ${c.desc}, ghN ${ghN !== null}, gcN ${gcN !== null}, outputs ${present.map(Number).join('')}`;
        const ins: Arr[] = [c.x, c.wIh, c.wHh, ws, gy, ghN ?? new Float32Array(0), gcN ?? new Float32Array(0)];
        const { R, N, check } = twin(rng, ins, outs, ctx);
        const run = (k: ParityContext['REF'], a: Arr[]): void => {
          const o = (i: number): Float32Array | null => (present[i] ? (a[7 + i] as Float32Array) : null);
          k.rnnBackward(mode, c.g, a[0] as Float32Array, c.offsets.x, a[1] as Float32Array, c.offsets.wIh, a[2] as Float32Array, c.offsets.wHh,
            c.lengths, a[3] as Float32Array, c.offsets.ws, a[4] as Float32Array, c.offsets.y, ghN ? (a[5] as Float32Array) : null, 2,
            gcN ? (a[6] as Float32Array) : null, 2, o(0), o(1), o(2), o(3), o(4), o(5), o(6), a[14] as Float32Array);
        };
        run(REF, R);
        run(NAT, N);
        check();
        const names = ['gx', 'gh0', 'gc0', 'gwIh', 'gwHh', 'gbIh', 'gbHh'];
        for (let i = 0; i < 7; i++) {
          if (!present[i]) continue;
          expectClose(N[7 + i]!, R[7 + i]!, { rtol: 1e-3, atol: 1e-3 * (T * B + 1) }, `${ctx}\n${names[i]}`);
          expectNmse(N[7 + i]!, R[7 + i]!, 1e-8, `${ctx}\n${names[i]}`);
        }
        tally('rnnBackward', mode);
      }
    });
  });
}
