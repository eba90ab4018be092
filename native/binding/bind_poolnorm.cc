// Argument checks and calls for the pooling and normalisation kernels (see bind_poolnorm.h). Nothing from
// JS is trusted: sizes are checked for overflow and against every array's length, every pooling window is
// checked to lie inside its plane, outputs may not overlap inputs (or each other), dtypes must be float32
// (int32 for indices and windows). Failures throw TypeError/RangeError "<export>: <arg> ...".
#include "bind_poolnorm.h"

#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "args.h"

namespace ngb {
namespace {

constexpr int64_t kLim = INT64_MAX >> 8;
constexpr int64_t kInt32Max = 2147483647;

using ng::DType;

/** A named byte span, for the pairwise overlap checks. */
struct Named {
  Span span;
  const char* name;
};

/** No output may overlap an input or another output. */
void check_disjoint(const Napi::Env& env, const char* op, std::initializer_list<Named> outs, std::initializer_list<Named> ins) {
  for (auto o = outs.begin(); o != outs.end(); ++o) {
    for (const Named& i : ins) check_no_overlap(env, op, o->span, o->name, i.span, i.name);
    for (auto p = o + 1; p != outs.end(); ++p) check_no_overlap(env, op, o->span, o->name, p->span, p->name);
  }
}

/** A float32 array of at least n elements. */
Span float_span(const Napi::Env& env, const char* op, const ArrayArg& a, int64_t n) {
  check_dtype(env, op, a, DType::F32);
  return contiguous_span(env, op, a, n);
}

/** a·b·c... with overflow checks (the product may be 0). */
int64_t checked_product(const Napi::Env& env, const char* op, std::initializer_list<int64_t> dims, const char* what) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (__builtin_mul_overflow(n, d, &n)) range_error(env, op, std::string(what) + " overflows");
  }
  return n;
}

/** Checks one axis of the windows: counts >= 0, starts >= 0, divisors >= 1, non-empty windows inside [0, size). */
void check_axis(const Napi::Env& env, const char* op, const char* axis, const int32_t* start, const int32_t* count, const int32_t* div, int64_t n,
                int64_t size, int64_t dilation) {
  for (int64_t o = 0; o < n; ++o) {
    const int64_t s = start[o], c = count[o], d = div[o];
    const std::string at = std::string("windows: ") + axis + " window " + std::to_string(o);
    if (s < 0 || c < 0) range_error(env, op, at + " has a negative start or count (" + std::to_string(s) + ", " + std::to_string(c) + ")");
    if (d < 1) range_error(env, op, at + " has divisor " + std::to_string(d) + ", must be >= 1");
    if (c > 0 && s + (c - 1) * dilation >= size) {
      range_error(env, op, at + " reaches " + std::to_string(s + (c - 1) * dilation) + ", outside the input's " + std::to_string(size));
    }
  }
}

/**
 * Reads geom (8 entries) and windows (int32, 3·(OH + OW) entries), checks every window and returns the
 * geometry with pointers into windows. With flat_index, ih·W + iw of every window position (and of an empty
 * window's start) must fit an int32 index.
 */
