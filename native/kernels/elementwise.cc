// Elementwise kernels: copy (with cast), unary, binary (broadcast via strides), where. Scalar formulas
// mirror src/backend/reference/elementwise.ts exactly; float math runs in float (within an ulp or two
// of the reference, which computes in double).
#include <cmath>
#include <cstring>
#include <limits>

#include "ng/kernels.h"
#include "strided.h"

namespace ng {

const char* const kUnaryOpNames[U_COUNT] = {"neg", "abs", "sign", "exp", "log", "log1p", "sqrt", "sin", "cos", "tanh",
                                            "sigmoid", "relu", "erf", "leakyRelu", "elu", "clamp", "powScalar", "heaviside"};
const char* const kBinaryOpNames[B_COUNT] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum", "eq", "ne", "lt",
                                             "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor"};

namespace {

/** JS ToInt32 on a double: NaN/inf → 0, truncate, wrap modulo 2^32 (matches the reference's `| 0`). */
inline int32_t to_int32(double v) {
  if (!std::isfinite(v)) return 0;
  double t = std::trunc(v);
  if (t >= -2147483648.0 && t <= 2147483647.0) return static_cast<int32_t>(t);
  double m = std::fmod(t, 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

template <typename S, typename D>
inline D cast_value(S v) {
  if constexpr (std::is_same_v<D, uint8_t>) {
    return v != 0 ? 1 : 0;
  } else if constexpr (std::is_same_v<D, int32_t> && std::is_same_v<S, float>) {
    return to_int32(static_cast<double>(v));
  } else {
    return static_cast<D>(v);
  }
}

template <typename S, typename D>
void copy_typed(int rank, const int64_t* shape, StridedRef src, StridedRef dst) {
  for_each_row<2>(rank, shape, {static_cast<char*>(src.data), static_cast<char*>(dst.data)}, {src.strides, dst.strides},
                  {sizeof(S), sizeof(D)}, [](std::array<char*, 2> p, int64_t n, std::array<int64_t, 2> s) {
                    const S* a = reinterpret_cast<const S*>(p[0]);
                    D* b = reinterpret_cast<D*>(p[1]);
                    if (s[0] == 1 && s[1] == 1) {
                      if constexpr (std::is_same_v<S, D>) {
                        std::memcpy(b, a, static_cast<size_t>(n) * sizeof(S));
                      } else {
                        for (int64_t i = 0; i < n; ++i) b[i] = cast_value<S, D>(a[i]);
                      }
                    } else {
                      for (int64_t i = 0; i < n; ++i) b[i * s[1]] = cast_value<S, D>(a[i * s[0]]);
                    }
                  });
}

template <typename S>
void copy_from(int rank, const int64_t* shape, StridedRef src, DType ddt, StridedRef dst) {
  switch (ddt) {
    case DType::F32: return copy_typed<S, float>(rank, shape, src, dst);
    case DType::I32: return copy_typed<S, int32_t>(rank, shape, src, dst);
    case DType::U8: return copy_typed<S, uint8_t>(rank, shape, src, dst);
  }
}

// NOTE: written so that large |x| never overflows: exp of a non-positive number only.
inline float sigmoidf(float x) {
  if (x >= 0) return 1.0f / (1.0f + std::exp(-x));
  const float e = std::exp(x);
  return e / (1.0f + e);
}

template <typename F>
inline void map_float(const float* x, float* out, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) out[i] = f(x[i]);
}

void unary_f32(int op, const float* x, float* out, int64_t n, double alpha_d, double beta_d) {
  const float alpha = static_cast<float>(alpha_d);
  switch (op) {
    case U_NEG: return map_float(x, out, n, [](float v) { return -v; });
    case U_ABS: return map_float(x, out, n, [](float v) { return std::fabs(v); });
    case U_SIGN: return map_float(x, out, n, [](float v) { return v > 0 ? 1.0f : v < 0 ? -1.0f : 0.0f; });  // sign(NaN) = 0
    case U_EXP: return map_float(x, out, n, [](float v) { return std::exp(v); });
    case U_LOG: return map_float(x, out, n, [](float v) { return std::log(v); });
    case U_LOG1P: return map_float(x, out, n, [](float v) { return std::log1p(v); });
    case U_SQRT: return map_float(x, out, n, [](float v) { return std::sqrt(v); });
    case U_SIN: return map_float(x, out, n, [](float v) { return std::sin(v); });
    case U_COS: return map_float(x, out, n, [](float v) { return std::cos(v); });
    case U_TANH: return map_float(x, out, n, [](float v) { return std::tanh(v); });
    case U_SIGMOID: return map_float(x, out, n, sigmoidf);
    case U_RELU: return map_float(x, out, n, [](float v) { return v < 0 ? 0.0f : v; });  // NaN stays NaN
    case U_ERF: return map_float(x, out, n, [](float v) { return std::erf(v); });
    case U_LEAKY_RELU: return map_float(x, out, n, [alpha](float v) { return v < 0 ? alpha * v : v; });
    case U_ELU: return map_float(x, out, n, [alpha](float v) { return v <= 0 ? alpha * std::expm1(v) : v; });
    case U_CLAMP: {
      // Bounds compared in double so that ±Infinity ("no bound") and exact float bounds both work.
      // NOTE: min(max(x, alpha), beta) as PyTorch: when min > max every element becomes max. NaN stays NaN.
      return map_float(x, out, n, [alpha_d, beta_d](float v) {
        if (v < alpha_d) return static_cast<float>(alpha_d > beta_d ? beta_d : alpha_d);
        return v > beta_d ? static_cast<float>(beta_d) : v;
      });
    }
    case U_POW_SCALAR: {
      if (alpha_d == 2.0) return map_float(x, out, n, [](float v) { return v * v; });
      return map_float(x, out, n, [alpha_d](float v) { return static_cast<float>(std::pow(static_cast<double>(v), alpha_d)); });
    }
    case U_HEAVISIDE:
      return map_float(x, out, n, [alpha](float v) { return v == 0 ? alpha : v > 0 ? 1.0f : 0.0f; });  // NaN → 0 (PyTorch)
    default: return;
  }
  (void)beta_d;
}

void unary_i32(int op, const int32_t* x, int32_t* out, int64_t n, double alpha, double beta) {
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = x[i];
    switch (op) {
      case U_NEG: out[i] = static_cast<int32_t>(0u - static_cast<uint32_t>(v)); break;
      case U_ABS: out[i] = v < 0 ? static_cast<int32_t>(0u - static_cast<uint32_t>(v)) : v; break;
      case U_SIGN: out[i] = v > 0 ? 1 : v < 0 ? -1 : 0; break;
      case U_RELU: out[i] = v < 0 ? 0 : v; break;
      case U_CLAMP: {  // min(max(v, alpha), beta), as the float path
        const double t = v < alpha ? alpha : static_cast<double>(v);
        out[i] = t > beta ? to_int32(beta) : to_int32(t);
        break;
      }
      default: out[i] = v;
    }
  }
}

template <typename T>
inline T arith(int op, T a, T b) {
  if constexpr (std::is_same_v<T, int32_t>) {
    const uint32_t ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
    switch (op) {
      case B_ADD: return static_cast<int32_t>(ua + ub);
      case B_SUB: return static_cast<int32_t>(ua - ub);
      case B_MUL: return static_cast<int32_t>(ua * ub);
      case B_DIV: return to_int32(static_cast<double>(a) / static_cast<double>(b));
      case B_POW: return to_int32(std::pow(static_cast<double>(a), static_cast<double>(b)));
      case B_MAXIMUM: return a > b ? a : b;
      case B_MINIMUM: return a < b ? a : b;
      default: return 0;
    }
  } else if constexpr (std::is_same_v<T, uint8_t>) {
    switch (op) {
      case B_MAXIMUM: return a > b ? a : b;
      case B_MINIMUM: return a < b ? a : b;
      default: return 0;
    }
  } else {
    switch (op) {
      case B_ADD: return a + b;
      case B_SUB: return a - b;
      case B_MUL: return a * b;
      case B_DIV: return a / b;
      case B_POW: return static_cast<float>(std::pow(static_cast<double>(a), static_cast<double>(b)));
      case B_MAXIMUM: return (a != a || b != b) ? std::numeric_limits<float>::quiet_NaN() : a > b ? a : b;
      case B_MINIMUM: return (a != a || b != b) ? std::numeric_limits<float>::quiet_NaN() : a < b ? a : b;
      default: return 0;
    }
  }
}

template <typename T>
inline uint8_t compare(int op, T a, T b) {
  switch (op) {
    case B_EQ: return a == b;
    case B_NE: return a != b;
    case B_LT: return a < b;
    case B_LE: return a <= b;
    case B_GT: return a > b;
    case B_GE: return a >= b;
    case B_LOGICAL_AND: return (a != 0) && (b != 0);
    case B_LOGICAL_OR: return (a != 0) || (b != 0);
    case B_LOGICAL_XOR: return (a != 0) != (b != 0);
    default: return 0;
  }
}

/** Runs f(a, b) over the broadcast iteration; the loop body is specialised per op by the caller. */
template <typename T, typename O, typename F>
void binary_loop(int rank, const int64_t* shape, StridedRef a, StridedRef b, O* out, F f) {
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= shape[i];
  // NOTE: an empty iteration touches nothing; the scalar fast path below would otherwise read b[0],
  // which may lie past the end of b (offset == length is a valid empty operand).
  if (n == 0) return;
  const T* pa = static_cast<const T*>(a.data);
  const T* pb = static_cast<const T*>(b.data);
  const bool ca = is_contiguous(rank, shape, a.strides);
  const bool cb = is_contiguous(rank, shape, b.strides);
  bool sb = true;  // b is a broadcast scalar
  for (int i = 0; i < rank; ++i) sb = sb && (shape[i] == 1 || b.strides[i] == 0);
  if (ca && cb) {
    for (int64_t i = 0; i < n; ++i) out[i] = f(pa[i], pb[i]);
    return;
  }
  if (ca && sb) {
    const T s = pb[0];
    for (int64_t i = 0; i < n; ++i) out[i] = f(pa[i], s);
    return;
  }
  int64_t out_strides[64];
  int64_t acc = 1;
  for (int i = rank - 1; i >= 0; --i) {
    out_strides[i] = acc;
    acc *= shape[i];
  }
  for_each_row<3>(rank, shape, {static_cast<char*>(a.data), static_cast<char*>(b.data), reinterpret_cast<char*>(out)},
                  {a.strides, b.strides, out_strides}, {sizeof(T), sizeof(T), sizeof(O)},
                  [&f](std::array<char*, 3> p, int64_t m, std::array<int64_t, 3> s) {
                    const T* x = reinterpret_cast<const T*>(p[0]);
                    const T* y = reinterpret_cast<const T*>(p[1]);
                    O* o = reinterpret_cast<O*>(p[2]);
                    if (s[0] == 1 && s[1] == 0) {
                      const T yy = y[0];
                      for (int64_t i = 0; i < m; ++i) o[i] = f(x[i], yy);
                    } else if (s[0] == 0 && s[1] == 1) {
                      const T xx = x[0];
                      for (int64_t i = 0; i < m; ++i) o[i] = f(xx, y[i]);
                    } else {
                      for (int64_t i = 0; i < m; ++i) o[i] = f(x[i * s[0]], y[i * s[1]]);
                    }
                  });
}

template <typename T>
void binary_typed(int op, int rank, const int64_t* shape, StridedRef a, StridedRef b, void* out) {
  if (binary_is_comparison(op)) {
    auto* o = static_cast<uint8_t*>(out);
    switch (op) {
#define NG_CMP(CODE, EXPR) \
  case CODE: return binary_loop<T, uint8_t>(rank, shape, a, b, o, [](T x, T y) -> uint8_t { return EXPR; });
      NG_CMP(B_EQ, x == y)
      NG_CMP(B_NE, x != y)
      NG_CMP(B_LT, x < y)
      NG_CMP(B_LE, x <= y)
      NG_CMP(B_GT, x > y)
      NG_CMP(B_GE, x >= y)
#undef NG_CMP
      default: return binary_loop<T, uint8_t>(rank, shape, a, b, o, [op](T x, T y) { return compare<T>(op, x, y); });
    }
  }
  auto* o = static_cast<T*>(out);
  if constexpr (std::is_same_v<T, float>) {
    switch (op) {
      case B_ADD: return binary_loop<T, T>(rank, shape, a, b, o, [](T x, T y) { return x + y; });
      case B_SUB: return binary_loop<T, T>(rank, shape, a, b, o, [](T x, T y) { return x - y; });
      case B_MUL: return binary_loop<T, T>(rank, shape, a, b, o, [](T x, T y) { return x * y; });
      case B_DIV: return binary_loop<T, T>(rank, shape, a, b, o, [](T x, T y) { return x / y; });
      default: break;
    }
  }
  binary_loop<T, T>(rank, shape, a, b, o, [op](T x, T y) { return arith<T>(op, x, y); });
}

template <typename T>
void where_typed(int rank, const int64_t* shape, StridedRef cond, StridedRef a, StridedRef b, T* out) {
  int64_t out_strides[64];
  int64_t acc = 1;
  for (int i = rank - 1; i >= 0; --i) {
    out_strides[i] = acc;
    acc *= shape[i];
  }
  for_each_row<4>(rank, shape,
                  {static_cast<char*>(cond.data), static_cast<char*>(a.data), static_cast<char*>(b.data), reinterpret_cast<char*>(out)},
                  {cond.strides, a.strides, b.strides, out_strides}, {1, sizeof(T), sizeof(T), sizeof(T)},
                  [](std::array<char*, 4> p, int64_t m, std::array<int64_t, 4> s) {
                    const uint8_t* c = reinterpret_cast<const uint8_t*>(p[0]);
                    const T* x = reinterpret_cast<const T*>(p[1]);
                    const T* y = reinterpret_cast<const T*>(p[2]);
                    T* o = reinterpret_cast<T*>(p[3]);
                    for (int64_t i = 0; i < m; ++i) o[i] = c[i * s[0]] ? x[i * s[1]] : y[i * s[2]];
                  });
}

}  // namespace

