// Standalone SGEMM timing without Node (development aid, not part of the addon or the tests):
//   gemm_bench M K N [NN|TN|NT|TT] [threads] [isa] [repeats]
// prints the median and best GFLOPS of ng::kernels().sgemm. Build: scripts/build-gemm-bench.sh (out/gemm_bench).
// GEMM_BENCH_CPUTIME=1 times process CPU time instead of wall time (steadier on a shared machine for
// one thread; meaningless with several).
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <algorithm>

#include "ng/kernels.h"
#include "ng/threadpool.h"

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s M K N [NN|TN|NT|TT] [threads] [isa] [repeats]\n", argv[0]);
    return 2;
  }
  const int64_t M = std::atoll(argv[1]), K = std::atoll(argv[2]), N = std::atoll(argv[3]);
  const char* layout = argc > 4 ? argv[4] : "NN";
  const bool ta = layout[0] == 'T', tb = layout[1] == 'T';
  if (argc > 5) ng::set_num_threads(std::atoi(argv[5]));
  if (argc > 6 && !ng::set_isa(argv[6])) {
    std::fprintf(stderr, "isa %s not available\n", argv[6]);
    return 2;
  }
  const int repeats = argc > 7 ? std::atoi(argv[7]) : 7;
  std::vector<float> A(M * K), B(K * N), C(M * N);
  for (auto& v : A) v = static_cast<float>(std::rand()) / RAND_MAX - 0.5f;
  for (auto& v : B) v = static_cast<float>(std::rand()) / RAND_MAX - 0.5f;
  const bool cputime = std::getenv("GEMM_BENCH_CPUTIME") && std::getenv("GEMM_BENCH_CPUTIME")[0] == '1';
  auto now = [cputime]() {
    timespec t;
    clock_gettime(cputime ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t);
    return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
  };
  auto call = [&]() {
    ng::kernels().sgemm(1, ta, tb, M, N, K, 1.0f, A.data(), 0, ta ? M : K, B.data(), 0, tb ? K : N, 0.0f, C.data(), 0, N);
  };
  // Like bench/w1_gemm.ts: warm-up calls, then samples of back-to-back calls lasting ~20 ms each (short
  // calls timed one by one are dominated by clock and cold-cache noise); a sample is their mean.
  double t1 = 0;
  for (int r = 0; r < 3; ++r) {
    const double t0 = now();
    call();
    t1 = now() - t0;
  }
  const int inner = std::max(1, static_cast<int>(0.02 / std::max(t1, 1e-7)));
  std::vector<double> ts;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = now();
    for (int i = 0; i < inner; ++i) call();
    ts.push_back((now() - t0) / inner);
  }
  std::sort(ts.begin(), ts.end());
  const double flops = 2.0 * M * N * K;
  std::printf("%s %lldx%lldx%lld %s threads %d: median %.1f GFLOPS, best %.1f\n", ng::kernels().isa, (long long)M, (long long)K,
              (long long)N, layout, ng::num_threads(), flops / ts[ts.size() / 2] / 1e9, flops / ts[0] / 1e9);
  return 0;
}
