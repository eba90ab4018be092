// The one persistent thread pool shared by all kernels (process-wide, created lazily). The caller's
// thread takes part as worker 0; idle workers spin briefly, then sleep. Only one parallel region runs
// at a time: concurrent callers (e.g. addon instances in several worker_threads) queue on it. A
// parallel_for inside a region runs inline. Plain function pointers only (no std::function), so the
// per-ISA kernel libraries share no inline code with the runtime.
#pragma once
#include <cstdint>

namespace ng {

using ParallelFn = void (*)(void* ctx, int ith, int nth, int64_t lo, int64_t hi);

/**
 * Splits [0, n) into at most num_threads() contiguous ranges of at least `grain` items (deterministic:
 * the same n and thread count give the same ranges) and runs fn on each, the caller doing range 0.
 * Runs inline when n <= grain, with one thread, or when already inside a region.
 */
void parallel_for(int64_t n, int64_t grain, ParallelFn fn, void* ctx);

/**
 * A barrier for the nth parts of one parallel_for region (each part runs on its own thread, all at once,
 * so parts may wait for each other): every part calls barrier_wait(b, nth) with the nth it was given,
 * the same number of times. Spins briefly, then yields the core (a descheduled partner gets to run).
 * Zero-initialise before the region; nth <= 1 returns at once.
 */
struct Barrier {
  int count;
  int gen;
};
void barrier_wait(Barrier* b, int nth);

/**
 * Threads a parallel_for started on this thread may use (>= 1): 1 inside a region, where it runs inline, so
 * a kernel called from another kernel's task splits its work for one thread (no per-part repacking).
 */
int num_threads();

/** Sets the thread count (1 ... 1024); takes effect for the next region. */
void set_num_threads(int n);

/** Physical cores of this machine (the default thread count, unless NODEGRAD_NUM_THREADS is set). */
int physical_cores();

}  // namespace ng
