/*
 * Checks the hash-and-merge pass against a plain reference written with the textbook loops
 * (explicit centring, double sums, linear bucket search). Built and run by build.sh for every
 * target, the aarch64 one under qemu-user. Exit status 0 when every case matches.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haste_kernel.h"

static uint64_t rng = 88172645463325252ull;
static double uniform(void) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (double)(rng >> 11) / 9007199254740992.0;
}

static int reference_hash(const float *x, const float *r, int C, int P, int l, int lmax, int *bucket) {
  unsigned codes[4096];
  double *mean = calloc((size_t)P, sizeof(double));
  for (int p = 0; p < P; p++) {
    for (int j = 0; j < C; j++) mean[p] += x[j * P + p];
    mean[p] /= C;
  }
  int cred = 0;
  for (int c = 0; c < C; c++) {
    unsigned code = 0;
    for (int i = 0; i < l; i++) {
      double dot = 0;
      for (int p = 0; p < P; p++) dot += (x[c * P + p] - mean[p]) * r[p * lmax + i];
      code |= (unsigned)(dot > 0) << i;
    }
    int b = 0;
    while (b < cred && codes[b] != code) b++;
    if (b == cred) codes[cred++] = code;
    bucket[c] = (int)code; /* numbered below */
  }
  free(mean);
  for (int c = 0; c < C; c++) { /* rank of the code among the distinct codes */
    int rank = 0;
    for (int b = 0; b < cred; b++) rank += codes[b] < (unsigned)bucket[c];
    bucket[c] = rank;
  }
  return cred;
}

/* haste_merge_nchwc gives the plain merge's values at their NCHWc / OIHWBiBo places, zeros elsewhere. */
static int nchwc_case(const float *x, const float *w, const float *scale, const int32_t *bucket, const int32_t *count, const float *xm,
                      const float *wm, int C, int P, int O, int kk, int cred, int block, int threads) {
  int cp = (cred + block - 1) / block * block, op = (O + block - 1) / block * block, ib = cp / block;
  float *wblk = calloc((size_t)op * C * kk, sizeof(float));
  float *xb = malloc(sizeof(float) * cp * P), *wb = malloc(sizeof(float) * op * cp * kk);
  for (int o = 0; o < O; o++)
    for (int c = 0; c < C; c++)
      for (int k = 0; k < kk; k++) wblk[(((size_t)(o / block) * C + c) * kk + k) * block + o % block] = w[((size_t)o * C + c) * kk + k];
  int failures = haste_merge_nchwc(x, wblk, scale, bucket, count, C, P, op, kk, cred, block, xb, wb, threads) != 0;
  double worst = 0;
  for (int b = 0; b < cp; b++)
    for (int p = 0; p < P; p++) {
      float want = b < cred ? xm[(size_t)b * P + p] : 0.0f;
      worst = fmax(worst, fabs(xb[((size_t)(b / block) * P + p) * block + b % block] - want));
    }
  for (int o = 0; o < op; o++)
    for (int b = 0; b < cp; b++)
      for (int k = 0; k < kk; k++) {
        float want = o < O && b < cred ? wm[((size_t)o * cred + b) * kk + k] : 0.0f;
        float got = wb[((((size_t)(o / block) * ib + b / block) * kk + k) * block + b % block) * block + o % block];
        worst = fmax(worst, fabs(got - want));
      }
  failures += worst > 1e-5;
  /* Stream reuse: haste_apply with the kept buckets writes the same blocked input, bit for bit. */
  float *xa = malloc(sizeof(float) * cp * P);
  failures += haste_apply(x, bucket, C, P, cred, block, xa, threads) != 0 || memcmp(xa, xb, sizeof(float) * cp * P) != 0;
  free(xa);
  if (failures) printf("FAIL NCHWc layouts with block %d: max error %.2g\n", block, worst);
  free(wblk), free(xb), free(wb);
  return failures;
}

