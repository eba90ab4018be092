// The one SIMD API kernel bodies are written against. NG_ISA (scalar | avx2 | avx512 | neon, set per
// kernel library by binding.gyp) selects exactly one of vec_scalar.h, vec_avx2.h, vec_avx512.h,
// vec_neon.h; each defines the same `Vec` type with the same static functions:
//   kLanes; Mask (per-lane bool), Int (int32 lanes);
//   load/loadu, store/storeu, load_partial/store_partial (tails: touch only the first n elements),
//   mask_from_u8(_partial) (bool bytes → Mask), set1, zero, iota;
//   add, sub, mul, div, fma (a*b+c; fused except on scalar), fnma (c-a*b), sqrt, max/min (a > b ? a : b,
//   so NaN is NOT propagated — kernels that must propagate NaN test isnan), abs, neg, copysign;
//   lt, le, gt, ge, eq (ordered), ne, isnan, select(m, a, b) = m ? a : b, mask_and/or/andnot, any, first_n;
//   reduce_add (float), reduce_add_double (lanes summed in double), reduce_max/min (no NaN rule);
//   bits/from_bits, iset1, iadd, isub, iand, shl<N>, sra<N>, from_int, to_int_trunc.
// Everything lands in an anonymous namespace inside ng::NG_ISA (internal linkage, always inlined), so
// no code compiled with wide-vector flags can be shared with another ISA's library. Vector math
// (exp, log, tanh, ...) built on this API lives in vec_math.h. Include no standard library here.
#pragma once
#include <stdint.h>
#include <string.h>

#ifndef NG_ISA
#error "NG_ISA must name the instruction set this translation unit is compiled for"
#endif

#define NG_VINLINE inline __attribute__((always_inline))

// Map the NG_ISA token to a number the preprocessor can compare.
#define NG_VEC_ISA_scalar 1
#define NG_VEC_ISA_avx2 2
#define NG_VEC_ISA_avx512 3
#define NG_VEC_ISA_neon 4
#define NG_VEC_PASTE2(a, b) a##b
#define NG_VEC_PASTE(a, b) NG_VEC_PASTE2(a, b)
#define NG_VEC_ISA_ID NG_VEC_PASTE(NG_VEC_ISA_, NG_ISA)

#if NG_VEC_ISA_ID == 3
#include <immintrin.h>
#elif NG_VEC_ISA_ID == 2
#include <immintrin.h>
#elif NG_VEC_ISA_ID == 4
#include <arm_neon.h>
#elif NG_VEC_ISA_ID != 1
#error "vec.h: unknown NG_ISA"
#endif

namespace ng {
namespace NG_ISA {
namespace {

#if NG_VEC_ISA_ID == 3
#include "vec_avx512.h"
#elif NG_VEC_ISA_ID == 2
#include "vec_avx2.h"
#elif NG_VEC_ISA_ID == 4
#include "vec_neon.h"
#else
#include "vec_scalar.h"
#endif

// Operator sugar for the math code (same meaning as the named functions).
NG_VINLINE Vec operator+(Vec a, Vec b) { return Vec::add(a, b); }
NG_VINLINE Vec operator-(Vec a, Vec b) { return Vec::sub(a, b); }
NG_VINLINE Vec operator*(Vec a, Vec b) { return Vec::mul(a, b); }
NG_VINLINE Vec operator/(Vec a, Vec b) { return Vec::div(a, b); }

}  // namespace
}  // namespace NG_ISA
}  // namespace ng
