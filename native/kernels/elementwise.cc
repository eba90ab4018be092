// Elementwise kernels: copy (with cast), unary, binary (broadcast via strides), where. Formulas mirror
// src/backend/reference/elementwise.ts exactly. Float unary ops, float arithmetic binary ops and where
// run on the Vec API (simd/vec.h; exp/log/tanh/... from simd/vec_math.h) with masked tails; int32 and
// bool paths are plain loops the compiler vectorises. Work above a size threshold is split across the pool.
#include "../simd/vec_math.h"
#include "common.h"
#include "strided.h"

NG_BEGIN_ISA
namespace {

// Elements per task (the pool splits n into at most n / grain parts). A task should outlast the pool's
// wake-up (a few µs) several times: cheap ops (add, relu, copy: ~0.1-0.2 ns per element in cache) and
// vector math (exp, tanh, erf: ~0.5-2 ns per element; C library sin/cos/pow: ~5-20 ns).
constexpr int64_t kGrainCheap = 1 << 15;
constexpr int64_t kGrainMath = 1 << 12;
constexpr int64_t kGrainLibm = 1 << 10;

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

/** out[i] = f(x[i]) over [0, n) with C library calls (sin, cos, pow), split across the pool. */
template <typename F>
inline void map_float(const float* x, float* out, int64_t n, int64_t grain, F f) {
  auto task = [&](int, int, int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) out[i] = f(x[i]);
  };
  parallel(n, grain, task);
}

/** out[i] = vf(x[i]) over [lo, hi): whole vectors, then one masked vector for the tail. */
template <typename VF>
NG_VINLINE void map_range(const float* x, float* out, int64_t lo, int64_t hi, VF& vf) {
  int64_t i = lo;
  for (; i + Vec::kLanes <= hi; i += Vec::kLanes) Vec::storeu(out + i, vf(Vec::loadu(x + i)));
  if (i < hi) {
    const int r = static_cast<int>(hi - i);
    Vec::store_partial(out + i, vf(Vec::load_partial(x + i, r)), r);
  }
}

/** out = vf(x) over [0, n) on the Vec API, split across the pool in chunks of at least `grain`. */
template <typename VF>
void map_vec(const float* x, float* out, int64_t n, int64_t grain, VF vf) {
  auto task = [&](int, int, int64_t lo, int64_t hi) { map_range(x, out, lo, hi, vf); };
  parallel(n, grain, task);
}

/** d rounded to float, ±inf beyond the float range (a plain cast of an out-of-range double is UB). */
inline float to_float(double d) {
  constexpr double kOverflow = 3.4028235677973366e38;  // FLT_MAX + half an ulp: rounds to inf from here
  if (d >= kOverflow) return __builtin_inff();
  if (d <= -kOverflow) return -__builtin_inff();
  return static_cast<float>(d);
}

/** The smallest float >= d (d's float rounded up); NaN stays NaN. */
inline float float_at_or_above(double d) {
  float f = to_float(d);
  if (static_cast<double>(f) < d) f = nextafterf(f, __builtin_inff());
  return f;
}

/** The largest float <= d. */
inline float float_at_or_below(double d) {
  float f = to_float(d);
  if (static_cast<double>(f) > d) f = nextafterf(f, -__builtin_inff());
  return f;
}

