// Normalisation kernels: batch-norm statistics, the per-channel affine apply and its backward over
// contiguous [N, C, S], layer norm forward and backward over the rows of [R, L]. Sums run in float lanes
// of the Vec API flushed to double every block (so long reductions stay accurate), elementwise passes are
// plain vector loops. Channel reductions split across the pool over channels, elementwise passes over
// (n, c) segments or rows, layer norm's weight/bias gradients over column blocks, above a size threshold.
#include "../simd/vec.h"
#include "common.h"

NG_BEGIN_ISA
namespace {

constexpr int K = Vec::kLanes;
// Elements per task: a task should outlast the pool's wake-up several times.
constexpr int64_t kGrain = 1 << 14;
// Float lanes add at most this many vectors before being flushed to double.
constexpr int64_t kBlock = 4 * K * 16;

/** v with lanes >= r zeroed (the tail of a segment; r = K keeps every lane). */
NG_VINLINE Vec first(Vec v, int r) { return r == K ? v : Vec::select(Vec::first_n(r), v, Vec::zero()); }

/** Σ f(i) over one contiguous segment [0, n), f giving vectors; 2 float accumulators flushed to double per block. */
template <typename F>
double sum_segment(int64_t n, F f) {
  double total = 0;
  for (int64_t b = 0; b < n; b += kBlock) {
    const int64_t e = min_of(n, b + kBlock);
    Vec a0 = Vec::zero(), a1 = Vec::zero();
    int64_t i = b;
    for (; i + 2 * K <= e; i += 2 * K) {
      a0 = a0 + f(i, K);
      a1 = a1 + f(i + K, K);
    }
    for (; i + K <= e; i += K) a0 = a0 + f(i, K);
    if (i < e) a1 = a1 + f(i, static_cast<int>(e - i));  // f returns 0 in lanes >= r
    total += Vec::reduce_add_double(a0) + Vec::reduce_add_double(a1);
  }
  return total;
}

/** Σ x[0..n). */
inline double sum_of(const float* x, int64_t n) {
  return sum_segment(n, [&](int64_t i, int r) { return Vec::load_partial(x + i, r); });
}

/** Σ (x − m)² over [0, n). */
inline double sumsq_of(const float* x, int64_t n, float m) {
  const Vec vm = Vec::set1(m);
  return sum_segment(n, [&](int64_t i, int r) {
    const Vec d = first(Vec::load_partial(x + i, r) - vm, r);
    return d * d;
  });
}

/** Σ (x − m)·g over [0, n). */
inline double dot_centered(const float* x, const float* g, int64_t n, float m) {
  const Vec vm = Vec::set1(m);
  return sum_segment(n, [&](int64_t i, int r) { return first((Vec::load_partial(x + i, r) - vm) * Vec::load_partial(g + i, r), r); });
}

/** y[0..n) = f(i, r) stored, whole vectors then a partial one. */
template <typename F>
NG_VINLINE void map_segment(float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + K <= n; i += K) Vec::storeu(y + i, f(i, K));
  if (i < n) Vec::store_partial(y + i, f(i, static_cast<int>(n - i)), static_cast<int>(n - i));
}

inline float nan_f() { return __builtin_nanf(""); }

}  // namespace

void batch_norm_stats(const float* x, int64_t N, int64_t C, int64_t S, float* mean, float* var) {
  if (C == 0) return;
  const int64_t M = N * S;
  auto task = [&](int, int, int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      if (M == 0) {
        mean[c] = var[c] = nan_f();
        continue;
      }
      double s = 0;
      for (int64_t n = 0; n < N; ++n) s += sum_of(x + (n * C + c) * S, S);
      const float m = static_cast<float>(s / static_cast<double>(M));
      double ss = 0;
      for (int64_t n = 0; n < N; ++n) ss += sumsq_of(x + (n * C + c) * S, S, m);
      mean[c] = m;
      var[c] = static_cast<float>(ss / static_cast<double>(M));
    }
  };
  parallel(C, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, M)), task);
}

