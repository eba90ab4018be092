// CPU feature detection for ISA dispatch: cpuid plus XGETBV (the OS must have enabled the AVX/AVX-512
// register state, or the instructions fault even when cpuid lists them). Internal to runtime/.
#pragma once

namespace ng {

struct CpuFeatures {
  bool avx2_fma = false;  // AVX2 + FMA3, with OS-enabled YMM state
  bool avx512 = false;    // AVX-512 F/BW/DQ/VL, with OS-enabled ZMM/opmask state
  bool neon = false;      // arm64 Advanced SIMD (always present on aarch64)
};

const CpuFeatures& cpu_features();

}  // namespace ng
