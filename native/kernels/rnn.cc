// Recurrent-layer kernels (spec.ts rnnForward / rnnBackward): one direction of one RNN/LSTM/GRU layer over
// a whole time-major sequence, float32, with the workspace layout of spec.ts rnnWorkspaceSize.
// Forward: the input projection of all T·B rows is ONE sgemm into the workspace's gate rows; then per
// step one sgemm adds h·W_hhᵀ for all gates of the batch (GRU: into a scratch block, since its n gate
// needs the hidden part alone) and one fused pointwise pass adds the biases, applies σ/tanh/relu
// (simd/vec_math.h), updates the state and writes y. Backward (BPTT): per step one fused pointwise pass
// gives the gate gradients of every row (kept for all steps) and one sgemm dh = dG·W_hh; at the end the
// weight gradients dW_ih = dGᵀ·x and dW_hh = dGᵀ·H_prev and the input gradient dx = dG·W_ih are single
// sgemms over all T·B rows, and the bias gradients column sums of dG. The sgemms split across the pool
// themselves; the pointwise passes split the batch rows. Inactive rows (t >= lengths[b]) carry the
// state (forward) and its gradient (backward) unchanged. No std:: code (common.h rules).
#include "../simd/vec.h"
#include "../simd/vec_math.h"
#include "common.h"

NG_BEGIN_ISA

void sgemm(int64_t batch, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t stride_a,
           int64_t lda, const float* B, int64_t stride_b, int64_t ldb, float beta, float* C, int64_t stride_c, int64_t ldc);
int64_t sgemm_packed_b_size(int64_t K, int64_t N);
void sgemm_pack_b(bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb, float* dst);
void sgemm_packed_b(int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda, const float* Bp, float beta, float* C,
                    int64_t ldc);