void batch_norm_apply(const float* x, int64_t N, int64_t C, int64_t S, const float* mean, const float* var, double eps, const float* weight,
                      const float* bias, float* out) {
  if (N * C * S == 0) return;
  auto coefficients = [&](int64_t c, float* a, float* b) {
    const double ad = static_cast<double>(weight[c]) / sqrt(static_cast<double>(var[c]) + eps);
    *a = static_cast<float>(ad);
    *b = static_cast<float>(static_cast<double>(bias[c]) - static_cast<double>(mean[c]) * ad);
  };
  // Per-channel a and b once, on the caller's scratch (read by every task); recomputed per segment without it.
  float* ab = static_cast<float*>(scratch(5, static_cast<size_t>(2 * C) * sizeof(float)));
  for (int64_t c = 0; c < C && ab; ++c) coefficients(c, ab + 2 * c, ab + 2 * c + 1);
  auto task = [&](int, int, int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t c = t % C;
      float a, b;
      if (ab) {
        a = ab[2 * c];
        b = ab[2 * c + 1];
      } else {
        coefficients(c, &a, &b);
      }
      const Vec va = Vec::set1(a), vb = Vec::set1(b);
      const float* xs = x + t * S;
      map_segment(out + t * S, S, [&](int64_t i, int r) { return Vec::fma(Vec::load_partial(xs + i, r), va, vb); });
    }
  };
  parallel(N * C, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, S)), task);
}

void batch_norm_backward(const float* grad, const float* x, int64_t N, int64_t C, int64_t S, const float* mean, const float* var, double eps,
                         const float* weight, bool training, float* grad_input, float* sum_grad, float* sum_grad_xhat) {
  if (C == 0) return;
  const int64_t M = N * S;
  // Per-channel coefficients of phase 2 (scale = invstd·w, mean(dy), k), on the caller's scratch.
  float* coef = static_cast<float*>(scratch(5, static_cast<size_t>(3 * C) * sizeof(float)));
  auto coefficients = [&](int64_t c, float* out) {
    const double rs = 1.0 / sqrt(static_cast<double>(var[c]) + eps);
    out[0] = static_cast<float>(rs * static_cast<double>(weight[c]));
    out[1] = static_cast<float>(static_cast<double>(sum_grad[c]) / static_cast<double>(M));
    out[2] = static_cast<float>(static_cast<double>(sum_grad_xhat[c]) * rs / static_cast<double>(M));
  };
  // Phase 1, per channel: Σ grad and Σ (x − mean)·grad in double.
  auto sums = [&](int, int, int64_t c0, int64_t c1) {
    for (int64_t c = c0; c < c1; ++c) {
      const double rs = 1.0 / sqrt(static_cast<double>(var[c]) + eps);
      double sg = 0, dot = 0;
      for (int64_t n = 0; n < N; ++n) {
        const int64_t o = (n * C + c) * S;
        sg += sum_of(grad + o, S);
        dot += dot_centered(x + o, grad + o, S, mean[c]);
      }
      sum_grad[c] = static_cast<float>(sg);
      sum_grad_xhat[c] = static_cast<float>(dot * rs);
      if (coef) coefficients(c, coef + 3 * c);
    }
  };
  parallel(C, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, 2 * M)), sums);
  if (M == 0) return;
  // Phase 2, per (n, c) segment: PyTorch's dx = (dy − mean(dy) − (x − mean)·k)·invstd·w.
  auto elementwise = [&](int, int, int64_t t0, int64_t t1) {
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t c = t % C;
      float own[3];
      const float* cf = coef ? coef + 3 * c : own;
      if (!coef) coefficients(c, own);
      const Vec scale = Vec::set1(cf[0]);
      const float* g = grad + t * S;
      float* gi = grad_input + t * S;
      if (!training) {
        map_segment(gi, S, [&](int64_t i, int r) { return Vec::load_partial(g + i, r) * scale; });
        continue;
      }
      const Vec gm = Vec::set1(cf[1]), k = Vec::set1(cf[2]), m = Vec::set1(mean[c]);
      const float* xs = x + t * S;
      map_segment(gi, S, [&](int64_t i, int r) {
        return ((Vec::load_partial(g + i, r) - gm) - (Vec::load_partial(xs + i, r) - m) * k) * scale;
      });
    }
  };
  parallel(N * C, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, 2 * S)), elementwise);
}

