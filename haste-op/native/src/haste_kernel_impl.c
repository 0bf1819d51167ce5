/*
 * The hash-and-merge pass, written once with GCC vector extensions (8 floats per vector). The
 * build compiles this file once per instruction set (HK() names the copy: haste_hash_generic,
 * haste_hash_avx2, ...); haste_kernel.c picks one at run time.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "haste_kernel.h"

#ifndef HK
#error "compile with -DHK(name)=name##_<isa>"
#endif

typedef float v8 __attribute__((vector_size(32)));

static inline v8 ld8(const float *p) {
  v8 v;
  memcpy(&v, p, sizeof v);
  return v;
}

static inline void st8(float *p, v8 v) { memcpy(p, &v, sizeof v); }

static inline v8 bc8(float s) { return (v8){s, s, s, s, s, s, s, s}; }

/* A piece of work split in parts: fn(ctx, part, parts) does part `part`. */
typedef void (*part_fn)(void *ctx, int part, int parts);

typedef struct {
  part_fn fn;
  void *ctx;
  int part, parts;
} part_arg;

static void *run_part(void *p) {
  part_arg *a = p;
  a->fn(a->ctx, a->part, a->parts);
  return NULL;
}

/* Runs the parts on up to `parts` threads (the caller's included; at most 8); a part whose thread
   cannot be started runs on the caller. */
static void parallel(int parts, part_fn fn, void *ctx) {
  if (parts > 8) parts = 8;
  pthread_t t[8];
  part_arg a[8];
  int started[8] = {0};
  for (int i = 1; i < parts; i++) {
    a[i] = (part_arg){fn, ctx, i, parts};
    started[i] = pthread_create(&t[i], NULL, run_part, &a[i]) == 0;
  }
  fn(ctx, 0, parts > 0 ? parts : 1);
  for (int i = 1; i < parts; i++) {
    if (started[i]) pthread_join(t[i], NULL);
    else fn(ctx, i, parts);
  }
}

/* Threads worth using for `work` element operations: one more per 2^20 (a few hundred
   microseconds of work: starting and joining a thread costs tens), at most `threads`. */
static int parts_for(long work, int threads) {
  long n = 1 + work / (1L << 20);
  return (int)(n < threads ? n : threads);
}

/* [*lo, *hi): part `part` of `n` items in `parts` even slices. */
static void slice(int n, int part, int parts, int *lo, int *hi) {
  *lo = (int)((long)n * part / parts);
  *hi = (int)((long)n * (part + 1) / parts);
}

/*
 * The hyperplanes are +1/0/-1, so a projection is a sum and a difference of pixels: only the
 * nonzero entries are visited (about a third at the default sparsity 2/3). entry[start[i] ..
 * start[i+1]) lists plane i's, p + 1 where it is +1 and -(p + 1) where it is -1.
 */
typedef struct {
  const float *xt; /* the hashed pixels transposed: P rows of cp floats (channels, zero-padded to 8) */
  const int32_t *start, *entry;
  int cp, l;
  float *proj; /* l rows of cp floats: proj[i][c] = <x_c, r_i> */
} project_job;

/* Part of the projections: a slice of the blocks of 8 channels, every plane, summed across lanes. */
static void project_part(void *ctx, int part, int parts) {
  project_job *j = ctx;
  int lo, hi;
  slice(j->cp / 8, part, parts, &lo, &hi);
  for (int blk = lo; blk < hi; blk++) {
    const float *xb = j->xt + 8 * blk;
    for (int i = 0; i < j->l; i++) {
      v8 acc = bc8(0.0f);
      for (int k = j->start[i]; k < j->start[i + 1]; k++) {
        int32_t e = j->entry[k];
        if (e > 0) acc += ld8(xb + (size_t)(e - 1) * j->cp);
        else acc -= ld8(xb + (size_t)(-e - 1) * j->cp);
      }
      st8(j->proj + (size_t)i * j->cp + 8 * blk, acc);
    }
  }
}

static int compare_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

