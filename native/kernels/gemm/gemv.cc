// The M = 1 and N = 1 cases of SGEMM (matrix-vector products): memory bound, so no packing and no
// micro-kernel; two loops written once with GCC vector extensions sized for this TU's ISA (64-byte
// vectors under AVX-512, 32 under AVX2, 16 for NEON and the SSE2/portable baseline):
//   axpy rows: y[0:n] = Σ_k x_k · R_k[0:n]        (the vector's partner has contiguous rows)
//   dot rows:  y[j]   = Σ_k x_k · R_j[k], j < n   (the partner's rows run along k)
#include "gemm.h"

#if defined(__AVX512F__)
#define NG_GEMV_VEC_BYTES 64
#elif defined(__AVX2__)
#define NG_GEMV_VEC_BYTES 32
#else
#define NG_GEMV_VEC_BYTES 16
#endif

NG_BEGIN_ISA
namespace {

typedef float vf __attribute__((vector_size(NG_GEMV_VEC_BYTES)));
typedef float vf_unaligned __attribute__((vector_size(NG_GEMV_VEC_BYTES), aligned(4)));
constexpr int64_t L = NG_GEMV_VEC_BYTES / 4;

constexpr int kSlotY = 2;  // y (one output range), per thread
constexpr int kSlotX = 3;  // the vector operand made contiguous, per thread

inline vf loadu(const float* p) { return *reinterpret_cast<const vf_unaligned*>(p); }
inline void storeu(float* p, vf v) { *reinterpret_cast<vf_unaligned*>(p) = v; }
inline vf splat(float x) { return vf{} + x; }

/** Lanes summed in a fixed order (so results never depend on where a row falls). */
inline float hsum(vf v) {
  float s = 0.0f;
  for (int64_t l = 0; l < L; ++l) s += v[l];
  return s;
}

/** y[0:n] = Σ_{k<K} x[k·incx] · R[k·ld + 0:n]. Each y[j] sums over k in order (FMA where the ISA has it). */
void axpy_rows(int64_t K, int64_t n, const float* x, int64_t incx, const float* R, int64_t ld, float* y) {
  int64_t j = 0;
  for (; j + 4 * L <= n; j += 4 * L) {
    vf s0 = {}, s1 = {}, s2 = {}, s3 = {};
    const float* r = R + j;
    for (int64_t k = 0; k < K; ++k, r += ld) {
      const vf xv = splat(x[k * incx]);
      s0 += xv * loadu(r);
      s1 += xv * loadu(r + L);
      s2 += xv * loadu(r + 2 * L);
      s3 += xv * loadu(r + 3 * L);
    }
    storeu(y + j, s0);
    storeu(y + j + L, s1);
    storeu(y + j + 2 * L, s2);
    storeu(y + j + 3 * L, s3);
  }
  for (; j + L <= n; j += L) {
    vf s = {};
    const float* r = R + j;
    for (int64_t k = 0; k < K; ++k, r += ld) s += splat(x[k * incx]) * loadu(r);
    storeu(y + j, s);
  }
  for (; j < n; ++j) {
    float s = 0.0f;
    const float* r = R + j;
    for (int64_t k = 0; k < K; ++k, r += ld) s += x[k * incx] * *r;
    y[j] = s;
  }
}

/** The dot products of x (contiguous, K long) with kRows rows R + row·ld, two accumulators each. */
template <int kRows>
inline void dot_block(int64_t K, const float* x, const float* R, int64_t ld, float* y) {
  vf s[kRows][2] = {};
  int64_t k = 0;
  for (; k + 2 * L <= K; k += 2 * L) {
    const vf x0 = loadu(x + k), x1 = loadu(x + k + L);
#pragma GCC unroll 4
    for (int r = 0; r < kRows; ++r) {
      s[r][0] += x0 * loadu(R + r * ld + k);
      s[r][1] += x1 * loadu(R + r * ld + k + L);
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < kRows; ++r) {
    float t = hsum(s[r][0] + s[r][1]);
    for (int64_t kk = k; kk < K; ++kk) t += x[kk] * R[r * ld + kk];
    y[r] = t;
  }
}

/** y[j] = Σ_{k<K} x[k] · R[j·ld + k] for j < n; x contiguous. */
void dot_rows(int64_t K, int64_t n, const float* x, const float* R, int64_t ld, float* y) {
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) dot_block<4>(K, x, R + j * ld, ld, y + j);
  for (; j < n; ++j) dot_block<1>(K, x, R + j * ld, ld, y + j);
}

/** x as a contiguous array (a scratch copy when inc != 1); nullptr if out of memory. */
const float* contiguous(const float* x, int64_t inc, int64_t K) {
  if (inc == 1) return x;
  float* buf = static_cast<float*>(scratch(kSlotX, static_cast<size_t>(K) * sizeof(float)));
  if (buf)
    for (int64_t k = 0; k < K; ++k) buf[k] = x[k * inc];
  return buf;
}

/** c[t·inc] = alpha·y[t] + beta·c[t·inc] for t < n (beta == 0: c not read). */
void write_c(const float* y, int64_t n, float alpha, float beta, float* c, int64_t inc) {
  if (beta == 0.0f) {
    for (int64_t t = 0; t < n; ++t) c[t * inc] = alpha * y[t];
  } else {
    for (int64_t t = 0; t < n; ++t) c[t * inc] = alpha * y[t] + beta * c[t * inc];
  }
}

}  // namespace

void gemv(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  if (g.M == 1) {
    // c[0, j] = Σ_k A(0, k)·B(k, j): the rows of op(B) are contiguous (axpy) or its columns are (dots).
    const int64_t n = j1 - j0;
    float* y = static_cast<float*>(scratch(kSlotY, static_cast<size_t>(n) * sizeof(float)));
    if (!y) return;
    if (g.cs_b == 1) {
      axpy_rows(g.K, n, g.A, g.cs_a, g.B + j0, g.rs_b, y);
    } else {
      const float* x = contiguous(g.A, g.cs_a, g.K);
      if (!x) return;
      dot_rows(g.K, n, x, g.B + j0 * g.cs_b, g.cs_b, y);
    }
    write_c(y, n, g.alpha, g.beta, g.C + j0, 1);
  } else {
    // N = 1: c[i, 0] = Σ_k A(i, k)·B(k, 0): op(A)'s columns are contiguous (axpy) or its rows are (dots).
    const int64_t m = i1 - i0;
    float* y = static_cast<float*>(scratch(kSlotY, static_cast<size_t>(m) * sizeof(float)));
    if (!y) return;
    if (g.rs_a == 1) {
      axpy_rows(g.K, m, g.B, g.rs_b, g.A + i0, g.cs_a, y);
    } else {
      const float* x = contiguous(g.B, g.rs_b, g.K);
      if (!x) return;
      dot_rows(g.K, m, x, g.A + i0 * g.rs_a, g.rs_a, y);
    }
    write_c(y, m, g.alpha, g.beta, g.C + i0 * g.ldc, g.ldc);
  }
}

NG_END_ISA