void layer_norm(const float* x, int64_t R, int64_t L, double eps, const float* weight, const float* bias, float* out, float* mean, float* rstd) {
  if (R == 0) return;
  auto task = [&](int, int, int64_t r0, int64_t r1) {
    for (int64_t row = r0; row < r1; ++row) {
      const float* xr = x + row * L;
      if (L == 0) {
        mean[row] = rstd[row] = nan_f();
        continue;
      }
      const float m = static_cast<float>(sum_of(xr, L) / static_cast<double>(L));
      const float rs = static_cast<float>(1.0 / sqrt(sumsq_of(xr, L, m) / static_cast<double>(L) + eps));
      mean[row] = m;
      rstd[row] = rs;
      const Vec vm = Vec::set1(m), vr = Vec::set1(rs);
      map_segment(out + row * L, L, [&](int64_t i, int r) {
        return Vec::fma((Vec::load_partial(xr + i, r) - vm) * vr, Vec::load_partial(weight + i, r), Vec::load_partial(bias + i, r));
      });
    }
  };
  parallel(R, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, 3 * L)), task);
}

void layer_norm_backward(const float* grad, const float* x, int64_t R, int64_t L, const float* mean, const float* rstd, const float* weight,
                         float* grad_input, float* grad_weight, float* grad_bias) {
  if (R == 0 || L == 0) {
    for (int64_t j = 0; j < L && grad_weight; ++j) grad_weight[j] = grad_bias[j] = 0.0f;
    return;
  }
  const double inv_l = 1.0 / static_cast<double>(L);
  auto rows = [&](int, int, int64_t r0, int64_t r1) {
    for (int64_t row = r0; row < r1; ++row) {
      const float* g = grad + row * L;
      const float* xr = x + row * L;
      const Vec vm = Vec::set1(mean[row]), vr = Vec::set1(rstd[row]);
      // a = Σ ĝ, b = Σ ĝ·x̂ with ĝ = grad·weight, x̂ = (x − mean)·rstd.
      const double a = sum_segment(L, [&](int64_t i, int r) { return Vec::load_partial(g + i, r) * Vec::load_partial(weight + i, r); });
      const double b = sum_segment(L, [&](int64_t i, int r) {
        return first(Vec::load_partial(g + i, r) * Vec::load_partial(weight + i, r) * ((Vec::load_partial(xr + i, r) - vm) * vr), r);
      });
      const Vec va = Vec::set1(static_cast<float>(a * inv_l)), vb = Vec::set1(static_cast<float>(b * inv_l));
      map_segment(grad_input + row * L, L, [&](int64_t i, int r) {
        const Vec gh = Vec::load_partial(g + i, r) * Vec::load_partial(weight + i, r);
        const Vec xh = (Vec::load_partial(xr + i, r) - vm) * vr;
        return vr * ((gh - va) - xh * vb);
      });
    }
  };
  parallel(R, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, 4 * L)), rows);
  if (!grad_weight) return;
  // Column sums over the rows, in double, split over blocks of columns.
  constexpr int64_t kCols = 256;
  const int64_t blocks = (L + kCols - 1) / kCols;
  auto columns = [&](int, int, int64_t b0, int64_t b1) {
    double acc[2 * kCols];
    for (int64_t blk = b0; blk < b1; ++blk) {
      const int64_t j0 = blk * kCols, w = min_of(L, j0 + kCols) - j0;
      for (int64_t j = 0; j < w; ++j) acc[j] = acc[kCols + j] = 0;
      for (int64_t row = 0; row < R; ++row) {
        const float* g = grad + row * L + j0;
        const float* xr = x + row * L + j0;
        const float m = mean[row], rs = rstd[row];
        for (int64_t j = 0; j < w; ++j) {
          acc[j] += static_cast<double>(g[j]) * static_cast<double>((xr[j] - m) * rs);
          acc[kCols + j] += static_cast<double>(g[j]);
        }
      }
      for (int64_t j = 0; j < w; ++j) {
        grad_weight[j0 + j] = static_cast<float>(acc[j]);
        grad_bias[j0 + j] = static_cast<float>(acc[kCols + j]);
      }
    }
  };
  parallel(blocks, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, 2 * R * kCols)), columns);
}

NG_END_ISA
