// Checked argument accessors for the binding: every value from JS is validated (type, integrality,
// range, array bounds against the shapes it will be walked with) before a kernel sees a pointer.
// Failures throw JS TypeError/RangeError with "<op>: <arg> <expectation>, got <actual>".
#pragma once
#include <napi.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "ng/kernels.h"

namespace ngb {

constexpr int kMaxRank = 32;
constexpr double kMaxInt = 9007199254740992.0;  // 2^53

[[noreturn]] inline void type_error(const Napi::Env& env, const std::string& op, const std::string& msg) {
  throw Napi::TypeError::New(env, op + ": " + msg);
}
[[noreturn]] inline void range_error(const Napi::Env& env, const std::string& op, const std::string& msg) {
  throw Napi::RangeError::New(env, op + ": " + msg);
}

inline std::string describe(const Napi::Value& v) {
  if (v.IsUndefined()) return "undefined";
  if (v.IsNull()) return "null";
  if (v.IsTypedArray()) return "a typed array";
  if (v.IsArray()) return "an array";
  if (v.IsNumber()) return "number " + std::to_string(v.As<Napi::Number>().DoubleValue());
  if (v.IsBoolean()) return "a boolean";
  if (v.IsString()) return "a string";
  if (v.IsFunction()) return "a function";
  return "an object";
}

inline void check_count(const Napi::CallbackInfo& info, const char* op, size_t n) {
  if (info.Length() != n) type_error(info.Env(), op, "expected " + std::to_string(n) + " arguments, got " + std::to_string(info.Length()));
}

/** A typed array argument: base pointer, element count, dtype. */
struct ArrayArg {
  char* data = nullptr;
  int64_t length = 0;
  ng::DType dtype = ng::DType::F32;
  std::string name;
  size_t elem() const { return ng::dtype_size(dtype); }
};

inline ArrayArg array_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray()) type_error(info.Env(), op, std::string(name) + " must be a Float32Array, Int32Array or Uint8Array, got " + describe(v));
  const auto ta = v.As<Napi::TypedArray>();
  ArrayArg a;
  a.name = name;
  switch (ta.TypedArrayType()) {
    case napi_float32_array: a.dtype = ng::DType::F32; break;
    case napi_int32_array: a.dtype = ng::DType::I32; break;
    case napi_uint8_array: a.dtype = ng::DType::U8; break;
    case napi_float64_array:
      type_error(info.Env(), op, std::string(name) + " is a Float64Array: float64 kernels run on the reference backend");
    default: type_error(info.Env(), op, std::string(name) + " must be a Float32Array, Int32Array or Uint8Array");
  }
  Napi::ArrayBuffer buf = ta.ArrayBuffer();
  // NOTE: checked before Data(): napi_get_arraybuffer_info fails on a SharedArrayBuffer with a bare "Invalid argument".
  if (!buf.IsArrayBuffer()) type_error(info.Env(), op, std::string(name) + " is backed by a SharedArrayBuffer; pass an array over a plain ArrayBuffer");
  if (buf.IsDetached()) type_error(info.Env(), op, std::string(name) + " is backed by a detached ArrayBuffer");
  a.data = static_cast<char*>(buf.Data()) + ta.ByteOffset();
  a.length = static_cast<int64_t>(ta.ElementLength());
  return a;
}

inline double number_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  const Napi::Value v = info[i];
  if (!v.IsNumber()) type_error(info.Env(), op, std::string(name) + " must be a number, got " + describe(v));
  return v.As<Napi::Number>().DoubleValue();
}

/** An integer in [lo, hi]. */
inline int64_t int_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, int64_t lo, int64_t hi) {
  const double d = number_arg(info, i, op, name);
  if (!std::isfinite(d) || std::floor(d) != d) range_error(info.Env(), op, std::string(name) + " must be an integer, got " + std::to_string(d));
  if (d < static_cast<double>(lo) || d > static_cast<double>(hi)) {
    range_error(info.Env(), op, std::string(name) + " must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + std::to_string(d));
  }
  return static_cast<int64_t>(d);
}

inline bool bool_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name) {
  const Napi::Value v = info[i];
  if (!v.IsBoolean()) type_error(info.Env(), op, std::string(name) + " must be a boolean, got " + describe(v));
  return v.As<Napi::Boolean>().Value();
}

/** A Float64Array of non-negative integers (a shape or stride list), optionally of a required length. */
inline std::vector<int64_t> dims_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, int want = -1) {
  const Napi::Value v = info[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float64_array) {
    type_error(info.Env(), op, std::string(name) + " must be a Float64Array, got " + describe(v));
  }
  auto ta = v.As<Napi::Float64Array>();
  if (ta.ArrayBuffer().IsDetached()) type_error(info.Env(), op, std::string(name) + " is backed by a detached ArrayBuffer");
  const size_t n = ta.ElementLength();
  if (n > static_cast<size_t>(kMaxRank)) range_error(info.Env(), op, std::string(name) + " has " + std::to_string(n) + " dims, more than " + std::to_string(kMaxRank));
  if (want >= 0 && n != static_cast<size_t>(want)) range_error(info.Env(), op, std::string(name) + " must have " + std::to_string(want) + " entries, got " + std::to_string(n));
  std::vector<int64_t> out(n);
  for (size_t k = 0; k < n; ++k) {
    const double d = ta[k];
    if (!std::isfinite(d) || std::floor(d) != d || d < 0 || d >= kMaxInt) {
      range_error(info.Env(), op, std::string(name) + " must hold non-negative integers, got " + std::to_string(d) + " at " + std::to_string(k));
    }
    out[k] = static_cast<int64_t>(d);
  }
  return out;
}

