// 2-D convolution kernels (spec.ts conv2d, conv2dBackwardInput, conv2dBackwardWeight), four paths:
// - GEMM (input gradients, most weight gradients, narrow rows): the im2col matrix of one image and group, [Cin/g·kh·kw rows, Ho·Wo columns], is
//   built one block of columns at a time in a per-thread buffer and handed to this ISA's sgemm: forward
//   W·col; input gradient col = Wᵀ·gy, then col2im; weight gradient gy·colᵀ summed over the batch.
//   Tasks: image × group × column block; image × group × channel chunk; group × row chunk × image group
//   (partials added in a fixed order). The sgemm inside a task runs on the task's thread; a lone task
//   lets sgemm use the pool itself.
// - direct (depthwise, small groups): each image's input planes zero-padded and split by stride phase,
//   so every kernel tap is a contiguous run; output rows accumulate in vector registers. The input
//   gradient of a stride-1 convolution is the same kernel with flipped weights; strided ones scatter.
// - blocked direct (forward of other layers whose output rows fill the vectors, weight gradient with few
//   output channels): the same planes, read in place as an implicit GEMM; 6 output channels × 2 vectors
//   of a row (forward) or 2 channels × up to 6 kernel columns (weight gradient) per register block.
// - channel-vector (narrow rows, up to 128 output channels): vectors run over output channels instead;
//   2 channel vectors × 6 positions (forward) or × 6 taps (weight gradient) per register block.
// Tasks are handed out through an atomic counter, and no split depends on the thread count, so results
// are the same on every thread count. Reads outside the input are zeros (GEMM) or skipped (direct):
// the same sums for finite weights. Strides in elements. No std:: code (common.h rules).
#include "../simd/vec.h"
#include "common.h"

NG_BEGIN_ISA

void sgemm(int64_t batch, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t stride_a,
           int64_t lda, const float* B, int64_t stride_b, int64_t ldb, float beta, float* C, int64_t stride_c, int64_t ldc);

