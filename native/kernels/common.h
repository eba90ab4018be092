// Shared helpers for kernel sources. Every file in native/kernels/ is compiled once per ISA with
// NG_ISA=<scalar|avx2|avx512|neon> and wraps its code in `namespace ng::NG_ISA`, so nothing compiled
// with wide-vector flags can be merged into code another ISA runs. Rules for kernel sources:
// no std:: templates or inline library code (std::vector, std::string, std::min, <cmath> overloads) —
// use the C math functions and the helpers below — and no exceptions.
#pragma once
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "ng/kernels.h"
#include "ng/scratch.h"
#include "ng/threadpool.h"

#ifndef NG_ISA
#error "NG_ISA must name the instruction set this translation unit is compiled for"
#endif

#define NG_BEGIN_ISA namespace ng { namespace NG_ISA {
#define NG_END_ISA } }

NG_BEGIN_ISA

template <typename T>
static inline T min_of(T a, T b) { return b < a ? b : a; }
template <typename T>
static inline T max_of(T a, T b) { return a < b ? b : a; }

/** JS ToInt32 on a double: NaN/inf → 0, truncate, wrap modulo 2^32 (matches the reference's `| 0`). */
static inline int32_t to_int32(double v) {
  if (!__builtin_isfinite(v)) return 0;
  const double t = trunc(v);
  if (t >= -2147483648.0 && t <= 2147483647.0) return static_cast<int32_t>(t);
  double m = fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

/** Runs f(ith, nth, lo, hi) over [0, n) on the shared pool (inline below `grain`). */
template <typename F>
static inline void parallel(int64_t n, int64_t grain, F& f) {
  ng::parallel_for(
      n, grain, [](void* ctx, int ith, int nth, int64_t lo, int64_t hi) { (*static_cast<F*>(ctx))(ith, nth, lo, hi); }, &f);
}

NG_END_ISA
