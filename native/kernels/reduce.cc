// Reductions over the middle axis of contiguous [outer, size, inner]: sum/mean (float lanes flushed
// to double every block, so long sums stay accurate), max/min (NaN propagates), arg-max/min (first
// index wins), softmax/log-softmax (max-shifted). Rows are split across the pool above a size threshold.
#include "common.h"

NG_BEGIN_ISA
namespace {

constexpr int64_t kGrain = 1 << 15;  // elements per task
constexpr int kLanes = 16;
constexpr int64_t kBlock = 1024;     // elements summed in float before flushing to double

template <typename T>
inline bool is_nan(T v) {
  if constexpr (__is_same(T, float)) return v != v;
  return false;
}

/** Σ x[0..n) for contiguous x: kLanes float accumulators per block, blocks added in double. */
inline double sum_contiguous(const float* x, int64_t n) {
  double total = 0;
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t e = min_of(n, b + kBlock);
    float acc[kLanes] = {0};
    int64_t i = b;
    for (; i + kLanes <= e; i += kLanes)
      for (int l = 0; l < kLanes; ++l) acc[l] += x[i + l];
    double part = 0;
    for (int l = 0; l < kLanes; ++l) part += acc[l];
    for (; i < e; ++i) part += x[i];
    total += part;
  }
  return total;
}

template <typename T>
inline T pick(bool is_max, T cur, T v) {
  // NaN is sticky: once cur is NaN neither test replaces it; a NaN v always replaces cur.
  return (is_max ? v > cur : v < cur) || is_nan(v) ? v : cur;
}

template <typename T>
void reduce_rows(int op, const T* x, int64_t size, int64_t inner, T* out, int64_t o0, int64_t o1) {
  const bool is_max = op == R_MAX;
  for (int64_t o = o0; o < o1; ++o) {
    const T* base = x + o * size * inner;
    T* dst = out + o * inner;
    if (op == R_SUM || op == R_MEAN) {
      if constexpr (__is_same(T, float)) {
        if (inner == 1) {
          const double s = sum_contiguous(base, size);
          dst[0] = static_cast<float>(op == R_MEAN ? s / static_cast<double>(size) : s);
          continue;
        }
      }
      double* acc = static_cast<double*>(scratch(7, static_cast<size_t>(inner) * sizeof(double)));
      for (int64_t j = 0; j < inner; ++j) acc[j] = 0;
      for (int64_t k = 0; k < size; ++k) {
        const T* row = base + k * inner;
        for (int64_t j = 0; j < inner; ++j) acc[j] += static_cast<double>(row[j]);
      }
      for (int64_t j = 0; j < inner; ++j) {
        const double v = op == R_MEAN ? acc[j] / static_cast<double>(size) : acc[j];
        if constexpr (__is_same(T, int32_t)) {
          // Integer sums wrap like int32 arithmetic (the reference's `| 0`).
          dst[j] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<int64_t>(fmod(v, 4294967296.0))));
        } else {
          dst[j] = static_cast<T>(v);
        }
      }
    } else if (inner == 1) {
      T lanes[kLanes] = {};
      const int64_t nl = min_of<int64_t>(kLanes, size);
      for (int l = 0; l < nl; ++l) lanes[l] = base[l];
      int64_t k = nl;
      for (; k + kLanes <= size; k += kLanes)
        for (int l = 0; l < kLanes; ++l) lanes[l] = pick(is_max, lanes[l], base[k + l]);
      T cur = lanes[0];
      for (int l = 1; l < nl; ++l) cur = pick(is_max, cur, lanes[l]);
      for (; k < size; ++k) cur = pick(is_max, cur, base[k]);
      dst[0] = cur;
    } else {
      for (int64_t j = 0; j < inner; ++j) dst[j] = base[j];
      for (int64_t k = 1; k < size; ++k) {
        const T* row = base + k * inner;
        for (int64_t j = 0; j < inner; ++j) dst[j] = pick(is_max, dst[j], row[j]);
      }
    }
  }
}