namespace {

// Scratch slots (per thread). sgemm, called inside conv tasks, uses slots 0-3.
constexpr int kSlotCol = 4;     // im2col / col2im block
constexpr int kSlotRows = 5;    // per-row offsets of the im2col matrix
constexpr int kSlotRanges = 6;  // valid output ranges or tap offsets (direct paths)
constexpr int kSlotFlipped = 7; // calling thread: flipped weights (input gradient), partial sums (weight gradient)
constexpr int kSlotBlock = 6;   // GEMM path, batched blocks: the block's gy rows or its product (slot 6 is the direct path's)

/**
 * Bytes of one im2col block (rows × columns floats), measured on Zen 3 (512 KB L2): the forward and the
 * weight gradient are flat from 128 KB to 4 MB; the input gradient wants its Wᵀ·gy products large
 * enough for sgemm's packed path (small ones read the gy rows in place, Ho·Wo floats apart: with
 * power-of-two images their addresses share L1 sets; C3 1.3x, C4 1.5x slower at 256 KB).
 */
constexpr int64_t kFwdBlockBytes = 256 * 1024;
constexpr int64_t kBwdInputBlockBytes = 1024 * 1024;
constexpr int64_t kBwdWeightBlockBytes = 256 * 1024;
/**
 * The direct path takes layers with (Cin/groups)·(Cout/groups) at most this: depthwise (also with a
 * channel multiplier) and small groups, 2-6x faster there than im2col + GEMM; from LeNet's C1 (1·6)
 * on the GEMM path is as fast or faster.
 */
constexpr int64_t kDirectMaxChannelProduct = 4;

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t clamp_to(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

/**
 * Images per im2col block for small images (the batched GEMM path): as many whole images (Ho·Wo columns
 * each) as `rows` rows fit in `bytes`, at most `cap`; 1 (the per-image path) when fewer than 2 fit.
 * One GEMM over several images replaces that many small ones whose packing and C-tile traffic dominate
 * (LeNet: M = 6 or 16, K = 25..150, N = 100..784). Depends on the geometry only, not on the threads.
 */
int64_t images_per_block(int64_t rows, int64_t howo, int64_t bytes, int64_t cap) {
  if (rows <= 0 || howo <= 0) return 1;
  const int64_t k = min_of(bytes / (4 * rows) / howo, cap);
  return k < 2 ? 1 : k;
}

/** Output positions o in [0, out) whose input position o·s + shift lies in [0, in), as [*lo, *hi). */
inline void valid_range(int64_t shift, int64_t s, int64_t in, int64_t out, int64_t* lo, int64_t* hi) {
  int64_t l = shift >= 0 ? 0 : (-shift + s - 1) / s;
  const int64_t last = in - 1 - shift;
  const int64_t h = last < 0 ? 0 : min_of(out, last / s + 1);
  *lo = min_of(l, h);
  *hi = h;
}

struct Sizes {
  int64_t cin_g, cout_g, kk, kg, howo, hw;
};
inline Sizes sizes_of(const ConvGeometry& g) {
  Sizes s;
  s.cin_g = g.Cin / g.groups;
  s.cout_g = g.Cout / g.groups;
  s.kk = g.kh * g.kw;
  s.kg = s.cin_g * s.kk;
  s.howo = g.Ho * g.Wo;
  s.hw = g.H * g.W;
  return s;
}

/**
 * Columns per im2col block for `rows` rows within `bytes`: a multiple of 16 (the micro-kernels' widest
 * NR), the blocks of Ho·Wo near-equal so the last one is no sliver.
 */
int64_t block_cols(int64_t rows, int64_t howo, int64_t bytes) {
  if (rows <= 0 || howo <= 0) return howo > 0 ? howo : 1;
  int64_t c = bytes / (4 * rows);
  if (c < 16) c = 16;
  if (c >= howo) return howo;
  const int64_t nb = ceil_div(howo, c);
  c = ceil_div(ceil_div(howo, nb), 16) * 16;
  return c >= howo ? howo : c;
}

// ---- im2col / col2im --------------------------------------------------------------------------------

/** Row r = (ci, ki, kj) of the im2col matrix: where it reads and which output columns read inside the input. */
struct RowInfo {
  int64_t x_off;     // offset of channel ci from the group's first channel (elements)
  int64_t ih_shift;  // ki·dil_h − pad_h
  int64_t iw_shift;  // kj·dil_w − pad_w
  int64_t ow_lo, ow_hi;  // output columns whose input column is inside [0, W)
};

/** RowInfo of rows [r0, r0 + n) with channel stride sC (elements), into `rows`. */
void fill_rows(const ConvGeometry& g, int64_t sC, int64_t r0, int64_t n, RowInfo* rows) {
  const int64_t kk = g.kh * g.kw;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t r = r0 + i;
    const int64_t ci = r / kk, ki = (r % kk) / g.kw, kj = r % g.kw;
    RowInfo& ri = rows[i];
    ri.x_off = ci * sC;
    ri.ih_shift = ki * g.dil_h - g.pad_h;
    ri.iw_shift = kj * g.dil_w - g.pad_w;
    valid_range(ri.iw_shift, g.stride_w, g.W, g.Wo, &ri.ow_lo, &ri.ow_hi);
  }
}

inline void zero_fill(float* __restrict d, int64_t n) {
  if (n <= 0) return;
  if (n > 64) {
    memset(d, 0, static_cast<size_t>(n) * sizeof(float));
    return;
  }
  for (int64_t i = 0; i < n; ++i) d[i] = 0.0f;
}

/** d[i] = s[i·step] for i < n (explicit vectors for step 1: rows are short, a memcpy call costs more). */
inline void gather_row(float* __restrict d, const float* __restrict s, int64_t n, int64_t step) {
  if (step == 1) {
    int64_t i = 0;
    for (; i + 2 * Vec::kLanes <= n; i += 2 * Vec::kLanes) {
      const Vec a = Vec::loadu(s + i), b = Vec::loadu(s + i + Vec::kLanes);
      Vec::storeu(d + i, a);
      Vec::storeu(d + i + Vec::kLanes, b);
    }
    for (; i + Vec::kLanes <= n; i += Vec::kLanes) Vec::storeu(d + i, Vec::loadu(s + i));
    if (i < n) Vec::store_partial(d + i, Vec::load_partial(s + i, static_cast<int>(n - i)), static_cast<int>(n - i));
  } else if (step == 2) {
    for (int64_t i = 0; i < n; ++i) d[i] = s[2 * i];
  } else {
    for (int64_t i = 0; i < n; ++i) d[i] = s[i * step];
  }
}

/**
 * d[oh·w + j] = s[oh·s_stride + j] for oh < h, j < w: runs that are back to back in d. Every run but the last
 * is copied in whole vectors, spilling into the next run's place (rewritten right after) and reading past
 * its source run (into the next padded row, which exists for every run but the last): masked stores, which
 * a run of LeNet's 10 or 28 floats would otherwise end in, are slow on some CPUs (Zen).
 */
inline void copy_runs(float* __restrict d, const float* __restrict s, int64_t w, int64_t h, int64_t s_stride) {
  constexpr int64_t L = Vec::kLanes;
  const int64_t full = (w + L - 1) / L * L;
  // NOTE: w >= L − 1 keeps the spill inside the next run (full <= 2w) and the over-read inside the next
  // padded row (a padded row holds at least w floats); narrower runs are copied exactly.
  for (int64_t oh = 0; oh + 1 < h && w >= L - 1; ++oh) {
    const float* sr = s + oh * s_stride;
    float* dr = d + oh * w;
    for (int64_t j = 0; j < full; j += L) Vec::storeu(dr + j, Vec::loadu(sr + j));
  }
  for (int64_t oh = w >= L - 1 ? (h > 0 ? h - 1 : 0) : 0; oh < h; ++oh) gather_row(d + oh * w, s + oh * s_stride, w, 1);
}

/** d[i·step] += s[i] for i < n. */
inline void scatter_add_row(float* __restrict d, const float* __restrict s, int64_t n, int64_t step) {
  if (step == 1) {
    int64_t i = 0;
    for (; i + Vec::kLanes <= n; i += Vec::kLanes) Vec::storeu(d + i, Vec::add(Vec::loadu(d + i), Vec::loadu(s + i)));
    if (i < n) {
      const int r = static_cast<int>(n - i);
      Vec::store_partial(d + i, Vec::add(Vec::load_partial(d + i, r), Vec::load_partial(s + i, r)), r);
    }
  } else if (step == 2) {
    // Whole vectors of d: the odd elements get + 0.0, which changes nothing (gx starts at +0 and a sum
    // that starts at +0 is never -0). Only inside the run, whose elements this task owns: i + 8 < n.
    typedef float v8 __attribute__((vector_size(32)));
    typedef float v8u __attribute__((vector_size(32), aligned(4)));
    const v8 zero = {};
    int64_t i = 0;
    for (; i + 8 < n; i += 8) {
      const v8 sv = *reinterpret_cast<const v8u*>(s + i);
      v8u* d0 = reinterpret_cast<v8u*>(d + 2 * i);
      v8u* d1 = reinterpret_cast<v8u*>(d + 2 * i + 8);
      *d0 = *d0 + __builtin_shufflevector(sv, zero, 0, 8, 1, 8, 2, 8, 3, 8);
      *d1 = *d1 + __builtin_shufflevector(sv, zero, 4, 8, 5, 8, 6, 8, 7, 8);
    }
    for (; i < n; ++i) d[2 * i] += s[i];
  } else {
    for (int64_t i = 0; i < n; ++i) d[i * step] += s[i];
  }
}

/**
 * col[i][j − j0] = X(row i, output position j) for the `nrows` rows described by `rows` and output
 * positions j = oh·Wo + ow in [j0, j1) of one image and group (row stride ld ≥ j1 − j0). x points at
 * that group's first channel; sH, sW are its strides.
 */
void im2col(const ConvGeometry& g, const float* x, int64_t sH, int64_t sW, const RowInfo* rows, int64_t nrows, int64_t j0, int64_t j1, float* col,
            int64_t ld) {
  const int64_t step = g.stride_w * sW;
  for (int64_t r = 0; r < nrows; ++r) {
    const RowInfo& ri = rows[r];
    float* d = col + r * ld;
    int64_t oh = j0 / g.Wo, ow0 = j0 - oh * g.Wo;
    for (int64_t j = j0; j < j1; ++oh, ow0 = 0) {
      const int64_t ow1 = min_of(g.Wo, ow0 + (j1 - j));
      const int64_t len = ow1 - ow0;
      const int64_t ih = oh * g.stride_h + ri.ih_shift;
      if (ih < 0 || ih >= g.H) {
        zero_fill(d, len);
      } else {
        const int64_t a = clamp_to(ri.ow_lo, ow0, ow1), b = clamp_to(ri.ow_hi, a, ow1);
        zero_fill(d, a - ow0);
        gather_row(d + (a - ow0), x + ri.x_off + ih * sH + (a * g.stride_w + ri.iw_shift) * sW, b - a, step);
        zero_fill(d + (b - ow0), ow1 - b);
      }
      d += len;
      j += len;
    }
  }
}

/** The adjoint of im2col into a contiguous gx (one image and group): gx[...] += col[...], inside positions only. */
void col2im(const ConvGeometry& g, float* gx, const RowInfo* rows, int64_t nrows, int64_t j0, int64_t j1, const float* col, int64_t ld) {
  for (int64_t r = 0; r < nrows; ++r) {
    const RowInfo& ri = rows[r];
    const float* s = col + r * ld;
    int64_t oh = j0 / g.Wo, ow0 = j0 - oh * g.Wo;
    for (int64_t j = j0; j < j1; ++oh, ow0 = 0) {
      const int64_t ow1 = min_of(g.Wo, ow0 + (j1 - j));
      const int64_t len = ow1 - ow0;
      const int64_t ih = oh * g.stride_h + ri.ih_shift;
      if (ih >= 0 && ih < g.H) {
        const int64_t a = clamp_to(ri.ow_lo, ow0, ow1), b = clamp_to(ri.ow_hi, a, ow1);
        scatter_add_row(gx + ri.x_off + ih * g.W + a * g.stride_w + ri.iw_shift, s + (a - ow0), b - a, g.stride_w);
      }
      s += len;
      j += len;
    }
  }
}

/** gyb[co][i·Ho·Wo + j] = gy(n0 + i, co0 + co, j) for ni images and cout_g channels (row stride ni·Ho·Wo). */
void gather_gy(const ConvGeometry& g, const Sizes& z, const float* gy, int64_t n0, int64_t ni, int64_t co0, float* gyb) {
  const int64_t ld = ni * z.howo;
  for (int64_t co = 0; co < z.cout_g; ++co) {
    for (int64_t i = 0; i < ni; ++i) gather_row(gyb + co * ld + i * z.howo, gy + ((n0 + i) * g.Cout + co0 + co) * z.howo, z.howo, 1);
  }
}

/**
 * The input planes of one image and group for the direct path, zero-padded and split by column phase of
 * the stride: for plane c, padded row r (input row r − pad_h) and phase φ < stride_w, P[i] = X(c, r − pad_h,
 * i·stride_w + φ − pad_w) for i < wph. Output column ow under kernel column kj reads phase
 * (kj·dil_w) mod stride_w at index ow + (kj·dil_w) div stride_w: every kernel tap is a contiguous run of
 * the output row, whatever the stride, padding or dilation, with no bounds checks.
 */
struct Planes {
  int64_t hp, wph, sw;
  int64_t row;    // floats per padded row (sw phases of wph)
  int64_t plane;  // floats per plane (hp rows)
};

inline Planes planes_of(const ConvGeometry& g) {
  Planes p;
  p.hp = (g.Ho - 1) * g.stride_h + (g.kh - 1) * g.dil_h + 1;
  p.sw = g.stride_w;
  p.wph = g.Wo + ((g.kw - 1) * g.dil_w) / g.stride_w;
  p.row = p.sw * p.wph;
  p.plane = p.hp * p.row;
  return p;
}

/** Fills `nch` planes (their padded rows [r0, r1), all by default) from x (the first channel; strides sC, sH, sW) into dst. */
void fill_planes(const ConvGeometry& g, const Planes& p, const float* x, int64_t sC, int64_t sH, int64_t sW, int64_t nch, float* dst, int64_t r0 = 0,
                 int64_t r1 = -1) {
  if (r1 < 0) r1 = p.hp;
  for (int64_t c = 0; c < nch; ++c) {
    for (int64_t r = r0; r < r1; ++r) {
      float* d = dst + c * p.plane + r * p.row;
      const int64_t ih = r - g.pad_h;
      if (ih < 0 || ih >= g.H) {
        zero_fill(d, p.row);
        continue;
      }
      const float* xrow = x + c * sC + ih * sH;
      for (int64_t ph = 0; ph < p.sw; ++ph, d += p.wph) {
        int64_t lo, hi;
        valid_range(ph - g.pad_w, p.sw, g.W, p.wph, &lo, &hi);
        zero_fill(d, lo);
        gather_row(d + lo, xrow + (lo * p.sw + ph - g.pad_w) * sW, hi - lo, p.sw * sW);
        zero_fill(d + hi, p.wph - hi);
      }
    }
  }
}

/**
 * Padded planes stay near the size of the data (huge dilations or output sizes past the input take the
 * GEMM path, whose buffers do not grow with them).
 */
bool planes_fit(const ConvGeometry& g) {
  const double hp = static_cast<double>(g.Ho - 1) * static_cast<double>(g.stride_h) + static_cast<double>(g.kh - 1) * static_cast<double>(g.dil_h) + 1;
  const double wp = static_cast<double>(g.Wo) * static_cast<double>(g.stride_w) + static_cast<double>(g.kw - 1) * static_cast<double>(g.dil_w);
  const double plane = hp * wp;
  const double data = static_cast<double>(g.H) * static_cast<double>(g.W) + static_cast<double>(g.Ho) * static_cast<double>(g.Wo);
  return plane <= 4.0 * data + 4096.0 && plane * static_cast<double>(g.Cin / g.groups) <= 16.0 * 1024 * 1024;
}

/**
 * Whether the input itself is in planes_of's layout (no padding, stride_w 1, unit column stride): then its
 * rows and channels can be read in place (row stride xs[2], plane stride xs[1]: in_place_planes) instead of
 * being copied into padded planes first. Every run the im2col copy reads, and the vector it reads past a
 * run's end, lies inside the input's rows.
 */
bool planes_in_place(const ConvGeometry& g, const int64_t* xs) { return g.pad_h == 0 && g.pad_w == 0 && g.stride_w == 1 && xs[3] == 1; }

inline Planes in_place_planes(const Planes& p, const int64_t* xs) {
  Planes q = p;
  q.row = xs[2];
  q.plane = xs[1];
  return q;
}

/** The planes of nch channels from xc (one image's first wanted channel): xc itself in place, else filled into P. */
inline const float* image_planes(const ConvGeometry& g, const Planes& pl, bool in_place, const float* xc, const int64_t* xs, int64_t nch, float* P) {
  if (in_place) return xc;
  fill_planes(g, pl, xc, xs[1], xs[2], xs[3], nch, P);
  return P;
}

/**
 * im2col rows [r0, r0 + nr) of one image from its padded planes P (channels from c0 on, planes_of layout):
 * row (ci, ki, kj), output row oh is the contiguous run of Wo floats at padded row oh·stride_h + ki·dil_h,
 * tap kj, so every run is a plain copy. col[i][oh·Wo + ow], row stride ld.
 */
void im2col_planes(const ConvGeometry& g, const Planes& p, const float* P, int64_t c0, int64_t r0, int64_t nr, float* col, int64_t ld) {
  const int64_t kk = g.kh * g.kw;
  for (int64_t i = 0; i < nr; ++i) {
    const int64_t r = r0 + i, ci = r / kk, ki = (r % kk) / g.kw, kj = r % g.kw;
    const int64_t t = kj * g.dil_w;
    const float* src = P + (ci - c0) * p.plane + ki * g.dil_h * p.row + (t % p.sw) * p.wph + t / p.sw;
    float* d = col + i * ld;
    copy_runs(d, src, g.Wo, g.Ho, g.stride_h * p.row);
  }
}

/** The adjoint of im2col_planes for all rows: P[...] += col[...] (P in planes_of layout, channels from 0). */
void col2im_planes(const ConvGeometry& g, const Planes& p, float* P, int64_t nr, const float* col, int64_t ld) {
  const int64_t kk = g.kh * g.kw;
  for (int64_t r = 0; r < nr; ++r) {
    const int64_t ci = r / kk, ki = (r % kk) / g.kw, kj = r % g.kw;
    const int64_t t = kj * g.dil_w;
    float* dst = P + ci * p.plane + ki * g.dil_h * p.row + (t % p.sw) * p.wph + t / p.sw;
    const float* s = col + r * ld;
    for (int64_t oh = 0; oh < g.Ho; ++oh) scatter_add_row(dst + oh * g.stride_h * p.row, s + oh * g.Wo, g.Wo, 1);
  }
}

/** Kernel widths the gather path takes (its per-column terms live on the stack). */
constexpr int64_t kGatherMaxKw = 64;
/** Floats of slack before and after the batched paths' im2col block: the gather path reads whole vectors there. */
constexpr int64_t kColSlack = 16;

/**
 * The adjoint of im2col for one image and group written straight into gx (cin_g planes of H·W), for
 * stride_w = 1 and kw <= kGatherMaxKw: each vector of a gx row gathers its kh·kw terms from the im2col
 * rows (output column ow = iw + pad_w − kj·dil_w) and is stored once. Adding the shifted runs into padded
 * planes instead stalls on store forwarding (each run's loads overlap the last runs' stores at an offset);
 * here nothing is stored twice. Which lanes of a term are inside [0, Wo) depends only on the vector's
 * column and kj, so those masks are made once per column pair: a term is a whole-vector load (reading at
 * most a vector's width past its run: the block has kColSlack floats of slack on either side) with its
 * outside lanes replaced by +0; terms with no lane inside are skipped (adding +0 to a sum that started at
 * +0 changes nothing). Same values, same order of additions as a masked load of every term.
 */
void col2im_gather(const ConvGeometry& g, const float* col, int64_t ld, int64_t cin_g, float* gx) {
  constexpr int64_t L = Vec::kLanes;
  struct Term {
    int64_t off;  // kj·ld + the output column of lane 0
    Vec::Mask inside;
  };
  Term t0[kGatherMaxKw], t1[kGatherMaxKw];
  const auto term = [&](int64_t kj, int64_t ow0, Term* t, int64_t* n) {
    const int64_t lo = max_of<int64_t>(0, -ow0), hi = min_of<int64_t>(L, g.Wo - ow0);
    if (lo < hi) t[(*n)++] = {kj * ld + ow0, Vec::mask_andnot(Vec::first_n(static_cast<int>(hi)), Vec::first_n(static_cast<int>(lo)))};
  };
  const Vec zero = Vec::zero();
  // Two vectors of a row at a time: two independent chains of adds.
  for (int64_t iw0 = 0; iw0 < g.W; iw0 += 2 * L) {
    const bool two = iw0 + L < g.W;
    int64_t n0 = 0, n1 = 0;
    for (int64_t kj = 0; kj < g.kw; ++kj) {
      const int64_t ow0 = iw0 + g.pad_w - kj * g.dil_w;  // output column of lane 0
      term(kj, ow0, t0, &n0);
      if (two) term(kj, ow0 + L, t1, &n1);
    }
    const int64_t w0 = min_of<int64_t>(L, g.W - iw0), w1 = two ? min_of<int64_t>(L, g.W - iw0 - L) : 0;
    for (int64_t ci = 0; ci < cin_g; ++ci) {
      for (int64_t ih = 0; ih < g.H; ++ih) {
        const int64_t y = ih + g.pad_h;
        Vec s0 = zero, s1 = zero;
        for (int64_t ki = 0; ki < g.kh; ++ki) {
          const int64_t t = y - ki * g.dil_h;
          if (t < 0 || t % g.stride_h != 0 || t / g.stride_h >= g.Ho) continue;
          const float* base = col + (ci * g.kh + ki) * g.kw * ld + (t / g.stride_h) * g.Wo;
          for (int64_t e = 0; e < n0; ++e) s0 = Vec::add(s0, Vec::select(t0[e].inside, Vec::loadu(base + t0[e].off), zero));
          for (int64_t e = 0; e < n1; ++e) s1 = Vec::add(s1, Vec::select(t1[e].inside, Vec::loadu(base + t1[e].off), zero));
        }
        float* grow = gx + (ci * g.H + ih) * g.W + iw0;
        if (w0 == L) Vec::storeu(grow, s0);
        else Vec::store_partial(grow, s0, static_cast<int>(w0));
        if (w1 == L) Vec::storeu(grow + L, s1);
        else if (w1 > 0) Vec::store_partial(grow + L, s1, static_cast<int>(w1));
      }
    }
  }
}

/**
 * The adjoint of fill_planes into a contiguous gx (nch planes of H·W): every input position a plane holds
 * is held once, so gx = its value there; positions no plane holds (never read) are 0.
 */
void planes_to_image(const ConvGeometry& g, const Planes& p, const float* P, int64_t nch, float* gx) {
  const int64_t hw = g.H * g.W;
  zero_fill(gx, nch * hw);
  for (int64_t c = 0; c < nch; ++c) {
    for (int64_t r = 0; r < p.hp; ++r) {
      const int64_t ih = r - g.pad_h;
      if (ih < 0 || ih >= g.H) continue;
      const float* s = P + c * p.plane + r * p.row;
      float* grow = gx + c * hw + ih * g.W;
      for (int64_t ph = 0; ph < p.sw; ++ph, s += p.wph) {
        int64_t lo, hi;
        valid_range(ph - g.pad_w, p.sw, g.W, p.wph, &lo, &hi);
        float* d = grow + lo * p.sw + ph - g.pad_w;
        if (p.sw == 1) {
          gather_row(d, s + lo, hi - lo, 1);
        } else {
          for (int64_t i = lo; i < hi; ++i) d[(i - lo) * p.sw] = s[i];
        }
      }
    }
  }
}

// ---- task scheduling -------------------------------------------------------------------------------

/**
 * Tasks handed out one at a time through an atomic counter. A task's result never depends on the thread
 * that runs it, so this changes no result; what it buys is that a thread the OS preempts (a shared
 * machine) does not hold the region up by a static share of the work.
 */
struct TaskQueue {
  int64_t next = 0;
  int64_t count = 0;
  bool pop(int64_t* t) {
    *t = __atomic_fetch_add(&next, 1, __ATOMIC_RELAXED);
    return *t < count;
  }
};

/** Runs body(ith, nth, lo, hi) once per thread, on as many threads as there are tasks (one: inline, so an
 * sgemm inside may use the pool itself). The body pops tasks from `q`. */
template <typename F>
inline void run_tasks(TaskQueue& q, F& body) {
  const int64_t nth = min_of<int64_t>(num_threads(), q.count);
  if (nth <= 0) return;
  parallel(nth, 1, body);
}

// ---- GEMM path ------------------------------------------------------------------------------------

/** Forward: tasks are image × group × block of output positions. */
void forward_gemm(const ConvGeometry& g, const float* x, const int64_t* xs, const float* w, const float* bias, float* out) {
  const Sizes z = sizes_of(g);
  const int64_t cols = block_cols(z.kg, z.howo, kFwdBlockBytes);
  const int64_t nb = ceil_div(z.howo, cols);
  TaskQueue q;
  q.count = g.N * g.groups * nb;
  auto body = [&](int, int, int64_t, int64_t) {
    RowInfo* rows = static_cast<RowInfo*>(scratch(kSlotRows, static_cast<size_t>(z.kg) * sizeof(RowInfo)));
    float* col = static_cast<float*>(scratch(kSlotCol, static_cast<size_t>(z.kg * cols) * sizeof(float)));
    if (!rows || !col) return;  // out of memory (counted by scratch(): the binding throws)
    fill_rows(g, xs[1], 0, z.kg, rows);
    for (int64_t t; q.pop(&t);) {
      const int64_t b = t % nb, ng = t / nb, grp = ng % g.groups, n = ng / g.groups;
      const int64_t j0 = b * cols, j1 = min_of(z.howo, j0 + cols), nc = j1 - j0;
      im2col(g, x + n * xs[0] + grp * z.cin_g * xs[1], xs[2], xs[3], rows, z.kg, j0, j1, col, nc);
      float* o = out + (n * g.Cout + grp * z.cout_g) * z.howo + j0;
      sgemm(1, false, false, z.cout_g, nc, z.kg, 1.0f, w + grp * z.cout_g * z.kg, 0, z.kg, col, 0, nc, 0.0f, o, 0, z.howo);
      if (bias) {
        for (int64_t co = 0; co < z.cout_g; ++co) {
          const float bv = bias[grp * z.cout_g + co];
          float* row = o + co * z.howo;
          for (int64_t j = 0; j < nc; ++j) row[j] += bv;
        }
      }
    }
  };
  run_tasks(q, body);
}

/**
 * Input gradient: tasks are image × group × chunk of input channels (each owns its channels' planes of
 * gx: col = Wᵀ·gy one block of output positions at a time, then col2im). Chunks of at least 8 channels,
 * fewer chunks when there are many images.
 */
void backward_input_gemm(const ConvGeometry& g, const float* gy, const float* w, float* gx) {
  const Sizes z = sizes_of(g);
  const int64_t per = g.N * g.groups;
  const int64_t chunk = per >= 8 ? z.cin_g : max_of<int64_t>(min_of<int64_t>(8, z.cin_g), ceil_div(z.cin_g, ceil_div(8, per)));
  const int64_t nch = ceil_div(z.cin_g, chunk);
  const int64_t cols = block_cols(chunk * z.kk, z.howo, kBwdInputBlockBytes);
  const int64_t nb = ceil_div(z.howo, cols);
  TaskQueue q;
  q.count = per * nch;
  auto body = [&](int, int, int64_t, int64_t) {
    RowInfo* rows = static_cast<RowInfo*>(scratch(kSlotRows, static_cast<size_t>(chunk * z.kk) * sizeof(RowInfo)));
    float* col = static_cast<float*>(scratch(kSlotCol, static_cast<size_t>(chunk * z.kk * cols) * sizeof(float)));
    if (!rows || !col) return;
    for (int64_t t; q.pop(&t);) {
      const int64_t c = t % nch, ng = t / nch, grp = ng % g.groups, n = ng / g.groups;
      const int64_t c0 = c * chunk, c1 = min_of(z.cin_g, c0 + chunk);
      const int64_t r0 = c0 * z.kk, nr = (c1 - c0) * z.kk;
      float* gxg = gx + (n * g.Cin + grp * z.cin_g) * z.hw;
      zero_fill(gxg + c0 * z.hw, (c1 - c0) * z.hw);
      fill_rows(g, z.hw, r0, nr, rows);
      const float* gyg = gy + (n * g.Cout + grp * z.cout_g) * z.howo;
      for (int64_t b = 0; b < nb; ++b) {
        const int64_t j0 = b * cols, j1 = min_of(z.howo, j0 + cols), nc = j1 - j0;
        sgemm(1, true, false, nr, nc, z.cout_g, 1.0f, w + grp * z.cout_g * z.kg + r0, 0, z.kg, gyg + j0, 0, z.howo, 0.0f, col, 0, nc);
        col2im(g, gxg, rows, nr, j0, j1, col, nc);
      }
    }
  };
  run_tasks(q, body);
}

/**
 * C[i·ldc + j] = beta·C[i·ldc + j] + Σ_k A[i·lda + k]·B[j·ldb + k] for i < M, j < N (beta 0 does not read
 * C): products of rows that are both contiguous along K, two rows of A by four of B at a time in eight
 * vector accumulators, no packing. The weight gradient of a block of small images has this shape (M output
 * channels, N im2col rows, K thousands of positions), where a packed GEMM spends most of its time
 * transposing B into panels. Edge blocks reuse the last row (their extra sums are not stored).
 */
void dot_gemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
              int64_t ldc) {
  constexpr int64_t L = Vec::kLanes;
  const int64_t kf = K / L * L;
  const int tail = static_cast<int>(K - kf);
  for (int64_t i0 = 0; i0 < M; i0 += 2) {
    const float* a0p = A + i0 * lda;
    const float* a1p = A + min_of(i0 + 1, M - 1) * lda;
    for (int64_t j0 = 0; j0 < N; j0 += 4) {
      const float* b0p = B + j0 * ldb;
      const float* b1p = B + min_of(j0 + 1, N - 1) * ldb;
      const float* b2p = B + min_of(j0 + 2, N - 1) * ldb;
      const float* b3p = B + min_of(j0 + 3, N - 1) * ldb;
      Vec c00 = Vec::zero(), c01 = Vec::zero(), c02 = Vec::zero(), c03 = Vec::zero();
      Vec c10 = Vec::zero(), c11 = Vec::zero(), c12 = Vec::zero(), c13 = Vec::zero();
      auto step = [&](Vec a0, Vec a1, Vec b0, Vec b1, Vec b2, Vec b3) {
        c00 = Vec::fma(a0, b0, c00);
        c01 = Vec::fma(a0, b1, c01);
        c02 = Vec::fma(a0, b2, c02);
        c03 = Vec::fma(a0, b3, c03);
        c10 = Vec::fma(a1, b0, c10);
        c11 = Vec::fma(a1, b1, c11);
        c12 = Vec::fma(a1, b2, c12);
        c13 = Vec::fma(a1, b3, c13);
      };
      for (int64_t k = 0; k < kf; k += L) {
        step(Vec::loadu(a0p + k), Vec::loadu(a1p + k), Vec::loadu(b0p + k), Vec::loadu(b1p + k), Vec::loadu(b2p + k), Vec::loadu(b3p + k));
      }
      if (tail) {
        step(Vec::load_partial(a0p + kf, tail), Vec::load_partial(a1p + kf, tail), Vec::load_partial(b0p + kf, tail),
             Vec::load_partial(b1p + kf, tail), Vec::load_partial(b2p + kf, tail), Vec::load_partial(b3p + kf, tail));
      }
      const float r[2][4] = {{Vec::reduce_add(c00), Vec::reduce_add(c01), Vec::reduce_add(c02), Vec::reduce_add(c03)},
                             {Vec::reduce_add(c10), Vec::reduce_add(c11), Vec::reduce_add(c12), Vec::reduce_add(c13)}};
      for (int64_t ii = 0; ii < 2 && i0 + ii < M; ++ii) {
        for (int64_t jj = 0; jj < 4 && j0 + jj < N; ++jj) {
          float* c = C + (i0 + ii) * ldc + j0 + jj;
          *c = beta == 0.0f ? r[ii][jj] : beta * *c + r[ii][jj];
        }
      }
    }
  }
}

