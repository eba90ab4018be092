// Reference optimStep: PyTorch 1.13's single-tensor optimizer updates, one element at a time in
// PyTorch's op order. On float32 arrays every intermediate is rounded to float32 (Math.fround), as
// PyTorch computes each tensor op in float32; float64 arrays keep double precision. Scalars PyTorch
// computes in Python (1 - beta1, 1 - lr·weightDecay) are computed in double and rounded once.

import type { FloatArray } from '../../core/dtype.js';
import type { OptimOp } from '../../kernels/spec.js';

export function optimStep(op: OptimOp, n: number, p: FloatArray, grad: FloatArray, s0: FloatArray, s1: FloatArray, s2: FloatArray, h: readonly number[]): void {
  const r: (x: number) => number = p instanceof Float32Array ? Math.fround : (x) => x;
  const H = h.map((v) => r(v));
  const maximizeAt = { sgd: 5, adam: 6, adagrad: 3, rmsprop: 6, adadelta: 4 }[op];
  const maximize = h[maximizeAt] !== 0;
  for (let i = 0; i < n; i++) {
    let g = maximize ? -grad[i]! : grad[i]!;
    switch (op) {
      case 'sgd': {
        const [lr, momentum, , wd] = H as [number, number, number, number];
        if (wd !== 0) g = r(g + r(wd * p[i]!));
        if (momentum !== 0) {
          const b = h[6] !== 0 ? g : r(r(s0[i]! * momentum) + r(r(1 - h[2]!) * g));
          s0[i] = b;
          g = h[4] !== 0 ? r(g + r(momentum * b)) : b;
        }
        p[i] = r(p[i]! - r(lr * g));
        break;
      }
      case 'adam': {
        const [, b1, b2, eps, wd] = H as [number, number, number, number, number];
        const stepSize = H[7]!, bc2Sqrt = H[8]!;
        if (h[9] !== 0) {
          if (wd !== 0) p[i] = r(p[i]! * r(1 - h[0]! * h[4]!));
        } else if (wd !== 0) {
          g = r(g + r(wd * p[i]!));
        }
        const m = r(r(s0[i]! * b1) + r(r(1 - h[1]!) * g));
        const v = r(r(s1[i]! * b2) + r(r(r(1 - h[2]!) * g) * g));
        s0[i] = m;
        s1[i] = v;
        let vv = v;
        if (h[5] !== 0) {
          vv = Number.isNaN(s2[i]!) || Number.isNaN(v) ? NaN : Math.max(s2[i]!, v);
          s2[i] = vv;
        }
        const denom = r(r(r(Math.sqrt(vv)) / bc2Sqrt) + eps);
        p[i] = r(p[i]! - r(stepSize * r(m / denom)));
        break;
      }
      case 'adagrad': {
        const [clr, wd, eps] = H as [number, number, number];
        if (wd !== 0) g = r(g + r(wd * p[i]!));
        const sum = r(s0[i]! + r(g * g));
        s0[i] = sum;
        const std = r(r(Math.sqrt(sum)) + eps);
        p[i] = r(p[i]! - r(clr * r(g / std)));
        break;
      }
      case 'rmsprop': {
        const [lr, alpha, eps, wd, momentum] = H as [number, number, number, number, number];
        if (wd !== 0) g = r(g + r(wd * p[i]!));
        const sq = r(r(s0[i]! * alpha) + r(r(r(1 - h[1]!) * g) * g));
        s0[i] = sq;
        let avg: number;
        if (h[5] !== 0) {
          const ga = r(r(s2[i]! * alpha) + r(r(1 - h[1]!) * g));
          s2[i] = ga;
          avg = r(Math.sqrt(r(sq - r(ga * ga))));
        } else {
          avg = r(Math.sqrt(sq));
        }
        avg = r(avg + eps);
        if (momentum > 0) {
          const b = r(r(s1[i]! * momentum) + r(g / avg));
          s1[i] = b;
          p[i] = r(p[i]! - r(lr * b));
        } else {
          p[i] = r(p[i]! - r(lr * r(g / avg)));
        }
        break;
      }
      case 'adadelta': {
        const [lr, rho, eps, wd] = H as [number, number, number, number];
        if (wd !== 0) g = r(g + r(wd * p[i]!));
        const sq = r(r(s0[i]! * rho) + r(r(r(1 - h[1]!) * g) * g));
        s0[i] = sq;
        const std = r(Math.sqrt(r(sq + eps)));
        const delta = r(r(r(Math.sqrt(r(s1[i]! + eps))) / std) * g);
        s1[i] = r(r(s1[i]! * rho) + r(r(r(1 - h[1]!) * delta) * delta));
        p[i] = r(p[i]! - r(lr * delta));
        break;
      }
    }
  }
}
