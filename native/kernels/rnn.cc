// Recurrent-layer kernels (spec.ts rnnForward / rnnBackward): one direction of one RNN/LSTM/GRU layer over
// a whole time-major sequence, float32, with the workspace layout of spec.ts rnnWorkspaceSize.
// Forward: the input projection of all T·B rows is ONE sgemm into the workspace's gate rows. The step loop
// then runs as one parallel region for the whole sequence, per step one sgemm h·W_hhᵀ on a pre-packed W_hh
// and one fused pointwise pass (biases, σ/tanh/relu from simd/vec_math.h, state update, y), split one of
// two ways (team_plan):
// - by batch rows, when each thread gets at least kMinRowsPerThread: rows never meet inside the step loop,
//   so each thread runs its rows through the whole sequence against one shared packed W_hh, no barrier;
// - by hidden units (small batches): each thread owns a slice of the units and computes the gate columns of
//   its units (its own pre-packed slice of W_hh, into a per-thread block); one barrier per step publishes
//   the new state.
// Backward (BPTT), the same way: per step the fused pointwise pass gives the gate gradients (kept for all
// steps), then dh = dG·W_hh: for the rows' own, or, split by units, partial products over the thread's
// units, a barrier, and each thread's sum of the partials over its units. At the end the weight gradients
// dW_ih = dGᵀ·x and dW_hh = dGᵀ·H_prev and the input gradient dx = dG·W_ih are single sgemms over all T·B
// rows (split across the pool themselves); the bias gradients are per-row sums of dG kept in the step loop,
// added in row order at the end (no result depends on the split). Inactive rows (t >= lengths[b]) carry the
// state (forward) and its gradient (backward) unchanged.
// No std:: code (common.h rules).
#include "../simd/vec.h"
#include "../simd/vec_math.h"
#include "common.h"

NG_BEGIN_ISA

void sgemm(int64_t batch, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t stride_a,
           int64_t lda, const float* B, int64_t stride_b, int64_t ldb, float beta, float* C, int64_t stride_c, int64_t ldc);
int64_t sgemm_packed_b_size(int64_t K, int64_t N);
void sgemm_pack_b(bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb, float* dst);
void sgemm_pack_b_cols(bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb, int64_t j0, int64_t j1, float* dst);
int64_t sgemm_pack_b_align();
void sgemm_packed_b(int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda, const float* Bp, float beta, float* C,
                    int64_t ldc);

