// SGEMM driver, BLIS style: loops ic (MC) → pc (KC) → pack A panel → jc (NC) → pack B block → ir (MR)
// → jr (NR) around this ISA's register-blocked micro-kernel (ukr.h). Transposes and leading dims are
// absorbed by packing (pack.cc); small problems skip packing (sup kernel on the operands in place,
// GEMV kernels for M = 1 or N = 1, gemv.cc). Threads split the C matrix into a grid of JC × IC
// rectangles, never the K loop; on a column split (the usual one) they pack each A panel together
// into one shared buffer (BLIS's cooperative packing), else each packs its own panels in its scratch.
// An A of one row panel up to 4 MB is packed whole (every K block), and the threads then take C's
// columns in chunks from a shared counter.
#include "gemm.h"

#if defined(NG_GEMM_TUNING)
#include <stdlib.h>  // getenv (development builds only)
#endif

NG_BEGIN_ISA
namespace {

constexpr int64_t MR = kGemmBlocking.MR;
constexpr int64_t NR = kGemmBlocking.NR;

#if defined(NG_GEMM_TUNING)
// Development builds only (scripts/build-gemm-bench.sh): NG_MC / NG_KC / NG_NC override the blocking.
GemmBlocking tuned_blocking() {
  GemmBlocking b = kGemmBlocking;
  if (const char* v = getenv("NG_MC")) b.MC = atoll(v);
  if (const char* v = getenv("NG_KC")) b.KC = atoll(v);
  if (const char* v = getenv("NG_NC")) b.NC = atoll(v);
  return b;
}
const GemmBlocking kBlk = tuned_blocking();
#else
constexpr GemmBlocking kBlk = kGemmBlocking;
#endif

// Scratch slots (per thread): packed A block, packed B panel; 2-3 are the GEMV buffers (gemv.cc).
constexpr int kSlotA = 0;
constexpr int kSlotB = 1;

/** Work below this (2·M·N·K) runs on one thread: a fork/join costs a few microseconds. */
constexpr double kGrainFlops = 3.0e6;
#if defined(NG_GEMM_TUNING)
const bool kUseEdge = !getenv("NG_NOEDGE");
#else
constexpr bool kUseEdge = true;
#endif
/**
 * Problems with M·N·K at most this (and not GEMV) take the unpacked "sup" path: while A, B and C fit
 * in L2 together, packing costs more than it saves (AVX-512, 1 thread: 64³ 138 vs 105 GFLOPS,
 * 128³ 151 vs 138, 128×256×128 167 vs 154; from 256³ packing wins, 175 vs 162).
 */
#if defined(NG_GEMM_TUNING)
const double kSupMaxMNK = getenv("NG_SUP") ? atof(getenv("NG_SUP")) : 4.5e6;
#else
constexpr double kSupMaxMNK = 4.5e6;
#endif

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

/**
 * Depth of each K block: K split into ceil(K/KC) near-equal blocks (a multiple of 4 except the last),
 * so no block is a sliver. Depends on K only: every thread and path blocks K the same way.
 */
inline int64_t kc_step(int64_t K) {
  const int64_t nblocks = ceil_div(K, kBlk.KC);
  return round_up(ceil_div(K, nblocks), 4);
}

/** A block of `extent` split into near-equal steps of at most `cap`, each a multiple of `unit`. */
inline int64_t balanced_step(int64_t extent, int64_t cap, int64_t unit) {
  const int64_t nblocks = ceil_div(extent, cap);
  return round_up(ceil_div(extent, nblocks), unit);
}

/**
 * Columns [j0, j1) of the rows [ic, ic + mc) × K block [pc, pc + kc) of C += A·B, A's panel already packed in
 * abuf: packs each NC-column block of B into bbuf (ncs·kc floats) and sweeps the micro-kernel over it.
 */
void packed_block(const Gemm& g, const float* abuf, float* bbuf, int64_t ic, int64_t mc, int64_t pc, int64_t kc, float beta,
                  int64_t j0, int64_t j1, int64_t ncs) {
  for (int64_t jc = j0; jc < j1; jc += ncs) {
    const int64_t nc = min_of(ncs, j1 - jc);
    pack_b(g.B, g.rs_b, g.cs_b, pc, kc, jc, nc, bbuf);
    for (int64_t ir = 0; ir < mc; ir += MR) {
      const int64_t mr = min_of(MR, mc - ir);
      const float* ap = abuf + ir * kc;
#if defined(NG_SGEMM_EDGE)
      if (mr < MR && kUseEdge && NG_SGEMM_EDGE(kc, g.alpha, ap, bbuf, beta, g.C + (ic + ir) * g.ldc + jc, g.ldc, mr, nc)) continue;
#endif
      for (int64_t jr = 0; jr < nc; jr += NR) {
        const int64_t nr = min_of(NR, nc - jr);
        const float* bp = bbuf + jr * kc;
        // Next micro-panels (prefetch hints): the next B panel, or the next A panel with the first B.
        const bool last_j = jr + NR >= nc;
        NG_SGEMM_UKR(kc, g.alpha, ap, bp, beta, g.C + (ic + ir) * g.ldc + jc + jr, g.ldc, mr, nr,
                     last_j ? ap + MR * kc : ap, last_j ? bbuf : bp + NR * kc);
      }
    }
  }
}

/**
 * C[i0:i1, j0:j1] of one GEMM through the packed path (single thread), with BLIS's roles for a
 * row-major C (BLIS computes it as the transpose): an MC-row panel of A is packed once per K block
 * (kept in L3); for each NC-column block of B, packed into L2, the micro-kernel keeps one MR-row A
 * micro-panel in L1 and walks across the B block one NR-wide micro-panel at a time (streamed from
 * L2). The narrow panel (MR·KC) is the one that stays in L1, so KC can be deep (fewer passes over C)
 * without overflowing L1. beta is applied by the first K block only.
 */
void gemm_packed(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  const int64_t kcs = kc_step(g.K);
  const int64_t mcs = balanced_step(i1 - i0, kBlk.MC, MR);
  const int64_t ncs = balanced_step(j1 - j0, kBlk.NC, NR);
  float* abuf = static_cast<float*>(scratch(kSlotA, static_cast<size_t>(mcs * kcs) * sizeof(float)));
  float* bbuf = static_cast<float*>(scratch(kSlotB, static_cast<size_t>(ncs * kcs) * sizeof(float)));
  if (!abuf || !bbuf) return;  // out of memory (counted by scratch(): the binding throws)
  for (int64_t ic = i0; ic < i1; ic += mcs) {
    const int64_t mc = min_of(mcs, i1 - ic);
    for (int64_t pc = 0; pc < g.K; pc += kcs) {
      const int64_t kc = min_of(kcs, g.K - pc);
      pack_a(g.A, g.rs_a, g.cs_a, ic, mc, pc, kc, abuf);
      packed_block(g, abuf, bbuf, ic, mc, pc, kc, pc == 0 ? g.beta : 1.0f, j0, j1, ncs);
    }
  }
}

/**
 * C[i0:i1, j0:j1] of a small GEMM with no packing of A: the sup kernel reads A in place, and B in place
 * when its rows are contiguous (else one KC×NR micro-panel at a time is packed). Same K blocking and
 * micro-kernel arithmetic as gemm_packed, hence the same results.
 */
void gemm_sup(const Gemm& g, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  const int64_t kcs = kc_step(g.K);
  float* bbuf = nullptr;
  if (g.cs_b != 1) {
    bbuf = static_cast<float*>(scratch(kSlotB, static_cast<size_t>(NR * kcs) * sizeof(float)));
    if (!bbuf) return;
  }
  for (int64_t pc = 0; pc < g.K; pc += kcs) {
    const int64_t kc = min_of(kcs, g.K - pc);
    const float beta = pc == 0 ? g.beta : 1.0f;
    for (int64_t jr = j0; jr < j1; jr += NR) {
      const int64_t nr = min_of(NR, j1 - jr);
      const float* bp;
      int64_t rs_b;
      if (bbuf) {
        pack_b(g.B, g.rs_b, g.cs_b, pc, kc, jr, nr, bbuf);
        bp = bbuf;
        rs_b = NR;
      } else {
        bp = g.B + pc * g.rs_b + jr;
        rs_b = g.rs_b;
      }
      for (int64_t ir = i0; ir < i1; ir += MR) {
        const int64_t mr = min_of(MR, i1 - ir);
        NG_SGEMM_SUP(kc, g.alpha, g.A + ir * g.rs_a + pc * g.cs_a, g.rs_a, g.cs_a, bp, rs_b, beta, g.C + ir * g.ldc + jr, g.ldc, mr, nr);
      }
    }
  }
}

/** C = alpha·0 + beta·C over M×N, the K = 0 / alpha = 0 product (beta == 0: C is not read). */
void scale_c(float* C, int64_t ldc, int64_t M, int64_t N, float alpha, float beta) {
  const float z = alpha * 0.0f;  // NOTE: ±0 as the reference's alpha·acc, so signed zeros match too
  for (int64_t i = 0; i < M; ++i) {
    float* c = C + i * ldc;
    if (beta == 0.0f) {
      for (int64_t j = 0; j < N; ++j) c[j] = z;
    } else {
      for (int64_t j = 0; j < N; ++j) c[j] = z + beta * c[j];
    }
  }
}

enum class Path { kScale, kGemv, kSup, kPacked };

Path choose_path(const Gemm& g) {
  if (g.K == 0 || g.alpha == 0.0f) return Path::kScale;
  if (g.M == 1 || g.N == 1) return Path::kGemv;
  if (static_cast<double>(g.M) * static_cast<double>(g.N) * static_cast<double>(g.K) <= kSupMaxMNK) return Path::kSup;
  return Path::kPacked;
}

/** Runs C[i0:i1, j0:j1] of g on the calling thread by the given path. */
void run_rect(const Gemm& g, Path path, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
  switch (path) {
    case Path::kScale:
      scale_c(g.C + i0 * g.ldc + j0, g.ldc, i1 - i0, j1 - j0, g.alpha, g.beta);
      break;
    case Path::kGemv:
      gemv(g, i0, i1, j0, j1);
      break;
    case Path::kSup:
      gemm_sup(g, i0, i1, j0, j1);
      break;
    case Path::kPacked:
      gemm_packed(g, i0, i1, j0, j1);
      break;
  }
}

/**
 * A tm × tn grid of C rectangles for nth threads: the split with the least duplicated packing (each of
 * the tm row bands packs all of B's columns it touches; each of the tn column bands all of A's rows)
 * among those that leave every thread at least one micro-tile. Row cuts fall on MR multiples, column
 * cuts on NR multiples (the GEMV path splits its one output vector the same way).
 */
struct Grid {
  int tm, tn;
};

Grid choose_grid(const Gemm& g, int nth, bool shared_a) {
  Grid best = {1, 1};
  double best_cost = -1;
  const int64_t mt = ceil_div(g.M, MR), nt = ceil_div(g.N, NR);
  for (int tm = 1; tm <= nth; ++tm) {
    if (nth % tm != 0) continue;
    const int tn = nth / tm;
    if (tm > mt || tn > nt) continue;
    // Critical path: the largest rectangle's micro-tiles plus its packing (in micro-tile units).
    const double rows = static_cast<double>(ceil_div(mt, tm) * MR), cols = static_cast<double>(ceil_div(nt, tn) * NR);
    const double k = static_cast<double>(g.K);
    // A 1 × tn grid on the packed path shares one packed A panel (shared_a_part): its packing is split.
    const double a_pack = shared_a && tm == 1 ? rows / tn : rows;
    const double cost = 2.0 * rows * cols * k / 32.0 + (a_pack + cols) * k;
    if (best_cost < 0 || cost < best_cost) {
      best_cost = cost;
      best = {tm, tn};
    }
  }
  return best;
}

struct GridCtx {
  const Gemm* g;
  Path path;
  Grid grid;
};

/** Bounds of part `p` of `parts` over `tiles` tiles of `unit` elements, clipped to `extent`. */
inline void part_range(int64_t extent, int64_t unit, int64_t parts, int64_t p, int64_t* lo, int64_t* hi) {
  const int64_t tiles = ceil_div(extent, unit);
  const int64_t base = tiles / parts, extra = tiles % parts;
  const int64_t t0 = p * base + min_of(p, extra);
  const int64_t t1 = t0 + base + (p < extra ? 1 : 0);
  *lo = min_of(t0 * unit, extent);
  *hi = min_of(t1 * unit, extent);
}

void run_grid_part(void* ctx, int, int, int64_t lo, int64_t hi) {
  const GridCtx& c = *static_cast<const GridCtx*>(ctx);
  for (int64_t p = lo; p < hi; ++p) {
    int64_t i0, i1, j0, j1;
    part_range(c.g->M, MR, c.grid.tm, p / c.grid.tn, &i0, &i1);
    part_range(c.g->N, NR, c.grid.tn, p % c.grid.tn, &j0, &j1);
    if (i0 < i1 && j0 < j1) run_rect(*c.g, c.path, i0, i1, j0, j1);
  }
}

/**
 * The packed path on a 1 × nth grid (threads split C's columns) with one packed A panel for all: each
 * thread packs its share of the panel's micro-panels into the shared buffer, and after a barrier all
 * of them run their own columns against it (each packs its own B columns); one barrier per panel. Saves every thread but one
 * from packing all of A per K block, which on training shapes (mlp 128×784×256 at 2 threads) costs as
 * much as the imbalance it would take to split rows instead.
 * When A is one row panel of at most kWholeAFloats (`whole`: the training shapes), all its K blocks are
 * packed before a single barrier, and the threads then take column chunks through every K block from
 * a shared counter instead of a fixed half each (2 threads, medians of 8 interleaved runs on a loaded
 * host: mlp 128×784×256 +12%, 1024² +2-6%).
 */
struct SharedACtx {
  const Gemm* g;
  float* abuf;  // the calling thread's scratch: two panels of mcs·kcs floats, or the whole of A (`whole`)
  int64_t mcs, kcs;
  int parts;
  bool whole;  // one row panel (mcs >= M) packed for every K block before a single barrier
  int64_t chunk, chunks;  // whole: C's columns in `chunks` chunks of `chunk` (NR multiples), taken in turn
  int64_t next;           // whole: the next chunk to take (atomic)
  Barrier barrier;
};

/**
 * A of at most this many floats (packed, one row panel) is packed whole before the threads start on
 * their columns: one barrier instead of one per K block. A barrier waits for the slower thread, so
 * every extra one adds that step's imbalance (mlp 128×784×256 at 2 threads: 4 barriers → 1). 1 M floats
 * (4 MB) is an L3-sized A: the K blocks of a bigger one are long enough for their barriers not to show.
 */
constexpr int64_t kWholeAFloats = int64_t{1} << 20;
#if defined(NG_GEMM_TUNING)
const int64_t kChunksPerThread = getenv("NG_CHUNKS") ? atoll(getenv("NG_CHUNKS")) : 4;
const int64_t kMinChunk = getenv("NG_MINCHUNK") ? atoll(getenv("NG_MINCHUNK")) : 256;
#else
constexpr int64_t kChunksPerThread = 4;
constexpr int64_t kMinChunk = 256;
#endif

void shared_a_part(void* ctx, int ith, int nth, int64_t lo, int64_t hi) {
  SharedACtx& c = *static_cast<SharedACtx*>(ctx);
  const Gemm& g = *c.g;
  if (c.whole) {
    // Each part packs its rows of A for every K block (K block pc starts at abuf + mcs·pc: every block
    // before it is kcs deep); a thread running several parts inline packs them all.
    for (int64_t p = lo; p < hi; ++p) {
      int64_t r0, r1;
      part_range(g.M, MR, c.parts, p, &r0, &r1);
      for (int64_t pc = 0; pc < g.K && r0 < r1; pc += c.kcs) {
        const int64_t kc = min_of(c.kcs, g.K - pc);
        pack_a(g.A, g.rs_a, g.cs_a, r0, r1 - r0, pc, kc, c.abuf + c.mcs * pc + r0 * kc);
      }
    }
    barrier_wait(&c.barrier, nth);  // all of A is packed
    // Then column chunks, each through every K block, first come first served: a thread slowed down
    // (a core shared with another process) takes fewer, and C's sums run in the same order whoever
    // computes them.
    float* cb = static_cast<float*>(scratch(kSlotB, static_cast<size_t>(c.chunk * c.kcs) * sizeof(float)));
    if (!cb) return;  // out of memory (counted: the binding throws); the others take the chunks
    for (int64_t t; (t = __atomic_fetch_add(&c.next, 1, __ATOMIC_RELAXED)) < c.chunks;) {
      const int64_t cj0 = t * c.chunk, cj1 = min_of(g.N, cj0 + c.chunk);
      for (int64_t pc = 0; pc < g.K; pc += c.kcs)
        packed_block(g, c.abuf + c.mcs * pc, cb, 0, g.M, pc, min_of(c.kcs, g.K - pc), pc == 0 ? g.beta : 1.0f, cj0, cj1, c.chunk);
    }
    return;
  }
  if (nth != c.parts) {
    // Not one part per thread (run inline, e.g. from inside another region): no barriers, each part
    // packs A itself.
    for (int64_t p = lo; p < hi; ++p) {
      int64_t j0, j1;
      part_range(g.N, NR, c.parts, p, &j0, &j1);
      if (j0 < j1) gemm_packed(g, 0, g.M, j0, j1);
    }
    return;
  }
  int64_t j0, j1;
  part_range(g.N, NR, nth, ith, &j0, &j1);
  const int64_t ncs = balanced_step(max_of<int64_t>(j1 - j0, 1), kBlk.NC, NR);
  // A thread without its B buffer (out of memory, counted: the binding throws) still packs its share
  // and passes every barrier, so the others do not wait for it forever.
  float* bbuf = j0 < j1 ? static_cast<float*>(scratch(kSlotB, static_cast<size_t>(ncs * c.kcs) * sizeof(float))) : nullptr;
  int64_t step = 0;
  for (int64_t ic = 0; ic < g.M; ic += c.mcs) {
    const int64_t mc = min_of(c.mcs, g.M - ic);
    for (int64_t pc = 0; pc < g.K; pc += c.kcs, ++step) {
      const int64_t kc = min_of(c.kcs, g.K - pc);
      // Two panel buffers, alternating: passing this step's barrier means every thread has finished the
      // previous step's products, so the buffer packed next step (used two steps ago) is free.
      float* abuf = c.abuf + (step & 1) * c.mcs * c.kcs;
      int64_t r0, r1;
      part_range(mc, MR, nth, ith, &r0, &r1);
      if (r0 < r1) pack_a(g.A, g.rs_a, g.cs_a, ic + r0, r1 - r0, pc, kc, abuf + r0 * kc);
      barrier_wait(&c.barrier, nth);  // the whole panel is packed
      if (bbuf) packed_block(g, abuf, bbuf, ic, mc, pc, kc, pc == 0 ? g.beta : 1.0f, j0, j1, ncs);
    }
  }
}

/** One GEMM, on as many threads as its size warrants. */
void gemm_one(const Gemm& g) {
  const Path path = choose_path(g);
  const double flops = 2.0 * static_cast<double>(g.M) * static_cast<double>(g.N) * static_cast<double>(g.K);
  int nth = num_threads();
  if (path == Path::kScale || flops < 2 * kGrainFlops) nth = 1;
  const int64_t by_work = static_cast<int64_t>(flops / kGrainFlops);
  if (nth > by_work) nth = static_cast<int>(by_work < 1 ? 1 : by_work);
  if (nth <= 1) {
    run_rect(g, path, 0, g.M, 0, g.N);
    return;
  }
  GridCtx ctx = {&g, path, {1, 1}};
  if (path == Path::kGemv) {
    // One output vector: split it (rows of C if N = 1, else columns).
    ctx.grid = g.N == 1 ? Grid{nth, 1} : Grid{1, nth};
  } else {
    ctx.grid = choose_grid(g, nth, path == Path::kPacked);
  }
  if (path == Path::kPacked && ctx.grid.tm == 1) {
    const int64_t kcs = kc_step(g.K), mcs = balanced_step(g.M, kBlk.MC, MR);
    const bool whole = mcs >= g.M && mcs * g.K <= kWholeAFloats;
    float* abuf = static_cast<float*>(scratch(kSlotA, static_cast<size_t>(whole ? mcs * g.K : 2 * mcs * kcs) * sizeof(float)));
    if (!abuf) return;  // out of memory (counted by scratch(): the binding throws)
    SharedACtx sc = {&g, abuf, mcs, kcs, ctx.grid.tn, whole, 0, 0, 0, {0, 0}};
    if (whole) {
      // About kChunksPerThread chunks per thread, but at least kMinChunk columns wide unless that leaves
      // a thread without one (B's packing reads a row segment per k: short ones are slow streams from
      // memory; 32×4096×1024 at 2 threads, 256 columns instead of 128: +9%), at most an NC block.
      const int64_t nth = ctx.grid.tn;
      const int64_t want = max_of(ceil_div(g.N, kChunksPerThread * nth), min_of(kMinChunk, ceil_div(g.N, nth)));
      sc.chunk = min_of(balanced_step(g.N, kBlk.NC, NR), round_up(want, NR));
      sc.chunks = ceil_div(g.N, sc.chunk);
    }
    parallel_for(ctx.grid.tn, 1, shared_a_part, &sc);
    return;
  }
  const int64_t parts = static_cast<int64_t>(ctx.grid.tm) * ctx.grid.tn;
  parallel_for(parts, 1, run_grid_part, &ctx);
}

struct BatchCtx {
  const Gemm* g;
  int64_t stride_a, stride_b, stride_c;
};

void run_batch_part(void* ctx, int, int, int64_t lo, int64_t hi) {
  const BatchCtx& c = *static_cast<const BatchCtx*>(ctx);
  for (int64_t b = lo; b < hi; ++b) {
    Gemm g = *c.g;
    g.A += b * c.stride_a;
    g.B += b * c.stride_b;
    g.C += b * c.stride_c;
    run_rect(g, choose_path(g), 0, g.M, 0, g.N);
  }
}

}  // namespace