static int run_case(int C, int P, int O, int kk, int l, int lmax, int duplicate, int threads) {
  float *x = malloc(sizeof(float) * C * P), *r = malloc(sizeof(float) * P * lmax), *w = malloc(sizeof(float) * O * C * kk);
  for (int i = 0; i < C * P; i++) x[i] = (float)(uniform() * (uniform() < 0.3 ? 0 : 2));
  if (duplicate) memcpy(x + P, x, sizeof(float) * P); /* channel 1 = channel 0: must share a bucket */
  for (int i = 0; i < P * lmax; i++) {
    double u = uniform();
    r[i] = u < 1.0 / 6 ? 1.0f : u < 2.0 / 6 ? -1.0f : 0.0f;
  }
  for (int i = 0; i < O * C * kk; i++) w[i] = (float)(uniform() - 0.5);
  int32_t *bucket = malloc(sizeof(int32_t) * C), *count = malloc(sizeof(int32_t) * C);
  int *want = malloc(sizeof(int) * C);
  int cred = haste_hash(x, r, C, P, l, lmax, bucket, count, threads);
  int want_cred = reference_hash(x, r, C, P, l, lmax, want);
  int failures = 0;
  if (cred != want_cred) failures++;
  for (int c = 0; c < C && !failures; c++) failures += bucket[c] != want[c];
  if (duplicate && bucket[0] != bucket[1]) failures++;
  float *xm = malloc(sizeof(float) * (cred > 0 ? cred : 1) * P), *wm = malloc(sizeof(float) * O * (cred > 0 ? cred : 1) * kk);
  float *scale = malloc(sizeof(float) * C);
  double worst = 0;
  if (!failures) {
    failures += haste_merge_inputs(x, bucket, count, C, P, cred, xm, threads) != 0;
    float *xa = malloc(sizeof(float) * cred * P);
    failures += haste_apply(x, bucket, C, P, cred, 0, xa, threads) != 0 || memcmp(xa, xm, sizeof(float) * cred * P) != 0;
    free(xa);
    failures += haste_scales(x, bucket, count, C, P, cred, scale) != 0;
    /* Bucket sums in double, channel by channel; the scales against the bucket means from their definition. */
    double *xs = calloc((size_t)cred * P, sizeof(double)), *ws = calloc((size_t)O * cred * kk, sizeof(double));
    int *n = calloc((size_t)cred, sizeof(int));
    for (int c = 0; c < C; c++) {
      n[want[c]]++;
      for (int p = 0; p < P; p++) xs[(size_t)want[c] * P + p] += x[(size_t)c * P + p];
    }
    for (int c = 0; c < C; c++) {
      double num = 0, norm = 0;
      for (int p = 0; p < P; p++) {
        double m = xs[(size_t)want[c] * P + p] / n[want[c]];
        num += x[(size_t)c * P + p] * m, norm += m * m;
      }
      double a = n[want[c]] == 1 || norm == 0 ? 1.0 : num / norm;
      if (fabs(scale[c] - a) > 1e-4 * fmax(1.0, fabs(a))) failures++; /* float dot products */
    }
    for (int b = 0; b < cred; b++)
      for (int p = 0; p < P; p++) worst = fmax(worst, fabs(xm[(size_t)b * P + p] - xs[(size_t)b * P + p] / n[b]));
    for (int scaled = 0; scaled <= 1 && !failures; scaled++) {
      const float *sc = scaled ? scale : NULL;
      failures += haste_merge_filters(w, sc, bucket, C, O, kk, cred, wm, threads) != 0;
      memset(ws, 0, sizeof(double) * O * cred * kk);
      for (int c = 0; c < C; c++)
        for (int o = 0; o < O; o++)
          for (int k = 0; k < kk; k++) ws[((size_t)o * cred + want[c]) * kk + k] += (scaled ? scale[c] : 1.0) * w[((size_t)o * C + c) * kk + k];
      for (size_t i = 0; i < (size_t)O * cred * kk; i++) worst = fmax(worst, fabs(wm[i] - ws[i]));
      failures += worst > 1e-5;
      for (int block = 8; block <= 16 && !failures; block *= 2)
        failures += nchwc_case(x, w, sc, bucket, count, xm, wm, C, P, O, kk, cred, block, threads);
    }
    free(xs), free(ws), free(n);
  }
  printf("%s C=%d P=%d O=%d kk=%d L=%d lmax=%d threads=%d: %d buckets (reference %d), max merge error %.2g (plain and scale-aware, NCHWc layouts too)\n",
         failures ? "FAIL" : "ok  ", C, P, O, kk, l, lmax, threads, cred, want_cred, worst);
  free(x), free(r), free(w), free(bucket), free(count), free(want), free(xm), free(wm), free(scale);
  return failures;
}

