// SGEMM packing: copies a block of op(A) or op(B) into the micro-panel layout the micro-kernel reads
// (k-major, MR or NR wide, zero-padded past the edge) in a 64-byte aligned scratch buffer. Transposes
// are absorbed here: "lanes contiguous" (A transposed, B not) is a row copy per k, "k contiguous"
// (A not transposed, B transposed) is a small transpose. Strides are in elements.
#include "gemm.h"

NG_BEGIN_ISA
namespace {

/**
 * dst[k·W + l] = src[l·s_l + k·s_k] for l < w (zero for w <= l < W), k < kc. The two common layouts
 * get their own loops: s_l == 1 (a contiguous run of w lanes per k) and s_k == 1 (w contiguous rows
 * of k values, transposed through an 8-deep tile so both sides stay in cache lines).
 */
template <int64_t W>
void pack_panel(const float* src, int64_t s_l, int64_t s_k, int64_t w, int64_t kc, float* __restrict dst) {
  dst = static_cast<float*>(__builtin_assume_aligned(dst, 64));
  if (s_l == 1 && w == W) {
    for (int64_t k = 0; k < kc; ++k) {
      const float* s = src + k * s_k;
#pragma GCC unroll 4
      for (int64_t l = 0; l < W; ++l) dst[k * W + l] = s[l];
    }
    return;
  }
  if (s_l == 1) {
    for (int64_t k = 0; k < kc; ++k) {
      const float* s = src + k * s_k;
      for (int64_t l = 0; l < w; ++l) dst[k * W + l] = s[l];
      for (int64_t l = w; l < W; ++l) dst[k * W + l] = 0.0f;
    }
    return;
  }
  if (s_k == 1) {
    constexpr int64_t kT = 8;
    int64_t k = 0;
    for (; k + kT <= kc; k += kT) {
      for (int64_t l = 0; l < w; ++l) {
        const float* s = src + l * s_l + k;
#pragma GCC unroll 8
        for (int64_t t = 0; t < kT; ++t) dst[(k + t) * W + l] = s[t];
      }
      for (int64_t l = w; l < W; ++l)
        for (int64_t t = 0; t < kT; ++t) dst[(k + t) * W + l] = 0.0f;
    }
    for (; k < kc; ++k) {
      for (int64_t l = 0; l < w; ++l) dst[k * W + l] = src[l * s_l + k];
      for (int64_t l = w; l < W; ++l) dst[k * W + l] = 0.0f;
    }
    return;
  }
  for (int64_t k = 0; k < kc; ++k) {
    for (int64_t l = 0; l < w; ++l) dst[k * W + l] = src[l * s_l + k * s_k];
    for (int64_t l = w; l < W; ++l) dst[k * W + l] = 0.0f;
  }
}

}  // namespace

void pack_a(const float* A, int64_t rs_a, int64_t cs_a, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* dst) {
  constexpr int64_t MR = kGemmBlocking.MR;
  for (int64_t ir = 0; ir < mc; ir += MR) {
    pack_panel<MR>(A + (i0 + ir) * rs_a + p0 * cs_a, rs_a, cs_a, min_of(MR, mc - ir), kc, dst);
    dst += MR * kc;
  }
}

void pack_b(const float* B, int64_t rs_b, int64_t cs_b, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) {
  constexpr int64_t NR = kGemmBlocking.NR;
  for (int64_t jr = 0; jr < nc; jr += NR) {
    pack_panel<NR>(B + p0 * rs_b + (j0 + jr) * cs_b, cs_b, rs_b, min_of(NR, nc - jr), kc, dst);
    dst += NR * kc;
  }
}

NG_END_ISA
