// Normalisation kernels: batch-norm statistics, the per-channel affine apply and its backward over
// contiguous [N, C, S], layer norm forward and backward over the rows of [R, L]. Sums run in float lanes
// of the Vec API flushed to double every block (so long reductions stay accurate); elementwise passes are
// plain vector loops. Batch norm with long channel segments (S >= kColumnModeS) works segment by segment,
// split across the pool over channels; with short ones ((N, C) inputs, small feature maps) it treats x as
// N rows of C·S columns, vectorised across columns with per-column coefficients. Layer norm splits rows
// across the pool, and its weight/bias gradients over blocks of columns.
#include "../simd/vec.h"
#include "common.h"

NG_BEGIN_ISA
namespace {

constexpr int K = Vec::kLanes;
// Elements per task: a task should outlast the pool's wake-up several times.
constexpr int64_t kGrain = 1 << 14;
// Float lanes add at most this many vectors before being flushed to double.
constexpr int64_t kBlock = 4 * K * 16;
// Batch norm below this channel-segment length runs in column mode.
constexpr int64_t kColumnModeS = 16;
// Column mode: columns per block (a multiple of every kLanes) and rows between flushes to double.
constexpr int64_t kCols = 64;
constexpr int64_t kFlushRows = 16;

NG_VINLINE Vec ld(const float* p, int n) { return n == K ? Vec::loadu(p) : Vec::load_partial(p, n); }
NG_VINLINE void st(float* p, Vec v, int n) {
  if (n == K) Vec::storeu(p, v);
  else Vec::store_partial(p, v, n);
}
/** v with lanes >= n zeroed (n = K keeps every lane). */
NG_VINLINE Vec first(Vec v, int n) { return n == K ? v : Vec::select(Vec::first_n(n), v, Vec::zero()); }

/**
 * Σ over one contiguous segment [0, n) of the NS vectors f(i, r, v) writes (lanes >= r must be 0), in double:
 * 2 float accumulators per sum, flushed to double every block.
 */
template <int NS, typename F>
void sum_segment(int64_t n, F f, double* out) {
  for (int s = 0; s < NS; ++s) out[s] = 0;
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t e = min_of(n, b + kBlock);
    Vec a0[NS], a1[NS], v[NS];
    for (int s = 0; s < NS; ++s) a0[s] = a1[s] = Vec::zero();
    int64_t i = b;
    for (; i + 2 * K <= e; i += 2 * K) {
      f(i, K, v);
      for (int s = 0; s < NS; ++s) a0[s] = a0[s] + v[s];
      f(i + K, K, v);
      for (int s = 0; s < NS; ++s) a1[s] = a1[s] + v[s];
    }
    for (; i < e; i += K) {
      f(i, static_cast<int>(min_of<int64_t>(K, e - i)), v);
      for (int s = 0; s < NS; ++s) a0[s] = a0[s] + v[s];
    }
    for (int s = 0; s < NS; ++s) out[s] += Vec::reduce_add_double(a0[s]) + Vec::reduce_add_double(a1[s]);
  }
}

/** Σ x[0..n). */
inline double sum_of(const float* x, int64_t n) {
  double s;
  sum_segment<1>(n, [&](int64_t i, int r, Vec* v) { v[0] = ld(x + i, r); }, &s);
  return s;
}

/** Σ (x − m)² over [0, n). */
inline double sumsq_of(const float* x, int64_t n, float m) {
  const Vec vm = Vec::set1(m);
  double s;
  sum_segment<1>(n, [&](int64_t i, int r, Vec* v) {
    const Vec d = first(ld(x + i, r) - vm, r);
    v[0] = d * d;
  }, &s);
  return s;
}

/**
 * Column sums over `rows` rows for columns [j0, j1): out[s][j] = Σ_r of the NS vectors f(r, j, n, v) writes
 * for columns j .. j + n (lanes >= n are ignored). Float lanes per block of kCols columns, flushed to double
 * every kFlushRows rows.
 */
