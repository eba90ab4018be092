// NEON (arm64) SGEMM micro-kernel, 8×12: 24 float32x4 accumulators, per k three vector loads of the
// packed B row, two of the packed A column, and 24 lane-indexed FMAs (fmla v.4s, v.4s, v.s[lane]).
// Edge tiles run the same arithmetic on a local C tile and copy the valid part. Empty unless this TU
// is the neon library (see ukr.h).
#include "ukr.h"

#if defined(NG_GEMM_UKR_NEON)
#include <arm_neon.h>

NG_BEGIN_ISA
namespace {

constexpr int MR = 8;
constexpr int NR = 12;

/** acc[r][*] += A(r)·B for one k: a0 = rows 0-3, a1 = rows 4-7, b0..b2 = the 12 columns. */
__attribute__((always_inline)) inline void rank1(float32x4_t (&acc)[MR][3], float32x4_t a0, float32x4_t a1, float32x4_t b0,
                                                 float32x4_t b1, float32x4_t b2) {
#define NG_NEON_ROW(r, av, lane)                            \
  acc[r][0] = vfmaq_laneq_f32(acc[r][0], b0, av, lane);     \
  acc[r][1] = vfmaq_laneq_f32(acc[r][1], b1, av, lane);     \
  acc[r][2] = vfmaq_laneq_f32(acc[r][2], b2, av, lane);
  NG_NEON_ROW(0, a0, 0)
  NG_NEON_ROW(1, a0, 1)
  NG_NEON_ROW(2, a0, 2)
  NG_NEON_ROW(3, a0, 3)
  NG_NEON_ROW(4, a1, 0)
  NG_NEON_ROW(5, a1, 1)
  NG_NEON_ROW(6, a1, 2)
  NG_NEON_ROW(7, a1, 3)
#undef NG_NEON_ROW
}

/** Rows r < m of a row-major 12-wide tile: alpha·acc (+ beta·C by FMA when beta != 0). */
__attribute__((always_inline)) inline void merge_rows(float32x4_t (&acc)[MR][3], float alpha, float beta, float* c, int64_t ldc,
                                                      int64_t m) {
  const float32x4_t va = vdupq_n_f32(alpha);
  const float32x4_t vb = vdupq_n_f32(beta);
  for (int r = 0; r < MR; ++r) {
    if (r >= m) break;
    float* cr = c + r * ldc;
    for (int q = 0; q < 3; ++q) {
      float32x4_t t = vmulq_f32(acc[r][q], va);
      if (beta != 0.0f) t = vfmaq_f32(t, vb, vld1q_f32(cr + 4 * q));
      vst1q_f32(cr + 4 * q, t);
    }
  }
}

__attribute__((always_inline)) inline void store_tile(float32x4_t (&acc)[MR][3], float alpha, float beta, float* c, int64_t ldc,
                                                      int64_t m, int64_t n) {
  if (n == NR) {
    merge_rows(acc, alpha, beta, c, ldc, m);
    return;
  }
  float tile[MR * NR];
  if (beta != 0.0f)
    for (int64_t r = 0; r < m; ++r)
      for (int64_t j = 0; j < n; ++j) tile[r * NR + j] = c[r * ldc + j];
  merge_rows(acc, alpha, beta, tile, NR, m);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t j = 0; j < n; ++j) c[r * ldc + j] = tile[r * NR + j];
}

}  // namespace

void sgemm_ukr_neon_8x12(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc, int64_t m,
                         int64_t n, const float* a_next, const float* b_next) {
  for (int64_t r = 0; r < m; ++r) __builtin_prefetch(c + r * ldc, 1);
  float32x4_t acc[MR][3];
  for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = acc[r][2] = vdupq_n_f32(0.0f);
  int64_t k = 0;
  for (; k + 2 <= kc; k += 2) {
    __builtin_prefetch(a + 16 * MR);
    __builtin_prefetch(b + 16 * NR);
    rank1(acc, vld1q_f32(a), vld1q_f32(a + 4), vld1q_f32(b), vld1q_f32(b + 4), vld1q_f32(b + 8));
    rank1(acc, vld1q_f32(a + MR), vld1q_f32(a + MR + 4), vld1q_f32(b + NR), vld1q_f32(b + NR + 4), vld1q_f32(b + NR + 8));
    a += 2 * MR;
    b += 2 * NR;
  }
  for (; k < kc; ++k) {
    rank1(acc, vld1q_f32(a), vld1q_f32(a + 4), vld1q_f32(b), vld1q_f32(b + 4), vld1q_f32(b + 8));
    a += MR;
    b += NR;
  }
  __builtin_prefetch(a_next);
  __builtin_prefetch(b_next);
  store_tile(acc, alpha, beta, c, ldc, m, n);
}

void sgemm_sup_neon_8x12(int64_t kc, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b,
                         float beta, float* c, int64_t ldc, int64_t m, int64_t n) {
  float32x4_t acc[MR][3];
  for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = acc[r][2] = vdupq_n_f32(0.0f);
  float ak[MR] = {};
  float bk[NR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    // Rows past m and columns past n are zero (never read from A or B).
    for (int64_t r = 0; r < m; ++r) ak[r] = a[r * rs_a + k * cs_a];
    const float* bp = b + k * rs_b;
    if (n < NR) {
      for (int64_t j = 0; j < n; ++j) bk[j] = bp[j];
      bp = bk;
    }
    rank1(acc, vld1q_f32(ak), vld1q_f32(ak + 4), vld1q_f32(bp), vld1q_f32(bp + 4), vld1q_f32(bp + 8));
  }
  store_tile(acc, alpha, beta, c, ldc, m, n);
}

NG_END_ISA

#endif  // NG_GEMM_UKR_NEON
