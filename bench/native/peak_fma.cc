// W0 (../shared/bench/WORKLOADS.md): the machine's peak fp32 FMA throughput, measured with
// independent FMA chains held in registers. A standalone benchmark program: bench/w0_peak.ts
// compiles it at run time once per ISA (the ISA comes from the compiler flags: -mavx512f -mfma,
// -mavx2 -mfma, or none for scalar) and parses the JSON it prints. Never part of the addon.
//
// usage: peak_fma <threads,threads,...> <repeats> <target ms per repeat>
// prints: {"isa":"avx512","lanes":16,"accumulators":16,"flops_per_iter":512,
//          "runs":[{"threads":1,"iters":...,"gflops":[...one per repeat...]}, ...]}

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#if defined(__AVX512F__)
#include <immintrin.h>
#define ISA_NAME "avx512"
// 32 zmm registers: 16 chains cover FMA latency (4 cycles) x 2 ports with room to spare.
static constexpr int ACC = 16;
static constexpr int LANES = 16;
typedef __m512 vec;
static inline vec vset(float x) { return _mm512_set1_ps(x); }
static inline vec vfma(vec a, vec b, vec c) { return _mm512_fmadd_ps(a, b, c); }
static inline vec vadd(vec a, vec b) { return _mm512_add_ps(a, b); }
static inline float vsum(vec a) {
  // Not _mm512_reduce_add_ps: GCC 12's version warns about an uninitialised temporary.
  float t[16];
  _mm512_storeu_ps(t, a);
  float s = 0;
  for (float v : t) s += v;
  return s;
}
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define ISA_NAME "avx2"
// 16 ymm registers: 12 chains + 2 constants fit without spills.
static constexpr int ACC = 12;
static constexpr int LANES = 8;
typedef __m256 vec;
static inline vec vset(float x) { return _mm256_set1_ps(x); }
static inline vec vfma(vec a, vec b, vec c) { return _mm256_fmadd_ps(a, b, c); }
static inline vec vadd(vec a, vec b) { return _mm256_add_ps(a, b); }
static inline float vsum(vec a) {
  float t[8];
  _mm256_storeu_ps(t, a);
  return t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
}
#elif defined(__aarch64__) && defined(NG_PEAK_NEON)
#include <arm_neon.h>
#define ISA_NAME "neon"
static constexpr int ACC = 16;
static constexpr int LANES = 4;
typedef float32x4_t vec;
static inline vec vset(float x) { return vdupq_n_f32(x); }
static inline vec vfma(vec a, vec b, vec c) { return vfmaq_f32(c, a, b); }
static inline vec vadd(vec a, vec b) { return vaddq_f32(a, b); }
static inline float vsum(vec a) { return vaddvq_f32(a); }
#else
#define ISA_NAME "scalar"
// NOTE: build with -fno-tree-vectorize (and -fno-slp-vectorize for clang), or the compiler packs the
// independent scalar chains into vectors and this stops measuring scalar throughput.
static constexpr int ACC = 12;
static constexpr int LANES = 1;
typedef float vec;
static inline vec vset(float x) { return x; }
#if defined(__FMA__) || defined(__aarch64__)
static inline vec vfma(vec a, vec b, vec c) { return __builtin_fmaf(a, b, c); }
#else
// No FMA unit: a multiply and an add, still 2 flops per chain step.
static inline vec vfma(vec a, vec b, vec c) { return a * b + c; }
#endif
static inline vec vadd(vec a, vec b) { return a + b; }
static inline float vsum(vec a) { return a; }
#endif

static constexpr long FLOPS_PER_ITER = 2L * ACC * LANES;

// Keeps the initial values opaque and the results alive, so nothing is folded or dropped.
static volatile float g_seed = 1.0f;
static volatile float g_sink = 0.0f;