namespace {

constexpr int kL = Vec::kLanes;
// Scratch slots (calling thread). sgemm uses slots 0-3.
constexpr int kSlotBias = 4;    // summed biases
constexpr int kSlotHidden = 5;  // GRU: the hidden part of the gates of one step
constexpr int kSlotPacked = 6;  // W_hh packed once for the per-step products

/** Rows per pointwise task: about 4k elements of work, so a fork/join is worth it. */
inline int64_t row_grain(int64_t width) { return max_of<int64_t>(1, 4096 / max_of<int64_t>(width, 1)); }

inline bool active(const int32_t* lengths, int64_t b, int64_t t) { return lengths == nullptr || t < lengths[b]; }

/** Runs f(j, n) over [0, H) in vector steps: n = kL for full vectors, fewer for the tail. */
template <typename F>
NG_VINLINE void lanes(int64_t H, F&& f) {
  int64_t j = 0;
  for (; j + kL <= H; j += kL) f(j, kL);
  if (j < H) f(j, static_cast<int>(H - j));
}
NG_VINLINE Vec ld(const float* p, int n) { return n == kL ? Vec::loadu(p) : Vec::load_partial(p, n); }
NG_VINLINE void st(float* p, Vec v, int n) {
  if (n == kL) Vec::storeu(p, v);
  else Vec::store_partial(p, v, n);
}
NG_VINLINE Vec relu(Vec v) { return Vec::select(Vec::lt(v, Vec::zero()), Vec::zero(), v); }  // NaN stays NaN

struct Layout {
  int64_t gw;  // width of one workspace gate row in units of H (G, or 4 for gru)
  float* gates;
  float* hs;
  float* cs;
};

Layout ws_layout(int mode, const RnnGeometry& g, float* ws) {
  Layout L;
  const int64_t G = rnn_gates(mode);
  L.gw = mode == RNN_GRU ? 4 : G;
  L.gates = ws;
  L.hs = ws + g.T * g.B * L.gw * g.H;
  L.cs = mode == RNN_LSTM ? L.hs + (g.T + 1) * g.B * g.H : nullptr;
  return L;
}

struct FwdStep {
  int mode;
  const RnnGeometry* g;
  const Layout* L;
  const int32_t* lengths;
  const float* bias;    // [G·H]: b_ih + b_hh (gru: b_ih + b_hh for r, z; b_ih for n)
  const float* bhh_n;   // gru: b_hh of the n block (or null)
  const float* hidden;  // gru: [B, 3H] hidden part of this step
  float* y;
  int64_t t, p, q;
};

void fwd_rows(const FwdStep& s, int64_t b0, int64_t b1) {
  const RnnGeometry& g = *s.g;
  const int64_t H = g.H, B = g.B;
  const Layout& L = *s.L;
  for (int64_t b = b0; b < b1; ++b) {
    const float* hp = L.hs + (s.p * B + b) * H;
    float* hq = L.hs + (s.q * B + b) * H;
    float* yr = s.y + s.t * g.y_stride_t + b * g.y_stride_b;
    const float* cp = L.cs ? L.cs + (s.p * B + b) * H : nullptr;
    float* cq = L.cs ? L.cs + (s.q * B + b) * H : nullptr;
    if (!active(s.lengths, b, s.t)) {
      memcpy(hq, hp, static_cast<size_t>(H) * sizeof(float));
      if (cq) memcpy(cq, cp, static_cast<size_t>(H) * sizeof(float));
      memset(yr, 0, static_cast<size_t>(H) * sizeof(float));
      continue;
    }
    float* gr = L.gates + (s.t * B + b) * L.gw * H;
    const float* bias = s.bias;
    switch (s.mode) {
      case RNN_LSTM:
        lanes(H, [&](int64_t j, int n) {
          const Vec i = vsigmoid(ld(gr + j, n) + ld(bias + j, n));
          const Vec f = vsigmoid(ld(gr + H + j, n) + ld(bias + H + j, n));
          const Vec gg = vtanh(ld(gr + 2 * H + j, n) + ld(bias + 2 * H + j, n));
          const Vec o = vsigmoid(ld(gr + 3 * H + j, n) + ld(bias + 3 * H + j, n));
          const Vec c = Vec::fma(f, ld(cp + j, n), i * gg);
          const Vec h = o * vtanh(c);
          st(gr + j, i, n);
          st(gr + H + j, f, n);
          st(gr + 2 * H + j, gg, n);
          st(gr + 3 * H + j, o, n);
          st(cq + j, c, n);
          st(hq + j, h, n);
          st(yr + j, h, n);
        });
        break;
      case RNN_GRU: {
        const float* hd = s.hidden + b * 3 * H;
        lanes(H, [&](int64_t j, int n) {
          const Vec r = vsigmoid(ld(gr + j, n) + ld(hd + j, n) + ld(bias + j, n));
          const Vec z = vsigmoid(ld(gr + H + j, n) + ld(hd + H + j, n) + ld(bias + H + j, n));
          const Vec hn = s.bhh_n ? ld(hd + 2 * H + j, n) + ld(s.bhh_n + j, n) : ld(hd + 2 * H + j, n);
          const Vec nn = vtanh(Vec::fma(r, hn, ld(gr + 2 * H + j, n) + ld(bias + 2 * H + j, n)));
          const Vec h = Vec::fma(z, ld(hp + j, n) - nn, nn);  // (1 − z)·n + z·h_prev
          st(gr + j, r, n);
          st(gr + H + j, z, n);
          st(gr + 2 * H + j, nn, n);
          st(gr + 3 * H + j, hn, n);
          st(hq + j, h, n);
          st(yr + j, h, n);
        });
        break;
      }
      default: {
        const bool is_tanh = s.mode == RNN_TANH;
        lanes(H, [&](int64_t j, int n) {
          const Vec pre = ld(gr + j, n) + ld(bias + j, n);
          const Vec h = is_tanh ? vtanh(pre) : relu(pre);
          st(gr + j, h, n);
          st(hq + j, h, n);
          st(yr + j, h, n);
        });
      }
    }
  }
}

}  // namespace

