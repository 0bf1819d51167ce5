#!/usr/bin/env bash
# Installs what the build needs beyond Java 17 and Maven: the ONNX schema (Debian libonnx-dev,
# /usr/include/onnx/onnx.proto) and protoc (Debian protobuf-compiler), from which the build
# generates the ONNX Java classes. Idempotent: installs only what is missing, says what it does.
set -euo pipefail

missing=()
[[ -f /usr/include/onnx/onnx.proto ]] || missing+=(libonnx-dev)
command -v protoc >/dev/null || missing+=(protobuf-compiler)
command -v mvn >/dev/null || missing+=(maven)
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)

if (( ${#missing[@]} == 0 )); then
  exit 0
fi
echo "setup: installing Debian packages: ${missing[*]}" >&2
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "setup: need root (or sudo) to install ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
if ! "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; then
  "${sudo_cmd[@]}" apt-get update >/dev/null
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "setup: installed ${missing[*]}" >&2
