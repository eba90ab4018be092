// SGEMM packing: copies a block of op(A) or op(B) into the micro-panel layout the micro-kernel reads
// (k-major, MR or NR wide, zero-padded past the edge) in a 64-byte aligned scratch buffer. Transposes
// are absorbed here: "lanes contiguous" (A transposed, B not) is a row copy per k, "k contiguous"
// (A not transposed, B transposed) is a transpose in 4×4 register blocks. Written with GCC vector
// extensions, so each ISA library gets its own vector code (no intrinsics). Strides in elements.
#include "gemm.h"

#if defined(__AVX512F__)
#define NG_PACK_VEC_BYTES 64
#elif defined(__AVX2__)
#define NG_PACK_VEC_BYTES 32
#else
#define NG_PACK_VEC_BYTES 16
#endif

NG_BEGIN_ISA
namespace {

typedef float v4 __attribute__((vector_size(16)));
typedef float v4u __attribute__((vector_size(16), aligned(4)));

inline v4 load4(const float* p) { return *reinterpret_cast<const v4u*>(p); }
inline void store4(float* p, v4 v) { *reinterpret_cast<v4u*>(p) = v; }

/** The widest vector of this ISA, for plain copies. */
typedef float vw __attribute__((vector_size(NG_PACK_VEC_BYTES)));
typedef float vwu __attribute__((vector_size(NG_PACK_VEC_BYTES), aligned(4)));
constexpr int64_t LW = NG_PACK_VEC_BYTES / 4;

/** dst[0:W] = src[0:W] with whole vectors where W allows. */
template <int64_t W>
inline void copy_lanes(float* dst, const float* src) {
  if constexpr (W % LW == 0) {
#pragma GCC unroll 16
    for (int64_t l = 0; l < W; l += LW) *reinterpret_cast<vwu*>(dst + l) = *reinterpret_cast<const vwu*>(src + l);
  } else {
#pragma GCC unroll 16
    for (int64_t l = 0; l + 4 <= W; l += 4) store4(dst + l, load4(src + l));
    for (int64_t l = W & ~int64_t{3}; l < W; ++l) dst[l] = src[l];
  }
}

/** dst[t·W + l] = src[l·s_l + t] for l, t < 4: a 4×4 transpose (rows of src run along k). */
template <int64_t W>
inline void transpose4(const float* src, int64_t s_l, float* dst) {
  const v4 r0 = load4(src), r1 = load4(src + s_l), r2 = load4(src + 2 * s_l), r3 = load4(src + 3 * s_l);
  const v4 t0 = __builtin_shufflevector(r0, r1, 0, 4, 1, 5);  // r0[0] r1[0] r0[1] r1[1]
  const v4 t1 = __builtin_shufflevector(r2, r3, 0, 4, 1, 5);
  const v4 t2 = __builtin_shufflevector(r0, r1, 2, 6, 3, 7);
  const v4 t3 = __builtin_shufflevector(r2, r3, 2, 6, 3, 7);
  store4(dst, __builtin_shufflevector(t0, t1, 0, 1, 4, 5));
  store4(dst + W, __builtin_shufflevector(t0, t1, 2, 3, 6, 7));
  store4(dst + 2 * W, __builtin_shufflevector(t2, t3, 0, 1, 4, 5));
  store4(dst + 3 * W, __builtin_shufflevector(t2, t3, 2, 3, 6, 7));
}

#if NG_PACK_VEC_BYTES >= 32
// 8-lane transposes for ISAs with 256-bit vectors (with 128-bit ones the 4×4 path is as good).
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));

inline v8 load8(const float* p) { return *reinterpret_cast<const v8u*>(p); }
inline void store8(float* p, v8 v) { *reinterpret_cast<v8u*>(p) = v; }

/**
 * 8×8 transpose of rows r[0..7] (each 8 consecutive k) into columns c[t] (lane l = r[l][t]): the
 * unpack / shuffle / 128-bit-permute sequence (24 shuffles for 64 floats; the 4×4 path takes 8 per 16
 * plus the stores of four times as many vectors).
 */