ng::PoolGeom pool_geom_arg(const Napi::CallbackInfo& info, size_t gi, size_t wi, const char* op, bool flat_index, Span* wspan) {
  Napi::Env env = info.Env();
  const auto geom = dims_arg(info, gi, op, "geom", 8);
  ng::PoolGeom g{};
  g.N = geom[0], g.C = geom[1], g.H = geom[2], g.W = geom[3], g.OH = geom[4], g.OW = geom[5], g.dH = geom[6], g.dW = geom[7];
  if (g.dH < 1 || g.dW < 1 || g.dH > kInt32Max || g.dW > kInt32Max) range_error(env, op, "geom: dilations must be in [1, 2^31), got " + std::to_string(g.dH) + ", " + std::to_string(g.dW));
  checked_product(env, op, {g.N, g.C, g.H, g.W}, "geom: N·C·H·W");
  checked_product(env, op, {g.N, g.C, g.OH, g.OW}, "geom: N·C·OH·OW");
  ArrayArg w = array_arg(info, wi, op, "windows");
  check_dtype(env, op, w, DType::I32);
  *wspan = contiguous_span(env, op, w, 3 * (g.OH + g.OW));
  const int32_t* p = reinterpret_cast<const int32_t*>(w.data);
  g.h_start = p, g.h_count = p + g.OH, g.h_div = p + 2 * g.OH;
  g.w_start = p + 3 * g.OH, g.w_count = g.w_start + g.OW, g.w_div = g.w_start + 2 * g.OW;
  check_axis(env, op, "row", g.h_start, g.h_count, g.h_div, g.OH, g.H, g.dH);
  check_axis(env, op, "column", g.w_start, g.w_count, g.w_div, g.OW, g.W, g.dW);
  if (flat_index) {
    int64_t hs = g.H > 0 ? g.H - 1 : 0, ws = g.W > 0 ? g.W - 1 : 0;  // the largest row and column any index names
    for (int64_t o = 0; o < g.OH; ++o) hs = hs > g.h_start[o] ? hs : g.h_start[o];
    for (int64_t o = 0; o < g.OW; ++o) ws = ws > g.w_start[o] ? ws : g.w_start[o];
    int64_t top;
    if (__builtin_mul_overflow(hs, g.W, &top) || __builtin_add_overflow(top, ws, &top) || top > kInt32Max) {
      range_error(env, op, "geom: plane indices ih·W + iw would not fit int32");
    }
  }
  return g;
}

/** avgPool's divisorOverride: an int32 (0: none; PyTorch accepts negative ones). */
int64_t divisor_arg(const Napi::CallbackInfo& info, size_t i, const char* op) {
  const double d = number_arg(info, i, op, "divisorOverride");
  if (!(d == d && d >= -2147483648.0 && d <= 2147483647.0 && static_cast<double>(static_cast<int64_t>(d)) == d)) {
    range_error(info.Env(), op, "divisorOverride must be an int32, got " + std::to_string(d));
  }
  return static_cast<int64_t>(d);
}

/** x over [N, C, H, W] with 4 strides; returns the pointer to element [0, 0, 0, 0]. */
const float* pool_input(const Napi::CallbackInfo& info, size_t i, const char* op, const ng::PoolGeom& g, std::vector<int64_t>* strides, Span* span) {
  Napi::Env env = info.Env();
  ArrayArg x = array_arg(info, i, op, "x");
  const int64_t xoff = int_arg(info, i + 1, op, "xOffset", 0, kLim);
  *strides = dims_arg(info, i + 2, op, "xStrides", 4);
  check_dtype(env, op, x, DType::F32);
  return reinterpret_cast<const float*>(strided_ptr(env, op, x, xoff, {g.N, g.C, g.H, g.W}, *strides, span));
}

}  // namespace

Napi::Value bind_max_pool(const Napi::CallbackInfo& info) {
  const char* op = "maxPool";
  Napi::Env env = info.Env();
  check_count(info, op, 8);
  ArrayArg probe = array_arg(info, 7, op, "indices");  // type errors first, whatever withIndices says
  const bool with = bool_arg(info, 6, op, "withIndices");
  Span ws, xs, os, is;
  const ng::PoolGeom g = pool_geom_arg(info, 0, 1, op, with, &ws);
  std::vector<int64_t> xstr;
  const float* x = pool_input(info, 2, op, g, &xstr, &xs);
  ArrayArg out = array_arg(info, 5, op, "out");
  const int64_t nout = g.N * g.C * g.OH * g.OW;
  os = float_span(env, op, out, nout);
  if (with) {
    check_dtype(env, op, probe, DType::I32);
    is = contiguous_span(env, op, probe, nout);
  }
  check_disjoint(env, op, {{os, "out"}, {is, "indices"}}, {{xs, "x"}, {ws, "windows"}});
  ng::kernels().max_pool(g, x, xstr.data(), reinterpret_cast<float*>(out.data), with ? reinterpret_cast<int32_t*>(probe.data) : nullptr);
  return env.Undefined();
}

