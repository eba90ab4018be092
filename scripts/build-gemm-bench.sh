#!/bin/sh
# Builds out/gemm_bench (native/test/gemm_bench.cc, timing) and out/gemm_check
# (native/test/gemm_neon_check.cc, correctness vs a naive loop) from the kernel sources, one object set
# per x86 ISA as binding.gyp does, without Node. Development aid for the GEMM; not part of npm test.
set -e
cd "$(dirname "$0")/.."
out=out/gemm
mkdir -p "$out"
CXX=${CXX:-g++}
FLAGS="-std=c++20 -O3 -fPIC -fno-math-errno -fno-tree-loop-distribute-patterns -Wall -Wextra -Inative/include -DNG_GEMM_TUNING"
SRCS=$(node -p "require('./native/kernels/sources.json').join(' ')")
objs=""
for isa in scalar avx2 avx512; do
  case $isa in
    avx2) ISAF="-mavx2 -mfma" ;;
    avx512) ISAF="-mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx2 -mfma -Wno-uninitialized" ;;
    *) ISAF="" ;;
  esac
  for f in $SRCS; do
    o="$out/$isa-$(basename "$f" .cc).o"
    $CXX $FLAGS -DNG_ISA=$isa $ISAF -c "$f" -o "$o" &
    objs="$objs $o"
  done
  wait
done
for f in native/runtime/*.cc; do
  o="$out/rt-$(basename "$f" .cc).o"
  $CXX $FLAGS -c "$f" -o "$o"
  objs="$objs $o"
done
$CXX $FLAGS -c native/test/gemm_bench.cc -o "$out/gemm_bench.o"
$CXX $FLAGS -c native/test/gemm_neon_check.cc -o "$out/gemm_check.o"
$CXX -pthread $objs "$out/gemm_bench.o" -o out/gemm_bench
$CXX -pthread $objs "$out/gemm_check.o" -o out/gemm_check
echo "built out/gemm_bench out/gemm_check"