inline void transpose8(const v8 (&r)[8], v8 (&c)[8]) {
  v8 t[8], u[8];
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    t[2 * i] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 0, 8, 1, 9, 4, 12, 5, 13);
    t[2 * i + 1] = __builtin_shufflevector(r[2 * i], r[2 * i + 1], 2, 10, 3, 11, 6, 14, 7, 15);
  }
#pragma GCC unroll 2
  for (int i = 0; i < 2; ++i) {
    const v8 a0 = t[4 * i], a1 = t[4 * i + 1], b0 = t[4 * i + 2], b1 = t[4 * i + 3];
    u[4 * i] = __builtin_shufflevector(a0, b0, 0, 1, 8, 9, 4, 5, 12, 13);
    u[4 * i + 1] = __builtin_shufflevector(a0, b0, 2, 3, 10, 11, 6, 7, 14, 15);
    u[4 * i + 2] = __builtin_shufflevector(a1, b1, 0, 1, 8, 9, 4, 5, 12, 13);
    u[4 * i + 3] = __builtin_shufflevector(a1, b1, 2, 3, 10, 11, 6, 7, 14, 15);
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; ++i) {
    c[i] = __builtin_shufflevector(u[i], u[4 + i], 0, 1, 2, 3, 8, 9, 10, 11);
    c[4 + i] = __builtin_shufflevector(u[i], u[4 + i], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}

/**
 * dst[(k + t)·W + l] = src[l·s_l + k + t] for t < 8 and all W lanes (w == W), k a multiple of 8 with
 * k + 8 <= kc: 8×8 transposes. Lane groups of 8 store whole rows; W = 6 (the AVX2 MR) transposes its six
 * rows with two zero rows and stores each 8-lane column over the next row's first two lanes, in
 * ascending order (the next store overwrites them), except the panel's very last row.
 */
template <int64_t W>
inline void transpose_block8(const float* src, int64_t s_l, int64_t k, int64_t kc, float* dst) {
  if constexpr (W == 6) {
    v8 r[8], c[8];
#pragma GCC unroll 6
    for (int l = 0; l < 6; ++l) r[l] = load8(src + l * s_l + k);
    r[6] = r[7] = v8{};
    transpose8(r, c);
    float* d = dst + k * W;
#pragma GCC unroll 7
    for (int t = 0; t < 7; ++t) store8(d + t * W, c[t]);
    if (k + 8 < kc) {
      store8(d + 7 * W, c[7]);
    } else {
      store4(d + 7 * W, __builtin_shufflevector(c[7], c[7], 0, 1, 2, 3));
      d[7 * W + 4] = c[7][4];
      d[7 * W + 5] = c[7][5];
    }
  } else {
#pragma GCC unroll 4
    for (int64_t l = 0; l + 8 <= W; l += 8) {
      v8 r[8], c[8];
#pragma GCC unroll 8
      for (int i = 0; i < 8; ++i) r[i] = load8(src + (l + i) * s_l + k);
      transpose8(r, c);
#pragma GCC unroll 8
      for (int t = 0; t < 8; ++t) store8(dst + (k + t) * W + l, c[t]);
    }
  }
}
#endif  // NG_PACK_VEC_BYTES >= 32

/**
 * The k-contiguous layout: dst[k·W + l] = src[l·s_l + k] for l < w (zero for w <= l < W), k < kc,
 * transposed 4×4 at a time where 4 lanes and 4 k are available.
 */
template <int64_t W>
void pack_panel_transposed(const float* src, int64_t s_l, int64_t w, int64_t kc, float* __restrict dst) {
  const int64_t w4 = w & ~int64_t{3};
  int64_t k = 0;
#if NG_PACK_VEC_BYTES >= 32
  if constexpr (W == 6 || W % 8 == 0) {
    if (w == W)
      for (; k + 8 <= kc; k += 8) transpose_block8<W>(src, s_l, k, kc, dst);
  }
#endif
  for (; k + 4 <= kc; k += 4) {
#pragma GCC unroll 8
    for (int64_t l = 0; l < W - 3; l += 4) {
      if (l >= w4) break;
      transpose4<W>(src + l * s_l + k, s_l, dst + k * W + l);
    }
    for (int64_t t = 0; t < 4; ++t) {
      for (int64_t l = w4; l < w; ++l) dst[(k + t) * W + l] = src[l * s_l + k + t];
      for (int64_t l = w; l < W; ++l) dst[(k + t) * W + l] = 0.0f;
    }
    if constexpr (W % 4 != 0) {
      // Lanes past the last group of 4 when W itself is not a multiple of 4 (w == W).
      if (w == W)
        for (int64_t t = 0; t < 4; ++t)
          for (int64_t l = w4; l < W; ++l) dst[(k + t) * W + l] = src[l * s_l + k + t];
    }
  }
  for (; k < kc; ++k) {
    for (int64_t l = 0; l < w; ++l) dst[k * W + l] = src[l * s_l + k];
    for (int64_t l = w; l < W; ++l) dst[k * W + l] = 0.0f;
  }
}

/**
 * Packs `width` lanes (rows of op(A) or columns of op(B)) × kc into ceil(width/W) panels of kc×W:
 * dst[p·W·kc + k·W + l] = src[(p·W + l)·s_l + k·s_k], zero past `width`. s_l == 1 (lanes contiguous)
 * walks k outermost so each source row is read once, front to back (panel by panel would stride
 * through the rows ceil(width/W) times, 4 KB apart for power-of-two leading dims: L1 set conflicts);
 * s_k == 1 transposes panel by panel; anything else goes element by element.
 */
template <int64_t W>
void pack_block(const float* src, int64_t s_l, int64_t s_k, int64_t width, int64_t kc, float* __restrict dst) {
  dst = static_cast<float*>(__builtin_assume_aligned(dst, 16));
  const int64_t full = width / W, edge = width - full * W;
  if (s_l == 1) {
    // kG source rows at a time, panel by panel: each panel gets kG·W contiguous floats per visit
    // and the rows are read front to back in kG parallel streams (one row at a time across all
    // panels writes to ceil(width/W) places kc·W apart, which share L1 sets: ~1.5x slower on Zen 3).
    constexpr int64_t kG = 8;
    int64_t k = 0;
    for (; k + kG <= kc; k += kG) {
      const float* s = src + k * s_k;
      float* d = dst + k * W;
      for (int64_t p = 0; p < full; ++p) {
#pragma GCC unroll 8
        for (int64_t t = 0; t < kG; ++t) copy_lanes<W>(d + p * W * kc + t * W, s + t * s_k + p * W);
      }
    }
    for (int64_t kk = k; kk < kc; ++kk) {
      const float* s = src + kk * s_k;
      float* d = dst + kk * W;
      for (int64_t p = 0; p < full; ++p) copy_lanes<W>(d + p * W * kc, s + p * W);
    }
    if (edge) {
      for (int64_t kk = 0; kk < kc; ++kk) {
        const float* s = src + kk * s_k + full * W;
        float* de = dst + full * W * kc + kk * W;
        for (int64_t l = 0; l < edge; ++l) de[l] = s[l];
        for (int64_t l = edge; l < W; ++l) de[l] = 0.0f;
      }
    }
    return;
  }
  for (int64_t p = 0; p * W < width; ++p) {
    const float* sp = src + p * W * s_l;
    float* dp = dst + p * W * kc;
    const int64_t w = min_of(W, width - p * W);
    if (s_k == 1) {
      pack_panel_transposed<W>(sp, s_l, w, kc, dp);
      continue;
    }
    for (int64_t k = 0; k < kc; ++k) {
      for (int64_t l = 0; l < w; ++l) dp[k * W + l] = sp[l * s_l + k * s_k];
      for (int64_t l = w; l < W; ++l) dp[k * W + l] = 0.0f;
    }
  }
}

}  // namespace

void pack_a(const float* A, int64_t rs_a, int64_t cs_a, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* dst) {
  pack_block<kGemmBlocking.MR>(A + i0 * rs_a + p0 * cs_a, rs_a, cs_a, mc, kc, dst);
}

void pack_b(const float* B, int64_t rs_b, int64_t cs_b, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* dst) {
  pack_block<kGemmBlocking.NR>(B + p0 * rs_b + j0 * cs_b, cs_b, rs_b, nc, kc, dst);
}

NG_END_ISA
