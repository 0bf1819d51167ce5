#!/usr/bin/env bash
# Generates the ONNX protobuf classes from the schema that Debian's libonnx-dev installs.
# Nothing generated is committed: the schema comes from the registry package at build time.
# Usage: gen-onnx-proto.sh PROTO_DIR OUT_DIR
set -euo pipefail
proto_dir=$1
out_dir=$2
if [[ ! -f "$proto_dir/onnx.proto" ]]; then
  echo "haste-op build: $proto_dir/onnx.proto not found; install the ONNX schema with deploy/setup-build-deps.sh (Debian package libonnx-dev) or pass -Donnx.proto.dir=DIR" >&2
  exit 1
fi
if ! command -v protoc >/dev/null; then
  echo "haste-op build: protoc not found; install it with deploy/setup-build-deps.sh (Debian package protobuf-compiler)" >&2
  exit 1
fi
mkdir -p "$out_dir"
# onnx.proto declares optimize_for = LITE_RUNTIME, so the Java classes are generated for protobuf-javalite.
protoc --proto_path="$proto_dir" --java_out=lite:"$out_dir" "$proto_dir/onnx.proto"
