// OpenBLAS SGEMM baseline for bench/gemm_vs_openblas.ts: times cblas_sgemm on one shape and prints
// "<median ms> <min ms>" (median of `repeats` runs after `warmup`). Row-major, layouts NN / TN / NT as
// nodegrad's matmul passes them (TN: A stored K×M; NT: B stored N×K). Build:
//   gcc -O2 bench/native/openblas_sgemm.c -o build/openblas_sgemm -lopenblas
// Threads: OPENBLAS_NUM_THREADS. GEMM_BENCH_CPUTIME=1 times process CPU time instead of wall time
// (steadier for one thread on a shared machine). Not part of the addon or the tests.
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int use_cputime = 0;

static double now_ms(void) {
  struct timespec t;
  clock_gettime(use_cputime ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static int cmp(const void* a, const void* b) {
  const double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s M K N NN|TN|NT [repeats] [warmup]\n", argv[0]);
    return 2;
  }
  const int M = atoi(argv[1]), K = atoi(argv[2]), N = atoi(argv[3]);
  const int ta = argv[4][0] == 'T', tb = argv[4][1] == 'T';
  use_cputime = getenv("GEMM_BENCH_CPUTIME") && getenv("GEMM_BENCH_CPUTIME")[0] == '1';
  const int repeats = argc > 5 ? atoi(argv[5]) : 5, warmup = argc > 6 ? atoi(argv[6]) : 2;
  float* A = aligned_alloc(64, ((size_t)M * K * 4 + 63) / 64 * 64);
  float* B = aligned_alloc(64, ((size_t)K * N * 4 + 63) / 64 * 64);
  float* C = aligned_alloc(64, ((size_t)M * N * 4 + 63) / 64 * 64);
  srand(1);
  for (size_t i = 0; i < (size_t)M * K; i++) A[i] = (float)rand() / RAND_MAX;
  for (size_t i = 0; i < (size_t)K * N; i++) B[i] = (float)rand() / RAND_MAX;
  memset(C, 0, (size_t)M * N * 4);
  double* ts = malloc(sizeof(double) * (repeats > 0 ? repeats : 1));
  for (int r = -warmup; r < repeats; r++) {
    const double t0 = now_ms();
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, M, N, K, 1.0f, A, ta ? M : K, B,
                tb ? K : N, 0.0f, C, N);
    const double t = now_ms() - t0;
    if (r >= 0) ts[r] = t;
  }
  qsort(ts, repeats, sizeof(double), cmp);
  printf("%.4f %.4f\n", ts[repeats / 2], ts[0]);
  return 0;
}