/** Number of elements of a shape, with overflow checks (an empty shape has 0, whatever its other dims). */
inline int64_t checked_numel(const Napi::Env& env, const char* op, const std::vector<int64_t>& shape) {
  if (std::find(shape.begin(), shape.end(), int64_t{0}) != shape.end()) return 0;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (__builtin_mul_overflow(n, d, &n) || n > static_cast<int64_t>(kMaxInt)) range_error(env, op, "shape has too many elements");
  }
  return n;
}

/** A byte range [lo, hi) that an operand touches (empty when nothing is accessed). */
struct Span {
  const char* lo = nullptr;
  const char* hi = nullptr;
  bool empty() const { return lo == hi; }
};

/**
 * Checks that walking `shape` with `strides` from `offset` stays inside `a`; returns the pointer to
 * element [0..0] and the touched byte span.
 */
inline char* strided_ptr(const Napi::Env& env, const char* op, const ArrayArg& a, int64_t offset, const std::vector<int64_t>& shape,
                         const std::vector<int64_t>& strides, Span* span = nullptr) {
  if (strides.size() != shape.size()) range_error(env, op, a.name + " strides must have one entry per dim");
  bool any_zero = false;
  for (int64_t d : shape) any_zero = any_zero || d == 0;
  if (offset < 0 || offset > a.length) range_error(env, op, a.name + " offset " + std::to_string(offset) + " is outside its array of length " + std::to_string(a.length));
  if (any_zero) {
    if (span) *span = Span{};
    return a.data + offset * static_cast<int64_t>(a.elem());
  }
  int64_t last = offset;
  for (size_t k = 0; k < shape.size(); ++k) {
    int64_t step;
    if (__builtin_mul_overflow(shape[k] - 1, strides[k], &step) || __builtin_add_overflow(last, step, &last)) {
      range_error(env, op, a.name + " strides overflow");
    }
  }
  if (last >= a.length) {
    range_error(env, op, a.name + " is too short: the shape and strides reach element " + std::to_string(last) + " but it has " + std::to_string(a.length));
  }
  char* p = a.data + offset * static_cast<int64_t>(a.elem());
  if (span) *span = Span{p, a.data + (last + 1) * static_cast<int64_t>(a.elem())};
  return p;
}

/** A contiguous operand of n elements. */
inline Span contiguous_span(const Napi::Env& env, const char* op, const ArrayArg& a, int64_t n) {
  if (n < 0 || a.length < n) range_error(env, op, a.name + " is too short: needs " + std::to_string(n) + " elements, has " + std::to_string(a.length));
  return n == 0 ? Span{} : Span{a.data, a.data + n * static_cast<int64_t>(a.elem())};
}

inline void check_no_overlap(const Napi::Env& env, const char* op, const Span& out, const char* out_name, const Span& in, const char* in_name,
                             bool allow_identical = false) {
  if (out.empty() || in.empty()) return;
  if (allow_identical && out.lo == in.lo && out.hi == in.hi) return;
  if (out.lo < in.hi && in.lo < out.hi) range_error(env, op, std::string(out_name) + " must not overlap " + in_name);
}

/**
 * Checks that an output layout never maps two indices of `shape` to one element (an empty shape writes
 * nothing and passes). Sufficient test: ordered by stride, each dim of size > 1 must step past everything
 * the smaller-stride dims reach. Every view ops/ produces (narrow, permute, step of a contiguous array)
 * passes; aliasing layouts would race in the kernel and let a small buffer drive a huge iteration count.
 * Call after strided_ptr (which has ruled out overflow).
 */
inline void check_no_self_alias(const Napi::Env& env, const char* op, const char* name, const std::vector<int64_t>& shape,
                                const std::vector<int64_t>& strides) {
  for (int64_t d : shape) if (d == 0) return;
  std::vector<size_t> dims;
  for (size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] <= 1) continue;
    if (strides[k] == 0) range_error(env, op, std::string(name) + " must not be 0 on a dim of size > 1 (elements would alias)");
    dims.push_back(k);
  }
  std::sort(dims.begin(), dims.end(), [&](size_t a, size_t b) { return strides[a] < strides[b]; });
  int64_t span = 0;  // largest offset reached by the dims so far
  for (size_t k : dims) {
    if (strides[k] <= span) range_error(env, op, std::string(name) + " make different elements alias (dim " + std::to_string(k) + ")");
    span += (shape[k] - 1) * strides[k];
  }
}

inline void check_dtype(const Napi::Env& env, const char* op, const ArrayArg& a, ng::DType want) {
  if (a.dtype != want) type_error(env, op, a.name + " must be " + ng::dtype_name(want) + ", got " + ng::dtype_name(a.dtype));
}

}  // namespace ngb
