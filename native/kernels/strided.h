// Strided iteration for kernels: calls row(ptrs, inner, inner_strides) once per row of the iteration
// shape (all dims but the last), with each operand's pointer at that row's start. Rows [r0, r1) only,
// so callers can split rows across threads. Internal header (per-ISA namespace).
#pragma once
#include "common.h"

NG_BEGIN_ISA

/** Are (shape, strides) row-major contiguous (size-1 dims ignored)? */
static inline bool is_contiguous(int rank, const int64_t* shape, const int64_t* strides) {
  int64_t expected = 1;
  for (int i = rank - 1; i >= 0; --i) {
    if (shape[i] == 0) return true;
    if (shape[i] != 1 && strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}

static inline int64_t rows_of(int rank, const int64_t* shape) {
  int64_t r = 1;
  for (int d = 0; d + 1 < rank; ++d) r *= shape[d];
  return r;
}

/**
 * For rows [r0, r1) of `shape`: row(p, inner, s) with p[k] = operand k's pointer at the row start,
 * s[k] = its stride along the last dim (elements). N operands with element sizes `esize`.
 */
template <int N, typename Row>
static inline void for_each_row(int rank, const int64_t* shape, char* const* base, const int64_t* const* strides, const int64_t* esize,
                                int64_t r0, int64_t r1, Row& row) {
  for (int d = 0; d < rank; ++d)
    if (shape[d] == 0) return;
  const int64_t inner = rank == 0 ? 1 : shape[rank - 1];
  int64_t inner_stride[N];
  for (int k = 0; k < N; ++k) inner_stride[k] = rank == 0 ? 0 : strides[k][rank - 1];
  const int outer_rank = rank > 0 ? rank - 1 : 0;
  // Decompose r0 into the odometer index and the starting pointers.
  int64_t idx[64] = {0};
  char* p[N];
  for (int k = 0; k < N; ++k) p[k] = base[k];
  int64_t rem = r0;
  for (int d = outer_rank - 1; d >= 0; --d) {
    idx[d] = rem % shape[d];
    rem /= shape[d];
    for (int k = 0; k < N; ++k) p[k] += idx[d] * strides[k][d] * esize[k];
  }
  for (int64_t r = r0; r < r1; ++r) {
    row(p, inner, inner_stride);
    for (int d = outer_rank - 1; d >= 0; --d) {
      ++idx[d];
      for (int k = 0; k < N; ++k) p[k] += strides[k][d] * esize[k];
      if (idx[d] < shape[d]) break;
      for (int k = 0; k < N; ++k) p[k] -= strides[k][d] * shape[d] * esize[k];
      idx[d] = 0;
    }
  }
}

NG_END_ISA
