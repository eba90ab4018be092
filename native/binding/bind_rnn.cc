// Argument checks and calls for the recurrent-layer kernels (see bind_rnn.h). Nothing from JS is trusted: the
// geometry is checked entry by entry, sizes for overflow and against every array's length (y and gy through
// their strides, the workspace and scratch against spec.ts's sizes), lengths for range, and no output may
// overlap an input or another output. Failures throw TypeError/RangeError "<export>: <arg> ...".
#include "bind_rnn.h"

#include <string>
#include <utility>
#include <vector>

#include "args.h"
#include "ng/kernels.h"

namespace ngb {
namespace {

constexpr int64_t kLim = INT64_MAX >> 8;
using ng::DType;

/** a·b·c... with overflow checks. */
int64_t product(const Napi::Env& env, const char* op, std::initializer_list<int64_t> dims, const char* what) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (__builtin_mul_overflow(n, d, &n) || n > kLim) range_error(env, op, std::string(what) + " overflows");
  }
  return n;
}

int64_t sum(const Napi::Env& env, const char* op, std::initializer_list<int64_t> parts, const char* what) {
  int64_t n = 0;
  for (int64_t d : parts) {
    if (__builtin_add_overflow(n, d, &n) || n > kLim) range_error(env, op, std::string(what) + " overflows");
  }
  return n;
}

struct Geometry {
  int mode;
  ng::RnnGeometry g;
  int64_t GH;
};

/** mode and geometry (7 entries, spec.ts RNN_GEOMETRY_KEYS order), every entry < 2^31, reverse 0 or 1. */
Geometry geometry_args(const Napi::CallbackInfo& info, const char* op) {
  static const char* const kNames[7] = {"T", "B", "I", "H", "reverse", "yStrideT", "yStrideB"};
  Geometry r;
  r.mode = static_cast<int>(int_arg(info, 0, op, "mode", 0, ng::RNN_COUNT - 1));
  const std::vector<int64_t> d = dims_arg(info, 1, op, "geometry", 7);
  for (int k = 0; k < 7; ++k) {
    if (d[k] > INT32_MAX) range_error(info.Env(), op, std::string("geometry.") + kNames[k] + " must be < 2^31, got " + std::to_string(d[k]));
  }
  if (d[4] > 1) range_error(info.Env(), op, "geometry.reverse must be 0 or 1, got " + std::to_string(d[4]));
  r.g = {d[0], d[1], d[2], d[3], d[4], d[5], d[6]};
  r.GH = product(info.Env(), op, {ng::rnn_gates(r.mode), r.g.H}, "gates·H");
  return r;
}

/** An operand that may be null: absent → nullptr. */
bool present(const Napi::CallbackInfo& info, size_t i) { return !info[i].IsNull(); }

/** A dense float32 operand of n elements from offset (arguments i, i + 1); returns its pointer and span. */
float* dense(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, int64_t n, Span* span) {
  ArrayArg a = array_arg(info, i, op, name);
  check_dtype(info.Env(), op, a, DType::F32);
  const int64_t off = int_arg(info, i + 1, op, (std::string(name) + "Offset").c_str(), 0, kLim);
  return reinterpret_cast<float*>(strided_ptr(info.Env(), op, a, off, {n}, {1}, span));
}

/** An optional dense operand at (i, i + 1). */
float* dense_opt(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, int64_t n, Span* span) {
  if (!present(info, i)) {
    int_arg(info, i + 1, op, (std::string(name) + "Offset").c_str(), 0, kLim);
    return nullptr;
  }
  return dense(info, i, op, name, n, span);
}

/** An optional float32 output of n elements from index 0 (no offset argument). */
float* out_opt(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, int64_t n, Span* span) {
  if (!present(info, i)) return nullptr;
  ArrayArg a = array_arg(info, i, op, name);
  check_dtype(info.Env(), op, a, DType::F32);
  *span = contiguous_span(info.Env(), op, a, n);
  return reinterpret_cast<float*>(a.data);
}

