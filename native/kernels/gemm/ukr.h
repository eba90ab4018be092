// SGEMM micro-kernel contract and this translation unit's choice of micro-kernel + blocking. Every
// kernel source is compiled once per ISA; exactly one ukr_<isa>.cc is non-empty in each ISA library
// (its #if guard matches this header's NG_GEMM_UKR_<ISA>), and gemm.cc picks it at compile time
// through the NG_SGEMM_* names below. Internal header: no std:: code, nothing outside ng::NG_ISA.
#pragma once
#include "../common.h"

// NG_ISA is a bare token (scalar, avx2, avx512, neon); map it to a number the preprocessor can test,
// so the aarch64 "scalar" library (where __ARM_NEON is on by default) still gets the portable kernel.
#define NG_GEMM_ISA_ID_scalar 1
#define NG_GEMM_ISA_ID_avx2 2
#define NG_GEMM_ISA_ID_avx512 3
#define NG_GEMM_ISA_ID_neon 4
#define NG_GEMM_CAT_(a, b) a##b
#define NG_GEMM_CAT(a, b) NG_GEMM_CAT_(a, b)
#define NG_GEMM_ISA_ID NG_GEMM_CAT(NG_GEMM_ISA_ID_, NG_ISA)

#if NG_GEMM_ISA_ID == 3 && defined(__AVX512F__)
#define NG_GEMM_UKR_AVX512 1
#elif NG_GEMM_ISA_ID == 2 && defined(__AVX2__) && defined(__FMA__)
#define NG_GEMM_UKR_AVX2 1
#elif NG_GEMM_ISA_ID == 4 && defined(__aarch64__) && defined(__ARM_NEON)
#define NG_GEMM_UKR_NEON 1
#else
#define NG_GEMM_UKR_REF 1
#endif

NG_BEGIN_ISA

/**
 * Cache blocking of the five loops (all sizes in elements; BLIS's roles for a row-major C, which BLIS
 * computes as its transpose, so its A is our B):
 *   MR×NR  register tile of the micro-kernel (C rows × C columns; NR is the vector dimension);
 *   KC     depth of one packed A micro-panel (MR×KC) and B micro-panel (KC×NR): the narrow A
 *          micro-panel stays in L1 while the micro-kernel walks across an NC-column block of B;
 *   NC     columns of the packed B block (KC×NC, kept in L2), a multiple of NR;
 *   MC     rows of the packed A panel (MC×KC, kept in L3), a multiple of MR.
 */
struct GemmBlocking {
  int64_t MR, NR, MC, KC, NC;
};

/**
 * The micro-kernel contract (BLIS KernelsHowTo, row-major C):
 *   C[0:m, 0:n] := alpha · A·B + beta · C[0:m, 0:n]      with m <= MR, n <= NR, kc >= 1
 * - a: packed A micro-panel, kc × MR, k-major: A(r, k) = a[k·MR + r]; rows r >= m hold zeros.
 * - b: packed B micro-panel, kc × NR, k-major: B(k, j) = b[k·NR + j]; columns j >= n hold zeros.
 *   b is 64-byte aligned, and so is every k row of it when NR·4 is a multiple of 64; a is only
 *   float-aligned (a panel of MR·kc floats need not end on a cache line).
 * - c: row-major, row stride ldc (elements), column stride 1; any alignment. Only the m×n corner is
 *   read or written, and the edge tile (m < MR or n < NR) goes through the same arithmetic as a full
 *   one (so where a tile boundary falls never changes a result).
 * - beta == 0 writes C without reading it (C may hold NaN); otherwise C = alpha·AB + beta·C, rounded
 *   as fma(beta, C, alpha·AB) (vector ISAs) or alpha·AB + beta·C (portable kernel).
 * - a_next, b_next: the micro-panels of the next call (prefetch hints only; may be any address).
 * The "sup" variant reads A and B unpacked: A(r, k) = a[r·rs_a + k·cs_a], B(k, j) = b[k·rs_b + j],
 * with the same C semantics; columns j >= n of B are never read. Both accumulate over k in the
 * same order, so a packed and an unpacked call on the same data give bit-identical results.
 */
