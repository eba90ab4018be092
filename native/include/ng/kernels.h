// The C++ side of the kernel contract (src/kernels/spec.ts): the KernelTable holds one function per
// kernel. Every ISA (scalar, avx2, avx512, neon) compiles the same sources in native/kernels/ into its
// own namespace and fills a table; runtime/dispatch.cc picks the best table the CPU supports at load.
// Pointers address element [0,...,0] of each operand; strides and sizes are in ELEMENTS. The binding
// has already checked every bound, dtype and overlap; kernels only report data-dependent errors (an
// out-of-range index) through Status. No N-API types here.
#pragma once
#include <cstddef>
#include <cstdint>


namespace ng {

enum class DType : int { F32 = 0, I32 = 1, U8 = 2 };

inline size_t dtype_size(DType d) { return d == DType::U8 ? 1 : 4; }
inline const char* dtype_name(DType d) {
  return d == DType::F32 ? "float32" : d == DType::I32 ? "int32" : "bool";
}

// Op codes: the order MUST match the arrays in src/kernels/spec.ts (checked at load via opNames()).
enum UnaryOp : int {
  U_NEG, U_ABS, U_SIGN, U_EXP, U_LOG, U_LOG1P, U_SQRT, U_SIN, U_COS, U_TANH, U_SIGMOID, U_RELU, U_ERF,
  U_LEAKY_RELU, U_ELU, U_CLAMP, U_POW_SCALAR, U_HEAVISIDE, U_COUNT
};
enum BinaryOp : int {
  B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAXIMUM, B_MINIMUM, B_RELU_BACKWARD, B_EQ, B_NE, B_LT, B_LE, B_GT, B_GE,
  B_LOGICAL_AND, B_LOGICAL_OR, B_LOGICAL_XOR, B_COUNT
};
enum ReduceOp : int { R_SUM, R_MEAN, R_MAX, R_MIN, R_COUNT };
enum ArgReduceOp : int { A_MAX, A_MIN, A_COUNT };
enum SoftmaxOp : int { S_SOFTMAX, S_LOG_SOFTMAX, S_COUNT };
enum OptimOp : int { O_SGD, O_ADAM, O_ADAGRAD, O_RMSPROP, O_ADADELTA, O_COUNT };
enum RnnMode : int { RNN_TANH, RNN_RELU, RNN_LSTM, RNN_GRU, RNN_COUNT };

extern const char* const kUnaryOpNames[U_COUNT];
extern const char* const kBinaryOpNames[B_COUNT];
extern const char* const kReduceOpNames[R_COUNT];
extern const char* const kArgReduceOpNames[A_COUNT];
extern const char* const kSoftmaxOpNames[S_COUNT];
extern const char* const kOptimOpNames[O_COUNT];
extern const char* const kRnnModeNames[RNN_COUNT];

inline bool unary_supports_int(int op) {
  return op == U_NEG || op == U_ABS || op == U_SIGN || op == U_RELU || op == U_CLAMP;
}
inline bool binary_is_comparison(int op) { return op >= B_EQ; }

/** A strided operand: pointer to element [0..0] and per-dim strides (elements). */
struct StridedRef {
  void* data;
  const int64_t* strides;
};

/** A data-dependent index failure reported by gather/scatter_add (POD: no strings in kernel code). */
struct IndexFault {
  bool ok = true;
  int32_t value = 0;  // the offending index
  int dim = 0;
  int64_t size = 0;   // the size of that dim
};

/**
 * Geometry of a 2-D convolution over NCHW arrays (spec.ts Conv2dGeometry): output row oh reads input
 * rows oh·stride_h − pad_h + ki·dil_h (zero outside [0, H)), and columns alike. All sizes in elements;
 * the binding guarantees: every entry in [0, 2^31), kernel sizes/strides/dilations/groups >= 1, groups
 * divides Cin and Cout, and every array is long enough for the sizes.
 */
struct ConvGeometry {
  int64_t N, Cin, H, W, Cout, Ho, Wo, kh, kw, stride_h, stride_w, pad_h, pad_w, dil_h, dil_w, groups;
};

/**
 * Pooling geometry (spec.ts POOL_GEOM): NCHW planes, output (oh, ow) reads rows h_start[oh] + i·dH (i <
 * h_count[oh]) and columns w_start[ow] + j·dW (j < w_count[ow]), all inside the plane when the count is > 0
 * (checked by the binding); h_div[oh]·w_div[ow] (>= 1) is the average's divisor.
 */
struct PoolGeom {
  int64_t N, C, H, W, OH, OW, dH, dW;
  const int32_t* h_start;
  const int32_t* h_count;
  const int32_t* h_div;
  const int32_t* w_start;
  const int32_t* w_count;
  const int32_t* w_div;
};

/** Gates of a recurrent mode: the rows of w_ih and w_hh are gates·H (PyTorch's gate order). */
inline int64_t rnn_gates(int mode) { return mode == RNN_LSTM ? 4 : mode == RNN_GRU ? 3 : 1; }

/**
 * One direction of one recurrent layer (spec.ts RnnGeometry): T steps, batch B, I input and H hidden
 * features, reverse 0/1, and y's element strides over time and batch (feature stride 1). The binding
 * guarantees every entry in [0, 2^31) and every array long enough for the sizes.
 */
struct RnnGeometry {
  int64_t T, B, I, H, reverse, y_stride_t, y_stride_b;
};

/** One implementation of every kernel (one table per ISA). */
struct KernelTable {
  const char* isa;

