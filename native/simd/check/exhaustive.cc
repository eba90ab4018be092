// Standalone accuracy check of native/simd/vec_math.h against double-precision libm, over every float
// (or every `stride`-th bit pattern). Not part of the addon build. Per ISA, e.g.:
//   g++ -O2 -std=c++20 -DNG_ISA=avx512 -mavx512f -mavx512bw -mavx512vl -mavx512dq -mfma
//       native/simd/check/exhaustive.cc -o /tmp/vm512 -pthread && /tmp/vm512 1
//   g++ -O2 -std=c++20 -DNG_ISA=avx2 -mavx2 -mfma ...;   g++ -O2 -std=c++20 -DNG_ISA=scalar ...
//   aarch64-linux-gnu-g++ -O2 -std=c++20 -DNG_ISA=neon -static ... && qemu-aarch64 /tmp/vmneon 97
// Prints, per function, the max error in ulps of the exact result (ulp = spacing of floats at the
// true value; subnormal spacing 2^-149 below 2^-126) and any inf/NaN class mismatch.
#include "../vec_math.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <thread>
#include <vector>

#define NG_STR2(x) #x
#define NG_STR(x) NG_STR2(x)
#define NG_VEC_ISA_NAME NG_STR(NG_ISA)

using ng::NG_ISA::Vec;
namespace vm = ng::NG_ISA;

namespace {

struct Fn {
  const char* name;
  Vec (*vec)(Vec);
  double (*ref)(double);
};

double sigmoid_ref(double x) { return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)); }

const Fn kFns[] = {
    {"exp", [](Vec x) { return vm::vexp(x); }, [](double x) { return exp(x); }},
    {"expm1", [](Vec x) { return vm::vexpm1(x); }, [](double x) { return expm1(x); }},
    {"log", [](Vec x) { return vm::vlog(x); }, [](double x) { return log(x); }},
    {"log1p", [](Vec x) { return vm::vlog1p(x); }, [](double x) { return log1p(x); }},
    {"tanh", [](Vec x) { return vm::vtanh(x); }, [](double x) { return tanh(x); }},
    {"sigmoid", [](Vec x) { return vm::vsigmoid(x); }, sigmoid_ref},
    {"erf", [](Vec x) { return vm::verf(x); }, [](double x) { return erf(x); }},
};
constexpr int kNumFns = sizeof(kFns) / sizeof(kFns[0]);

struct Stat {
  double max_ulp = 0;
  float worst_x = 0;
  float worst_y = 0;
  double worst_ref = 0;
  uint64_t bad_class = 0;  // inf/NaN where the other is not, or a wrong infinity
  float bad_x = 0;
  uint64_t over_1ulp = 0;
};

double ulp_of(double v) {
  const double a = fabs(v);
  int e = a == 0 ? -126 : ilogb(a);
  if (e < -126) e = -126;
  return ldexp(1.0, e - 23);
}

void check(const Fn& f, uint64_t lo, uint64_t hi, uint64_t stride, Stat& s) {
  float xs[Vec::kLanes], ys[Vec::kLanes];
  int fill = 0;
  auto flush = [&] {
    const Vec y = f.vec(Vec::loadu(xs));
    Vec::storeu(ys, y);
    for (int l = 0; l < fill; ++l) {
      const double ref = f.ref(static_cast<double>(xs[l]));
      const float rf = static_cast<float>(ref);
      const float yv = ys[l];
      if (isnan(rf) || isinf(rf) || isnan(yv) || isinf(yv)) {
        const bool same = (isnan(rf) && isnan(yv)) || rf == yv;
        if (!same) {
          if (s.bad_class++ == 0) s.bad_x = xs[l];
        }
        continue;
      }
      const double err = fabs(static_cast<double>(yv) - ref) / ulp_of(ref);
      if (err > 1) s.over_1ulp++;
      if (err > s.max_ulp) {
        s.max_ulp = err;
        s.worst_x = xs[l];
        s.worst_y = yv;
        s.worst_ref = ref;
      }
    }
    fill = 0;
  };
  for (uint64_t b = lo; b < hi; b += stride) {
    uint32_t u = static_cast<uint32_t>(b);
    memcpy(&xs[fill++], &u, 4);
    if (fill == Vec::kLanes) flush();
  }
  if (fill) {
    for (int l = fill; l < Vec::kLanes; ++l) xs[l] = 0;
    flush();
  }
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t stride = argc > 1 ? strtoull(argv[1], nullptr, 10) : 1;
  const int nth = argc > 2 ? atoi(argv[2]) : static_cast<int>(std::thread::hardware_concurrency());
  const char* only = argc > 3 ? argv[3] : nullptr;
  printf("vec_math exhaustive check: isa %s, %d lanes, stride %llu, %d threads\n", NG_VEC_ISA_NAME, Vec::kLanes,
         static_cast<unsigned long long>(stride), nth);
  for (int fi = 0; fi < kNumFns; ++fi) {
    const Fn& f = kFns[fi];
    if (only && strcmp(only, f.name) != 0) continue;
    std::vector<Stat> st(nth);
    std::vector<std::thread> ts;
    const uint64_t total = 1ull << 32;
    const uint64_t chunk = (total / stride / nth + 1) * stride;
    for (int t = 0; t < nth; ++t) {
      const uint64_t lo = chunk * t, hi = lo + chunk < total ? lo + chunk : total;
      ts.emplace_back([&, t, lo, hi] { if (lo < hi) check(f, lo, hi, stride, st[t]); });
    }
    for (auto& t : ts) t.join();
    Stat all;
    for (const Stat& s : st) {
      all.bad_class += s.bad_class;
      all.over_1ulp += s.over_1ulp;
      if (s.bad_class && !all.bad_x) all.bad_x = s.bad_x;
      if (s.max_ulp > all.max_ulp) all = Stat{s.max_ulp, s.worst_x, s.worst_y, s.worst_ref, all.bad_class, all.bad_x, all.over_1ulp};
    }
    printf("%-8s max %.3f ulp at x=%.9g (got %.9g, exact %.12g); >1ulp: %llu; inf/NaN mismatches: %llu", f.name, all.max_ulp,
           all.worst_x, all.worst_y, all.worst_ref, static_cast<unsigned long long>(all.over_1ulp),
           static_cast<unsigned long long>(all.bad_class));
    if (all.bad_class) printf(" (first at x=%.9g)", all.bad_x);
    printf("\n");
  }
  return 0;
}
