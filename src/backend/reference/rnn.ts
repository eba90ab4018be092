// Reference recurrent-layer kernels (rnnForward / rnnBackward of spec.ts): one direction of one layer
// over a whole sequence, step by step and row by row, with every sum accumulated in double. These loops
// are the definition the native kernels must match (workspace layout included) and also run in float64
// for gradcheck. No fast paths here.

import type { FloatArray } from '../../core/dtype.js';
import { rnnGates, type RnnGeometry, type RnnMode } from '../../kernels/spec.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
// NOTE: relu(NaN) = NaN and relu(-0) = 0, as PyTorch's threshold (x <= 0 ? 0 : x).
const relu = (v: number): number => (v <= 0 ? 0 : v);

/** Where the pieces of the workspace start (elements, relative to wsOffset). */
function wsLayout(mode: RnnMode, g: RnnGeometry): { gw: number; hs: number; cs: number } {
  const gw = mode === 'gru' ? 4 : rnnGates(mode);
  const hs = g.T * g.B * gw * g.H;
  return { gw, hs, cs: hs + (g.T + 1) * g.B * g.H };
}

/** Time of processing step s, and the workspace slots of the previous and the new state. */
function stepSlots(g: RnnGeometry, s: number): { t: number; p: number; q: number } {
  const t = g.reverse ? g.T - 1 - s : s;
  return g.reverse ? { t, p: t + 1, q: t } : { t, p: t, q: t + 1 };
}

const isActive = (lengths: Int32Array | null, b: number, t: number): boolean => lengths === null || t < lengths[b]!;

export function rnnForward(
  mode: RnnMode, g: RnnGeometry, x: FloatArray, xOffset: number, wIh: FloatArray, wIhOffset: number, wHh: FloatArray, wHhOffset: number,
  bIh: FloatArray | null, bIhOffset: number, bHh: FloatArray | null, bHhOffset: number, h0: FloatArray, h0Offset: number,
  c0: FloatArray | null, c0Offset: number, lengths: Int32Array | null,
  y: FloatArray, yOffset: number, hN: FloatArray, hNOffset: number, cN: FloatArray | null, cNOffset: number, ws: FloatArray, wsOffset: number,
): void {
  const { T, B, I, H } = g;
  const G = rnnGates(mode);
  const GH = G * H;
  const L = wsLayout(mode, g);
  const lstm = mode === 'lstm';
  const first = g.reverse ? T : 0;
  const last = g.reverse ? 0 : T;
  const hsAt = (slot: number, b: number): number => wsOffset + L.hs + (slot * B + b) * H;
  const csAt = (slot: number, b: number): number => wsOffset + L.cs + (slot * B + b) * H;
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      ws[hsAt(first, b) + j] = h0[h0Offset + b * H + j]!;
      if (lstm) ws[csAt(first, b) + j] = c0![c0Offset + b * H + j]!;
    }
  }
  const px = new Float64Array(GH);
  const ph = new Float64Array(GH);
  for (let s = 0; s < T; s++) {
    const { t, p, q } = stepSlots(g, s);
    for (let b = 0; b < B; b++) {
      const yRow = yOffset + t * g.yStrideT + b * g.yStrideB;
      const hp = hsAt(p, b);
      const hq = hsAt(q, b);
      if (!isActive(lengths, b, t)) {
        for (let j = 0; j < H; j++) {
          ws[hq + j] = ws[hp + j]!;
          if (lstm) ws[csAt(q, b) + j] = ws[csAt(p, b) + j]!;
          y[yRow + j] = 0;
        }
        continue;
      }
      const xRow = xOffset + (t * B + b) * I;
      for (let k = 0; k < GH; k++) {
        let ax = bIh === null ? 0 : bIh[bIhOffset + k]!;
        for (let i = 0; i < I; i++) ax += wIh[wIhOffset + k * I + i]! * x[xRow + i]!;
        let ah = bHh === null ? 0 : bHh[bHhOffset + k]!;
        for (let j = 0; j < H; j++) ah += wHh[wHhOffset + k * H + j]! * ws[hp + j]!;
        px[k] = ax;
        ph[k] = ah;
      }
      const gr = wsOffset + (t * B + b) * L.gw * H;
      for (let j = 0; j < H; j++) {
        let h: number;
        if (mode === 'lstm') {
          const ig = sigmoid(px[j]! + ph[j]!);
          const fg = sigmoid(px[H + j]! + ph[H + j]!);
          const gg = Math.tanh(px[2 * H + j]! + ph[2 * H + j]!);
          const og = sigmoid(px[3 * H + j]! + ph[3 * H + j]!);
          const c = fg * ws[csAt(p, b) + j]! + ig * gg;
          h = og * Math.tanh(c);
          ws[gr + j] = ig;
          ws[gr + H + j] = fg;
          ws[gr + 2 * H + j] = gg;
          ws[gr + 3 * H + j] = og;
          ws[csAt(q, b) + j] = c;
        } else if (mode === 'gru') {
          const r = sigmoid(px[j]! + ph[j]!);
          const z = sigmoid(px[H + j]! + ph[H + j]!);
          const hn = ph[2 * H + j]!;
          const n = Math.tanh(px[2 * H + j]! + r * hn);
          h = (1 - z) * n + z * ws[hp + j]!;
          ws[gr + j] = r;
          ws[gr + H + j] = z;
          ws[gr + 2 * H + j] = n;
          ws[gr + 3 * H + j] = hn;
        } else {
          const pre = px[j]! + ph[j]!;
          h = mode === 'rnnTanh' ? Math.tanh(pre) : relu(pre);
          ws[gr + j] = h;
        }
        ws[hq + j] = h;
        y[yRow + j] = h;
      }
    }
  }
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < H; j++) {
      hN[hNOffset + b * H + j] = ws[hsAt(last, b) + j]!;
      if (lstm) cN![cNOffset + b * H + j] = ws[csAt(last, b) + j]!;
    }
  }
}

