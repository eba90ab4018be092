// gather / scatterAdd along one dim with bounds checks on every index (data-dependent errors are
// reported through Status, never by reading or writing outside the arrays).
#include <string>

#include "ng/kernels.h"
#include "strided.h"

namespace ng {
namespace {

Status out_of_range(const char* op, int32_t v, int dim, int64_t size) {
  return Status::error(StatusCode::INDEX_OUT_OF_RANGE, op, "index",
                       std::to_string(v) + " is out of bounds for dimension " + std::to_string(dim) + " with size " + std::to_string(size));
}

template <typename T>
Status gather_typed(int rank, const int64_t* shape, StridedRef x, int dim, int64_t dim_size, const int32_t* index, T* out) {
  int64_t xs[64] = {0};
  for (int i = 0; i < rank; ++i) xs[i] = x.strides[i];
  const int64_t dim_stride = xs[dim];
  xs[dim] = 0;
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= shape[i];
  // Walk the index shape with an odometer over all dims.
  int64_t idx[64] = {0};
  const T* base = static_cast<const T*>(x.data);
  int64_t xoff = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = index[i];
    if (v < 0 || v >= dim_size) return out_of_range("gather", v, dim, dim_size);
    out[i] = base[xoff + v * dim_stride];
    for (int d = rank - 1; d >= 0; --d) {
      ++idx[d];
      xoff += xs[d];
      if (idx[d] < shape[d]) break;
      xoff -= xs[d] * shape[d];
      idx[d] = 0;
    }
  }
  return Status::ok();
}

template <typename T>
Status scatter_add_typed(int rank, const int64_t* shape, T* out, const int64_t* out_strides, int dim, int64_t dim_size,
                         const int32_t* index, const T* src) {
  int64_t os[64] = {0};
  for (int i = 0; i < rank; ++i) os[i] = out_strides[i];
  const int64_t dim_stride = os[dim];
  os[dim] = 0;
  int64_t n = 1;
  for (int i = 0; i < rank; ++i) n *= shape[i];
  int64_t idx[64] = {0};
  int64_t ooff = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = index[i];
    if (v < 0 || v >= dim_size) return out_of_range("scatterAdd", v, dim, dim_size);
    T& dst = out[ooff + v * dim_stride];
    if constexpr (std::is_same_v<T, int32_t>) dst = static_cast<int32_t>(static_cast<uint32_t>(dst) + static_cast<uint32_t>(src[i]));
    else dst += src[i];
    for (int d = rank - 1; d >= 0; --d) {
      ++idx[d];
      ooff += os[d];
      if (idx[d] < shape[d]) break;
      ooff -= os[d] * shape[d];
      idx[d] = 0;
    }
  }
  return Status::ok();
}

}  // namespace

Status ng_gather(int rank, const int64_t* shape, DType dt, StridedRef x, int dim, int64_t dim_size, const int32_t* index, void* out) {
  switch (dt) {
    case DType::F32: return gather_typed<float>(rank, shape, x, dim, dim_size, index, static_cast<float*>(out));
    case DType::I32: return gather_typed<int32_t>(rank, shape, x, dim, dim_size, index, static_cast<int32_t*>(out));
    case DType::U8: return gather_typed<uint8_t>(rank, shape, x, dim, dim_size, index, static_cast<uint8_t*>(out));
  }
  return Status::ok();
}

Status ng_scatter_add(int rank, const int64_t* shape, DType dt, void* out, const int64_t* out_strides, int dim, int64_t dim_size,
                      const int32_t* index, const void* src) {
  switch (dt) {
    case DType::F32: return scatter_add_typed<float>(rank, shape, static_cast<float*>(out), out_strides, dim, dim_size, index, static_cast<const float*>(src));
    case DType::I32: return scatter_add_typed<int32_t>(rank, shape, static_cast<int32_t*>(out), out_strides, dim, dim_size, index, static_cast<const int32_t*>(src));
    default: return Status::error(StatusCode::INVALID_ARGUMENT, "scatterAdd", "src", "must be float32 or int32");
  }
}

}  // namespace ng
