// AVX2+FMA SGEMM micro-kernel, 6×16 (BLIS haswell's row-preferential shape): 12 ymm accumulators, per
// k two vector loads of the packed B row and six broadcasts of the packed A column. Partial-width
// tiles run the same arithmetic on a local C tile and copy the valid part; the last row panel of a
// packed A block with 1-4 rows takes the edge sweep instead (2 rows x 48 columns, 3x32, 4x16: as many
// accumulators as fit, so an M of 32 or 128 does not pay a 6-row tile for 2 rows). The k loops of
// the packed kernel and of the unpacked kernel's full tiles run four k per iteration in GCC inline
// assembly (x86-64 GCC/Clang; the intrinsic loop elsewhere and for the last kc mod 4). Empty unless
// this TU is the avx2 library (see ukr.h).
#include "ukr.h"

#if defined(NG_GEMM_UKR_AVX2)
#include <immintrin.h>
#if defined(NG_GEMM_TUNING)
#include <stdlib.h>  // getenv (development builds only)
#endif

NG_BEGIN_ISA
namespace {

constexpr int MR = 6;
constexpr int NR = 16;
#if defined(NG_GEMM_TUNING)
const bool kUnrolledAsm = !getenv("NG_NOASM");
#else
constexpr bool kUnrolledAsm = true;
#endif

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

/**
 * One A row of a k step in the assembly k loops: A(r, k) broadcast from AADDR into T, then C0 += B0·T and
 * C1 += B1·T (B0, B1: the k row's 16 B values). Registers and addresses as asm operand text.
 */
#define NG_ASM_ROW(AADDR, T, B0, B1, C0, C1) \
  "vbroadcastss " AADDR ", " T "\n\t"       \
  "vfmadd231ps " B0 ", " T ", " C0 "\n\t"   \
  "vfmadd231ps " B1 ", " T ", " C1 "\n\t"

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
  // Four k per iteration in assembly (GCC, unrolling the intrinsics below, hoists loads across
  // iterations and spills accumulators: 15 of the 16 ymm registers are live): 20 µops per k instead of
  // 24 (the pointer and counter updates once per four k), which counts when the core's other hardware
  // thread (another tenant of the host) shares its dispatch: 1 thread on the loaded Zen 3 host, medians of
  // 5-8 interleaved runs against OpenBLAS, 1024² 0.92 -> 1.03x, 2048² 0.89 -> 1.04x, mlp 128×784×256
  // 0.93 -> 1.10x. No software prefetch of A: a prefetch per k costs more than it saves (packed A streams
  // from L2 in order). Same FMAs in the same order as the one-k loop after it, which does the last kc
  // mod 4 (results bit-identical to it).
#if defined(__GNUC__) && defined(__x86_64__)
  if (kUnrolledAsm && kc >= 4) {
    int64_t n4 = kc >> 2;
#define NG_K_STEP(U)                                                                     \
  "vmovaps " #U "*64(%[b]), %%ymm13\n\t"                                                    \
  "vmovaps " #U "*64+32(%[b]), %%ymm14\n\t"                                                 \
  NG_ASM_ROW(#U "*24(%[a])", "%%ymm15", "%%ymm13", "%%ymm14", "%[c00]", "%[c01]")           \
  NG_ASM_ROW(#U "*24+4(%[a])", "%%ymm15", "%%ymm13", "%%ymm14", "%[c10]", "%[c11]")         \
  NG_ASM_ROW(#U "*24+8(%[a])", "%%ymm15", "%%ymm13", "%%ymm14", "%[c20]", "%[c21]")         \
  NG_ASM_ROW(#U "*24+12(%[a])", "%%ymm15", "%%ymm13", "%%ymm14", "%[c30]", "%[c31]")        \
  NG_ASM_ROW(#U "*24+16(%[a])", "%%ymm15", "%%ymm13", "%%ymm14", "%[c40]", "%[c41]")        \
  NG_ASM_ROW(#U "*24+20(%[a])", "%%ymm15", "%%ymm13", "%%ymm14", "%[c50]", "%[c51]")
    __asm__ volatile(
        ".p2align 5\n"
        "1:\n\t" NG_K_STEP(0) NG_K_STEP(1) NG_K_STEP(2) NG_K_STEP(3)
        "addq $96, %[a]\n\t"
        "addq $256, %[b]\n\t"
        "decq %[n]\n\t"
        "jnz 1b\n\t"
        : [a] "+r"(a), [b] "+r"(b), [n] "+r"(n4),
          [c00] "+x"(acc[0][0]), [c01] "+x"(acc[0][1]), [c10] "+x"(acc[1][0]), [c11] "+x"(acc[1][1]),
          [c20] "+x"(acc[2][0]), [c21] "+x"(acc[2][1]), [c30] "+x"(acc[3][0]), [c31] "+x"(acc[3][1]),
          [c40] "+x"(acc[4][0]), [c41] "+x"(acc[4][1]), [c50] "+x"(acc[5][0]), [c51] "+x"(acc[5][1])
        :
        : "memory", "cc", "xmm13", "xmm14", "xmm15");
#undef NG_K_STEP
    kc &= 3;
  }
#endif
  for (int64_t k = 0; k < kc; ++k) {
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

namespace {

/**
 * Rows [0, R) of the product across P adjacent packed B micro-panels (P·16 columns, n of them valid),
 * R·2P accumulators: the narrow edge of an A panel (m < 6 rows) at full FMA throughput instead of a
 * 6-row tile doing m rows of work. a is the packed A micro-panel (stride MR per k).
 */
template <int R, int P>
__attribute__((always_inline)) inline void edge_rows(int64_t kc, float alpha, const float* a, const float* b, int64_t panel,
                                                     float beta, float* c, int64_t ldc, int64_t n) {
  __m256 acc[R][2 * P];
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r)
#pragma GCC unroll 6
    for (int q = 0; q < 2 * P; ++q) acc[r][q] = _mm256_setzero_ps();
  for (int64_t k = 0; k < kc; ++k) {
    // R broadcasts, then one B vector at a time: R·2P + R + 1 <= 16 registers (no spills).
    __m256 ar[R];
#pragma GCC unroll 6
    for (int r = 0; r < R; ++r) ar[r] = _mm256_broadcast_ss(a + r);
#pragma GCC unroll 6
    for (int q = 0; q < 2 * P; ++q) {
      const __m256 bq = _mm256_load_ps(b + (q / 2) * panel + 8 * (q % 2));
#pragma GCC unroll 6
      for (int r = 0; r < R; ++r) acc[r][q] = _mm256_fmadd_ps(ar[r], bq, acc[r][q]);
    }
    a += MR;
    b += NR;
  }
  const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
#pragma GCC unroll 6
  for (int r = 0; r < R; ++r) {
    float* cr = c + r * ldc;
#pragma GCC unroll 6
    for (int q = 0; q < 2 * P; ++q) {
      const int64_t lanes = n - 8 * q;
      if (lanes <= 0) break;
      __m256 t = _mm256_mul_ps(acc[r][q], va);
      if (lanes >= 8) {
        if (beta != 0.0f) t = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr + 8 * q), t);
        _mm256_storeu_ps(cr + 8 * q, t);
      } else {
        const __m256i mask = lane_mask(lanes);
        if (beta != 0.0f) t = _mm256_fmadd_ps(vb, _mm256_maskload_ps(cr + 8 * q, mask), t);
        _mm256_maskstore_ps(cr + 8 * q, mask, t);
      }
    }
  }
}

/** edge_rows<R, P> over all of nc columns: groups of P panels, then the leftover panels. */
template <int R, int P>
void edge_sweep(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc, int64_t nc) {
  const int64_t panel = NR * kc;
  int64_t j = 0;
  for (; j + P * NR <= nc; j += P * NR) edge_rows<R, P>(kc, alpha, a, b + (j / NR) * panel, panel, beta, c + j, ldc, P * NR);
  const int64_t left = nc - j;
  if (left <= 0) return;
  if constexpr (P > 1) {
    if (left > (P - 1) * NR) {
      edge_rows<R, P>(kc, alpha, a, b + (j / NR) * panel, panel, beta, c + j, ldc, left);
      return;
    }
    edge_sweep<R, P - 1>(kc, alpha, a, b + (j / NR) * panel, beta, c + j, ldc, left);
  } else {
    edge_rows<R, 1>(kc, alpha, a, b + (j / NR) * panel, panel, beta, c + j, ldc, left);
  }
}

}  // namespace

bool sgemm_edge_avx2_6x16(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc, int64_t m,
                          int64_t nc) {
  switch (m) {
    case 1:
      edge_sweep<1, 3>(kc, alpha, a, b, beta, c, ldc, nc);
      return true;
    case 2:
      edge_sweep<2, 3>(kc, alpha, a, b, beta, c, ldc, nc);
      return true;
    case 3:
      edge_sweep<3, 2>(kc, alpha, a, b, beta, c, ldc, nc);
      return true;
    case 4:
      edge_sweep<4, 1>(kc, alpha, a, b, beta, c, ldc, nc);
      return true;
    default:
      return false;  // 5 rows: the 6-row kernel wastes only one
  }
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
  int64_t ka = 0, k = 0;
#if defined(__GNUC__) && defined(__x86_64__)
  if (kUnrolledAsm && full && m == MR && cs_a == 1 && kc >= 4) {
    // A full tile of a row-major A: four k per iteration in assembly, as in the packed kernel (rows
    // 0-5 of A at a + {0, 1, 2, 3, 4, 5}·rs_a by the addressing modes; B's four rows likewise). The
    // accumulators come back through memory for the last kc mod 4 k below. Same FMAs in the same order.
    alignas(32) float out[MR * 2 * 8];
    int64_t n4 = kc >> 2;
    const float* ap = a;
    const int64_t rs = rs_a * 4, rs3 = 3 * rs, rs5 = 5 * rs, rsb = rs_b * 4, rsb3 = 3 * rsb;
#define NG_SUP_STEP(BLO, BHI, AOFF)                                                              \
  "vmovups " BLO ", %%ymm12\n\t"                                                                 \
  "vmovups " BHI ", %%ymm13\n\t"                                                                 \
  NG_ASM_ROW(AOFF "(%[a])", "%%ymm14", "%%ymm12", "%%ymm13", "%%ymm0", "%%ymm1")                 \
  NG_ASM_ROW(AOFF "(%[a],%[rs],1)", "%%ymm15", "%%ymm12", "%%ymm13", "%%ymm2", "%%ymm3")         \
  NG_ASM_ROW(AOFF "(%[a],%[rs],2)", "%%ymm14", "%%ymm12", "%%ymm13", "%%ymm4", "%%ymm5")         \
  NG_ASM_ROW(AOFF "(%[a],%[rs3],1)", "%%ymm15", "%%ymm12", "%%ymm13", "%%ymm6", "%%ymm7")        \
  NG_ASM_ROW(AOFF "(%[a],%[rs],4)", "%%ymm14", "%%ymm12", "%%ymm13", "%%ymm8", "%%ymm9")         \
  NG_ASM_ROW(AOFF "(%[a],%[rs5],1)", "%%ymm15", "%%ymm12", "%%ymm13", "%%ymm10", "%%ymm11")
    __asm__ volatile(
        "vxorps %%ymm0, %%ymm0, %%ymm0\n\t"
        "vxorps %%ymm1, %%ymm1, %%ymm1\n\t"
        "vxorps %%ymm2, %%ymm2, %%ymm2\n\t"
        "vxorps %%ymm3, %%ymm3, %%ymm3\n\t"
        "vxorps %%ymm4, %%ymm4, %%ymm4\n\t"
        "vxorps %%ymm5, %%ymm5, %%ymm5\n\t"
        "vxorps %%ymm6, %%ymm6, %%ymm6\n\t"
        "vxorps %%ymm7, %%ymm7, %%ymm7\n\t"
        "vxorps %%ymm8, %%ymm8, %%ymm8\n\t"
        "vxorps %%ymm9, %%ymm9, %%ymm9\n\t"
        "vxorps %%ymm10, %%ymm10, %%ymm10\n\t"
        "vxorps %%ymm11, %%ymm11, %%ymm11\n\t"
        ".p2align 5\n"
        "1:\n\t"
        NG_SUP_STEP("(%[b])", "32(%[b])", "0")
        NG_SUP_STEP("(%[b],%[rsb],1)", "32(%[b],%[rsb],1)", "4")
        NG_SUP_STEP("(%[b],%[rsb],2)", "32(%[b],%[rsb],2)", "8")
        NG_SUP_STEP("(%[b],%[rsb3],1)", "32(%[b],%[rsb3],1)", "12")
        "addq $16, %[a]\n\t"
        "leaq (%[b],%[rsb],4), %[b]\n\t"
        "decq %[n]\n\t"
        "jnz 1b\n\t"
        "vmovaps %%ymm0, 0(%[out])\n\t"
        "vmovaps %%ymm1, 32(%[out])\n\t"
        "vmovaps %%ymm2, 64(%[out])\n\t"
        "vmovaps %%ymm3, 96(%[out])\n\t"
        "vmovaps %%ymm4, 128(%[out])\n\t"
        "vmovaps %%ymm5, 160(%[out])\n\t"
        "vmovaps %%ymm6, 192(%[out])\n\t"
        "vmovaps %%ymm7, 224(%[out])\n\t"
        "vmovaps %%ymm8, 256(%[out])\n\t"
        "vmovaps %%ymm9, 288(%[out])\n\t"
        "vmovaps %%ymm10, 320(%[out])\n\t"
        "vmovaps %%ymm11, 352(%[out])\n\t"
        : [a] "+r"(ap), [b] "+r"(b), [n] "+r"(n4)
        : [rs] "r"(rs), [rs3] "r"(rs3), [rs5] "r"(rs5), [rsb] "r"(rsb), [rsb3] "r"(rsb3), [out] "r"(out)
        : "memory", "cc", "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
          "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
#undef NG_SUP_STEP
#pragma GCC unroll 6
    for (int r = 0; r < MR; ++r) {
      acc[r][0] = _mm256_load_ps(out + 16 * r);
      acc[r][1] = _mm256_load_ps(out + 16 * r + 8);
    }
    k = kc & ~int64_t{3};
    ka = k;  // cs_a == 1
  }
#endif
  for (; k < kc; ++k, ka += cs_a) {
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

#undef NG_ASM_ROW

NG_END_ISA

#endif  // NG_GEMM_UKR_AVX2
