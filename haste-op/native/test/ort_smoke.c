/*
 * Runs a native HASTE model end to end from C, through the ONNX Runtime library itself and the
 * API declarations of haste_ort_api.h: loads libonnxruntime, registers libhaste_ort through
 * RegisterCustomOpsLibrary, runs one input and compares the scores and channel counts with the
 * expected ones. The haste-op tests run it natively and, for aarch64, under qemu-user.
 *
 * usage: ort_smoke ORT_LIB HASTE_LIB MODEL INPUT_NAME N,C,H,W INPUT.f32 OUTPUT_NAME EXPECTED.f32 EXPECTED_CHANNELS.i64
 * Exit status 0 when the outputs match (scores to 1e-4, channel counts exactly).
 */
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "haste_ort_api.h"

static const OrtApi *api;

static void check(OrtStatus *s, const char *what) {
  if (s) {
    fprintf(stderr, "ort_smoke: %s: %s\n", what, ORT_FN(api, OrtGetErrorMessageFn, ORT_IDX_GetErrorMessage)(s));
    exit(2);
  }
}

static void *slurp(const char *path, size_t *bytes) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "ort_smoke: cannot open %s\n", path);
    exit(2);
  }
  fseek(f, 0, SEEK_END);
  *bytes = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  void *data = malloc(*bytes);
  if (fread(data, 1, *bytes, f) != *bytes) exit(2);
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  if (argc != 10) {
    fprintf(stderr, "usage: ort_smoke ORT_LIB HASTE_LIB MODEL INPUT_NAME N,C,H,W INPUT.f32 OUTPUT_NAME EXPECTED.f32 CHANNELS.i64\n");
    return 2;
  }
  void *ort = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
  if (!ort) {
    fprintf(stderr, "ort_smoke: %s\n", dlerror());
    return 2;
  }
  const OrtApiBase *(*get_base)(void) = (const OrtApiBase *(*)(void))dlsym(ort, "OrtGetApiBase");
  const OrtApiBase *base = get_base();
  api = base->GetApi(HASTE_ORT_API_VERSION);
  printf("ONNX Runtime %s\n", base->GetVersionString());

  OrtEnv *env;
  OrtSessionOptions *options;
  OrtSession *session;
  OrtMemoryInfo *memory;
  void *handle;
  check(ORT_FN(api, OrtCreateEnvFn, ORT_IDX_CreateEnv)(3, "ort_smoke", &env), "CreateEnv");
  check(ORT_FN(api, OrtCreateSessionOptionsFn, ORT_IDX_CreateSessionOptions)(&options), "CreateSessionOptions");
  check(ORT_FN(api, OrtSetIntraOpNumThreadsFn, ORT_IDX_SetIntraOpNumThreads)(options, 1), "SetIntraOpNumThreads");
  check(ORT_FN(api, OrtRegisterCustomOpsLibraryFn, ORT_IDX_RegisterCustomOpsLibrary)(options, argv[2], &handle),
        "RegisterCustomOpsLibrary");
  check(ORT_FN(api, OrtCreateSessionFn, ORT_IDX_CreateSession)(env, argv[3], options, &session), "CreateSession");

  int64_t shape[4];
  if (sscanf(argv[5], "%ld,%ld,%ld,%ld", &shape[0], &shape[1], &shape[2], &shape[3]) != 4) return 2;
  size_t in_bytes, want_bytes, ch_bytes;
  float *input = slurp(argv[6], &in_bytes);
  float *want = slurp(argv[8], &want_bytes);
  int64_t *want_channels = slurp(argv[9], &ch_bytes);
  check(ORT_FN(api, OrtCreateCpuMemoryInfoFn, ORT_IDX_CreateCpuMemoryInfo)(0, 0, &memory), "CreateCpuMemoryInfo");
  OrtValue *x = NULL;
  check(ORT_FN(api, OrtCreateTensorWithDataAsOrtValueFn, ORT_IDX_CreateTensorWithDataAsOrtValue)(memory, input, in_bytes, shape,
                                                                                                   4, HASTE_ORT_FLOAT, &x),
        "CreateTensorWithDataAsOrtValue");
  const char *in_names[] = {argv[4]};
  const char *out_names[] = {argv[7], "haste_channels"};
  OrtValue *outputs[2] = {NULL, NULL};
  check(ORT_FN(api, OrtRunFn, ORT_IDX_Run)(session, NULL, in_names, (const OrtValue *const *)&x, 1, out_names, 2, outputs), "Run");
  float *scores;
  int64_t *channels;
  check(ORT_FN(api, OrtGetTensorMutableDataFn, ORT_IDX_GetTensorMutableData)(outputs[0], (void **)&scores), "scores");
  check(ORT_FN(api, OrtGetTensorMutableDataFn, ORT_IDX_GetTensorMutableData)(outputs[1], (void **)&channels), "channels");
  double worst = 0;
  for (size_t i = 0; i < want_bytes / sizeof(float); i++) worst = fmax(worst, fabs(scores[i] - want[i]));
  int same_channels = memcmp(channels, want_channels, ch_bytes) == 0;
  printf("%s: max score difference %.3g, channel counts %s\n", worst <= 1e-4 && same_channels ? "ok" : "MISMATCH", worst,
         same_channels ? "equal" : "differ");

  ORT_FN(api, OrtReleaseValueFn, ORT_IDX_ReleaseValue)(outputs[0]);
  ORT_FN(api, OrtReleaseValueFn, ORT_IDX_ReleaseValue)(outputs[1]);
  ORT_FN(api, OrtReleaseValueFn, ORT_IDX_ReleaseValue)(x);
  ORT_FN(api, OrtReleaseMemoryInfoFn, ORT_IDX_ReleaseMemoryInfo)(memory);
  ORT_FN(api, OrtReleaseSessionFn, ORT_IDX_ReleaseSession)(session);
  ORT_FN(api, OrtReleaseSessionOptionsFn, ORT_IDX_ReleaseSessionOptions)(options);
  ORT_FN(api, OrtReleaseEnvFn, ORT_IDX_ReleaseEnv)(env);
  return worst <= 1e-4 && same_channels ? 0 : 1;
}