void sgemm(int64_t batch, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
           int64_t stride_a, int64_t lda, const float* B, int64_t stride_b, int64_t ldb, float beta, float* C, int64_t stride_c,
           int64_t ldc) {
  if (batch <= 0 || M <= 0 || N <= 0) return;
  Gemm g;
  g.M = M;
  g.N = N;
  g.K = K;
  g.alpha = alpha;
  g.beta = beta;
  g.A = A;
  g.rs_a = trans_a ? 1 : lda;
  g.cs_a = trans_a ? lda : 1;
  g.B = B;
  g.rs_b = trans_b ? 1 : ldb;
  g.cs_b = trans_b ? ldb : 1;
  g.C = C;
  g.ldc = ldc;
  // A batch against one shared B with A and C rows evenly spaced is one tall GEMM.
  if (batch > 1 && stride_b == 0 && !trans_a && stride_a == M * lda && stride_c == M * ldc) {
    g.M = batch * M;
    batch = 1;
  }
  if (batch == 1) {
    gemm_one(g);
    return;
  }
  const double flops = 2.0 * static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  const int nth = num_threads();
  if (nth > 1 && flops * static_cast<double>(batch) >= 2 * kGrainFlops && (batch >= 4 * nth || flops < nth * 4 * kGrainFlops)) {
    // Many (or small) GEMMs: whole GEMMs per thread, no duplicated packing.
    BatchCtx ctx = {&g, stride_a, stride_b, stride_c};
    const int64_t grain = max_of<int64_t>(1, static_cast<int64_t>(kGrainFlops / max_of(flops, 1.0)));
    parallel_for(batch, grain, run_batch_part, &ctx);
    return;
  }
  for (int64_t b = 0; b < batch; ++b) {
    Gemm gb = g;
    gb.A += b * stride_a;
    gb.B += b * stride_b;
    gb.C += b * stride_c;
    gemm_one(gb);
  }
}