template <int NS, typename F>
void column_sums(int64_t rows, int64_t j0, int64_t j1, double* const* out, F f) {
  alignas(64) float acc[NS][kCols];
  double dacc[NS][kCols];
  for (int64_t jb = j0; jb < j1; jb += kCols) {
    const int64_t w = min_of(kCols, j1 - jb);
    for (int s = 0; s < NS; ++s)
      for (int64_t j = 0; j < w; ++j) acc[s][j] = 0, dacc[s][j] = 0;
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t j = 0; j < w; j += K) {
        const int n = static_cast<int>(min_of<int64_t>(K, w - j));
        Vec v[NS];
        f(r, jb + j, n, v);
        for (int s = 0; s < NS; ++s) st(acc[s] + j, ld(acc[s] + j, n) + v[s], n);
      }
      if ((r + 1) % kFlushRows == 0 || r + 1 == rows) {
        for (int s = 0; s < NS; ++s)
          for (int64_t j = 0; j < w; ++j) dacc[s][j] += static_cast<double>(acc[s][j]), acc[s][j] = 0;
      }
    }
    for (int s = 0; s < NS; ++s)
      for (int64_t j = 0; j < w; ++j) out[s][jb + j] = dacc[s][j];
  }
}

/** Runs column_sums over [0, cols) split across the pool by blocks of kCols columns. */
template <int NS, typename F>
void column_sums_parallel(int64_t rows, int64_t cols, double* const* out, F f) {
  const int64_t blocks = (cols + kCols - 1) / kCols;
  auto task = [&](int, int, int64_t b0, int64_t b1) { column_sums<NS>(rows, b0 * kCols, min_of(cols, b1 * kCols), out, f); };
  parallel(blocks, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, rows * kCols)), task);
}

/** y[0..n) = f(i, r) stored, whole vectors then a partial one. */
template <typename F>
NG_VINLINE void map_segment(float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + K <= n; i += K) Vec::storeu(y + i, f(i, K));
  if (i < n) Vec::store_partial(y + i, f(i, static_cast<int>(n - i)), static_cast<int>(n - i));
}

/** Rows [0, rows) of `cols` elements each, split across the pool: row(r). */
template <typename F>
void rows_parallel(int64_t rows, int64_t cols, int64_t passes, F row) {
  auto task = [&](int, int, int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) row(r);
  };
  parallel(rows, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, passes * cols)), task);
}

inline float nan_f() { return __builtin_nanf(""); }

/** Scratch of the calling thread for `n` floats / doubles (read by every task of the next region). */
inline float* caller_floats(int slot, int64_t n) { return static_cast<float*>(scratch_optional(slot, static_cast<size_t>(n) * sizeof(float))); }
inline double* caller_doubles(int slot, int64_t n) { return static_cast<double*>(scratch_optional(slot, static_cast<size_t>(n) * sizeof(double))); }

/** Per-channel sums of per-column sums: out[c] = Σ_s col[c·S + s]. */
inline double channel_total(const double* col, int64_t c, int64_t S) {
  double t = 0;
  for (int64_t s = 0; s < S; ++s) t += col[c * S + s];
  return t;
}

}  // namespace

