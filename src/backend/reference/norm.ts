// Reference normalisation kernels: batch-norm statistics, the per-channel affine apply and its backward,
// layer norm forward and backward. Sums accumulate in double (JS numbers); values stored in a float32
// array are rounded where the contract says "as stored". The native kernels match to float rounding.

import type { FloatArray } from '../../core/dtype.js';

/** Rounds as storing into `a` would (float32 arrays round, float64 keep double). */
const rounder = (a: FloatArray): ((v: number) => number) => (a instanceof Float32Array ? Math.fround : (v) => v);

/** The contract's batchNormStats: per-channel mean, then the biased variance around the stored mean. */
export function batchNormStats(x: FloatArray, N: number, C: number, S: number, mean: FloatArray, variance: FloatArray): void {
  const M = N * S;
  for (let c = 0; c < C; c++) {
    let sum = 0;
    for (let n = 0; n < N; n++) for (let i = (n * C + c) * S, e = i + S; i < e; i++) sum += x[i]!;
    mean[c] = sum / M;
    const m = mean[c]!; // the stored mean
    let ss = 0;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, e = i + S; i < e; i++) {
        const d = x[i]! - m;
        ss += d * d;
      }
    }
    variance[c] = ss / M;
  }
}

/** The contract's batchNormApply: x·a[c] + b[c]. */
export function batchNormApply(x: FloatArray, N: number, C: number, S: number, mean: FloatArray, variance: FloatArray, eps: number, weight: FloatArray, bias: FloatArray, out: FloatArray): void {
  const r = rounder(out);
  for (let c = 0; c < C; c++) {
    const ad = weight[c]! / Math.sqrt(variance[c]! + eps);
    const a = r(ad);
    const b = r(bias[c]! - mean[c]! * ad);
    for (let n = 0; n < N; n++) for (let i = (n * C + c) * S, e = i + S; i < e; i++) out[i] = x[i]! * a + b;
  }
}

/** The contract's batchNormBackward (PyTorch's batch_norm_cpu_backward formula). */
export function batchNormBackward(
  grad: FloatArray, x: FloatArray, N: number, C: number, S: number, mean: FloatArray, variance: FloatArray, eps: number,
  weight: FloatArray, training: boolean, gradInput: FloatArray, sumGrad: FloatArray, sumGradXhat: FloatArray,
): void {
  const M = N * S;
  for (let c = 0; c < C; c++) {
    const rs = 1 / Math.sqrt(variance[c]! + eps);
    const m = mean[c]!;
    let sg = 0;
    let dotp = 0;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, e = i + S; i < e; i++) {
        sg += grad[i]!;
        dotp += (x[i]! - m) * grad[i]!;
      }
    }
    sumGrad[c] = sg;
    sumGradXhat[c] = dotp * rs;
    const scale = rs * weight[c]!;
    // NOTE: PyTorch's batch_norm_cpu_backward: dx = (dy − mean(dy) − (x − mean)·k)·invstd·w, k = Σ(x − mean)dy·invstd²/M.
    const gm = sg / M;
    const k = (dotp * rs * rs) / M;
    for (let n = 0; n < N; n++) {
      for (let i = (n * C + c) * S, e = i + S; i < e; i++) {
        gradInput[i] = training ? (grad[i]! - gm - (x[i]! - m) * k) * scale : grad[i]! * scale;
      }
    }
  }
}

/** The contract's layerNorm: per-row statistics, then the affine normalisation. */
export function layerNorm(x: FloatArray, R: number, L: number, eps: number, weight: FloatArray, bias: FloatArray, out: FloatArray, mean: FloatArray, rstd: FloatArray): void {
  for (let row = 0; row < R; row++) {
    const o = row * L;
    let sum = 0;
    for (let j = 0; j < L; j++) sum += x[o + j]!;
    mean[row] = sum / L;
    const m = mean[row]!;
    let ss = 0;
    for (let j = 0; j < L; j++) {
      const d = x[o + j]! - m;
      ss += d * d;
    }
    rstd[row] = 1 / Math.sqrt(ss / L + eps);
    const rs = rstd[row]!;
    for (let j = 0; j < L; j++) out[o + j] = (x[o + j]! - m) * rs * weight[j]! + bias[j]!;
  }
}

/** The contract's layerNormBackward: input gradient per row, weight/bias gradients as column sums. */
export function layerNormBackward(
  grad: FloatArray, x: FloatArray, R: number, L: number, mean: FloatArray, rstd: FloatArray, weight: FloatArray,
  gradInput: FloatArray, withParamGrads: boolean, gradWeight: FloatArray, gradBias: FloatArray,
): void {
  for (let row = 0; row < R; row++) {
    const o = row * L;
    const m = mean[row]!;
    const rs = rstd[row]!;
    let a = 0;
    let b = 0;
    for (let j = 0; j < L; j++) {
      const gh = grad[o + j]! * weight[j]!;
      a += gh;
      b += gh * (x[o + j]! - m) * rs;
    }
    a /= L;
    b /= L;
    for (let j = 0; j < L; j++) gradInput[o + j] = rs * (grad[o + j]! * weight[j]! - a - (x[o + j]! - m) * rs * b);
  }
  if (!withParamGrads) return;
  for (let j = 0; j < L; j++) {
    let gw = 0;
    let gb = 0;
    for (let row = 0; row < R; row++) {
      const g = grad[row * L + j]!;
      gw += g * (x[row * L + j]! - mean[row]!) * rstd[row]!;
      gb += g;
    }
    gradWeight[j] = gw;
    gradBias[j] = gb;
  }
}