// ---- a B operand packed once, many products (recurrent layers: h·W_hhᵀ every step) ------------------

/** Floats of sgemm_pack_b's buffer for op(B) of K×N: every K block's ceil(N/NR) micro-panels. */
int64_t sgemm_packed_b_size(int64_t K, int64_t N) { return K * round_up(N, NR); }

/**
 * Columns [j0, j1) of sgemm_pack_b's buffer (j0 a multiple of sgemm_pack_b_align(); j1 ≤ N): only their
 * micro-panels are written, so threads can pack disjoint column ranges of one buffer.
 */
void sgemm_pack_b_cols(bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb, int64_t j0, int64_t j1, float* dst) {
  const int64_t kcs = kc_step(K);
  const int64_t npad = round_up(N, NR);
  for (int64_t pc = 0; pc < K && j0 < j1; pc += kcs) {
    const int64_t kc = min_of(kcs, K - pc);
    pack_b(B, trans_b ? 1 : ldb, trans_b ? ldb : 1, pc, kc, j0, j1 - j0, dst + pc * npad + j0 * kc);
  }
}

/**
 * Packs op(B) (K×N; B[k·ldb + j], or B[j·ldb + k] when trans_b) the way gemm_packed would, once for all:
 * K block pc (kc_step(K) deep) starts at dst + pc·round_up(N, NR) and holds ceil(N/NR) micro-panels kc·NR
 * apart.
 */
