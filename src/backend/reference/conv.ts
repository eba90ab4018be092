// Reference 2-D convolution kernels: forward, the input gradient (= the transposed convolution) and
// the weight gradient, as the plain sums spec.ts defines, accumulated in double. These loops are the
// definition the native kernels must match; they also run float64 for gradcheck. No fast paths here.

import type { FloatArray } from '../../core/dtype.js';
import type { Conv2dGeometry, Dims } from '../../kernels/spec.js';

/**
 * For kernel offset k (ki or kj) along one axis: the output positions o in [0, outSize) whose input
 * position o·stride − pad + k·dilation lies in [0, inSize), as [lo, hi).
 */
function validRange(k: number, stride: number, pad: number, dilation: number, inSize: number, outSize: number): [number, number] {
  const shift = k * dilation - pad; // input position = o·stride + shift
  const lo = shift >= 0 ? 0 : Math.ceil(-shift / stride);
  const last = inSize - 1 - shift; // o·stride <= last
  const hi = last < 0 ? 0 : Math.min(outSize, Math.floor(last / stride) + 1);
  return [Math.min(lo, hi), hi];
}

export function conv2d(
  g: Conv2dGeometry, x: FloatArray, xOffset: number, xStrides: Dims, w: FloatArray, wOffset: number,
  bias: FloatArray | null, bOffset: number, out: FloatArray,
): void {
  const { N, Cin, Cout, Ho, Wo, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups, H, W } = g;
  const cinG = Cin / groups;
  const coutG = Cout / groups;
  const [sN, sC, sH, sW] = xStrides as [number, number, number, number];
  for (let n = 0; n < N; n++) {
    for (let co = 0; co < Cout; co++) {
      const c0 = Math.floor(co / coutG) * cinG;
      const b = bias === null ? 0 : bias[bOffset + co]!;
      for (let oh = 0; oh < Ho; oh++) {
        for (let ow = 0; ow < Wo; ow++) {
          let acc = 0;
          for (let ci = 0; ci < cinG; ci++) {
            for (let ki = 0; ki < kh; ki++) {
              const ih = oh * strideH - padH + ki * dilationH;
              if (ih < 0 || ih >= H) continue;
              for (let kj = 0; kj < kw; kj++) {
                const iw = ow * strideW - padW + kj * dilationW;
                if (iw < 0 || iw >= W) continue;
                acc += w[wOffset + ((co * cinG + ci) * kh + ki) * kw + kj]! * x[xOffset + n * sN + (c0 + ci) * sC + ih * sH + iw * sW]!;
              }
            }
          }
          out[((n * Cout + co) * Ho + oh) * Wo + ow] = acc + b;
        }
      }
    }
  }
}

export function conv2dBackwardInput(g: Conv2dGeometry, gy: FloatArray, gyOffset: number, w: FloatArray, wOffset: number, gx: FloatArray): void {
  const { N, Cin, H, W, Cout, Ho, Wo, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups } = g;
  const cinG = Cin / groups;
  const coutG = Cout / groups;
  const acc = new Float64Array(N * Cin * H * W);
  for (let n = 0; n < N; n++) {
    for (let co = 0; co < Cout; co++) {
      const c0 = Math.floor(co / coutG) * cinG;
      for (let ci = 0; ci < cinG; ci++) {
        for (let ki = 0; ki < kh; ki++) {
          const [ohLo, ohHi] = validRange(ki, strideH, padH, dilationH, H, Ho);
          for (let kj = 0; kj < kw; kj++) {
            const [owLo, owHi] = validRange(kj, strideW, padW, dilationW, W, Wo);
            const wv = w[wOffset + ((co * cinG + ci) * kh + ki) * kw + kj]!;
            for (let oh = ohLo; oh < ohHi; oh++) {
              const ih = oh * strideH - padH + ki * dilationH;
              const row = ((n * Cin + c0 + ci) * H + ih) * W;
              const gyRow = gyOffset + ((n * Cout + co) * Ho + oh) * Wo;
              for (let ow = owLo; ow < owHi; ow++) acc[row + ow * strideW - padW + kj * dilationW]! += wv * gy[gyRow + ow]!;
            }
          }
        }
      }
    }
  }
  for (let i = 0; i < acc.length; i++) gx[i] = acc[i]!;
}

export function conv2dBackwardWeight(g: Conv2dGeometry, x: FloatArray, xOffset: number, xStrides: Dims, gy: FloatArray, gyOffset: number, gw: FloatArray): void {
  const { N, Cin, H, W, Cout, Ho, Wo, kh, kw, strideH, strideW, padH, padW, dilationH, dilationW, groups } = g;
  const cinG = Cin / groups;
  const coutG = Cout / groups;
  const [sN, sC, sH, sW] = xStrides as [number, number, number, number];
  for (let co = 0; co < Cout; co++) {
    const c0 = Math.floor(co / coutG) * cinG;
    for (let ci = 0; ci < cinG; ci++) {
      for (let ki = 0; ki < kh; ki++) {
        const [ohLo, ohHi] = validRange(ki, strideH, padH, dilationH, H, Ho);
        for (let kj = 0; kj < kw; kj++) {
          const [owLo, owHi] = validRange(kj, strideW, padW, dilationW, W, Wo);
          let acc = 0;
          for (let n = 0; n < N; n++) {
            for (let oh = ohLo; oh < ohHi; oh++) {
              const ih = oh * strideH - padH + ki * dilationH;
              const xRow = xOffset + n * sN + (c0 + ci) * sC + ih * sH;
              const gyRow = gyOffset + ((n * Cout + co) * Ho + oh) * Wo;
              for (let ow = owLo; ow < owHi; ow++) acc += gy[gyRow + ow]! * x[xRow + (ow * strideW - padW + kj * dilationW) * sW]!;
            }
          }
          gw[((co * cinG + ci) * kh + ki) * kw + kj] = acc;
        }
      }
    }
  }
}
