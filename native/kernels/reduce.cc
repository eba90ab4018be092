// Reductions over the middle axis of contiguous [outer, size, inner]: sum/mean (float lanes flushed
// to double every block, so long sums stay accurate), max/min (NaN propagates), arg-max/min (first
// index wins), softmax/log-softmax (max-shifted). Float paths run on the Vec API (simd/vec.h, exp from
// simd/vec_math.h); int32 paths are plain loops. Work is split across the pool above a size threshold:
// over rows, or within the rows when there are fewer rows than threads.
#include "../simd/vec_math.h"
#include "common.h"

NG_BEGIN_ISA
namespace {

constexpr int K = Vec::kLanes;
// Elements per task (the pool splits into at most n / grain parts): a task should outlast the pool's
// wake-up (a few µs) several times over; sums and max read ~10-20 floats per ns in cache, softmax
// (one exp per element) ~1-3.
constexpr int64_t kGrain = 1 << 15;
constexpr int64_t kGrainSoftmax = 1 << 13;
// Float lanes add at most kFlush vectors each before being flushed to double (error ~kFlush·2^-24
// relative per block however long the row).
constexpr int64_t kFlush = 16;
constexpr int64_t kSumBlock = 4 * K * kFlush;  // 4 accumulators

template <typename T>
inline bool is_nan(T v) {
  if constexpr (__is_same(T, float)) return v != v;
  return false;
}

template <typename T>
inline T pick(bool is_max, T cur, T v) {
  // NaN is sticky: once cur is NaN neither test replaces it; a NaN v always replaces cur.
  return (is_max ? v > cur : v < cur) || is_nan(v) ? v : cur;
}

/** Should a row-parallel reduction split inside the rows instead (fewer rows than threads)? */
inline bool split_inside(int64_t outer, int64_t work) { return outer < num_threads() && work > kGrain; }

// ---- sum / mean --------------------------------------------------------------------------------

/** Σ x[0..n) for contiguous x: 4 vector accumulators per block of kSumBlock, blocks added in double. */
double sum_contiguous(const float* x, int64_t n) {
  double total = 0;
  for (int64_t b = 0; b < n; b += kSumBlock) {
    const int64_t e = min_of(n, b + kSumBlock);
    Vec a0 = Vec::zero(), a1 = Vec::zero(), a2 = Vec::zero(), a3 = Vec::zero();
    int64_t i = b;
    for (; i + 4 * K <= e; i += 4 * K) {
      a0 = a0 + Vec::loadu(x + i);
      a1 = a1 + Vec::loadu(x + i + K);
      a2 = a2 + Vec::loadu(x + i + 2 * K);
      a3 = a3 + Vec::loadu(x + i + 3 * K);
    }
    for (; i + K <= e; i += K) a0 = a0 + Vec::loadu(x + i);
    if (i < e) a1 = a1 + Vec::load_partial(x + i, static_cast<int>(e - i));
    total += (Vec::reduce_add_double(a0) + Vec::reduce_add_double(a1)) + (Vec::reduce_add_double(a2) + Vec::reduce_add_double(a3));
  }
  return total;
}

/** sum_contiguous split across the pool by whole blocks (per-thread partials added in order). */
double sum_contiguous_parallel(const float* x, int64_t n) {
  double partial[1024] = {0};  // one per part; the pool never makes more than 1024 parts
  const int64_t blocks = (n + kSumBlock - 1) / kSumBlock;
  auto task = [&](int ith, int, int64_t lo, int64_t hi) { partial[ith] = sum_contiguous(x + lo * kSumBlock, min_of(n, hi * kSumBlock) - lo * kSumBlock); };
  parallel(blocks, max_of<int64_t>(1, kGrain / kSumBlock), task);
  double total = 0;
  for (int t = 0; t < 1024 && t < num_threads(); ++t) total += partial[t];
  return total;
}

/** Column sums of rows x[k·inner + j] for k < size, j in [j0, j1), in double (out gets mean or sum). */
template <typename T>
void sum_columns(const T* x, int64_t size, int64_t inner, int64_t j0, int64_t j1, bool mean, T* dst) {
  const int64_t w = j1 - j0;
  double* acc = static_cast<double*>(scratch(7, static_cast<size_t>(w) * sizeof(double)));
  if (!acc) return;  // out of memory: counted, the binding throws
  for (int64_t j = 0; j < w; ++j) acc[j] = 0;
  for (int64_t k = 0; k < size; ++k) {
    const T* row = x + k * inner + j0;
    for (int64_t j = 0; j < w; ++j) acc[j] += static_cast<double>(row[j]);
  }
  for (int64_t j = 0; j < w; ++j) {
    const double v = mean ? acc[j] / static_cast<double>(size) : acc[j];
    if constexpr (__is_same(T, int32_t)) {
      // Integer sums wrap like int32 arithmetic (the reference's `| 0`).
      dst[j0 + j] = static_cast<int32_t>(static_cast<uint32_t>(static_cast<int64_t>(fmod(v, 4294967296.0))));
    } else {
      dst[j0 + j] = static_cast<T>(v);
    }
  }
}

// ---- max / min -----------------------------------------------------------------------------------

/** max (or min) of contiguous x[0..n), n >= 1, with the reference's rules: NaN wins, and among equal values (±0) the first. */
float extreme_contiguous(bool is_max, const float* x, int64_t n) {
  if (n < 2 * K) {
    float cur = x[0];
    for (int64_t k = 1; k < n; ++k) cur = pick(is_max, cur, x[k]);
    return cur;
  }
  Vec m0 = Vec::loadu(x), m1 = Vec::loadu(x + K);
  Vec::Mask nan = Vec::mask_or(Vec::isnan(m0), Vec::isnan(m1));
  int64_t i = 2 * K;
  // A lane keeps its value unless a later one is strictly larger (smaller), as the reference does.
  if (is_max) {
    for (; i + 2 * K <= n; i += 2 * K) {
      const Vec v0 = Vec::loadu(x + i), v1 = Vec::loadu(x + i + K);
      m0 = Vec::max(v0, m0);
      m1 = Vec::max(v1, m1);
      nan = Vec::mask_or(nan, Vec::mask_or(Vec::isnan(v0), Vec::isnan(v1)));
    }
  } else {
    for (; i + 2 * K <= n; i += 2 * K) {
      const Vec v0 = Vec::loadu(x + i), v1 = Vec::loadu(x + i + K);
      m0 = Vec::min(v0, m0);
      m1 = Vec::min(v1, m1);
      nan = Vec::mask_or(nan, Vec::mask_or(Vec::isnan(v0), Vec::isnan(v1)));
    }
  }
  for (; i < n; i += K) {  // tail: lanes past n keep m0's values
    const int r = static_cast<int>(min_of<int64_t>(K, n - i));
    const Vec v = Vec::select(Vec::first_n(r), Vec::load_partial(x + i, r), m0);
    m0 = is_max ? Vec::max(v, m0) : Vec::min(v, m0);
    nan = Vec::mask_or(nan, Vec::isnan(v));
  }
  if (Vec::any(nan)) return __builtin_nanf("");
  const float r = is_max ? Vec::reduce_max(Vec::max(m0, m1)) : Vec::reduce_min(Vec::min(m0, m1));
  // Lanes lose the order of equal values; only ±0 differ in bits, and then the first zero is the answer.
  if (r == 0.0f) {
    for (int64_t k = 0; k < n; ++k)
      if (x[k] == 0.0f) return x[k];
  }
  return r;
}

/** dst[j0..j1) = max/min over k of x[k·inner + j] (pick rule), vectorised over j. */
void extreme_columns_f32(bool is_max, const float* x, int64_t size, int64_t inner, int64_t j0, int64_t j1, float* dst) {
  for (int64_t j = j0; j < j1; ++j) dst[j] = x[j];
  for (int64_t k = 1; k < size; ++k) {
    const float* row = x + k * inner;
    int64_t j = j0;
    for (; j < j1; j += K) {
      const int r = static_cast<int>(min_of<int64_t>(K, j1 - j));
      const Vec v = Vec::load_partial(row + j, r);
      const Vec cur = Vec::load_partial(dst + j, r);
      const Vec::Mask take = Vec::mask_or(is_max ? Vec::gt(v, cur) : Vec::lt(v, cur), Vec::isnan(v));
      Vec::store_partial(dst + j, Vec::select(take, v, cur), r);
    }
  }
}

template <typename T>
void extreme_columns(bool is_max, const T* x, int64_t size, int64_t inner, int64_t j0, int64_t j1, T* dst) {
  if constexpr (__is_same(T, float)) {
    return extreme_columns_f32(is_max, x, size, inner, j0, j1, dst);
  } else {
    for (int64_t j = j0; j < j1; ++j) dst[j] = x[j];
    for (int64_t k = 1; k < size; ++k) {
      const T* row = x + k * inner;
      for (int64_t j = j0; j < j1; ++j) dst[j] = pick(is_max, dst[j], row[j]);
    }
  }
}

template <typename T>
T extreme_row(bool is_max, const T* x, int64_t n) {
  if constexpr (__is_same(T, float)) {
    return extreme_contiguous(is_max, x, n);
  } else {
    T cur = x[0];
    if (is_max) {
      for (int64_t k = 1; k < n; ++k) cur = x[k] > cur ? x[k] : cur;
    } else {
      for (int64_t k = 1; k < n; ++k) cur = x[k] < cur ? x[k] : cur;
    }
    return cur;
  }
}

// ---- reduce ----------------------------------------------------------------------------------------

/** Rows [o0, o1) of [outer, size, inner], all of each row's columns. */
template <typename T>
void reduce_rows(int op, const T* x, int64_t size, int64_t inner, T* out, int64_t o0, int64_t o1) {
  const bool is_sum = op == R_SUM || op == R_MEAN;
  for (int64_t o = o0; o < o1; ++o) {
    const T* base = x + o * size * inner;
    T* dst = out + o * inner;
    if (is_sum) {
      if constexpr (__is_same(T, float)) {
        if (inner == 1) {
          const double s = sum_contiguous(base, size);
          dst[0] = static_cast<float>(op == R_MEAN ? s / static_cast<double>(size) : s);
          continue;
        }
      }
      sum_columns<T>(base, size, inner, 0, inner, op == R_MEAN, dst);
    } else if (inner == 1) {
      dst[0] = extreme_row<T>(op == R_MAX, base, size);
    } else {
      extreme_columns<T>(op == R_MAX, base, size, inner, 0, inner, dst);
    }
  }
}

template <typename T>
void reduce_typed(int op, const T* x, int64_t outer, int64_t size, int64_t inner, T* out) {
  // NOTE: nothing to write when outer or inner is 0; returning first also keeps a huge empty layout
  // (outer = 2^50, inner = 0) from spinning and a huge `inner` with outer = 0 from allocating.
  if (outer == 0 || inner == 0) return;
  const bool is_sum = op == R_SUM || op == R_MEAN;
  if (split_inside(outer, size * inner)) {
    // Fewer rows than threads: split each row (a whole-tensor sum, a column sum over a long dim, ...).
    for (int64_t o = 0; o < outer; ++o) {
      const T* base = x + o * size * inner;
      T* dst = out + o * inner;
      if (inner == 1) {
        if constexpr (__is_same(T, float)) {
          if (is_sum) {
            const double s = sum_contiguous_parallel(base, size);
            dst[0] = static_cast<float>(op == R_MEAN ? s / static_cast<double>(size) : s);
            continue;
          }
        }
        reduce_rows<T>(op, base, size, 1, dst, 0, 1);  // int32 sums and max/min of one row stay on one thread
      } else {
        auto task = [&](int, int, int64_t lo, int64_t hi) {
          if (is_sum) sum_columns<T>(base, size, inner, lo, hi, op == R_MEAN, dst);
          else extreme_columns<T>(op == R_MAX, base, size, inner, lo, hi, dst);
        };
        parallel(inner, max_of<int64_t>(K, kGrain / max_of<int64_t>(1, size)), task);
      }
    }
    return;
  }
  auto task = [&](int, int, int64_t lo, int64_t hi) { reduce_rows<T>(op, x, size, inner, out, lo, hi); };
  parallel(outer, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, size * inner)), task);
}

