// NEON (AArch64 Advanced SIMD) implementation of the Vec API (see vec.h): 4 float lanes in a q register,
// masks as all-ones/zero uint32 lanes. max/min are written as compare+select so they follow the API's
// "a > b ? a : b" rule (NEON's fmax would propagate NaN and order ±0). Included only by vec.h (after
// <arm_neon.h>, inside ng::NG_ISA::(anonymous)).
#pragma once

#if !defined(__ARM_NEON) || !defined(__aarch64__)
#error "vec_neon.h needs AArch64 NEON (it is selected by NG_ISA=neon)"
#endif

struct Vec {
  static constexpr int kLanes = 4;
  using Mask = uint32x4_t;
  using Int = int32x4_t;  // 4 int32 lanes, for exponent/mantissa bit work in vec_math.h
  float32x4_t v;

  // ---- memory ----
  NG_VINLINE static Vec load(const float* p) { return {vld1q_f32(p)}; }
  NG_VINLINE static Vec loadu(const float* p) { return {vld1q_f32(p)}; }
  NG_VINLINE static void store(float* p, Vec a) { vst1q_f32(p, a.v); }
  NG_VINLINE static void storeu(float* p, Vec a) { vst1q_f32(p, a.v); }
  /** Lanes [0, n) from p, the rest 0; reads only p[0..n). 0 <= n <= kLanes. */
  NG_VINLINE static Vec load_partial(const float* p, int n) {
    float t[4] = {0, 0, 0, 0};
    memcpy(t, p, static_cast<size_t>(n) * sizeof(float));
    return {vld1q_f32(t)};
  }
  /** Writes lanes [0, n) to p[0..n) only. */
  NG_VINLINE static void store_partial(float* p, Vec a, int n) {
    float t[4];
    vst1q_f32(t, a.v);
    memcpy(p, t, static_cast<size_t>(n) * sizeof(float));
  }
  /** Lane l is true iff p[l] != 0 (kLanes bytes). */
  NG_VINLINE static Mask mask_from_u8(const uint8_t* p) { return mask_from_u8_partial(p, 4); }
  /** As mask_from_u8 for the first n bytes only; lanes >= n are false. */
  NG_VINLINE static Mask mask_from_u8_partial(const uint8_t* p, int n) {
    uint32_t b = 0;
    memcpy(&b, p, static_cast<size_t>(n));
    const uint32x4_t w = vmovl_u16(vget_low_u16(vmovl_u8(vreinterpret_u8_u32(vdup_n_u32(b)))));
    return vtstq_u32(w, w);
  }

  // ---- constants ----
  NG_VINLINE static Vec set1(float x) { return {vdupq_n_f32(x)}; }
  NG_VINLINE static Vec zero() { return {vdupq_n_f32(0.0f)}; }
  /** {0, 1, ..., kLanes - 1}. */
  NG_VINLINE static Vec iota() {
    static const float k[4] = {0.0f, 1.0f, 2.0f, 3.0f};
    return {vld1q_f32(k)};
  }

  // ---- arithmetic (IEEE, round to nearest) ----
  NG_VINLINE static Vec add(Vec a, Vec b) { return {vaddq_f32(a.v, b.v)}; }
  NG_VINLINE static Vec sub(Vec a, Vec b) { return {vsubq_f32(a.v, b.v)}; }
  NG_VINLINE static Vec mul(Vec a, Vec b) { return {vmulq_f32(a.v, b.v)}; }
  NG_VINLINE static Vec div(Vec a, Vec b) { return {vdivq_f32(a.v, b.v)}; }
  /** a*b + c, fused (one rounding). */
  NG_VINLINE static Vec fma(Vec a, Vec b, Vec c) { return {vfmaq_f32(c.v, a.v, b.v)}; }
  /** c - a*b, fused. */
  NG_VINLINE static Vec fnma(Vec a, Vec b, Vec c) { return {vfmsq_f32(c.v, a.v, b.v)}; }
  NG_VINLINE static Vec sqrt(Vec a) { return {vsqrtq_f32(a.v)}; }
  /** a > b ? a : b per lane (so a NaN in either gives b, and max(0, -0) = -0). */
  NG_VINLINE static Vec max(Vec a, Vec b) { return {vbslq_f32(vcgtq_f32(a.v, b.v), a.v, b.v)}; }
  /** a < b ? a : b per lane. */
  NG_VINLINE static Vec min(Vec a, Vec b) { return {vbslq_f32(vcltq_f32(a.v, b.v), a.v, b.v)}; }
  NG_VINLINE static Vec abs(Vec a) { return {vabsq_f32(a.v)}; }
  NG_VINLINE static Vec neg(Vec a) { return {vnegq_f32(a.v)}; }
  /** |a| with the sign bit of b. */
  NG_VINLINE static Vec copysign(Vec a, Vec b) { return {vbslq_f32(vdupq_n_u32(0x80000000u), b.v, a.v)}; }