template <typename T>
void reduce_typed(int op, const T* x, int64_t outer, int64_t size, int64_t inner, T* out) {
  // NOTE: nothing to write when outer or inner is 0; returning first also keeps a huge empty layout
  // (outer = 2^50, inner = 0) from spinning and a huge `inner` with outer = 0 from allocating.
  if (outer == 0 || inner == 0) return;
  auto task = [&](int, int, int64_t lo, int64_t hi) { reduce_rows<T>(op, x, size, inner, out, lo, hi); };
  parallel(outer, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, size * inner)), task);
}

template <typename T>
void arg_reduce_typed(int op, const T* x, int64_t outer, int64_t size, int64_t inner, T* values, int32_t* indices) {
  if (outer == 0 || inner == 0) return;  // nothing to write (and no empty outer loop to spin through)
  const bool is_max = op == A_MAX;
  auto task = [&](int, int, int64_t lo, int64_t hi) {
    for (int64_t o = lo; o < hi; ++o) {
      for (int64_t j = 0; j < inner; ++j) {
        const T* p = x + o * size * inner + j;
        T best = p[0];
        int32_t bi = 0;
        for (int64_t k = 1; k < size && !is_nan(best); ++k) {
          const T v = p[k * inner];
          if (is_nan(v) || (is_max ? v > best : v < best)) {
            best = v;
            bi = static_cast<int32_t>(k);
          }
        }
        values[o * inner + j] = best;
        indices[o * inner + j] = bi;
      }
    }
  };
  parallel(outer, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, size * inner)), task);
}

void softmax_rows(int op, const float* x, int64_t size, int64_t inner, float* out, int64_t o0, int64_t o1) {
  for (int64_t o = o0; o < o1; ++o) {
    for (int64_t j = 0; j < inner; ++j) {
      const float* p = x + o * size * inner + j;
      float* q = out + o * size * inner + j;
      float m = -__builtin_inff();
      for (int64_t k = 0; k < size; ++k) {
        const float v = p[k * inner];
        if (v > m || v != v) m = v;
      }
      // NOTE: a row of all -inf has no finite max; shift by 0 so the result is NaN, as in PyTorch.
      if (m == -__builtin_inff()) m = 0;
      double s = 0;
      for (int64_t k = 0; k < size; ++k) s += exp(static_cast<double>(p[k * inner]) - m);
      if (op == S_SOFTMAX) {
        for (int64_t k = 0; k < size; ++k) q[k * inner] = static_cast<float>(exp(static_cast<double>(p[k * inner]) - m) / s);
      } else {
        const double ls = log(s);
        for (int64_t k = 0; k < size; ++k) q[k * inner] = static_cast<float>(static_cast<double>(p[k * inner]) - m - ls);
      }
    }
  }
}

}  // namespace

void reduce(int op, DType dt, const void* x, int64_t outer, int64_t size, int64_t inner, void* out) {
  if (dt == DType::F32) reduce_typed<float>(op, static_cast<const float*>(x), outer, size, inner, static_cast<float*>(out));
  else if (dt == DType::I32) reduce_typed<int32_t>(op, static_cast<const int32_t*>(x), outer, size, inner, static_cast<int32_t*>(out));
}

void arg_reduce(int op, DType dt, const void* x, int64_t outer, int64_t size, int64_t inner, void* values, int32_t* indices) {
  switch (dt) {
    case DType::F32: return arg_reduce_typed<float>(op, static_cast<const float*>(x), outer, size, inner, static_cast<float*>(values), indices);
    case DType::I32: return arg_reduce_typed<int32_t>(op, static_cast<const int32_t*>(x), outer, size, inner, static_cast<int32_t*>(values), indices);
    case DType::U8: return arg_reduce_typed<uint8_t>(op, static_cast<const uint8_t*>(x), outer, size, inner, static_cast<uint8_t*>(values), indices);
  }
}

void softmax(int op, const float* x, int64_t outer, int64_t size, int64_t inner, float* out) {
  if (outer == 0 || size == 0 || inner == 0) return;  // nothing to write (and no empty loops to spin through)
  auto task = [&](int, int, int64_t lo, int64_t hi) { softmax_rows(op, x, size, inner, out, lo, hi); };
  parallel(outer, max_of<int64_t>(1, (kGrain / 8) / max_of<int64_t>(1, size * inner)), task);
}

NG_END_ISA
