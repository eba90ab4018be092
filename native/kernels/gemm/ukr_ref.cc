// Portable SGEMM micro-kernel, 4×8, plain C++ (the baseline ISA's compiler vectorises the 8-wide rows,
// e.g. two SSE2 registers per row on x86-64). Used by the scalar library, and by any ISA library built
// without its vector flags. Empty unless ukr.h selected NG_GEMM_UKR_REF.
#include "ukr.h"

#if defined(NG_GEMM_UKR_REF)

NG_BEGIN_ISA
namespace {

constexpr int MR = 4;
constexpr int NR = 8;

/** C[0:m, 0:n] := alpha·acc + beta·C (beta == 0: C not read). */
inline void store_tile(const float (&acc)[MR][NR], float alpha, float beta, float* c, int64_t ldc, int64_t m, int64_t n) {
  for (int64_t r = 0; r < m; ++r) {
    float* cr = c + r * ldc;
    if (beta == 0.0f) {
      for (int64_t j = 0; j < n; ++j) cr[j] = alpha * acc[r][j];
    } else {
      for (int64_t j = 0; j < n; ++j) cr[j] = alpha * acc[r][j] + beta * cr[j];
    }
  }
}

/** acc += a(k)·b(k) for one k: a holds MR values, b NR values. */
inline void rank1(float (&acc)[MR][NR], const float* a, const float* b) {
  for (int r = 0; r < MR; ++r) {
    const float av = a[r];
    for (int j = 0; j < NR; ++j) acc[r][j] += av * b[j];
  }
}

}  // namespace

void sgemm_ukr_ref_4x8(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc, int64_t m,
                       int64_t n, const float*, const float*) {
  float acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; ++k) rank1(acc, a + k * MR, b + k * NR);
  store_tile(acc, alpha, beta, c, ldc, m, n);
}

void sgemm_sup_ref_4x8(int64_t kc, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b,
                       float beta, float* c, int64_t ldc, int64_t m, int64_t n) {
  float acc[MR][NR] = {};
  float ak[MR];
  float bk[NR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    // Rows past m and columns past n are zero (never read from A or B).
    for (int r = 0; r < MR; ++r) ak[r] = r < m ? a[r * rs_a + k * cs_a] : 0.0f;
    const float* bp = b + k * rs_b;
    if (n < NR) {
      for (int64_t j = 0; j < n; ++j) bk[j] = bp[j];
      bp = bk;
    }
    rank1(acc, ak, bp);
  }
  store_tile(acc, alpha, beta, c, ldc, m, n);
}

NG_END_ISA

#endif  // NG_GEMM_UKR_REF
