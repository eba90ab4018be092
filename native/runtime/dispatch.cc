// ISA dispatch: each ISA library registers its kernel table; at load the best one this CPU supports
// is active, NODEGRAD_ISA=scalar|avx2|avx512|neon forces a lower one (never a higher one), and
// set_isa() switches at run time (tests and benchmarks walk every path this way).
#include <cstdlib>
#include <cstring>

#include "cpu_features.h"
#include "ng/kernels.h"

namespace ng {

const char* const kUnaryOpNames[U_COUNT] = {"neg", "abs", "sign", "exp", "log", "log1p", "sqrt", "sin", "cos", "tanh",
                                            "sigmoid", "relu", "erf", "leakyRelu", "elu", "clamp", "powScalar", "heaviside"};
const char* const kBinaryOpNames[B_COUNT] = {"add", "sub", "mul", "div", "pow", "maximum", "minimum", "reluBackward", "eq", "ne", "lt",
                                             "le", "gt", "ge", "logicalAnd", "logicalOr", "logicalXor"};
const char* const kReduceOpNames[R_COUNT] = {"sum", "mean", "max", "min"};
const char* const kArgReduceOpNames[A_COUNT] = {"max", "min"};
const char* const kSoftmaxOpNames[S_COUNT] = {"softmax", "logSoftmax"};
const char* const kOptimOpNames[O_COUNT] = {"sgd", "adam", "adagrad", "rmsprop", "adadelta"};
const char* const kRnnModeNames[RNN_COUNT] = {"rnnTanh", "rnnRelu", "lstm", "gru"};

// Each ISA library defines register_kernels in its own namespace (see native/kernels/register.cc).
#define NG_DECLARE_ISA(ns) \
  namespace ns {           \
  void register_kernels(KernelTable& t); \
  }
NG_DECLARE_ISA(scalar)
#if defined(__x86_64__)
NG_DECLARE_ISA(avx2)
NG_DECLARE_ISA(avx512)
#elif defined(__aarch64__)
NG_DECLARE_ISA(neon)
#endif
#undef NG_DECLARE_ISA

namespace {

struct Entry {
  const char* name;
  bool runnable;
  KernelTable table;
};

/** Every ISA built into this addon, best first, with whether this CPU can run it. */
struct Registry {
  Entry entries[4];
  int count = 0;
  const KernelTable* active = nullptr;

  Registry() {
    const CpuFeatures& f = cpu_features();
#if defined(__x86_64__)
    add("avx512", f.avx512, avx512::register_kernels);
    add("avx2", f.avx2_fma, avx2::register_kernels);
#elif defined(__aarch64__)
    add("neon", f.neon, neon::register_kernels);
#endif
    add("scalar", true, scalar::register_kernels);
    (void)f;
    // Best runnable ISA, or the one NODEGRAD_ISA names if it is runnable (an unknown or unsupported
    // name keeps the best: the JS side reports the mismatch through info()).
    for (int i = 0; i < count && !active; ++i)
      if (entries[i].runnable) active = &entries[i].table;
    if (const char* want = std::getenv("NODEGRAD_ISA")) {
      for (int i = 0; i < count; ++i)
        if (entries[i].runnable && std::strcmp(entries[i].name, want) == 0) active = &entries[i].table;
    }
  }

  void add(const char* name, bool runnable, void (*reg)(KernelTable&)) {
    Entry& e = entries[count++];
    e.name = name;
    e.runnable = runnable;
    e.table = KernelTable{};
    // Only an ISA this CPU runs may execute any of its library's code, registration included: the
    // compiler is free to use that ISA's instructions anywhere in it (GCC fills the table with zmm
    // stores in the avx512 build, a SIGILL on an AVX2-only CPU).
    if (runnable) reg(e.table);
    e.table.isa = name;
  }
};

Registry& registry() {
  static Registry r;
  return r;
}

}  // namespace

const KernelTable& kernels() { return *registry().active; }

int isa_available(const char** names, int max) {
  Registry& r = registry();
  int n = 0;
  for (int i = 0; i < r.count && n < max; ++i)
    if (r.entries[i].runnable) names[n++] = r.entries[i].name;
  return n;
}

bool set_isa(const char* name) {
  Registry& r = registry();
  for (int i = 0; i < r.count; ++i) {
    if (r.entries[i].runnable && std::strcmp(r.entries[i].name, name) == 0) {
      r.active = &r.entries[i].table;
      return true;
    }
  }
  return false;
}

}  // namespace ng
