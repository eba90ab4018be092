/* W1 baseline: OpenBLAS cblas_sgemm, row-major, on one shape. A standalone benchmark program:
 * bench/openblas.ts compiles it at run time against Debian's libopenblas-dev (cblas.h, -lopenblas)
 * and runs it with OPENBLAS_NUM_THREADS set per run. Benchmark-only: never part of the addon, never a
 * runtime dependency.
 *
 * usage: openblas_sgemm M K N transA transB warmup min_reps max_reps target_ms sample_ms
 *   C (M x N) = op(A) op(B), op(A) M x K, op(B) K x N; transA = 1 stores A as K x M (A^T·B),
 *   transB = 1 stores B as N x K (A·B^T), like the `.t()` views bench/w1_gemm.ts passes to matmul.
 * Timing policy (the same as bench/w1_gemm.ts): `warmup` untimed calls; the last one estimates the
 * time t of one call; each sample times `inner` = ceil(sample_ms / t) back-to-back calls and records
 * their mean; reps = clamp(target_ms / (inner t), min_reps, max_reps).
 * prints: {"config":"...","threads":2,"inner":4,"ms":[...per-call ms, one per sample...]}
 */

#define _POSIX_C_SOURCE 200112L /* clock_gettime */

#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* OpenBLAS extensions; declared here so a cblas.h without them still compiles. */
char *openblas_get_config(void);
int openblas_get_num_threads(void);

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

static float *random_matrix(long n, unsigned *state) {
  float *p = (float *)aligned_alloc(64, ((size_t)n * sizeof(float) + 63) / 64 * 64);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  for (long i = 0; i < n; i++) {
    *state = *state * 1664525u + 1013904223u;
    p[i] = (float)(*state >> 8) / 16777216.0f;
  }
  return p;
}

int main(int argc, char **argv) {
  if (argc != 11) {
    fprintf(stderr, "usage: %s M K N transA transB warmup min_reps max_reps target_ms sample_ms\n", argv[0]);
    return 2;
  }
  const int M = atoi(argv[1]), K = atoi(argv[2]), N = atoi(argv[3]);
  const int ta = atoi(argv[4]), tb = atoi(argv[5]);
  const int warmup = atoi(argv[6]), min_reps = atoi(argv[7]), max_reps = atoi(argv[8]);
  const double target_ms = atof(argv[9]), sample_ms = atof(argv[10]);
  if (M < 1 || K < 1 || N < 1 || warmup < 1 || min_reps < 1 || max_reps < min_reps) {
    fprintf(stderr, "bad arguments\n");
    return 2;
  }

  unsigned state = 12345u;
  float *A = random_matrix((long)M * K, &state);
  float *B = random_matrix((long)K * N, &state);
  float *C = random_matrix((long)M * N, &state);
  /* Row-major leading dimensions of the stored matrices. */
  const int lda = ta ? M : K, ldb = tb ? K : N, ldc = N;
  const enum CBLAS_TRANSPOSE opA = ta ? CblasTrans : CblasNoTrans, opB = tb ? CblasTrans : CblasNoTrans;

  double t = 0;
  for (int i = 0; i < warmup; i++) {
    const double t0 = now_ms();
    cblas_sgemm(CblasRowMajor, opA, opB, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C, ldc);
    t = now_ms() - t0;
  }
  if (t < 1e-6) t = 1e-6;
  int inner = (int)ceil(sample_ms / t);
  if (inner < 1) inner = 1;
  long reps = lround(target_ms / (inner * t));
  if (reps < min_reps) reps = min_reps;
  if (reps > max_reps) reps = max_reps;

  printf("{\"config\":\"%s\",\"threads\":%d,\"inner\":%d,\"ms\":[", openblas_get_config(), openblas_get_num_threads(), inner);
  for (long r = 0; r < reps; r++) {
    const double t0 = now_ms();
    for (int i = 0; i < inner; i++) {
      cblas_sgemm(CblasRowMajor, opA, opB, M, N, K, 1.0f, A, lda, B, ldb, 0.0f, C, ldc);
    }
    printf("%s%.6f", r ? "," : "", (now_ms() - t0) / inner);
  }
  /* Reading C keeps the calls observable. */
  double s = 0;
  for (long i = 0; i < (long)M * N; i += 97) s += C[i];
  printf("],\"checksum\":%.6g}\n", s);
  free(A);
  free(B);
  free(C);
  return 0;
}