/** ACC independent chains acc = acc * m + c, `iters` steps each; returns their sum. */
static float chains(long iters) {
  const vec m = vset(0.9999999f * g_seed);
  const vec c = vset(1e-7f * g_seed);
  vec acc[ACC];
#pragma GCC unroll 32
  for (int i = 0; i < ACC; i++) acc[i] = vset(g_seed + 0.01f * i);
  for (long it = 0; it < iters; it++) {
#pragma GCC unroll 32
    for (int i = 0; i < ACC; i++) acc[i] = vfma(acc[i], m, c);
  }
  vec s = acc[0];
#pragma GCC unroll 32
  for (int i = 1; i < ACC; i++) s = vadd(s, acc[i]);
  return vsum(s);
}

using clock_type = std::chrono::steady_clock;

/** Runs `iters` on each of `nth` threads released together; returns wall seconds. */
static double run_threads(int nth, long iters) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  std::vector<float> out(nth);
  for (int ith = 0; ith < nth; ith++) {
    pool.emplace_back([&, ith] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      out[ith] = chains(iters);
    });
  }
  while (ready.load() < nth) {
  }
  const auto t0 = clock_type::now();
  go.store(true, std::memory_order_release);
  for (auto& t : pool) t.join();
  const auto t1 = clock_type::now();
  float s = 0;
  for (float v : out) s += v;
  g_sink = s;
  return std::chrono::duration<double>(t1 - t0).count();
}

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <threads,threads,...> <repeats> <target ms per repeat>\n", argv[0]);
    return 2;
  }
  std::vector<int> threads;
  for (char* p = argv[1]; *p;) {
    char* end = nullptr;
    long n = std::strtol(p, &end, 10);
    if (end == p || n < 1 || n > 4096) {
      std::fprintf(stderr, "bad thread list: %s\n", argv[1]);
      return 2;
    }
    threads.push_back(static_cast<int>(n));
    p = *end == ',' ? end + 1 : end;
  }
  const int repeats = std::atoi(argv[2]);
  const double target_s = std::atof(argv[3]) / 1000.0;
  if (repeats < 1 || !(target_s > 0)) {
    std::fprintf(stderr, "bad repeats or target\n");
    return 2;
  }

  // Calibrate on one thread: grow the chain length until one run takes >= 10 ms, then scale to the
  // target. Every thread runs the same length, so an all-thread run lasts about as long.
  long iters = 1000;
  double t = run_threads(1, iters);
  while (t < 0.01) {
    iters *= 4;
    t = run_threads(1, iters);
  }
  for (int i = 0; i < 2; i++) {  // the fastest of three: a preempted run would make every run short
    const double again = run_threads(1, iters);
    if (again < t) t = again;
  }
  iters = static_cast<long>(iters * (target_s / t)) + 1;

  // The thread counts take turns, repeat by repeat, so a busy moment on a shared machine does not
  // land on all the samples of one count.
  std::vector<std::vector<double>> gflops(threads.size());
  for (int nth : threads) run_threads(nth, iters / 4 + 1);  // warm-up: wake the cores, settle the clock
  for (int r = 0; r < repeats; r++) {
    for (size_t k = 0; k < threads.size(); k++) {
      const double s = run_threads(threads[k], iters);
      gflops[k].push_back(static_cast<double>(FLOPS_PER_ITER) * iters * threads[k] / s / 1e9);
    }
  }
  std::printf("{\"isa\":\"%s\",\"lanes\":%d,\"accumulators\":%d,\"flops_per_iter\":%ld,\"runs\":[", ISA_NAME, LANES, ACC,
              FLOPS_PER_ITER);
  for (size_t k = 0; k < threads.size(); k++) {
    std::printf("%s{\"threads\":%d,\"iters\":%ld,\"gflops\":[", k ? "," : "", threads[k], iters);
    for (size_t r = 0; r < gflops[k].size(); r++) std::printf("%s%.3f", r ? "," : "", gflops[k][r]);
    std::printf("]}");
  }
  std::printf("]}\n");
  return 0;
}
