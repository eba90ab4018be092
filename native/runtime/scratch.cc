// Per-thread, per-slot aligned scratch buffers (see ng/scratch.h). Freed when the thread exits.
#include "ng/scratch.h"

#include <atomic>
#include <cstdlib>

namespace ng {
namespace {

std::atomic<uint64_t> failures{0};

size_t read_limit() {
  const char* env = std::getenv("NODEGRAD_SCRATCH_LIMIT");
  if (!env || !*env) return SIZE_MAX;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(env, &end, 10);
  return (end && *end == '\0') ? static_cast<size_t>(v) : SIZE_MAX;
}

struct Slots {
  void* ptr[8] = {};
  size_t size[8] = {};
  ~Slots() {
    for (void* p : ptr) std::free(p);
  }
};

thread_local Slots slots;

void* get(int slot, size_t bytes) {
  static const size_t limit = read_limit();
  if (slot < 0 || slot >= 8 || bytes > limit) return nullptr;
  if (slots.size[slot] >= bytes && slots.ptr[slot]) return slots.ptr[slot];
  std::free(slots.ptr[slot]);
  // Round up so aligned_alloc's size is a multiple of the alignment; grow by 1.5x to avoid churn.
  size_t want = bytes + bytes / 2;
  want = (want + 63) & ~static_cast<size_t>(63);
  slots.ptr[slot] = std::aligned_alloc(64, want == 0 ? 64 : want);
  slots.size[slot] = slots.ptr[slot] ? want : 0;
  return slots.ptr[slot];
}

}  // namespace

void* scratch(int slot, size_t bytes) {
  void* p = get(slot, bytes);
  if (!p) failures.fetch_add(1);
  return p;
}

void* scratch_optional(int slot, size_t bytes) { return get(slot, bytes); }

uint64_t scratch_failures() { return failures.load(); }

}  // namespace ng
