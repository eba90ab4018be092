// Portable implementation of the Vec API (see vec.h) in plain C++: 4 float lanes in an array, every
// operation a per-lane loop the compiler may turn into baseline SIMD (SSE2 on x86-64) — no intrinsics,
// no ISA flags. fma() is NOT fused here (a*b + c, two roundings: a software fmaf would be slow), so
// vec_math.h is written to be accurate either way. Included only by vec.h (inside ng::NG_ISA::(anonymous)).
#pragma once

struct Vec {
  static constexpr int kLanes = 4;
  struct Mask {
    uint32_t m[4];  // all ones (true) or zero (false) per lane
  };
  struct Int {
    int32_t i[4];
  };
  float v[4];

#define NG_VEC_LANES(expr) \
  for (int l = 0; l < 4; ++l) expr

  // ---- memory ----
  NG_VINLINE static Vec load(const float* p) { return loadu(p); }
  NG_VINLINE static Vec loadu(const float* p) {
    Vec r;
    NG_VEC_LANES(r.v[l] = p[l]);
    return r;
  }
  NG_VINLINE static void store(float* p, Vec a) { storeu(p, a); }
  NG_VINLINE static void storeu(float* p, Vec a) { NG_VEC_LANES(p[l] = a.v[l]); }
  /** Lanes [0, n) from p, the rest 0; reads only p[0..n). 0 <= n <= kLanes. */
  NG_VINLINE static Vec load_partial(const float* p, int n) {
    Vec r = zero();
    for (int l = 0; l < n; ++l) r.v[l] = p[l];
    return r;
  }
  /** Writes lanes [0, n) to p[0..n) only. */
  NG_VINLINE static void store_partial(float* p, Vec a, int n) {
    for (int l = 0; l < n; ++l) p[l] = a.v[l];
  }
  /** Lane l is true iff p[l] != 0 (kLanes bytes). */
  NG_VINLINE static Mask mask_from_u8(const uint8_t* p) {
    Mask r;
    NG_VEC_LANES(r.m[l] = p[l] != 0 ? ~0u : 0u);
    return r;
  }
  /** As mask_from_u8 for the first n bytes only; lanes >= n are false. */
  NG_VINLINE static Mask mask_from_u8_partial(const uint8_t* p, int n) {
    Mask r = {{0, 0, 0, 0}};
    for (int l = 0; l < n; ++l) r.m[l] = p[l] != 0 ? ~0u : 0u;
    return r;
  }

  // ---- constants ----
  NG_VINLINE static Vec set1(float x) {
    Vec r;
    NG_VEC_LANES(r.v[l] = x);
    return r;
  }
  NG_VINLINE static Vec zero() { return set1(0.0f); }
  /** {0, 1, ..., kLanes - 1}. */
  NG_VINLINE static Vec iota() { return {{0.0f, 1.0f, 2.0f, 3.0f}}; }

  // ---- arithmetic (IEEE, round to nearest) ----
  NG_VINLINE static Vec add(Vec a, Vec b) { return lanes(a, b, [](float x, float y) { return x + y; }); }
  NG_VINLINE static Vec sub(Vec a, Vec b) { return lanes(a, b, [](float x, float y) { return x - y; }); }
  NG_VINLINE static Vec mul(Vec a, Vec b) { return lanes(a, b, [](float x, float y) { return x * y; }); }
  NG_VINLINE static Vec div(Vec a, Vec b) { return lanes(a, b, [](float x, float y) { return x / y; }); }
  /** a*b + c, NOT fused on this ISA (two roundings). */
  NG_VINLINE static Vec fma(Vec a, Vec b, Vec c) { return add(mul(a, b), c); }
  /** c - a*b, not fused. */
  NG_VINLINE static Vec fnma(Vec a, Vec b, Vec c) { return sub(c, mul(a, b)); }
  NG_VINLINE static Vec sqrt(Vec a) {
    Vec r;
    NG_VEC_LANES(r.v[l] = __builtin_sqrtf(a.v[l]));
    return r;
  }
  /** a > b ? a : b per lane (so a NaN in either gives b, and max(0, -0) = -0). */
  NG_VINLINE static Vec max(Vec a, Vec b) { return lanes(a, b, [](float x, float y) { return x > y ? x : y; }); }
  /** a < b ? a : b per lane. */
  NG_VINLINE static Vec min(Vec a, Vec b) { return lanes(a, b, [](float x, float y) { return x < y ? x : y; }); }
  NG_VINLINE static Vec abs(Vec a) { return from_bits(iand(bits(a), iset1(0x7fffffff))); }
  NG_VINLINE static Vec neg(Vec a) {
    Int b = bits(a);
    NG_VEC_LANES(b.i[l] = static_cast<int32_t>(static_cast<uint32_t>(b.i[l]) ^ 0x80000000u));
    return from_bits(b);
  }
  /** |a| with the sign bit of b. */
  NG_VINLINE static Vec copysign(Vec a, Vec b) {
    const Int x = bits(a), y = bits(b);
    Int r;
    NG_VEC_LANES(r.i[l] = static_cast<int32_t>((static_cast<uint32_t>(x.i[l]) & 0x7fffffffu) | (static_cast<uint32_t>(y.i[l]) & 0x80000000u)));
    return from_bits(r);
  }