Napi::Value bind_avg_pool(const Napi::CallbackInfo& info) {
  const char* op = "avgPool";
  Napi::Env env = info.Env();
  check_count(info, op, 7);
  Span ws, xs, os;
  const ng::PoolGeom g = pool_geom_arg(info, 0, 1, op, false, &ws);
  const int64_t divisor = divisor_arg(info, 2, op);
  std::vector<int64_t> xstr;
  const float* x = pool_input(info, 3, op, g, &xstr, &xs);
  ArrayArg out = array_arg(info, 6, op, "out");
  os = float_span(env, op, out, g.N * g.C * g.OH * g.OW);
  check_disjoint(env, op, {{os, "out"}}, {{xs, "x"}, {ws, "windows"}});
  ng::kernels().avg_pool(g, divisor, x, xstr.data(), reinterpret_cast<float*>(out.data));
  return env.Undefined();
}

Napi::Value bind_max_pool_backward(const Napi::CallbackInfo& info, ng::IndexFault* fault) {
  const char* op = "maxPoolBackward";
  Napi::Env env = info.Env();
  check_count(info, op, 6);
  const int64_t planes = int_arg(info, 0, op, "planes", 0, kLim);
  const int64_t in_size = int_arg(info, 1, op, "inSize", 0, kLim);
  const int64_t out_size = int_arg(info, 2, op, "outSize", 0, kLim);
  const int64_t nin = checked_product(env, op, {planes, in_size}, "planes·inSize");
  const int64_t nout = checked_product(env, op, {planes, out_size}, "planes·outSize");
  ArrayArg grad = array_arg(info, 3, op, "grad");
  ArrayArg indices = array_arg(info, 4, op, "indices");
  ArrayArg gi = array_arg(info, 5, op, "gradInput");
  const Span gs = float_span(env, op, grad, nout);
  check_dtype(env, op, indices, DType::I32);
  const Span is = contiguous_span(env, op, indices, nout);
  const Span os = float_span(env, op, gi, nin);
  check_disjoint(env, op, {{os, "gradInput"}}, {{gs, "grad"}, {is, "indices"}});
  *fault = ng::kernels().max_pool_backward(planes, in_size, out_size, reinterpret_cast<const float*>(grad.data),
                                           reinterpret_cast<const int32_t*>(indices.data), reinterpret_cast<float*>(gi.data));
  return env.Undefined();
}

Napi::Value bind_avg_pool_backward(const Napi::CallbackInfo& info) {
  const char* op = "avgPoolBackward";
  Napi::Env env = info.Env();
  check_count(info, op, 5);
  Span ws;
  const ng::PoolGeom g = pool_geom_arg(info, 0, 1, op, false, &ws);
  const int64_t divisor = divisor_arg(info, 2, op);
  ArrayArg grad = array_arg(info, 3, op, "grad");
  ArrayArg gi = array_arg(info, 4, op, "gradInput");
  const Span gs = float_span(env, op, grad, g.N * g.C * g.OH * g.OW);
  const Span os = float_span(env, op, gi, g.N * g.C * g.H * g.W);
  check_disjoint(env, op, {{os, "gradInput"}}, {{gs, "grad"}, {ws, "windows"}});
  ng::kernels().avg_pool_backward(g, divisor, reinterpret_cast<const float*>(grad.data), reinterpret_cast<float*>(gi.data));
  return env.Undefined();
}

namespace {

/** N, C, S at positions i..i+2; returns N·C·S (checked). */
int64_t ncs_args(const Napi::CallbackInfo& info, size_t i, const char* op, int64_t* N, int64_t* C, int64_t* S) {
  *N = int_arg(info, i, op, "N", 0, kLim);
  *C = int_arg(info, i + 1, op, "C", 0, kLim);
  *S = int_arg(info, i + 2, op, "S", 0, kLim);
  return checked_product(info.Env(), op, {*N, *C, *S}, "N·C·S");
}

const float* fptr(const ArrayArg& a) { return reinterpret_cast<const float*>(a.data); }
float* fmut(const ArrayArg& a) { return reinterpret_cast<float*>(a.data); }

}  // namespace