void batch_norm_stats(const float* x, int64_t N, int64_t C, int64_t S, float* mean, float* var) {
  if (C == 0) return;
  const int64_t M = N * S;
  if (M == 0) {
    for (int64_t c = 0; c < C; ++c) mean[c] = var[c] = nan_f();
    return;
  }
  const int64_t cols = C * S;
  double* colsum = S < kColumnModeS ? caller_doubles(6, cols) : nullptr;
  float* mcol = colsum ? caller_floats(5, cols) : nullptr;
  if (colsum && mcol) {
    // Column mode: x as N rows of C·S columns; per-column sums, then per-channel totals.
    double* out[1] = {colsum};
    column_sums_parallel<1>(N, cols, out, [&](int64_t r, int64_t j, int n, Vec* v) { v[0] = ld(x + r * cols + j, n); });
    for (int64_t c = 0; c < C; ++c) {
      mean[c] = static_cast<float>(channel_total(colsum, c, S) / static_cast<double>(M));
      for (int64_t s = 0; s < S; ++s) mcol[c * S + s] = mean[c];
    }
    column_sums_parallel<1>(N, cols, out, [&](int64_t r, int64_t j, int n, Vec* v) {
      const Vec d = first(ld(x + r * cols + j, n) - ld(mcol + j, n), n);
      v[0] = d * d;
    });
    for (int64_t c = 0; c < C; ++c) var[c] = static_cast<float>(channel_total(colsum, c, S) / static_cast<double>(M));
    return;
  }
  auto task = [&](int, int, int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      double s = 0;
      for (int64_t n = 0; n < N; ++n) s += sum_of(x + (n * C + c) * S, S);
      const float m = static_cast<float>(s / static_cast<double>(M));
      double ss = 0;
      for (int64_t n = 0; n < N; ++n) ss += sumsq_of(x + (n * C + c) * S, S, m);
      mean[c] = m;
      var[c] = static_cast<float>(ss / static_cast<double>(M));
    }
  };
  parallel(C, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, 2 * M)), task);
}

void batch_norm_apply(const float* x, int64_t N, int64_t C, int64_t S, const float* mean, const float* var, double eps, const float* weight,
                      const float* bias, float* out) {
  if (N * C * S == 0) return;
  auto coefficients = [&](int64_t c, float* a, float* b) {
    const double ad = static_cast<double>(weight[c]) / sqrt(static_cast<double>(var[c]) + eps);
    *a = static_cast<float>(ad);
    *b = static_cast<float>(static_cast<double>(bias[c]) - static_cast<double>(mean[c]) * ad);
  };
  const int64_t cols = C * S;
  if (S < kColumnModeS) {
    // Column mode: per-column a and b on the caller's scratch, each row one vector loop.
    if (float* ab = caller_floats(5, 2 * cols)) {
      float* a = ab;
      float* b = ab + cols;
      for (int64_t c = 0; c < C; ++c) {
        coefficients(c, a + c * S, b + c * S);
        for (int64_t s = 1; s < S; ++s) a[c * S + s] = a[c * S], b[c * S + s] = b[c * S];
      }
      rows_parallel(N, cols, 1, [&](int64_t r) {
        const float* xr = x + r * cols;
        map_segment(out + r * cols, cols, [&](int64_t i, int n) { return Vec::fma(ld(xr + i, n), ld(a + i, n), ld(b + i, n)); });
      });
      return;
    }
  }
  // Per (n, c) segment; a and b once per channel on the caller's scratch (recomputed without it).
  float* ab = caller_floats(5, 2 * C);
  for (int64_t c = 0; c < C && ab; ++c) coefficients(c, ab + 2 * c, ab + 2 * c + 1);
  auto task = [&](int, int, int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t c = t % C;
      float a, b;
      if (ab) a = ab[2 * c], b = ab[2 * c + 1];
      else coefficients(c, &a, &b);
      const Vec va = Vec::set1(a), vb = Vec::set1(b);
      const float* xs = x + t * S;
      map_segment(out + t * S, S, [&](int64_t i, int r) { return Vec::fma(ld(xs + i, r), va, vb); });
    }
  };
  parallel(N * C, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, S)), task);
}

