// AVX-512 SGEMM micro-kernel, 12×32 (BLIS skx's 32×12 seen from row-major C): 24 zmm accumulators,
// per k two aligned vector loads of the packed B row and 12 broadcasts of the packed A column. Edge
// tiles use masked loads/stores of C (same arithmetic as a full tile). Empty unless this TU is the
// avx512 library (see ukr.h); nothing else belongs here.
#include "ukr.h"

#if defined(NG_GEMM_UKR_AVX512)
#include <immintrin.h>

NG_BEGIN_ISA
namespace {

constexpr int MR = 12;
constexpr int NR = 32;
constexpr int kPrefetchA = 8 * MR;  // elements ahead in the A micro-panel

/** C[0:m, 0:n] := alpha·acc + beta·C (beta == 0: C not read); masked at the right edge. */
__attribute__((always_inline)) inline void store_tile(__m512 (&acc)[MR][2], float alpha, float beta, float* c, int64_t ldc,
                                                      int64_t m, int64_t n) {
  const __m512 va = _mm512_set1_ps(alpha);
  const __m512 vb = _mm512_set1_ps(beta);
  if (m == MR && n == NR) {
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r) {
      float* cr = c + r * ldc;
      __m512 t0 = _mm512_mul_ps(acc[r][0], va), t1 = _mm512_mul_ps(acc[r][1], va);
      if (beta != 0.0f) {
        t0 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr), t0);
        t1 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr + 16), t1);
      }
      _mm512_storeu_ps(cr, t0);
      _mm512_storeu_ps(cr + 16, t1);
    }
    return;
  }
  const __mmask16 k0 = n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1);
  const __mmask16 k1 = n >= 32 ? static_cast<__mmask16>(0xFFFF) : n > 16 ? static_cast<__mmask16>((1u << (n - 16)) - 1) : 0;
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r) {
    if (r >= m) break;
    float* cr = c + r * ldc;
    __m512 t0 = _mm512_mul_ps(acc[r][0], va), t1 = _mm512_mul_ps(acc[r][1], va);
    if (beta != 0.0f) {
      t0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k0, cr), t0);
      t1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k1, cr + 16), t1);
    }
    _mm512_mask_storeu_ps(cr, k0, t0);
    _mm512_mask_storeu_ps(cr + 16, k1, t1);
  }
}

template <int kHint>
__attribute__((always_inline)) inline void prefetch_c(const float* c, int64_t ldc, int64_t m, int64_t n) {
  for (int64_t r = 0; r < m; ++r) {
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc), static_cast<_mm_hint>(kHint));
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + n - 1), static_cast<_mm_hint>(kHint));
  }
}

}  // namespace

void sgemm_ukr_avx512_12x32(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc,
                            int64_t m, int64_t n, const float* a_next, const float* b_next) {
  b = static_cast<const float*>(__builtin_assume_aligned(b, 64));
  // C: towards L2 now, into L1 during the last MR iterations (earlier, the A/B streams would evict it).
  prefetch_c<_MM_HINT_T1>(c, ldc, m, n);
  __m512 acc[MR][2];
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  // One k: 2 aligned B loads, 12 A broadcasts, 24 FMAs. NOTE: the k loop is not unrolled on purpose:
  // GCC's scheduler then interleaves iterations and rotates the accumulators through extra moves and
  // a spill; one k per iteration compiles to exactly the loads, FMAs and 4 loop instructions.
  auto step = [&](const float* ak, const float* bk) __attribute__((always_inline)) {
    const __m512 b0 = _mm512_load_ps(bk), b1 = _mm512_load_ps(bk + 16);
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r) {
      const __m512 ar = _mm512_set1_ps(ak[r]);
      acc[r][0] = _mm512_fmadd_ps(ar, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(ar, b1, acc[r][1]);
    }
  };
  const int64_t k_main = kc > MR ? kc - MR : 0;
  for (int64_t k = 0; k < k_main; ++k) {
    // Stream the A micro-panel (48 bytes per k) a few cache lines ahead.
    _mm_prefetch(reinterpret_cast<const char*>(a + kPrefetchA), _MM_HINT_T0);
    step(a, b);
    a += MR;
    b += NR;
  }
  for (int64_t k = k_main, r = 0; k < kc; ++k, ++r) {
    const float* cr = c + (r < m ? r : m - 1) * ldc;
    _mm_prefetch(reinterpret_cast<const char*>(cr), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(cr + n - 1), _MM_HINT_T0);
    step(a, b);
    a += MR;
    b += NR;
  }
  _mm_prefetch(reinterpret_cast<const char*>(a_next), _MM_HINT_T0);
  _mm_prefetch(reinterpret_cast<const char*>(b_next), _MM_HINT_T0);
  store_tile(acc, alpha, beta, c, ldc, m, n);
}

void sgemm_sup_avx512_12x32(int64_t kc, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b,
                            float beta, float* c, int64_t ldc, int64_t m, int64_t n) {
  prefetch_c<_MM_HINT_T0>(c, ldc, m, n);
  // Rows past m re-read row m-1 (valid memory; their results are never stored).
  const float* ar[MR];
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r) ar[r] = a + (r < m ? r : m - 1) * rs_a;
  const __mmask16 k0 = n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1);
  const __mmask16 k1 = n >= 32 ? static_cast<__mmask16>(0xFFFF) : n > 16 ? static_cast<__mmask16>((1u << (n - 16)) - 1) : 0;
  __m512 acc[MR][2];
#pragma GCC unroll 12
  for (int r = 0; r < MR; ++r) acc[r][0] = acc[r][1] = _mm512_setzero_ps();
  int64_t ka = 0;
  for (int64_t k = 0; k < kc; ++k, ka += cs_a) {
    const __m512 b0 = _mm512_maskz_loadu_ps(k0, b), b1 = _mm512_maskz_loadu_ps(k1, b + 16);
#pragma GCC unroll 12
    for (int r = 0; r < MR; ++r) {
      const __m512 av = _mm512_set1_ps(ar[r][ka]);
      acc[r][0] = _mm512_fmadd_ps(av, b0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(av, b1, acc[r][1]);
    }
    b += rs_b;
  }
  store_tile(acc, alpha, beta, c, ldc, m, n);
}

NG_END_ISA

#endif  // NG_GEMM_UKR_AVX512
