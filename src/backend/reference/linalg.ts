// Reference batched GEMM: the definition of the gemm kernel, one dot product per output element,
// accumulated in double.

import type { FloatArray } from '../../core/dtype.js';

export function gemm(
  batch: number, transA: boolean, transB: boolean, M: number, N: number, K: number, alpha: number,
  A: FloatArray, aOffset: number, strideA: number, lda: number,
  B: FloatArray, bOffset: number, strideB: number, ldb: number,
  beta: number, C: FloatArray, cOffset: number, strideC: number, ldc: number,
): void {
  // Element strides of op(A) (M×K) and op(B) (K×N).
  const [aRow, aCol] = transA ? [1, lda] : [lda, 1];
  const [bRow, bCol] = transB ? [1, ldb] : [ldb, 1];
  // NOTE: alpha = 0 does not read A or B (BLAS semantics): C = beta·C.
  const skipProduct = alpha === 0 || K === 0;
  for (let b = 0; b < batch; b++) {
    const a0 = aOffset + b * strideA;
    const b0 = bOffset + b * strideB;
    const c0 = cOffset + b * strideC;
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let acc = 0;
        if (!skipProduct) for (let k = 0; k < K; k++) acc += A[a0 + i * aRow + k * aCol]! * B[b0 + k * bRow + j * bCol]!;
        const ci = c0 + i * ldc + j;
        // NOTE: beta = 0 must not read C (it may hold NaN from an uninitialised buffer).
        C[ci] = beta === 0 ? alpha * acc : alpha * acc + beta * C[ci]!;
      }
    }
  }
}