  /** dst[i] = cast(src[i]) over `shape` (rank dims). */
  void (*copy)(int rank, const int64_t* shape, DType sdt, StridedRef src, DType ddt, StridedRef dst);

  /** out[i] = op(x[i]) for i < n, contiguous; x may equal out. dtype F32, or I32 for unary_supports_int ops. */
  void (*unary)(int op, DType dt, const void* x, void* out, int64_t n, double alpha, double beta);

  /** out (contiguous over shape) = op(a, b); out is U8 for comparisons, else dt. */
  void (*binary)(int op, int rank, const int64_t* shape, DType dt, StridedRef a, StridedRef b, void* out);

  /** out = cond ? a : b over shape; cond U8, a/b/out dt. */
  void (*where)(int rank, const int64_t* shape, DType dt, StridedRef cond, StridedRef a, StridedRef b, void* out);

  /** Reduces the middle axis of contiguous [outer, size, inner]; dt F32 or I32 (mean F32 only). */
  void (*reduce)(int op, DType dt, const void* x, int64_t outer, int64_t size, int64_t inner, void* out);

  /** Max/min with first-index ties and NaN propagation; size > 0. */
  void (*arg_reduce)(int op, DType dt, const void* x, int64_t outer, int64_t size, int64_t inner, void* values, int32_t* indices);

  /** Softmax / log-softmax over the middle axis of contiguous float [outer, size, inner]. */
  void (*softmax)(int op, const float* x, int64_t outer, int64_t size, int64_t inner, float* out);

  /** Batched C = alpha·op(A)·op(B) + beta·C (row-major, see spec.ts gemm); alpha = 0 reads neither A nor B. */
  void (*sgemm)(int64_t batch, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                const float* A, int64_t stride_a, int64_t lda, const float* B, int64_t stride_b, int64_t ldb,
                float beta, float* C, int64_t stride_c, int64_t ldc);

  /** out[i] = x[i with i_dim := index[i]] over shape (index shape); out, index contiguous. */
  IndexFault (*gather)(int rank, const int64_t* shape, DType dt, StridedRef x, int dim, int64_t dim_size, const int32_t* index, void* out);

  /** out[i with i_dim := index[i]] += src[i]; out contiguous with out_strides; src, index contiguous. */
  IndexFault (*scatter_add)(int rank, const int64_t* shape, DType dt, void* out, const int64_t* out_strides, int dim,
                            int64_t dim_size, const int32_t* index, const void* src);

  /** One fused optimizer update of n elements in place (spec.ts OPTIM_OPS: h has 10 entries; unused s* may be null). */
  void (*optim_step)(int op, int64_t n, float* param, const float* grad, float* s0, float* s1, float* s2, const double* h);

  /**
   * out[n, co, oh, ow] = bias[co] + Σ w[co, ci, ki, kj]·x[n, g·Cin/groups + ci, ih, iw] (spec.ts conv2d): x strided
   * (x_strides: 4 element strides over [N, Cin, H, W]), w contiguous [Cout, Cin/groups, kh, kw], bias [Cout] or
   * null, out contiguous [N, Cout, Ho, Wo].
   */
  void (*conv2d)(const ConvGeometry& g, const float* x, const int64_t* x_strides, const float* w, const float* bias, float* out);

  /** gx = the adjoint of conv2d in its input (spec.ts conv2dBackwardInput): gy [N, Cout, Ho, Wo], gx [N, Cin, H, W]. */
  void (*conv2d_backward_input)(const ConvGeometry& g, const float* gy, const float* w, float* gx);

