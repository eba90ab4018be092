// Elementwise kernels: copy (with cast), unary, binary (broadcast via strides), where. Scalar formulas
// mirror src/backend/reference/elementwise.ts exactly. Plain loops over contiguous data are written so
// the compiler vectorises them for this TU's ISA; work above a size threshold is split across the pool.
#include "common.h"
#include "strided.h"

NG_BEGIN_ISA
namespace {

// Elements per task: cheap ops (add, copy, relu) and transcendental ones (exp, tanh, erf).
constexpr int64_t kGrainCheap = 1 << 15;
constexpr int64_t kGrainMath = 1 << 12;

template <typename S, typename D>
inline D cast_value(S v) {
  if constexpr (__is_same(D, uint8_t)) {
    return v != 0 ? 1 : 0;
  } else if constexpr (__is_same(D, int32_t) && __is_same(S, float)) {
    return to_int32(static_cast<double>(v));
  } else {
    return static_cast<D>(v);
  }
}

template <typename S, typename D>
void copy_typed(int rank, const int64_t* shape, StridedRef src, StridedRef dst) {
  char* base[2] = {static_cast<char*>(src.data), static_cast<char*>(dst.data)};
  const int64_t* strides[2] = {src.strides, dst.strides};
  const int64_t esize[2] = {sizeof(S), sizeof(D)};
  auto row = [](char* const* p, int64_t n, const int64_t* s) {
    const S* a = reinterpret_cast<const S*>(p[0]);
    D* b = reinterpret_cast<D*>(p[1]);
    if (s[0] == 1 && s[1] == 1) {
      if constexpr (__is_same(S, D)) {
        memcpy(b, a, static_cast<size_t>(n) * sizeof(S));
      } else {
        for (int64_t i = 0; i < n; ++i) b[i] = cast_value<S, D>(a[i]);
      }
    } else {
      for (int64_t i = 0; i < n; ++i) b[i * s[1]] = cast_value<S, D>(a[i * s[0]]);
    }
  };
  const int64_t rows = rows_of(rank, shape);
  const int64_t inner = rank == 0 ? 1 : shape[rank - 1];
  auto task = [&](int, int, int64_t lo, int64_t hi) { for_each_row<2>(rank, shape, base, strides, esize, lo, hi, row); };
  parallel(rows, max_of<int64_t>(1, kGrainCheap / max_of<int64_t>(inner, 1)), task);
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
  if (x >= 0) return 1.0f / (1.0f + expf(-x));
  const float e = expf(x);
  return e / (1.0f + e);
}

/** out[i] = f(x[i]) over [0, n), split across the pool in chunks of `grain`. */
template <typename F>
inline void map_float(const float* x, float* out, int64_t n, int64_t grain, F f) {
  auto task = [&](int, int, int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) out[i] = f(x[i]);
  };
  parallel(n, grain, task);
}

void unary_f32(int op, const float* x, float* out, int64_t n, double alpha_d, double beta_d) {
  const float alpha = static_cast<float>(alpha_d);
  const int64_t C = kGrainCheap, T = kGrainMath;
  switch (op) {
    case U_NEG: return map_float(x, out, n, C, [](float v) { return -v; });
    case U_ABS: return map_float(x, out, n, C, [](float v) { return fabsf(v); });
    case U_SIGN: return map_float(x, out, n, C, [](float v) { return v > 0 ? 1.0f : v < 0 ? -1.0f : 0.0f; });  // sign(NaN) = 0
    case U_EXP: return map_float(x, out, n, T, [](float v) { return expf(v); });
    case U_LOG: return map_float(x, out, n, T, [](float v) { return logf(v); });
    case U_LOG1P: return map_float(x, out, n, T, [](float v) { return log1pf(v); });
    case U_SQRT: return map_float(x, out, n, C, [](float v) { return sqrtf(v); });
    case U_SIN: return map_float(x, out, n, T, [](float v) { return sinf(v); });
    case U_COS: return map_float(x, out, n, T, [](float v) { return cosf(v); });
    case U_TANH: return map_float(x, out, n, T, [](float v) { return tanhf(v); });
    case U_SIGMOID: return map_float(x, out, n, T, sigmoidf);
    case U_RELU: return map_float(x, out, n, C, [](float v) { return v < 0 ? 0.0f : v; });  // NaN stays NaN
    case U_ERF: return map_float(x, out, n, T, [](float v) { return erff(v); });
    case U_LEAKY_RELU: return map_float(x, out, n, C, [alpha](float v) { return v < 0 ? alpha * v : v; });
    case U_ELU: return map_float(x, out, n, T, [alpha](float v) { return v <= 0 ? alpha * expm1f(v) : v; });
    case U_CLAMP:
      // Bounds compared in double so ±Infinity ("no bound") and exact float bounds both work;
      // min(max(x, lo), hi) as the reference: min > max gives max everywhere (PyTorch), NaN stays NaN.
      return map_float(x, out, n, C, [alpha_d, beta_d](float v) {
        const double d = v;
        const double lo = d < alpha_d ? alpha_d : d;
        return lo > beta_d ? static_cast<float>(beta_d) : static_cast<float>(lo);
      });
    case U_POW_SCALAR:
      if (alpha_d == 2.0) return map_float(x, out, n, C, [](float v) { return v * v; });
      return map_float(x, out, n, T, [alpha_d](float v) { return static_cast<float>(pow(static_cast<double>(v), alpha_d)); });
    case U_HEAVISIDE: return map_float(x, out, n, C, [alpha](float v) { return v == 0 ? alpha : v > 0 ? 1.0f : 0.0f; });  // NaN → 0
    default: return;
  }
}

