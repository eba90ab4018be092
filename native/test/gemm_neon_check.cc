// Standalone SGEMM correctness check without Node: runs ng::kernels().sgemm (the best ISA of this
// build, or the one named on the command line) on random shapes — every transpose pair, edge tiles
// around the micro-tile and cache blocks, padded leading dims, batch strides incl. 0, alpha/beta incl.
// beta = 0 over NaN — and compares with a naive triple loop in double. Written for the arm64 NEON
// kernels under qemu (scripts/check-neon.sh), and runs as is on x86-64 for every ISA:
//   gemm_neon_check [isa] [cases] [threads]
// Exit status 0 when every case passes.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "ng/kernels.h"
#include "ng/threadpool.h"

namespace {

struct Rng {
  uint64_t s;
  uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
  int64_t range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1)); }
  float uniform() { return static_cast<float>(next() >> 40) / static_cast<float>(1 << 24) * 2.0f - 1.0f; }
  template <typename T>
  T pick(std::initializer_list<T> xs) {
    return xs.begin()[next() % xs.size()];
  }
};

struct Case {
  int64_t batch, M, N, K, lda, ldb, ldc, sa, sb, sc;
  bool ta, tb;
  float alpha, beta;
};

int64_t dim(Rng& r) {
  // Around the micro-tiles (4x8, 6x16, 8x12, 12x32), MC/KC blocks and the small/GEMV paths.
  return r.pick<int64_t>({1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16, 17, 23, 24, 25, 31, 32, 33, 47, 48, 49, 63, 64, 65, 95, 97});
}

bool run_case(const Case& c, uint64_t seed, int64_t index) {
  Rng r{seed * 2654435761u + 1};
  const int64_t a_rows = c.ta ? c.K : c.M, a_cols = c.ta ? c.M : c.K;
  const int64_t b_rows = c.tb ? c.N : c.K, b_cols = c.tb ? c.K : c.N;
  const int64_t a_len = (c.batch - 1) * c.sa + (a_rows - 1) * c.lda + a_cols;
  const int64_t b_len = (c.batch - 1) * c.sb + (b_rows - 1) * c.ldb + b_cols;
  const int64_t c_len = (c.batch - 1) * c.sc + (c.M - 1) * c.ldc + c.N;
  std::vector<float> A(a_len > 0 ? a_len : 1), B(b_len > 0 ? b_len : 1), C(c_len), C0;
  for (auto& v : A) v = r.uniform();
  for (auto& v : B) v = r.uniform();
  for (auto& v : C) v = c.beta == 0.0f ? NAN : r.uniform();
  // Gaps between rows/matrices must survive: mark them with a sentinel.
  for (int64_t b = 0; b < c.batch; ++b)
    for (int64_t i = 0; i < c.M; ++i)
      for (int64_t j = c.N; j < c.ldc && b * c.sc + i * c.ldc + j < c_len; ++j) C[b * c.sc + i * c.ldc + j] = 12345.0f;
  C0 = C;
  ng::kernels().sgemm(c.batch, c.ta, c.tb, c.M, c.N, c.K, c.alpha, A.data(), c.sa, c.lda, B.data(), c.sb, c.ldb, c.beta, C.data(),
                      c.sc, c.ldc);
  for (int64_t b = 0; b < c.batch; ++b) {
    for (int64_t i = 0; i < c.M; ++i) {
      for (int64_t j = 0; j < c.ldc; ++j) {
        const int64_t ci = b * c.sc + i * c.ldc + j;
        if (ci >= c_len) break;
        if (j >= c.N) {
          if (C[ci] != C0[ci] && !(std::isnan(C[ci]) && std::isnan(C0[ci]))) {
            std::printf("case %lld: wrote outside C at batch %lld row %lld col %lld\n", (long long)index, (long long)b, (long long)i,
                        (long long)j);
            return false;
          }
          continue;
        }
        double acc = 0, mag = 0;
        for (int64_t k = 0; k < c.K; ++k) {
          const double av = c.ta ? A[b * c.sa + k * c.lda + i] : A[b * c.sa + i * c.lda + k];
          const double bv = c.tb ? B[b * c.sb + j * c.ldb + k] : B[b * c.sb + k * c.ldb + j];
          acc += av * bv;
          mag += std::fabs(av * bv);
        }
        const double old = C0[ci];
        const double want = c.beta == 0.0f ? c.alpha * acc : c.alpha * acc + c.beta * old;
        const double bound = 1e-5 * (std::fabs(c.alpha) * mag + (c.beta == 0.0f ? 0.0 : std::fabs(c.beta * old))) + 1e-30;
        if (!(std::fabs(C[ci] - want) <= bound)) {
          std::printf("case %lld: batch %lld C[%lld,%lld] = %.9g, want %.9g (bound %.3g)\n", (long long)index, (long long)b, (long long)i,
                      (long long)j, C[ci], want, bound);
          return false;
        }
      }
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && !ng::set_isa(argv[1])) {
    std::printf("isa %s is not available here\n", argv[1]);
    return 2;
  }
  const int64_t cases = argc > 2 ? std::atoll(argv[2]) : 400;
  if (argc > 3) ng::set_num_threads(std::atoi(argv[3]));
  int failures = 0;
  for (int64_t n = 0; n < cases; ++n) {
    Rng r{static_cast<uint64_t>(n) * 0x9E3779B97F4A7C15ull + 7};
    Case c;
    c.batch = r.pick<int64_t>({1, 1, 1, 2, 3});
    c.M = dim(r);
    c.N = dim(r);
    c.K = r.next() % 8 == 0 ? r.pick<int64_t>({255, 256, 257, 300, 513, 777}) : dim(r);
    if (r.next() % 16 == 0) c.M = r.pick<int64_t>({250, 481, 500});
    if (r.next() % 16 == 0) c.N = r.pick<int64_t>({130, 257, 300});
    c.ta = r.next() % 2;
    c.tb = r.next() % 2;
    const int64_t pad = r.next() % 3 == 0 ? r.range(1, 5) : 0;
    c.lda = (c.ta ? c.M : c.K) + pad;
    c.ldb = (c.tb ? c.K : c.N) + (r.next() % 3 == 0 ? 3 : 0);
    c.ldc = c.N + (r.next() % 3 == 0 ? 2 : 0);
    c.sa = r.next() % 4 == 0 ? 0 : (c.ta ? c.K : c.M) * c.lda + 1;
    c.sb = r.next() % 4 == 0 ? 0 : (c.tb ? c.N : c.K) * c.ldb + 2;
    c.sc = c.M * c.ldc + 3;
    c.alpha = r.pick<float>({1.0f, 1.0f, 0.5f, -2.0f, 0.0f});
    c.beta = r.pick<float>({0.0f, 0.0f, 1.0f, 0.5f, -1.0f});
    if (!run_case(c, static_cast<uint64_t>(n), n)) {
      std::printf("  batch %lld M %lld N %lld K %lld ta %d tb %d lda %lld ldb %lld ldc %lld sa %lld sb %lld alpha %g beta %g\n",
                  (long long)c.batch, (long long)c.M, (long long)c.N, (long long)c.K, c.ta, c.tb, (long long)c.lda, (long long)c.ldb,
                  (long long)c.ldc, (long long)c.sa, (long long)c.sb, c.alpha, c.beta);
      if (++failures >= 10) break;
    }
  }
  std::printf("%s, %d threads: %lld cases, %d failed\n", ng::kernels().isa, ng::num_threads(), (long long)cases, failures);
  return failures == 0 ? 0 : 1;
}