namespace {

constexpr int kL = Vec::kLanes;
// Scratch slots (per thread). sgemm uses slots 0-3.
constexpr int kSlotBias = 4;    // calling thread: summed biases
constexpr int kSlotHidden = 5;  // each thread: the recurrent part of its gate columns for one step
constexpr int kSlotPacked = 6;  // each thread: its slice of W_hh, packed once for the per-step products (row
                                // split: the calling thread's, all of W_hh, shared)
constexpr int kSlotBiasSums = 7;  // calling thread (backward): the per-row bias-gradient sums
constexpr int64_t kUnitAlign = 16;  // units per thread slice are a multiple of this (whole vectors, micro-panels)
constexpr double kStepFlopsPerThread = 2.0e6;  // per-step work below which another thread costs more than it saves
// Batch rows per thread for the row split (else the unit split): two whole 6-row panels of the AVX2 micro-kernel.
// LSTM T50 I64 H256 at 2 threads: B 24 rows 22.3-23.9 ms vs units 24.4-24.7; B 16 (8 rows, a 2-row tail
// panel) rows 19-26 vs units 17.5-24 ms.
constexpr int64_t kMinRowsPerThread = 12;

inline bool active(const int32_t* lengths, int64_t b, int64_t t) { return lengths == nullptr || t < lengths[b]; }

/** Runs f(j, n) over [j0, j1) in vector steps: n = kL for full vectors, fewer for the tail. */
template <typename F>
NG_VINLINE void lanes(int64_t j0, int64_t j1, F&& f) {
  int64_t j = j0;
  for (; j + kL <= j1; j += kL) f(j, kL);
  if (j < j1) f(j, static_cast<int>(j1 - j));
}
NG_VINLINE Vec ld(const float* p, int n) { return n == kL ? Vec::loadu(p) : Vec::load_partial(p, n); }
NG_VINLINE void st(float* p, Vec v, int n) {
  if (n == kL) Vec::storeu(p, v);
  else Vec::store_partial(p, v, n);
}
/** p[0:n) += v. */
NG_VINLINE void add_to(float* p, Vec v, int n) { st(p, ld(p, n) + v, n); }
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

/**
 * How the step loop is split: `size` threads (enough per-step work for each), by batch rows when each gets
 * at least kMinRowsPerThread of them (rows never meet until the weight gradients, so the threads need no
 * barrier per step), else by hidden units (one slice each; a barrier per step publishes the new state).
 */
struct TeamPlan {
  int size;
  bool rows;
};
TeamPlan team_plan(const RnnGeometry& g, int64_t G) {
  const double step_flops = 2.0 * static_cast<double>(g.B) * static_cast<double>(G * g.H) * static_cast<double>(g.H);
  int64_t n = min_of<int64_t>(num_threads(), static_cast<int64_t>(step_flops / kStepFlopsPerThread));
  if (n > 1 && g.B >= n * kMinRowsPerThread) return {static_cast<int>(n), true};
  n = min_of<int64_t>(n, (g.H + kUnitAlign - 1) / kUnitAlign);
  return {static_cast<int>(max_of<int64_t>(n, 1)), false};
}

/** The hidden units [*j0, *j1) of part ith of nth (multiples of kUnitAlign; trailing parts may be empty). */
void unit_slice(int64_t H, int ith, int nth, int64_t* j0, int64_t* j1) {
  int64_t per = (H + nth - 1) / nth;
  per = (per + kUnitAlign - 1) / kUnitAlign * kUnitAlign;
  *j0 = min_of<int64_t>(H, ith * per);
  *j1 = min_of<int64_t>(H, *j0 + per);
}

/** Step order: t is the time index of `step`, p and q the state slots it reads and writes. */
struct StepIdx {
  int64_t t, p, q;
};
inline StepIdx step_index(const RnnGeometry& g, int64_t step) {
  const int64_t t = g.reverse ? g.T - 1 - step : step;
  return {t, g.reverse ? t + 1 : t, g.reverse ? t : t + 1};
}

/** What the threads of one forward or backward region share. */
struct Team {
  int mode;
  const RnnGeometry* g;
  const Layout* L;
  const int32_t* lengths;
  const float* w_hh;
  Barrier barrier;
  int failed;  // a thread could not get its scratch: all leave after the first barrier
  float* packed;  // row split: all of W_hh packed (the calling thread's scratch), each thread packing a share
  // forward
  const float* bias;   // [G·H]: b_ih + b_hh (gru: b_ih + b_hh for r, z; b_ih for n)
  const float* bhh_n;  // gru: b_hh of the n block (or null)
  float* y;
  // backward
  const float* gy;
  float* dgx;  // [T·B, G·H] gradients of the input parts of the pre-activations
  float* dgh;  // gru: of the hidden parts (else == dgx)
  float* bsum;  // [B, bw]: each row's sums of its dG rows over the steps, in step order (null: no bias gradients)
  int64_t bw;   // G·H (gru: G·H + H, the input parts' sums, then the hidden n part's)
  float* dh0;  // [B, H] two state-gradient buffers, swapped every step
  float* dh1;
  float* dc;   // lstm: [B, H], updated in place
  float* partials;  // [2][nth][B, H]: each thread's share of dG·W_hh, double-buffered by step parity
};

/**
 * This thread's scratch: `packed` for a K×N slice of W_hh and `block` of `block_floats` floats; then the
 * barrier all threads pass before the loop. Returns false (for every thread) if any failed.
 */
bool team_scratch(Team& c, int nth, int64_t K, int64_t N, int64_t block_floats, float** packed, float** block) {
  *packed = static_cast<float*>(scratch(kSlotPacked, static_cast<size_t>(max_of<int64_t>(1, sgemm_packed_b_size(K, N))) * sizeof(float)));
  *block = static_cast<float*>(scratch(kSlotHidden, static_cast<size_t>(max_of<int64_t>(1, block_floats)) * sizeof(float)));
  if (!*packed || !*block) __atomic_store_n(&c.failed, 1, __ATOMIC_RELAXED);
  barrier_wait(&c.barrier, nth);
  return __atomic_load_n(&c.failed, __ATOMIC_RELAXED) == 0;
}

/**
 * Part ith's hidden units [*j0, *j1), its scratch (team_scratch), and its gate rows of W_hh ([G·hk, H], gate
 * by gate, copied into `block`) packed as the B operand of its per-step product: transposed for the forward
 * (K = H, N = G·hk), as they are for the backward (K = G·hk, N = H). `block` is then the thread's to reuse
 * (max(B, H)·G·hk floats). False (for every thread) if any thread's scratch failed.
 */
bool team_setup(Team& c, int ith, int nth, bool transposed, int64_t* j0, int64_t* j1, float** packed, float** block) {
  const int64_t H = c.g->H, G = rnn_gates(c.mode);
  unit_slice(H, ith, nth, j0, j1);
  const int64_t hk = *j1 - *j0, rows = G * hk;
  const int64_t K = transposed ? H : rows, N = transposed ? rows : H;
  if (!team_scratch(c, nth, K, N, max_of(c.g->B, H) * rows, packed, block)) return false;
  if (hk > 0) {
    for (int64_t gate = 0; gate < G; ++gate) {
      memcpy(*block + gate * hk * H, c.w_hh + (gate * H + *j0) * H, static_cast<size_t>(hk * H) * sizeof(float));
    }
    sgemm_pack_b(transposed, K, N, *block, H, *packed);
  }
  return true;
}

/** Forward pointwise pass of one step for units [j0, j1) of batch rows [b0, b1); hd = this thread's [b1 - b0, G·hk] block. */
void fwd_units(const Team& c, const StepIdx& s, const float* hd, int64_t j0, int64_t j1, int64_t b0, int64_t b1) {
  const RnnGeometry& g = *c.g;
  const int64_t H = g.H, B = g.B, hk = j1 - j0, G = rnn_gates(c.mode);
  const Layout& L = *c.L;
  const size_t bytes = static_cast<size_t>(hk) * sizeof(float);
  const float* bias = c.bias;
  for (int64_t b = b0; b < b1; ++b) {
    const float* hp = L.hs + (s.p * B + b) * H;
    float* hq = L.hs + (s.q * B + b) * H;
    float* yr = c.y + s.t * g.y_stride_t + b * g.y_stride_b;
    const float* cp = L.cs ? L.cs + (s.p * B + b) * H : nullptr;
    float* cq = L.cs ? L.cs + (s.q * B + b) * H : nullptr;
    if (!active(c.lengths, b, s.t)) {
      memcpy(hq + j0, hp + j0, bytes);
      if (cq) memcpy(cq + j0, cp + j0, bytes);
      memset(yr + j0, 0, bytes);
      continue;
    }
    float* gr = L.gates + (s.t * B + b) * L.gw * H;
    const float* h = hd + (b - b0) * G * hk - j0;  // h[gate·hk + j] is the recurrent part of unit j of that gate
    switch (c.mode) {
      case RNN_LSTM:
        lanes(j0, j1, [&](int64_t j, int n) {
          const Vec i = vsigmoid(ld(gr + j, n) + ld(h + j, n) + ld(bias + j, n));
          const Vec f = vsigmoid(ld(gr + H + j, n) + ld(h + hk + j, n) + ld(bias + H + j, n));
          const Vec gg = vtanh(ld(gr + 2 * H + j, n) + ld(h + 2 * hk + j, n) + ld(bias + 2 * H + j, n));
          const Vec o = vsigmoid(ld(gr + 3 * H + j, n) + ld(h + 3 * hk + j, n) + ld(bias + 3 * H + j, n));
          const Vec cn = Vec::fma(f, ld(cp + j, n), i * gg);
          const Vec hn = o * vtanh(cn);
          st(gr + j, i, n);
          st(gr + H + j, f, n);
          st(gr + 2 * H + j, gg, n);
          st(gr + 3 * H + j, o, n);
          st(cq + j, cn, n);
          st(hq + j, hn, n);
          st(yr + j, hn, n);
        });
        break;
      case RNN_GRU:
        lanes(j0, j1, [&](int64_t j, int n) {
          const Vec r = vsigmoid(ld(gr + j, n) + ld(h + j, n) + ld(bias + j, n));
          const Vec z = vsigmoid(ld(gr + H + j, n) + ld(h + hk + j, n) + ld(bias + H + j, n));
          const Vec hn = c.bhh_n ? ld(h + 2 * hk + j, n) + ld(c.bhh_n + j, n) : ld(h + 2 * hk + j, n);
          const Vec nn = vtanh(Vec::fma(r, hn, ld(gr + 2 * H + j, n) + ld(bias + 2 * H + j, n)));
          const Vec hnew = Vec::fma(z, ld(hp + j, n) - nn, nn);  // (1 − z)·n + z·h_prev
          st(gr + j, r, n);
          st(gr + H + j, z, n);
          st(gr + 2 * H + j, nn, n);
          st(gr + 3 * H + j, hn, n);
          st(hq + j, hnew, n);
          st(yr + j, hnew, n);
        });
        break;
      default: {
        const bool is_tanh = c.mode == RNN_TANH;
        lanes(j0, j1, [&](int64_t j, int n) {
          const Vec pre = ld(gr + j, n) + ld(h + j, n) + ld(bias + j, n);
          const Vec hn = is_tanh ? vtanh(pre) : relu(pre);
          st(gr + j, hn, n);
          st(hq + j, hn, n);
          st(yr + j, hn, n);
        });
      }
    }
  }
}

void fwd_team(Team& c, int ith, int nth) {
  const RnnGeometry& g = *c.g;
  const int64_t B = g.B, H = g.H, G = rnn_gates(c.mode);
  int64_t j0, j1;
  float *packed, *hidden;
  if (!team_setup(c, ith, nth, true, &j0, &j1, &packed, &hidden)) return;
  const int64_t hk = j1 - j0, N = G * hk;
  for (int64_t step = 0; step < g.T; ++step) {
    const StepIdx s = step_index(g, step);
    if (hk > 0) {
      sgemm_packed_b(B, N, H, 1.0f, c.L->hs + s.p * B * H, H, packed, 0.0f, hidden, N);
      fwd_units(c, s, hidden, j0, j1, 0, B);
    }
    barrier_wait(&c.barrier, nth);  // the new state is complete before anyone's next product reads it
  }
}

/**
 * Row split: part ith's batch rows [*b0, *b1) (near-equal), after packing its share of W_hh's micro-panels
 * into the shared c.packed, all of it, as the B operand of the per-step product: transposed for the forward
 * (K = H, N = G·H), as it is for the backward (K = G·H, N = H). One barrier: all of W_hh is packed. Returns
 * the thread's [b1 - b0, G·H] block, or null if it has no rows or no memory (counted by scratch(): the
 * binding throws; flagged in c.failed). No thread waits for one that leaves.
 */
float* rows_setup(Team& c, int ith, int nth, bool transposed, int64_t* b0, int64_t* b1) {
  const int64_t B = c.g->B, H = c.g->H, GH = rnn_gates(c.mode) * H;
  *b0 = B * ith / nth;
  *b1 = B * (ith + 1) / nth;
  const int64_t K = transposed ? H : GH, N = transposed ? GH : H;
  const int64_t unit = sgemm_pack_b_align(), tiles = (N + unit - 1) / unit;
  const int64_t n0 = min_of(N, tiles * ith / nth * unit), n1 = min_of(N, tiles * (ith + 1) / nth * unit);
  sgemm_pack_b_cols(transposed, K, N, c.w_hh, H, n0, n1, c.packed);
  barrier_wait(&c.barrier, nth);
  const int64_t nb = *b1 - *b0;
  float* block = static_cast<float*>(scratch(kSlotHidden, static_cast<size_t>(max_of<int64_t>(1, nb * GH)) * sizeof(float)));
  if (!block) __atomic_store_n(&c.failed, 1, __ATOMIC_RELAXED);
  return nb > 0 ? block : nullptr;
}

/** The forward step loop over this thread's batch rows, from the first step to the last (no barrier). */
void fwd_rows(Team& c, int ith, int nth) {
  const RnnGeometry& g = *c.g;
  const int64_t B = g.B, H = g.H, GH = rnn_gates(c.mode) * H;
  int64_t b0, b1;
  float* hidden = rows_setup(c, ith, nth, true, &b0, &b1);
  if (!hidden) return;
  const int64_t nb = b1 - b0;
  for (int64_t step = 0; step < g.T; ++step) {
    const StepIdx s = step_index(g, step);
    sgemm_packed_b(nb, GH, H, 1.0f, c.L->hs + (s.p * B + b0) * H, H, c.packed, 0.0f, hidden, GH);
    fwd_units(c, s, hidden, 0, H, b0, b1);
  }
}

/**
 * parallel_for's entry for a team function: run inline (nth == 1) the one part covers every unit; otherwise
 * part ith is exactly index ith.
 */
template <void (*F)(Team&, int, int)>
void team_part(void* ctx, int ith, int nth, int64_t, int64_t) {
  F(*static_cast<Team*>(ctx), ith, nth);
}

/** The fields both step loops share. */
Team team_of(int mode, const RnnGeometry& g, const Layout& L, const int32_t* lengths, const float* w_hh) {
  Team c = {};
  c.mode = mode;
  c.g = &g;
  c.L = &L;
  c.lengths = lengths;
  c.w_hh = w_hh;
  return c;
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
    if (!bias) return;  // out of memory (counted by scratch(): the binding throws)
    for (int64_t k = 0; k < GH; ++k) {
      const bool hh_inside = gru && k >= 2 * H;  // gru's b_hh_n goes inside r ⊙ (...)
      bias[k] = (b_ih ? b_ih[k] : 0.0f) + (b_hh && !hh_inside ? b_hh[k] : 0.0f);
    }
    // The input part of every row's gates: [T·B, G·H] = x·W_ihᵀ, rows gw·H apart.
    sgemm(1, false, true, T * B, GH, I, 1.0f, x, 0, I, w_ih, 0, I, 0.0f, L.gates, 0, L.gw * H);
    Team c = team_of(mode, g, L, lengths, w_hh);
    c.bias = bias;
    c.bhh_n = gru && b_hh ? b_hh + 2 * H : nullptr;
    c.y = y;
    const TeamPlan plan = team_plan(g, G);
    if (plan.rows) {
      c.packed = static_cast<float*>(scratch(kSlotPacked, static_cast<size_t>(sgemm_packed_b_size(H, GH)) * sizeof(float)));
      if (!c.packed) return;  // out of memory (counted by scratch(): the binding throws)
      parallel_for(plan.size, 1, team_part<fwd_rows>, &c);
    } else {
      parallel_for(plan.size, 1, team_part<fwd_team>, &c);
    }
  }
  if (B > 0 && H > 0) {
    memcpy(h_n, L.hs + last * B * H, state_bytes);
    if (L.cs) memcpy(c_n, L.cs + last * B * H, state_bytes);
  }
}

