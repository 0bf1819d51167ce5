#!/usr/bin/env bash
# Builds the HASTE ONNX Runtime custom-operator library for linux-x86_64 (gcc) and linux-aarch64
# (Debian's gcc-aarch64-linux-gnu), and runs the kernel and registration tests of each: natively
# for x86_64, under qemu-user for aarch64. It also builds ort_smoke, which the haste-op tests use
# to run a native HASTE model through ONNX Runtime from C (natively, and under qemu for aarch64). A missing cross compiler or qemu is reported and skipped unless
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
  "$cc" -shared -o "$out/native/$platform/libhaste_ort.so" "$dir/op.o" "$dir/kernel.o" "${objs[@]}" -Wl,--no-undefined -lpthread -lc
  "$cc" -std=c11 -O1 -Wall -Werror -I"$here/src" "$here/test/kernel_test.c" "$dir/kernel.o" "${objs[@]}" -lm -lpthread -o "$dir/kernel_test"
  "$cc" -std=gnu11 -O1 -Wall -Werror -I"$here/src" "$here/test/ort_smoke.c" -ldl -lm -o "$dir/ort_smoke"
  "$cc" -std=c11 -O1 -Wall -Werror -I"$here/src" "$here/test/register_test.c" "$dir/op.o" "$dir/kernel.o" "${objs[@]}" -lpthread -o "$dir/register_test"
}

build gcc linux-x86_64 avx2 avx512
echo "native: linux-x86_64 built; kernel test with every instruction set this CPU has:"
for isa in avx512 avx2 generic; do
  HASTE_KERNEL_ISA=$isa "$work/linux-x86_64/kernel_test"
done
"$work/linux-x86_64/register_test"

# qemu_root DIR: the file tree qemu-aarch64 -L sees first: the aarch64 libraries, and a /proc/cpuinfo
# and sysfs CPU topology of a two-core Cortex-A72 (Raspberry Pi 4 class). Under qemu-user a program
# otherwise reads the x86 host's, on which ONNX Runtime's CPU detection crashes (SIGSEGV).
qemu_root() {
  local root=$1 cpu=$1/sys/devices/system/cpu
  rm -rf "$root"
  mkdir -p "$root/proc" "$cpu"
  ln -s /usr/aarch64-linux-gnu/lib "$root/lib"
  for i in 0 1; do
    printf 'processor\t: %d\nBogoMIPS\t: 108.00\nFeatures\t: fp asimd evtstrm crc32 cpuid\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: 0x0\nCPU part\t: 0xd08\nCPU revision\t: 3\n\n' "$i" >> "$root/proc/cpuinfo"
    mkdir -p "$cpu/cpu$i/topology"
    echo 0 > "$cpu/cpu$i/topology/physical_package_id"
    echo 0-1 > "$cpu/cpu$i/topology/cluster_cpus_list"
    echo 0-1 > "$cpu/cpu$i/topology/core_siblings_list"
    echo "$i" > "$cpu/cpu$i/topology/thread_siblings_list"
  done
  echo 0-1 > "$cpu/present"
  echo 0-1 > "$cpu/possible"
  echo 1 > "$cpu/kernel_max"
}

if command -v aarch64-linux-gnu-gcc >/dev/null; then
  build aarch64-linux-gnu-gcc linux-aarch64
  echo "native: linux-aarch64 built (cross-compiled)"
  if command -v qemu-aarch64 >/dev/null; then
    qemu_root "$work/qemu-root"
    echo "native: linux-aarch64 kernel test under qemu-aarch64:"
    qemu-aarch64 -L "$work/qemu-root" "$work/linux-aarch64/kernel_test"
    qemu-aarch64 -L "$work/qemu-root" "$work/linux-aarch64/register_test"
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