void unary_i32(int op, const int32_t* x, int32_t* out, int64_t n, double alpha, double beta) {
  auto task = [&](int, int, int64_t lo_i, int64_t hi_i) {
    for (int64_t i = lo_i; i < hi_i; ++i) {
      const int32_t v = x[i];
      switch (op) {
        case U_NEG: out[i] = static_cast<int32_t>(0u - static_cast<uint32_t>(v)); break;
        case U_ABS: out[i] = v < 0 ? static_cast<int32_t>(0u - static_cast<uint32_t>(v)) : v; break;
        case U_SIGN: out[i] = v > 0 ? 1 : v < 0 ? -1 : 0; break;
        case U_RELU: out[i] = v < 0 ? 0 : v; break;
        case U_CLAMP: {
          // min(max(x, lo), hi): min > max gives max everywhere (PyTorch).
          const double lo = v < alpha ? alpha : static_cast<double>(v);
          out[i] = lo > beta ? to_int32(beta) : to_int32(lo);
          break;
        }
        default: out[i] = v;
      }
    }
  };
  parallel(n, kGrainCheap, task);
}

template <typename T>
inline T arith(int op, T a, T b) {
  if constexpr (__is_same(T, int32_t)) {
    const uint32_t ua = static_cast<uint32_t>(a), ub = static_cast<uint32_t>(b);
    switch (op) {
      case B_ADD: return static_cast<int32_t>(ua + ub);
      case B_SUB: return static_cast<int32_t>(ua - ub);
      case B_MUL: return static_cast<int32_t>(ua * ub);
      case B_DIV: return to_int32(static_cast<double>(a) / static_cast<double>(b));
      case B_POW: return to_int32(pow(static_cast<double>(a), static_cast<double>(b)));
      case B_MAXIMUM: return a > b ? a : b;
      case B_MINIMUM: return a < b ? a : b;
      default: return 0;
    }
  } else if constexpr (__is_same(T, uint8_t)) {
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
      case B_POW: return static_cast<float>(pow(static_cast<double>(a), static_cast<double>(b)));
      case B_MAXIMUM: return (a != a || b != b) ? __builtin_nanf("") : a > b ? a : b;
      case B_MINIMUM: return (a != a || b != b) ? __builtin_nanf("") : a < b ? a : b;
      default: return 0;
    }
  }
}

template <typename T>
inline uint8_t logical(int op, T a, T b) {
  switch (op) {
    case B_LOGICAL_AND: return (a != 0) && (b != 0);
    case B_LOGICAL_OR: return (a != 0) || (b != 0);
    case B_LOGICAL_XOR: return (a != 0) != (b != 0);
    default: return 0;
  }
}