/**
 * The fixed split of a weight gradient's batch (N > 0): at most 8 groups of `per` images, whatever the thread
 * count. Group ig sums its images into its own partial, and the partials are added in group order, so no
 * result depends on the thread count. With gw's layout, group 0 writes gw itself and groups 1.. write
 * wsize-float partials in the calling thread's scratch (init: false if out of memory, counted by scratch()).
 */
struct ImageGroups {
  int64_t count, per, wsize = 0;
  float* part = nullptr;
  explicit ImageGroups(const ConvGeometry& g) : count(min_of<int64_t>(g.N, 8)), per(ceil_div(g.N, count)) {}
  int64_t first(int64_t ig) const { return ig * per; }
  int64_t end(const ConvGeometry& g, int64_t ig) const { return min_of(g.N, (ig + 1) * per); }
  bool init(int64_t floats) {
    wsize = floats;
    if (count > 1) part = static_cast<float*>(scratch(kSlotFlipped, static_cast<size_t>((count - 1) * wsize) * sizeof(float)));
    return count == 1 || part != nullptr;
  }
  float* dst(int64_t ig, float* gw) const { return ig == 0 ? gw : part + (ig - 1) * wsize; }
  void add_into(float* gw) const {
    for (int64_t ig = 1; ig < count; ++ig) {
      const float* pp = part + (ig - 1) * wsize;
      for (int64_t i = 0; i < wsize; ++i) gw[i] += pp[i];
    }
  }
};