  // ---- comparisons (ordered: false when either lane is NaN, except ne) and masks ----
  NG_VINLINE static Mask lt(Vec a, Vec b) { return vcltq_f32(a.v, b.v); }
  NG_VINLINE static Mask le(Vec a, Vec b) { return vcleq_f32(a.v, b.v); }
  NG_VINLINE static Mask gt(Vec a, Vec b) { return vcgtq_f32(a.v, b.v); }
  NG_VINLINE static Mask ge(Vec a, Vec b) { return vcgeq_f32(a.v, b.v); }
  NG_VINLINE static Mask eq(Vec a, Vec b) { return vceqq_f32(a.v, b.v); }
  NG_VINLINE static Mask ne(Vec a, Vec b) { return vmvnq_u32(vceqq_f32(a.v, b.v)); }
  NG_VINLINE static Mask isnan(Vec a) { return vmvnq_u32(vceqq_f32(a.v, a.v)); }
  /** m ? a : b per lane. */
  NG_VINLINE static Vec select(Mask m, Vec a, Vec b) { return {vbslq_f32(m, a.v, b.v)}; }
  NG_VINLINE static Mask mask_and(Mask a, Mask b) { return vandq_u32(a, b); }
  NG_VINLINE static Mask mask_or(Mask a, Mask b) { return vorrq_u32(a, b); }
  /** a && !b. */
  NG_VINLINE static Mask mask_andnot(Mask a, Mask b) { return vbicq_u32(a, b); }
  NG_VINLINE static bool any(Mask m) { return vmaxvq_u32(m) != 0; }
  /** Lanes [0, n) true. */
  NG_VINLINE static Mask first_n(int n) {
    static const uint32_t k[4] = {0, 1, 2, 3};
    return vcltq_u32(vld1q_u32(k), vdupq_n_u32(static_cast<uint32_t>(n)));
  }

  // ---- horizontal ----
  NG_VINLINE static float reduce_add(Vec a) { return vaddvq_f32(a.v); }
  /** Σ lanes in double (each lane converted exactly, added in double). */
  NG_VINLINE static double reduce_add_double(Vec a) {
    return vaddvq_f64(vaddq_f64(vcvt_f64_f32(vget_low_f32(a.v)), vcvt_high_f64_f32(a.v)));
  }
  /** Max / min over lanes with the max()/min() rule (callers handle NaN separately). */
  NG_VINLINE static float reduce_max(Vec a) {
    const Vec h = max(a, {vextq_f32(a.v, a.v, 2)});
    const float x = vgetq_lane_f32(h.v, 0), y = vgetq_lane_f32(h.v, 1);
    return x > y ? x : y;
  }
  NG_VINLINE static float reduce_min(Vec a) {
    const Vec h = min(a, {vextq_f32(a.v, a.v, 2)});
    const float x = vgetq_lane_f32(h.v, 0), y = vgetq_lane_f32(h.v, 1);
    return x < y ? x : y;
  }

  // ---- int32 lanes ----
  NG_VINLINE static Int bits(Vec a) { return vreinterpretq_s32_f32(a.v); }
  NG_VINLINE static Vec from_bits(Int i) { return {vreinterpretq_f32_s32(i)}; }
  NG_VINLINE static Int iset1(int32_t x) { return vdupq_n_s32(x); }
  NG_VINLINE static Int iadd(Int a, Int b) { return vaddq_s32(a, b); }
  NG_VINLINE static Int isub(Int a, Int b) { return vsubq_s32(a, b); }
  NG_VINLINE static Int iand(Int a, Int b) { return vandq_s32(a, b); }
  template <int N> NG_VINLINE static Int shl(Int a) { return vshlq_n_s32(a, N); }
  /** Arithmetic shift right. */
  template <int N> NG_VINLINE static Int sra(Int a) { return vshrq_n_s32(a, N); }
  /** int32 → float (exact below 2^24). */
  NG_VINLINE static Vec from_int(Int a) { return {vcvtq_f32_s32(a)}; }
  /** float → int32, truncating (lanes must be in int32 range). */
  NG_VINLINE static Int to_int_trunc(Vec a) { return vcvtq_s32_f32(a.v); }
};