void batch_norm_backward(const float* grad, const float* x, int64_t N, int64_t C, int64_t S, const float* mean, const float* var, double eps,
                         const float* weight, bool training, float* grad_input, float* sum_grad, float* sum_grad_xhat) {
  if (C == 0) return;
  const int64_t M = N * S;
  const int64_t cols = C * S;
  // Phase 2's per-channel coefficients: scale = invstd·w, mean(dy), k = Σ(x − mean)·dy·invstd²/M.
  auto coefficients = [&](int64_t c, float* scale, float* gm, float* k) {
    const double rs = 1.0 / sqrt(static_cast<double>(var[c]) + eps);
    *scale = static_cast<float>(rs * static_cast<double>(weight[c]));
    *gm = static_cast<float>(static_cast<double>(sum_grad[c]) / static_cast<double>(M));
    *k = static_cast<float>(static_cast<double>(sum_grad_xhat[c]) * rs / static_cast<double>(M));
  };
  auto finish_channel = [&](int64_t c, double sg, double dot) {
    sum_grad[c] = static_cast<float>(sg);
    sum_grad_xhat[c] = static_cast<float>(dot / sqrt(static_cast<double>(var[c]) + eps));
  };
  double* colsum = S < kColumnModeS && M > 0 ? caller_doubles(6, 2 * cols) : nullptr;
  float* coef = colsum ? caller_floats(5, 5 * cols) : nullptr;
  if (coef) {
    // Column mode: Σ dy and Σ (x − mean)·dy per column, then rows of ((dy − gm) − (x − mean)·k)·scale.
    float *mcol = coef, *scol = coef + cols, *gcol = coef + 2 * cols, *kcol = coef + 3 * cols;
    for (int64_t c = 0; c < C; ++c)
      for (int64_t s = 0; s < S; ++s) mcol[c * S + s] = mean[c];
    double* out[2] = {colsum, colsum + cols};
    column_sums_parallel<2>(N, cols, out, [&](int64_t r, int64_t j, int n, Vec* v) {
      const Vec g = ld(grad + r * cols + j, n);
      v[0] = g;
      v[1] = first((ld(x + r * cols + j, n) - ld(mcol + j, n)) * g, n);
    });
    for (int64_t c = 0; c < C; ++c) {
      finish_channel(c, channel_total(out[0], c, S), channel_total(out[1], c, S));
      coefficients(c, scol + c * S, gcol + c * S, kcol + c * S);
      for (int64_t s = 1; s < S; ++s) scol[c * S + s] = scol[c * S], gcol[c * S + s] = gcol[c * S], kcol[c * S + s] = kcol[c * S];
    }
    rows_parallel(N, cols, 3, [&](int64_t r) {
      const float* g = grad + r * cols;
      const float* xr = x + r * cols;
      if (!training) return map_segment(grad_input + r * cols, cols, [&](int64_t i, int n) { return ld(g + i, n) * ld(scol + i, n); });
      map_segment(grad_input + r * cols, cols, [&](int64_t i, int n) {
        return ((ld(g + i, n) - ld(gcol + i, n)) - (ld(xr + i, n) - ld(mcol + i, n)) * ld(kcol + i, n)) * ld(scol + i, n);
      });
    });
    return;
  }
  // Phase 1, per channel: Σ dy and Σ (x − mean)·dy in one pass over each segment.
  auto sums = [&](int, int, int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const Vec vm = Vec::set1(mean[c]);
      double sg = 0, dot = 0;
      for (int64_t n = 0; n < N; ++n) {
        const float* g = grad + (n * C + c) * S;
        const float* xs = x + (n * C + c) * S;
        double s[2];
        sum_segment<2>(S, [&](int64_t i, int r, Vec* v) {
          v[0] = ld(g + i, r);
          v[1] = first((ld(xs + i, r) - vm) * v[0], r);
        }, s);
        sg += s[0];
        dot += s[1];
      }
      finish_channel(c, sg, dot);
    }
  };
  parallel(C, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, 2 * M)), sums);
  if (M == 0) return;
  float* cf = caller_floats(5, 3 * C);
  for (int64_t c = 0; c < C && cf; ++c) coefficients(c, cf + 3 * c, cf + 3 * c + 1, cf + 3 * c + 2);
  // Phase 2, per (n, c) segment.
  auto elementwise = [&](int, int, int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t c = t % C;
      float own[3];
      if (!cf) coefficients(c, own, own + 1, own + 2);
      const float* k3 = cf ? cf + 3 * c : own;
      const Vec scale = Vec::set1(k3[0]);
      const float* g = grad + t * S;
      float* gi = grad_input + t * S;
      if (!training) {
        map_segment(gi, S, [&](int64_t i, int r) { return ld(g + i, r) * scale; });
        continue;
      }
      const Vec gm = Vec::set1(k3[1]), k = Vec::set1(k3[2]), m = Vec::set1(mean[c]);
      const float* xs = x + t * S;
      map_segment(gi, S, [&](int64_t i, int r) { return ((ld(g + i, r) - gm) - (ld(xs + i, r) - m) * k) * scale; });
    }
  };
  parallel(N * C, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, 3 * S)), elementwise);
}