// ---- argmax / argmin ------------------------------------------------------------------------------

/**
 * Arg max/min of one contiguous float row (n >= 1): per-lane best value and index (the index as a float,
 * exact below 2^24), lanes merged by value then lowest index, then the tail; a NaN wins at its first index.
 */
void arg_extreme_row_f32(bool is_max, const float* p, int64_t n, float* value, int32_t* index) {
  float best = p[0];
  int64_t bi = 0;
  int64_t k = 1;
  if (n >= 2 * K && n < (int64_t{1} << 24)) {
    Vec vb = Vec::loadu(p), ib = Vec::iota(), idx = Vec::iota();
    const Vec step = Vec::set1(static_cast<float>(K));
    Vec::Mask nan = Vec::isnan(vb);
    for (k = K; k + K <= n; k += K) {
      idx = idx + step;
      const Vec v = Vec::loadu(p + k);
      const Vec::Mask vn = Vec::isnan(v);
      // Replace where strictly better or NaN, unless the lane already holds its first NaN.
      const Vec::Mask take = Vec::mask_andnot(Vec::mask_or(is_max ? Vec::gt(v, vb) : Vec::lt(v, vb), vn), nan);
      vb = Vec::select(take, v, vb);
      ib = Vec::select(take, idx, ib);
      nan = Vec::mask_or(nan, vn);
    }
    float lv[K], li[K];
    Vec::storeu(lv, vb);
    Vec::storeu(li, ib);
    best = lv[0];
    bi = static_cast<int64_t>(li[0]);
    for (int l = 1; l < K; ++l) {
      const float v = lv[l];
      const int64_t i = static_cast<int64_t>(li[l]);
      bool take;
      if (best != best) take = v != v && i < bi;           // both NaN: the first
      else if (v != v) take = true;                        // NaN beats any number
      else if (v == best) take = i < bi;                   // tie (incl. ±0): the first
      else take = is_max ? v > best : v < best;
      if (take) {
        best = v;
        bi = i;
      }
    }
  }
  for (; k < n && best == best; ++k) {
    const float v = p[k];
    if (v != v || (is_max ? v > best : v < best)) {
      best = v;
      bi = k;
    }
  }
  *value = best;
  *index = static_cast<int32_t>(bi);
}