/**
 * Weight gradient gW = Σ_n gy_n·col_nᵀ: tasks are group × chunk of im2col rows (weight columns, at most
 * 256) × group of images, each summing its images into its own partial (the task's im2col rows only);
 * the partials are then added in image-group order. None of the splits depends on the thread count.
 */
void backward_weight_gemm(const ConvGeometry& g, const float* x, const int64_t* xs, const float* gy, float* gw) {
  const Sizes z = sizes_of(g);
  const int64_t chunk = min_of(z.kg, ceil_div(ceil_div(z.kg, ceil_div(z.kg, 256)), 16) * 16);
  const int64_t nch = ceil_div(z.kg, chunk);
  ImageGroups igs(g);
  if (!igs.init(g.Cout * z.kg)) return;
  const int64_t nig = igs.count, ipg = igs.per;
  const int64_t cols = block_cols(chunk, z.howo, kBwdWeightBlockBytes);
  const int64_t nb = ceil_div(z.howo, cols);
  // Small images: blocks of nbi images of the image group, one gy_block·colᵀ each (gy gathered per block).
  const int64_t nbi = images_per_block(chunk, z.howo, kBwdWeightBlockBytes, ipg);
  const int64_t colsz = nbi > 1 ? nbi * z.howo : cols;
  // Batched blocks take their im2col rows from padded planes (plain copies) when they fit.
  const bool use_planes = nbi > 1 && planes_fit(g);
  const Planes pl = planes_of(g);
  const bool in_place = planes_in_place(g, xs);
  const Planes src_pl = in_place ? in_place_planes(pl, xs) : pl;  // the layout im2col reads
  const int64_t chunk_ch = min_of(z.cin_g, ceil_div(chunk, z.kk) + 1);  // channels a row chunk touches, at most
  const size_t slot5 = use_planes ? static_cast<size_t>(chunk_ch * pl.plane) * sizeof(float) : static_cast<size_t>(chunk) * sizeof(RowInfo);
  TaskQueue q;
  q.count = g.groups * nch * nig;
  auto body = [&](int, int, int64_t, int64_t) {
    void* s5 = scratch(kSlotRows, slot5);
    float* col = static_cast<float*>(scratch(kSlotCol, static_cast<size_t>(chunk * colsz) * sizeof(float)));
    float* gyb = nbi > 1 ? static_cast<float*>(scratch(kSlotBlock, static_cast<size_t>(z.cout_g * colsz) * sizeof(float))) : nullptr;
    if (!s5 || !col || (nbi > 1 && !gyb)) return;
    RowInfo* rows = static_cast<RowInfo*>(s5);
    float* P = static_cast<float*>(s5);
    for (int64_t t; q.pop(&t);) {
      const int64_t ig = t % nig, c = (t / nig) % nch, grp = t / (nig * nch);
      const int64_t r0 = c * chunk, nr = min_of(chunk, z.kg - r0);
      const int64_t c0 = r0 / z.kk, c1 = (r0 + nr - 1) / z.kk + 1;
      if (!use_planes) fill_rows(g, xs[1], r0, nr, rows);
      float* dst = igs.dst(ig, gw) + grp * z.cout_g * z.kg + r0;
      float beta = 0.0f;
      const int64_t nend = igs.end(g, ig);
      for (int64_t n0 = igs.first(ig); nbi > 1 && n0 < nend; n0 += nbi) {
        const int64_t ni = min_of(nend - n0, nbi), nc = ni * z.howo;
        gather_gy(g, z, gy, n0, ni, grp * z.cout_g, gyb);
        for (int64_t i = 0; i < ni; ++i) {
          const float* xg = x + (n0 + i) * xs[0] + grp * z.cin_g * xs[1];
          if (use_planes) {
            im2col_planes(g, src_pl, image_planes(g, pl, in_place, xg + c0 * xs[1], xs, c1 - c0, P), c0, r0, nr, col + i * z.howo, nc);
          } else {
            im2col(g, xg, xs[2], xs[3], rows, nr, 0, z.howo, col + i * z.howo, nc);
          }
        }
        dot_gemm(z.cout_g, nr, nc, gyb, nc, col, nc, beta, dst, z.kg);
        beta = 1.0f;
      }
      for (int64_t n = igs.first(ig); nbi == 1 && n < nend; ++n) {
        const float* xg = x + n * xs[0] + grp * z.cin_g * xs[1];
        const float* gyg = gy + (n * g.Cout + grp * z.cout_g) * z.howo;
        for (int64_t b = 0; b < nb; ++b) {
          const int64_t j0 = b * cols, j1 = min_of(z.howo, j0 + cols), nc = j1 - j0;
          im2col(g, xg, xs[2], xs[3], rows, nr, j0, j1, col, nc);
          sgemm(1, false, true, z.cout_g, nr, nc, 1.0f, gyg + j0, 0, z.howo, col, 0, nc, beta, dst, 0, z.kg);
          beta = 1.0f;
        }
      }
      if (beta == 0.0f) {  // an image group past the batch (N < 8·ipg): an empty sum
        for (int64_t co = 0; co < z.cout_g; ++co) zero_fill(dst + co * z.kg, nr);
      }
    }
  };
  run_tasks(q, body);
  igs.add_into(gw);
}


// ---- batched GEMM path (small images) -------------------------------------------------------------

/**
 * One thread's buffers for a batched block of nbi images: the padded planes of the block's image (or the
 * im2col row table, filled here; neither when `per_row` is false), the im2col block (with kColSlack floats
 * of slack on either side) and a cout_g-row block (gy rows or the product). False if out of memory (counted
 * by scratch(): the binding throws).
 */
struct BlockBuffers {
  RowInfo* rows;
  float* P;
  float* col;
  float* blk;
};
bool block_buffers(const ConvGeometry& g, const Sizes& z, const Planes& pl, bool use_planes, bool per_row, int64_t row_stride_c, int64_t nbi,
                   BlockBuffers* b) {
  const size_t slot5 = use_planes ? static_cast<size_t>(z.cin_g * pl.plane) * sizeof(float)
                                  : static_cast<size_t>(per_row ? z.kg : 1) * sizeof(RowInfo);
  void* s5 = scratch(kSlotRows, slot5);
  float* col = static_cast<float*>(scratch(kSlotCol, static_cast<size_t>(z.kg * nbi * z.howo + 2 * kColSlack) * sizeof(float)));
  b->col = col ? col + kColSlack : nullptr;
  b->blk = static_cast<float*>(scratch(kSlotBlock, static_cast<size_t>(z.cout_g * nbi * z.howo) * sizeof(float)));
  if (!s5 || !b->col || !b->blk) return false;
  b->rows = static_cast<RowInfo*>(s5);
  b->P = static_cast<float*>(s5);
  if (!use_planes && per_row) fill_rows(g, row_stride_c, 0, z.kg, b->rows);
  return true;
}

/** Forward over blocks of nbi images: tasks are group × image block; one W·col per task, then the rows to NCHW. */
void forward_gemm_batched(const ConvGeometry& g, const float* x, const int64_t* xs, const float* w, const float* bias, float* out, int64_t nbi) {
  const Sizes z = sizes_of(g);
  const int64_t nblk = ceil_div(g.N, nbi);
  // The im2col rows from padded planes (plain copies) when they fit, else row by row with bounds.
  const bool use_planes = planes_fit(g);
  const Planes pl = planes_of(g);
  const bool in_place = planes_in_place(g, xs);
  const Planes src_pl = in_place ? in_place_planes(pl, xs) : pl;  // the layout im2col reads
  TaskQueue q;
  q.count = nblk * g.groups;
  auto body = [&](int, int, int64_t, int64_t) {
    BlockBuffers bb;
    if (!block_buffers(g, z, pl, use_planes, true, xs[1], nbi, &bb)) return;
    RowInfo* rows = bb.rows;
    float *P = bb.P, *col = bb.col, *c = bb.blk;
    for (int64_t t; q.pop(&t);) {
      const int64_t grp = t % g.groups, blk = t / g.groups;
      const int64_t n0 = blk * nbi, ni = min_of(g.N - n0, nbi), nc = ni * z.howo;
      for (int64_t i = 0; i < ni; ++i) {
        const float* xg = x + (n0 + i) * xs[0] + grp * z.cin_g * xs[1];
        if (use_planes) {
          im2col_planes(g, src_pl, image_planes(g, pl, in_place, xg, xs, z.cin_g, P), 0, 0, z.kg, col + i * z.howo, nc);
        } else {
          im2col(g, xg, xs[2], xs[3], rows, z.kg, 0, z.howo, col + i * z.howo, nc);
        }
      }
      sgemm(1, false, false, z.cout_g, nc, z.kg, 1.0f, w + grp * z.cout_g * z.kg, 0, z.kg, col, 0, nc, 0.0f, c, 0, nc);
      for (int64_t co = 0; co < z.cout_g; ++co) {
        const Vec bv = Vec::set1(bias ? bias[grp * z.cout_g + co] : 0.0f);
        for (int64_t i = 0; i < ni; ++i) {
          const float* s = c + co * nc + i * z.howo;
          float* d = out + ((n0 + i) * g.Cout + grp * z.cout_g + co) * z.howo;
          int64_t j = 0;
          for (; j + Vec::kLanes <= z.howo; j += Vec::kLanes) Vec::storeu(d + j, Vec::add(Vec::loadu(s + j), bv));
          if (j < z.howo) {
            const int r = static_cast<int>(z.howo - j);
            Vec::store_partial(d + j, Vec::add(Vec::load_partial(s + j, r), bv), r);
          }
        }
      }
    }
  };
  run_tasks(q, body);
}

