// AVX2+FMA SGEMM micro-kernel, 6×16 (BLIS haswell's row-preferential shape): 12 ymm accumulators, per
// k two vector loads of the packed B row and six broadcasts of the packed A column. Edge tiles run
// the same arithmetic on a local C tile and copy the valid part. Empty unless this TU is the avx2
// library (see ukr.h).
#include "ukr.h"

#if defined(NG_GEMM_UKR_AVX2)
#include <immintrin.h>

NG_BEGIN_ISA
namespace {

constexpr int MR = 6;
constexpr int NR = 16;
constexpr int kUnroll = 4;

/** Rows r < m of a row-major tile: t = alpha·acc (+ beta·C via FMA when beta != 0), stored to C. */
__attribute__((always_inline)) inline void merge_rows(__m256 (&acc)[MR][2], float alpha, float beta, float* c, int64_t ldc,
                                                      int64_t m) {
  const __m256 va = _mm256_set1_ps(alpha);
  const __m256 vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
  for (int r = 0; r < MR; ++r) {
    if (r >= m) break;
    float* cr = c + r * ldc;
    __m256 t0 = _mm256_mul_ps(acc[r][0], va), t1 = _mm256_mul_ps(acc[r][1], va);
    if (beta != 0.0f) {
      t0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr), t0);
      t1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr + 8), t1);
    }
    _mm256_storeu_ps(cr, t0);
    _mm256_storeu_ps(cr + 8, t1);
  }
}

/** C[0:m, 0:n] := alpha·acc + beta·C; edge tiles go through a local 6×16 tile (same arithmetic). */
__attribute__((always_inline)) inline void store_tile(__m256 (&acc)[MR][2], float alpha, float beta, float* c, int64_t ldc,
                                                      int64_t m, int64_t n) {
  if (n == NR) {
    merge_rows(acc, alpha, beta, c, ldc, m);
    return;
  }
  alignas(32) float tile[MR * NR];
  if (beta != 0.0f)
    for (int64_t r = 0; r < m; ++r)
      for (int64_t j = 0; j < n; ++j) tile[r * NR + j] = c[r * ldc + j];
  merge_rows(acc, alpha, beta, tile, NR, m);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t j = 0; j < n; ++j) c[r * ldc + j] = tile[r * NR + j];
}

__attribute__((always_inline)) inline void prefetch_c(const float* c, int64_t ldc, int64_t m, int64_t n) {
  for (int64_t r = 0; r < m; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + n - 1), _MM_HINT_T0);
  }
}

/** Lane mask for the first n (0..8) lanes, for vmaskmovps. */
inline __m256i lane_mask(int64_t n) {
  const __m256i idx = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), idx);
}

}  // namespace

void sgemm_ukr_avx2_6x16(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc, int64_t m,
                         int64_t n, const float* a_next, const float* b_next) {
  b = static_cast<const float*>(__builtin_assume_aligned(b, 32));
  prefetch_c(c, ldc, m, n);
  __m256 acc[MR][2];
#pragma GCC unroll 6
  for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  int64_t k = 0;
  for (; k + kUnroll <= kc; k += kUnroll) {
    _mm_prefetch(reinterpret_cast<const char*>(a + 8 * MR * kUnroll), _MM_HINT_T0);
#pragma GCC unroll 4
    for (int u = 0; u < kUnroll; ++u) {
      const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
      for (int r = 0; r < MR; ++r) {
        const __m256 ar = _mm256_broadcast_ss(a + r);
        acc[r][0] = _mm256_fmadd_ps(ar, b0, acc[r][0]);
        acc[r][1] = _mm256_fmadd_ps(ar, b1, acc[r][1]);
      }
      a += MR;
      b += NR;
    }
  }
  for (; k < kc; ++k) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
      const __m256 ar = _mm256_broadcast_ss(a + r);
      acc[r][0] = _mm256_fmadd_ps(ar, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(ar, b1, acc[r][1]);
    }
    a += MR;
    b += NR;
  }
  _mm_prefetch(reinterpret_cast<const char*>(a_next), _MM_HINT_T0);
  _mm_prefetch(reinterpret_cast<const char*>(b_next), _MM_HINT_T0);
  store_tile(acc, alpha, beta, c, ldc, m, n);
}

void sgemm_sup_avx2_6x16(int64_t kc, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b,
                         float beta, float* c, int64_t ldc, int64_t m, int64_t n) {
  prefetch_c(c, ldc, m, n);
  // Rows past m re-read row m-1 (valid memory; their results are never stored).
  const float* ar[MR];
#pragma GCC unroll 6
  for (int r = 0; r < MR; ++r) ar[r] = a + (r < m ? r : m - 1) * rs_a;
  const __m256i m0 = lane_mask(n < 8 ? n : 8), m1 = lane_mask(n > 8 ? n - 8 : 0);
  const bool full = n == NR;
  __m256 acc[MR][2];
#pragma GCC unroll 6
  for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
  int64_t ka = 0;
  for (int64_t k = 0; k < kc; ++k, ka += cs_a) {
    __m256 b0, b1;
    if (full) {
      b0 = _mm256_loadu_ps(b);
      b1 = _mm256_loadu_ps(b + 8);
    } else {
      b0 = _mm256_maskload_ps(b, m0);
      b1 = _mm256_maskload_ps(b + 8, m1);
    }
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
      const __m256 av = _mm256_broadcast_ss(ar[r] + ka);
      acc[r][0] = _mm256_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(av, b1, acc[r][1]);
    }
    b += rs_b;
  }
  store_tile(acc, alpha, beta, c, ldc, m, n);
}

NG_END_ISA

#endif  // NG_GEMM_UKR_AVX2
