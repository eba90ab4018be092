// Internal interface between the SGEMM driver (gemm.cc), packing (pack.cc) and the GEMV kernels
// (gemv.cc); compiled per ISA like every kernel source. Strides are in ELEMENTS.
#pragma once
#include "ukr.h"

NG_BEGIN_ISA

/**
 * One GEMM, C = alpha·op(A)·op(B) + beta·C, with op(A)(i, k) = A[i·rs_a + k·cs_a] (M×K),
 * op(B)(k, j) = B[k·rs_b + j·cs_b] (K×N), C(i, j) = C[i·ldc + j] (M×N). A transpose just swaps a
 * stride pair, so packing and the unpacked kernels see one layout description.
 */
struct Gemm {
  int64_t M = 0, N = 0, K = 0;
  float alpha = 1.0f, beta = 0.0f;
  const float* A = nullptr;
  int64_t rs_a = 0, cs_a = 0;
  const float* B = nullptr;
  int64_t rs_b = 0, cs_b = 0;
  float* C = nullptr;
  int64_t ldc = 0;
};

/**
 * Packs op(A)[i0:i0+mc, p0:p0+kc] into ceil(mc/MR) micro-panels of kc×MR (k-major, rows past the
 * edge zero), one after the other: panel p starts at dst + p·MR·kc.
 */
void pack_a(const float* A, int64_t rs_a, int64_t cs_a, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* dst);

/**
 * Packs op(B)[p0:p0+kc, j0:j0+nc] into ceil(nc/NR) micro-panels of kc×NR (k-major, columns past the
 * edge zero): panel p starts at dst + p·NR·kc.
 */
void pack_b(const float* B, int64_t rs_b, int64_t cs_b, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst);

/**
 * The M = 1 or N = 1 product for C[i0:i1, j0:j1] (one of the ranges is [0, 1)): matrix-vector
 * kernels, vectorised for this ISA, no packing. Requires K >= 1 and alpha != 0.
 */
void gemv(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1);

NG_END_ISA
