// Pooling kernels over NCHW planes with the windows ops/ resolved (spec.ts POOL_GEOM): max and average
// pooling forward and their backward passes. Forward passes are separable: a vertical pass reduces the
// window's rows column by column on the Vec API (contiguous loads whatever the stride, padding or dilation
// of the columns), then a short scalar horizontal pass combines each window's columns. Max pooling keeps
// each column's row of choice so ties and NaN resolve exactly as PyTorch's row-major scan (the reference).
// Work is split across the pool over output rows (forward) or planes (backward) above a size threshold.
// Inputs whose columns are not contiguous take the plain scalar loops.
#include "../simd/vec.h"
#include "common.h"

NG_BEGIN_ISA
namespace {

constexpr int K = Vec::kLanes;
// Input elements read per task: tasks should outlast the pool's wake-up several times.
constexpr int64_t kGrain = 1 << 14;
// Row numbers travel through float lanes (exact below 2^24).
constexpr int64_t kMaxFloatRow = int64_t{1} << 24;

/** The input columns [lo, hi) that some window reads (lo = hi = 0 when none does). */
struct ColumnSpan {
  int64_t lo = 0, hi = 0;
};

ColumnSpan column_span(const PoolGeom& g) {
  int64_t lo = g.W, hi = 0;
  for (int64_t ow = 0; ow < g.OW; ++ow) {
    if (g.w_count[ow] <= 0) continue;
    lo = min_of<int64_t>(lo, g.w_start[ow]);
    hi = max_of<int64_t>(hi, g.w_start[ow] + (g.w_count[ow] - 1) * g.dW + 1);
  }
  return hi > lo ? ColumnSpan{lo, hi} : ColumnSpan{};
}

int64_t max_count(const int32_t* counts, int64_t n) {
  int64_t m = 0;
  for (int64_t i = 0; i < n; ++i) m = max_of<int64_t>(m, counts[i]);
  return m;
}

inline const float* plane_of(const PoolGeom& g, const float* x, const int64_t* xs, int64_t p) {
  return x + (p / g.C) * xs[0] + (p % g.C) * xs[1];
}

// ---- max pooling ---------------------------------------------------------------------------------------

/** PyTorch's scan for output rows t in [t0, t1) of [P·OH]: the reference loop, for any strides. */
void max_rows_scalar(const PoolGeom& g, const float* x, const int64_t* xs, float* out, int32_t* indices, int64_t t0, int64_t t1) {
  for (int64_t t = t0; t < t1; ++t) {
    const int64_t oh = t % g.OH;
    const float* base = plane_of(g, x, xs, t / g.OH);
    const int64_t hs = g.h_start[oh], hc = g.h_count[oh];
    for (int64_t ow = 0; ow < g.OW; ++ow) {
      const int64_t ws = g.w_start[ow], wc = g.w_count[ow];
      float best = -__builtin_inff();
      int64_t best_index = hs * g.W + ws;
      for (int64_t i = 0; i < hc; ++i) {
        const int64_t ih = hs + i * g.dH;
        for (int64_t j = 0; j < wc; ++j) {
          const int64_t iw = ws + j * g.dW;
          const float v = base[ih * xs[2] + iw * xs[3]];
          if (v > best || v != v) {
            best = v;
            best_index = ih * g.W + iw;
          }
        }
      }
      out[t * g.OW + ow] = best;
      if (indices) indices[t * g.OW + ow] = static_cast<int32_t>(best_index);
    }
  }
}

/**
 * Vertical pass of one output row (contiguous columns): for each column of the span, the window rows'
 * maximum and the row it came from, with the scan's rule (greater or NaN replaces, so the first of equal
 * values and the last NaN stay). Rows travel as floats (exact: H < 2^24).
 */
void max_vertical(const float* base, int64_t row_stride, int64_t hs, int64_t hc, int64_t dH, int64_t n, float* vbest, float* vrow) {
  const Vec first_row = Vec::set1(static_cast<float>(hs));
  int64_t j = 0;
  auto column_block = [&](int r) {
    Vec b = Vec::load_partial(base + hs * row_stride + j, r);
    Vec row = first_row;
    for (int64_t i = 1; i < hc; ++i) {
      const int64_t ih = hs + i * dH;
      const Vec v = Vec::load_partial(base + ih * row_stride + j, r);
      const Vec::Mask take = Vec::mask_or(Vec::gt(v, b), Vec::isnan(v));
      b = Vec::select(take, v, b);
      row = Vec::select(take, Vec::set1(static_cast<float>(ih)), row);
    }
    Vec::store_partial(vbest + j, b, r);
    Vec::store_partial(vrow + j, row, r);
  };
  for (; j + K <= n; j += K) column_block(K);
  if (j < n) column_block(static_cast<int>(n - j));
}

/**
 * Horizontal pass: combines each window's columns in row-major order of their choices: a NaN beats any
 * number and the later NaN (larger flat index) wins among NaNs; otherwise the larger value wins and equal
 * values (±0 included) keep the smaller flat index — exactly the result of PyTorch's single scan.
 */
void max_horizontal(const PoolGeom& g, int64_t lo, int64_t hs, const float* vbest, const float* vrow, float* orow, int32_t* irow) {
  for (int64_t ow = 0; ow < g.OW; ++ow) {
    const int64_t ws = g.w_start[ow], wc = g.w_count[ow];
    if (wc <= 0) {
      orow[ow] = -__builtin_inff();
      if (irow) irow[ow] = static_cast<int32_t>(hs * g.W + ws);
      continue;
    }
    int64_t j = ws - lo;
    float best = vbest[j];
    int64_t flat = static_cast<int64_t>(vrow[j]) * g.W + ws;
    for (int64_t k = 1; k < wc; ++k) {
      j += g.dW;
      const float v = vbest[j];
      const int64_t f = static_cast<int64_t>(vrow[j]) * g.W + (lo + j);
      // Branch-free (the comparisons are data-dependent): select with flags, not jumps.
      const bool vn = v != v;
      const bool take = best != best ? vn & (f > flat) : vn | (v > best) | ((v == best) & (f < flat));
      best = take ? v : best;
      flat = take ? f : flat;
    }
    orow[ow] = best;
    if (irow) irow[ow] = static_cast<int32_t>(flat);
  }
}

/** Windows 2x2, stride 2, no padding or dilation (LeNet's and most CNNs' pooling), contiguous columns. */
bool is_2x2_stride2(const PoolGeom& g, const int64_t* xs) {
  if (xs[3] != 1 || g.dH != 1 || g.dW != 1) return false;
  for (int64_t oh = 0; oh < g.OH; ++oh) {
    if (g.h_start[oh] != 2 * oh || g.h_count[oh] != 2) return false;
  }
  for (int64_t ow = 0; ow < g.OW; ++ow) {
    if (g.w_start[ow] != 2 * ow || g.w_count[ow] != 2) return false;
  }
  return true;
}

/**
 * Windows [ow, ow + V) of one output row of 2x2 stride-2 windows (input rows r0, r1; flat index of r0's
 * first element `base`): the even and odd columns of the two rows, then PyTorch's scan over (r0, c0),
 * (r0, c1), (r1, c0), (r1, c1) (greater or NaN replaces), exactly as max_rows_scalar. Reads r0[2·ow, 2·ow + 2V).
 */
/** V-lane vectors for max_2x2_windows (f/i; fu/iu for unaligned access). */
template <int V>
struct PoolVec {
  typedef float f __attribute__((vector_size(4 * V)));
  typedef float fu __attribute__((vector_size(4 * V), aligned(4)));
  typedef int32_t i __attribute__((vector_size(4 * V)));
  typedef int32_t iu __attribute__((vector_size(4 * V), aligned(4)));
};

template <int V>
NG_VINLINE void max_2x2_windows(const float* r0, const float* r1, int32_t base, int64_t W, int64_t ow, float* orow, int32_t* irow) {
  typedef typename PoolVec<V>::f vf;
  typedef typename PoolVec<V>::fu vfu;
  typedef typename PoolVec<V>::i vi;
  typedef typename PoolVec<V>::iu viu;
  vi lane2;
  for (int l = 0; l < V; ++l) lane2[l] = 2 * l;
  const vf p0 = *reinterpret_cast<const vfu*>(r0 + 2 * ow), p1 = *reinterpret_cast<const vfu*>(r0 + 2 * ow + V);
  const vf q0 = *reinterpret_cast<const vfu*>(r1 + 2 * ow), q1 = *reinterpret_cast<const vfu*>(r1 + 2 * ow + V);
  vf a, b, c, d;
  if constexpr (V == 8) {
    a = __builtin_shufflevector(p0, p1, 0, 2, 4, 6, 8, 10, 12, 14);
    b = __builtin_shufflevector(p0, p1, 1, 3, 5, 7, 9, 11, 13, 15);
    c = __builtin_shufflevector(q0, q1, 0, 2, 4, 6, 8, 10, 12, 14);
    d = __builtin_shufflevector(q0, q1, 1, 3, 5, 7, 9, 11, 13, 15);
  } else {
    a = __builtin_shufflevector(p0, p1, 0, 2, 4, 6);
    b = __builtin_shufflevector(p0, p1, 1, 3, 5, 7);
    c = __builtin_shufflevector(q0, q1, 0, 2, 4, 6);
    d = __builtin_shufflevector(q0, q1, 1, 3, 5, 7);
  }
  const vi ia = lane2 + static_cast<int32_t>(base + 2 * ow);
  // best = a (a > -inf or NaN replaces -inf; -inf keeps -inf and the first position: the same).
  vf best = a;
  vi idx = ia;
  vi take = (b > best) | (b != b);
  best = take ? b : best;
  idx = take ? ia + 1 : idx;
  take = (c > best) | (c != c);
  best = take ? c : best;
  idx = take ? ia + static_cast<int32_t>(W) : idx;
  take = (d > best) | (d != d);
  best = take ? d : best;
  idx = take ? ia + static_cast<int32_t>(W + 1) : idx;
  *reinterpret_cast<vfu*>(orow + ow) = best;
  if (irow) *reinterpret_cast<viu*>(irow + ow) = idx;
}

/**
 * Output rows t in [t0, t1) of 2x2 stride-2 windows, 8 windows at a time (4 for narrower rows); a row's
 * last windows are a vector ending at its end, overlapping the one before (the windows computed twice
 * get the same values), so only rows narrower than 4 windows take the scalar scan.
 */
void max_rows_2x2(const PoolGeom& g, const float* x, const int64_t* xs, float* out, int32_t* indices, int64_t t0, int64_t t1) {
  const int64_t W = g.W, OW = g.OW;
  for (int64_t t = t0; t < t1; ++t) {
    const int64_t oh = t % g.OH;
    const float* r0 = plane_of(g, x, xs, t / g.OH) + 2 * oh * xs[2];
    const float* r1 = r0 + xs[2];
    float* orow = out + t * OW;
    int32_t* irow = indices ? indices + t * OW : nullptr;
    const int32_t base = static_cast<int32_t>(2 * oh * W);
    if (OW >= 8) {
      for (int64_t ow = 0; ow < OW; ow += 8) max_2x2_windows<8>(r0, r1, base, W, min_of<int64_t>(ow, OW - 8), orow, irow);
      continue;
    }
    if (OW >= 4) {
      for (int64_t ow = 0; ow < OW; ow += 4) max_2x2_windows<4>(r0, r1, base, W, min_of<int64_t>(ow, OW - 4), orow, irow);
      continue;
    }
    for (int64_t ow = 0; ow < OW; ++ow) {
      const float v[4] = {r0[2 * ow], r0[2 * ow + 1], r1[2 * ow], r1[2 * ow + 1]};
      const int32_t f[4] = {static_cast<int32_t>(base + 2 * ow), static_cast<int32_t>(base + 2 * ow + 1), static_cast<int32_t>(base + W + 2 * ow),
                            static_cast<int32_t>(base + W + 2 * ow + 1)};
      float best = v[0];
      int32_t bi = f[0];
      for (int k = 1; k < 4; ++k) {
        if (v[k] > best || v[k] != v[k]) {
          best = v[k];
          bi = f[k];
        }
      }
      orow[ow] = best;
      if (irow) irow[ow] = bi;
    }
  }
}

void max_pool_impl(const PoolGeom& g, const float* x, const int64_t* xs, float* out, int32_t* indices) {
  const int64_t P = g.N * g.C;
  const int64_t rows = P * g.OH;
  if (rows == 0 || g.OW == 0) return;
  const ColumnSpan span = column_span(g);
  const int64_t width = span.hi - span.lo;
  const int64_t kh = max_count(g.h_count, g.OH);
  const bool vector = xs[3] == 1 && g.H < kMaxFloatRow && width > 0;
  if (vector && is_2x2_stride2(g, xs)) {
    auto task2 = [&](int, int, int64_t t0, int64_t t1) { max_rows_2x2(g, x, xs, out, indices, t0, t1); };
    parallel(rows, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, 2 * g.W)), task2);
    return;
  }
  auto task = [&](int, int, int64_t t0, int64_t t1) {
    float* buf = vector ? static_cast<float*>(scratch_optional(4, static_cast<size_t>(2 * width) * sizeof(float))) : nullptr;
    if (!buf) return max_rows_scalar(g, x, xs, out, indices, t0, t1);
    float* vbest = buf;
    float* vrow = buf + width;
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t oh = t % g.OH;
      const int64_t hs = g.h_start[oh], hc = g.h_count[oh];
      if (hc <= 0) {  // every window of this row is empty: -inf at its first position
        max_rows_scalar(g, x, xs, out, indices, t, t + 1);
        continue;
      }
      const float* base = plane_of(g, x, xs, t / g.OH) + span.lo;
      max_vertical(base, xs[2], hs, hc, g.dH, width, vbest, vrow);
      max_horizontal(g, span.lo, hs, vbest, vrow, out + t * g.OW, indices ? indices + t * g.OW : nullptr);
    }
  };
  parallel(rows, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, max_of<int64_t>(kh, 1) * max_of(width, g.OW))), task);
}