/** y or gy: [T, B, H] with element strides (yStrideT, yStrideB, 1) from offset (arguments i, i + 1). */
float* strided_y(const Napi::CallbackInfo& info, size_t i, const char* op, const char* name, const ng::RnnGeometry& g, bool output, Span* span) {
  ArrayArg a = array_arg(info, i, op, name);
  check_dtype(info.Env(), op, a, DType::F32);
  const int64_t off = int_arg(info, i + 1, op, (std::string(name) + "Offset").c_str(), 0, kLim);
  const std::vector<int64_t> shape = {g.T, g.B, g.H}, strides = {g.y_stride_t, g.y_stride_b, 1};
  char* p = strided_ptr(info.Env(), op, a, off, shape, strides, span);
  if (output) check_no_self_alias(info.Env(), op, "geometry (y strides)", shape, strides);
  return reinterpret_cast<float*>(p);
}

/** lengths: null or an Int32Array of B entries in [0, T]. */
const int32_t* lengths_arg(const Napi::CallbackInfo& info, size_t i, const char* op, const ng::RnnGeometry& g, Span* span) {
  if (!present(info, i)) return nullptr;
  ArrayArg a = array_arg(info, i, op, "lengths");
  check_dtype(info.Env(), op, a, DType::I32);
  *span = contiguous_span(info.Env(), op, a, g.B);
  const int32_t* l = reinterpret_cast<const int32_t*>(a.data);
  for (int64_t b = 0; b < g.B; ++b) {
    if (l[b] < 0 || l[b] > g.T) range_error(info.Env(), op, "lengths must hold values in [0, " + std::to_string(g.T) + "], got " + std::to_string(l[b]) + " at " + std::to_string(b));
  }
  return l;
}

/** No output may overlap an input or another output. */
void check_disjoint(const Napi::Env& env, const char* op, const std::vector<std::pair<Span, const char*>>& outs,
                    const std::vector<std::pair<Span, const char*>>& ins) {
  for (size_t k = 0; k < outs.size(); ++k) {
    for (const auto& in : ins) check_no_overlap(env, op, outs[k].first, outs[k].second, in.first, in.second);
    for (size_t j = k + 1; j < outs.size(); ++j) check_no_overlap(env, op, outs[k].first, outs[k].second, outs[j].first, outs[j].second);
  }
}

}  // namespace

Napi::Value bind_rnn_forward(const Napi::CallbackInfo& info) {
  const char* op = "rnnForward";
  Napi::Env env = info.Env();
  check_count(info, op, 25);
  const Geometry G = geometry_args(info, op);
  const ng::RnnGeometry& g = G.g;
  const bool lstm = G.mode == ng::RNN_LSTM;
  const int64_t BH = product(env, op, {g.B, g.H}, "B·H");
  Span xs, wis, whs, bis, bhs, h0s, c0s, ls, ys, hns, cns, wss;
  const float* x = dense(info, 2, op, "x", product(env, op, {g.T, g.B, g.I}, "T·B·I"), &xs);
  const float* w_ih = dense(info, 4, op, "wIh", product(env, op, {G.GH, g.I}, "G·H·I"), &wis);
  const float* w_hh = dense(info, 6, op, "wHh", product(env, op, {G.GH, g.H}, "G·H·H"), &whs);
  const float* b_ih = dense_opt(info, 8, op, "bIh", G.GH, &bis);
  const float* b_hh = dense_opt(info, 10, op, "bHh", G.GH, &bhs);
  const float* h0 = dense(info, 12, op, "h0", BH, &h0s);
  const float* c0 = dense_opt(info, 14, op, "c0", BH, &c0s);
  const int32_t* lengths = lengths_arg(info, 16, op, g, &ls);
  float* y = strided_y(info, 17, op, "y", g, true, &ys);
  float* h_n = dense(info, 19, op, "hN", BH, &hns);
  float* c_n = dense_opt(info, 21, op, "cN", BH, &cns);
  const int64_t gw = G.mode == ng::RNN_GRU ? 4 : ng::rnn_gates(G.mode);
  const int64_t ws_n = sum(env, op, {product(env, op, {g.T, g.B, gw, g.H}, "workspace"),
                                     product(env, op, {g.T + 1, g.B, g.H, lstm ? 2 : 1}, "workspace")}, "workspace");
  float* ws = dense(info, 23, op, "ws", ws_n, &wss);
  if (lstm != present(info, 14) || lstm != present(info, 21)) {
    type_error(env, op, lstm ? "c0 and cN must be Float32Arrays for lstm" : "c0 and cN must be null unless mode is lstm");
  }
  check_disjoint(env, op, {{ys, "y"}, {hns, "hN"}, {cns, "cN"}, {wss, "ws"}},
                 {{xs, "x"}, {wis, "wIh"}, {whs, "wHh"}, {bis, "bIh"}, {bhs, "bHh"}, {h0s, "h0"}, {c0s, "c0"}, {ls, "lengths"}});
  ng::kernels().rnn_forward(G.mode, g, x, w_ih, w_hh, b_ih, b_hh, h0, c0, lengths, y, h_n, c_n, ws);
  return env.Undefined();
}

