// Fused optimizer updates (optimStep, see OPTIM_OPS in src/kernels/spec.ts): PyTorch 1.13's
// single-tensor formulas, one pass over the parameter, its gradient and its state instead of one tensor
// op per term. Floats are combined in PyTorch's op order, one rounding per op (FMA contraction is
// switched off for this file: GCC contracts by default in C++ when -mfma is on), so results match the
// reference backend exactly on every ISA.
// Complements PyTorch computes in Python (1 - beta1, 1 - lr·weightDecay) are computed in double.
#include "common.h"

#pragma GCC optimize("fp-contract=off")

NG_BEGIN_ISA
namespace {

constexpr int64_t kGrain = 1 << 14;

struct OptimArgs {
  int op;
  float* p;
  const float* g;
  float* s0;
  float* s1;
  float* s2;
  const double* h;
};

inline float sqrt_f(float x) { return __builtin_sqrtf(x); }
inline float max_nan(float a, float b) { return (a != a || b != b) ? __builtin_nanf("") : (a > b ? a : b); }

void sgd_range(const OptimArgs& a, int64_t lo, int64_t hi) {
  const double* h = a.h;
  const float lr = static_cast<float>(h[0]), mom = static_cast<float>(h[1]), c = static_cast<float>(1.0 - h[2]);
  const float wd = static_cast<float>(h[3]);
  const bool nesterov = h[4] != 0, maximize = h[5] != 0, first = h[6] != 0;
  for (int64_t i = lo; i < hi; ++i) {
    float g = maximize ? -a.g[i] : a.g[i];
    if (wd != 0.0f) g = g + wd * a.p[i];
    if (mom != 0.0f) {
      const float b = first ? g : a.s0[i] * mom + c * g;
      a.s0[i] = b;
      g = nesterov ? g + mom * b : b;
    }
    a.p[i] = a.p[i] - lr * g;
  }
}

void adam_range(const OptimArgs& a, int64_t lo, int64_t hi) {
  const double* h = a.h;
  const float b1 = static_cast<float>(h[1]), b2 = static_cast<float>(h[2]), eps = static_cast<float>(h[3]);
  const float wd = static_cast<float>(h[4]);
  const bool amsgrad = h[5] != 0, maximize = h[6] != 0, decoupled = h[9] != 0;
  const float step_size = static_cast<float>(h[7]), bc2s = static_cast<float>(h[8]);
  const float c1 = static_cast<float>(1.0 - h[1]), c2 = static_cast<float>(1.0 - h[2]);
  const float decay = static_cast<float>(1.0 - h[0] * h[4]);
  for (int64_t i = lo; i < hi; ++i) {
    float g = maximize ? -a.g[i] : a.g[i];
    if (decoupled) {
      if (wd != 0.0f) a.p[i] = a.p[i] * decay;
    } else if (wd != 0.0f) {
      g = g + wd * a.p[i];
    }
    const float m = a.s0[i] * b1 + c1 * g;
    const float v = a.s1[i] * b2 + (c2 * g) * g;
    a.s0[i] = m;
    a.s1[i] = v;
    float vv = v;
    if (amsgrad) {
      vv = max_nan(a.s2[i], v);
      a.s2[i] = vv;
    }
    const float denom = sqrt_f(vv) / bc2s + eps;
    a.p[i] = a.p[i] - step_size * (m / denom);
  }
}

void adagrad_range(const OptimArgs& a, int64_t lo, int64_t hi) {
  const double* h = a.h;
  const float clr = static_cast<float>(h[0]), wd = static_cast<float>(h[1]), eps = static_cast<float>(h[2]);
  const bool maximize = h[3] != 0;
  for (int64_t i = lo; i < hi; ++i) {
    float g = maximize ? -a.g[i] : a.g[i];
    if (wd != 0.0f) g = g + wd * a.p[i];
    const float sum = a.s0[i] + g * g;
    a.s0[i] = sum;
    const float sd = sqrt_f(sum) + eps;
    a.p[i] = a.p[i] - clr * (g / sd);
  }
}

void rmsprop_range(const OptimArgs& a, int64_t lo, int64_t hi) {
  const double* h = a.h;
  const float lr = static_cast<float>(h[0]), alpha = static_cast<float>(h[1]), eps = static_cast<float>(h[2]);
  const float wd = static_cast<float>(h[3]), mom = static_cast<float>(h[4]), c = static_cast<float>(1.0 - h[1]);
  const bool centered = h[5] != 0, maximize = h[6] != 0;
  for (int64_t i = lo; i < hi; ++i) {
    float g = maximize ? -a.g[i] : a.g[i];
    if (wd != 0.0f) g = g + wd * a.p[i];
    const float sq = a.s0[i] * alpha + (c * g) * g;
    a.s0[i] = sq;
    float avg;
    if (centered) {
      const float ga = a.s2[i] * alpha + c * g;
      a.s2[i] = ga;
      avg = sqrt_f(sq - ga * ga);
    } else {
      avg = sqrt_f(sq);
    }
    avg = avg + eps;
    if (mom > 0.0f) {
      const float b = a.s1[i] * mom + g / avg;
      a.s1[i] = b;
      a.p[i] = a.p[i] - lr * b;
    } else {
      a.p[i] = a.p[i] - lr * (g / avg);
    }
  }
}

void adadelta_range(const OptimArgs& a, int64_t lo, int64_t hi) {
  const double* h = a.h;
  const float lr = static_cast<float>(h[0]), rho = static_cast<float>(h[1]), eps = static_cast<float>(h[2]);
  const float wd = static_cast<float>(h[3]), c = static_cast<float>(1.0 - h[1]);
  const bool maximize = h[4] != 0;
  for (int64_t i = lo; i < hi; ++i) {
    float g = maximize ? -a.g[i] : a.g[i];
    if (wd != 0.0f) g = g + wd * a.p[i];
    const float sq = a.s0[i] * rho + (c * g) * g;
    a.s0[i] = sq;
    const float sd = sqrt_f(sq + eps);
    const float delta = sqrt_f(a.s1[i] + eps) / sd * g;
    a.s1[i] = a.s1[i] * rho + (c * delta) * delta;
    a.p[i] = a.p[i] - lr * delta;
  }
}

void run_optim(void* ctx, int, int, int64_t lo, int64_t hi) {
  const OptimArgs& a = *static_cast<const OptimArgs*>(ctx);
  switch (a.op) {
    case O_SGD: return sgd_range(a, lo, hi);
    case O_ADAM: return adam_range(a, lo, hi);
    case O_ADAGRAD: return adagrad_range(a, lo, hi);
    case O_RMSPROP: return rmsprop_range(a, lo, hi);
    case O_ADADELTA: return adadelta_range(a, lo, hi);
    default: return;
  }
}

}  // namespace

void optim_step(int op, int64_t n, float* p, const float* g, float* s0, float* s1, float* s2, const double* h) {
  OptimArgs a = {op, p, g, s0, s1, s2, h};
  parallel_for(n, kGrain, run_optim, &a);
}

NG_END_ISA
