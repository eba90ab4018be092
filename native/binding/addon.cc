// The addon: the whole binding surface on one screen. One wrapper per kernel family: validate every
// argument (args.h), call the kernel on raw pointers, turn a non-OK Status into the JS error class
// handed over by init(). Per-environment instance data keeps it safe in worker_threads.
#include <napi.h>

#include "args.h"
#include "bind_poolnorm.h"
#include "bind_rnn.h"
#include "ng/kernels.h"
#include "ng/scratch.h"
#include "ng/status.h"
#include "ng/threadpool.h"

#ifndef NG_VERSION
#define NG_VERSION "0.0.0"
#endif

// The kernel list, in the order of src/kernels/spec.ts KERNEL_NAMES.
#define NG_KERNELS(X) X(copy, js_copy) X(unary, js_unary) X(binary, js_binary) X(where, js_where) X(reduce, js_reduce) \
  X(argReduce, js_arg_reduce) X(softmax, js_softmax) X(gemm, js_gemm) X(gather, js_gather) X(scatterAdd, js_scatter_add) \
  X(optimStep, js_optim_step) \
  X(conv2d, js_conv2d) X(conv2dBackwardInput, js_conv2d_backward_input) X(conv2dBackwardWeight, js_conv2d_backward_weight) \
  X(maxPool, js_max_pool) X(avgPool, js_avg_pool) X(maxPoolBackward, js_max_pool_backward) X(avgPoolBackward, js_avg_pool_backward) \
  X(batchNormStats, js_batch_norm_stats) X(batchNormApply, js_batch_norm_apply) X(batchNormBackward, js_batch_norm_backward) \
  X(layerNorm, js_layer_norm) X(layerNormBackward, js_layer_norm_backward) \
  X(rnnForward, js_rnn_forward) X(rnnBackward, js_rnn_backward)

namespace {

using namespace ngb;
using ng::DType;

Napi::Array names_array(Napi::Env env, const char* const* names, int n) {
  Napi::Array arr = Napi::Array::New(env, n);
  for (int i = 0; i < n; ++i) arr.Set(static_cast<uint32_t>(i), Napi::String::New(env, names[i]));
  return arr;
}

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
      InstanceMethod("init", &Addon::js_init),
      InstanceMethod("info", &Addon::js_info),
      InstanceMethod("kernelNames", &Addon::js_kernel_names),
      InstanceMethod("opNames", &Addon::js_op_names),
      InstanceMethod("setNumThreads", &Addon::js_set_num_threads),
      InstanceMethod("setIsa", &Addon::js_set_isa),
#define NG_EXPORT(js, cc) InstanceMethod(#js, &Addon::checked<&Addon::cc, K_##js>),
      NG_KERNELS(NG_EXPORT)
#undef NG_EXPORT
    });
  }

 private:
#define NG_INDEX(js, cc) K_##js,
  enum KernelIndex { NG_KERNELS(NG_INDEX) K_COUNT };
