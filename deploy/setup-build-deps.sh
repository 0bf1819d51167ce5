#!/usr/bin/env bash
# Installs what the build needs beyond Java 17 and Maven: the ONNX schema (Debian libonnx-dev,
# /usr/include/onnx/onnx.proto) and protoc (Debian protobuf-compiler), from which the build
# generates the ONNX Java classes; gcc, the aarch64 cross compiler (gcc-aarch64-linux-gnu) and
# qemu-user, with which it builds the native HASTE kernel for both targets and tests the ARM one;
# Mosquitto and its clients for the tests; Chromium and its WebDriver for the console's browser test. Idempotent: installs only what is missing, says what it does.
set -euo pipefail

missing=()
[[ -f /usr/include/onnx/onnx.proto ]] || missing+=(libonnx-dev)
command -v protoc >/dev/null || missing+=(protobuf-compiler)
command -v mvn >/dev/null || missing+=(maven)
command -v gcc >/dev/null || missing+=(gcc libc6-dev)
command -v aarch64-linux-gnu-gcc >/dev/null || missing+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
[[ -f /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ]] || missing+=(libstdc++6-arm64-cross)
command -v qemu-aarch64 >/dev/null || missing+=(qemu-user)
command -v javac >/dev/null || missing+=(openjdk-17-jdk-headless)
# The tests start their own Mosquitto (the example ACL) and publish as clients Paho cannot imitate.
command -v mosquitto >/dev/null || missing+=(mosquitto)
command -v mosquitto_pub >/dev/null || missing+=(mosquitto-clients)
# The operator console is tested in a real browser (headless Chromium through Selenium).
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)

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