using SgemmUkr = void (*)(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc,
                          int64_t m, int64_t n, const float* a_next, const float* b_next);
/**
 * Optional edge sweep (NG_SGEMM_EDGE, where an ISA has one): rows [0, m) with m < MR of the product
 * of one packed A micro-panel with a whole packed B block (nc columns, ceil(nc/NR) micro-panels kc·NR
 * apart), with the micro-kernel's C semantics and the same per-element arithmetic (bit-identical
 * results). Returns false, doing nothing, for an m it leaves to the micro-kernel.
 */
using SgemmEdge = bool (*)(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc, int64_t m,
                           int64_t nc);
using SgemmSup = void (*)(int64_t kc, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b,
                          float beta, float* c, int64_t ldc, int64_t m, int64_t n);

#if defined(NG_GEMM_UKR_AVX512)
void sgemm_ukr_avx512_12x32(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc,
                            int64_t m, int64_t n, const float* a_next, const float* b_next);
void sgemm_sup_avx512_12x32(int64_t kc, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b,
                            float beta, float* c, int64_t ldc, int64_t m, int64_t n);
// A micro-panel 12×384×4 = 18 KB of a 32-48 KB L1d (a B micro-panel, 48 KB, streams past it); B block
// 384×480×4 = 720 KB of a 1-2 MB L2; A panel 3072×384×4 = 4.5 MB in L3 (measured: tests in the note of
// issue 3; BLIS skx uses the same KC 384 / 480 / 3072 for its 32×12 kernel).
constexpr GemmBlocking kGemmBlocking = {12, 32, 3072, 384, 480};
#define NG_SGEMM_UKR sgemm_ukr_avx512_12x32
#define NG_SGEMM_SUP sgemm_sup_avx512_12x32
#elif defined(NG_GEMM_UKR_AVX2)
void sgemm_ukr_avx2_6x16(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc,
                         int64_t m, int64_t n, const float* a_next, const float* b_next);
bool sgemm_edge_avx2_6x16(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc, int64_t m,
                          int64_t nc);
void sgemm_sup_avx2_6x16(int64_t kc, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b,
                         float beta, float* c, int64_t ldc, int64_t m, int64_t n);
// A micro-panel 6×256×4 = 6 KB in L1; B block 256×480×4 = 480 KB in L2 (BLIS haswell: KC 256).
constexpr GemmBlocking kGemmBlocking = {6, 16, 3072, 256, 480};
#define NG_SGEMM_UKR sgemm_ukr_avx2_6x16
#define NG_SGEMM_EDGE sgemm_edge_avx2_6x16
#define NG_SGEMM_SUP sgemm_sup_avx2_6x16
#elif defined(NG_GEMM_UKR_NEON)
void sgemm_ukr_neon_8x12(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc,
                         int64_t m, int64_t n, const float* a_next, const float* b_next);
void sgemm_sup_neon_8x12(int64_t kc, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b,
                         float beta, float* c, int64_t ldc, int64_t m, int64_t n);
// Typical arm64 cores: 64 KB L1d, 1 MB+ L2: B block 256×480×4 = 480 KB.
constexpr GemmBlocking kGemmBlocking = {8, 12, 3072, 256, 480};
#define NG_SGEMM_UKR sgemm_ukr_neon_8x12
#define NG_SGEMM_SUP sgemm_sup_neon_8x12
#else
void sgemm_ukr_ref_4x8(int64_t kc, float alpha, const float* a, const float* b, float beta, float* c, int64_t ldc,
                       int64_t m, int64_t n, const float* a_next, const float* b_next);
void sgemm_sup_ref_4x8(int64_t kc, float alpha, const float* a, int64_t rs_a, int64_t cs_a, const float* b, int64_t rs_b,
                       float beta, float* c, int64_t ldc, int64_t m, int64_t n);
constexpr GemmBlocking kGemmBlocking = {4, 8, 3072, 256, 480};
#define NG_SGEMM_UKR sgemm_ukr_ref_4x8
#define NG_SGEMM_SUP sgemm_sup_ref_4x8
#endif

NG_END_ISA