void rnn_forward(int mode, const RnnGeometry& g, const float* x, const float* w_ih, const float* w_hh, const float* b_ih, const float* b_hh,
                 const float* h0, const float* c0, const int32_t* lengths, float* y, float* h_n, float* c_n, float* ws) {
  const int64_t T = g.T, B = g.B, I = g.I, H = g.H;
  const int64_t G = rnn_gates(mode), GH = G * H;
  const Layout L = ws_layout(mode, g, ws);
  const bool gru = mode == RNN_GRU;
  const int64_t first = g.reverse ? T : 0, last = g.reverse ? 0 : T;
  const size_t state_bytes = static_cast<size_t>(B * H) * sizeof(float);
  if (B > 0 && H > 0) {
    memcpy(L.hs + first * B * H, h0, state_bytes);
    if (L.cs) memcpy(L.cs + first * B * H, c0, state_bytes);
  }
  if (T > 0 && B > 0 && H > 0) {
    float* bias = static_cast<float*>(scratch(kSlotBias, static_cast<size_t>(GH) * sizeof(float)));
    float* hidden = gru ? static_cast<float*>(scratch(kSlotHidden, static_cast<size_t>(B * GH) * sizeof(float))) : nullptr;
    float* packed = static_cast<float*>(scratch(kSlotPacked, static_cast<size_t>(sgemm_packed_b_size(H, GH)) * sizeof(float)));
    if (!bias || !packed || (gru && !hidden)) return;  // out of memory: nothing sensible to do in a kernel
    sgemm_pack_b(true, H, GH, w_hh, H, packed);  // W_hhᵀ: K = H, N = G·H
    for (int64_t k = 0; k < GH; ++k) {
      const bool hh_inside = gru && k >= 2 * H;  // gru's b_hh_n goes inside r ⊙ (...)
      bias[k] = (b_ih ? b_ih[k] : 0.0f) + (b_hh && !hh_inside ? b_hh[k] : 0.0f);
    }
    // The input part of every row's gates: [T·B, G·H] = x·W_ihᵀ, rows gw·H apart.
    sgemm(1, false, true, T * B, GH, I, 1.0f, x, 0, I, w_ih, 0, I, 0.0f, L.gates, 0, L.gw * H);
    FwdStep s = {mode, &g, &L, lengths, bias, gru && b_hh ? b_hh + 2 * H : nullptr, hidden, y, 0, 0, 0};
    for (int64_t step = 0; step < T; ++step) {
      s.t = g.reverse ? T - 1 - step : step;
      s.p = g.reverse ? s.t + 1 : s.t;
      s.q = g.reverse ? s.t : s.t + 1;
      const float* hprev = L.hs + s.p * B * H;
      if (gru) {
        sgemm_packed_b(B, GH, H, 1.0f, hprev, H, packed, 0.0f, hidden, GH);
      } else {
        sgemm_packed_b(B, GH, H, 1.0f, hprev, H, packed, 1.0f, L.gates + s.t * B * L.gw * H, L.gw * H);
      }
      auto rows = [&](int, int, int64_t lo, int64_t hi) { fwd_rows(s, lo, hi); };
      parallel(B, row_grain(G * H), rows);
    }
  }
  if (B > 0 && H > 0) {
    memcpy(h_n, L.hs + last * B * H, state_bytes);
    if (L.cs) memcpy(c_n, L.cs + last * B * H, state_bytes);
  }
}

