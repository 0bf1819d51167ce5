/*
 * HasteMerge, an ONNX Runtime custom operator (domain io.hastegw.haste, version 1): the whole
 * HASTE hash-and-merge pass of one convolution in one node. ONNX Runtime's own Conv then
 * convolves the merged input with the merged filters.
 *
 *   inputs:  X [1, C, H, W] float, W [O, C, kh, kw] float, R [Hs*Ws, lmax] float (the hyperplanes;
 *            Hs = ceil(H / hash_stride), Ws likewise),
 *            L int64 (scalar or [1]: how many hyperplanes this level uses, 1..lmax)
 *   outputs: XM [1, Cred, H, W] float (bucket means), WM [O, Cred, kh, kw] float (bucket sums),
 *            channels [1] int64 (Cred)
 *   attribute nchwc_block (int, optional, default 0): when set, XM and WM come in ONNX Runtime's
 *            NCHWc layouts for its com.microsoft.nchwc Conv (channels padded to the block with
 *            zeros, see haste_merge_nchwc), so that the reduced convolution runs on its fastest
 *            kernels although the weights are a run-time input. W must then be pre-blocked by
 *            output channel: shape [O padded to the block, C, kh, kw], elements in the order
 *            [O / block][C][kh][kw][block].
 *   attribute threads (int, optional, default 1): threads the pass may use on large layers (the
 *            session's intra-op thread count); the results do not depend on it.
 *   attribute hash_stride (int, optional, default 1): channels are hashed on the pixels of a grid
 *            of this stride (rows and columns 0, s, 2s, ...): s^2 times fewer projections.
 *   attribute scale_aware (int, optional, default 0): 1 folds each channel's scale against its
 *            bucket's mean (haste_scales, on the hashed pixels) into the merged filters.
 *
 * Stream reuse (a camera's frames share the buckets and merged filters of a recent frame) adds two
 * operators in the same domain:
 *   HasteMergeState: HasteMerge with a fourth output, buckets [C] int32 (channel c's bucket, in the
 *            order of XM's channels), which the caller keeps with WM.
 *   HasteApply: inputs X [1, C, H, W] float and buckets [C] int32 (kept from HasteMergeState);
 *            output XM, the bucket means of X in the layout of HasteMerge (attributes nchwc_block,
 *            threads as above). The kept WM feeds the convolution as it is: no filter is merged or
 *            repacked on these frames.
 *
 * The library's entry point is RegisterCustomOps, which SessionOptions.registerCustomOpLibrary
 * calls. It refuses runtimes older than 1.16 and checks the API table before registering.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haste_kernel.h"
#include "haste_ort_api.h"

#define DOMAIN "io.hastegw.haste"
#define OP_NAME "HasteMerge"
#define STATE_NAME "HasteMergeState"
#define APPLY_NAME "HasteApply"

typedef struct {
  const OrtApi *api;
  int64_t nchwc_block; /* 0: plain NCHW outputs; else the block of ONNX Runtime's NCHWc layouts */
  int threads;          /* threads the pass may use on large layers */
  int stride;           /* hash on the pixels of a grid of this stride */
  int scale_aware;      /* fold each channel's scale against its bucket's mean into the filters */
  int keep_buckets;     /* HasteMergeState: the bucket of every channel is a fourth output */
} Kernel;