// ---- average pooling ----------------------------------------------------------------------------------

inline double divisor_of(const PoolGeom& g, int64_t divisor_override, int64_t oh, int64_t ow) {
  return divisor_override != 0 ? static_cast<double>(divisor_override) : static_cast<double>(g.h_div[oh]) * static_cast<double>(g.w_div[ow]);
}

void avg_rows_scalar(const PoolGeom& g, int64_t divisor_override, const float* x, const int64_t* xs, float* out, int64_t t0, int64_t t1) {
  for (int64_t t = t0; t < t1; ++t) {
    const int64_t oh = t % g.OH;
    const float* base = plane_of(g, x, xs, t / g.OH);
    const int64_t hs = g.h_start[oh], hc = g.h_count[oh];
    for (int64_t ow = 0; ow < g.OW; ++ow) {
      const int64_t ws = g.w_start[ow], wc = g.w_count[ow];
      if (hc <= 0 || wc <= 0) {
        out[t * g.OW + ow] = 0.0f;
        continue;
      }
      double sum = 0;
      for (int64_t i = 0; i < hc; ++i)
        for (int64_t j = 0; j < wc; ++j) sum += base[(hs + i * g.dH) * xs[2] + (ws + j * g.dW) * xs[3]];
      out[t * g.OW + ow] = static_cast<float>(sum / divisor_of(g, divisor_override, oh, ow));
    }
  }
}

