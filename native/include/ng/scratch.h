// Per-thread scratch memory for kernels (GEMM packing buffers, accumulators): 64-byte aligned, grows
// on demand, kept for the thread's lifetime so steady-state kernels allocate nothing.
#pragma once
#include <cstddef>

namespace ng {

/** A 64-byte aligned buffer of at least `bytes` for this thread and `slot` (0..7); nullptr if out of memory. */
void* scratch(int slot, size_t bytes);

}  // namespace ng
