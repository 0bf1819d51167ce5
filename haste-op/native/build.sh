#!/usr/bin/env bash
# Builds the HASTE ONNX Runtime custom-operator library for linux-x86_64 (gcc) and linux-aarch64
# (Debian's gcc-aarch64-linux-gnu), and runs the kernel test of each: natively for x86_64, under
# qemu-user for aarch64. A missing cross compiler or qemu is reported and skipped unless
# HASTE_NATIVE_REQUIRE_ARM=1 (CI sets it through the Maven property haste.native.requireArm).
# Usage: build.sh CLASSES_DIR WORK_DIR
#   libraries go to CLASSES_DIR/native/<platform>/libhaste_ort.so, objects and tests to WORK_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
work=$2
mkdir -p "$work"
cflags=(-std=gnu11 -O3 -fPIC -Wall -Wextra -Werror -Wno-psabi -fvisibility=hidden -I"$here/src")

# build CC PLATFORM EXTRA_ISA...: the library and the kernel test for one target.
build() {
  local cc=$1 platform=$2
  shift 2
  local dir="$work/$platform" objs=()
  mkdir -p "$dir" "$out/native/$platform"
  "$cc" "${cflags[@]}" -DHK\(n\)=n##_generic -c "$here/src/haste_kernel_impl.c" -o "$dir/impl_generic.o"
  objs+=("$dir/impl_generic.o")
  for isa in "$@"; do
    local isa_flags=(-mavx2 -mfma)
    [[ $isa == avx512 ]] && isa_flags+=(-mavx512f -DHASTE_AVX512)
    "$cc" "${cflags[@]}" "${isa_flags[@]}" -DHK\(n\)=n##_"$isa" -c "$here/src/haste_kernel_impl.c" -o "$dir/impl_$isa.o"
    objs+=("$dir/impl_$isa.o")
  done
  "$cc" "${cflags[@]}" -c "$here/src/haste_kernel.c" -o "$dir/kernel.o"
  "$cc" "${cflags[@]}" -c "$here/src/haste_op.c" -o "$dir/op.o"
  "$cc" -shared -o "$out/native/$platform/libhaste_ort.so" "$dir/op.o" "$dir/kernel.o" "${objs[@]}" -Wl,--no-undefined -lc
  "$cc" -std=c11 -O1 -Wall -Werror -I"$here/src" "$here/test/kernel_test.c" "$dir/kernel.o" "${objs[@]}" -lm -o "$dir/kernel_test"
}

build gcc linux-x86_64 avx2 avx512
echo "native: linux-x86_64 built; kernel test with every instruction set this CPU has:"
for isa in avx512 avx2 generic; do
  HASTE_KERNEL_ISA=$isa "$work/linux-x86_64/kernel_test"
done

if command -v aarch64-linux-gnu-gcc >/dev/null; then
  build aarch64-linux-gnu-gcc linux-aarch64
  echo "native: linux-aarch64 built (cross-compiled)"
  if command -v qemu-aarch64 >/dev/null; then
    echo "native: linux-aarch64 kernel test under qemu-aarch64:"
    qemu-aarch64 -L /usr/aarch64-linux-gnu "$work/linux-aarch64/kernel_test"
  elif [[ ${HASTE_NATIVE_REQUIRE_ARM:-0} == 1 ]]; then
    echo "native: qemu-aarch64 not found; install qemu-user (deploy/setup-build-deps.sh)" >&2; exit 1
  else
    echo "native: qemu-aarch64 not found, the aarch64 kernel test is skipped" >&2
  fi
elif [[ ${HASTE_NATIVE_REQUIRE_ARM:-0} == 1 ]]; then
  echo "native: aarch64-linux-gnu-gcc not found; install gcc-aarch64-linux-gnu (deploy/setup-build-deps.sh)" >&2; exit 1
else
  echo "native: aarch64-linux-gnu-gcc not found, the linux-aarch64 library is not built" >&2
fi
