/* Picks the fastest copy of the hash-and-merge pass that this CPU runs. */
#include <stdlib.h>
#include <string.h>

#include "haste_kernel.h"

#define DECLARE(isa)                                                                                          \
  int haste_hash_##isa(const float *, const float *, int, int, int, int, int32_t *, int32_t *, int);        \
  int haste_merge_inputs_##isa(const float *, const int32_t *, const int32_t *, int, int, int, float *, int); \
  int haste_scales_##isa(const float *, const int32_t *, const int32_t *, int, int, int, float *);            \
  int haste_merge_filters_##isa(const float *, const float *, const int32_t *, int, int, int, int, float *, int); \
  int haste_merge_nchwc_##isa(const float *, const float *, const float *, const int32_t *, const int32_t *, int, int, int, \
                              int, int, int, float *, float *, int);

DECLARE(generic)
#if defined(__x86_64__)
DECLARE(avx2)
DECLARE(avx512)
enum { GENERIC, AVX2, AVX512 };

/* The best copy this CPU runs; HASTE_KERNEL_ISA=generic|avx2|avx512 asks for a lower one (tests run each). */
static int isa(void) {
  __builtin_cpu_init();
  int best = __builtin_cpu_supports("avx512f") ? AVX512
             : __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? AVX2 : GENERIC;
  const char *asked = getenv("HASTE_KERNEL_ISA");
  int want = !asked ? best : strcmp(asked, "generic") == 0 ? GENERIC : strcmp(asked, "avx2") == 0 ? AVX2 : best;
  return want < best ? want : best;
}
#define PICK(name, ...) \
  (isa() == AVX512 ? name##_avx512(__VA_ARGS__) : isa() == AVX2 ? name##_avx2(__VA_ARGS__) : name##_generic(__VA_ARGS__))
static const char *isa_name(void) { return isa() == AVX512 ? "avx512" : isa() == AVX2 ? "avx2" : "generic"; }
#else
#define PICK(name, ...) name##_generic(__VA_ARGS__)
static const char *isa_name(void) { return "generic"; }
#endif

int haste_hash(const float *x, const float *r, int C, int P, int l, int lmax, int32_t *bucket, int32_t *count, int threads) {
  return PICK(haste_hash, x, r, C, P, l, lmax, bucket, count, threads);
}

int haste_merge_inputs(const float *x, const int32_t *bucket, const int32_t *count, int C, int P, int cred, float *xm,
                       int threads) {
  return PICK(haste_merge_inputs, x, bucket, count, C, P, cred, xm, threads);
}

void haste_subsample(const float *x, int C, int H, int W, int stride, float *xs) {
  for (int c = 0; c < C; c++)
    for (int y = 0; y < H; y += stride)
      for (int xp = 0; xp < W; xp += stride) *xs++ = x[((size_t)c * H + y) * W + xp];
}

int haste_scales(const float *x, const int32_t *bucket, const int32_t *count, int C, int P, int cred, float *scale) {
  return PICK(haste_scales, x, bucket, count, C, P, cred, scale);
}

int haste_merge_filters(const float *w, const float *scale, const int32_t *bucket, int C, int O, int kk, int cred, float *wm,
                        int threads) {
  return PICK(haste_merge_filters, w, scale, bucket, C, O, kk, cred, wm, threads);
}

int haste_merge_nchwc(const float *x, const float *wblk, const float *scale, const int32_t *bucket, const int32_t *count, int C,
                      int P, int op, int kk, int cred, int block, float *xb, float *wb, int threads) {
  return PICK(haste_merge_nchwc, x, wblk, scale, bucket, count, C, P, op, kk, cred, block, xb, wb, threads);
}

int haste_apply(const float *x, const int32_t *bucket, int C, int P, int cred, int block, float *xm, int threads) {
  int32_t *count = calloc((size_t)(cred > 0 ? cred : 1), sizeof(int32_t));
  if (!count) return -1;
  int status = 0;
  for (int c = 0; c < C && status == 0; c++) {
    if (bucket[c] < 0 || bucket[c] >= cred) status = -2;
    else count[bucket[c]]++;
  }
  for (int b = 0; b < cred && status == 0; b++)
    if (count[b] == 0) status = -2;
  if (status == 0)
    status = block ? haste_merge_nchwc(x, NULL, NULL, bucket, count, C, P, 0, 1, cred, block, xm, NULL, threads)
                   : haste_merge_inputs(x, bucket, count, C, P, cred, xm, threads);
  free(count);
  return status;
}

const char *haste_kernel_isa(void) { return isa_name(); }
