// Per-thread, per-slot aligned scratch buffers (see ng/scratch.h). Freed when the thread exits.
#include "ng/scratch.h"

#include <cstdlib>

namespace ng {
namespace {

struct Slots {
  void* ptr[8] = {};
  size_t size[8] = {};
  ~Slots() {
    for (void* p : ptr) std::free(p);
  }
};

thread_local Slots slots;

}  // namespace

void* scratch(int slot, size_t bytes) {
  if (slot < 0 || slot >= 8) return nullptr;
  if (slots.size[slot] >= bytes && slots.ptr[slot]) return slots.ptr[slot];
  std::free(slots.ptr[slot]);
  // Round up so aligned_alloc's size is a multiple of the alignment; grow by 1.5x to avoid churn.
  size_t want = bytes + bytes / 2;
  want = (want + 63) & ~static_cast<size_t>(63);
  slots.ptr[slot] = std::aligned_alloc(64, want == 0 ? 64 : want);
  slots.size[slot] = slots.ptr[slot] ? want : 0;
  return slots.ptr[slot];
}

}  // namespace ng