/* Channels that are exact multiples of one base map, in one bucket: the scales are the multiples
   over their mean, and haste_subsample takes every stride-th row and column. */
static int scales_case(void) {
  enum { C = 4, H = 5, W = 7, P = H * W };
  const float mult[C] = {0.5f, 1.0f, 2.0f, 4.5f};
  float x[C * P], xs[C * 12], scale[C];
  int32_t bucket[C] = {0, 0, 0, 0}, count[1] = {C};
  for (int c = 0; c < C; c++)
    for (int p = 0; p < P; p++) x[c * P + p] = mult[c] * (float)(1 + (p * 7) % 11);
  int failures = haste_scales(x, bucket, count, C, P, 1, scale) != 0;
  double worst = 0;
  for (int c = 0; c < C; c++) worst = fmax(worst, fabs(scale[c] - mult[c] / 2.0)); /* the mean multiple is 2 */
  haste_subsample(x, C, H, W, 2, xs);                                                 /* 3 x 4 per channel */
  for (int c = 0; c < C; c++)
    for (int y = 0; y < 3; y++)
      for (int i = 0; i < 4; i++) failures += xs[(c * 3 + y) * 4 + i] != x[(c * H + 2 * y) * W + 2 * i];
  failures += worst > 1e-6;
  printf("%s exact multiples: scales within %.2g of the multiples over their mean; subsampling by 2\n", failures ? "FAIL" : "ok  ", worst);
  return failures;
}

/* haste_apply refuses an assignment with a bucket out of range or an empty bucket. */
static int invalid_assignment_case(void) {
  float x[3 * 4] = {0}, xm[3 * 4];
  int32_t outside[3] = {0, 3, 1}, gap[3] = {0, 2, 2}, good[3] = {1, 0, 1};
  int failures = (haste_apply(x, outside, 3, 4, 2, 0, xm, 1) != -2) + (haste_apply(x, gap, 3, 4, 3, 0, xm, 1) != -2) +
                 (haste_apply(x, good, 3, 4, 2, 0, xm, 1) != 0);
  printf("%s haste_apply refuses invalid assignments\n", failures ? "FAIL" : "ok  ");
  return failures;
}

/* Hyperplanes are +1/0/-1 (projections add and subtract pixels): any other entry among the first l is refused. */
static int invalid_hyperplanes_case(void) {
  float x[2 * 4] = {1, 2, 3, 4, 5, 6, 7, 8}, r[4 * 2] = {1, 0, -1, 1, 0, 0.5f, 1, -1};
  int32_t bucket[2], count[2];
  int failures = haste_hash(x, r, 2, 4, 1, 2, bucket, count, 1) < 1; /* the 0.5 is in plane 2, unused */
  failures += haste_hash(x, r, 2, 4, 2, 2, bucket, count, 1) != -2;
  if (failures) printf("FAIL hyperplanes other than +1/0/-1 are not refused\n");
  return failures;
}

int main(void) {
  int failures = 0;
  printf("kernel isa: %s\n", haste_kernel_isa());
  failures += run_case(16, 1024, 16, 9, 16, 16, 1, 1);  /* CIFAR-sized, two blocks of 8 channels, 16 planes */
  failures += run_case(37, 300, 5, 9, 13, 16, 0, 1);    /* channels not a multiple of 8: a padded block */
  failures += run_case(64, 49, 32, 1, 8, 8, 1, 1);      /* 1x1 filters, 8 planes */
  failures += run_case(10, 81, 3, 9, 5, 12, 0, 1);      /* fewer planes used than R holds */
  failures += run_case(24, 64, 4, 9, 31, 31, 0, 1);     /* the most planes a code holds */
  failures += run_case(2, 16, 2, 9, 1, 16, 1, 1);       /* one plane, two identical channels */
  /* Large enough for every part of the pass to run on several threads. */
  failures += run_case(64, 3136, 64, 9, 16, 16, 1, 1);
  failures += run_case(64, 3136, 64, 9, 16, 16, 1, 3);
  failures += run_case(512, 196, 512, 9, 8, 16, 0, 2);
  failures += run_case(128, 12544, 16, 1, 8, 8, 1, 2);
  failures += scales_case();
  failures += invalid_assignment_case();
  failures += invalid_hyperplanes_case();
  printf(failures ? "kernel test FAILED\n" : "kernel test passed\n");
  return failures != 0;
}
