// Reductions over the middle axis of contiguous [outer, size, inner]: sum/mean (accumulated in double),
// max/min (NaN propagates), arg-max/min (first index wins), softmax/log-softmax (max-shifted).
#include <cmath>
#include <limits>
#include <vector>

#include "ng/kernels.h"

namespace ng {

const char* const kReduceOpNames[R_COUNT] = {"sum", "mean", "max", "min"};
const char* const kArgReduceOpNames[A_COUNT] = {"max", "min"};
const char* const kSoftmaxOpNames[S_COUNT] = {"softmax", "logSoftmax"};

namespace {

template <typename T>
inline bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return v != v;
  return false;
}

template <typename T>
void reduce_typed(int op, const T* x, int64_t outer, int64_t size, int64_t inner, T* out) {
  // NOTE: nothing to write when outer or inner is 0; returning first also keeps a huge empty layout
  // (outer = 2^50, inner = 0) from spinning and a huge `inner` with outer = 0 from allocating.
  if (outer == 0 || inner == 0) return;
  std::vector<double> acc(static_cast<size_t>(inner));
  for (int64_t o = 0; o < outer; ++o) {
    const T* base = x + o * size * inner;
    T* dst = out + o * inner;
    if (op == R_SUM || op == R_MEAN) {
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t k = 0; k < size; ++k) {
        const T* row = base + k * inner;
        for (int64_t j = 0; j < inner; ++j) acc[j] += static_cast<double>(row[j]);
      }
      for (int64_t j = 0; j < inner; ++j) {
        double v = op == R_MEAN ? acc[j] / static_cast<double>(size) : acc[j];
        if constexpr (std::is_same_v<T, int32_t>) {
          // Integer sums wrap like int32 arithmetic (the reference's `| 0`).
          dst[j] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<int64_t>(std::fmod(v, 4294967296.0))));
        } else {
          dst[j] = static_cast<T>(v);
        }
      }
    } else {
      const bool is_max = op == R_MAX;
      for (int64_t j = 0; j < inner; ++j) dst[j] = base[j];
      for (int64_t k = 1; k < size; ++k) {
        const T* row = base + k * inner;
        for (int64_t j = 0; j < inner; ++j) {
          const T cur = dst[j];
          const T v = row[j];
          if (is_nan(cur)) continue;
          if (is_nan(v) || (is_max ? v > cur : v < cur)) dst[j] = v;
        }
      }
    }
  }
}

template <typename T>
void arg_reduce_typed(int op, const T* x, int64_t outer, int64_t size, int64_t inner, T* values, int32_t* indices) {
  if (outer == 0 || inner == 0) return;  // nothing to write (and no empty outer loop to spin through)
  const bool is_max = op == A_MAX;
  for (int64_t o = 0; o < outer; ++o) {
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
}

}  // namespace

void ng_reduce(int op, DType dt, const void* x, int64_t outer, int64_t size, int64_t inner, void* out) {
  if (dt == DType::F32) reduce_typed<float>(op, static_cast<const float*>(x), outer, size, inner, static_cast<float*>(out));
  else if (dt == DType::I32) reduce_typed<int32_t>(op, static_cast<const int32_t*>(x), outer, size, inner, static_cast<int32_t*>(out));
}

void ng_arg_reduce(int op, DType dt, const void* x, int64_t outer, int64_t size, int64_t inner, void* values, int32_t* indices) {
  switch (dt) {
    case DType::F32: return arg_reduce_typed<float>(op, static_cast<const float*>(x), outer, size, inner, static_cast<float*>(values), indices);
    case DType::I32: return arg_reduce_typed<int32_t>(op, static_cast<const int32_t*>(x), outer, size, inner, static_cast<int32_t*>(values), indices);
    case DType::U8: return arg_reduce_typed<uint8_t>(op, static_cast<const uint8_t*>(x), outer, size, inner, static_cast<uint8_t*>(values), indices);
  }
}

void ng_softmax(int op, const float* x, int64_t outer, int64_t size, int64_t inner, float* out) {
  if (outer == 0 || size == 0 || inner == 0) return;  // nothing to write (and no empty loops to spin through)
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < inner; ++j) {
      const float* p = x + o * size * inner + j;
      float* q = out + o * size * inner + j;
      float m = -std::numeric_limits<float>::infinity();
      for (int64_t k = 0; k < size; ++k) {
        const float v = p[k * inner];
        if (v > m || v != v) m = v;
      }
      // NOTE: a row of all -inf has no finite max; shift by 0 so the result is NaN, as in PyTorch.
      if (m == -std::numeric_limits<float>::infinity()) m = 0;
      double s = 0;
      for (int64_t k = 0; k < size; ++k) s += std::exp(static_cast<double>(p[k * inner]) - m);
      if (op == S_SOFTMAX) {
        for (int64_t k = 0; k < size; ++k) q[k * inner] = static_cast<float>(std::exp(static_cast<double>(p[k * inner]) - m) / s);
      } else {
        const double ls = std::log(s);
        for (int64_t k = 0; k < size; ++k) q[k * inner] = static_cast<float>(static_cast<double>(p[k * inner]) - m - ls);
      }
    }
  }
}

}  // namespace ng