Napi::Value bind_rnn_backward(const Napi::CallbackInfo& info) {
  const char* op = "rnnBackward";
  Napi::Env env = info.Env();
  check_count(info, op, 25);
  const Geometry G = geometry_args(info, op);
  const ng::RnnGeometry& g = G.g;
  const bool lstm = G.mode == ng::RNN_LSTM, gru = G.mode == ng::RNN_GRU;
  const int64_t BH = product(env, op, {g.B, g.H}, "B·H");
  Span xs, wis, whs, ls, wss, gys, ghs, gcs, gxs, gh0s, gc0s, gwis, gwhs, gbis, gbhs, works;
  const float* x = dense(info, 2, op, "x", product(env, op, {g.T, g.B, g.I}, "T·B·I"), &xs);
  const float* w_ih = dense(info, 4, op, "wIh", product(env, op, {G.GH, g.I}, "G·H·I"), &wis);
  const float* w_hh = dense(info, 6, op, "wHh", product(env, op, {G.GH, g.H}, "G·H·H"), &whs);
  const int32_t* lengths = lengths_arg(info, 8, op, g, &ls);
  const int64_t gw = gru ? 4 : ng::rnn_gates(G.mode);
  const int64_t ws_n = sum(env, op, {product(env, op, {g.T, g.B, gw, g.H}, "workspace"),
                                     product(env, op, {g.T + 1, g.B, g.H, lstm ? 2 : 1}, "workspace")}, "workspace");
  const float* ws = dense(info, 9, op, "ws", ws_n, &wss);
  const float* gy = strided_y(info, 11, op, "gy", g, false, &gys);
  const float* gh_n = dense_opt(info, 13, op, "ghN", BH, &ghs);
  const float* gc_n = dense_opt(info, 15, op, "gcN", BH, &gcs);
  float* gx = out_opt(info, 17, op, "gx", product(env, op, {g.T, g.B, g.I}, "T·B·I"), &gxs);
  float* gh0 = out_opt(info, 18, op, "gh0", BH, &gh0s);
  float* gc0 = out_opt(info, 19, op, "gc0", BH, &gc0s);
  float* gw_ih = out_opt(info, 20, op, "gwIh", product(env, op, {G.GH, g.I}, "G·H·I"), &gwis);
  float* gw_hh = out_opt(info, 21, op, "gwHh", product(env, op, {G.GH, g.H}, "G·H·H"), &gwhs);
  float* gb_ih = out_opt(info, 22, op, "gbIh", G.GH, &gbis);
  float* gb_hh = out_opt(info, 23, op, "gbHh", G.GH, &gbhs);
  const int64_t work_n = sum(env, op, {product(env, op, {g.T, g.B, G.GH, gru ? 2 : 1}, "work"), product(env, op, {3, BH}, "work")}, "work");
  ArrayArg wk = array_arg(info, 24, op, "work");
  check_dtype(env, op, wk, DType::F32);
  works = contiguous_span(env, op, wk, work_n);
  if (!lstm && present(info, 15)) type_error(env, op, "gcN must be null unless mode is lstm");
  check_disjoint(env, op,
                 {{gxs, "gx"}, {gh0s, "gh0"}, {gc0s, "gc0"}, {gwis, "gwIh"}, {gwhs, "gwHh"}, {gbis, "gbIh"}, {gbhs, "gbHh"}, {works, "work"}},
                 {{xs, "x"}, {wis, "wIh"}, {whs, "wHh"}, {ls, "lengths"}, {wss, "ws"}, {gys, "gy"}, {ghs, "ghN"}, {gcs, "gcN"}});
  ng::kernels().rnn_backward(G.mode, g, x, w_ih, w_hh, lengths, ws, gy, gh_n, gc_n, gx, gh0, gc0, gw_ih, gw_hh, gb_ih, gb_hh,
                             reinterpret_cast<float*>(wk.data));
  return env.Undefined();
}

}  // namespace ngb