void sgemm_pack_b(bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb, float* dst) {
  sgemm_pack_b_cols(trans_b, K, N, B, ldb, 0, N, dst);
}

/** The column granularity of sgemm_pack_b_cols (the micro-kernel's NR). */
int64_t sgemm_pack_b_align() { return NR; }

namespace {

struct PackedBCtx {
  int64_t M, N, K;
  float alpha, beta;
  const float* A;
  int64_t lda;
  const float* Bp;
  float* C;
  int64_t ldc;
  int64_t parts;
};

/** Columns [j0, j1) of C = alpha·A·B + beta·C with B prepacked; A (row-major, lda, all M rows) packed per K block here. */
void packed_b_cols(const PackedBCtx& c, int64_t j0, int64_t j1) {
  const int64_t kcs = kc_step(c.K);
  const int64_t npad = round_up(c.N, NR);
  const int64_t mpad = round_up(c.M, MR);
  float* abuf = static_cast<float*>(scratch(kSlotA, static_cast<size_t>(mpad * kcs) * sizeof(float)));
  if (!abuf) return;
  for (int64_t pc = 0; pc < c.K; pc += kcs) {
    const int64_t kc = min_of(kcs, c.K - pc);
    const float beta = pc == 0 ? c.beta : 1.0f;
    pack_a(c.A, c.lda, 1, 0, c.M, pc, kc, abuf);
    const float* bblock = c.Bp + pc * npad;
    // NOTE: B micro-panel outer, A inner: A (M is small here, e.g. a batch of 32 rows) stays in L1/L2 and
    // each B micro-panel is streamed once per K block, where A-outer would stream all of B once per MR rows.
    for (int64_t jr = j0; jr < j1; jr += NR) {
      const int64_t nr = min_of(NR, j1 - jr);
      const float* bp = bblock + jr * kc;
      for (int64_t ir = 0; ir < c.M; ir += MR) {
        const int64_t mr = min_of(MR, c.M - ir);
        const float* ap = abuf + ir * kc;
        const bool last_i = ir + MR >= c.M;
        NG_SGEMM_UKR(kc, c.alpha, ap, bp, beta, c.C + ir * c.ldc + jr, c.ldc, mr, nr, last_i ? abuf : ap + MR * kc, last_i ? bp + NR * kc : bp);
      }
    }
  }
}

void packed_b_part(void* ctx, int, int, int64_t lo, int64_t hi) {
  const PackedBCtx& c = *static_cast<const PackedBCtx*>(ctx);
  for (int64_t p = lo; p < hi; ++p) {
    int64_t j0, j1;
    part_range(c.N, NR, c.parts, p, &j0, &j1);
    if (j0 < j1) packed_b_cols(c, j0, j1);
  }
}

}  // namespace

/**
 * C (M×N, ldc) = alpha·A·B + beta·C with A row-major (M×K, lda) and B packed by sgemm_pack_b; beta == 0
 * does not read C. Threads split the columns on NR boundaries (each packs A itself: A is the small operand).
 */
void sgemm_packed_b(int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda, const float* Bp, float beta, float* C,
                    int64_t ldc) {
  if (M <= 0 || N <= 0) return;
  if (K == 0 || alpha == 0.0f) {
    scale_c(C, ldc, M, N, alpha, beta);
    return;
  }
  const double flops = 2.0 * static_cast<double>(M) * static_cast<double>(N) * static_cast<double>(K);
  int64_t parts = min_of<int64_t>(num_threads(), ceil_div(N, NR));
  const int64_t by_work = static_cast<int64_t>(flops / kGrainFlops);
  if (parts > by_work) parts = by_work < 1 ? 1 : by_work;
  PackedBCtx c = {M, N, K, alpha, beta, A, lda, Bp, C, ldc, parts};
  if (parts <= 1) {
    packed_b_cols(c, 0, N);
    return;
  }
  parallel_for(parts, 1, packed_b_part, &c);
}

NG_END_ISA