Napi::Value bind_batch_norm_stats(const Napi::CallbackInfo& info) {
  const char* op = "batchNormStats";
  Napi::Env env = info.Env();
  check_count(info, op, 6);
  ArrayArg x = array_arg(info, 0, op, "x");
  int64_t N, C, S;
  const int64_t total = ncs_args(info, 1, op, &N, &C, &S);
  ArrayArg mean = array_arg(info, 4, op, "mean");
  ArrayArg var = array_arg(info, 5, op, "variance");
  const Span xs = float_span(env, op, x, total);
  const Span ms = float_span(env, op, mean, C);
  const Span vs = float_span(env, op, var, C);
  check_disjoint(env, op, {{ms, "mean"}, {vs, "variance"}}, {{xs, "x"}});
  ng::kernels().batch_norm_stats(fptr(x), N, C, S, fmut(mean), fmut(var));
  return env.Undefined();
}

Napi::Value bind_batch_norm_apply(const Napi::CallbackInfo& info) {
  const char* op = "batchNormApply";
  Napi::Env env = info.Env();
  check_count(info, op, 10);
  ArrayArg x = array_arg(info, 0, op, "x");
  int64_t N, C, S;
  const int64_t total = ncs_args(info, 1, op, &N, &C, &S);
  ArrayArg mean = array_arg(info, 4, op, "mean");
  ArrayArg var = array_arg(info, 5, op, "variance");
  const double eps = number_arg(info, 6, op, "eps");
  ArrayArg weight = array_arg(info, 7, op, "weight");
  ArrayArg bias = array_arg(info, 8, op, "bias");
  ArrayArg out = array_arg(info, 9, op, "out");
  const Span xs = float_span(env, op, x, total);
  const Span ms = float_span(env, op, mean, C), vs = float_span(env, op, var, C);
  const Span wsp = float_span(env, op, weight, C), bs = float_span(env, op, bias, C);
  const Span os = float_span(env, op, out, total);
  check_disjoint(env, op, {{os, "out"}}, {{xs, "x"}, {ms, "mean"}, {vs, "variance"}, {wsp, "weight"}, {bs, "bias"}});
  ng::kernels().batch_norm_apply(fptr(x), N, C, S, fptr(mean), fptr(var), eps, fptr(weight), fptr(bias), fmut(out));
  return env.Undefined();
}

Napi::Value bind_batch_norm_backward(const Napi::CallbackInfo& info) {
  const char* op = "batchNormBackward";
  Napi::Env env = info.Env();
  check_count(info, op, 13);
  ArrayArg grad = array_arg(info, 0, op, "grad");
  ArrayArg x = array_arg(info, 1, op, "x");
  int64_t N, C, S;
  const int64_t total = ncs_args(info, 2, op, &N, &C, &S);
  ArrayArg mean = array_arg(info, 5, op, "mean");
  ArrayArg var = array_arg(info, 6, op, "variance");
  const double eps = number_arg(info, 7, op, "eps");
  ArrayArg weight = array_arg(info, 8, op, "weight");
  const bool training = bool_arg(info, 9, op, "training");
  ArrayArg gi = array_arg(info, 10, op, "gradInput");
  ArrayArg sg = array_arg(info, 11, op, "sumGrad");
  ArrayArg sgx = array_arg(info, 12, op, "sumGradXhat");
  const Span gs = float_span(env, op, grad, total), xs = float_span(env, op, x, total);
  const Span ms = float_span(env, op, mean, C), vs = float_span(env, op, var, C), wsp = float_span(env, op, weight, C);
  const Span gis = float_span(env, op, gi, total), sgs = float_span(env, op, sg, C), sgxs = float_span(env, op, sgx, C);
  check_disjoint(env, op, {{gis, "gradInput"}, {sgs, "sumGrad"}, {sgxs, "sumGradXhat"}},
                 {{gs, "grad"}, {xs, "x"}, {ms, "mean"}, {vs, "variance"}, {wsp, "weight"}});
  ng::kernels().batch_norm_backward(fptr(grad), fptr(x), N, C, S, fptr(mean), fptr(var), eps, fptr(weight), training, fmut(gi), fmut(sg), fmut(sgx));
  return env.Undefined();
}