/** Column sums of the window rows (float lanes: a window has few rows). */
void sum_vertical(const float* base, int64_t row_stride, int64_t hs, int64_t hc, int64_t dH, int64_t n, float* vsum) {
  int64_t j = 0;
  auto column_block = [&](int r) {
    Vec s = Vec::load_partial(base + hs * row_stride + j, r);
    for (int64_t i = 1; i < hc; ++i) s = s + Vec::load_partial(base + (hs + i * dH) * row_stride + j, r);
    Vec::store_partial(vsum + j, s, r);
  };
  for (; j + K <= n; j += K) column_block(K);
  if (j < n) column_block(static_cast<int>(n - j));
}

void avg_pool_impl(const PoolGeom& g, int64_t divisor_override, const float* x, const int64_t* xs, float* out) {
  const int64_t rows = g.N * g.C * g.OH;
  if (rows == 0 || g.OW == 0) return;
  const ColumnSpan span = column_span(g);
  const int64_t width = span.hi - span.lo;
  const int64_t kh = max_count(g.h_count, g.OH);
  const bool vector = xs[3] == 1 && width > 0;
  auto task = [&](int, int, int64_t t0, int64_t t1) {
    float* vsum = vector ? static_cast<float*>(scratch_optional(4, static_cast<size_t>(width) * sizeof(float))) : nullptr;
    if (!vsum) return avg_rows_scalar(g, divisor_override, x, xs, out, t0, t1);
    for (int64_t t = t0; t < t1; ++t) {
      const int64_t oh = t % g.OH;
      const int64_t hs = g.h_start[oh], hc = g.h_count[oh];
      float* orow = out + t * g.OW;
      if (hc <= 0) {
        for (int64_t ow = 0; ow < g.OW; ++ow) orow[ow] = 0.0f;
        continue;
      }
      sum_vertical(plane_of(g, x, xs, t / g.OH) + span.lo, xs[2], hs, hc, g.dH, width, vsum);
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        const int64_t wc = g.w_count[ow];
        if (wc <= 0) {
          orow[ow] = 0.0f;
          continue;
        }
        const float* col = vsum + (g.w_start[ow] - span.lo);
        double s = 0;
        for (int64_t k = 0; k < wc; ++k) s += col[k * g.dW];
        orow[ow] = static_cast<float>(s / divisor_of(g, divisor_override, oh, ow));
      }
    }
  };
  parallel(rows, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, max_of<int64_t>(kh, 1) * max_of(width, g.OW))), task);
}