export function rnnBackward(
  mode: RnnMode, g: RnnGeometry, x: FloatArray, xOffset: number, wIh: FloatArray, wIhOffset: number, wHh: FloatArray, wHhOffset: number,
  lengths: Int32Array | null, ws: FloatArray, wsOffset: number, gy: FloatArray, gyOffset: number,
  ghN: FloatArray | null, ghNOffset: number, gcN: FloatArray | null, gcNOffset: number,
  gx: FloatArray | null, gh0: FloatArray | null, gc0: FloatArray | null, gwIh: FloatArray | null, gwHh: FloatArray | null,
  gbIh: FloatArray | null, gbHh: FloatArray | null, _work: FloatArray,
): void {
  const { T, B, I, H } = g;
  const G = rnnGates(mode);
  const GH = G * H;
  const L = wsLayout(mode, g);
  const lstm = mode === 'lstm';
  const hsAt = (slot: number, b: number): number => wsOffset + L.hs + (slot * B + b) * H;
  const csAt = (slot: number, b: number): number => wsOffset + L.cs + (slot * B + b) * H;
  // Gate gradients of every row: with respect to the input part (dGx) and the hidden part (dGh) of the
  // pre-activations; they differ only in gru's n block (the hidden part is multiplied by r).
  const dGx = new Float64Array(T * B * GH);
  const dGh = mode === 'gru' ? new Float64Array(T * B * GH) : dGx;
  const dh = new Float64Array(B * H);
  const dc = new Float64Array(B * H);
  for (let i = 0; i < B * H; i++) {
    dh[i] = ghN === null ? 0 : ghN[ghNOffset + i]!;
    if (lstm) dc[i] = gcN === null ? 0 : gcN[gcNOffset + i]!;
  }
  const dhRow = new Float64Array(H);
  for (let s = T - 1; s >= 0; s--) {
    const { t, p, q } = stepSlots(g, s);
    for (let b = 0; b < B; b++) {
      // NOTE: an inactive row's state is carried unchanged, so its gradient passes through (and y is 0 there).
      if (!isActive(lengths, b, t)) continue;
      const row = (t * B + b) * GH;
      const gr = wsOffset + (t * B + b) * L.gw * H;
      const gyRow = gyOffset + t * g.yStrideT + b * g.yStrideB;
      for (let j = 0; j < H; j++) {
        const d = dh[b * H + j]! + gy[gyRow + j]!;
        let direct = 0;
        if (mode === 'lstm') {
          const [ig, fg, gg, og] = [ws[gr + j]!, ws[gr + H + j]!, ws[gr + 2 * H + j]!, ws[gr + 3 * H + j]!];
          const tc = Math.tanh(ws[csAt(q, b) + j]!);
          const dct = dc[b * H + j]! + d * og * (1 - tc * tc);
          dGx[row + j] = dct * gg * ig * (1 - ig);
          dGx[row + H + j] = dct * ws[csAt(p, b) + j]! * fg * (1 - fg);
          dGx[row + 2 * H + j] = dct * ig * (1 - gg * gg);
          dGx[row + 3 * H + j] = d * tc * og * (1 - og);
          dc[b * H + j] = dct * fg;
        } else if (mode === 'gru') {
          const [r, z, n, hn] = [ws[gr + j]!, ws[gr + H + j]!, ws[gr + 2 * H + j]!, ws[gr + 3 * H + j]!];
          const dpn = d * (1 - z) * (1 - n * n);
          const dpr = dpn * hn * r * (1 - r);
          const dpz = d * (ws[hsAt(p, b) + j]! - n) * z * (1 - z);
          dGx[row + j] = dGh[row + j] = dpr;
          dGx[row + H + j] = dGh[row + H + j] = dpz;
          dGx[row + 2 * H + j] = dpn;
          dGh[row + 2 * H + j] = dpn * r;
          direct = d * z;
        } else {
          const h = ws[gr + j]!;
          // NOTE: relu'(0) = 0 (PyTorch's threshold_backward: result <= 0 gives 0).
          dGx[row + j] = mode === 'rnnTanh' ? d * (1 - h * h) : h <= 0 ? 0 : d;
        }
        dhRow[j] = direct;
      }
      for (let j = 0; j < H; j++) {
        let acc = dhRow[j]!;
        for (let k = 0; k < GH; k++) acc += dGh[row + k]! * wHh[wHhOffset + k * H + j]!;
        dh[b * H + j] = acc;
      }
    }
  }
  if (gh0) for (let i = 0; i < B * H; i++) gh0[i] = dh[i]!;
  if (gc0) for (let i = 0; i < B * H; i++) gc0[i] = lstm ? dc[i]! : 0;
  if (gx) {
    for (let r = 0; r < T * B; r++) {
      for (let i = 0; i < I; i++) {
        let acc = 0;
        for (let k = 0; k < GH; k++) acc += dGx[r * GH + k]! * wIh[wIhOffset + k * I + i]!;
        gx[r * I + i] = acc;
      }
    }
  }
  // The previous state of every row: slot t (forward) or t + 1 (reverse) of hs.
  const prevSlot = (t: number): number => (g.reverse ? t + 1 : t);
  for (let k = 0; k < GH; k++) {
    if (gwIh) {
      for (let i = 0; i < I; i++) {
        let acc = 0;
        for (let r = 0; r < T * B; r++) acc += dGx[r * GH + k]! * x[xOffset + r * I + i]!;
        gwIh[k * I + i] = acc;
      }
    }
    if (gwHh) {
      for (let j = 0; j < H; j++) {
        let acc = 0;
        for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) acc += dGh[(t * B + b) * GH + k]! * ws[hsAt(prevSlot(t), b) + j]!;
        gwHh[k * H + j] = acc;
      }
    }
    if (gbIh) {
      let acc = 0;
      for (let r = 0; r < T * B; r++) acc += dGx[r * GH + k]!;
      gbIh[k] = acc;
    }
    if (gbHh) {
      let acc = 0;
      for (let r = 0; r < T * B; r++) acc += dGh[r * GH + k]!;
      gbHh[k] = acc;
    }
  }
}
