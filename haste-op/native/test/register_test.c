/*
 * Checks RegisterCustomOps against a stand-in for ONNX Runtime's API table (an old or foreign
 * runtime cannot be installed here): it refuses runtimes before 1.16, refuses a table that does
 * not behave as declared, and otherwise registers HasteMerge and the stream-reuse operators with the declared op-struct
 * version and types through the documented entries. Exit status 0 when every case passes.
 */
#include <stdio.h>
#include <string.h>

#include "haste_ort_api.h"

struct OrtStatus {
  int code;
  char msg[256];
};

static struct OrtStatus statuses[8];
static int next_status;
static const char *version = "1.29.0";
static int break_table;
static const OrtCustomOp *registered[4];
static int ops_added;
static int domains_added;
static char domain_name[64];

static OrtStatus *create_status(int code, const char *msg) {
  OrtStatus *s = &statuses[next_status++ % 8];
  s->code = code;
  snprintf(s->msg, sizeof s->msg, "%s", msg);
  return s;
}
static int error_code(const OrtStatus *s) { return s->code; }
static const char *error_message(const OrtStatus *s) { return break_table ? "something else" : s->msg; }
static void release_status(OrtStatus *s) { (void)s; }
static OrtStatus *create_domain(const char *name, OrtCustomOpDomain **out) {
  snprintf(domain_name, sizeof domain_name, "%s", name);
  *out = (OrtCustomOpDomain *)domain_name;
  return NULL;
}
static OrtStatus *domain_add(OrtCustomOpDomain *d, const struct OrtCustomOp *op) {
  (void)d;
  if (ops_added < 4) registered[ops_added] = op;
  ops_added++;
  return NULL;
}
static OrtStatus *add_domain(OrtSessionOptions *o, OrtCustomOpDomain *d) {
  (void)o, (void)d;
  domains_added++;
  return NULL;
}

static void *table[128];
static const OrtApi *get_api(uint32_t v) { return v <= 22 ? (const OrtApi *)table : NULL; }
static const char *get_version(void) { return version; }
static const OrtApiBase base = {get_api, get_version};

OrtStatus *RegisterCustomOps(OrtSessionOptions *options, const OrtApiBase *api);

static int expect_error(const char *case_name, const char *needle) {
  ops_added = 0;
  OrtStatus *s = RegisterCustomOps(NULL, &base);
  int ok = s && strstr(s->msg, needle) && !ops_added;
  printf("%s %s: %s\n", ok ? "ok  " : "FAIL", case_name, s ? s->msg : "(no error)");
  return !ok;
}

int main(void) {
  table[ORT_IDX_CreateStatus] = (void *)create_status;
  table[ORT_IDX_GetErrorCode] = (void *)error_code;
  table[ORT_IDX_GetErrorMessage] = (void *)error_message;
  table[ORT_IDX_ReleaseStatus] = (void *)release_status;
  table[ORT_IDX_CreateCustomOpDomain] = (void *)create_domain;
  table[ORT_IDX_CustomOpDomain_Add] = (void *)domain_add;
  table[ORT_IDX_AddCustomOpDomain] = (void *)add_domain;
  int failures = 0;

  version = "1.15.1";
  failures += expect_error("runtime 1.15 is refused", "needs ONNX Runtime 1.16 or newer (1.x), found 1.15.1");
  version = "2.0.0";
  failures += expect_error("runtime 2.x is refused", "found 2.0.0");
  version = "1.29.0";
  break_table = 1;
  failures += expect_error("a table that does not read back is refused", "API table does not match");
  break_table = 0;

  OrtStatus *s = RegisterCustomOps(NULL, &base);
  const OrtCustomOp *m = registered[0], *st = registered[1], *ap = registered[2];
  int ok = !s && ops_added == 3 && domains_added == 1 && strcmp(domain_name, "io.hastegw.haste") == 0 &&
           m->version == 16 && strcmp(m->GetName(m), "HasteMerge") == 0 &&
           m->GetInputTypeCount(m) == 4 && m->GetOutputTypeCount(m) == 3 &&
           m->GetInputType(m, 3) == HASTE_ORT_INT64 && m->GetOutputType(m, 2) == HASTE_ORT_INT64 &&
           m->CreateKernelV2 && m->KernelComputeV2 && !m->KernelCompute;
  printf("%s runtime 1.29 registers HasteMerge in io.hastegw.haste (op struct version 16, 4 inputs, 3 outputs)\n", ok ? "ok  " : "FAIL");
  failures += !ok;
  ok = !s && ops_added == 3 && strcmp(st->GetName(st), "HasteMergeState") == 0 && st->GetOutputTypeCount(st) == 4 &&
       st->GetOutputType(st, 3) == HASTE_ORT_INT32 && st->KernelComputeV2 == m->KernelComputeV2 &&
       strcmp(ap->GetName(ap), "HasteApply") == 0 && ap->GetInputTypeCount(ap) == 2 && ap->GetInputType(ap, 1) == HASTE_ORT_INT32 &&
       ap->GetOutputTypeCount(ap) == 1 && ap->CreateKernelV2 && ap->KernelComputeV2 && !ap->KernelCompute;
  printf("%s and the stream-reuse operators HasteMergeState (4 outputs, buckets int32) and HasteApply (X, buckets -> XM)\n", ok ? "ok  " : "FAIL");
  failures += !ok;
  printf(failures ? "register test FAILED\n" : "register test passed\n");
  return failures != 0;
}
