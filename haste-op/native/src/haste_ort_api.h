/*
 * The parts of the ONNX Runtime C API that the HASTE custom-operator library uses, declared here
 * from the API's documentation (onnxruntime_c_api.h is not on any package registry we build from).
 *
 * OrtApi is a table of function pointers that ONNX Runtime only ever appends to, so an entry's
 * index is fixed forever. We declare the table as an array and name the entries we call by index;
 * every index below belongs to API version 1 ("End of Version 1 - DO NOT MODIFY ABOVE").
 * OrtCustomOp is declared up to the fields of API version 16 (KernelComputeV2) and its version
 * field is set to 16: ONNX Runtime reads no field newer than the version we declare.
 * haste_op.c checks at load that the runtime is 1.16 or newer and that the table behaves as
 * declared (a status created through it reads back through it).
 */
#ifndef HASTE_ORT_API_H
#define HASTE_ORT_API_H

#include <stddef.h>
#include <stdint.h>

typedef struct OrtStatus OrtStatus;
typedef struct OrtValue OrtValue;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtCustomOpDomain OrtCustomOpDomain;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtKernelInfo OrtKernelInfo;
typedef struct OrtKernelContext OrtKernelContext;
typedef struct OrtApi OrtApi;
typedef struct OrtEnv OrtEnv;
typedef struct OrtSession OrtSession;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtRunOptions OrtRunOptions;
struct OrtCustomOp;

/** OrtErrorCode: the codes this library reports. */
enum { ORT_OK = 0, ORT_FAIL = 1, ORT_INVALID_ARGUMENT = 2 };

/** ONNXTensorElementDataType: the element types this library uses. */
enum { HASTE_ORT_FLOAT = 1, HASTE_ORT_INT32 = 6, HASTE_ORT_INT64 = 7 };

/** OrtCustomOpInputOutputCharacteristic: every input and output of ours is required. */
enum { HASTE_ORT_REQUIRED = 0 };

/** The API version this library is declared against (see OrtCustomOp.version). */
#define HASTE_ORT_API_VERSION 16

/** OrtApiBase, what OrtGetApiBase returns and RegisterCustomOps receives. */
typedef struct OrtApiBase {
  const OrtApi *(*GetApi)(uint32_t version);
  const char *(*GetVersionString)(void);
} OrtApiBase;

/* Indices into the OrtApi table (all API version 1). */
#define ORT_IDX_CreateStatus 0
#define ORT_IDX_GetErrorCode 1
#define ORT_IDX_GetErrorMessage 2
#define ORT_IDX_CreateCustomOpDomain 26
#define ORT_IDX_CustomOpDomain_Add 27
#define ORT_IDX_AddCustomOpDomain 28
#define ORT_IDX_GetTensorMutableData 51
#define ORT_IDX_GetTensorElementType 60
#define ORT_IDX_GetDimensionsCount 61
#define ORT_IDX_GetDimensions 62
#define ORT_IDX_GetTensorTypeAndShape 65
#define ORT_IDX_KernelInfoGetAttribute_int64 86
#define ORT_IDX_KernelContext_GetInput 90
#define ORT_IDX_KernelContext_GetOutput 91
#define ORT_IDX_ReleaseStatus 93
#define ORT_IDX_ReleaseTensorTypeAndShapeInfo 99

/* Entries only the end-to-end test driver (test/ort_smoke.c) calls, to run a model from C. */
#define ORT_IDX_CreateEnv 3
#define ORT_IDX_CreateSession 7
#define ORT_IDX_Run 9
#define ORT_IDX_CreateSessionOptions 10
#define ORT_IDX_SetIntraOpNumThreads 24
#define ORT_IDX_RegisterCustomOpsLibrary 29
#define ORT_IDX_CreateTensorWithDataAsOrtValue 49
#define ORT_IDX_CreateCpuMemoryInfo 69
#define ORT_IDX_ReleaseEnv 92
#define ORT_IDX_ReleaseMemoryInfo 94
#define ORT_IDX_ReleaseSession 95
#define ORT_IDX_ReleaseValue 96
#define ORT_IDX_ReleaseSessionOptions 100

