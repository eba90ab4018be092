// SGEMM, cache-blocked with packed panels and a register-blocked MR×NR micro-kernel written in plain
// C++ (auto-vectorised). Transposes are absorbed by packing. This is the portable baseline; the
// BLIS-style per-ISA micro-kernels replace the inner kernel in their own issue (#3).
#include "common.h"

NG_BEGIN_ISA
namespace {

constexpr int64_t MR = 4;
constexpr int64_t NR = 16;
constexpr int64_t KC = 256;
constexpr int64_t MC = 64;
constexpr int64_t NC = 1024;

/** Packs op(A)[i0:i0+mc, p0:p0+kc] into MR-row micro-panels, zero-padded: panel[(ir/MR)][k][r]. */
void pack_a(const float* A, int64_t lda, bool trans, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* dst) {
  for (int64_t ir = 0; ir < mc; ir += MR) {
    const int64_t mr = min_of(MR, mc - ir);
    for (int64_t k = 0; k < kc; ++k) {
      for (int64_t r = 0; r < MR; ++r) {
        float v = 0;
        if (r < mr) {
          const int64_t i = i0 + ir + r, kk = p0 + k;
          v = trans ? A[kk * lda + i] : A[i * lda + kk];
        }
        *dst++ = v;
      }
    }
  }
}

/** Packs op(B)[p0:p0+kc, j0:j0+nc] into NR-column micro-panels, zero-padded: panel[(jr/NR)][k][c]. */
void pack_b(const float* B, int64_t ldb, bool trans, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) {
  for (int64_t jr = 0; jr < nc; jr += NR) {
    const int64_t nr = min_of(NR, nc - jr);
    for (int64_t k = 0; k < kc; ++k) {
      const int64_t kk = p0 + k;
      if (!trans && nr == NR) {
        memcpy(dst, B + kk * ldb + j0 + jr, NR * sizeof(float));
        dst += NR;
        continue;
      }
      for (int64_t c = 0; c < NR; ++c) {
        float v = 0;
        if (c < nr) {
          const int64_t j = j0 + jr + c;
          v = trans ? B[j * ldb + kk] : B[kk * ldb + j];
        }
        *dst++ = v;
      }
    }
  }
}

/** C[0:mr, 0:nr] += alpha · Apanel·Bpanel over kc (acc in registers; edges written partially). */
void micro_kernel(int64_t kc, const float* a, const float* b, float alpha, float* C, int64_t ldc, int64_t mr, int64_t nr) {
  float acc[MR][NR] = {};
  for (int64_t k = 0; k < kc; ++k) {
    const float* bk = b + k * NR;
    const float* ak = a + k * MR;
    for (int64_t r = 0; r < MR; ++r) {
      const float av = ak[r];
      for (int64_t c = 0; c < NR; ++c) acc[r][c] += av * bk[c];
    }
  }
  for (int64_t r = 0; r < mr; ++r)
    for (int64_t c = 0; c < nr; ++c) C[r * ldc + c] += alpha * acc[r][c];
}

void gemm_one(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
              const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  // Apply beta once, up front. NOTE: beta == 0 overwrites C without reading it (NaN-safe).
  for (int64_t i = 0; i < M; ++i) {
    float* c = C + i * ldc;
    if (beta == 0) for (int64_t j = 0; j < N; ++j) c[j] = 0.0f;
    else if (beta != 1) for (int64_t j = 0; j < N; ++j) c[j] *= beta;
  }
  if (K == 0 || alpha == 0) return;
  for (int64_t j0 = 0; j0 < N; j0 += NC) {
    const int64_t nc = min_of(NC, N - j0);
    for (int64_t p0 = 0; p0 < K; p0 += KC) {
      const int64_t kc = min_of(KC, K - p0);
      float* bbuf = static_cast<float*>(scratch(1, static_cast<size_t>(((nc + NR - 1) / NR) * NR * kc) * sizeof(float)));
      pack_b(B, ldb, tb, p0, kc, j0, nc, bbuf);
      for (int64_t i0 = 0; i0 < M; i0 += MC) {
        const int64_t mc = min_of(MC, M - i0);
        float* abuf = static_cast<float*>(scratch(0, static_cast<size_t>(((mc + MR - 1) / MR) * MR * kc) * sizeof(float)));
        pack_a(A, lda, ta, i0, mc, p0, kc, abuf);
        for (int64_t jr = 0; jr < nc; jr += NR) {
          for (int64_t ir = 0; ir < mc; ir += MR) {
            micro_kernel(kc, abuf + (ir / MR) * MR * kc, bbuf + (jr / NR) * NR * kc, alpha,
                         C + (i0 + ir) * ldc + j0 + jr, ldc, min_of(MR, mc - ir), min_of(NR, nc - jr));
          }
        }
      }
    }
  }
}

}  // namespace

void sgemm(int64_t batch, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
           const float* A, int64_t stride_a, int64_t lda, const float* B, int64_t stride_b, int64_t ldb,
           float beta, float* C, int64_t stride_c, int64_t ldc) {
  for (int64_t b = 0; b < batch; ++b) {
    gemm_one(trans_a, trans_b, M, N, K, alpha, A + b * stride_a, lda, B + b * stride_b, ldb, beta, C + b * stride_c, ldc);
  }
}

NG_END_ISA
