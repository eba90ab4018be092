// Per-thread scratch memory for kernels (GEMM packing buffers, accumulators): 64-byte aligned, grows
// on demand, kept for the thread's lifetime so steady-state kernels allocate nothing.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ng {

/**
 * A 64-byte aligned buffer of at least `bytes` for this thread and `slot` (0..7); nullptr if out of memory
 * (or above NODEGRAD_SCRATCH_LIMIT bytes, read once: a cap for tests and memory-constrained hosts). Kernels
 * give up on nullptr; every failure is counted, so the binding can turn it into an error.
 */
void* scratch(int slot, size_t bytes);

/** scratch() for a kernel that has a path without the buffer: a failure (nullptr) is not counted. */
void* scratch_optional(int slot, size_t bytes);

/** Scratch requests that failed so far, on any thread (the binding compares it around each kernel call). */
uint64_t scratch_failures();

}  // namespace ng
