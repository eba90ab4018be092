// The persistent thread pool (see ng/threadpool.h). Workers wait for a new "generation" (job): they
// spin for up to kSpinMicros (kernels of one training step come back to back), then sleep on a
// condition variable, so an idle Node process burns no CPU. The pool object is intentionally never
// destroyed: at process exit the threads simply end (the addon is linked with -z nodelete, so its
// code stays mapped while they run).
#include "ng/threadpool.h"

#include <sched.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

namespace ng {
namespace {

constexpr int64_t kSpinMicros = 200;

inline void cpu_relax() {
#if defined(__x86_64__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ volatile("yield");
#endif
}

thread_local bool tl_in_region = false;

int read_int_file(const char* path) {
  FILE* f = std::fopen(path, "r");
  if (!f) return -1;
  int v = -1;
  if (std::fscanf(f, "%d", &v) != 1) v = -1;
  std::fclose(f);
  return v;
}

int detect_physical_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  int logical = static_cast<int>(std::thread::hardware_concurrency());
  if (sched_getaffinity(0, sizeof(set), &set) == 0) logical = CPU_COUNT(&set);
  std::set<std::pair<int, int>> cores;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &set)) continue;
    char path[128];
    std::snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
    const int core = read_int_file(path);
    std::snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
    const int pkg = read_int_file(path);
    if (core < 0) return logical > 0 ? logical : 1;
    cores.insert({pkg, core});
  }
  const int n = static_cast<int>(cores.size());
  return n > 0 ? n : (logical > 0 ? logical : 1);
}

int default_threads() {
  if (const char* env = std::getenv("NODEGRAD_NUM_THREADS")) {
    char* end = nullptr;
    const long v = std::strtol(env, &end, 10);
    if (end != env && *end == '\0' && v >= 1 && v <= 1024) return static_cast<int>(v);
  }
  return physical_cores();
}

class Pool {
 public:
  Pool() { start(default_threads()); }

  int threads() const { return nthreads_.load(); }

  void resize(int n) {
    std::lock_guard<std::mutex> region(region_mu_);
    stop_workers();
    start(n);
  }

  void run(int64_t n, int64_t grain, ParallelFn fn, void* ctx) {
    if (n <= 0) return;
    const int64_t g = grain < 1 ? 1 : grain;
    if (tl_in_region || n <= g || nthreads_.load() <= 1) {
      fn(ctx, 0, 1, 0, n);
      return;
    }
    std::lock_guard<std::mutex> region(region_mu_);
    const int total = nthreads_.load();
    int64_t nth = n / g;
    if (nth > total) nth = total;
    if (nth < 2) {
      tl_in_region = true;
      fn(ctx, 0, 1, 0, n);
      tl_in_region = false;
      return;
    }
    job_fn_ = fn;
    job_ctx_ = ctx;
    job_n_ = n;
    job_nth_ = static_cast<int>(nth);
    remaining_.store(total - 1);
    generation_.fetch_add(1);
    if (sleepers_.load() > 0) {
      std::lock_guard<std::mutex> lk(sleep_mu_);
      sleep_cv_.notify_all();
    }
    tl_in_region = true;
    run_part(0);
    tl_in_region = false;
    while (remaining_.load(std::memory_order_acquire) != 0) cpu_relax();
  }

 private:
  void run_part(int ith) {
    if (ith >= job_nth_) return;
    const int64_t chunk = (job_n_ + job_nth_ - 1) / job_nth_;
    const int64_t lo = chunk * ith;
    const int64_t hi = lo + chunk < job_n_ ? lo + chunk : job_n_;
    if (lo < hi) job_fn_(job_ctx_, ith, job_nth_, lo, hi);
  }

  void worker(int ith, uint64_t seen) {
    tl_in_region = true;
    for (;;) {
      // Spin briefly for the next job, then sleep.
      const auto t0 = std::chrono::steady_clock::now();
      int spins = 0;
      while (generation_.load() == seen && !stop_.load()) {
        cpu_relax();
        if (++spins % 256 == 0 && std::chrono::steady_clock::now() - t0 > std::chrono::microseconds(kSpinMicros)) break;
      }
      if (generation_.load() == seen && !stop_.load()) {
        std::unique_lock<std::mutex> lk(sleep_mu_);
        sleepers_.fetch_add(1);
        sleep_cv_.wait(lk, [&] { return generation_.load() != seen || stop_.load(); });
        sleepers_.fetch_sub(1);
      }
      if (stop_.load()) return;
      seen = generation_.load();
      run_part(ith);
      remaining_.fetch_sub(1, std::memory_order_release);
    }
  }

  void start(int n) {
    nthreads_.store(n);
    stop_.store(false);
    const uint64_t gen = generation_.load();
    for (int i = 1; i < n; ++i) workers_.emplace_back([this, i, gen] { worker(i, gen); });
  }

  void stop_workers() {
    stop_.store(true);
    {
      std::lock_guard<std::mutex> lk(sleep_mu_);
      sleep_cv_.notify_all();
    }
    for (std::thread& t : workers_) t.join();
    workers_.clear();
  }

  std::mutex region_mu_;
  std::vector<std::thread> workers_;
  std::atomic<int> nthreads_{1};
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> remaining_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;
  ParallelFn job_fn_ = nullptr;
  void* job_ctx_ = nullptr;
  int64_t job_n_ = 0;
  int job_nth_ = 0;
};

Pool& pool() {
  // NOTE: leaked on purpose (see the file comment); a static object would join threads at exit.
  static Pool* p = new Pool();
  return *p;
}

}  // namespace

void parallel_for(int64_t n, int64_t grain, ParallelFn fn, void* ctx) { pool().run(n, grain, fn, ctx); }

void barrier_wait(Barrier* b, int nth) {
  if (nth <= 1) return;
  const int gen = __atomic_load_n(&b->gen, __ATOMIC_ACQUIRE);
  if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == nth) {
    // Last to arrive: reset the count before releasing the others (they see it through gen's release).
    __atomic_store_n(&b->count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&b->gen, gen + 1, __ATOMIC_RELEASE);
    return;
  }
  for (int spins = 0; __atomic_load_n(&b->gen, __ATOMIC_ACQUIRE) == gen; ++spins) {
    if (spins < 20000) cpu_relax();
    else sched_yield();
  }
}

int num_threads() { return tl_in_region ? 1 : pool().threads(); }

void set_num_threads(int n) {
  if (n < 1) n = 1;
  if (n > 1024) n = 1024;
  if (n != pool().threads()) pool().resize(n);
}

int physical_cores() {
  static const int n = detect_physical_cores();
  return n;
}

}  // namespace ng