#undef NG_INDEX

  /**
   * Runs a kernel binding; if any scratch request failed meanwhile (the kernel gave up, its outputs are not
   * valid), throws a RangeError naming the kernel instead of returning them.
   */
  template <Napi::Value (Addon::*M)(const Napi::CallbackInfo&), int K>
  Napi::Value checked(const Napi::CallbackInfo& info) {
#define NG_NAME(js, cc) #js,
    static const char* const names[K_COUNT] = {NG_KERNELS(NG_NAME)};
#undef NG_NAME
    const uint64_t before = ng::scratch_failures();
    Napi::Value r = (this->*M)(info);
    if (ng::scratch_failures() != before) {
      range_error(info.Env(), names[K], "out of memory: the kernel could not allocate its scratch buffers (its outputs are not valid)");
    }
    return r;
  }

  Napi::FunctionReference shape_error_, index_error_, argument_error_, backend_error_;

  /** init({ShapeError, IndexError, ArgumentError, BackendError, ...}): the JS error classes native throws. */
  Napi::Value js_init(const Napi::CallbackInfo& info) {
    check_count(info, "init", 1);
    if (!info[0].IsObject()) type_error(info.Env(), "init", "errors must be an object, got " + describe(info[0]));
    auto obj = info[0].As<Napi::Object>();
    // Check every class before keeping any, so a failed init leaves the previous classes in place.
    const char* const keys[] = {"ShapeError", "IndexError", "ArgumentError", "BackendError"};
    Napi::Function fns[4];
    for (int k = 0; k < 4; ++k) {
      Napi::Value v = obj.Get(keys[k]);
      if (!v.IsFunction()) type_error(info.Env(), "init", std::string("errors.") + keys[k] + " must be a class, got " + describe(v));
      fns[k] = v.As<Napi::Function>();
    }
    shape_error_ = Napi::Persistent(fns[0]);
    index_error_ = Napi::Persistent(fns[1]);
    argument_error_ = Napi::Persistent(fns[2]);
    backend_error_ = Napi::Persistent(fns[3]);
    return info.Env().Undefined();
  }

  Napi::Value js_info(const Napi::CallbackInfo& info) {
    check_count(info, "info", 0);
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("version", NG_VERSION);
    o.Set("isa", ng::kernels().isa);
    const char* names[8];
    const int n = ng::isa_available(names, 8);
    o.Set("isaAvailable", names_array(env, names, n));
    o.Set("threads", ng::num_threads());
    o.Set("physicalCores", ng::physical_cores());
    o.Set("napiVersion", NAPI_VERSION);
    return o;
  }

  Napi::Value js_kernel_names(const Napi::CallbackInfo& info) {
    check_count(info, "kernelNames", 0);
    static const char* const names[] = {
#define NG_NAME(js, cc) #js,
        NG_KERNELS(NG_NAME)
#undef NG_NAME
    };
    return names_array(info.Env(), names, static_cast<int>(sizeof(names) / sizeof(names[0])));
  }

  Napi::Value js_op_names(const Napi::CallbackInfo& info) {
    check_count(info, "opNames", 0);
    Napi::Env env = info.Env();
    Napi::Object o = Napi::Object::New(env);
    o.Set("unary", names_array(env, ng::kUnaryOpNames, ng::U_COUNT));
    o.Set("binary", names_array(env, ng::kBinaryOpNames, ng::B_COUNT));
    o.Set("reduce", names_array(env, ng::kReduceOpNames, ng::R_COUNT));
    o.Set("argReduce", names_array(env, ng::kArgReduceOpNames, ng::A_COUNT));
    o.Set("softmax", names_array(env, ng::kSoftmaxOpNames, ng::S_COUNT));
    o.Set("optim", names_array(env, ng::kOptimOpNames, ng::O_COUNT));
    o.Set("rnn", names_array(env, ng::kRnnModeNames, ng::RNN_COUNT));
    return o;
  }

  // setNumThreads(n): threads of the shared pool for all following kernels (1 ... 1024).
  Napi::Value js_set_num_threads(const Napi::CallbackInfo& info) {
    check_count(info, "setNumThreads", 1);
    const int64_t n = int_arg(info, 0, "setNumThreads", "n", 1, 1024);
    ng::set_num_threads(static_cast<int>(n));
    return info.Env().Undefined();
  }

  // setIsa(name): switches the kernel table (tests and benchmarks walk every ISA this CPU runs).
  Napi::Value js_set_isa(const Napi::CallbackInfo& info) {
    check_count(info, "setIsa", 1);
    if (!info[0].IsString()) type_error(info.Env(), "setIsa", "name must be a string, got " + describe(info[0]));
    const std::string name = info[0].As<Napi::String>().Utf8Value();
    if (!ng::set_isa(name.c_str())) range_error(info.Env(), "setIsa", "name '" + name + "' is not an ISA this build and CPU can run");
    return info.Env().Undefined();
  }

  /** Throws an index fault as an IndexError(op, 'index', message). */
  void throw_fault(Napi::Env env, const char* op, const ng::IndexFault& f) {
    throw_status(env, ng::Status::error(ng::StatusCode::INDEX_OUT_OF_RANGE, op, "index",
                                        std::to_string(f.value) + " is out of bounds for dimension " + std::to_string(f.dim) +
                                            " with size " + std::to_string(f.size)));
  }

  /** Throws a non-OK status as the matching JS error class (IndexError(op, arg, message), ...). */
  void throw_status(Napi::Env env, const ng::Status& s) {
    Napi::FunctionReference* cls = s.code == ng::StatusCode::INDEX_OUT_OF_RANGE ? &index_error_
                                   : s.code == ng::StatusCode::SHAPE_MISMATCH   ? &shape_error_
                                   : s.code == ng::StatusCode::INVALID_ARGUMENT ? &argument_error_
                                                                                : &backend_error_;
    if (cls->IsEmpty()) throw Napi::Error::New(env, s.op + ": " + s.arg + " " + s.message);
    Napi::Object err = cls->New({Napi::String::New(env, s.op), Napi::String::New(env, s.arg), Napi::String::New(env, s.message)});
    throw Napi::Error(env, err);
  }

  // copy(shape, src, srcOffset, srcStrides, dst, dstOffset, dstStrides)
  Napi::Value js_copy(const Napi::CallbackInfo& info) {
    const char* op = "copy";
    Napi::Env env = info.Env();
    check_count(info, op, 7);
    auto shape = dims_arg(info, 0, op, "shape");
    const int rank = static_cast<int>(shape.size());
    checked_numel(env, op, shape);
    ArrayArg src = array_arg(info, 1, op, "src");
    int64_t soff = int_arg(info, 2, op, "srcOffset", 0, INT64_MAX >> 8);
    auto sstr = dims_arg(info, 3, op, "srcStrides", rank);
    ArrayArg dst = array_arg(info, 4, op, "dst");
    int64_t doff = int_arg(info, 5, op, "dstOffset", 0, INT64_MAX >> 8);
    auto dstr = dims_arg(info, 6, op, "dstStrides", rank);
    Span ss, ds;
    char* sp = strided_ptr(env, op, src, soff, shape, sstr, &ss);
    char* dp = strided_ptr(env, op, dst, doff, shape, dstr, &ds);
    check_no_self_alias(env, op, "dstStrides", shape, dstr);
    check_no_overlap(env, op, ds, "dst", ss, "src");
    ng::kernels().copy(rank, shape.data(), src.dtype, {sp, sstr.data()}, dst.dtype, {dp, dstr.data()});
    return env.Undefined();
  }

  // unary(op, x, out, n, alpha, beta)
  Napi::Value js_unary(const Napi::CallbackInfo& info) {
    const char* op = "unary";
    Napi::Env env = info.Env();
    check_count(info, op, 6);
    const int code = static_cast<int>(int_arg(info, 0, op, "op", 0, ng::U_COUNT - 1));
    ArrayArg x = array_arg(info, 1, op, "x");
    ArrayArg out = array_arg(info, 2, op, "out");
    const int64_t n = int_arg(info, 3, op, "n", 0, INT64_MAX >> 8);
    const double alpha = number_arg(info, 4, op, "alpha");
    const double beta = number_arg(info, 5, op, "beta");
    check_dtype(env, op, out, x.dtype);
    if (x.dtype == DType::U8 || (x.dtype == DType::I32 && !ng::unary_supports_int(code))) {
      type_error(env, op, std::string("op '") + ng::kUnaryOpNames[code] + "' does not support " + ng::dtype_name(x.dtype) + " arrays");
    }
    Span xs = contiguous_span(env, op, x, n);
    Span os = contiguous_span(env, op, out, n);
    check_no_overlap(env, op, os, "out", xs, "x", /*allow_identical=*/true);
    ng::kernels().unary(code, x.dtype, x.data, out.data, n, alpha, beta);
    return env.Undefined();
  }

  // binary(op, shape, a, aOffset, aStrides, b, bOffset, bStrides, out)
  Napi::Value js_binary(const Napi::CallbackInfo& info) {
    const char* op = "binary";
    Napi::Env env = info.Env();
    check_count(info, op, 9);
    const int code = static_cast<int>(int_arg(info, 0, op, "op", 0, ng::B_COUNT - 1));
    auto shape = dims_arg(info, 1, op, "shape");
    const int rank = static_cast<int>(shape.size());
    const int64_t n = checked_numel(env, op, shape);
    ArrayArg a = array_arg(info, 2, op, "a");
    int64_t aoff = int_arg(info, 3, op, "aOffset", 0, INT64_MAX >> 8);
    auto astr = dims_arg(info, 4, op, "aStrides", rank);
    ArrayArg b = array_arg(info, 5, op, "b");
    int64_t boff = int_arg(info, 6, op, "bOffset", 0, INT64_MAX >> 8);
    auto bstr = dims_arg(info, 7, op, "bStrides", rank);
    ArrayArg out = array_arg(info, 8, op, "out");
    check_dtype(env, op, b, a.dtype);
    const bool cmp = ng::binary_is_comparison(code);
    check_dtype(env, op, out, cmp ? DType::U8 : a.dtype);
    if (!cmp && a.dtype == DType::U8 && code != ng::B_MAXIMUM && code != ng::B_MINIMUM) {
      type_error(env, op, std::string("op '") + ng::kBinaryOpNames[code] + "' does not support bool arrays");
    }
    Span as, bs;
    char* ap = strided_ptr(env, op, a, aoff, shape, astr, &as);
    char* bp = strided_ptr(env, op, b, boff, shape, bstr, &bs);
    Span os = contiguous_span(env, op, out, n);
    check_no_overlap(env, op, os, "out", as, "a");
    check_no_overlap(env, op, os, "out", bs, "b");
    ng::kernels().binary(code, rank, shape.data(), a.dtype, {ap, astr.data()}, {bp, bstr.data()}, out.data);
    return env.Undefined();
  }

  // where(shape, cond, cOffset, cStrides, a, aOffset, aStrides, b, bOffset, bStrides, out)
  Napi::Value js_where(const Napi::CallbackInfo& info) {
    const char* op = "where";
    Napi::Env env = info.Env();
    check_count(info, op, 11);
    auto shape = dims_arg(info, 0, op, "shape");
    const int rank = static_cast<int>(shape.size());
    const int64_t n = checked_numel(env, op, shape);
    ArrayArg c = array_arg(info, 1, op, "cond");
    int64_t coff = int_arg(info, 2, op, "cOffset", 0, INT64_MAX >> 8);
    auto cstr = dims_arg(info, 3, op, "cStrides", rank);
    ArrayArg a = array_arg(info, 4, op, "a");
    int64_t aoff = int_arg(info, 5, op, "aOffset", 0, INT64_MAX >> 8);
    auto astr = dims_arg(info, 6, op, "aStrides", rank);
    ArrayArg b = array_arg(info, 7, op, "b");
    int64_t boff = int_arg(info, 8, op, "bOffset", 0, INT64_MAX >> 8);
    auto bstr = dims_arg(info, 9, op, "bStrides", rank);
    ArrayArg out = array_arg(info, 10, op, "out");
    check_dtype(env, op, c, DType::U8);
    check_dtype(env, op, b, a.dtype);
    check_dtype(env, op, out, a.dtype);
    Span cs, as, bs;
    char* cp = strided_ptr(env, op, c, coff, shape, cstr, &cs);
    char* ap = strided_ptr(env, op, a, aoff, shape, astr, &as);
    char* bp = strided_ptr(env, op, b, boff, shape, bstr, &bs);
    Span os = contiguous_span(env, op, out, n);
    check_no_overlap(env, op, os, "out", cs, "cond");
    check_no_overlap(env, op, os, "out", as, "a");
    check_no_overlap(env, op, os, "out", bs, "b");
    ng::kernels().where(rank, shape.data(), a.dtype, {cp, cstr.data()}, {ap, astr.data()}, {bp, bstr.data()}, out.data);
    return env.Undefined();
  }

  /** Shared checks of [outer, size, inner] layouts; returns outer*size*inner and outer*inner. */
  std::pair<int64_t, int64_t> layout_args(const Napi::CallbackInfo& info, size_t i, const char* op, int64_t* outer, int64_t* size, int64_t* inner) {
    *outer = int_arg(info, i, op, "outer", 0, INT64_MAX >> 8);
    *size = int_arg(info, i + 1, op, "size", 0, INT64_MAX >> 8);
    *inner = int_arg(info, i + 2, op, "inner", 0, INT64_MAX >> 8);
    int64_t t, o;
    if (__builtin_mul_overflow(*outer, *size, &t) || __builtin_mul_overflow(t, *inner, &t) || __builtin_mul_overflow(*outer, *inner, &o)) {
      range_error(info.Env(), op, "outer·size·inner overflows");
    }
    return {t, o};
  }

  // reduce(op, x, outer, size, inner, out)
  Napi::Value js_reduce(const Napi::CallbackInfo& info) {
    const char* op = "reduce";
    Napi::Env env = info.Env();
    check_count(info, op, 6);
    const int code = static_cast<int>(int_arg(info, 0, op, "op", 0, ng::R_COUNT - 1));
    ArrayArg x = array_arg(info, 1, op, "x");
    int64_t outer, size, inner;
    auto [total, nout] = layout_args(info, 2, op, &outer, &size, &inner);
    ArrayArg out = array_arg(info, 5, op, "out");
    check_dtype(env, op, out, x.dtype);
    if (x.dtype == DType::U8 || (code == ng::R_MEAN && x.dtype != DType::F32)) {
      type_error(env, op, std::string("op '") + ng::kReduceOpNames[code] + "' does not support " + ng::dtype_name(x.dtype) + " arrays");
    }
    if ((code == ng::R_MAX || code == ng::R_MIN) && size == 0 && nout > 0) range_error(env, op, "max/min need size > 0");
    Span xs = contiguous_span(env, op, x, total);
    Span os = contiguous_span(env, op, out, nout);
    check_no_overlap(env, op, os, "out", xs, "x");
    ng::kernels().reduce(code, x.dtype, x.data, outer, size, inner, out.data);
    return env.Undefined();
  }

  // argReduce(op, x, outer, size, inner, values, indices)
  Napi::Value js_arg_reduce(const Napi::CallbackInfo& info) {
    const char* op = "argReduce";
    Napi::Env env = info.Env();
    check_count(info, op, 7);
    const int code = static_cast<int>(int_arg(info, 0, op, "op", 0, ng::A_COUNT - 1));
    ArrayArg x = array_arg(info, 1, op, "x");
    int64_t outer, size, inner;
    auto [total, nout] = layout_args(info, 2, op, &outer, &size, &inner);
    ArrayArg values = array_arg(info, 5, op, "values");
    ArrayArg indices = array_arg(info, 6, op, "indices");
    check_dtype(env, op, values, x.dtype);
    check_dtype(env, op, indices, DType::I32);
    if (size == 0 && nout > 0) range_error(env, op, "size must be > 0");
    Span xs = contiguous_span(env, op, x, total);
    Span vs = contiguous_span(env, op, values, nout);
    Span is = contiguous_span(env, op, indices, nout);
    check_no_overlap(env, op, vs, "values", xs, "x");
    check_no_overlap(env, op, is, "indices", xs, "x");
    check_no_overlap(env, op, is, "indices", vs, "values");
    ng::kernels().arg_reduce(code, x.dtype, x.data, outer, size, inner, values.data, reinterpret_cast<int32_t*>(indices.data));
    return env.Undefined();
  }

  // softmax(op, x, outer, size, inner, out)
  Napi::Value js_softmax(const Napi::CallbackInfo& info) {
    const char* op = "softmax";
    Napi::Env env = info.Env();
    check_count(info, op, 6);
    const int code = static_cast<int>(int_arg(info, 0, op, "op", 0, ng::S_COUNT - 1));
    ArrayArg x = array_arg(info, 1, op, "x");
    int64_t outer, size, inner;
    auto [total, nout] = layout_args(info, 2, op, &outer, &size, &inner);
    (void)nout;
    ArrayArg out = array_arg(info, 5, op, "out");
    check_dtype(env, op, x, DType::F32);
    check_dtype(env, op, out, DType::F32);
    Span xs = contiguous_span(env, op, x, total);
    Span os = contiguous_span(env, op, out, total);
    check_no_overlap(env, op, os, "out", xs, "x");
    ng::kernels().softmax(code, reinterpret_cast<const float*>(x.data), outer, size, inner, reinterpret_cast<float*>(out.data));
    return env.Undefined();
  }

  /** Checks a (batched) matrix operand: rows×cols with row stride ld (or transposed), batch stride. */
  Span matrix_span(Napi::Env env, const char* op, const ArrayArg& a, int64_t offset, int64_t batch, int64_t stride, int64_t rows, int64_t cols,
                   bool trans, int64_t ld) {
    const int64_t stored_rows = trans ? cols : rows;
    const int64_t stored_cols = trans ? rows : cols;
    if (stored_cols > 0 && stored_rows > 0 && ld < stored_cols) {
      range_error(env, op, "ld" + a.name + " (" + std::to_string(ld) + ") must be >= " + std::to_string(stored_cols));
    }
    const std::vector<int64_t> shape = {batch, stored_rows, stored_cols};
    const std::vector<int64_t> strides = {stride, ld, 1};
    Span s;
    strided_ptr(env, op, a, offset, shape, strides, &s);
    return s;
  }

  // gemm(batch, transA, transB, M, N, K, alpha, A, aOffset, strideA, lda, B, bOffset, strideB, ldb, beta, C, cOffset, strideC, ldc)
  Napi::Value js_gemm(const Napi::CallbackInfo& info) {
    const char* op = "gemm";
    Napi::Env env = info.Env();
    check_count(info, op, 20);
    const int64_t lim = INT64_MAX >> 8;
    const int64_t batch = int_arg(info, 0, op, "batch", 0, lim);
    const bool ta = bool_arg(info, 1, op, "transA");
    const bool tb = bool_arg(info, 2, op, "transB");
    const int64_t M = int_arg(info, 3, op, "M", 0, lim), N = int_arg(info, 4, op, "N", 0, lim), K = int_arg(info, 5, op, "K", 0, lim);
    const double alpha = number_arg(info, 6, op, "alpha");
    ArrayArg A = array_arg(info, 7, op, "A");
    const int64_t aoff = int_arg(info, 8, op, "aOffset", 0, lim), sa = int_arg(info, 9, op, "strideA", 0, lim), lda = int_arg(info, 10, op, "lda", 0, lim);
    ArrayArg B = array_arg(info, 11, op, "B");
    const int64_t boff = int_arg(info, 12, op, "bOffset", 0, lim), sb = int_arg(info, 13, op, "strideB", 0, lim), ldb = int_arg(info, 14, op, "ldb", 0, lim);
    const double beta = number_arg(info, 15, op, "beta");
    ArrayArg C = array_arg(info, 16, op, "C");
    const int64_t coff = int_arg(info, 17, op, "cOffset", 0, lim), sc = int_arg(info, 18, op, "strideC", 0, lim), ldc = int_arg(info, 19, op, "ldc", 0, lim);
    check_dtype(env, op, A, DType::F32);
    check_dtype(env, op, B, DType::F32);
    check_dtype(env, op, C, DType::F32);
    Span as = matrix_span(env, op, A, aoff, K > 0 ? batch : 0, sa, M, K, ta, lda);
    Span bs = matrix_span(env, op, B, boff, K > 0 ? batch : 0, sb, K, N, tb, ldb);
    Span cs = matrix_span(env, op, C, coff, batch, sc, M, N, false, ldc);
    if (batch > 1 && M > 0 && N > 0 && sc < (M - 1) * ldc + N) range_error(env, op, "strideC makes the output matrices overlap");
    check_no_overlap(env, op, cs, "C", as, "A");
    check_no_overlap(env, op, cs, "C", bs, "B");
    if (batch == 0 || M == 0 || N == 0) return env.Undefined();
    ng::kernels().sgemm(batch, ta, tb, M, N, K, static_cast<float>(alpha), reinterpret_cast<const float*>(A.data) + aoff, sa, lda,
                 reinterpret_cast<const float*>(B.data) + boff, sb, ldb, static_cast<float>(beta), reinterpret_cast<float*>(C.data) + coff, sc, ldc);
    return env.Undefined();
  }

  // gather(shape, x, xOffset, xStrides, dim, xDimSize, index, out)
  Napi::Value js_gather(const Napi::CallbackInfo& info) {
    const char* op = "gather";
    Napi::Env env = info.Env();
    check_count(info, op, 8);
    auto shape = dims_arg(info, 0, op, "shape");
    const int rank = static_cast<int>(shape.size());
    if (rank == 0) range_error(env, op, "shape must have at least one dim");
    const int64_t n = checked_numel(env, op, shape);
    ArrayArg x = array_arg(info, 1, op, "x");
    const int64_t xoff = int_arg(info, 2, op, "xOffset", 0, INT64_MAX >> 8);
    auto xstr = dims_arg(info, 3, op, "xStrides", rank);
    const int dim = static_cast<int>(int_arg(info, 4, op, "dim", 0, rank - 1));
    const int64_t dim_size = int_arg(info, 5, op, "xDimSize", 0, INT64_MAX >> 8);
    ArrayArg index = array_arg(info, 6, op, "index");
    ArrayArg out = array_arg(info, 7, op, "out");
    check_dtype(env, op, index, DType::I32);
    check_dtype(env, op, out, x.dtype);
    // x is read over the index shape with dim replaced by its own size.
    std::vector<int64_t> xshape = shape;
    xshape[dim] = dim_size;
    Span xs;
    char* xp = strided_ptr(env, op, x, xoff, n > 0 ? xshape : std::vector<int64_t>(rank, 0), xstr, &xs);
    if (n > 0 && dim_size == 0) range_error(env, op, "xDimSize must be > 0 when the index is not empty");
    Span is = contiguous_span(env, op, index, n);
    Span os = contiguous_span(env, op, out, n);
    check_no_overlap(env, op, os, "out", xs, "x");
    check_no_overlap(env, op, os, "out", is, "index");
    ng::IndexFault f = ng::kernels().gather(rank, shape.data(), x.dtype, {xp, xstr.data()}, dim, dim_size, reinterpret_cast<const int32_t*>(index.data), out.data);
    if (!f.ok) throw_fault(env, op, f);
    return env.Undefined();
  }

  // scatterAdd(shape, out, outStrides, dim, outDimSize, index, src)
  Napi::Value js_scatter_add(const Napi::CallbackInfo& info) {
    const char* op = "scatterAdd";
    Napi::Env env = info.Env();
    check_count(info, op, 7);
    auto shape = dims_arg(info, 0, op, "shape");
    const int rank = static_cast<int>(shape.size());
    if (rank == 0) range_error(env, op, "shape must have at least one dim");
    const int64_t n = checked_numel(env, op, shape);
    ArrayArg out = array_arg(info, 1, op, "out");
    auto ostr = dims_arg(info, 2, op, "outStrides", rank);
    const int dim = static_cast<int>(int_arg(info, 3, op, "dim", 0, rank - 1));
    const int64_t dim_size = int_arg(info, 4, op, "outDimSize", 0, INT64_MAX >> 8);
    ArrayArg index = array_arg(info, 5, op, "index");
    ArrayArg src = array_arg(info, 6, op, "src");
    check_dtype(env, op, index, DType::I32);
    check_dtype(env, op, src, out.dtype);
    if (out.dtype == DType::U8) type_error(env, op, "bool arrays cannot be accumulated");
    std::vector<int64_t> oshape = shape;
    oshape[dim] = dim_size;
    Span os;
    strided_ptr(env, op, out, 0, n > 0 ? oshape : std::vector<int64_t>(rank, 0), ostr, &os);
    if (n > 0 && dim_size == 0) range_error(env, op, "outDimSize must be > 0 when the index is not empty");
    if (n > 0) check_no_self_alias(env, op, "outStrides", oshape, ostr);
    Span is = contiguous_span(env, op, index, n);
    Span ss = contiguous_span(env, op, src, n);
    check_no_overlap(env, op, os, "out", is, "index");
    check_no_overlap(env, op, os, "out", ss, "src");
    ng::IndexFault f = ng::kernels().scatter_add(rank, shape.data(), out.dtype, out.data, ostr.data(), dim, dim_size,
                                      reinterpret_cast<const int32_t*>(index.data), src.data);
    if (!f.ok) throw_fault(env, op, f);
    return env.Undefined();
  }

  // optimStep(op, n, param, grad, s0, s1, s2, h0, ..., h9): float32 arrays; the state arrays the op
  // and its flags use (spec.ts optimStateUse) must hold n elements; no used array overlaps another.
  Napi::Value js_optim_step(const Napi::CallbackInfo& info) {
    const char* op = "optimStep";
    Napi::Env env = info.Env();
    check_count(info, op, 17);
    const int code = static_cast<int>(int_arg(info, 0, op, "op", 0, ng::O_COUNT - 1));
    const int64_t n = int_arg(info, 1, op, "n", 0, INT64_MAX >> 8);
    ArrayArg a[5] = {array_arg(info, 2, op, "param"), array_arg(info, 3, op, "grad"), array_arg(info, 4, op, "s0"),
                     array_arg(info, 5, op, "s1"), array_arg(info, 6, op, "s2")};
    static const char* const kHyperNames[10] = {"h0", "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9"};
    double h[10];
    for (int k = 0; k < 10; ++k) h[k] = number_arg(info, 7 + k, op, kHyperNames[k]);
    // Which state arrays this update reads and writes (mirrors optimStateUse in spec.ts).
    bool used[5] = {true, true, false, false, false};
    switch (code) {
      case ng::O_SGD: used[2] = h[1] != 0; break;
      case ng::O_ADAM: used[2] = used[3] = true; used[4] = h[5] != 0; break;
      case ng::O_ADAGRAD: used[2] = true; break;
      case ng::O_RMSPROP: used[2] = true; used[3] = h[4] > 0; used[4] = h[5] != 0; break;
      case ng::O_ADADELTA: used[2] = used[3] = true; break;
      default: break;
    }
    Span sp[5];
    for (int k = 0; k < 5; ++k) {
      if (!used[k]) continue;
      check_dtype(env, op, a[k], DType::F32);
      sp[k] = contiguous_span(env, op, a[k], n);
    }
    for (int k = 0; k < 5; ++k)
      for (int j = k + 1; j < 5; ++j)
        if (used[k] && used[j]) check_no_overlap(env, op, sp[k], a[k].name.c_str(), sp[j], a[j].name.c_str());
    auto f = [&](int k) { return used[k] ? reinterpret_cast<float*>(a[k].data) : nullptr; };
    ng::kernels().optim_step(code, n, f(0), f(1), f(2), f(3), f(4), h);
    return env.Undefined();
  }

  /**
   * The Float64Array of a Conv2dGeometry (spec.ts CONV2D_GEOMETRY_KEYS order): every entry an integer in
   * [0, 2^31), kernel sizes, strides, dilations and groups >= 1, groups dividing Cin and Cout. With the
   * array lengths checked against the sizes, every index a kernel computes stays far inside int64.
   */
  ng::ConvGeometry geometry_arg(const Napi::CallbackInfo& info, size_t i, const char* op) {
    static const char* const kNames[16] = {"N", "Cin", "H", "W", "Cout", "Ho", "Wo", "kh", "kw",
                                           "strideH", "strideW", "padH", "padW", "dilationH", "dilationW", "groups"};
    const std::vector<int64_t> d = dims_arg(info, i, op, "geometry", 16);
    for (int k = 0; k < 16; ++k) {
      if (d[k] > INT32_MAX) range_error(info.Env(), op, std::string("geometry.") + kNames[k] + " must be < 2^31, got " + std::to_string(d[k]));
      if (k >= 7 && k != 11 && k != 12 && d[k] < 1) range_error(info.Env(), op, std::string("geometry.") + kNames[k] + " must be >= 1, got 0");
    }
    const ng::ConvGeometry g = {d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]};
    if (g.Cin % g.groups != 0 || g.Cout % g.groups != 0) {
      range_error(info.Env(), op, "geometry.groups (" + std::to_string(g.groups) + ") must divide Cin (" + std::to_string(g.Cin) + ") and Cout (" +
                                      std::to_string(g.Cout) + ")");
    }
    return g;
  }

  /** A contiguous float32 operand of n elements from `offset`: its pointer and span. */
  const float* dense_arg(Napi::Env env, const char* op, const ArrayArg& a, int64_t offset, int64_t n, Span* span) {
    check_dtype(env, op, a, DType::F32);
    return reinterpret_cast<const float*>(strided_ptr(env, op, a, offset, {n}, {1}, span));
  }

  // conv2d(geometry, x, xOffset, xStrides, w, wOffset, bias | null, bOffset, out)
  Napi::Value js_conv2d(const Napi::CallbackInfo& info) {
    const char* op = "conv2d";
    Napi::Env env = info.Env();
    check_count(info, op, 9);
    const int64_t lim = INT64_MAX >> 8;
    const ng::ConvGeometry g = geometry_arg(info, 0, op);
    ArrayArg x = array_arg(info, 1, op, "x");
    const int64_t xoff = int_arg(info, 2, op, "xOffset", 0, lim);
    const std::vector<int64_t> xstr = dims_arg(info, 3, op, "xStrides", 4);
    ArrayArg w = array_arg(info, 4, op, "w");
    const int64_t woff = int_arg(info, 5, op, "wOffset", 0, lim);
    const bool has_bias = !info[6].IsNull();
    ArrayArg b;
    if (has_bias) b = array_arg(info, 6, op, "bias");
    const int64_t boff = int_arg(info, 7, op, "bOffset", 0, lim);
    ArrayArg out = array_arg(info, 8, op, "out");
    check_dtype(env, op, x, DType::F32);
    check_dtype(env, op, out, DType::F32);
    Span xs, ws, bs;
    const float* xp = reinterpret_cast<const float*>(strided_ptr(env, op, x, xoff, {g.N, g.Cin, g.H, g.W}, xstr, &xs));
    const float* wp = dense_arg(env, op, w, woff, checked_numel(env, op, {g.Cout, g.Cin / g.groups, g.kh, g.kw}), &ws);
    const float* bp = has_bias ? dense_arg(env, op, b, boff, g.Cout, &bs) : nullptr;
    Span os = contiguous_span(env, op, out, checked_numel(env, op, {g.N, g.Cout, g.Ho, g.Wo}));
    check_no_overlap(env, op, os, "out", xs, "x");
    check_no_overlap(env, op, os, "out", ws, "w");
    check_no_overlap(env, op, os, "out", bs, "bias");
    ng::kernels().conv2d(g, xp, xstr.data(), wp, bp, reinterpret_cast<float*>(out.data));
    return env.Undefined();
  }

  // conv2dBackwardInput(geometry, gy, gyOffset, w, wOffset, gx)
  Napi::Value js_conv2d_backward_input(const Napi::CallbackInfo& info) {
    const char* op = "conv2dBackwardInput";
    Napi::Env env = info.Env();
    check_count(info, op, 6);
    const int64_t lim = INT64_MAX >> 8;
    const ng::ConvGeometry g = geometry_arg(info, 0, op);
    ArrayArg gy = array_arg(info, 1, op, "gy");
    const int64_t gyoff = int_arg(info, 2, op, "gyOffset", 0, lim);
    ArrayArg w = array_arg(info, 3, op, "w");
    const int64_t woff = int_arg(info, 4, op, "wOffset", 0, lim);
    ArrayArg gx = array_arg(info, 5, op, "gx");
    check_dtype(env, op, gx, DType::F32);
    Span gys, ws;
    const float* gyp = dense_arg(env, op, gy, gyoff, checked_numel(env, op, {g.N, g.Cout, g.Ho, g.Wo}), &gys);
    const float* wp = dense_arg(env, op, w, woff, checked_numel(env, op, {g.Cout, g.Cin / g.groups, g.kh, g.kw}), &ws);
    Span gxs = contiguous_span(env, op, gx, checked_numel(env, op, {g.N, g.Cin, g.H, g.W}));
    check_no_overlap(env, op, gxs, "gx", gys, "gy");
    check_no_overlap(env, op, gxs, "gx", ws, "w");
    ng::kernels().conv2d_backward_input(g, gyp, wp, reinterpret_cast<float*>(gx.data));
    return env.Undefined();
  }

  // conv2dBackwardWeight(geometry, x, xOffset, xStrides, gy, gyOffset, gw)
  Napi::Value js_conv2d_backward_weight(const Napi::CallbackInfo& info) {
    const char* op = "conv2dBackwardWeight";
    Napi::Env env = info.Env();
    check_count(info, op, 7);
    const int64_t lim = INT64_MAX >> 8;
    const ng::ConvGeometry g = geometry_arg(info, 0, op);
    ArrayArg x = array_arg(info, 1, op, "x");
    const int64_t xoff = int_arg(info, 2, op, "xOffset", 0, lim);
    const std::vector<int64_t> xstr = dims_arg(info, 3, op, "xStrides", 4);
    ArrayArg gy = array_arg(info, 4, op, "gy");
    const int64_t gyoff = int_arg(info, 5, op, "gyOffset", 0, lim);
    ArrayArg gw = array_arg(info, 6, op, "gw");
    check_dtype(env, op, x, DType::F32);
    check_dtype(env, op, gw, DType::F32);
    Span xs, gys;
    const float* xp = reinterpret_cast<const float*>(strided_ptr(env, op, x, xoff, {g.N, g.Cin, g.H, g.W}, xstr, &xs));
    const float* gyp = dense_arg(env, op, gy, gyoff, checked_numel(env, op, {g.N, g.Cout, g.Ho, g.Wo}), &gys);
    Span gws = contiguous_span(env, op, gw, checked_numel(env, op, {g.Cout, g.Cin / g.groups, g.kh, g.kw}));
    check_no_overlap(env, op, gws, "gw", xs, "x");
    check_no_overlap(env, op, gws, "gw", gys, "gy");
    ng::kernels().conv2d_backward_weight(g, xp, xstr.data(), gyp, reinterpret_cast<float*>(gw.data));
    return env.Undefined();
  }
  // Pooling and normalisation: argument checks and calls live in bind_poolnorm.cc.
  Napi::Value js_max_pool(const Napi::CallbackInfo& info) { return ngb::bind_max_pool(info); }
  Napi::Value js_avg_pool(const Napi::CallbackInfo& info) { return ngb::bind_avg_pool(info); }
  Napi::Value js_max_pool_backward(const Napi::CallbackInfo& info) {
    ng::IndexFault f;
    Napi::Value r = ngb::bind_max_pool_backward(info, &f);
    if (!f.ok) throw_fault(info.Env(), "maxPoolBackward", f);
    return r;
  }
  Napi::Value js_avg_pool_backward(const Napi::CallbackInfo& info) { return ngb::bind_avg_pool_backward(info); }
  Napi::Value js_batch_norm_stats(const Napi::CallbackInfo& info) { return ngb::bind_batch_norm_stats(info); }
  Napi::Value js_batch_norm_apply(const Napi::CallbackInfo& info) { return ngb::bind_batch_norm_apply(info); }
  Napi::Value js_batch_norm_backward(const Napi::CallbackInfo& info) { return ngb::bind_batch_norm_backward(info); }
  Napi::Value js_layer_norm(const Napi::CallbackInfo& info) { return ngb::bind_layer_norm(info); }
  Napi::Value js_layer_norm_backward(const Napi::CallbackInfo& info) { return ngb::bind_layer_norm_backward(info); }
  // Recurrent layers: argument checks and calls live in bind_rnn.cc.
  Napi::Value js_rnn_forward(const Napi::CallbackInfo& info) { return ngb::bind_rnn_forward(info); }
  Napi::Value js_rnn_backward(const Napi::CallbackInfo& info) { return ngb::bind_rnn_backward(info); }
};

}  // namespace

NODE_API_ADDON(Addon)