// ---- backward passes ----------------------------------------------------------------------------------

void avg_backward_planes(const PoolGeom& g, int64_t divisor_override, const float* grad, float* grad_input, const ColumnSpan& span,
                         int64_t p0, int64_t p1) {
  const int64_t plane = g.H * g.W;
  const int64_t width = span.hi - span.lo;
  float* tmp = width > 0 ? static_cast<float*>(scratch_optional(4, static_cast<size_t>(width) * sizeof(float))) : nullptr;
  for (int64_t p = p0; p < p1; ++p) {
    float* gi = grad_input + p * plane;
    memset(gi, 0, static_cast<size_t>(plane) * sizeof(float));
    const float* gp = grad + p * g.OH * g.OW;
    for (int64_t oh = 0; oh < g.OH; ++oh) {
      const int64_t hs = g.h_start[oh], hc = g.h_count[oh];
      if (hc <= 0) continue;
      if (!tmp) {  // no scratch memory: spread each value straight into its window
        for (int64_t ow = 0; ow < g.OW; ++ow) {
          const int64_t ws = g.w_start[ow], wc = g.w_count[ow];
          if (wc <= 0) continue;
          const float v = static_cast<float>(static_cast<double>(gp[oh * g.OW + ow]) / divisor_of(g, divisor_override, oh, ow));
          for (int64_t i = 0; i < hc; ++i)
            for (int64_t j = 0; j < wc; ++j) gi[(hs + i * g.dH) * g.W + ws + j * g.dW] += v;
        }
        continue;
      }
      // One output row spreads over the same input rows: gather its columns once, then add them to each row.
      for (int64_t j = 0; j < width; ++j) tmp[j] = 0.0f;
      for (int64_t ow = 0; ow < g.OW; ++ow) {
        const int64_t wc = g.w_count[ow];
        if (wc <= 0) continue;
        const float v = static_cast<float>(static_cast<double>(gp[oh * g.OW + ow]) / divisor_of(g, divisor_override, oh, ow));
        float* col = tmp + (g.w_start[ow] - span.lo);
        for (int64_t k = 0; k < wc; ++k) col[k * g.dW] += v;
      }
      for (int64_t i = 0; i < hc; ++i) {
        float* row = gi + (hs + i * g.dH) * g.W + span.lo;
        int64_t j = 0;
        for (; j + K <= width; j += K) Vec::storeu(row + j, Vec::loadu(row + j) + Vec::loadu(tmp + j));
        if (j < width) {
          const int r = static_cast<int>(width - j);
          Vec::store_partial(row + j, Vec::load_partial(row + j, r) + Vec::load_partial(tmp + j, r), r);
        }
      }
    }
  }
}

}  // namespace

