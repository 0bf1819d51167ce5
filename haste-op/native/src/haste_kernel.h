/*
 * The HASTE hash-and-merge pass of one convolution, in plain C (no ONNX Runtime types), so that
 * it can be tested on its own, natively and under qemu for aarch64.
 *
 * x: the input, C channels of P pixels (row-major C x P). r: the hyperplanes, P x lmax
 * (row-major, +1/0/-1), of which the first l are used. w: the filters, O x C x kk.
 * Channel c's code has bit i set iff <x_c - mean_j x_j, r_i> > 0 (strict); channels with equal
 * codes form a bucket; buckets are numbered in ascending order of their codes (the order of the
 * portable graph's sorted Unique).
 */
#ifndef HASTE_KERNEL_H
#define HASTE_KERNEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Largest supported number of hyperplanes per layer (codes are 32-bit). */
#define HASTE_MAX_PLANES 31

/*
 * Every function takes `threads`: how many threads it may use (1: the caller's only). It uses
 * more only for large layers, where starting a thread costs little against the work. The results
 * do not depend on it.
 */

/**
 * Hashes the channels of x: bucket[c] gets channel c's bucket, count[b] the size of bucket b.
 * Returns the number of buckets (1..C), -1 when memory runs out, or -2 when an entry of the first
 * l hyperplanes is not +1, 0 or -1 (projections add and subtract pixels: only nonzeros are visited).
 */
int haste_hash(const float *x, const float *r, int C, int P, int l, int lmax, int32_t *bucket, int32_t *count, int threads);

/** xm (cred x P) = the mean of the input channels of every bucket. Returns 0, or -1 when memory runs out. */
int haste_merge_inputs(const float *x, const int32_t *bucket, const int32_t *count, int C, int P, int cred, float *xm,
                       int threads);

/**
 * xs (C x ceil(H/stride) * ceil(W/stride)) = the pixels of x (C x H x W) on a grid of `stride`:
 * the ones scale-aware merging and hashing on a strided grid read.
 */
void haste_subsample(const float *x, int C, int H, int W, int stride, float *xs);

/**
 * Scale-aware merging: scale[c] = <x_c, m_b> / <m_b, m_b> for channel c of bucket b, m_b the mean
 * of the bucket's channels (x: C x P, typically the hashed pixels), so that x_c ~ scale[c] * m_b
 * (exactly when the bucket's channels are multiples of one another). 1 for buckets of one and
 * where m_b is zero. Returns 0, or -1 when memory runs out.
 */
int haste_scales(const float *x, const int32_t *bucket, const int32_t *count, int C, int P, int cred, float *scale);

/**
 * wm (O x cred x kk) = the sum of the filter slices of every bucket: the first member's slice copied,
 * the others added (m - 1 additions per weight for m members); with `scale` (not NULL) the sum of
 * the slices times their channels' scales (scale-aware merging): the first member's slice
 * multiplied (copied in a bucket of one, whose scale is 1), the others multiply-added. 0 on
 * success, -1 out of memory.
 */
int haste_merge_filters(const float *w, const float *scale, const int32_t *bucket, int C, int O, int kk, int cred, float *wm,
                        int threads);

/**
 * The merged input and filters in ONNX Runtime's NCHWc layouts, for its com.microsoft.nchwc Conv
 * with block size `block`. wblk: the filters pre-blocked by output channel,
 * [op / block][C][kk][block] (op = O rounded up to the block, padding zero), so that merging
 * streams over them in whole vectors. xb gets [cp / block][P][block] (cp = cred rounded up, extra
 * channels zero); wb gets OIHWBiBo, [op / block][cp / block][kk][block (input)][block (output)].
 * `block` is a multiple of 8. `scale` as for haste_merge_filters. With wb NULL only the input is merged. Returns 0, or -1 when memory runs out.
 */
int haste_merge_nchwc(const float *x, const float *wblk, const float *scale, const int32_t *bucket, const int32_t *count, int C,
                      int P, int op, int kk, int cred, int block, float *xb, float *wb, int threads);

/**
 * Stream reuse: xm = the bucket means of x for an assignment kept from an earlier frame (bucket[c]
 * in 0..cred-1, every bucket non-empty), in NCHW (block 0: cred x P) or in the NCHWc layout of
 * haste_merge_nchwc (block > 0: [cp / block][P][block], extra channels zero). Exactly the input
 * half of haste_merge_inputs / haste_merge_nchwc; the filters are not touched. Returns 0, -1 when
 * memory runs out, -2 when the assignment is invalid (a bucket outside 0..cred-1 or empty).
 */
int haste_apply(const float *x, const int32_t *bucket, int C, int P, int cred, int block, float *xm, int threads);

/** Which code path runs: "avx512", "avx2" or "generic". */
const char *haste_kernel_isa(void);

#ifdef __cplusplus
}
#endif
#endif