int HK(haste_hash)(const float *x, const float *r, int C, int P, int l, int lmax, int32_t *bucket, int32_t *count, int threads) {
  int cp = (C + 7) / 8 * 8;
  int table_size = 1;
  while (table_size < 2 * C) table_size <<= 1;

  float *proj = malloc((size_t)l * cp * sizeof(float));
  float *xt = calloc((size_t)P * cp + 1, sizeof(float));
  float *mean = malloc((size_t)P * sizeof(float));
  int32_t *start = malloc((size_t)(l + 1) * sizeof(int32_t));
  int32_t *entry = malloc((size_t)P * l * sizeof(int32_t) + sizeof(int32_t));
  int32_t *table = malloc((size_t)table_size * sizeof(int32_t));
  uint32_t *codes = malloc((size_t)C * sizeof(uint32_t));
  if (!proj || !xt || !mean || !start || !entry || !table || !codes) {
    free(proj), free(xt), free(mean), free(start), free(entry), free(table), free(codes);
    return -1;
  }
  start[0] = 0;
  for (int i = 0; i < l; i++) {
    int n = start[i];
    for (int p = 0; p < P; p++) {
      float v = r[(size_t)p * lmax + i];
      if (v != 0.0f && v != 1.0f && v != -1.0f) {
        free(proj), free(xt), free(mean), free(start), free(entry), free(table), free(codes);
        return -2;
      }
      if (v != 0.0f) entry[n++] = v > 0.0f ? p + 1 : -(p + 1);
    }
    start[i + 1] = n;
  }
  for (int c = 0; c < C; c++)
    for (int p = 0; p < P; p++) xt[(size_t)p * cp + c] = x[(size_t)c * P + p];

  /* Centring, folded algebraically: <x_c - m, r_i> = <x_c, r_i> - <m, r_i>. */
  for (int p = 0; p < P; p++) mean[p] = 0.0f;
  for (int c = 0; c < C; c++) {
    const float *xc = x + (size_t)c * P;
    int p = 0;
    for (; p + 8 <= P; p += 8) st8(mean + p, ld8(mean + p) + ld8(xc + p));
    for (; p < P; p++) mean[p] += xc[p];
  }
  for (int p = 0; p < P; p++) mean[p] /= (float)C;
  float mproj[HASTE_MAX_PLANES];
  for (int i = 0; i < l; i++) {
    float sum = 0.0f;
    for (int k = start[i]; k < start[i + 1]; k++) sum += entry[k] > 0 ? mean[entry[k] - 1] : -mean[-entry[k] - 1];
    mproj[i] = sum;
  }
  project_job job = {xt, start, entry, cp, l, proj};
  parallel(parts_for((long)cp * start[l], threads), project_part, &job);

  for (int i = 0; i < table_size; i++) table[i] = -1;
  int cred = 0;
  int shift = 32 - __builtin_ctz((unsigned)table_size);
  for (int c = 0; c < C; c++) {
    uint32_t code = 0;
    for (int i = 0; i < l; i++) code |= (uint32_t)(proj[(size_t)i * cp + c] - mproj[i] > 0.0f) << i;
    uint32_t h = shift >= 32 ? 0 : (code * 2654435761u) >> shift;
    for (;;) {
      int32_t b = table[h];
      if (b < 0) {
        table[h] = cred;
        codes[cred] = code;
        count[cred] = 1;
        bucket[c] = cred++;
        break;
      }
      if (codes[b] == code) {
        count[b]++;
        bucket[c] = b;
        break;
      }
      h = (h + 1) & (uint32_t)(table_size - 1);
    }
  }
  /* Number the buckets in ascending code order, as the portable graph's sorted Unique does, so
     that both convolve the merged channels in the same order. */
  int32_t *rank = malloc((size_t)cred * sizeof(int32_t));
  uint64_t *keyed = malloc((size_t)cred * sizeof(uint64_t));
  int32_t *sizes = malloc((size_t)cred * sizeof(int32_t));
  if (!rank || !keyed || !sizes) {
    free(proj), free(xt), free(mean), free(start), free(entry), free(table), free(codes), free(rank), free(keyed), free(sizes);
    return -1;
  }
  for (int b = 0; b < cred; b++) keyed[b] = (uint64_t)codes[b] << 32 | (uint32_t)b;
  qsort(keyed, (size_t)cred, sizeof(uint64_t), compare_u64);
  for (int i = 0; i < cred; i++) rank[(uint32_t)keyed[i]] = i;
  for (int b = 0; b < cred; b++) sizes[rank[b]] = count[b];
  memcpy(count, sizes, (size_t)cred * sizeof(int32_t));
  for (int c = 0; c < C; c++) bucket[c] = rank[bucket[c]];
  free(proj), free(xt), free(mean), free(start), free(entry), free(table), free(codes), free(rank), free(keyed), free(sizes);
  return cred;
}

