// Vector float math written once on the Vec API (vec.h), so every ISA runs the same algorithm:
// vexp, vexpm1, vlog, vlog1p, vtanh, vsigmoid, verf. Each is accurate to a few float ulps over the
// WHOLE float range (measured max errors are in tests/ops/vecmath.test.ts and native/simd/check/), and
// handles ±inf, NaN (propagated), ±0 (sign kept where the function is odd), subnormal inputs and
// results, and overflow/underflow like the C library. Branch-free: lanes pick results with select().
// sin/cos/pow stay on the C library (one call per element): a vector version is not worth its size here.
// ref: S. L. Moshier, Cephes Math Library (expf.c, logf.c, tanhf.c polynomials); erf coefficients are
// Chebyshev fits made for this file (see the comment above kErfSmall).
#pragma once
#include "vec.h"

namespace ng {
namespace NG_ISA {
namespace {

/** c[0] + x·(c[1] + x·(c[2] + ...)), by Horner with fma. */
template <int N>
NG_VINLINE Vec vpoly(Vec x, const float (&c)[N]) {
  Vec r = Vec::set1(c[N - 1]);
  for (int i = N - 2; i >= 0; --i) r = Vec::fma(r, x, Vec::set1(c[i]));
  return r;
}

constexpr float kLog2e = 1.44269504088896341f;
// ln 2 = kLn2Hi + kLn2Lo; kLn2Hi has 9 significant bits, so n·kLn2Hi is exact for |n| < 2^15 even
// without a fused multiply-add (Cody-Waite reduction).
constexpr float kLn2Hi = 0.693359375f;
constexpr float kLn2Lo = -2.12194440e-4f;
// Adding 1.5·2^23 rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits.
constexpr float kRoundMagic = 12582912.0f;
constexpr int32_t kRoundMagicBits = 0x4B400000;
// Cephes expf: e^r = 1 + r + r²·P(r) for |r| <= ln2/2 (relative error ~1e-7).
constexpr float kExpP[6] = {5.0000001201e-1f, 1.6666665459e-1f, 4.1665795894e-2f, 8.3334519073e-3f, 1.3981999507e-3f, 1.9875691500e-4f};

/** x = n·ln2 + r with n = round(x·log2 e), |r| <= ~ln2/2. `kn` carries n in its low mantissa bits. */
struct ExpParts {
  Vec r, n, kn;
};
NG_VINLINE ExpParts exp_reduce(Vec x) {
  const Vec kn = Vec::fma(x, Vec::set1(kLog2e), Vec::set1(kRoundMagic));
  const Vec n = kn - Vec::set1(kRoundMagic);
  Vec r = Vec::fnma(n, Vec::set1(kLn2Hi), x);
  r = Vec::fnma(n, Vec::set1(kLn2Lo), r);
  return {r, n, kn};
}

/** 2^k for integer k in [-126, 127], from its exponent bits. */
NG_VINLINE Vec pow2i(Vec::Int k) { return Vec::from_bits(Vec::shl<23>(Vec::iadd(k, Vec::iset1(127)))); }

/**
 * e^x. x is clamped to [-104, 89] (beyond which the float result is 0 or inf anyway; NaN passes the
 * clamp), so n ∈ [-150, 128]; 2^n is applied as 2^(n - n/2)·2^(n/2) so both factors are normal and
 * the last multiply rounds once into the subnormal range (or overflows to inf) exactly like libm.
 */
NG_VINLINE Vec vexp(Vec x) {
  x = Vec::max(Vec::set1(-104.0f), Vec::min(Vec::set1(89.0f), x));
  const ExpParts p = exp_reduce(x);
  const Vec r2 = p.r * p.r;
  const Vec e = Vec::fma(vpoly(p.r, kExpP), r2, p.r) + Vec::set1(1.0f);
  const Vec::Int n = Vec::isub(Vec::bits(p.kn), Vec::iset1(kRoundMagicBits));
  const Vec::Int n1 = Vec::sra<1>(n);
  return (e * pow2i(n1)) * pow2i(Vec::isub(n, n1));
}

/**
 * e^x - 1 without cancellation: expm1(r) = r + r²·P(r) (the exp polynomial), then
 * expm1(x) = 2^n·expm1(r) + (2^n - 1) with one fused rounding (2^n - 1 is exact for |n| <= 24).
 * n = 128 (x in (88.4, 89]) uses 2^127 and doubles the result; x < -30 gives -1; |x| < 2^-25 gives x.
 */
NG_VINLINE Vec vexpm1(Vec x) {
  const Vec xc = Vec::max(Vec::set1(-30.0f), Vec::min(Vec::set1(89.0f), x));
  const ExpParts p = exp_reduce(xc);
  const Vec pm1 = Vec::fma(vpoly(p.r, kExpP), p.r * p.r, p.r);
  const Vec nc = Vec::min(p.n, Vec::set1(127.0f));
  const Vec t = pow2i(Vec::to_int_trunc(nc));
  Vec res = Vec::fma(t, pm1, t - Vec::set1(1.0f));
  res = Vec::select(Vec::gt(p.n, nc), res + res, res);
  return Vec::select(Vec::lt(Vec::abs(x), Vec::set1(0x1p-25f)), x, res);
}

// Cephes logf: log(1 + f) = f - f²/2 + f³·P(f) for 1 + f in [sqrt(1/2), sqrt(2)).
constexpr float kLogP[9] = {3.3333331174e-1f, -2.4999993993e-1f, 2.0000714765e-1f, -1.6668057665e-1f, 1.4249322787e-1f,
                            -1.2420140846e-1f, 1.1676998740e-1f, -1.1514610310e-1f, 7.0376836292e-2f};

/**
 * Natural log. x = 2^k·z with z in [sqrt(1/2), sqrt(2)) by integer work on the bits (subnormals are
 * first scaled by 2^23); log x = k·ln2 + log z. log(±0) = -inf, log(x < 0) = NaN, log(inf) = inf.
 */
NG_VINLINE Vec vlog(Vec x) {
  const Vec::Mask sub = Vec::lt(x, Vec::set1(0x1p-126f));
  const Vec xs = Vec::select(sub, x * Vec::set1(0x1p23f), x);
  const Vec::Int ix = Vec::bits(xs);
  const Vec::Int tmp = Vec::isub(ix, Vec::iset1(0x3f3504f3));  // bits of sqrt(1/2)
  const Vec::Int k = Vec::sra<23>(tmp);
  const Vec z = Vec::from_bits(Vec::isub(ix, Vec::iand(tmp, Vec::iset1(static_cast<int32_t>(0xff800000u)))));
  const Vec kf = Vec::from_int(k) - Vec::select(sub, Vec::set1(23.0f), Vec::zero());
  const Vec f = z - Vec::set1(1.0f);
  const Vec f2 = f * f;
  Vec y = (f2 * f) * vpoly(f, kLogP);
  y = Vec::fma(kf, Vec::set1(kLn2Lo), y);
  y = Vec::fnma(f2, Vec::set1(0.5f), y);
  Vec res = Vec::fma(kf, Vec::set1(kLn2Hi), f + y);
  const float inf = __builtin_inff();
  res = Vec::select(Vec::eq(x, Vec::set1(inf)), x, res);
  res = Vec::select(Vec::lt(x, Vec::zero()), Vec::set1(__builtin_nanf("")), res);
  res = Vec::select(Vec::eq(x, Vec::zero()), Vec::set1(-inf), res);
  return Vec::select(Vec::isnan(x), x, res);
}

/**
 * log(1 + x): u = 1 + x rounded, then log u + (x - (u - 1))/u corrects the rounding of u (Goldberg's
 * trick in additive form); u = 1 returns x (tiny x, -0, subnormals).
 */
NG_VINLINE Vec vlog1p(Vec x) {
  const Vec one = Vec::set1(1.0f);
  const Vec u = x + one;
  const Vec lu = vlog(u);
  const Vec c = (x - (u - one)) / u;
  const Vec::Mask finite = Vec::mask_and(Vec::gt(u, Vec::zero()), Vec::lt(u, Vec::set1(__builtin_inff())));
  const Vec res = Vec::select(finite, lu + c, lu);
  return Vec::select(Vec::eq(u, one), x, res);
}

// Cephes tanhf, |x| < 0.625: tanh x = x + x·z·P(z), z = x².
constexpr float kTanhP[5] = {-3.33332819422e-1f, 1.33314422036e-1f, -5.37397155531e-2f, 2.06390887954e-2f, -5.70498872745e-3f};

/** tanh: the odd polynomial below |x| = 0.625, 1 - 2/(e^(2|x|) + 1) above (|x| clamped at 10, where tanh rounds to 1). */
NG_VINLINE Vec vtanh(Vec x) {
  const Vec ax = Vec::abs(x);
  const Vec z = ax * ax;
  const Vec small = Vec::fma(vpoly(z, kTanhP) * z, ax, ax);
  const Vec e = vexp(Vec::min(Vec::set1(10.0f), ax) * Vec::set1(2.0f));
  const Vec large = Vec::set1(1.0f) - Vec::set1(2.0f) / (e + Vec::set1(1.0f));
  return Vec::copysign(Vec::select(Vec::lt(ax, Vec::set1(0.625f)), small, large), x);
}

/** 1/(1 + e^-x), stable: with e = e^-|x| (never overflows), 1/(1 + e) for x >= 0 and e/(1 + e) below. */
NG_VINLINE Vec vsigmoid(Vec x) {
  const Vec e = vexp(Vec::neg(Vec::abs(x)));
  const Vec one = Vec::set1(1.0f);
  return Vec::select(Vec::lt(x, Vec::zero()), e, one) / (one + e);
}

// erf for |x| < 1: erf x = x + x·Q(x²), Q(s) = erf(√s)/√s - 1 (the x + x·Q form keeps the leading term
// exact). For 1 <= |x| <= 4: erf x = 1 - e^(-x²)·R(|x| - 2.5), R(x) = erfc(x)·e^(x²). Both are
// Chebyshev interpolants (degree 6 and 11, computed in 40-digit arithmetic with mpmath) rounded to
// float; above 3.92 erf rounds to ±1.
constexpr float kErfSmall[7] = {1.283791661e-01f, -3.761262596e-01f, 1.128359437e-01f, -2.685421146e-02f,
                                5.189087242e-03f, -8.016864303e-04f, 7.875874871e-05f};
constexpr float kErfcx[12] = {2.108063549e-01f, -7.434734702e-02f, 2.493819967e-02f, -8.001617156e-03f,
                              2.465999685e-03f, -7.333448739e-04f, 2.129504719e-04f, -5.932730346e-05f,
                              1.436468210e-05f, -3.834632025e-06f, 1.669836706e-06f, -4.123142787e-07f};

/** erf, odd: computed on |x| and given x's sign (so erf(-0) = -0). */
NG_VINLINE Vec verf(Vec x) {
  const Vec ax = Vec::abs(x);
  const Vec small = Vec::fma(ax, vpoly(ax * ax, kErfSmall), ax);
  const Vec a4 = Vec::min(Vec::set1(4.0f), ax);
  const Vec e = vexp(Vec::neg(a4 * a4));
  const Vec large = Vec::fnma(e, vpoly(a4 - Vec::set1(2.5f), kErfcx), Vec::set1(1.0f));
  return Vec::copysign(Vec::select(Vec::lt(ax, Vec::set1(1.0f)), small, large), x);
}

}  // namespace
}  // namespace NG_ISA
}  // namespace ng
