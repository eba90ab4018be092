// AVX-512 (F, DQ, BW, VL) implementation of the Vec API (see vec.h): 16 float lanes in a zmm register,
// masks in k registers. Included only by vec.h (after <immintrin.h>, inside ng::NG_ISA::(anonymous)),
// only in translation units built with -mavx512f -mavx512dq -mavx512bw -mavx512vl.
#pragma once

#ifndef __AVX512F__
#error "vec_avx512.h needs -mavx512f (it is selected by NG_ISA=avx512)"
#endif

struct Vec {
  static constexpr int kLanes = 16;
  using Mask = __mmask16;
  using Int = __m512i;  // 16 int32 lanes, for exponent/mantissa bit work in vec_math.h
  __m512 v;

  // ---- memory ----
  NG_VINLINE static Vec load(const float* p) { return {_mm512_load_ps(p)}; }  // 64-byte aligned
  NG_VINLINE static Vec loadu(const float* p) { return {_mm512_loadu_ps(p)}; }
  NG_VINLINE static void store(float* p, Vec a) { _mm512_store_ps(p, a.v); }
  NG_VINLINE static void storeu(float* p, Vec a) { _mm512_storeu_ps(p, a.v); }
  /** Lanes [0, n) from p, the rest 0; reads only p[0..n). 0 <= n <= kLanes. */
  NG_VINLINE static Vec load_partial(const float* p, int n) { return {_mm512_maskz_loadu_ps(first_n(n), p)}; }
  /** Writes lanes [0, n) to p[0..n) only. */
  NG_VINLINE static void store_partial(float* p, Vec a, int n) { _mm512_mask_storeu_ps(p, first_n(n), a.v); }
  /** Lane l is true iff p[l] != 0 (kLanes bytes). */
  NG_VINLINE static Mask mask_from_u8(const uint8_t* p) {
    return _mm512_test_epi32_mask(_mm512_cvtepu8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))), _mm512_set1_epi32(-1));
  }
  /** As mask_from_u8 for the first n bytes only; lanes >= n are false. */
  NG_VINLINE static Mask mask_from_u8_partial(const uint8_t* p, int n) {
    return _mm512_test_epi32_mask(_mm512_cvtepu8_epi32(_mm_maskz_loadu_epi8(static_cast<__mmask16>(first_n(n)), p)), _mm512_set1_epi32(-1));
  }

  // ---- constants ----
  NG_VINLINE static Vec set1(float x) { return {_mm512_set1_ps(x)}; }
  NG_VINLINE static Vec zero() { return {_mm512_setzero_ps()}; }
  /** {0, 1, ..., kLanes - 1}. */
  NG_VINLINE static Vec iota() { return {_mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)}; }

  // ---- arithmetic (IEEE, round to nearest) ----
  NG_VINLINE static Vec add(Vec a, Vec b) { return {_mm512_add_ps(a.v, b.v)}; }
  NG_VINLINE static Vec sub(Vec a, Vec b) { return {_mm512_sub_ps(a.v, b.v)}; }
  NG_VINLINE static Vec mul(Vec a, Vec b) { return {_mm512_mul_ps(a.v, b.v)}; }
  NG_VINLINE static Vec div(Vec a, Vec b) { return {_mm512_div_ps(a.v, b.v)}; }
  /** a*b + c, fused (one rounding). */
  NG_VINLINE static Vec fma(Vec a, Vec b, Vec c) { return {_mm512_fmadd_ps(a.v, b.v, c.v)}; }
  /** c - a*b, fused. */
  NG_VINLINE static Vec fnma(Vec a, Vec b, Vec c) { return {_mm512_fnmadd_ps(a.v, b.v, c.v)}; }
  NG_VINLINE static Vec sqrt(Vec a) { return {_mm512_sqrt_ps(a.v)}; }
  /** a > b ? a : b per lane (so a NaN in either gives b, and max(0, -0) = -0). */
  NG_VINLINE static Vec max(Vec a, Vec b) { return {_mm512_max_ps(a.v, b.v)}; }
  /** a < b ? a : b per lane. */
  NG_VINLINE static Vec min(Vec a, Vec b) { return {_mm512_min_ps(a.v, b.v)}; }
  NG_VINLINE static Vec abs(Vec a) { return {_mm512_abs_ps(a.v)}; }
  NG_VINLINE static Vec neg(Vec a) { return {_mm512_xor_ps(a.v, _mm512_set1_ps(-0.0f))}; }
  /** |a| with the sign bit of b. */
  NG_VINLINE static Vec copysign(Vec a, Vec b) {
    const __m512 s = _mm512_set1_ps(-0.0f);
    return {_mm512_or_ps(_mm512_andnot_ps(s, a.v), _mm512_and_ps(s, b.v))};
  }

  // ---- comparisons (ordered: false when either lane is NaN, except ne) and masks ----
  NG_VINLINE static Mask lt(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_LT_OQ); }
  NG_VINLINE static Mask le(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_LE_OQ); }
  NG_VINLINE static Mask gt(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_GT_OQ); }
  NG_VINLINE static Mask ge(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_GE_OQ); }
  NG_VINLINE static Mask eq(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_EQ_OQ); }
  NG_VINLINE static Mask ne(Vec a, Vec b) { return _mm512_cmp_ps_mask(a.v, b.v, _CMP_NEQ_UQ); }
  NG_VINLINE static Mask isnan(Vec a) { return _mm512_cmp_ps_mask(a.v, a.v, _CMP_UNORD_Q); }
  /** m ? a : b per lane. */
  NG_VINLINE static Vec select(Mask m, Vec a, Vec b) { return {_mm512_mask_blend_ps(m, b.v, a.v)}; }
  NG_VINLINE static Mask mask_and(Mask a, Mask b) { return static_cast<Mask>(a & b); }
  NG_VINLINE static Mask mask_or(Mask a, Mask b) { return static_cast<Mask>(a | b); }
  /** a && !b. */
  NG_VINLINE static Mask mask_andnot(Mask a, Mask b) { return static_cast<Mask>(a & ~b); }
  NG_VINLINE static bool any(Mask m) { return m != 0; }
  /** Lanes [0, n) true. */
  NG_VINLINE static Mask first_n(int n) { return static_cast<Mask>((1u << n) - 1u); }

  // ---- horizontal ----
  NG_VINLINE static float reduce_add(Vec a) { return _mm512_reduce_add_ps(a.v); }
  /** Σ lanes in double (each lane converted exactly, added in double). */
  NG_VINLINE static double reduce_add_double(Vec a) {
    const __m512d lo = _mm512_cvtps_pd(_mm512_castps512_ps256(a.v));
    const __m512d hi = _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a.v), 1)));
    return _mm512_reduce_add_pd(_mm512_add_pd(lo, hi));
  }
  /** Max / min over lanes with the max()/min() rule (callers handle NaN separately). */
  NG_VINLINE static float reduce_max(Vec a) { return _mm512_reduce_max_ps(a.v); }
  NG_VINLINE static float reduce_min(Vec a) { return _mm512_reduce_min_ps(a.v); }

  // ---- int32 lanes ----
  NG_VINLINE static Int bits(Vec a) { return _mm512_castps_si512(a.v); }
  NG_VINLINE static Vec from_bits(Int i) { return {_mm512_castsi512_ps(i)}; }
  NG_VINLINE static Int iset1(int32_t x) { return _mm512_set1_epi32(x); }
  NG_VINLINE static Int iadd(Int a, Int b) { return _mm512_add_epi32(a, b); }
  NG_VINLINE static Int isub(Int a, Int b) { return _mm512_sub_epi32(a, b); }
  NG_VINLINE static Int iand(Int a, Int b) { return _mm512_and_si512(a, b); }
  template <int N> NG_VINLINE static Int shl(Int a) { return _mm512_slli_epi32(a, N); }
  /** Arithmetic shift right. */
  template <int N> NG_VINLINE static Int sra(Int a) { return _mm512_srai_epi32(a, N); }
  /** int32 → float (exact below 2^24). */
  NG_VINLINE static Vec from_int(Int a) { return {_mm512_cvtepi32_ps(a)}; }
  /** float → int32, truncating (lanes must be in int32 range). */
  NG_VINLINE static Int to_int_trunc(Vec a) { return _mm512_cvttps_epi32(a.v); }
};