Napi::Value bind_layer_norm(const Napi::CallbackInfo& info) {
  const char* op = "layerNorm";
  Napi::Env env = info.Env();
  check_count(info, op, 9);
  ArrayArg x = array_arg(info, 0, op, "x");
  const int64_t R = int_arg(info, 1, op, "R", 0, kLim);
  const int64_t L = int_arg(info, 2, op, "L", 0, kLim);
  const int64_t total = checked_product(env, op, {R, L}, "R·L");
  const double eps = number_arg(info, 3, op, "eps");
  ArrayArg weight = array_arg(info, 4, op, "weight");
  ArrayArg bias = array_arg(info, 5, op, "bias");
  ArrayArg out = array_arg(info, 6, op, "out");
  ArrayArg mean = array_arg(info, 7, op, "mean");
  ArrayArg rstd = array_arg(info, 8, op, "rstd");
  const Span xs = float_span(env, op, x, total), wsp = float_span(env, op, weight, L), bs = float_span(env, op, bias, L);
  const Span os = float_span(env, op, out, total), ms = float_span(env, op, mean, R), rs = float_span(env, op, rstd, R);
  check_disjoint(env, op, {{os, "out"}, {ms, "mean"}, {rs, "rstd"}}, {{xs, "x"}, {wsp, "weight"}, {bs, "bias"}});
  ng::kernels().layer_norm(fptr(x), R, L, eps, fptr(weight), fptr(bias), fmut(out), fmut(mean), fmut(rstd));
  return env.Undefined();
}

Napi::Value bind_layer_norm_backward(const Napi::CallbackInfo& info) {
  const char* op = "layerNormBackward";
  Napi::Env env = info.Env();
  check_count(info, op, 11);
  ArrayArg grad = array_arg(info, 0, op, "grad");
  ArrayArg x = array_arg(info, 1, op, "x");
  const int64_t R = int_arg(info, 2, op, "R", 0, kLim);
  const int64_t L = int_arg(info, 3, op, "L", 0, kLim);
  const int64_t total = checked_product(env, op, {R, L}, "R·L");
  ArrayArg mean = array_arg(info, 4, op, "mean");
  ArrayArg rstd = array_arg(info, 5, op, "rstd");
  ArrayArg weight = array_arg(info, 6, op, "weight");
  ArrayArg gi = array_arg(info, 7, op, "gradInput");
  const bool with = bool_arg(info, 8, op, "withParamGrads");
  ArrayArg gw = array_arg(info, 9, op, "gradWeight");
  ArrayArg gb = array_arg(info, 10, op, "gradBias");
  const Span gs = float_span(env, op, grad, total), xs = float_span(env, op, x, total);
  const Span ms = float_span(env, op, mean, R), rs = float_span(env, op, rstd, R), wsp = float_span(env, op, weight, L);
  const Span gis = float_span(env, op, gi, total);
  Span gws, gbs;
  if (with) {
    gws = float_span(env, op, gw, L);
    gbs = float_span(env, op, gb, L);
  }
  check_disjoint(env, op, {{gis, "gradInput"}, {gws, "gradWeight"}, {gbs, "gradBias"}},
                 {{gs, "grad"}, {xs, "x"}, {ms, "mean"}, {rs, "rstd"}, {wsp, "weight"}});
  ng::kernels().layer_norm_backward(fptr(grad), fptr(x), R, L, fptr(mean), fptr(rstd), fptr(weight), fmut(gi), with ? fmut(gw) : nullptr,
                                    with ? fmut(gb) : nullptr);
  return env.Undefined();
}

}  // namespace ngb