namespace {

struct BwdStep {
  int mode;
  const RnnGeometry* g;
  const Layout* L;
  const int32_t* lengths;
  const float* gy;
  float* dgx;        // [T·B, G·H] gradients of the input parts of the pre-activations
  float* dgh;        // gru: of the hidden parts (else == dgx)
  const float* dh;   // [B, H] gradient of the state after this step (from later steps)
  float* dh_next;    // [B, H] receives the direct part of the gradient of the previous state
  float* dc;         // lstm: [B, H], updated in place
  int64_t t, p, q;
};

void bwd_rows(const BwdStep& s, int64_t b0, int64_t b1) {
  const RnnGeometry& g = *s.g;
  const int64_t H = g.H, B = g.B, GH = rnn_gates(s.mode) * H;
  const Layout& L = *s.L;
  const Vec one = Vec::set1(1.0f);
  for (int64_t b = b0; b < b1; ++b) {
    const int64_t row = s.t * B + b;
    float* dx = s.dgx + row * GH;
    float* dhh = s.dgh + row * GH;
    const float* dh = s.dh + b * H;
    float* dn = s.dh_next + b * H;
    if (!active(s.lengths, b, s.t)) {
      // NOTE: the state is carried unchanged, so its gradient passes through (and y is a constant 0 here).
      memset(dx, 0, static_cast<size_t>(GH) * sizeof(float));
      if (dhh != dx) memset(dhh, 0, static_cast<size_t>(GH) * sizeof(float));
      memcpy(dn, dh, static_cast<size_t>(H) * sizeof(float));
      continue;
    }
    const float* gr = L.gates + row * L.gw * H;
    const float* gyr = s.gy + s.t * g.y_stride_t + b * g.y_stride_b;
    switch (s.mode) {
      case RNN_LSTM: {
        const float* cq = L.cs + (s.q * B + b) * H;
        const float* cp = L.cs + (s.p * B + b) * H;
        float* dc = s.dc + b * H;
        lanes(H, [&](int64_t j, int n) {
          const Vec d = ld(dh + j, n) + ld(gyr + j, n);
          const Vec i = ld(gr + j, n), f = ld(gr + H + j, n), gg = ld(gr + 2 * H + j, n), o = ld(gr + 3 * H + j, n);
          const Vec tc = vtanh(ld(cq + j, n));
          const Vec dct = Vec::fma(d * o, one - tc * tc, ld(dc + j, n));
          st(dx + j, dct * gg * i * (one - i), n);
          st(dx + H + j, dct * ld(cp + j, n) * f * (one - f), n);
          st(dx + 2 * H + j, dct * i * (one - gg * gg), n);
          st(dx + 3 * H + j, d * tc * o * (one - o), n);
          st(dc + j, dct * f, n);
          st(dn + j, Vec::zero(), n);
        });
        break;
      }
      case RNN_GRU: {
        const float* hp = L.hs + (s.p * B + b) * H;
        lanes(H, [&](int64_t j, int n) {
          const Vec d = ld(dh + j, n) + ld(gyr + j, n);
          const Vec r = ld(gr + j, n), z = ld(gr + H + j, n), nn = ld(gr + 2 * H + j, n), hn = ld(gr + 3 * H + j, n);
          const Vec dpn = d * (one - z) * (one - nn * nn);
          const Vec dpr = dpn * hn * r * (one - r);
          const Vec dpz = d * (ld(hp + j, n) - nn) * z * (one - z);
          st(dx + j, dpr, n);
          st(dx + H + j, dpz, n);
          st(dx + 2 * H + j, dpn, n);
          st(dhh + j, dpr, n);
          st(dhh + H + j, dpz, n);
          st(dhh + 2 * H + j, dpn * r, n);
          st(dn + j, d * z, n);
        });
        break;
      }
      default: {
        const bool is_tanh = s.mode == RNN_TANH;
        lanes(H, [&](int64_t j, int n) {
          const Vec d = ld(dh + j, n) + ld(gyr + j, n);
          const Vec h = ld(gr + j, n);
          // NOTE: relu'(0) = 0 (PyTorch's threshold_backward: result <= 0 gives 0).
          st(dx + j, is_tanh ? d * (one - h * h) : Vec::select(Vec::le(h, Vec::zero()), Vec::zero(), d), n);
          st(dn + j, Vec::zero(), n);
        });
      }
    }
  }
}

/** out[k] = Σ_r m[r·ld + k] over R rows (k < n), summed in row order. */
void column_sums(const float* m, int64_t R, int64_t n, int64_t stride, float* out) {
  for (int64_t k = 0; k < n; ++k) out[k] = 0.0f;
  for (int64_t r = 0; r < R; ++r) {
    const float* row = m + r * stride;
    lanes(n, [&](int64_t k, int w) { st(out + k, ld(out + k, w) + ld(row + k, w), w); });
  }
}

}  // namespace