/* Members of every bucket, bucket by bucket, in channel order: members[start[b] .. start[b+1]). */
static int bucket_members(const int32_t *bucket, const int32_t *count, int C, int cred, int32_t **start, int32_t **members) {
  *start = malloc((size_t)(cred + 1) * sizeof(int32_t));
  *members = malloc((size_t)C * sizeof(int32_t));
  int32_t *fill = malloc((size_t)(cred + 1) * sizeof(int32_t));
  if (!*start || !*members || !fill) {
    free(*start), free(*members), free(fill);
    return -1;
  }
  (*start)[0] = 0;
  for (int b = 0; b < cred; b++) (*start)[b + 1] = (*start)[b] + count[b], fill[b] = (*start)[b];
  for (int c = 0; c < C; c++) (*members)[fill[bucket[c]]++] = c;
  free(fill);
  return 0;
}

/* sum of a[p] * b[p] over n floats, in float vectors of 8 (scale-aware merging's dot products). */
static float dot(const float *a, const float *b, int n) {
  v8 acc = bc8(0.0f);
  int p = 0;
  for (; p + 8 <= n; p += 8) acc += ld8(a + p) * ld8(b + p);
  float sum = 0.0f;
  for (int i = 0; i < 8; i++) sum += acc[i];
  for (; p < n; p++) sum += a[p] * b[p];
  return sum;
}

int HK(haste_scales)(const float *x, const int32_t *bucket, const int32_t *count, int C, int P, int cred, float *scale) {
  int32_t *start, *members;
  if (bucket_members(bucket, count, C, cred, &start, &members) != 0) return -1;
  float *mean = malloc((size_t)(P > 0 ? P : 1) * sizeof(float));
  if (!mean) {
    free(start), free(members);
    return -1;
  }
  for (int b = 0; b < cred; b++) {
    const int32_t *m = members + start[b];
    if (count[b] == 1) {
      scale[m[0]] = 1.0f;
      continue;
    }
    memcpy(mean, x + (size_t)m[0] * P, (size_t)P * sizeof(float));
    for (int i = 1; i < count[b]; i++) {
      const float *xc = x + (size_t)m[i] * P;
      int p = 0;
      for (; p + 8 <= P; p += 8) st8(mean + p, ld8(mean + p) + ld8(xc + p));
      for (; p < P; p++) mean[p] += xc[p];
    }
    /* <x_c, sum> / <sum, sum> * n = <x_c, mean> / <mean, mean>: the division by n folded in. */
    float norm = dot(mean, mean, P);
    for (int i = 0; i < count[b]; i++)
      scale[m[i]] = norm > 0.0f ? dot(x + (size_t)m[i] * P, mean, P) / norm * (float)count[b] : 1.0f;
  }
  free(mean), free(start), free(members);
  return 0;
}

typedef struct {
  const float *x;
  const int32_t *count, *start, *members;
  int P, cred;
  float *xm;
} inputs_job;

/* Part of the input merge: a slice of the buckets, each the sum of its members' rows over its size. */
static void inputs_part(void *ctx, int part, int parts) {
  inputs_job *j = ctx;
  int lo, hi;
  slice(j->cred, part, parts, &lo, &hi);
  for (int b = lo; b < hi; b++) {
    float *dst = j->xm + (size_t)b * j->P;
    /* The first member is copied, the others added: m - 1 additions per pixel for m members. */
    memcpy(dst, j->x + (size_t)j->members[j->start[b]] * j->P, (size_t)j->P * sizeof(float));
    for (int m = j->start[b] + 1; m < j->start[b + 1]; m++) {
      const float *xc = j->x + (size_t)j->members[m] * j->P;
      int p = 0;
      for (; p + 8 <= j->P; p += 8) st8(dst + p, ld8(dst + p) + ld8(xc + p));
      for (; p < j->P; p++) dst[p] += xc[p];
    }
    if (j->count[b] == 1) continue;
    float f = 1.0f / (float)j->count[b];
    int p = 0;
    for (; p + 8 <= j->P; p += 8) st8(dst + p, ld8(dst + p) * bc8(f));
    for (; p < j->P; p++) dst[p] *= f;
  }
}