/** Input gradient over blocks of nbi images: tasks are group × image block; col = Wᵀ·gy_block, then col2im per image. */
void backward_input_gemm_batched(const ConvGeometry& g, const float* gy, const float* w, float* gx, int64_t nbi) {
  const Sizes z = sizes_of(g);
  const int64_t nblk = ceil_div(g.N, nbi);
  // col2im gathered straight into gx for stride_w = 1 (kernels up to kGatherMaxKw wide); else into padded
  // planes (plain adds), then their inside to gx, when they fit; else row by row.
  const bool gather = g.stride_w == 1 && g.kw <= kGatherMaxKw;
  const bool use_planes = !gather && planes_fit(g);
  const Planes pl = planes_of(g);
  TaskQueue q;
  q.count = nblk * g.groups;
  auto body = [&](int, int, int64_t, int64_t) {
    BlockBuffers bb;
    // NOTE: the gather path needs neither planes nor the row table.
    if (!block_buffers(g, z, pl, use_planes, !gather, z.hw, nbi, &bb)) return;
    RowInfo* rows = bb.rows;
    float *P = bb.P, *col = bb.col, *gyb = bb.blk;
    for (int64_t t; q.pop(&t);) {
      const int64_t grp = t % g.groups, blk = t / g.groups;
      const int64_t n0 = blk * nbi, ni = min_of(g.N - n0, nbi), nc = ni * z.howo;
      gather_gy(g, z, gy, n0, ni, grp * z.cout_g, gyb);
      sgemm(1, true, false, z.kg, nc, z.cout_g, 1.0f, w + grp * z.cout_g * z.kg, 0, z.kg, gyb, 0, nc, 0.0f, col, 0, nc);
      for (int64_t i = 0; i < ni; ++i) {
        float* gxg = gx + ((n0 + i) * g.Cin + grp * z.cin_g) * z.hw;
        if (gather) {
          col2im_gather(g, col + i * z.howo, nc, z.cin_g, gxg);
        } else if (use_planes) {
          zero_fill(P, z.cin_g * pl.plane);
          col2im_planes(g, pl, P, z.kg, col + i * z.howo, nc);
          planes_to_image(g, pl, P, z.cin_g, gxg);
        } else {
          zero_fill(gxg, z.cin_g * z.hw);
          col2im(g, gxg, rows, z.kg, 0, z.howo, col + i * z.howo, nc);
        }
      }
    }
  };
  run_tasks(q, body);
}

// ---- direct path ----------------------------------------------------------------------------------

/** Offset of kernel column kj's run in a padded row: its phase block plus its shift. */
inline int64_t column_tap(const ConvGeometry& g, const Planes& p, int64_t kj) {
  const int64_t t = kj * g.dil_w;
  return (t % p.sw) * p.wph + t / p.sw;
}

/** Offsets of every kernel column's run in a padded row (column_tap), in per-thread scratch. */
int64_t* tap_offsets(const ConvGeometry& g, const Planes& p) {
  int64_t* off = static_cast<int64_t*>(scratch(kSlotRanges, static_cast<size_t>(g.kw) * sizeof(int64_t)));
  if (!off) return nullptr;
  for (int64_t kj = 0; kj < g.kw; ++kj) off[kj] = column_tap(g, p, kj);
  return off;
}

/**
 * V vectors of one output row from column o0 (the last one `last` lanes wide): bias + Σ_{ci, ki, kj}
 * w[ci, ki, kj]·P(ci, row0 + ki·dil_h, tap kj), accumulated in registers.
 */
template <int V>
inline void direct_chunk(const ConvGeometry& g, const Planes& p, const int64_t* taps, int64_t cin_g, const float* wc, const float* P, int64_t row0,
                         int64_t o0, int last, float bias, float* dst) {
  Vec acc[V];
  for (int v = 0; v < V; ++v) acc[v] = Vec::set1(bias);
  for (int64_t ci = 0; ci < cin_g; ++ci) {
    for (int64_t ki = 0; ki < g.kh; ++ki) {
      const float* prow = P + ci * p.plane + (row0 + ki * g.dil_h) * p.row + o0;
      const float* wr = wc + (ci * g.kh + ki) * g.kw;
      for (int64_t kj = 0; kj < g.kw; ++kj) {
        const float* src = prow + taps[kj];
        const Vec wv = Vec::set1(wr[kj]);
        for (int v = 0; v + 1 < V; ++v) acc[v] = Vec::fma(wv, Vec::loadu(src + v * Vec::kLanes), acc[v]);
        const Vec tail = last == Vec::kLanes ? Vec::loadu(src + (V - 1) * Vec::kLanes) : Vec::load_partial(src + (V - 1) * Vec::kLanes, last);
        acc[V - 1] = Vec::fma(wv, tail, acc[V - 1]);
      }
    }
  }
  for (int v = 0; v + 1 < V; ++v) Vec::storeu(dst + v * Vec::kLanes, acc[v]);
  if (last == Vec::kLanes) {
    Vec::storeu(dst + (V - 1) * Vec::kLanes, acc[V - 1]);
  } else {
    Vec::store_partial(dst + (V - 1) * Vec::kLanes, acc[V - 1], last);
  }
}

/** Direct forward; tasks are image × group (the padded planes are built once per task). */
void forward_direct(const ConvGeometry& g, const float* x, const int64_t* xs, const float* w, const float* bias, float* out) {
  const Sizes z = sizes_of(g);
  const Planes p = planes_of(g);
  constexpr int64_t L = Vec::kLanes;
  TaskQueue q;
  q.count = g.N * g.groups;
  auto body = [&](int, int, int64_t, int64_t) {
    float* P = static_cast<float*>(scratch(kSlotCol, static_cast<size_t>(z.cin_g * p.plane) * sizeof(float)));
    const int64_t* taps = tap_offsets(g, p);
    if (!P || !taps) return;
    for (int64_t t; q.pop(&t);) {
      const int64_t grp = t % g.groups, n = t / g.groups;
      fill_planes(g, p, x + n * xs[0] + grp * z.cin_g * xs[1], xs[1], xs[2], xs[3], z.cin_g, P);
      for (int64_t col = 0; col < z.cout_g; ++col) {
        const int64_t co = grp * z.cout_g + col;
        const float* wc = w + co * z.kg;
        const float bv = bias ? bias[co] : 0.0f;
        float* o = out + (n * g.Cout + co) * z.howo;
        for (int64_t oh = 0; oh < g.Ho; ++oh) {
          for (int64_t o0 = 0; o0 < g.Wo; o0 += 4 * L) {
            const int64_t rem = min_of<int64_t>(4 * L, g.Wo - o0);
            const int nv = static_cast<int>((rem + L - 1) / L);
            const int last = static_cast<int>(rem - (nv - 1) * L);
            float* dst = o + oh * g.Wo + o0;
            switch (nv) {
              case 4: direct_chunk<4>(g, p, taps, z.cin_g, wc, P, oh * g.stride_h, o0, last, bv, dst); break;
              case 3: direct_chunk<3>(g, p, taps, z.cin_g, wc, P, oh * g.stride_h, o0, last, bv, dst); break;
              case 2: direct_chunk<2>(g, p, taps, z.cin_g, wc, P, oh * g.stride_h, o0, last, bv, dst); break;
              default: direct_chunk<1>(g, p, taps, z.cin_g, wc, P, oh * g.stride_h, o0, last, bv, dst); break;
            }
          }
        }
      }
    }
  };
  run_tasks(q, body);
}

/** y[i·step] += a·x[i] for i < n. */
inline void axpy_scatter(float* __restrict y, const float* __restrict x, int64_t n, float a, int64_t step) {
  if (step == 1) {
    const Vec va = Vec::set1(a);
    int64_t i = 0;
    for (; i + Vec::kLanes <= n; i += Vec::kLanes) Vec::storeu(y + i, Vec::fma(va, Vec::loadu(x + i), Vec::loadu(y + i)));
    if (i < n) {
      const int r = static_cast<int>(n - i);
      Vec::store_partial(y + i, Vec::fma(va, Vec::load_partial(x + i, r), Vec::load_partial(y + i, r)), r);
    }
  } else {
    for (int64_t i = 0; i < n; ++i) y[i * step] += a * x[i];
  }
}

/** Valid output column ranges [lo[kj], hi[kj]) of every kernel column, in per-thread scratch. */
int64_t* column_ranges(const ConvGeometry& g) {
  int64_t* r = static_cast<int64_t*>(scratch(kSlotRanges, static_cast<size_t>(2 * g.kw) * sizeof(int64_t)));
  if (!r) return nullptr;
  for (int64_t kj = 0; kj < g.kw; ++kj) valid_range(kj * g.dil_w - g.pad_w, g.stride_w, g.W, g.Wo, r + kj, r + g.kw + kj);
  return r;
}

/** Direct input gradient by scattering each gy row into the gx rows it came from (strided convolutions). */
void backward_input_scatter(const ConvGeometry& g, const float* gy, const float* w, float* gx) {
  const Sizes z = sizes_of(g);
  TaskQueue q;
  q.count = g.N * g.Cin;
  auto body = [&](int, int, int64_t, int64_t) {
    const int64_t* rng = column_ranges(g);
    if (!rng) return;
    for (int64_t t; q.pop(&t);) {
      const int64_t c = t % g.Cin, n = t / g.Cin, grp = c / z.cin_g, ci = c % z.cin_g;
      float* gxp = gx + (n * g.Cin + c) * z.hw;
      zero_fill(gxp, z.hw);
      for (int64_t col = 0; col < z.cout_g; ++col) {
        const int64_t co = grp * z.cout_g + col;
        const float* gyp = gy + (n * g.Cout + co) * z.howo;
        const float* wc = w + (co * z.cin_g + ci) * z.kk;
        for (int64_t ki = 0; ki < g.kh; ++ki) {
          int64_t oh0, oh1;
          valid_range(ki * g.dil_h - g.pad_h, g.stride_h, g.H, g.Ho, &oh0, &oh1);
          for (int64_t oh = oh0; oh < oh1; ++oh) {
            float* gxrow = gxp + (oh * g.stride_h - g.pad_h + ki * g.dil_h) * g.W;
            const float* gyrow = gyp + oh * g.Wo;
            for (int64_t kj = 0; kj < g.kw; ++kj) {
              const int64_t a = rng[kj], b = rng[g.kw + kj];
              if (a >= b) continue;
              axpy_scatter(gxrow + a * g.stride_w + kj * g.dil_w - g.pad_w, gyrow + a, b - a, wc[ki * g.kw + kj], g.stride_w);
            }
          }
        }
      }
    }
  };
  run_tasks(q, body);
}

/**
 * The input gradient of a stride-1 convolution is a stride-1 convolution of gy with the weights flipped
 * in both spatial dims and input/output channels swapped (per group), padded by dil·(k − 1) − pad.
 * Fills *f with that geometry; false when it does not apply.
 */
bool flipped_geometry(const ConvGeometry& g, ConvGeometry* f) {
  if (g.stride_h != 1 || g.stride_w != 1 || g.pad_h > g.dil_h * (g.kh - 1) || g.pad_w > g.dil_w * (g.kw - 1)) return false;
  *f = g;
  f->Cin = g.Cout;
  f->H = g.Ho;
  f->W = g.Wo;
  f->Cout = g.Cin;
  f->Ho = g.H;
  f->Wo = g.W;
  f->pad_h = g.dil_h * (g.kh - 1) - g.pad_h;
  f->pad_w = g.dil_w * (g.kw - 1) - g.pad_w;
  return planes_fit(*f);
}

/**
 * The weights of the flipped forward (flipped_geometry) in the calling thread's scratch: for input channel c
 * of group grp, wf[c, co, ki, kj] = w[grp·cout_g + co, c − grp·cin_g, kh − 1 − ki, kw − 1 − kj]. Null if out
 * of memory (counted by scratch(): the binding throws).
 */