  // ---- comparisons (ordered: false when either lane is NaN, except ne) and masks ----
  NG_VINLINE static Mask lt(Vec a, Vec b) { return cmp(a, b, [](float x, float y) { return x < y; }); }
  NG_VINLINE static Mask le(Vec a, Vec b) { return cmp(a, b, [](float x, float y) { return x <= y; }); }
  NG_VINLINE static Mask gt(Vec a, Vec b) { return cmp(a, b, [](float x, float y) { return x > y; }); }
  NG_VINLINE static Mask ge(Vec a, Vec b) { return cmp(a, b, [](float x, float y) { return x >= y; }); }
  NG_VINLINE static Mask eq(Vec a, Vec b) { return cmp(a, b, [](float x, float y) { return x == y; }); }
  NG_VINLINE static Mask ne(Vec a, Vec b) { return cmp(a, b, [](float x, float y) { return x != y; }); }
  NG_VINLINE static Mask isnan(Vec a) { return cmp(a, a, [](float x, float y) { return x != y; }); }
  /** m ? a : b per lane (a bitwise blend, so NaN payloads and -0 pass through untouched). */
  NG_VINLINE static Vec select(Mask m, Vec a, Vec b) {
    const Int x = bits(a), y = bits(b);
    Int r;
    NG_VEC_LANES(r.i[l] = static_cast<int32_t>((static_cast<uint32_t>(x.i[l]) & m.m[l]) | (static_cast<uint32_t>(y.i[l]) & ~m.m[l])));
    return from_bits(r);
  }
  NG_VINLINE static Mask mask_and(Mask a, Mask b) {
    Mask r;
    NG_VEC_LANES(r.m[l] = a.m[l] & b.m[l]);
    return r;
  }
  NG_VINLINE static Mask mask_or(Mask a, Mask b) {
    Mask r;
    NG_VEC_LANES(r.m[l] = a.m[l] | b.m[l]);
    return r;
  }
  /** a && !b. */
  NG_VINLINE static Mask mask_andnot(Mask a, Mask b) {
    Mask r;
    NG_VEC_LANES(r.m[l] = a.m[l] & ~b.m[l]);
    return r;
  }
  NG_VINLINE static bool any(Mask m) { return (m.m[0] | m.m[1] | m.m[2] | m.m[3]) != 0; }
  /** Lanes [0, n) true. */
  NG_VINLINE static Mask first_n(int n) {
    Mask r;
    NG_VEC_LANES(r.m[l] = l < n ? ~0u : 0u);
    return r;
  }

  // ---- horizontal ----
  NG_VINLINE static float reduce_add(Vec a) { return (a.v[0] + a.v[1]) + (a.v[2] + a.v[3]); }
  /** Σ lanes in double (each lane converted exactly, added in double). */
  NG_VINLINE static double reduce_add_double(Vec a) {
    return (static_cast<double>(a.v[0]) + a.v[1]) + (static_cast<double>(a.v[2]) + a.v[3]);
  }
  /** Max / min over lanes with the max()/min() rule (callers handle NaN separately). */
  NG_VINLINE static float reduce_max(Vec a) {
    const Vec h = max(a, {{a.v[2], a.v[3], a.v[2], a.v[3]}});
    return h.v[0] > h.v[1] ? h.v[0] : h.v[1];
  }
  NG_VINLINE static float reduce_min(Vec a) {
    const Vec h = min(a, {{a.v[2], a.v[3], a.v[2], a.v[3]}});
    return h.v[0] < h.v[1] ? h.v[0] : h.v[1];
  }

  // ---- int32 lanes ----
  NG_VINLINE static Int bits(Vec a) { return __builtin_bit_cast(Int, a); }
  NG_VINLINE static Vec from_bits(Int i) { return __builtin_bit_cast(Vec, i); }
  NG_VINLINE static Int iset1(int32_t x) { return {{x, x, x, x}}; }
  NG_VINLINE static Int iadd(Int a, Int b) {
    Int r;
    NG_VEC_LANES(r.i[l] = static_cast<int32_t>(static_cast<uint32_t>(a.i[l]) + static_cast<uint32_t>(b.i[l])));
    return r;
  }
  NG_VINLINE static Int isub(Int a, Int b) {
    Int r;
    NG_VEC_LANES(r.i[l] = static_cast<int32_t>(static_cast<uint32_t>(a.i[l]) - static_cast<uint32_t>(b.i[l])));
    return r;
  }
  NG_VINLINE static Int iand(Int a, Int b) {
    Int r;
    NG_VEC_LANES(r.i[l] = a.i[l] & b.i[l]);
    return r;
  }
  template <int N> NG_VINLINE static Int shl(Int a) {
    Int r;
    NG_VEC_LANES(r.i[l] = static_cast<int32_t>(static_cast<uint32_t>(a.i[l]) << N));
    return r;
  }
  /** Arithmetic shift right. */
  template <int N> NG_VINLINE static Int sra(Int a) {
    Int r;
    NG_VEC_LANES(r.i[l] = a.i[l] >> N);
    return r;
  }
  /** int32 → float (exact below 2^24). */
  NG_VINLINE static Vec from_int(Int a) {
    Vec r;
    NG_VEC_LANES(r.v[l] = static_cast<float>(a.i[l]));
    return r;
  }
  /** float → int32, truncating (lanes must be in int32 range). */
  NG_VINLINE static Int to_int_trunc(Vec a) {
    Int r;
    NG_VEC_LANES(r.i[l] = static_cast<int32_t>(a.v[l]));
    return r;
  }

 private:
  template <typename F>
  NG_VINLINE static Vec lanes(Vec a, Vec b, F f) {
    Vec r;
    NG_VEC_LANES(r.v[l] = f(a.v[l], b.v[l]));
    return r;
  }
  template <typename F>
  NG_VINLINE static Mask cmp(Vec a, Vec b, F f) {
    Mask r;
    NG_VEC_LANES(r.m[l] = f(a.v[l], b.v[l]) ? ~0u : 0u);
    return r;
  }
#undef NG_VEC_LANES
};
