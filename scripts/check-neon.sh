#!/bin/sh
# Cross-compiles the kernel sources for arm64 (the neon library, plus the scalar one the dispatcher
# also registers) with the runtime and native/test/gemm_neon_check.cc, and runs the SGEMM check under
# qemu: the NEON micro-kernel against a naive loop on random shapes, transposes, edges, batch strides.
# Needs g++-aarch64-linux-gnu and qemu-user; not part of npm test.
#   scripts/check-neon.sh [cases]
set -e
cd "$(dirname "$0")/.."
CXX=${CXX:-aarch64-linux-gnu-g++}
QEMU=${QEMU:-qemu-aarch64}
SYSROOT=${SYSROOT:-/usr/aarch64-linux-gnu}
cases=${1:-600}
out=out/neon
mkdir -p "$out"
FLAGS="-std=c++20 -O2 -fno-math-errno -Wall -Wextra -Inative/include"
SRCS=$(node -p "require('./native/kernels/sources.json').join(' ')")
objs=""
for isa in neon scalar; do
  for f in $SRCS; do
    o="$out/$isa-$(basename "$f" .cc).o"
    $CXX $FLAGS -DNG_ISA=$isa -c "$f" -o "$o" &
    objs="$objs $o"
  done
  wait
done
for f in native/runtime/*.cc native/test/gemm_neon_check.cc; do
  o="$out/rt-$(basename "$f" .cc).o"
  $CXX $FLAGS -c "$f" -o "$o"
  objs="$objs $o"
done
$CXX -pthread $objs -o "$out/gemm_neon_check"
# The NEON micro-kernel must be the one the neon library's driver calls.
if command -v aarch64-linux-gnu-nm >/dev/null; then
  aarch64-linux-gnu-nm -C "$out/neon-gemm.o" | grep -q "U ng::neon::sgemm_ukr_neon_8x12" || { echo "neon gemm does not call the NEON micro-kernel"; exit 1; }
fi
status=0
for threads in 1 2 3; do
  "$QEMU" -L "$SYSROOT" "$out/gemm_neon_check" neon "$cases" "$threads" || status=1
done
"$QEMU" -L "$SYSROOT" "$out/gemm_neon_check" scalar "$((cases / 3))" 2 || status=1
exit $status