const float* flipped_weights(const ConvGeometry& g, const float* w) {
  const Sizes z = sizes_of(g);
  float* wf = static_cast<float*>(scratch(kSlotFlipped, static_cast<size_t>(g.Cout * z.kg) * sizeof(float)));
  if (!wf) return nullptr;
  for (int64_t c = 0; c < g.Cin; ++c) {
    const int64_t grp = c / z.cin_g, ci = c % z.cin_g;
    for (int64_t co = 0; co < z.cout_g; ++co) {
      const float* src = w + ((grp * z.cout_g + co) * z.cin_g + ci) * z.kk;
      float* dst = wf + (c * z.cout_g + co) * z.kk;
      for (int64_t k = 0; k < z.kk; ++k) dst[k] = src[z.kk - 1 - k];
    }
  }
  return wf;
}

/** Direct input gradient: the flipped forward for stride 1, else the scatter form. */
void backward_input_direct(const ConvGeometry& g, const float* gy, const float* w, float* gx) {
  ConvGeometry f;
  if (!flipped_geometry(g, &f)) {
    backward_input_scatter(g, gy, w, gx);
    return;
  }
  const float* wf = flipped_weights(g, w);
  if (!wf) return;
  const int64_t ys[4] = {g.Cout * g.Ho * g.Wo, g.Ho * g.Wo, g.Wo, 1};
  forward_direct(f, gy, ys, wf, nullptr, gx);
}

/**
 * Direct weight gradient; tasks are output channels, each summing over the batch: per image the padded
 * planes of its group, then for every (ci, ki) up to 8 kernel columns at once, one vector accumulator
 * each, over every output row.
 */
void backward_weight_direct(const ConvGeometry& g, const float* x, const int64_t* xs, const float* gy, float* gw) {
  const Sizes z = sizes_of(g);
  const Planes p = planes_of(g);
  constexpr int64_t L = Vec::kLanes;
  constexpr int64_t KB = 8;
  TaskQueue q;
  q.count = g.Cout;
  auto body = [&](int, int, int64_t, int64_t) {
    float* P = static_cast<float*>(scratch(kSlotCol, static_cast<size_t>(z.cin_g * p.plane) * sizeof(float)));
    const int64_t* taps = tap_offsets(g, p);
    if (!P || !taps) return;
    for (int64_t co; q.pop(&co);) {
      const int64_t grp = co / z.cout_g;
      float* gwc = gw + co * z.kg;
      zero_fill(gwc, z.kg);
      for (int64_t n = 0; n < g.N; ++n) {
        fill_planes(g, p, x + n * xs[0] + grp * z.cin_g * xs[1], xs[1], xs[2], xs[3], z.cin_g, P);
        const float* gyp = gy + (n * g.Cout + co) * z.howo;
        for (int64_t ci = 0; ci < z.cin_g; ++ci) {
          for (int64_t ki = 0; ki < g.kh; ++ki) {
            for (int64_t kb = 0; kb < g.kw; kb += KB) {
              const int64_t nk = min_of(KB, g.kw - kb);
              int64_t off[KB];
              Vec acc[KB];
              for (int64_t j = 0; j < nk; ++j) {
                off[j] = taps[kb + j];
                acc[j] = Vec::zero();
              }
              for (int64_t oh = 0; oh < g.Ho; ++oh) {
                const float* gyrow = gyp + oh * g.Wo;
                const float* prow = P + ci * p.plane + (oh * g.stride_h + ki * g.dil_h) * p.row;
                int64_t ow = 0;
                for (; ow + L <= g.Wo; ow += L) {
                  const Vec gv = Vec::loadu(gyrow + ow);
                  for (int64_t j = 0; j < nk; ++j) acc[j] = Vec::fma(gv, Vec::loadu(prow + off[j] + ow), acc[j]);
                }
                if (ow < g.Wo) {
                  const int r = static_cast<int>(g.Wo - ow);
                  const Vec gv = Vec::load_partial(gyrow + ow, r);
                  for (int64_t j = 0; j < nk; ++j) acc[j] = Vec::fma(gv, Vec::load_partial(prow + off[j] + ow, r), acc[j]);
                }
              }
              for (int64_t j = 0; j < nk; ++j) gwc[(ci * g.kh + ki) * g.kw + kb + j] += Vec::reduce_add(acc[j]);
            }
          }
        }
      }
    }
  };
  run_tasks(q, body);
}

// ---- register-blocked direct path (few taps per output, several output channels) ---------------------

/** Output channels per forward register block: 6 channels × 2 vectors of accumulators, as the GEMM's 6×16. */
constexpr int64_t kTapsCo = 6;
/** Weight gradient register block: 2 output channels × up to 6 kernel columns. */
constexpr int64_t kTapsGradCo = 2;
constexpr int64_t kTapsGradKw = 6;

/**
 * CB output channels × V vectors of one output row from src (its column o0 in padded row row0 of the first
 * plane; the last vector `last` lanes wide): bias + Σ_t w[c, t]·src[toff[t] + v·L], t over the kg taps
 * (ci, ki, kj) and w the CB channels' rows (kg apart). Each input vector is loaded once for all CB channels
 * and each weight broadcast once for V vectors, so the FMAs set the pace, not the loads (one output channel
 * at a time is load-bound). The vectors are whole loads: the tail one reads up to a vector past its row
 * (P has that slack), lanes that are never stored.
 */
template <int CB, int V>
NG_VINLINE void taps_block(const int64_t* toff, int64_t kg, const float* w, const float* bias, const float* src, int last, float* dst, int64_t ld) {
  constexpr int64_t L = Vec::kLanes;
  Vec acc[CB][V];
  for (int c = 0; c < CB; ++c) {
    const Vec b = Vec::set1(bias ? bias[c] : 0.0f);
    for (int v = 0; v < V; ++v) acc[c][v] = b;
  }
  for (int64_t t = 0; t < kg; ++t) {
    const float* s = src + toff[t];
    Vec xv[V];
    for (int v = 0; v < V; ++v) xv[v] = Vec::loadu(s + v * L);
    for (int c = 0; c < CB; ++c) {
      const Vec wv = Vec::set1(w[c * kg + t]);
      for (int v = 0; v < V; ++v) acc[c][v] = Vec::fma(wv, xv[v], acc[c][v]);
    }
  }
  for (int c = 0; c < CB; ++c) {
    float* d = dst + c * ld;
    for (int v = 0; v + 1 < V; ++v) Vec::storeu(d + v * L, acc[c][v]);
    if (last == L) {
      Vec::storeu(d + (V - 1) * L, acc[c][V - 1]);
    } else {
      Vec::store_partial(d + (V - 1) * L, acc[c][V - 1], last);
    }
  }
}

/** Output row oh of the CB output channels (howo apart from dst) of one image from its padded planes P, two vectors at a time. */
template <int CB>
void taps_row(const ConvGeometry& g, const Planes& p, const int64_t* toff, int64_t kg, const float* w, const float* bias, const float* P, int64_t oh,
              float* dst, int64_t howo) {
  constexpr int64_t L = Vec::kLanes;
  const float* prow = P + oh * g.stride_h * p.row;
  float* drow = dst + oh * g.Wo;
  int64_t o0 = 0;
  for (; o0 + 2 * L <= g.Wo; o0 += 2 * L) taps_block<CB, 2>(toff, kg, w, bias, prow + o0, L, drow + o0, howo);
  const int64_t rem = g.Wo - o0;
  if (rem > L) {
    taps_block<CB, 2>(toff, kg, w, bias, prow + o0, static_cast<int>(rem - L), drow + o0, howo);
  } else if (rem > 0) {
    taps_block<CB, 1>(toff, kg, w, bias, prow + o0, static_cast<int>(rem), drow + o0, howo);
  }
}

using TapsFn = void (*)(const ConvGeometry&, const Planes&, const int64_t*, int64_t, const float*, const float*, const float*, int64_t, float*,
                        int64_t);
constexpr TapsFn kTapsRows[kTapsCo] = {taps_row<1>, taps_row<2>, taps_row<3>, taps_row<4>, taps_row<5>, taps_row<6>};

/** Offsets of every tap (ci, ki, kj) in the padded planes, relative to an output position's column (per-thread scratch). */
int64_t* flat_taps(const ConvGeometry& g, const Planes& p, int64_t cin_g) {
  int64_t* off = static_cast<int64_t*>(scratch(kSlotRanges, static_cast<size_t>(cin_g * g.kh * g.kw) * sizeof(int64_t)));
  if (!off) return nullptr;
  for (int64_t ci = 0, t = 0; ci < cin_g; ++ci) {
    for (int64_t ki = 0; ki < g.kh; ++ki) {
      for (int64_t kj = 0; kj < g.kw; ++kj, ++t) off[t] = ci * p.plane + ki * g.dil_h * p.row + column_tap(g, p, kj);
    }
  }
  return off;
}

/** Floats of one thread's padded planes for the blocked direct path: the tail vectors read up to a vector past the last row. */
inline size_t taps_planes_floats(const Sizes& z, const Planes& p) { return static_cast<size_t>(z.cin_g * p.plane + Vec::kLanes); }

/**
 * The tasks of a direct forward: image × group × band of output rows, one band unless there are fewer than
 * 4 image-groups per thread (a batch of one still uses every thread). Every output is the same sum
 * whatever the split.
 */
struct RowBands {
  int64_t groups, Ho, bands, band, count;
  explicit RowBands(const ConvGeometry& g) : groups(g.groups), Ho(g.Ho) {
    const int64_t images = g.N * g.groups, want = 4 * static_cast<int64_t>(num_threads());
    bands = images >= want ? 1 : min_of(g.Ho, ceil_div(want, images));
    band = ceil_div(g.Ho, bands);
    count = images * bands;
  }
  /** Task t's image n, group grp and output rows [oh0, oh1) (false: an empty band). */
  bool task(int64_t t, int64_t* n, int64_t* grp, int64_t* oh0, int64_t* oh1) const {
    *grp = (t / bands) % groups;
    *n = t / (bands * groups);
    *oh0 = (t % bands) * band;
    *oh1 = min_of(Ho, *oh0 + band);
    return *oh0 < *oh1;
  }
};

/**
 * Runs f(n, grp, oh0, oh1, P, toff) for every RowBands task of a direct forward, on the pool: P the thread's
 * padded planes with the rows the band reads filled from image n's group grp, toff flat_taps'.
 */
template <typename F>
void run_bands(const ConvGeometry& g, const Sizes& z, const Planes& p, const float* x, const int64_t* xs, F&& f) {
  const RowBands rb(g);
  TaskQueue q;
  q.count = rb.count;
  auto body = [&](int, int, int64_t, int64_t) {
    float* P = static_cast<float*>(scratch(kSlotCol, taps_planes_floats(z, p) * sizeof(float)));
    const int64_t* toff = flat_taps(g, p, z.cin_g);
    if (!P || !toff) return;
    for (int64_t t; q.pop(&t);) {
      int64_t n, grp, oh0, oh1;
      if (!rb.task(t, &n, &grp, &oh0, &oh1)) continue;
      fill_planes(g, p, x + n * xs[0] + grp * z.cin_g * xs[1], xs[1], xs[2], xs[3], z.cin_g, P, oh0 * g.stride_h,
                  (oh1 - 1) * g.stride_h + (g.kh - 1) * g.dil_h + 1);
      f(n, grp, oh0, oh1, static_cast<const float*>(P), toff);
    }
  };
  run_tasks(q, body);
}