void rnn_backward(int mode, const RnnGeometry& g, const float* x, const float* w_ih, const float* w_hh, const int32_t* lengths, const float* ws,
                  const float* gy, const float* gh_n, const float* gc_n, float* gx, float* gh0, float* gc0, float* gw_ih, float* gw_hh,
                  float* gb_ih, float* gb_hh, float* work) {
  const int64_t T = g.T, B = g.B, I = g.I, H = g.H;
  const int64_t G = rnn_gates(mode), GH = G * H;
  const bool gru = mode == RNN_GRU, lstm = mode == RNN_LSTM;
  const Layout L = ws_layout(mode, g, const_cast<float*>(ws));
  float* dgx = work;
  float* dgh = gru ? dgx + T * B * GH : dgx;
  float* dh0 = work + T * B * GH * (gru ? 2 : 1);
  float* dh1 = dh0 + B * H;
  float* dc = dh1 + B * H;
  const size_t state_bytes = static_cast<size_t>(B * H) * sizeof(float);
  if (B > 0 && H > 0) {
    if (gh_n) memcpy(dh0, gh_n, state_bytes);
    else memset(dh0, 0, state_bytes);
    if (lstm) {
      if (gc_n) memcpy(dc, gc_n, state_bytes);
      else memset(dc, 0, state_bytes);
    }
  }
  float* packed = nullptr;
  if (T > 0 && B > 0 && H > 0) {
    packed = static_cast<float*>(scratch(kSlotPacked, static_cast<size_t>(sgemm_packed_b_size(GH, H)) * sizeof(float)));
    if (!packed) return;  // out of memory: nothing sensible to do in a kernel
    sgemm_pack_b(false, GH, H, w_hh, H, packed);  // W_hh: K = G·H, N = H
  }
  BwdStep s = {mode, &g, &L, lengths, gy, dgx, dgh, dh0, dh1, dc, 0, 0, 0};
  for (int64_t step = T - 1; step >= 0 && B > 0 && H > 0; --step) {
    s.t = g.reverse ? T - 1 - step : step;
    s.p = g.reverse ? s.t + 1 : s.t;
    s.q = g.reverse ? s.t : s.t + 1;
    auto rows = [&](int, int, int64_t lo, int64_t hi) { bwd_rows(s, lo, hi); };
    parallel(B, row_grain(G * H), rows);
    // dh_prev = direct part (+ the carried gradient of inactive rows, whose dG rows are 0) + dG_h·W_hh.
    sgemm_packed_b(B, H, GH, 1.0f, dgh + s.t * B * GH, GH, packed, 1.0f, s.dh_next, H);
    float* tmp = const_cast<float*>(s.dh);
    s.dh = s.dh_next;
    s.dh_next = tmp;
  }
  if (B > 0 && H > 0) {
    if (gh0) memcpy(gh0, s.dh, state_bytes);
    if (gc0) {
      if (lstm) memcpy(gc0, dc, state_bytes);
      else memset(gc0, 0, state_bytes);
    }
  } else {
    (void)gh0;
  }
  const int64_t R = T * B;
  if (gx) sgemm(1, false, false, R, I, GH, 1.0f, dgx, 0, GH, w_ih, 0, I, 0.0f, gx, 0, I);
  if (gw_ih) sgemm(1, true, false, GH, I, R, 1.0f, dgx, 0, GH, x, 0, I, 0.0f, gw_ih, 0, I);
  // The previous state of row t·B + b is hs slot t (forward) or t + 1 (reverse): T·B consecutive rows.
  if (gw_hh) sgemm(1, true, false, GH, H, R, 1.0f, dgh, 0, GH, L.hs + (g.reverse ? B * H : 0), 0, H, 0.0f, gw_hh, 0, H);
  if (gb_ih) column_sums(dgx, R, GH, GH, gb_ih);
  if (gb_hh) column_sums(dgh, R, GH, GH, gb_hh);
}

NG_END_ISA
