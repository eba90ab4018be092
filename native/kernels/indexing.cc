// gather / scatterAdd along one dim with bounds checks on every index. A bad index is reported as an
// IndexFault (plain data); the binding turns it into an IndexError, never a read or write outside arrays.
#include "common.h"

NG_BEGIN_ISA
namespace {

template <typename T>
IndexFault gather_typed(int rank, const int64_t* shape, StridedRef x, int dim, int64_t dim_size, const int32_t* index, T* out) {
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
    if (v < 0 || v >= dim_size) return IndexFault{false, v, dim, dim_size};
    out[i] = base[xoff + v * dim_stride];
    for (int d = rank - 1; d >= 0; --d) {
      ++idx[d];
      xoff += xs[d];
      if (idx[d] < shape[d]) break;
      xoff -= xs[d] * shape[d];
      idx[d] = 0;
    }
  }
  return IndexFault{};
}

template <typename T>
IndexFault scatter_add_typed(int rank, const int64_t* shape, T* out, const int64_t* out_strides, int dim, int64_t dim_size,
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
    if (v < 0 || v >= dim_size) return IndexFault{false, v, dim, dim_size};
    T& dst = out[ooff + v * dim_stride];
    if constexpr (__is_same(T, int32_t)) dst = static_cast<int32_t>(static_cast<uint32_t>(dst) + static_cast<uint32_t>(src[i]));
    else dst += src[i];
    for (int d = rank - 1; d >= 0; --d) {
      ++idx[d];
      ooff += os[d];
      if (idx[d] < shape[d]) break;
      ooff -= os[d] * shape[d];
      idx[d] = 0;
    }
  }
  return IndexFault{};
}

}  // namespace

IndexFault gather(int rank, const int64_t* shape, DType dt, StridedRef x, int dim, int64_t dim_size, const int32_t* index, void* out) {
  switch (dt) {
    case DType::F32: return gather_typed<float>(rank, shape, x, dim, dim_size, index, static_cast<float*>(out));
    case DType::I32: return gather_typed<int32_t>(rank, shape, x, dim, dim_size, index, static_cast<int32_t*>(out));
    case DType::U8: return gather_typed<uint8_t>(rank, shape, x, dim, dim_size, index, static_cast<uint8_t*>(out));
  }
  return IndexFault{};
}

IndexFault scatter_add(int rank, const int64_t* shape, DType dt, void* out, const int64_t* out_strides, int dim, int64_t dim_size,
                       const int32_t* index, const void* src) {
  if (dt == DType::I32)
    return scatter_add_typed<int32_t>(rank, shape, static_cast<int32_t*>(out), out_strides, dim, dim_size, index, static_cast<const int32_t*>(src));
  return scatter_add_typed<float>(rank, shape, static_cast<float*>(out), out_strides, dim, dim_size, index, static_cast<const float*>(src));
}

NG_END_ISA