/** Blocked direct forward (run_bands' tasks). */
void forward_taps(const ConvGeometry& g, const float* x, const int64_t* xs, const float* w, const float* bias, float* out) {
  const Sizes z = sizes_of(g);
  const Planes p = planes_of(g);
  run_bands(g, z, p, x, xs, [&](int64_t n, int64_t grp, int64_t oh0, int64_t oh1, const float* P, const int64_t* toff) {
    // Rows outer, channel blocks inner: a row's input rows (cin_g·kh runs) stay in cache for every block.
    for (int64_t oh = oh0; oh < oh1; ++oh) {
      for (int64_t c0 = 0; c0 < z.cout_g; c0 += kTapsCo) {
        const int64_t co = grp * z.cout_g + c0, cb = min_of(kTapsCo, z.cout_g - c0);
        kTapsRows[cb - 1](g, p, toff, z.kg, w + co * z.kg, bias ? bias + co : nullptr, P, oh, out + (n * g.Cout + co) * z.howo, z.howo);
      }
    }
  });
}

/**
 * gw[c·kg + j] += Σ_{oh, ow} gy(c, oh, ow)·P(oh·stride_h·row + off[j] + ow) for c < CB, j < NK, over the
 * whole vectors of each row (TAIL false) or the partial last one (TAIL true: masked in both operands, so
 * lanes past the row bring no 0·inf); gy the CB channels' planes (howo apart), prow the planes' row for
 * kernel row ki of output row 0, off the kernel columns' taps. Each gy vector serves NK taps and each
 * input vector CB channels. The two kinds of vector are separate sweeps so the accumulators stay in
 * registers across rows (one loop with a masked step at each row's end spills them).
 */
template <int CB, int NK, bool TAIL>
void taps_grad_sweep(const ConvGeometry& g, const Planes& p, const int64_t* off, const float* gy, int64_t howo, const float* prow, float* gw,
                     int64_t kg) {
  constexpr int64_t L = Vec::kLanes;
  Vec acc[CB][NK];
  for (int c = 0; c < CB; ++c)
    for (int j = 0; j < NK; ++j) acc[c][j] = Vec::zero();
  const int64_t full = g.Wo / L * L;
  const int tail = static_cast<int>(g.Wo - full);
  const int64_t rstep = g.stride_h * p.row;
  const float* pr[NK];
  for (int j = 0; j < NK; ++j) pr[j] = prow + off[j];
  for (int64_t oh = 0; oh < g.Ho; ++oh) {
    const float* gyr = gy + oh * g.Wo;
    const int64_t rofs = oh * rstep;
    if (TAIL) {
      Vec gv[CB];
      for (int c = 0; c < CB; ++c) gv[c] = Vec::load_partial(gyr + c * howo + full, tail);
      for (int j = 0; j < NK; ++j) {
        const Vec xv = Vec::load_partial(pr[j] + rofs + full, tail);
        for (int c = 0; c < CB; ++c) acc[c][j] = Vec::fma(gv[c], xv, acc[c][j]);
      }
    } else {
      for (int64_t ow = 0; ow < full; ow += L) {
        Vec gv[CB];
        for (int c = 0; c < CB; ++c) gv[c] = Vec::loadu(gyr + c * howo + ow);
        for (int j = 0; j < NK; ++j) {
          const Vec xv = Vec::loadu(pr[j] + rofs + ow);
          for (int c = 0; c < CB; ++c) acc[c][j] = Vec::fma(gv[c], xv, acc[c][j]);
        }
      }
    }
  }
  for (int c = 0; c < CB; ++c)
    for (int j = 0; j < NK; ++j) gw[c * kg + j] += Vec::reduce_add(acc[c][j]);
}

template <int CB, int NK>
void taps_grad_block(const ConvGeometry& g, const Planes& p, const int64_t* off, const float* gy, int64_t howo, const float* prow, float* gw,
                     int64_t kg) {
  if (g.Wo >= Vec::kLanes) taps_grad_sweep<CB, NK, false>(g, p, off, gy, howo, prow, gw, kg);
  if (g.Wo % Vec::kLanes != 0) taps_grad_sweep<CB, NK, true>(g, p, off, gy, howo, prow, gw, kg);
}

using TapsGradFn = void (*)(const ConvGeometry&, const Planes&, const int64_t*, const float*, int64_t, const float*, float*, int64_t);
template <int CB>
constexpr TapsGradFn kTapsGradRow[kTapsGradKw] = {taps_grad_block<CB, 1>, taps_grad_block<CB, 2>, taps_grad_block<CB, 3>,
                                                 taps_grad_block<CB, 4>, taps_grad_block<CB, 5>, taps_grad_block<CB, 6>};
constexpr const TapsGradFn* kTapsGradBlocks[kTapsGradCo] = {kTapsGradRow<1>, kTapsGradRow<2>};

/** Blocked direct weight gradient; tasks are group × image group (ImageGroups). */
void backward_weight_taps(const ConvGeometry& g, const float* x, const int64_t* xs, const float* gy, float* gw) {
  const Sizes z = sizes_of(g);
  const Planes p = planes_of(g);
  ImageGroups igs(g);
  if (!igs.init(g.Cout * z.kg)) return;
  TaskQueue q;
  q.count = g.groups * igs.count;
  auto body = [&](int, int, int64_t, int64_t) {
    float* P = static_cast<float*>(scratch(kSlotCol, taps_planes_floats(z, p) * sizeof(float)));
    const int64_t* taps = tap_offsets(g, p);
    if (!P || !taps) return;
    for (int64_t t; q.pop(&t);) {
      const int64_t ig = t % igs.count, grp = t / igs.count;
      float* dst = igs.dst(ig, gw) + grp * z.cout_g * z.kg;
      zero_fill(dst, z.cout_g * z.kg);
      for (int64_t n = igs.first(ig); n < igs.end(g, ig); ++n) {
        fill_planes(g, p, x + n * xs[0] + grp * z.cin_g * xs[1], xs[1], xs[2], xs[3], z.cin_g, P);
        for (int64_t c0 = 0; c0 < z.cout_g; c0 += kTapsGradCo) {
          const int64_t cb = min_of(kTapsGradCo, z.cout_g - c0);
          const float* gyc = gy + (n * g.Cout + grp * z.cout_g + c0) * z.howo;
          for (int64_t ci = 0; ci < z.cin_g; ++ci) {
            for (int64_t ki = 0; ki < g.kh; ++ki) {
              const float* prow = P + ci * p.plane + ki * g.dil_h * p.row;
              for (int64_t kb = 0; kb < g.kw; kb += kTapsGradKw) {
                const int64_t nk = min_of(kTapsGradKw, g.kw - kb);
                kTapsGradBlocks[cb - 1][nk - 1](g, p, taps + kb, gyc, z.howo, prow, dst + c0 * z.kg + (ci * g.kh + ki) * g.kw + kb, z.kg);
              }
            }
          }
        }
      }
    }
  };
  run_tasks(q, body);
  igs.add_into(gw);
}

// ---- channel-vector direct path (narrow output rows: vectors run over output channels) ---------------

/** Output positions of a row per register block of the channel-vector forward (× 2 vectors of output channels). */
constexpr int64_t kChanPos = 6;

/**
 * NP output positions (consecutive in a row, from src: the first position's column in padded row row0 of
 * the first plane) × 2 vectors of output channels: bias + Σ_t wt[t, c]·src[toff[t] + q]. Each input value is
 * broadcast once for both channel vectors and each weight vector loaded once for NP positions (as the GEMM's
 * 6×16 with the roles of rows and columns swapped). The sums go to tmp[q·2L + c].
 */
template <int NP>
void chan_block(const int64_t* toff, int64_t kg, const float* wt, int64_t cp, Vec b0, Vec b1, const float* src, float* tmp) {
  constexpr int64_t L = Vec::kLanes;
  Vec acc0[NP], acc1[NP];
  for (int q = 0; q < NP; ++q) {
    acc0[q] = b0;
    acc1[q] = b1;
  }
  for (int64_t t = 0; t < kg; ++t) {
    const float* s = src + toff[t];
    const Vec w0 = Vec::loadu(wt + t * cp), w1 = Vec::loadu(wt + t * cp + L);
    for (int q = 0; q < NP; ++q) {
      const Vec x = Vec::set1(s[q]);
      acc0[q] = Vec::fma(w0, x, acc0[q]);
      acc1[q] = Vec::fma(w1, x, acc1[q]);
    }
  }
  for (int q = 0; q < NP; ++q) {
    Vec::storeu(tmp + q * 2 * L, acc0[q]);
    Vec::storeu(tmp + q * 2 * L + L, acc1[q]);
  }
}

using ChanFn = void (*)(const int64_t*, int64_t, const float*, int64_t, Vec, Vec, const float*, float*);
constexpr ChanFn kChanBlocks[kChanPos] = {chan_block<1>, chan_block<2>, chan_block<3>, chan_block<4>, chan_block<5>, chan_block<6>};

/**
 * Channel-vector forward for rows too narrow for the blocked direct path: the group's weights transposed
 * ([kg, cp], channels padded with zeros to cp, a multiple of 2 vectors) once by the calling thread, then
 * run_bands' tasks.
 */
void forward_chans(const ConvGeometry& g, const float* x, const int64_t* xs, const float* w, const float* bias, float* out) {
  constexpr int64_t L = Vec::kLanes;
  const Sizes z = sizes_of(g);
  const Planes p = planes_of(g);
  const int64_t cp = ceil_div(z.cout_g, 2 * L) * 2 * L;
  // wt[grp][t][c] and the bias bt[grp][c], channels past cout_g zero.
  float* wt = static_cast<float*>(scratch(kSlotFlipped, static_cast<size_t>(g.groups * cp * (z.kg + 1)) * sizeof(float)));
  if (!wt) return;
  for (int64_t grp = 0; grp < g.groups; ++grp) {
    float* wg = wt + grp * cp * (z.kg + 1);
    for (int64_t t = 0; t <= z.kg; ++t) {
      for (int64_t c = 0; c < cp; ++c) {
        const int64_t co = grp * z.cout_g + c;
        float v = 0.0f;
        if (c < z.cout_g) v = t < z.kg ? w[co * z.kg + t] : (bias ? bias[co] : 0.0f);
        wg[t * cp + c] = v;
      }
    }
  }
  run_bands(g, z, p, x, xs, [&](int64_t n, int64_t grp, int64_t oh0, int64_t oh1, const float* P, const int64_t* toff) {
    alignas(64) float tmp[kChanPos * 2 * Vec::kLanes];
    const float* wg = wt + grp * cp * (z.kg + 1);
    for (int64_t c0 = 0; c0 < z.cout_g; c0 += 2 * L) {
      const int64_t nc = min_of(2 * L, z.cout_g - c0);
      const Vec b0 = Vec::loadu(wg + z.kg * cp + c0), b1 = Vec::loadu(wg + z.kg * cp + c0 + L);
      float* o = out + (n * g.Cout + grp * z.cout_g + c0) * z.howo;
      for (int64_t oh = oh0; oh < oh1; ++oh) {
        const float* prow = P + oh * g.stride_h * p.row;
        for (int64_t ow = 0; ow < g.Wo; ow += kChanPos) {
          const int64_t np = min_of(kChanPos, g.Wo - ow);
          kChanBlocks[np - 1](toff, z.kg, wg + c0, cp, b0, b1, prow + ow, tmp);
          float* d = o + oh * g.Wo + ow;
          for (int64_t c = 0; c < nc; ++c)
            for (int64_t qq = 0; qq < np; ++qq) d[c * z.howo + qq] = tmp[qq * 2 * L + c];
        }
      }
    }
  });
}

/**
 * acc[c, j] (2 vectors of channels × NT taps, from part[j·cp], the partial sums of taps t..t+NT) +=
 * Σ_{oh, ow} gyt[(oh·Wo + ow)·cp + c]·P(oh·stride_h·row + toff[j] + ow): each gy vector pair serves NT taps and
 * each broadcast input value both vectors.
 */