int HK(haste_merge_inputs)(const float *x, const int32_t *bucket, const int32_t *count, int C, int P, int cred, float *xm,
                           int threads) {
  int32_t *start, *members;
  if (bucket_members(bucket, count, C, cred, &start, &members) != 0) return -1;
  inputs_job job = {x, count, start, members, P, cred, xm};
  parallel(parts_for((long)C * P, threads), inputs_part, &job);
  free(start), free(members);
  return 0;
}

typedef struct {
  const float *w, *scale;
  const int32_t *bucket;
  const uint8_t *first;
  int C, O, kk, cred;
  float *wm;
} filters_job;

/* first[c] = 1 for the lowest channel of each bucket: its filter slice is copied (scale-aware:
   multiplied), the others added (multiply-added): m - 1 additions per weight for a bucket of m.
   NULL when out of memory. */
static uint8_t *first_members(const int32_t *bucket, int C, int cred) {
  uint8_t *first = malloc((size_t)C + (size_t)cred);
  if (!first) return NULL;
  uint8_t *seen = first + C;
  memset(seen, 0, (size_t)cred);
  for (int c = 0; c < C; c++) {
    first[c] = !seen[bucket[c]];
    seen[bucket[c]] = 1;
  }
  return first;
}

/* Part of the filter merge: a slice of the output channels. */
static void filters_part(void *ctx, int part, int parts) {
  filters_job *j = ctx;
  int lo, hi, C = j->C, kk = j->kk;
  slice(j->O, part, parts, &lo, &hi);
  for (int o = lo; o < hi; o++) {
    const float *wo = j->w + (size_t)o * C * kk;
    float *mo = j->wm + (size_t)o * j->cred * kk;
    if (j->scale) {
      for (int c = 0; c < C; c++) {
        float *dst = mo + (size_t)j->bucket[c] * kk, a = j->scale[c];
        const float *src = wo + (size_t)c * kk;
        if (j->first[c] && a == 1.0f) memcpy(dst, src, (size_t)kk * sizeof(float));
        else if (j->first[c]) for (int k = 0; k < kk; k++) dst[k] = a * src[k];
        else for (int k = 0; k < kk; k++) dst[k] += a * src[k];
      }
      continue;
    }
    if (kk == 1) {
      for (int c = 0; c < C; c++) mo[j->bucket[c]] = j->first[c] ? wo[c] : mo[j->bucket[c]] + wo[c];
      continue;
    }
    for (int c = 0; c < C; c++) {
      float *dst = mo + (size_t)j->bucket[c] * kk;
      const float *src = wo + (size_t)c * kk;
      if (j->first[c]) memcpy(dst, src, (size_t)kk * sizeof(float));
      else for (int k = 0; k < kk; k++) dst[k] += src[k];
    }
  }
}

int HK(haste_merge_filters)(const float *w, const float *scale, const int32_t *bucket, int C, int O, int kk, int cred, float *wm,
                            int threads) {
  uint8_t *first = first_members(bucket, C, cred);
  if (!first) return -1;
  filters_job job = {w, scale, bucket, first, C, O, kk, cred, wm};
  parallel(parts_for((long)O * C * kk, threads), filters_part, &job);
  free(first);
  return 0;
}

typedef struct {
  const float *x, *wblk, *scale;
  const int32_t *bucket, *count, *start, *members;
  const uint8_t *first;
  int C, P, op, kk, cred, block, ib;
  float *xb, *wb;
} nchwc_job;

/* Part of the NCHWc input merge: a slice of the blocks of merged channels, 16 pixels at a time:
   bucket means summed from the members' rows (whole cache lines read), written as 16 x block tiles. */