namespace {

/**
 * Backward pointwise pass of one step for units [j0, j1) of batch rows [b0, b1): the gate gradients into dG
 * (dgx, and dgh for gru) and, for the recurrent product, the hidden-part ones of these units into this
 * thread's compact block cmp ([b1 - b0, G·hk], gate by gate); the direct part of dh_prev into dns.
 */
void bwd_units(const Team& c, const StepIdx& s, const float* dhs, float* dns, float* cmp, int64_t j0, int64_t j1, int64_t b0, int64_t b1) {
  const RnnGeometry& g = *c.g;
  const int64_t H = g.H, B = g.B, G = rnn_gates(c.mode), GH = G * H, hk = j1 - j0;
  const Layout& L = *c.L;
  const Vec one = Vec::set1(1.0f);
  const size_t bytes = static_cast<size_t>(hk) * sizeof(float);
  for (int64_t b = b0; b < b1; ++b) {
    const int64_t row = s.t * B + b;
    float* dx = c.dgx + row * GH;
    float* dhh = c.dgh + row * GH;
    const float* dh = dhs + b * H;
    float* dn = dns + b * H;
    float* k = cmp + (b - b0) * G * hk - j0;  // k[gate·hk + j]: the hidden-part gradient of unit j of that gate
    float* ax = c.bsum ? c.bsum + b * c.bw : nullptr;  // this row's bias-gradient sums (gate·H + j; gru: then hidden n's)
    if (!active(c.lengths, b, s.t)) {
      // NOTE: the state is carried unchanged, so its gradient passes through (and y is a constant 0 here).
      for (int64_t gate = 0; gate < G; ++gate) {
        memset(dx + gate * H + j0, 0, bytes);
        if (dhh != dx) memset(dhh + gate * H + j0, 0, bytes);
      }
      memset(cmp + (b - b0) * G * hk, 0, static_cast<size_t>(G) * bytes);
      memcpy(dn + j0, dh + j0, bytes);
      continue;
    }
    const float* gr = L.gates + row * L.gw * H;
    const float* gyr = c.gy + s.t * g.y_stride_t + b * g.y_stride_b;
    switch (c.mode) {
      case RNN_LSTM: {
        const float* cq = L.cs + (s.q * B + b) * H;
        const float* cp = L.cs + (s.p * B + b) * H;
        float* dc = c.dc + b * H;
        lanes(j0, j1, [&](int64_t j, int n) {
          const Vec d = ld(dh + j, n) + ld(gyr + j, n);
          const Vec i = ld(gr + j, n), f = ld(gr + H + j, n), gg = ld(gr + 2 * H + j, n), o = ld(gr + 3 * H + j, n);
          const Vec tc = vtanh(ld(cq + j, n));
          const Vec dct = Vec::fma(d * o, one - tc * tc, ld(dc + j, n));
          const Vec di = dct * gg * i * (one - i), df = dct * ld(cp + j, n) * f * (one - f);
          const Vec dg = dct * i * (one - gg * gg), dout = d * tc * o * (one - o);
          st(dx + j, di, n);
          st(dx + H + j, df, n);
          st(dx + 2 * H + j, dg, n);
          st(dx + 3 * H + j, dout, n);
          st(k + j, di, n);
          st(k + hk + j, df, n);
          st(k + 2 * hk + j, dg, n);
          st(k + 3 * hk + j, dout, n);
          if (ax) {
            add_to(ax + j, di, n);
            add_to(ax + H + j, df, n);
            add_to(ax + 2 * H + j, dg, n);
            add_to(ax + 3 * H + j, dout, n);
          }
          st(dc + j, dct * f, n);
          st(dn + j, Vec::zero(), n);
        });
        break;
      }
      case RNN_GRU: {
        const float* hp = L.hs + (s.p * B + b) * H;
        lanes(j0, j1, [&](int64_t j, int n) {
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
          st(k + j, dpr, n);
          st(k + hk + j, dpz, n);
          st(k + 2 * hk + j, dpn * r, n);
          if (ax) {
            // The hidden parts' r and z gradients are the input parts': only n's differs (dpn·r).
            add_to(ax + j, dpr, n);
            add_to(ax + H + j, dpz, n);
            add_to(ax + 2 * H + j, dpn, n);
            add_to(ax + GH + j, dpn * r, n);
          }
          st(dn + j, d * z, n);
        });
        break;
      }
      default: {
        const bool is_tanh = c.mode == RNN_TANH;
        lanes(j0, j1, [&](int64_t j, int n) {
          const Vec d = ld(dh + j, n) + ld(gyr + j, n);
          const Vec h = ld(gr + j, n);
          // NOTE: relu'(0) = 0 (PyTorch's threshold_backward: result <= 0 gives 0).
          const Vec dp = is_tanh ? d * (one - h * h) : Vec::select(Vec::le(h, Vec::zero()), Vec::zero(), d);
          st(dx + j, dp, n);
          st(k + j, dp, n);
          if (ax) add_to(ax + j, dp, n);
          st(dn + j, Vec::zero(), n);
        });
      }
    }
  }
}

/**
 * Part ith of the BPTT step loop. The product dh_prev = dG_h·W_hh is split over its K dimension: this thread
 * multiplies the gate gradients of its own units (cmp, local) by the matching rows of W_hh (all H columns) into
 * its partial block; after the barrier each thread sums every partial over its own units. That reads B·hk
 * floats of the other threads' partials per step, where splitting the columns would make every thread read
 * (and pack) all B·G·H gate gradients.
 */
void bwd_team(Team& c, int ith, int nth) {
  const RnnGeometry& g = *c.g;
  const int64_t B = g.B, H = g.H, G = rnn_gates(c.mode);
  int64_t j0, j1;
  float *packed, *cmp;
  if (!team_setup(c, ith, nth, false, &j0, &j1, &packed, &cmp)) return;
  const int64_t hk = j1 - j0, Kp = G * hk;
  float* dh = c.dh0;
  float* dn = c.dh1;
  for (int64_t step = g.T - 1; step >= 0; --step) {
    const StepIdx s = step_index(g, step);
    if (hk > 0) bwd_units(c, s, dh, dn, cmp, j0, j1, 0, B);
    if (nth == 1) {
      // dh_prev = direct part (+ the carried gradient of inactive rows, whose dG rows are 0) + dG_h·W_hh.
      if (hk > 0) sgemm_packed_b(B, H, Kp, 1.0f, cmp, Kp, packed, 1.0f, dn, H);
    } else {
      float* part = c.partials + ((step & 1) * nth) * B * H;
      if (hk > 0) sgemm_packed_b(B, H, Kp, 1.0f, cmp, Kp, packed, 0.0f, part + ith * B * H, H);
      else memset(part + ith * B * H, 0, static_cast<size_t>(B * H) * sizeof(float));
      barrier_wait(&c.barrier, nth);  // every partial of this step is complete
      for (int64_t b = 0; b < B && hk > 0; ++b) {
        float* dnr = dn + b * H;
        for (int q = 0; q < nth; ++q) {
          const float* pr = part + (q * B + b) * H;
          lanes(j0, j1, [&](int64_t j, int n) { add_to(dnr + j, ld(pr + j, n), n); });
        }
      }
    }
    float* tmp = dh;
    dh = dn;
    dn = tmp;
  }
}

/** The BPTT step loop over this thread's batch rows, from the last step to the first (no barrier). */
void bwd_rows(Team& c, int ith, int nth) {
  const RnnGeometry& g = *c.g;
  const int64_t H = g.H, GH = rnn_gates(c.mode) * H;
  int64_t b0, b1;
  float* cmp = rows_setup(c, ith, nth, false, &b0, &b1);
  if (!cmp) return;
  const int64_t nb = b1 - b0;
  float* dh = c.dh0;
  float* dn = c.dh1;
  for (int64_t step = g.T - 1; step >= 0; --step) {
    const StepIdx s = step_index(g, step);
    bwd_units(c, s, dh, dn, cmp, 0, H, b0, b1);
    // dh_prev of these rows = direct part (+ the carried gradient of inactive rows, whose dG rows are 0) + dG_h·W_hh.
    sgemm_packed_b(nb, H, GH, 1.0f, cmp, GH, c.packed, 1.0f, dn + b0 * H, H);
    float* tmp = dh;
    dh = dn;
    dn = tmp;
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
  float* bsum = nullptr;  // the rows' bias-gradient sums (when the step loop ran and they are wanted), rows bw apart
  const int64_t bw = gru ? GH + H : GH;
  if (B > 0 && H > 0) {
    if (gh_n) memcpy(dh0, gh_n, state_bytes);
    else memset(dh0, 0, state_bytes);
    if (lstm) {
      if (gc_n) memcpy(dc, gc_n, state_bytes);
      else memset(dc, 0, state_bytes);
    }
    if (T > 0) {
      Team c = team_of(mode, g, L, lengths, w_hh);
      c.gy = gy;
      c.dgx = dgx;
      c.dgh = dgh;
      if (gb_ih || gb_hh) {
        c.bw = bw;
        bsum = static_cast<float*>(scratch(kSlotBiasSums, static_cast<size_t>(B * bw) * sizeof(float)));
        if (!bsum) return;  // out of memory (counted by scratch(): the binding throws)
        memset(bsum, 0, static_cast<size_t>(B * bw) * sizeof(float));
        c.bsum = bsum;
      }
      c.dh0 = dh0;
      c.dh1 = dh1;
      c.dc = dc;
      const TeamPlan plan = team_plan(g, G);
      if (plan.rows) {
        c.packed = static_cast<float*>(scratch(kSlotPacked, static_cast<size_t>(sgemm_packed_b_size(GH, H)) * sizeof(float)));
        if (!c.packed) return;  // out of memory (counted by scratch(): the binding throws)
        parallel_for(plan.size, 1, team_part<bwd_rows>, &c);
        if (c.failed) return;
      } else {
        if (plan.size > 1) {
          c.partials = static_cast<float*>(scratch(kSlotBias, static_cast<size_t>(2 * plan.size * B * H) * sizeof(float)));
          if (!c.partials) return;  // out of memory (counted by scratch(): the binding throws)
        }
        parallel_for(plan.size, 1, team_part<bwd_team>, &c);
        if (c.failed) return;  // out of memory (counted by scratch(): the binding throws)
      }
    }
    // Each step swaps the two buffers: after T steps the gradient of h0 is in dh0 when T is even.
    if (gh0) memcpy(gh0, T % 2 == 0 ? dh0 : dh1, state_bytes);
    if (gc0) {
      if (lstm) memcpy(gc0, dc, state_bytes);
      else memset(gc0, 0, state_bytes);
    }
  }
  // The bias gradients: the rows' sums added in row order (the same sums however the step loop was split;
  // lstm's and the plain RNN's two are the one dG's, and so are gru's but for the hidden n part).
  for (int which = 0; which < 2; ++which) {
    float* gb = which == 0 ? gb_ih : gb_hh;
    if (!gb) continue;
    const int64_t n_own = which == 1 && gru ? 2 * H : GH;  // columns summed from the input parts' sums
    memset(gb, 0, static_cast<size_t>(GH) * sizeof(float));
    for (int64_t b = 0; bsum && b < B; ++b) {
      const float* r = bsum + b * bw;
      lanes(0, n_own, [&](int64_t j, int n) { add_to(gb + j, ld(r + j, n), n); });
      if (n_own < GH) lanes(0, H, [&](int64_t j, int n) { add_to(gb + 2 * H + j, ld(r + GH + j, n), n); });
    }
  }
  const int64_t R = T * B;
  if (gx) sgemm(1, false, false, R, I, GH, 1.0f, dgx, 0, GH, w_ih, 0, I, 0.0f, gx, 0, I);
  if (gw_ih) sgemm(1, true, false, GH, I, R, 1.0f, dgx, 0, GH, x, 0, I, 0.0f, gw_ih, 0, I);
  // The previous state of row t·B + b is hs slot t (forward) or t + 1 (reverse): T·B consecutive rows.
  if (gw_hh) sgemm(1, true, false, GH, H, R, 1.0f, dgh, 0, GH, L.hs + (g.reverse ? B * H : 0), 0, H, 0.0f, gw_hh, 0, H);
}

NG_END_ISA