void max_pool(const PoolGeom& g, const float* x, const int64_t* x_strides, float* out, int32_t* indices) {
  max_pool_impl(g, x, x_strides, out, indices);
}

void avg_pool(const PoolGeom& g, int64_t divisor_override, const float* x, const int64_t* x_strides, float* out) {
  avg_pool_impl(g, divisor_override, x, x_strides, out);
}

IndexFault max_pool_backward(int64_t planes, int64_t in_size, int64_t out_size, const float* grad, const int32_t* indices, float* grad_input) {
  if (planes == 0 || in_size == 0) {
    // Nothing to write; any index that would be used is out of range (an empty plane has no valid index).
    for (int64_t o = 0; o < planes * out_size; ++o)
      if (indices[o] != -1) return IndexFault{false, indices[o], 1, in_size};
    return IndexFault{};
  }
  IndexFault faults[1024];
  auto task = [&](int ith, int, int64_t p0, int64_t p1) {
    for (int64_t p = p0; p < p1; ++p) {
      float* gi = grad_input + p * in_size;
      memset(gi, 0, static_cast<size_t>(in_size) * sizeof(float));
      const float* gp = grad + p * out_size;
      const int32_t* ip = indices + p * out_size;
      for (int64_t o = 0; o < out_size; ++o) {
        const int32_t i = ip[o];
        if (i == -1) continue;
        if (i < 0 || i >= in_size) {
          faults[ith] = IndexFault{false, i, 1, in_size};
          return;
        }
        gi[i] += gp[o];
      }
    }
  };
  parallel(planes, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, in_size + out_size)), task);
  // Ranges are handed out in order, so the first failing part holds the first bad index.
  for (int t = 0; t < 1024; ++t)
    if (!faults[t].ok) return faults[t];
  return IndexFault{};
}

void avg_pool_backward(const PoolGeom& g, int64_t divisor_override, const float* grad, float* grad_input) {
  const int64_t planes = g.N * g.C;
  if (planes == 0 || g.H * g.W == 0) return;
  const ColumnSpan span = column_span(g);
  auto task = [&](int, int, int64_t p0, int64_t p1) { avg_backward_planes(g, divisor_override, grad, grad_input, span, p0, p1); };
  parallel(planes, max_of<int64_t>(1, kGrain / max_of<int64_t>(1, g.H * g.W + g.OH * g.OW)), task);
}

NG_END_ISA