template <typename T>
void arg_reduce_typed(int op, const T* x, int64_t outer, int64_t size, int64_t inner, T* values, int32_t* indices) {
  if (outer == 0 || inner == 0) return;  // nothing to write (and no empty outer loop to spin through)
  const bool is_max = op == A_MAX;
  auto task = [&](int, int, int64_t lo, int64_t hi) {
    for (int64_t o = lo; o < hi; ++o) {
      if constexpr (__is_same(T, float)) {
        if (inner == 1) {
          arg_extreme_row_f32(is_max, x + o * size, size, values + o, indices + o);
          continue;
        }
      }
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

// ---- softmax / log-softmax -------------------------------------------------------------------------

/**
 * e^(x - m) for float x and shift m, accurate to the exp's own few ulps: d = x - m is rounded in float,
 * so the exact remainder (x - m) - d (Knuth's two-sum) corrects the result to first order; without it
 * the error would grow with |d| (|d|·2^-24 relative).
 */
NG_VINLINE Vec exp_shifted(Vec x, Vec neg_m) {
  const Vec d = x + neg_m;
  const Vec bb = d - x;
  Vec err = (x - (d - bb)) + (neg_m - bb);
  err = Vec::select(Vec::isnan(err), Vec::zero(), err);  // x = -inf (e = 0) or d overflowed: no correction
  const Vec e = vexp(d);
  return Vec::fma(e, err, e);
}

/** The row max with the reference's rules, then shifted by 0 when it is -inf (all -inf rows give NaN). */
inline float softmax_shift(const float* p, int64_t n) {
  const float m = extreme_contiguous(true, p, n);
  return m == -__builtin_inff() ? 0.0f : m;
}

/** Softmax/log-softmax of one long contiguous row q = f(p[0..n)). */
void softmax_row(int op, const float* p, float* q, int64_t n) {
  const float m = softmax_shift(p, n);
  const Vec neg_m = Vec::set1(-m);
  double s = 0;
  Vec acc = Vec::zero();
  int flushed = 0;
  int64_t i = 0;
  const bool keep = op == S_SOFTMAX;  // softmax stores e^(x - m) and rescales it in place
  for (; i + K <= n; i += K) {
    const Vec e = exp_shifted(Vec::loadu(p + i), neg_m);
    if (keep) Vec::storeu(q + i, e);
    acc = acc + e;
    if (++flushed == kFlush) {
      s += Vec::reduce_add_double(acc);
      acc = Vec::zero();
      flushed = 0;
    }
  }
  if (i < n) {
    const int r = static_cast<int>(n - i);
    const Vec e = Vec::select(Vec::first_n(r), exp_shifted(Vec::load_partial(p + i, r), neg_m), Vec::zero());
    if (keep) Vec::store_partial(q + i, e, r);
    acc = acc + e;
  }
  s += Vec::reduce_add_double(acc);
  if (op == S_SOFTMAX) {
    const Vec inv = Vec::set1(static_cast<float>(1.0 / s));
    for (i = 0; i + K <= n; i += K) Vec::storeu(q + i, Vec::loadu(q + i) * inv);
    if (i < n) {
      const int r = static_cast<int>(n - i);
      Vec::store_partial(q + i, Vec::load_partial(q + i, r) * inv, r);
    }
  } else {
    // (x - m) - log s: both terms <= 0, so no cancellation.
    const Vec ls = Vec::set1(static_cast<float>(log(s)));
    for (i = 0; i + K <= n; i += K) Vec::storeu(q + i, (Vec::loadu(p + i) + neg_m) - ls);
    if (i < n) {
      const int r = static_cast<int>(n - i);
      Vec::store_partial(q + i, (Vec::load_partial(p + i, r) + neg_m) - ls, r);
    }
  }
}

/**
 * Short rows (n < 2·kLanes) in batches: per row max and shifted values d = x - m (rounded to float, with
 * the remainder kept) in scalar code, ONE vector exp over the whole batch, then per-row sums and scaling.
 */
void softmax_short_rows(int op, const float* x, float* out, int64_t n, int64_t r0, int64_t r1) {
  constexpr int64_t kBatch = 1024;  // elements per batch
  float* d = static_cast<float*>(scratch(6, 4 * kBatch * sizeof(float)));
  if (!d) return;  // out of memory: counted, the binding throws
  float* rem = d + kBatch;
  float* e = d + 2 * kBatch;
  float* shift = d + 3 * kBatch;
  const int64_t rows_per = max_of<int64_t>(1, kBatch / n);
  for (int64_t b = r0; b < r1; b += rows_per) {
    const int64_t nr = min_of(r1, b + rows_per) - b;
    const int64_t len = nr * n;
    const float* xb = x + b * n;
    for (int64_t r = 0; r < nr; ++r) {
      const float* p = xb + r * n;
      float m = p[0];
      for (int64_t k = 1; k < n; ++k) m = pick(true, m, p[k]);
      if (m == -__builtin_inff()) m = 0;
      shift[r] = m;
      for (int64_t k = 0; k < n; ++k) {
        double dd = static_cast<double>(p[k]) - static_cast<double>(m);  // <= 0 or NaN
        if (dd < -200) dd = -200;                                          // e^dd is 0 in float anyway
        const float df = static_cast<float>(dd);
        d[r * n + k] = df;
        rem[r * n + k] = static_cast<float>(dd - static_cast<double>(df));
      }
    }
    int64_t i = 0;
    for (; i + K <= len; i += K) {
      const Vec ev = vexp(Vec::loadu(d + i));
      Vec::storeu(e + i, Vec::fma(ev, Vec::loadu(rem + i), ev));
    }
    if (i < len) {
      const int r = static_cast<int>(len - i);
      const Vec ev = vexp(Vec::load_partial(d + i, r));
      Vec::store_partial(e + i, Vec::fma(ev, Vec::load_partial(rem + i, r), ev), r);
    }
    float* ob = out + b * n;
    for (int64_t r = 0; r < nr; ++r) {
      const float* er = e + r * n;
      double s = 0;
      for (int64_t k = 0; k < n; ++k) s += er[k];
      if (op == S_SOFTMAX) {
        const float inv = static_cast<float>(1.0 / s);
        for (int64_t k = 0; k < n; ++k) ob[r * n + k] = er[k] * inv;
      } else {
        const double c = static_cast<double>(shift[r]) + log(s);
        const float* p = xb + r * n;
        for (int64_t k = 0; k < n; ++k) ob[r * n + k] = static_cast<float>(static_cast<double>(p[k]) - c);
      }
    }
  }
}

/**
 * Softmax over the middle axis (inner > 1) for columns [j0, j1) of one [size, inner] slab, vectorised
 * over j: column max, e^(x - m) stored into out with float column sums flushed to double every kFlush
 * rows, then out *= 1/s (or out = (x - m) - log s).
 */
void softmax_columns(int op, const float* x, float* out, int64_t size, int64_t inner, int64_t j0, int64_t j1) {
  const int64_t w = j1 - j0;
  double* sd = static_cast<double*>(scratch(5, static_cast<size_t>(w) * (sizeof(double) + 2 * sizeof(float))));
  if (!sd) return;  // out of memory: counted, the binding throws
  float* mx = reinterpret_cast<float*>(sd + w);
  float* sf = mx + w;
  for (int64_t j = 0; j < w; ++j) mx[j] = x[j0 + j];
  for (int64_t k = 1; k < size; ++k) {
    const float* row = x + k * inner + j0;
    for (int64_t j = 0; j < w; j += K) {
      const int r = static_cast<int>(min_of<int64_t>(K, w - j));
      const Vec v = Vec::load_partial(row + j, r), cur = Vec::load_partial(mx + j, r);
      Vec::store_partial(mx + j, Vec::select(Vec::mask_or(Vec::gt(v, cur), Vec::isnan(v)), v, cur), r);
    }
  }
  for (int64_t j = 0; j < w; ++j) {
    if (mx[j] == -__builtin_inff()) mx[j] = 0;
    mx[j] = -mx[j];  // stored negated: e^(x + neg_m)
    sf[j] = 0;
    sd[j] = 0;
  }
  const bool keep = op == S_SOFTMAX;
  for (int64_t k = 0; k < size; ++k) {
    const float* row = x + k * inner + j0;
    float* orow = out + k * inner + j0;
    for (int64_t j = 0; j < w; j += K) {
      const int r = static_cast<int>(min_of<int64_t>(K, w - j));
      const Vec e = exp_shifted(Vec::load_partial(row + j, r), Vec::load_partial(mx + j, r));
      if (keep) Vec::store_partial(orow + j, e, r);
      Vec::store_partial(sf + j, Vec::load_partial(sf + j, r) + e, r);
    }
    if ((k + 1) % kFlush == 0 || k + 1 == size) {
      for (int64_t j = 0; j < w; ++j) {
        sd[j] += static_cast<double>(sf[j]);
        sf[j] = 0;
      }
    }
  }
  if (op == S_SOFTMAX) {
    for (int64_t j = 0; j < w; ++j) sf[j] = static_cast<float>(1.0 / sd[j]);
    for (int64_t k = 0; k < size; ++k) {
      float* orow = out + k * inner + j0;
      for (int64_t j = 0; j < w; j += K) {
        const int r = static_cast<int>(min_of<int64_t>(K, w - j));
        Vec::store_partial(orow + j, Vec::load_partial(orow + j, r) * Vec::load_partial(sf + j, r), r);
      }
    }
  } else {
    for (int64_t j = 0; j < w; ++j) sf[j] = static_cast<float>(log(sd[j]));
    for (int64_t k = 0; k < size; ++k) {
      const float* row = x + k * inner + j0;
      float* orow = out + k * inner + j0;
      for (int64_t j = 0; j < w; j += K) {
        const int r = static_cast<int>(min_of<int64_t>(K, w - j));
        Vec::store_partial(orow + j, (Vec::load_partial(row + j, r) + Vec::load_partial(mx + j, r)) - Vec::load_partial(sf + j, r), r);
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
  if (inner == 1) {
    if (size < 2 * K) {
      auto task = [&](int, int, int64_t lo, int64_t hi) { softmax_short_rows(op, x, out, size, lo, hi); };
      return parallel(outer, max_of<int64_t>(1, kGrainSoftmax / size), task);
    }
    auto task = [&](int, int, int64_t lo, int64_t hi) {
      for (int64_t o = lo; o < hi; ++o) softmax_row(op, x + o * size, out + o * size, size);
    };
    return parallel(outer, max_of<int64_t>(1, kGrainSoftmax / size), task);
  }
  // Middle axis: tasks are (slab o, block of up to kCols columns), so one slab can use several threads.
  constexpr int64_t kCols = 256;
  const int64_t nj = (inner + kCols - 1) / kCols;
  auto task = [&](int, int, int64_t lo, int64_t hi) {
    for (int64_t t = lo; t < hi; ++t) {
      const int64_t o = t / nj, jb = t % nj;
      const int64_t j0 = jb * kCols, j1 = min_of(inner, j0 + kCols);
      softmax_columns(op, x + o * size * inner, out + o * size * inner, size, inner, j0, j1);
    }
  };
  parallel(outer * nj, max_of<int64_t>(1, kGrainSoftmax / (size * min_of(inner, kCols))), task);
}

NG_END_ISA