static OrtStatus *error(const OrtApi *api, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static OrtStatus *error(const OrtApi *api, const char *fmt, ...) {
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return ORT_FN(api, OrtCreateStatusFn, ORT_IDX_CreateStatus)(ORT_INVALID_ARGUMENT, msg);
}

#define CHECK(call)               \
  do {                            \
    OrtStatus *status_ = (call);  \
    if (status_) return status_;  \
  } while (0)

/* Input `index`: its data, element type and shape (up to 4 dimensions). */
static OrtStatus *input(const OrtApi *api, OrtKernelContext *ctx, size_t index, void **data, int *type, int64_t *dims,
                        size_t *rank) {
  const OrtValue *value;
  OrtTensorTypeAndShapeInfo *info;
  CHECK(ORT_FN(api, OrtKernelContextGetInputFn, ORT_IDX_KernelContext_GetInput)(ctx, index, &value));
  CHECK(ORT_FN(api, OrtGetTensorTypeAndShapeFn, ORT_IDX_GetTensorTypeAndShape)(value, &info));
  OrtStatus *s = ORT_FN(api, OrtGetDimensionsCountFn, ORT_IDX_GetDimensionsCount)(info, rank);
  if (!s && *rank > 4) s = error(api, OP_NAME ": input %zu has rank %zu, at most 4 is supported", index, *rank);
  if (!s) s = ORT_FN(api, OrtGetDimensionsFn, ORT_IDX_GetDimensions)(info, dims, *rank);
  if (!s) s = ORT_FN(api, OrtGetTensorElementTypeFn, ORT_IDX_GetTensorElementType)(info, type);
  ORT_FN(api, OrtReleaseTensorTypeAndShapeInfoFn, ORT_IDX_ReleaseTensorTypeAndShapeInfo)(info);
  if (s) return s;
  return ORT_FN(api, OrtGetTensorMutableDataFn, ORT_IDX_GetTensorMutableData)((OrtValue *)value, data);
}

static OrtStatus *output(const OrtApi *api, OrtKernelContext *ctx, size_t index, const int64_t *dims, size_t rank,
                         void **data) {
  OrtValue *value;
  CHECK(ORT_FN(api, OrtKernelContextGetOutputFn, ORT_IDX_KernelContext_GetOutput)(ctx, index, dims, rank, &value));
  return ORT_FN(api, OrtGetTensorMutableDataFn, ORT_IDX_GetTensorMutableData)(value, data);
}

static OrtStatus *compute(void *k, OrtKernelContext *ctx) {
  const OrtApi *api = ((Kernel *)k)->api;
  int64_t block = ((Kernel *)k)->nchwc_block;
  int threads = ((Kernel *)k)->threads, stride = ((Kernel *)k)->stride, scale_aware = ((Kernel *)k)->scale_aware;
  void *x, *w, *r, *lv;
  int tx, tw, tr, tl;
  int64_t dx[4], dw[4], dr[4], dl[4];
  size_t rx, rw, rr, rl;
  CHECK(input(api, ctx, 0, &x, &tx, dx, &rx));
  CHECK(input(api, ctx, 1, &w, &tw, dw, &rw));
  CHECK(input(api, ctx, 2, &r, &tr, dr, &rr));
  CHECK(input(api, ctx, 3, &lv, &tl, dl, &rl));
  if (tx != HASTE_ORT_FLOAT || tw != HASTE_ORT_FLOAT || tr != HASTE_ORT_FLOAT || tl != HASTE_ORT_INT64)
    return error(api, OP_NAME ": expects float X, W, R and an int64 L");
  if (rx != 4 || dx[0] != 1) return error(api, OP_NAME ": X must be [1, C, H, W] (batch 1)");
  if (rw != 4 || dw[1] != dx[1])
    return error(api, OP_NAME ": W must be [O, C, kh, kw] with C = %lld, the channels of X", (long long)dx[1]);
  if (block && dw[0] % block) return error(api, OP_NAME ": with nchwc_block = %lld, W's output channels must be a multiple of it", (long long)block);
  int64_t hs = (dx[2] + stride - 1) / stride, ws = (dx[3] + stride - 1) / stride, hashed = hs * ws;
  if (rr != 2 || dr[0] != hashed)
    return error(api, OP_NAME ": R must be [Hs*Ws, lmax] = [%lld, lmax] (hash_stride %d)", (long long)hashed, stride);
  if (rl > 1 || (rl == 1 && dl[0] != 1)) return error(api, OP_NAME ": L must be a scalar");
  int64_t l = *(const int64_t *)lv;
  if (l < 1 || l > dr[1] || l > HASTE_MAX_PLANES)
    return error(api, OP_NAME ": L = %lld is outside 1..%lld", (long long)l,
                 (long long)(dr[1] < HASTE_MAX_PLANES ? dr[1] : HASTE_MAX_PLANES));

  int C = (int)dx[1], P = (int)(dx[2] * dx[3]), Ps = (int)hashed, O = (int)dw[0], kk = (int)(dw[2] * dw[3]);
  int32_t *bucket = malloc((size_t)C * 2 * sizeof(int32_t));
  float *xs = stride > 1 ? malloc((size_t)C * Ps * sizeof(float)) : NULL;
  float *scale = scale_aware ? malloc((size_t)C * sizeof(float)) : NULL;
  if (!bucket || (stride > 1 && !xs) || (scale_aware && !scale)) {
    free(bucket), free(xs), free(scale);
    return error(api, OP_NAME ": out of memory");
  }
  if (xs) haste_subsample(x, C, (int)dx[2], (int)dx[3], stride, xs);
  const float *hashed_x = xs ? xs : x;
  int32_t *count = bucket + C;
  int cred = haste_hash(hashed_x, r, C, Ps, (int)l, (int)dr[1], bucket, count, threads);
  if (cred >= 0 && scale && haste_scales(hashed_x, bucket, count, C, Ps, cred, scale) != 0) cred = -1;
  free(xs);
  if (cred == -2) {
    free(bucket), free(scale);
    return error(api, OP_NAME ": R's first %lld hyperplanes must hold only +1, 0 and -1", (long long)l);
  }
  if (cred < 0) {
    free(bucket), free(scale);
    return error(api, OP_NAME ": out of memory");
  }
  void *xm, *wm, *ch;
  int64_t cp = block ? (cred + block - 1) / block * block : cred;
  int64_t op = block ? (dw[0] + block - 1) / block * block : dw[0];
  int64_t dxm[4] = {1, cp, dx[2], dx[3]};
  int64_t dwm[4] = {op, cp, dw[2], dw[3]};
  int64_t one = 1;
  OrtStatus *s = output(api, ctx, 0, dxm, 4, &xm);
  if (!s) s = output(api, ctx, 1, dwm, 4, &wm);
  if (!s) s = output(api, ctx, 2, &one, 1, &ch);
  if (!s && block) {
    if (haste_merge_nchwc(x, w, scale, bucket, count, C, P, (int)op, kk, cred, (int)block, xm, wm, threads) != 0)
      s = error(api, OP_NAME ": out of memory");
  } else if (!s) {
    if (haste_merge_inputs(x, bucket, count, C, P, cred, xm, threads) != 0) s = error(api, OP_NAME ": out of memory");
    else if (haste_merge_filters(w, scale, bucket, C, O, kk, cred, wm, threads) != 0) s = error(api, OP_NAME ": out of memory");
  }
  if (!s) *(int64_t *)ch = cred;
  if (!s && ((Kernel *)k)->keep_buckets) {
    void *kept;
    int64_t dc = C;
    s = output(api, ctx, 3, &dc, 1, &kept);
    if (!s) memcpy(kept, bucket, (size_t)C * sizeof(int32_t));
  }
  free(bucket), free(scale);
  return s;
}

/* HasteApply: the bucket means of X for a kept assignment. */
static OrtStatus *apply(void *k, OrtKernelContext *ctx) {
  const OrtApi *api = ((Kernel *)k)->api;
  int64_t block = ((Kernel *)k)->nchwc_block;
  void *x, *b;
  int tx, tb;
  int64_t dx[4], db[4];
  size_t rx, rb;
  CHECK(input(api, ctx, 0, &x, &tx, dx, &rx));
  CHECK(input(api, ctx, 1, &b, &tb, db, &rb));
  if (tx != HASTE_ORT_FLOAT || tb != HASTE_ORT_INT32) return error(api, APPLY_NAME ": expects float X and int32 buckets");
  if (rx != 4 || dx[0] != 1) return error(api, APPLY_NAME ": X must be [1, C, H, W] (batch 1)");
  if (rb != 1 || db[0] != dx[1])
    return error(api, APPLY_NAME ": buckets must be [C] with C = %lld, the channels of X", (long long)dx[1]);
  int C = (int)dx[1], P = (int)(dx[2] * dx[3]), cred = 0;
  const int32_t *bucket = b;
  for (int c = 0; c < C; c++)
    if (bucket[c] >= cred) cred = bucket[c] + 1;
  int64_t cp = block ? (cred + block - 1) / block * block : cred;
  int64_t dxm[4] = {1, cp, dx[2], dx[3]};
  void *xm;
  CHECK(output(api, ctx, 0, dxm, 4, &xm));
  int status = haste_apply(x, bucket, C, P, cred, (int)block, xm, ((Kernel *)k)->threads);
  if (status == -2) return error(api, APPLY_NAME ": the buckets are not an assignment of the %d channels to 0..%d, every one used", C, cred - 1);
  return status ? error(api, APPLY_NAME ": out of memory") : NULL;
}

/* The int attribute `name`, or `fallback` where the node has none. */
static int64_t int_attribute(const OrtApi *api, const OrtKernelInfo *info, const char *name, int64_t fallback) {
  int64_t value = fallback;
  OrtStatus *missing = ORT_FN(api, OrtKernelInfoGetAttributeInt64Fn, ORT_IDX_KernelInfoGetAttribute_int64)(info, name, &value);
  if (missing) {
    ORT_FN(api, OrtReleaseStatusFn, ORT_IDX_ReleaseStatus)(missing);
    return fallback;
  }
  return value;
}

/* Optional attributes: nchwc_block (default 0: NCHW outputs), threads (default 1), hash_stride (default 1),
   scale_aware (default 0). */
static const OrtCustomOp HASTE_MERGE_STATE;

static OrtStatus *create_kernel(const OrtCustomOp *op, const OrtApi *api, const OrtKernelInfo *info, void **out) {
  int64_t block = int_attribute(api, info, "nchwc_block", 0);
  int64_t threads = int_attribute(api, info, "threads", 1);
  if (block < 0 || block > 64 || (block & (block - 1)) != 0 || (block > 0 && block < 8))
    return error(api, OP_NAME ": nchwc_block = %lld is not 0 or a power of two from 8 to 64", (long long)block);
  if (threads < 1 || threads > 64) return error(api, OP_NAME ": threads = %lld is not 1 to 64", (long long)threads);
  int64_t stride = int_attribute(api, info, "hash_stride", 1);
  int64_t scale_aware = int_attribute(api, info, "scale_aware", 0);
  if (stride < 1 || stride > 16) return error(api, OP_NAME ": hash_stride = %lld is not 1 to 16", (long long)stride);
  if (scale_aware != 0 && scale_aware != 1)
    return error(api, OP_NAME ": scale_aware = %lld is not 0 or 1", (long long)scale_aware);
  Kernel *k = malloc(sizeof *k);
  if (!k) return error(api, OP_NAME ": out of memory");
  k->api = api;
  k->nchwc_block = block;
  k->threads = (int)threads;
  k->stride = (int)stride;
  k->scale_aware = (int)scale_aware;
  k->keep_buckets = op == &HASTE_MERGE_STATE;
  *out = k;
  return NULL;
}

static void destroy_kernel(void *k) { free(k); }
static const char *name(const OrtCustomOp *op) { (void)op; return OP_NAME; }
static const char *state_name(const OrtCustomOp *op) { (void)op; return STATE_NAME; }
static const char *apply_name(const OrtCustomOp *op) { (void)op; return APPLY_NAME; }
static const char *provider(const OrtCustomOp *op) { (void)op; return "CPUExecutionProvider"; }
static int input_type(const OrtCustomOp *op, size_t i) { (void)op; return i == 3 ? HASTE_ORT_INT64 : HASTE_ORT_FLOAT; }
static size_t input_count(const OrtCustomOp *op) { (void)op; return 4; }
static int output_type(const OrtCustomOp *op, size_t i) {
  (void)op;
  return i == 2 ? HASTE_ORT_INT64 : i == 3 ? HASTE_ORT_INT32 : HASTE_ORT_FLOAT;
}
static size_t output_count(const OrtCustomOp *op) { (void)op; return 3; }
static size_t state_output_count(const OrtCustomOp *op) { (void)op; return 4; }
static int apply_input_type(const OrtCustomOp *op, size_t i) { (void)op; return i == 1 ? HASTE_ORT_INT32 : HASTE_ORT_FLOAT; }
static size_t apply_input_count(const OrtCustomOp *op) { (void)op; return 2; }
static int apply_output_type(const OrtCustomOp *op, size_t i) { (void)op, (void)i; return HASTE_ORT_FLOAT; }
static size_t apply_output_count(const OrtCustomOp *op) { (void)op; return 1; }
static int required(const OrtCustomOp *op, size_t i) { (void)op, (void)i; return HASTE_ORT_REQUIRED; }
static int default_memory(const OrtCustomOp *op, size_t i) { (void)op, (void)i; return 0; }
static int one_arity(const OrtCustomOp *op) { (void)op; return 1; }
static int homogeneous(const OrtCustomOp *op) { (void)op; return 1; }

/* An operator of this library: its name, types and compute function; the rest is common. */
#define HASTE_CUSTOM_OP(name_fn, in_type, in_count, out_type, out_count, compute_fn) \
  {                                                                                 \
      .version = HASTE_ORT_API_VERSION,                                             \
      .GetName = name_fn,                                                           \
      .GetExecutionProviderType = provider,                                         \
      .GetInputType = in_type,                                                      \
      .GetInputTypeCount = in_count,                                                \
      .GetOutputType = out_type,                                                    \
      .GetOutputTypeCount = out_count,                                              \
      .KernelDestroy = destroy_kernel,                                              \
      .GetInputCharacteristic = required,                                           \
      .GetOutputCharacteristic = required,                                          \
      .GetInputMemoryType = default_memory,                                         \
      .GetVariadicInputMinArity = one_arity,                                        \
      .GetVariadicInputHomogeneity = homogeneous,                                   \
      .GetVariadicOutputMinArity = one_arity,                                       \
      .GetVariadicOutputHomogeneity = homogeneous,                                  \
      .CreateKernelV2 = create_kernel,                                              \
      .KernelComputeV2 = compute_fn,                                                \
  }

static const OrtCustomOp HASTE_MERGE = HASTE_CUSTOM_OP(name, input_type, input_count, output_type, output_count, compute);

/* HasteMerge, keeping the buckets (a fourth output). */
static const OrtCustomOp HASTE_MERGE_STATE =
    HASTE_CUSTOM_OP(state_name, input_type, input_count, output_type, state_output_count, compute);

/* HasteApply: the input merge of kept buckets. */
static const OrtCustomOp HASTE_APPLY =
    HASTE_CUSTOM_OP(apply_name, apply_input_type, apply_input_count, apply_output_type, apply_output_count, apply);

/* 1 when the runtime's version string is 1.16 or newer. */
static int supported_runtime(const char *version) {
  int major = 0, minor = 0;
  if (!version || sscanf(version, "%d.%d", &major, &minor) != 2) return 0;
  return major == 1 && minor >= HASTE_ORT_API_VERSION;
}

/* 1 when the table behaves as declared: a status made through it reads back through it. */
static int table_matches(const OrtApi *api) {
  OrtStatus *s = ORT_FN(api, OrtCreateStatusFn, ORT_IDX_CreateStatus)(ORT_INVALID_ARGUMENT, "haste-probe");
  if (!s) return 0;
  int ok = ORT_FN(api, OrtGetErrorCodeFn, ORT_IDX_GetErrorCode)(s) == ORT_INVALID_ARGUMENT &&
           strcmp(ORT_FN(api, OrtGetErrorMessageFn, ORT_IDX_GetErrorMessage)(s), "haste-probe") == 0;
  ORT_FN(api, OrtReleaseStatusFn, ORT_IDX_ReleaseStatus)(s);
  return ok;
}

/**
 * Registers HasteMerge with `options`. The domain stays allocated for the life of the process
 * (ONNX Runtime requires it to outlive every session created with these options).
 */
__attribute__((visibility("default"))) OrtStatus *RegisterCustomOps(OrtSessionOptions *options,
                                                                    const OrtApiBase *base) {
  const char *version = base->GetVersionString();
  const OrtApi *api = base->GetApi(HASTE_ORT_API_VERSION);
  if (!api || !supported_runtime(version)) {
    api = api ? api : base->GetApi(1);
    char msg[160];
    snprintf(msg, sizeof msg, "HASTE native kernel needs ONNX Runtime 1.%d or newer (1.x), found %s",
             HASTE_ORT_API_VERSION, version ? version : "an unknown version");
    return ORT_FN(api, OrtCreateStatusFn, ORT_IDX_CreateStatus)(ORT_FAIL, msg);
  }
  if (!table_matches(api))
    return ORT_FN(api, OrtCreateStatusFn, ORT_IDX_CreateStatus)(
        ORT_FAIL, "HASTE native kernel: the ONNX Runtime API table does not match its declarations");
  OrtCustomOpDomain *domain;
  CHECK(ORT_FN(api, OrtCreateCustomOpDomainFn, ORT_IDX_CreateCustomOpDomain)(DOMAIN, &domain));
  CHECK(ORT_FN(api, OrtCustomOpDomainAddFn, ORT_IDX_CustomOpDomain_Add)(domain, &HASTE_MERGE));
  CHECK(ORT_FN(api, OrtCustomOpDomainAddFn, ORT_IDX_CustomOpDomain_Add)(domain, &HASTE_MERGE_STATE));
  CHECK(ORT_FN(api, OrtCustomOpDomainAddFn, ORT_IDX_CustomOpDomain_Add)(domain, &HASTE_APPLY));
  return ORT_FN(api, OrtAddCustomOpDomainFn, ORT_IDX_AddCustomOpDomain)(options, domain);
}