static void nchwc_inputs_part(void *ctx, int part, int parts) {
  nchwc_job *j = ctx;
  int lo, hi, P = j->P, block = j->block;
  slice(j->ib, part, parts, &lo, &hi);
  for (int cb = lo; cb < hi; cb++) {
    float *dst = j->xb + (size_t)cb * P * block;
    for (int p0 = 0; p0 < P; p0 += 16) {
      int pn = P - p0 < 16 ? P - p0 : 16;
      float tile[16 * 64];
      memset(tile, 0, sizeof(float) * 16 * block);
      for (int i = 0; i < block && cb * block + i < j->cred; i++) {
        int b = cb * block + i;
        float sum[16];
        memcpy(sum, j->x + (size_t)j->members[j->start[b]] * P + p0, sizeof(float) * pn);  /* first member copied */
        if (pn == 16) {
          for (int m = j->start[b] + 1; m < j->start[b + 1]; m++) {
            const float *row = j->x + (size_t)j->members[m] * P + p0;
#pragma GCC unroll 16
            for (int p = 0; p < 16; p++) sum[p] += row[p];
          }
        } else {
          for (int m = j->start[b] + 1; m < j->start[b + 1]; m++) {
            const float *row = j->x + (size_t)j->members[m] * P + p0;
            for (int p = 0; p < pn; p++) sum[p] += row[p];
          }
        }
        float inv = 1.0f / (float)j->count[b];
        if (j->count[b] == 1) {
          for (int p = 0; p < pn; p++) tile[p * block + i] = sum[p];
        } else {
          for (int p = 0; p < pn; p++) tile[p * block + i] = sum[p] * inv;
        }
      }
      memcpy(dst + (size_t)p0 * block, tile, sizeof(float) * pn * block);
    }
  }
}

/* Part of the NCHWc filter merge: a slice of the output blocks, each one OIHWBiBo slice (it stays
   in cache) built with whole-vector additions. */
static void nchwc_filters_part(void *ctx, int part, int parts) {
  nchwc_job *j = ctx;
  int lo, hi, block = j->block, kk = j->kk;
  size_t slice_size = (size_t)j->ib * kk * block * block;
  slice(j->op / block, part, parts, &lo, &hi);
  for (int ob = lo; ob < hi; ob++) {
    float *dst = j->wb + (size_t)ob * slice_size;
    memset(dst, 0, slice_size * sizeof(float));
    /* Whole vectors of 8 (block is a multiple of 8): the first member of each bucket copied (scale-aware:
       multiplied by its scale), the others added (multiply-added), in one pass over the filters. */
    for (int c = 0; c < j->C; c++) {
      const float *src = j->wblk + ((size_t)ob * j->C + c) * kk * block;
      float *d = dst + ((size_t)(j->bucket[c] / block) * kk * block + j->bucket[c] % block) * block;
      v8 a = bc8(j->scale ? j->scale[c] : 1.0f);
      if (j->first[c]) {
        for (int k = 0; k < kk; k++)
          for (int i = 0; i < block; i += 8) st8(d + (size_t)k * block * block + i, j->scale ? a * ld8(src + k * block + i) : ld8(src + k * block + i));
      } else {
        for (int k = 0; k < kk; k++)
          for (int i = 0; i < block; i += 8)
            st8(d + (size_t)k * block * block + i, ld8(d + (size_t)k * block * block + i) + (j->scale ? a * ld8(src + k * block + i) : ld8(src + k * block + i)));
      }
    }
  }
}

int HK(haste_merge_nchwc)(const float *x, const float *wblk, const float *scale, const int32_t *bucket, const int32_t *count, int C,
                          int P, int op, int kk, int cred, int block, float *xb, float *wb, int threads) {
  int32_t *start, *members;
  if (bucket_members(bucket, count, C, cred, &start, &members) != 0) return -1;
  uint8_t *first = wb ? first_members(bucket, C, cred) : NULL;
  if (wb && !first) {
    free(start), free(members);
    return -1;
  }
  int cp = (cred + block - 1) / block * block;
  nchwc_job job = {x, wblk, scale, bucket, count, start, members, first, C, P, op, kk, cred, block, cp / block, xb, wb};
  parallel(parts_for((long)C * P, threads), nchwc_inputs_part, &job);
  if (wb) parallel(parts_for((long)op * C * kk, threads), nchwc_filters_part, &job);
  free(start), free(members), free(first);
  return 0;
}