/** Runs f(a, b) over the broadcast iteration; contiguous and scalar-operand cases get flat loops. */
template <typename T, typename O, typename F>
void binary_loop(int rank, const int64_t* shape, StridedRef a, StridedRef b, O* out, F f) {
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= shape[i];
  if (n == 0) return;
  const T* pa = static_cast<const T*>(a.data);
  const T* pb = static_cast<const T*>(b.data);
  const bool ca = is_contiguous(rank, shape, a.strides);
  const bool cb = is_contiguous(rank, shape, b.strides);
  bool sa = true, sb = true;  // a / b is a broadcast scalar
  for (int i = 0; i < rank; ++i) {
    sa = sa && (shape[i] == 1 || a.strides[i] == 0);
    sb = sb && (shape[i] == 1 || b.strides[i] == 0);
  }
  if (ca && cb) {
    auto task = [&](int, int, int64_t lo, int64_t hi) { for (int64_t i = lo; i < hi; ++i) out[i] = f(pa[i], pb[i]); };
    return parallel(n, kGrainCheap, task);
  }
  if (ca && sb) {
    const T s = pb[0];
    auto task = [&](int, int, int64_t lo, int64_t hi) { for (int64_t i = lo; i < hi; ++i) out[i] = f(pa[i], s); };
    return parallel(n, kGrainCheap, task);
  }
  if (sa && cb) {
    const T s = pa[0];
    auto task = [&](int, int, int64_t lo, int64_t hi) { for (int64_t i = lo; i < hi; ++i) out[i] = f(s, pb[i]); };
    return parallel(n, kGrainCheap, task);
  }
  int64_t out_strides[64];
  int64_t acc = 1;
  for (int i = rank - 1; i >= 0; --i) {
    out_strides[i] = acc;
    acc *= shape[i];
  }
  char* base[3] = {static_cast<char*>(a.data), static_cast<char*>(b.data), reinterpret_cast<char*>(out)};
  const int64_t* strides[3] = {a.strides, b.strides, out_strides};
  const int64_t esize[3] = {sizeof(T), sizeof(T), sizeof(O)};
  auto row = [&f](char* const* p, int64_t m, const int64_t* s) {
    const T* x = reinterpret_cast<const T*>(p[0]);
    const T* y = reinterpret_cast<const T*>(p[1]);
    O* o = reinterpret_cast<O*>(p[2]);
    if (s[0] == 1 && s[1] == 1) {
      for (int64_t i = 0; i < m; ++i) o[i] = f(x[i], y[i]);
    } else if (s[0] == 1 && s[1] == 0) {
      const T yy = y[0];
      for (int64_t i = 0; i < m; ++i) o[i] = f(x[i], yy);
    } else if (s[0] == 0 && s[1] == 1) {
      const T xx = x[0];
      for (int64_t i = 0; i < m; ++i) o[i] = f(xx, y[i]);
    } else {
      for (int64_t i = 0; i < m; ++i) o[i] = f(x[i * s[0]], y[i * s[1]]);
    }
  };
  const int64_t rows = rows_of(rank, shape);
  const int64_t inner = rank == 0 ? 1 : shape[rank - 1];
  auto task = [&](int, int, int64_t lo, int64_t hi) { for_each_row<3>(rank, shape, base, strides, esize, lo, hi, row); };
  parallel(rows, max_of<int64_t>(1, kGrainCheap / max_of<int64_t>(inner, 1)), task);
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
      default: return binary_loop<T, uint8_t>(rank, shape, a, b, o, [op](T x, T y) { return logical<T>(op, x, y); });
    }
  }
  auto* o = static_cast<T*>(out);
  if constexpr (__is_same(T, float)) {
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
  char* base[4] = {static_cast<char*>(cond.data), static_cast<char*>(a.data), static_cast<char*>(b.data), reinterpret_cast<char*>(out)};
  const int64_t* strides[4] = {cond.strides, a.strides, b.strides, out_strides};
  const int64_t esize[4] = {1, sizeof(T), sizeof(T), sizeof(T)};
  auto row = [](char* const* p, int64_t m, const int64_t* s) {
    const uint8_t* c = reinterpret_cast<const uint8_t*>(p[0]);
    const T* x = reinterpret_cast<const T*>(p[1]);
    const T* y = reinterpret_cast<const T*>(p[2]);
    T* o = reinterpret_cast<T*>(p[3]);
    if (s[0] == 1 && s[1] == 1 && s[2] == 1) {
      for (int64_t i = 0; i < m; ++i) o[i] = c[i] ? x[i] : y[i];
    } else {
      for (int64_t i = 0; i < m; ++i) o[i] = c[i * s[0]] ? x[i * s[1]] : y[i * s[2]];
    }
  };
  const int64_t rows = rows_of(rank, shape);
  const int64_t inner = rank == 0 ? 1 : shape[rank - 1];
  auto task = [&](int, int, int64_t lo, int64_t hi) { for_each_row<4>(rank, shape, base, strides, esize, lo, hi, row); };
  parallel(rows, max_of<int64_t>(1, kGrainCheap / max_of<int64_t>(inner, 1)), task);
}

}  // namespace

void copy(int rank, const int64_t* shape, DType sdt, StridedRef src, DType ddt, StridedRef dst) {
  switch (sdt) {
    case DType::F32: return copy_from<float>(rank, shape, src, ddt, dst);
    case DType::I32: return copy_from<int32_t>(rank, shape, src, ddt, dst);
    case DType::U8: return copy_from<uint8_t>(rank, shape, src, ddt, dst);
  }
}

void unary(int op, DType dt, const void* x, void* out, int64_t n, double alpha, double beta) {
  if (dt == DType::F32) unary_f32(op, static_cast<const float*>(x), static_cast<float*>(out), n, alpha, beta);
  else unary_i32(op, static_cast<const int32_t*>(x), static_cast<int32_t*>(out), n, alpha, beta);
}

void binary(int op, int rank, const int64_t* shape, DType dt, StridedRef a, StridedRef b, void* out) {
  switch (dt) {
    case DType::F32: return binary_typed<float>(op, rank, shape, a, b, out);
    case DType::I32: return binary_typed<int32_t>(op, rank, shape, a, b, out);
    case DType::U8: return binary_typed<uint8_t>(op, rank, shape, a, b, out);
  }
}

void where(int rank, const int64_t* shape, DType dt, StridedRef cond, StridedRef a, StridedRef b, void* out) {
  switch (dt) {
    case DType::F32: return where_typed<float>(rank, shape, cond, a, b, static_cast<float*>(out));
    case DType::I32: return where_typed<int32_t>(rank, shape, cond, a, b, static_cast<int32_t*>(out));
    case DType::U8: return where_typed<uint8_t>(rank, shape, cond, a, b, static_cast<uint8_t*>(out));
  }
}

NG_END_ISA
