// Fills this ISA's kernel table (compiled once per ISA like every file here).
#include "common.h"

NG_BEGIN_ISA

void copy(int rank, const int64_t* shape, DType sdt, StridedRef src, DType ddt, StridedRef dst);
void unary(int op, DType dt, const void* x, void* out, int64_t n, double alpha, double beta);
void binary(int op, int rank, const int64_t* shape, DType dt, StridedRef a, StridedRef b, void* out);
void where(int rank, const int64_t* shape, DType dt, StridedRef cond, StridedRef a, StridedRef b, void* out);
void reduce(int op, DType dt, const void* x, int64_t outer, int64_t size, int64_t inner, void* out);
void arg_reduce(int op, DType dt, const void* x, int64_t outer, int64_t size, int64_t inner, void* values, int32_t* indices);
void softmax(int op, const float* x, int64_t outer, int64_t size, int64_t inner, float* out);
void sgemm(int64_t batch, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t stride_a,
           int64_t lda, const float* B, int64_t stride_b, int64_t ldb, float beta, float* C, int64_t stride_c, int64_t ldc);
IndexFault gather(int rank, const int64_t* shape, DType dt, StridedRef x, int dim, int64_t dim_size, const int32_t* index, void* out);
IndexFault scatter_add(int rank, const int64_t* shape, DType dt, void* out, const int64_t* out_strides, int dim, int64_t dim_size,
                       const int32_t* index, const void* src);
void optim_step(int op, int64_t n, float* p, const float* g, float* s0, float* s1, float* s2, const double* h);
void conv2d(const ConvGeometry& g, const float* x, const int64_t* x_strides, const float* w, const float* bias, float* out);
void conv2d_backward_input(const ConvGeometry& g, const float* gy, const float* w, float* gx);
void conv2d_backward_weight(const ConvGeometry& g, const float* x, const int64_t* x_strides, const float* gy, float* gw);
void max_pool(const PoolGeom& g, const float* x, const int64_t* x_strides, float* out, int32_t* indices);
void avg_pool(const PoolGeom& g, int64_t divisor_override, const float* x, const int64_t* x_strides, float* out);
IndexFault max_pool_backward(int64_t planes, int64_t in_size, int64_t out_size, const float* grad, const int32_t* indices, float* grad_input);
void avg_pool_backward(const PoolGeom& g, int64_t divisor_override, const float* grad, float* grad_input);
void batch_norm_stats(const float* x, int64_t N, int64_t C, int64_t S, float* mean, float* var);
void batch_norm_apply(const float* x, int64_t N, int64_t C, int64_t S, const float* mean, const float* var, double eps, const float* weight,
                      const float* bias, float* out);
void batch_norm_backward(const float* grad, const float* x, int64_t N, int64_t C, int64_t S, const float* mean, const float* var, double eps,
                         const float* weight, bool training, float* grad_input, float* sum_grad, float* sum_grad_xhat);
void layer_norm(const float* x, int64_t R, int64_t L, double eps, const float* weight, const float* bias, float* out, float* mean, float* rstd);
void layer_norm_backward(const float* grad, const float* x, int64_t R, int64_t L, const float* mean, const float* rstd, const float* weight,
                         float* grad_input, float* grad_weight, float* grad_bias);

void rnn_forward(int mode, const RnnGeometry& g, const float* x, const float* w_ih, const float* w_hh, const float* b_ih, const float* b_hh,
                 const float* h0, const float* c0, const int32_t* lengths, float* y, float* h_n, float* c_n, float* ws);
void rnn_backward(int mode, const RnnGeometry& g, const float* x, const float* w_ih, const float* w_hh, const int32_t* lengths, const float* ws,
                  const float* gy, const float* gh_n, const float* gc_n, float* gx, float* gh0, float* gc0, float* gw_ih, float* gw_hh,
                  float* gb_ih, float* gb_hh, float* work);

void register_kernels(KernelTable& t) {
  t.copy = copy;
  t.unary = unary;
  t.binary = binary;
  t.where = where;
  t.reduce = reduce;
  t.arg_reduce = arg_reduce;
  t.softmax = softmax;
  t.sgemm = sgemm;
  t.gather = gather;
  t.scatter_add = scatter_add;
  t.optim_step = optim_step;
  t.conv2d = conv2d;
  t.conv2d_backward_input = conv2d_backward_input;
  t.conv2d_backward_weight = conv2d_backward_weight;
  t.max_pool = max_pool;
  t.avg_pool = avg_pool;
  t.max_pool_backward = max_pool_backward;
  t.avg_pool_backward = avg_pool_backward;
  t.batch_norm_stats = batch_norm_stats;
  t.batch_norm_apply = batch_norm_apply;
  t.batch_norm_backward = batch_norm_backward;
  t.layer_norm = layer_norm;
  t.layer_norm_backward = layer_norm_backward;
  t.rnn_forward = rnn_forward;
  t.rnn_backward = rnn_backward;
}

NG_END_ISA