template <int NT>
void chan_grad_block(const ConvGeometry& g, const Planes& p, const int64_t* toff, const float* gyt, int64_t cp, const float* P, float* part) {
  constexpr int64_t L = Vec::kLanes;
  Vec acc0[NT], acc1[NT];
  for (int j = 0; j < NT; ++j) {
    acc0[j] = Vec::loadu(part + j * cp);
    acc1[j] = Vec::loadu(part + j * cp + L);
  }
  const float* pt[NT];
  for (int j = 0; j < NT; ++j) pt[j] = P + toff[j];
  const int64_t rstep = g.stride_h * p.row;
  for (int64_t oh = 0; oh < g.Ho; ++oh) {
    const float* gr = gyt + oh * g.Wo * cp;
    const int64_t ro = oh * rstep;
    for (int64_t ow = 0; ow < g.Wo; ++ow) {
      const Vec g0 = Vec::loadu(gr + ow * cp), g1 = Vec::loadu(gr + ow * cp + L);
      for (int j = 0; j < NT; ++j) {
        const Vec x = Vec::set1(pt[j][ro + ow]);
        acc0[j] = Vec::fma(g0, x, acc0[j]);
        acc1[j] = Vec::fma(g1, x, acc1[j]);
      }
    }
  }
  for (int j = 0; j < NT; ++j) {
    Vec::storeu(part + j * cp, acc0[j]);
    Vec::storeu(part + j * cp + L, acc1[j]);
  }
}

using ChanGradFn = void (*)(const ConvGeometry&, const Planes&, const int64_t*, const float*, int64_t, const float*, float*);
constexpr ChanGradFn kChanGradBlocks[kChanPos] = {chan_grad_block<1>, chan_grad_block<2>, chan_grad_block<3>,
                                                  chan_grad_block<4>, chan_grad_block<5>, chan_grad_block<6>};

/**
 * Channel-vector weight gradient for narrow rows; tasks are group × image group (ImageGroups' split), each
 * summing its images into its own partial, transposed [kg, cp] (gy of each image transposed to [Ho·Wo, cp]
 * first); the partials are added into gw in image-group order.
 */
void backward_weight_chans(const ConvGeometry& g, const float* x, const int64_t* xs, const float* gy, float* gw) {
  constexpr int64_t L = Vec::kLanes;
  const Sizes z = sizes_of(g);
  const Planes p = planes_of(g);
  const int64_t cp = ceil_div(z.cout_g, 2 * L) * 2 * L;
  const ImageGroups igs(g);
  const int64_t nig = igs.count;
  const int64_t psize = z.kg * cp;  // one group's partial
  float* part = static_cast<float*>(scratch(kSlotFlipped, static_cast<size_t>(nig * g.groups * psize) * sizeof(float)));
  if (!part) return;
  TaskQueue q;
  q.count = g.groups * nig;
  auto body = [&](int, int, int64_t, int64_t) {
    float* P = static_cast<float*>(scratch(kSlotCol, taps_planes_floats(z, p) * sizeof(float)));
    const int64_t* toff = flat_taps(g, p, z.cin_g);
    float* gyt = static_cast<float*>(scratch(kSlotRows, static_cast<size_t>(z.howo * cp) * sizeof(float)));
    if (!P || !toff || !gyt) return;
    for (int64_t t; q.pop(&t);) {
      const int64_t ig = t % nig, grp = t / nig;
      float* pp = part + (grp * nig + ig) * psize;
      zero_fill(pp, psize);
      for (int64_t n = igs.first(ig); n < igs.end(g, ig); ++n) {
        fill_planes(g, p, x + n * xs[0] + grp * z.cin_g * xs[1], xs[1], xs[2], xs[3], z.cin_g, P);
        const float* gyn = gy + (n * g.Cout + grp * z.cout_g) * z.howo;
        for (int64_t pos = 0; pos < z.howo; ++pos) {
          float* d = gyt + pos * cp;
          for (int64_t c = 0; c < z.cout_g; ++c) d[c] = gyn[c * z.howo + pos];
          for (int64_t c = z.cout_g; c < cp; ++c) d[c] = 0.0f;
        }
        for (int64_t c0 = 0; c0 < cp; c0 += 2 * L) {
          for (int64_t t0 = 0; t0 < z.kg; t0 += kChanPos) {
            const int64_t nt = min_of(kChanPos, z.kg - t0);
            kChanGradBlocks[nt - 1](g, p, toff + t0, gyt + c0, cp, P, pp + t0 * cp + c0);
          }
        }
      }
    }
  };
  run_tasks(q, body);
  for (int64_t grp = 0; grp < g.groups; ++grp) {
    for (int64_t c = 0; c < z.cout_g; ++c) {
      float* gwc = gw + (grp * z.cout_g + c) * z.kg;
      for (int64_t t = 0; t < z.kg; ++t) {
        float acc = 0.0f;
        for (int64_t ig = 0; ig < nig; ++ig) acc += part[(grp * nig + ig) * psize + t * cp + c];
        gwc[t] = acc;
      }
    }
  }
}

/**
 * Whether output rows fill the blocked direct path's vectors (at least one, at least 3/4 of the lanes
 * used): then its forward beats im2col + GEMM from LeNet's C1 to 512-channel 3x3 layers (Zen 3, 1 thread,
 * medians: LeNet's C1 1.5x, 8→8 3x3 on 32x32 2.4x, C3 64→64 3x3 on 32x32 74 vs 66 GFLOPS, the 7x7/2 stem
 * 83 vs 68, 512→512 3x3 on 16x16 1.5x); rows of 8 and 10 at 8 lanes (W2's C2, LeNet's C3) tie.
 */
inline bool rows_fill_vectors(const ConvGeometry& g) {
  constexpr int64_t L = Vec::kLanes;
  return g.Wo >= L && 4 * g.Wo >= 3 * ceil_div(g.Wo, L) * L;
}
bool taps_rows(const ConvGeometry& g) { return rows_fill_vectors(g) && planes_fit(g); }

/**
 * The blocked direct weight gradient wins while the output channels are few (a GEMM with M = Cout/groups
 * is then mostly edge): LeNet's C1 (6) 1.4x, 8 → 8 3x3 1.8x; 16 channels tie, 64 lose 1.6x.
 */
constexpr int64_t kTapsGradMaxCo = 8;

/**
 * Whether the input gradient takes the blocked direct path as the flipped forward (stride 1): when that
 * forward's rows fill the vectors, it has channels for a register block, and its padding adds little work
 * (its sums run over H·W outputs against the true Ho·Wo: a 'valid' 5x5 on 14x14 would do twice the FMAs).
 * 8→8 3x3 'same' on 32x32 2.7x faster than im2col + GEMM + col2im, C3 1.03x; LeNet's C3 ('valid') and
 * layers of 1-3 input channels lose.
 */
bool flipped_taps(const ConvGeometry& g, ConvGeometry* f) {
  return g.Cin / g.groups >= 4 && 4 * g.H * g.W <= 5 * g.Ho * g.Wo && flipped_geometry(g, f) && taps_rows(*f);
}

/**
 * Whether the channel-vector path takes a layer: rows too narrow for the blocked direct path, up to 128
 * output channels per group, and a channel group's transposed weights (kg × 2 vectors) within 64 KB, so
 * they stay in L2 while every position block reads them. Zen 3, 1 thread, medians against im2col + GEMM
 * (forward / weight gradient): LeNet's C3 (6→16 5x5, rows of 10) 1.5x / 1.6x, 64→64 3x3 on 7x7 1.9x / 1.5x,
 * 32→32 3x3 on 10x10 1.35x / 1.4x; 512→512 3x3 on 7x7 (4.6K taps) loses 2x and stays on the GEMM path.
 */
bool chan_rows(const ConvGeometry& g) {
  const Sizes z = sizes_of(g);
  return z.cout_g <= 128 && z.kg * 2 * Vec::kLanes <= 16384 && !rows_fill_vectors(g) && planes_fit(g);
}

bool use_direct(const ConvGeometry& g) {
  return (g.Cin / g.groups) * (g.Cout / g.groups) <= kDirectMaxChannelProduct && planes_fit(g);
}

}  // namespace

void conv2d(const ConvGeometry& g, const float* x, const int64_t* x_strides, const float* w, const float* bias, float* out) {
  if (g.N == 0 || g.Cout == 0 || g.Ho == 0 || g.Wo == 0) return;
  if (g.Cin == 0) {
    // The empty sum: every output is its bias.
    const int64_t howo = g.Ho * g.Wo;
    for (int64_t p = 0; p < g.N * g.Cout; ++p) {
      const float bv = bias ? bias[p % g.Cout] : 0.0f;
      for (int64_t j = 0; j < howo; ++j) out[p * howo + j] = bv;
    }
    return;
  }
  if (use_direct(g)) {
    forward_direct(g, x, x_strides, w, bias, out);
    return;
  }
  if (taps_rows(g)) {
    forward_taps(g, x, x_strides, w, bias, out);
    return;
  }
  if (chan_rows(g)) {
    forward_chans(g, x, x_strides, w, bias, out);
    return;
  }
  const Sizes z = sizes_of(g);
  const int64_t nbi = images_per_block(z.kg, z.howo, kFwdBlockBytes, ceil_div(g.N, 8));
  if (nbi > 1) {
    forward_gemm_batched(g, x, x_strides, w, bias, out, nbi);
  } else {
    forward_gemm(g, x, x_strides, w, bias, out);
  }
}

void conv2d_backward_input(const ConvGeometry& g, const float* gy, const float* w, float* gx) {
  if (g.N == 0 || g.Cin == 0 || g.H == 0 || g.W == 0) return;
  if (g.Cout == 0 || g.Ho == 0 || g.Wo == 0) {
    zero_fill(gx, g.N * g.Cin * g.H * g.W);
    return;
  }
  if (use_direct(g)) {
    backward_input_direct(g, gy, w, gx);
    return;
  }
  ConvGeometry f;
  if (flipped_taps(g, &f)) {
    // Stride 1: the forward of gy padded by the kernel's reach, with flipped weights, through the blocked direct path.
    const float* wf = flipped_weights(g, w);
    if (!wf) return;
    const int64_t ys[4] = {g.Cout * g.Ho * g.Wo, g.Ho * g.Wo, g.Wo, 1};
    forward_taps(f, gy, ys, wf, nullptr, gx);
    return;
  }
  const Sizes z = sizes_of(g);
  const int64_t nbi = images_per_block(z.kg, z.howo, kBwdInputBlockBytes, ceil_div(g.N, 8));
  if (nbi > 1) {
    backward_input_gemm_batched(g, gy, w, gx, nbi);
  } else {
    backward_input_gemm(g, gy, w, gx);
  }
}

void conv2d_backward_weight(const ConvGeometry& g, const float* x, const int64_t* x_strides, const float* gy, float* gw) {
  const int64_t n = g.Cout * (g.Cin / g.groups) * g.kh * g.kw;
  if (n == 0) return;
  if (g.N == 0 || g.Ho == 0 || g.Wo == 0) {
    zero_fill(gw, n);
    return;
  }
  if (use_direct(g)) {
    backward_weight_direct(g, x, x_strides, gy, gw);
  } else if (g.Cout / g.groups <= kTapsGradMaxCo && taps_rows(g)) {
    backward_weight_taps(g, x, x_strides, gy, gw);
  } else if (chan_rows(g)) {
    backward_weight_chans(g, x, x_strides, gy, gw);
  } else {
    backward_weight_gemm(g, x, x_strides, gy, gw);
  }
}

NG_END_ISA