void layer_norm(const float* x, int64_t R, int64_t L, double eps, const float* weight, const float* bias, float* out, float* mean, float* rstd) {
  if (R == 0) return;
  rows_parallel(R, L, 3, [&](int64_t row) {
    const float* xr = x + row * L;
    if (L == 0) {
      mean[row] = rstd[row] = nan_f();
      return;
    }
    const float m = static_cast<float>(sum_of(xr, L) / static_cast<double>(L));
    const float rs = static_cast<float>(1.0 / sqrt(sumsq_of(xr, L, m) / static_cast<double>(L) + eps));
    mean[row] = m;
    rstd[row] = rs;
    const Vec vm = Vec::set1(m), vr = Vec::set1(rs);
    map_segment(out + row * L, L, [&](int64_t i, int r) { return Vec::fma((ld(xr + i, r) - vm) * vr, ld(weight + i, r), ld(bias + i, r)); });
  });
}

void layer_norm_backward(const float* grad, const float* x, int64_t R, int64_t L, const float* mean, const float* rstd, const float* weight,
                         float* grad_input, float* grad_weight, float* grad_bias) {
  if (R == 0 || L == 0) {
    for (int64_t j = 0; j < L && grad_weight; ++j) grad_weight[j] = grad_bias[j] = 0.0f;
    return;
  }
  const double inv_l = 1.0 / static_cast<double>(L);
  rows_parallel(R, L, 4, [&](int64_t row) {
    const float* g = grad + row * L;
    const float* xr = x + row * L;
    const Vec vm = Vec::set1(mean[row]), vr = Vec::set1(rstd[row]);
    // a = Σ ĝ, b = Σ ĝ·x̂ with ĝ = grad·weight, x̂ = (x − mean)·rstd, in one pass.
    double ab[2];
    sum_segment<2>(L, [&](int64_t i, int r, Vec* v) {
      v[0] = ld(g + i, r) * ld(weight + i, r);
      v[1] = first(v[0] * ((ld(xr + i, r) - vm) * vr), r);
    }, ab);
    const Vec va = Vec::set1(static_cast<float>(ab[0] * inv_l)), vb = Vec::set1(static_cast<float>(ab[1] * inv_l));
    map_segment(grad_input + row * L, L, [&](int64_t i, int r) {
      const Vec gh = ld(g + i, r) * ld(weight + i, r);
      const Vec xh = (ld(xr + i, r) - vm) * vr;
      return vr * ((gh - va) - xh * vb);
    });
  });
  if (!grad_weight) return;
  // Weight and bias gradients: column sums of grad·x̂ and grad over the rows.
  double* sums = caller_doubles(6, 2 * L);
  if (!sums) {
    for (int64_t j = 0; j < L; ++j) {
      double gw = 0, gb = 0;
      for (int64_t row = 0; row < R; ++row) {
        const double g = grad[row * L + j];
        gw += g * static_cast<double>((x[row * L + j] - mean[row]) * rstd[row]);
        gb += g;
      }
      grad_weight[j] = static_cast<float>(gw);
      grad_bias[j] = static_cast<float>(gb);
    }
    return;
  }
  double* out[2] = {sums, sums + L};
  column_sums_parallel<2>(R, L, out, [&](int64_t r, int64_t j, int n, Vec* v) {
    const Vec g = ld(grad + r * L + j, n);
    v[0] = first(g * ((ld(x + r * L + j, n) - Vec::set1(mean[r])) * Vec::set1(rstd[r])), n);
    v[1] = g;
  });
  for (int64_t j = 0; j < L; ++j) {
    grad_weight[j] = static_cast<float>(sums[j]);
    grad_bias[j] = static_cast<float>(sums[L + j]);
  }
}

NG_END_ISA