void ng_copy(int rank, const int64_t* shape, DType sdt, StridedRef src, DType ddt, StridedRef dst) {
  switch (sdt) {
    case DType::F32: return copy_from<float>(rank, shape, src, ddt, dst);
    case DType::I32: return copy_from<int32_t>(rank, shape, src, ddt, dst);
    case DType::U8: return copy_from<uint8_t>(rank, shape, src, ddt, dst);
  }
}

void ng_unary(int op, DType dt, const void* x, void* out, int64_t n, double alpha, double beta) {
  if (dt == DType::F32) unary_f32(op, static_cast<const float*>(x), static_cast<float*>(out), n, alpha, beta);
  else unary_i32(op, static_cast<const int32_t*>(x), static_cast<int32_t*>(out), n, alpha, beta);
}

void ng_binary(int op, int rank, const int64_t* shape, DType dt, StridedRef a, StridedRef b, void* out) {
  switch (dt) {
    case DType::F32: return binary_typed<float>(op, rank, shape, a, b, out);
    case DType::I32: return binary_typed<int32_t>(op, rank, shape, a, b, out);
    case DType::U8: return binary_typed<uint8_t>(op, rank, shape, a, b, out);
  }
}

void ng_where(int rank, const int64_t* shape, DType dt, StridedRef cond, StridedRef a, StridedRef b, void* out) {
  switch (dt) {
    case DType::F32: return where_typed<float>(rank, shape, cond, a, b, static_cast<float*>(out));
    case DType::I32: return where_typed<int32_t>(rank, shape, cond, a, b, static_cast<int32_t*>(out));
    case DType::U8: return where_typed<uint8_t>(rank, shape, cond, a, b, static_cast<uint8_t*>(out));
  }
}

}  // namespace ng