  /** gw[co, ci, ki, kj] = Σ_{n, oh, ow} gy·x (spec.ts conv2dBackwardWeight): x strided as in conv2d, gw contiguous. */
  void (*conv2d_backward_weight)(const ConvGeometry& g, const float* x, const int64_t* x_strides, const float* gy, float* gw);
  // ---- pooling and normalisation (float32; layouts in spec.ts) ----

  /** Max pooling; x strided by x_strides (4, elements), out contiguous; indices may be null (not written). */
  void (*max_pool)(const PoolGeom& g, const float* x, const int64_t* x_strides, float* out, int32_t* indices);

  /** Average pooling (divisor_override != 0 replaces h_div·w_div); an empty window gives 0. */
  void (*avg_pool)(const PoolGeom& g, int64_t divisor_override, const float* x, const int64_t* x_strides, float* out);

  /** grad_input[p, indices[p, o]] += grad[p, o] over zeroed [planes, in_size]; -1 is skipped, others out of range fault. */
  IndexFault (*max_pool_backward)(int64_t planes, int64_t in_size, int64_t out_size, const float* grad, const int32_t* indices, float* grad_input);

  /** The adjoint of avg_pool: grad [N, C, OH, OW] spread over grad_input [N, C, H, W] (fully written). */
  void (*avg_pool_backward)(const PoolGeom& g, int64_t divisor_override, const float* grad, float* grad_input);

  /** Per-channel mean and biased variance of contiguous [N, C, S] (double accumulation). */
  void (*batch_norm_stats)(const float* x, int64_t N, int64_t C, int64_t S, float* mean, float* var);

  /** out = x·a[c] + b[c], a = weight/√(var + eps), b = bias − mean·a. */
  void (*batch_norm_apply)(const float* x, int64_t N, int64_t C, int64_t S, const float* mean, const float* var, double eps,
                           const float* weight, const float* bias, float* out);

  /** Batch-norm backward (spec.ts batchNormBackward): grad_input, sum_grad[c], sum_grad_xhat[c]. */
  void (*batch_norm_backward)(const float* grad, const float* x, int64_t N, int64_t C, int64_t S, const float* mean, const float* var,
                              double eps, const float* weight, bool training, float* grad_input, float* sum_grad, float* sum_grad_xhat);

  /** Layer norm of the R rows of [R, L]: out, mean[R], rstd[R]. */
  void (*layer_norm)(const float* x, int64_t R, int64_t L, double eps, const float* weight, const float* bias, float* out, float* mean,
                     float* rstd);

  /** Layer-norm backward: grad_input; grad_weight/grad_bias (column sums) unless null. */
  void (*layer_norm_backward)(const float* grad, const float* x, int64_t R, int64_t L, const float* mean, const float* rstd,
                              const float* weight, float* grad_input, float* grad_weight, float* grad_bias);

  // ---- recurrent layers (float32; layouts in spec.ts rnnForward / rnnBackward, workspace rnnWorkspaceSize) ----

  /**
   * One direction of one layer over the sequence: x [T, B, I], w_ih [G·H, I], w_hh [G·H, H], b_ih/b_hh [G·H] or
   * null, h0/c0 [B, H] (c0, c_n lstm only), lengths [B] in [0, T] or null; writes y (strided by g), h_n, c_n, ws.
   */
  void (*rnn_forward)(int mode, const RnnGeometry& g, const float* x, const float* w_ih, const float* w_hh, const float* b_ih,
                      const float* b_hh, const float* h0, const float* c0, const int32_t* lengths, float* y, float* h_n, float* c_n,
                      float* ws);

  /**
   * Backpropagation through time of rnn_forward (ws as it left it): gy strided like y, gh_n/gc_n [B, H] or null
   * (zero); writes every non-null gradient (gx [T, B, I], gh0/gc0 [B, H], gw_ih, gw_hh, gb_ih, gb_hh); work holds
   * rnnBackwardWorkSize floats of scratch.
   */
  void (*rnn_backward)(int mode, const RnnGeometry& g, const float* x, const float* w_ih, const float* w_hh, const int32_t* lengths,
                       const float* ws, const float* gy, const float* gh_n, const float* gc_n, float* gx, float* gh0, float* gc0,
                       float* gw_ih, float* gw_hh, float* gb_ih, float* gb_hh, float* work);
};

/** The active table (chosen at load from CPU features, NODEGRAD_ISA, or set_isa). */
const KernelTable& kernels();

/** Names of the ISAs this build has AND this CPU can run, best first (e.g. avx512, avx2, scalar). */
int isa_available(const char** names, int max);

/** Switches the active table; false if `name` is unknown or not runnable here. */
bool set_isa(const char* name);

}  // namespace ng
