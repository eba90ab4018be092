// AVX2 + FMA implementation of the Vec API (see vec.h): 8 float lanes in a ymm register; a mask is a
// ymm register of all-ones / all-zeros lanes. Included only by vec.h (after <immintrin.h>, inside
// ng::NG_ISA::(anonymous)), only in translation units built with -mavx2 -mfma.
#pragma once

#if !defined(__AVX2__) || !defined(__FMA__)
#error "vec_avx2.h needs -mavx2 -mfma (it is selected by NG_ISA=avx2)"
#endif

struct Vec {
  static constexpr int kLanes = 8;
  using Mask = __m256;
  using Int = __m256i;  // 8 int32 lanes, for exponent/mantissa bit work in vec_math.h
  __m256 v;

  // ---- memory ----
  NG_VINLINE static Vec load(const float* p) { return {_mm256_load_ps(p)}; }  // 32-byte aligned
  NG_VINLINE static Vec loadu(const float* p) { return {_mm256_loadu_ps(p)}; }
  NG_VINLINE static void store(float* p, Vec a) { _mm256_store_ps(p, a.v); }
  NG_VINLINE static void storeu(float* p, Vec a) { _mm256_storeu_ps(p, a.v); }
  /** Lanes [0, n) from p, the rest 0; reads only p[0..n) (masked lanes never fault). 0 <= n <= kLanes. */
  NG_VINLINE static Vec load_partial(const float* p, int n) { return {_mm256_maskload_ps(p, first_n_i(n))}; }
  /** Writes lanes [0, n) to p[0..n) only. */
  NG_VINLINE static void store_partial(float* p, Vec a, int n) { _mm256_maskstore_ps(p, first_n_i(n), a.v); }
  /** Lane l is true iff p[l] != 0 (kLanes bytes). */
  NG_VINLINE static Mask mask_from_u8(const uint8_t* p) {
    const __m256i w = _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_xor_si256(_mm256_cmpeq_epi32(w, _mm256_setzero_si256()), _mm256_set1_epi32(-1)));
  }
  /** As mask_from_u8 for the first n bytes only; lanes >= n are false. */
  NG_VINLINE static Mask mask_from_u8_partial(const uint8_t* p, int n) {
    uint64_t b = 0;
    memcpy(&b, p, static_cast<size_t>(n));
    const __m256i w = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(static_cast<long long>(b)));
    return _mm256_castsi256_ps(_mm256_xor_si256(_mm256_cmpeq_epi32(w, _mm256_setzero_si256()), _mm256_set1_epi32(-1)));
  }

  // ---- constants ----
  NG_VINLINE static Vec set1(float x) { return {_mm256_set1_ps(x)}; }
  NG_VINLINE static Vec zero() { return {_mm256_setzero_ps()}; }
  /** {0, 1, ..., kLanes - 1}. */
  NG_VINLINE static Vec iota() { return {_mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7)}; }

  // ---- arithmetic (IEEE, round to nearest) ----
  NG_VINLINE static Vec add(Vec a, Vec b) { return {_mm256_add_ps(a.v, b.v)}; }
  NG_VINLINE static Vec sub(Vec a, Vec b) { return {_mm256_sub_ps(a.v, b.v)}; }
  NG_VINLINE static Vec mul(Vec a, Vec b) { return {_mm256_mul_ps(a.v, b.v)}; }
  NG_VINLINE static Vec div(Vec a, Vec b) { return {_mm256_div_ps(a.v, b.v)}; }
  /** a*b + c, fused (one rounding). */
  NG_VINLINE static Vec fma(Vec a, Vec b, Vec c) { return {_mm256_fmadd_ps(a.v, b.v, c.v)}; }
  /** c - a*b, fused. */
  NG_VINLINE static Vec fnma(Vec a, Vec b, Vec c) { return {_mm256_fnmadd_ps(a.v, b.v, c.v)}; }
  NG_VINLINE static Vec sqrt(Vec a) { return {_mm256_sqrt_ps(a.v)}; }
  /** a > b ? a : b per lane (so a NaN in either gives b, and max(0, -0) = -0). */
  NG_VINLINE static Vec max(Vec a, Vec b) { return {_mm256_max_ps(a.v, b.v)}; }
  /** a < b ? a : b per lane. */
  NG_VINLINE static Vec min(Vec a, Vec b) { return {_mm256_min_ps(a.v, b.v)}; }
  NG_VINLINE static Vec abs(Vec a) { return {_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }
  NG_VINLINE static Vec neg(Vec a) { return {_mm256_xor_ps(a.v, _mm256_set1_ps(-0.0f))}; }
  /** |a| with the sign bit of b. */
  NG_VINLINE static Vec copysign(Vec a, Vec b) {
    const __m256 s = _mm256_set1_ps(-0.0f);
    return {_mm256_or_ps(_mm256_andnot_ps(s, a.v), _mm256_and_ps(s, b.v))};
  }

  // ---- comparisons (ordered: false when either lane is NaN, except ne) and masks ----
  NG_VINLINE static Mask lt(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_LT_OQ); }
  NG_VINLINE static Mask le(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_LE_OQ); }
  NG_VINLINE static Mask gt(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_GT_OQ); }
  NG_VINLINE static Mask ge(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_GE_OQ); }
  NG_VINLINE static Mask eq(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_EQ_OQ); }
  NG_VINLINE static Mask ne(Vec a, Vec b) { return _mm256_cmp_ps(a.v, b.v, _CMP_NEQ_UQ); }
  NG_VINLINE static Mask isnan(Vec a) { return _mm256_cmp_ps(a.v, a.v, _CMP_UNORD_Q); }
  /** m ? a : b per lane. */
  NG_VINLINE static Vec select(Mask m, Vec a, Vec b) { return {_mm256_blendv_ps(b.v, a.v, m)}; }
  NG_VINLINE static Mask mask_and(Mask a, Mask b) { return _mm256_and_ps(a, b); }
  NG_VINLINE static Mask mask_or(Mask a, Mask b) { return _mm256_or_ps(a, b); }
  /** a && !b. */
  NG_VINLINE static Mask mask_andnot(Mask a, Mask b) { return _mm256_andnot_ps(b, a); }
  NG_VINLINE static bool any(Mask m) { return _mm256_movemask_ps(m) != 0; }
  /** Lanes [0, n) true. */
  NG_VINLINE static Mask first_n(int n) { return _mm256_castsi256_ps(first_n_i(n)); }

  // ---- horizontal ----
  NG_VINLINE static float reduce_add(Vec a) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(a.v), _mm256_extractf128_ps(a.v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  /** Σ lanes in double (each lane converted exactly, added in double). */
  NG_VINLINE static double reduce_add_double(Vec a) {
    __m256d d = _mm256_add_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(a.v)), _mm256_cvtps_pd(_mm256_extractf128_ps(a.v, 1)));
    __m128d s = _mm_add_pd(_mm256_castpd256_pd128(d), _mm256_extractf128_pd(d, 1));
    s = _mm_add_sd(s, _mm_unpackhi_pd(s, s));
    return _mm_cvtsd_f64(s);
  }
  /** Max / min over lanes with the max()/min() rule (callers handle NaN separately). */
  NG_VINLINE static float reduce_max(Vec a) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(a.v), _mm256_extractf128_ps(a.v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  NG_VINLINE static float reduce_min(Vec a) {
    __m128 s = _mm_min_ps(_mm256_castps256_ps128(a.v), _mm256_extractf128_ps(a.v, 1));
    s = _mm_min_ps(s, _mm_movehl_ps(s, s));
    s = _mm_min_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }

  // ---- int32 lanes ----
  NG_VINLINE static Int bits(Vec a) { return _mm256_castps_si256(a.v); }
  NG_VINLINE static Vec from_bits(Int i) { return {_mm256_castsi256_ps(i)}; }
  NG_VINLINE static Int iset1(int32_t x) { return _mm256_set1_epi32(x); }
  NG_VINLINE static Int iadd(Int a, Int b) { return _mm256_add_epi32(a, b); }
  NG_VINLINE static Int isub(Int a, Int b) { return _mm256_sub_epi32(a, b); }
  NG_VINLINE static Int iand(Int a, Int b) { return _mm256_and_si256(a, b); }
  template <int N> NG_VINLINE static Int shl(Int a) { return _mm256_slli_epi32(a, N); }
  /** Arithmetic shift right. */
  template <int N> NG_VINLINE static Int sra(Int a) { return _mm256_srai_epi32(a, N); }
  /** int32 → float (exact below 2^24). */
  NG_VINLINE static Vec from_int(Int a) { return {_mm256_cvtepi32_ps(a)}; }
  /** float → int32, truncating (lanes must be in int32 range). */
  NG_VINLINE static Int to_int_trunc(Vec a) { return _mm256_cvttps_epi32(a.v); }

 private:
  NG_VINLINE static __m256i first_n_i(int n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
};
