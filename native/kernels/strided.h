// Strided iteration for kernels: calls row(ptrs, inner, inner_strides) once per row of the iteration
// shape (all dims but the last), with each operand's pointer at that row's start. Internal header.
#pragma once
#include <array>
#include <cstdint>

namespace ng {

/** Are (shape, strides) row-major contiguous (size-1 dims ignored)? */
inline bool is_contiguous(int rank, const int64_t* shape, const int64_t* strides) {
  int64_t expected = 1;
  for (int i = rank - 1; i >= 0; --i) {
    if (shape[i] == 0) return true;
    if (shape[i] != 1 && strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}

template <int N, typename Row>
void for_each_row(int rank, const int64_t* shape, std::array<char*, N> base, std::array<const int64_t*, N> strides,
                  std::array<int64_t, N> elem_size, Row&& row) {
  for (int d = 0; d < rank; ++d)
    if (shape[d] == 0) return;
  const int64_t inner = rank == 0 ? 1 : shape[rank - 1];
  std::array<int64_t, N> inner_stride{};
  for (int k = 0; k < N; ++k) inner_stride[k] = rank == 0 ? 0 : strides[k][rank - 1];
  const int outer_rank = rank > 0 ? rank - 1 : 0;
  int64_t idx[64] = {0};
  std::array<char*, N> p = base;
  for (;;) {
    row(p, inner, inner_stride);
    int d = outer_rank - 1;
    for (; d >= 0; --d) {
      ++idx[d];
      for (int k = 0; k < N; ++k) p[k] += strides[k][d] * elem_size[k];
      if (idx[d] < shape[d]) break;
      for (int k = 0; k < N; ++k) p[k] -= strides[k][d] * shape[d] * elem_size[k];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

}  // namespace ng
