// Reference pooling kernels: maxPool, avgPool and their backward passes over NCHW planes, walking the
// windows that ops/ resolved (see POOL_GEOM in kernels/spec.ts). PyTorch's scalar loops, written out:
// the definition the native kernels must match (maxPool exactly, the sums to float rounding).

import type { FloatArray } from '../../core/dtype.js';
import { IndexError } from '../../core/errors.js';
import type { Dims } from '../../kernels/spec.js';

interface Geometry {
  N: number; C: number; H: number; W: number; OH: number; OW: number; dH: number; dW: number;
  hStart: Int32Array; hCount: Int32Array; hDiv: Int32Array; wStart: Int32Array; wCount: Int32Array; wDiv: Int32Array;
}

function geometry(geom: Dims, windows: Int32Array): Geometry {
  const [N, C, H, W, OH, OW, dH, dW] = geom as [number, number, number, number, number, number, number, number];
  const at = (k: number, n: number): Int32Array => windows.subarray(k, k + n);
  return {
    N, C, H, W, OH, OW, dH, dW,
    hStart: at(0, OH), hCount: at(OH, OH), hDiv: at(2 * OH, OH),
    wStart: at(3 * OH, OW), wCount: at(3 * OH + OW, OW), wDiv: at(3 * OH + 2 * OW, OW),
  };
}

/** The contract's maxPool: PyTorch's scan over each window (see kernels/spec.ts). */
export function maxPool(geom: Dims, windows: Int32Array, x: FloatArray, xOffset: number, xStrides: Dims, out: FloatArray, withIndices: boolean, indices: Int32Array): void {
  const g = geometry(geom, windows);
  const [sN, sC, sH, sW] = xStrides as [number, number, number, number];
  let o = 0;
  for (let n = 0; n < g.N; n++) {
    for (let c = 0; c < g.C; c++) {
      const base = xOffset + n * sN + c * sC;
      for (let oh = 0; oh < g.OH; oh++) {
        const hs = g.hStart[oh]!;
        const hc = g.hCount[oh]!;
        for (let ow = 0; ow < g.OW; ow++, o++) {
          const ws = g.wStart[ow]!;
          const wc = g.wCount[ow]!;
          // NOTE: PyTorch's cpu_max_pool: start from -inf at the window's first position; take an element
          // when it is greater or NaN (ties keep the first, the last NaN wins).
          let best = -Infinity;
          let bestIndex = hs * g.W + ws;
          for (let i = 0; i < hc; i++) {
            const ih = hs + i * g.dH;
            for (let j = 0; j < wc; j++) {
              const iw = ws + j * g.dW;
              const v = x[base + ih * sH + iw * sW]!;
              if (v > best || Number.isNaN(v)) {
                best = v;
                bestIndex = ih * g.W + iw;
              }
            }
          }
          out[o] = best;
          if (withIndices) indices[o] = bestIndex;
        }
      }
    }
  }
}

const divisor = (g: Geometry, divisorOverride: number, oh: number, ow: number): number =>
  divisorOverride !== 0 ? divisorOverride : g.hDiv[oh]! * g.wDiv[ow]!;

/** The contract's avgPool: window sums in double over the divisor. */
export function avgPool(geom: Dims, windows: Int32Array, divisorOverride: number, x: FloatArray, xOffset: number, xStrides: Dims, out: FloatArray): void {
  const g = geometry(geom, windows);
  const [sN, sC, sH, sW] = xStrides as [number, number, number, number];
  let o = 0;
  for (let n = 0; n < g.N; n++) {
    for (let c = 0; c < g.C; c++) {
      const base = xOffset + n * sN + c * sC;
      for (let oh = 0; oh < g.OH; oh++) {
        for (let ow = 0; ow < g.OW; ow++, o++) {
          const hc = g.hCount[oh]!;
          const wc = g.wCount[ow]!;
          if (hc === 0 || wc === 0) {
            out[o] = 0; // NOTE: PyTorch leaves an empty window's output at 0
            continue;
          }
          let sum = 0;
          for (let i = 0; i < hc; i++) {
            const ih = g.hStart[oh]! + i * g.dH;
            for (let j = 0; j < wc; j++) sum += x[base + ih * sH + (g.wStart[ow]! + j * g.dW) * sW]!;
          }
          out[o] = sum / divisor(g, divisorOverride, oh, ow);
        }
      }
    }
  }
}

/** The contract's maxPoolBackward: grad added at the indices of zeroed planes. */
export function maxPoolBackward(planes: number, inSize: number, outSize: number, grad: FloatArray, indices: Int32Array, gradInput: FloatArray): void {
  gradInput.fill(0, 0, planes * inSize);
  for (let p = 0; p < planes; p++) {
    for (let o = p * outSize; o < (p + 1) * outSize; o++) {
      const i = indices[o]!;
      if (i === -1) continue;
      if (i < 0 || i >= inSize) throw new IndexError('maxPoolBackward', 'index', `${i} is out of bounds for dimension 1 with size ${inSize}`);
      gradInput[p * inSize + i]! += grad[o]!;
    }
  }
}

/** The contract's avgPoolBackward: each grad spread over its window (the adjoint of avgPool). */
export function avgPoolBackward(geom: Dims, windows: Int32Array, divisorOverride: number, grad: FloatArray, gradInput: FloatArray): void {
  const g = geometry(geom, windows);
  const plane = g.H * g.W;
  gradInput.fill(0, 0, g.N * g.C * plane);
  let o = 0;
  for (let p = 0; p < g.N * g.C; p++) {
    const base = p * plane;
    for (let oh = 0; oh < g.OH; oh++) {
      for (let ow = 0; ow < g.OW; ow++, o++) {
        const hc = g.hCount[oh]!;
        const wc = g.wCount[ow]!;
        if (hc === 0 || wc === 0) continue;
        const v = grad[o]! / divisor(g, divisorOverride, oh, ow);
        for (let i = 0; i < hc; i++) {
          const ih = g.hStart[oh]! + i * g.dH;
          for (let j = 0; j < wc; j++) gradInput[base + ih * g.W + g.wStart[ow]! + j * g.dW]! += v;
        }
      }
    }
  }
}