typedef OrtStatus *(*OrtCreateStatusFn)(int code, const char *msg);
typedef int (*OrtGetErrorCodeFn)(const OrtStatus *status);
typedef const char *(*OrtGetErrorMessageFn)(const OrtStatus *status);
typedef OrtStatus *(*OrtCreateCustomOpDomainFn)(const char *domain, OrtCustomOpDomain **out);
typedef OrtStatus *(*OrtCustomOpDomainAddFn)(OrtCustomOpDomain *domain, const struct OrtCustomOp *op);
typedef OrtStatus *(*OrtAddCustomOpDomainFn)(OrtSessionOptions *options, OrtCustomOpDomain *domain);
typedef OrtStatus *(*OrtGetTensorMutableDataFn)(OrtValue *value, void **out);
typedef OrtStatus *(*OrtGetTensorElementTypeFn)(const OrtTensorTypeAndShapeInfo *info, int *out);
typedef OrtStatus *(*OrtGetDimensionsCountFn)(const OrtTensorTypeAndShapeInfo *info, size_t *out);
typedef OrtStatus *(*OrtGetDimensionsFn)(const OrtTensorTypeAndShapeInfo *info, int64_t *dims, size_t len);
typedef OrtStatus *(*OrtGetTensorTypeAndShapeFn)(const OrtValue *value, OrtTensorTypeAndShapeInfo **out);
typedef OrtStatus *(*OrtKernelInfoGetAttributeInt64Fn)(const OrtKernelInfo *info, const char *name, int64_t *out);
typedef OrtStatus *(*OrtKernelContextGetInputFn)(const OrtKernelContext *ctx, size_t index, const OrtValue **out);
typedef OrtStatus *(*OrtKernelContextGetOutputFn)(OrtKernelContext *ctx, size_t index, const int64_t *dims,
                                                   size_t dim_count, OrtValue **out);
typedef void (*OrtReleaseStatusFn)(OrtStatus *status);
typedef void (*OrtReleaseTensorTypeAndShapeInfoFn)(OrtTensorTypeAndShapeInfo *info);

typedef OrtStatus *(*OrtCreateEnvFn)(int logging_level, const char *logid, OrtEnv **out);
typedef OrtStatus *(*OrtCreateSessionFn)(const OrtEnv *env, const char *model_path, const OrtSessionOptions *options,
                                         OrtSession **out);
typedef OrtStatus *(*OrtRunFn)(OrtSession *session, const OrtRunOptions *run_options, const char *const *input_names,
                               const OrtValue *const *inputs, size_t input_count, const char *const *output_names,
                               size_t output_count, OrtValue **outputs);
typedef OrtStatus *(*OrtCreateSessionOptionsFn)(OrtSessionOptions **out);
typedef OrtStatus *(*OrtSetIntraOpNumThreadsFn)(OrtSessionOptions *options, int threads);
typedef OrtStatus *(*OrtRegisterCustomOpsLibraryFn)(OrtSessionOptions *options, const char *path, void **handle);
typedef OrtStatus *(*OrtCreateTensorWithDataAsOrtValueFn)(const OrtMemoryInfo *info, void *data, size_t bytes,
                                                          const int64_t *shape, size_t rank, int type, OrtValue **out);
typedef OrtStatus *(*OrtCreateCpuMemoryInfoFn)(int allocator_type, int mem_type, OrtMemoryInfo **out);
typedef void (*OrtReleaseEnvFn)(OrtEnv *);
typedef void (*OrtReleaseMemoryInfoFn)(OrtMemoryInfo *);
typedef void (*OrtReleaseSessionFn)(OrtSession *);
typedef void (*OrtReleaseValueFn)(OrtValue *);
typedef void (*OrtReleaseSessionOptionsFn)(OrtSessionOptions *);

/** Entry IDX of the OrtApi table, typed as FN. */
#define ORT_FN(api, FN, IDX) ((FN)(((void *const *)(const void *)(api))[IDX]))

/** OrtCustomOp as of API version 16. */
typedef struct OrtCustomOp {
  uint32_t version;
  void *(*CreateKernel)(const struct OrtCustomOp *op, const OrtApi *api, const OrtKernelInfo *info);
  const char *(*GetName)(const struct OrtCustomOp *op);
  const char *(*GetExecutionProviderType)(const struct OrtCustomOp *op);
  int (*GetInputType)(const struct OrtCustomOp *op, size_t index);
  size_t (*GetInputTypeCount)(const struct OrtCustomOp *op);
  int (*GetOutputType)(const struct OrtCustomOp *op, size_t index);
  size_t (*GetOutputTypeCount)(const struct OrtCustomOp *op);
  void (*KernelCompute)(void *kernel, OrtKernelContext *context);
  void (*KernelDestroy)(void *kernel);
  int (*GetInputCharacteristic)(const struct OrtCustomOp *op, size_t index);
  int (*GetOutputCharacteristic)(const struct OrtCustomOp *op, size_t index);
  int (*GetInputMemoryType)(const struct OrtCustomOp *op, size_t index);
  int (*GetVariadicInputMinArity)(const struct OrtCustomOp *op);
  int (*GetVariadicInputHomogeneity)(const struct OrtCustomOp *op);
  int (*GetVariadicOutputMinArity)(const struct OrtCustomOp *op);
  int (*GetVariadicOutputHomogeneity)(const struct OrtCustomOp *op);
  OrtStatus *(*CreateKernelV2)(const struct OrtCustomOp *op, const OrtApi *api, const OrtKernelInfo *info, void **kernel);
  OrtStatus *(*KernelComputeV2)(void *kernel, OrtKernelContext *context);
} OrtCustomOp;

#endif