void unary_f32(int op, const float* x, float* out, int64_t n, double alpha_d, double beta_d) {
  const float alpha = static_cast<float>(alpha_d);
  const int64_t C = kGrainCheap, T = kGrainMath, L = kGrainLibm;
  const Vec zero = Vec::zero(), one = Vec::set1(1.0f), va = Vec::set1(alpha);
  switch (op) {
    case U_NEG: return map_vec(x, out, n, C, [](Vec v) { return Vec::neg(v); });
    case U_ABS: return map_vec(x, out, n, C, [](Vec v) { return Vec::abs(v); });
    case U_SIGN:  // sign(NaN) = 0, sign(-0) = 0
      return map_vec(x, out, n, C, [=](Vec v) { return Vec::select(Vec::gt(v, zero), one, Vec::select(Vec::lt(v, zero), Vec::neg(one), zero)); });
    case U_EXP: return map_vec(x, out, n, T, [](Vec v) { return vexp(v); });
    case U_LOG: return map_vec(x, out, n, T, [](Vec v) { return vlog(v); });
    case U_LOG1P: return map_vec(x, out, n, T, [](Vec v) { return vlog1p(v); });
    case U_SQRT: return map_vec(x, out, n, C, [](Vec v) { return Vec::sqrt(v); });
    case U_SIN: return map_float(x, out, n, L, [](float v) { return sinf(v); });
    case U_COS: return map_float(x, out, n, L, [](float v) { return cosf(v); });
    case U_TANH: return map_vec(x, out, n, T, [](Vec v) { return vtanh(v); });
    case U_SIGMOID: return map_vec(x, out, n, T, [](Vec v) { return vsigmoid(v); });
    case U_RELU: return map_vec(x, out, n, C, [=](Vec v) { return Vec::select(Vec::lt(v, zero), zero, v); });  // NaN, -0 stay
    case U_ERF: return map_vec(x, out, n, T, [](Vec v) { return verf(v); });
    case U_LEAKY_RELU: return map_vec(x, out, n, C, [=](Vec v) { return Vec::select(Vec::lt(v, zero), va * v, v); });
    case U_ELU:
      return map_vec(x, out, n, T, [=](Vec v) { return Vec::select(Vec::le(v, zero), va * vexpm1(Vec::min(v, zero)), v); });
    case U_CLAMP: {
      // The reference is min(max(x, lo), hi) in double: x < alpha gives alpha (or beta if alpha > beta),
      // else x > beta gives beta, else x; NaN stays NaN. For a float x, "x < alpha" is "x < the smallest
      // float >= alpha" and "x > beta" is "x > the largest float <= beta", so float compares are exact
      // for any double bounds (±Infinity = no bound).
      const Vec lo_cut = Vec::set1(float_at_or_above(alpha_d));
      const Vec hi_cut = Vec::set1(float_at_or_below(beta_d));
      const Vec lo_val = Vec::set1(to_float(alpha_d > beta_d ? beta_d : alpha_d));
      const Vec hi_val = Vec::set1(to_float(beta_d));
      return map_vec(x, out, n, C, [=](Vec v) { return Vec::select(Vec::lt(v, lo_cut), lo_val, Vec::select(Vec::gt(v, hi_cut), hi_val, v)); });
    }
    case U_POW_SCALAR:
      if (alpha_d == 2.0) return map_vec(x, out, n, C, [](Vec v) { return v * v; });
      return map_float(x, out, n, L, [alpha_d](float v) { return static_cast<float>(pow(static_cast<double>(v), alpha_d)); });
    case U_HEAVISIDE:  // NaN → 0
      return map_vec(x, out, n, C, [=](Vec v) { return Vec::select(Vec::eq(v, zero), va, Vec::select(Vec::gt(v, zero), one, zero)); });
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
      case B_RELU_BACKWARD: return b <= 0 ? 0 : a;
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
      case B_RELU_BACKWARD: return b <= 0 ? 0.0f : a;  // a NaN result passes the gradient (PyTorch)
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

/**
 * The iteration shape with size-1 dims dropped and neighbouring dims merged wherever every operand (and
 * the row-major output) steps through them as one, so rows get as long as the layouts allow: e.g. a
 * contiguous [N, C] + a broadcast scalar becomes one flat row, [N, C] + [C] stays N rows of C.
 */
template <int N>
struct Flat {
  int rank = 0;
  int64_t shape[64];
  int64_t strides[N][64];
  int64_t out_strides[64];

  Flat(int r, const int64_t* sh, const int64_t* const* st) {
    for (int d = 0; d < r; ++d) {
      if (sh[d] == 1) continue;
      bool merge = rank > 0;
      for (int k = 0; k < N && merge; ++k) merge = strides[k][rank - 1] == st[k][d] * sh[d];
      if (merge) {
        shape[rank - 1] *= sh[d];
        for (int k = 0; k < N; ++k) strides[k][rank - 1] = st[k][d];
      } else {
        shape[rank] = sh[d];
        for (int k = 0; k < N; ++k) strides[k][rank] = st[k][d];
        ++rank;
      }
    }
    int64_t acc = 1;
    for (int d = rank - 1; d >= 0; --d) {
      out_strides[d] = acc;
      acc *= shape[d];
    }
  }
  int64_t inner() const { return rank == 0 ? 1 : shape[rank - 1]; }
  int64_t inner_stride(int k) const { return rank == 0 ? 0 : strides[k][rank - 1]; }
};

/**
 * One row of a float binary op: o[i] = vf(x[i·sx], y[i·sy]) for i < m. Strides 1 and 0 (the row
 * broadcasts one value) run on whole vectors plus a masked tail; other strides gather through a
 * small buffer.
 */
template <typename VF>
NG_VINLINE void binary_row_f32(const float* x, int64_t sx, const float* y, int64_t sy, float* o, int64_t m, VF& vf) {
  constexpr int K = Vec::kLanes;
  int64_t i = 0;
  if ((sx == 1 || sx == 0) && (sy == 1 || sy == 0)) {
    const Vec bx = Vec::set1(x[0]), by = Vec::set1(y[0]);
    if (sx == 1 && sy == 1) {
      for (; i + K <= m; i += K) Vec::storeu(o + i, vf(Vec::loadu(x + i), Vec::loadu(y + i)));
    } else if (sx == 1) {
      for (; i + K <= m; i += K) Vec::storeu(o + i, vf(Vec::loadu(x + i), by));
    } else if (sy == 1) {
      for (; i + K <= m; i += K) Vec::storeu(o + i, vf(bx, Vec::loadu(y + i)));
    } else {
      const Vec v = vf(bx, by);
      for (; i + K <= m; i += K) Vec::storeu(o + i, v);
    }
    if (i < m) {
      const int r = static_cast<int>(m - i);
      const Vec vx = sx ? Vec::load_partial(x + i, r) : bx;
      const Vec vy = sy ? Vec::load_partial(y + i, r) : by;
      Vec::store_partial(o + i, vf(vx, vy), r);
    }
    return;
  }
  float tx[K], ty[K];
  for (; i < m; i += K) {
    const int r = static_cast<int>(min_of<int64_t>(K, m - i));
    for (int l = 0; l < r; ++l) {
      tx[l] = x[(i + l) * sx];
      ty[l] = y[(i + l) * sy];
    }
    Vec::store_partial(o + i, vf(Vec::load_partial(tx, r), Vec::load_partial(ty, r)), r);
  }
}

/** out (contiguous over shape) = vf(a, b) for float a, b with any strides (broadcast = stride 0). */
template <typename VF>
void binary_f32(int rank, const int64_t* shape, StridedRef a, StridedRef b, float* out, VF vf) {
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= shape[i];
  if (n == 0) return;
  const int64_t* st[2] = {a.strides, b.strides};
  const Flat<2> f(rank, shape, st);
  const float* pa = static_cast<const float*>(a.data);
  const float* pb = static_cast<const float*>(b.data);
  if (f.rank <= 1) {  // one row: contiguous, scalar-broadcast or single-strided operands
    const int64_t sa = f.inner_stride(0), sb = f.inner_stride(1);
    auto task = [&](int, int, int64_t lo, int64_t hi) { binary_row_f32(pa + lo * sa, sa, pb + lo * sb, sb, out + lo, hi - lo, vf); };
    return parallel(n, kGrainCheap, task);
  }
  // Rows of the flattened shape: [N, C] + [C] (bias), [N, C] * [N, 1] (per-row scale), strided views.
  char* base[3] = {const_cast<char*>(reinterpret_cast<const char*>(pa)), const_cast<char*>(reinterpret_cast<const char*>(pb)),
                   reinterpret_cast<char*>(out)};
  const int64_t* strides[3] = {f.strides[0], f.strides[1], f.out_strides};
  const int64_t esize[3] = {4, 4, 4};
  auto row = [&vf](char* const* p, int64_t m, const int64_t* s) {
    binary_row_f32(reinterpret_cast<const float*>(p[0]), s[0], reinterpret_cast<const float*>(p[1]), s[1], reinterpret_cast<float*>(p[2]), m, vf);
  };
  const int64_t rows = rows_of(f.rank, f.shape);
  auto task = [&](int, int, int64_t lo, int64_t hi) { for_each_row<3>(f.rank, f.shape, base, strides, esize, lo, hi, row); };
  parallel(rows, max_of<int64_t>(1, kGrainCheap / f.inner()), task);
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
    const Vec nan = Vec::set1(__builtin_nanf(""));
    switch (op) {
      case B_ADD: return binary_f32(rank, shape, a, b, o, [](Vec x, Vec y) { return x + y; });
      case B_SUB: return binary_f32(rank, shape, a, b, o, [](Vec x, Vec y) { return x - y; });
      case B_MUL: return binary_f32(rank, shape, a, b, o, [](Vec x, Vec y) { return x * y; });
      case B_DIV: return binary_f32(rank, shape, a, b, o, [](Vec x, Vec y) { return x / y; });
      // NaN in either operand gives NaN; otherwise a > b ? a : b (so maximum(0, -0) = -0, as the reference).
      case B_MAXIMUM:
        return binary_f32(rank, shape, a, b, o, [nan](Vec x, Vec y) {
          return Vec::select(Vec::mask_or(Vec::isnan(x), Vec::isnan(y)), nan, Vec::select(Vec::gt(x, y), x, y));
        });
      case B_MINIMUM:
        return binary_f32(rank, shape, a, b, o, [nan](Vec x, Vec y) {
          return Vec::select(Vec::mask_or(Vec::isnan(x), Vec::isnan(y)), nan, Vec::select(Vec::lt(x, y), x, y));
        });
      case B_RELU_BACKWARD:
        return binary_f32(rank, shape, a, b, o, [](Vec x, Vec y) { return Vec::select(Vec::le(y, Vec::zero()), Vec::zero(), x); });
      default: break;
    }
  }
  binary_loop<T, T>(rank, shape, a, b, o, [op](T x, T y) { return arith<T>(op, x, y); });
}

/** One row of where: o[i] = c[i·sc] ? x[i·sx] : y[i·sy]; float rows with sc = 1 and sx, sy in {0, 1} are vectorised. */
template <typename T>
NG_VINLINE void where_row(const uint8_t* c, int64_t sc, const T* x, int64_t sx, const T* y, int64_t sy, T* o, int64_t m) {
  int64_t i = 0;
  if constexpr (__is_same(T, float)) {
    if (sc == 1 && (sx == 0 || sx == 1) && (sy == 0 || sy == 1)) {
      constexpr int K = Vec::kLanes;
      const Vec bx = Vec::set1(x[0]), by = Vec::set1(y[0]);
      for (; i + K <= m; i += K) {
        const Vec vx = sx ? Vec::loadu(x + i) : bx;
        const Vec vy = sy ? Vec::loadu(y + i) : by;
        Vec::storeu(o + i, Vec::select(Vec::mask_from_u8(c + i), vx, vy));
      }
      if (i < m) {
        const int r = static_cast<int>(m - i);
        const Vec vx = sx ? Vec::load_partial(x + i, r) : bx;
        const Vec vy = sy ? Vec::load_partial(y + i, r) : by;
        Vec::store_partial(o + i, Vec::select(Vec::mask_from_u8_partial(c + i, r), vx, vy), r);
      }
      return;
    }
  }
  if (sc == 1 && sx == 1 && sy == 1) {
    for (; i < m; ++i) {
      const T a = x[i], b = y[i];  // both loaded, so the select vectorises
      o[i] = c[i] ? a : b;
    }
  } else {
    for (; i < m; ++i) o[i] = c[i * sc] ? x[i * sx] : y[i * sy];
  }
}

template <typename T>
void where_typed(int rank, const int64_t* shape, StridedRef cond, StridedRef a, StridedRef b, T* out) {
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= shape[i];
  if (n == 0) return;
  const int64_t* st[3] = {cond.strides, a.strides, b.strides};
  const Flat<3> f(rank, shape, st);
  const uint8_t* pc = static_cast<const uint8_t*>(cond.data);
  const T* pa = static_cast<const T*>(a.data);
  const T* pb = static_cast<const T*>(b.data);
  if (f.rank <= 1) {
    const int64_t sc = f.inner_stride(0), sa = f.inner_stride(1), sb = f.inner_stride(2);
    auto task = [&](int, int, int64_t lo, int64_t hi) { where_row<T>(pc + lo * sc, sc, pa + lo * sa, sa, pb + lo * sb, sb, out + lo, hi - lo); };
    return parallel(n, kGrainCheap, task);
  }
  char* base[4] = {const_cast<char*>(reinterpret_cast<const char*>(pc)), const_cast<char*>(reinterpret_cast<const char*>(pa)),
                   const_cast<char*>(reinterpret_cast<const char*>(pb)), reinterpret_cast<char*>(out)};
  const int64_t* strides[4] = {f.strides[0], f.strides[1], f.strides[2], f.out_strides};
  const int64_t esize[4] = {1, sizeof(T), sizeof(T), sizeof(T)};
  auto row = [](char* const* p, int64_t m, const int64_t* s) {
    where_row<T>(reinterpret_cast<const uint8_t*>(p[0]), s[0], reinterpret_cast<const T*>(p[1]), s[1], reinterpret_cast<const T*>(p[2]), s[2],
                 reinterpret_cast<T*>(p[3]), m);
  };
  const int64_t rows = rows_of(f.rank, f.shape);
  auto task = [&](int, int, int64_t lo, int64_t hi) { for_each_row<4>(f.rank, f.shape, base, strides, esize, lo, hi, row); };
  parallel(rows, max_of<int64_t>(1, kGrainCheap / f.inner()), task);
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
