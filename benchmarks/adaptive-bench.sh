#!/usr/bin/env bash
# Adaptive-control benchmark (not a test): the gateway runs as its own process on the local Mosquitto
# (127.0.0.1:1883) with VGG-11-BN made HASTE-enabled with a searched schedule (the same command and file as
# benchmarks/haste-stream-bench.sh: build/stream/vgg11bn-budget.onnx) and receives camera streams at a fixed
# rate; under one CPU hog (busy-loop processes) it reports p95 latency, frames/s, frames shed or dropped and
# top-1 for fixed 0, fixed MAX_LEVEL and auto (levels 0..MAX_LEVEL); unloaded, fixed 0, auto, and auto with the
# cameras sending 1 frame/s each at the same instant (bursts on an idle board: auto must stay at its minimum and shed
# nothing); plus the gateway's frames/s against a bare ONNX Runtime loop. The table is also written to benchmarks/results/adaptive-vgg11bn.md.
# MAX_LEVEL (default 3): the highest level within 0.5 pp of dense top-1 in benchmarks/results/eval-vgg11bn.txt
# (searched schedule: level 3 -0.10 pp, level 4 -0.80 pp), as an operator bounds auto to stay within 1 pp.
# MODEL=detector runs the shared object detector instead (the searched model of benchmarks/detection-bench.sh,
# build/detection/scene-detector-budget.onnx, made if missing) on camera clips drawn from the CIFAR-10 test images
# (4 cameras, CLIPS clips of 30 frames each, default 3), scored by mAP@0.5, at RATE 0 by default: the bare ONNX Runtime
# loop's frames/s, what saturates one core dense; MAX_LEVEL default 2; table in benchmarks/results/adaptive-scene-detector.md.
# Options (environment): SHARED_DIR (default ../shared), RATE (frames/s, default 300: past what level 0 serves under the hog), CAMERAS (default 4),
# SETTLE and SECONDS_PER_MODE (per mode, default 30 and 30), HOG_PER_CORE (default 1), MAX_LEVEL, GATEWAY_NICE (the gateway
# process's niceness, as the systemd unit's Nice= gives it; default 0, the hog's; a negative one needs root; its table goes to
# benchmarks/results/adaptive-vgg11bn-nice<N>.md).
set -euo pipefail
# shellcheck source=benchmarks/gateway-build.sh
source "$(dirname "$0")/gateway-build.sh"
cd "$root"
shared=${SHARED_DIR:-../shared}
if [[ ${MODEL:-vgg11bn} == detector ]]; then
  MODEL= CARD= NAME= OUT= PARTS= SHARED_DIR=$shared benchmarks/detection-bench.sh
  [[ -d build/detection/adaptive-clips ]] || java -jar haste-op/target/haste-op-0.1.0-SNAPSHOT-cli.jar scenes \
    --images "$shared/data/cifar10-jpeg/test" --card "$shared/models/synthetic-detector/scene-detector.json" \
    --out build/detection/adaptive-clips --cameras "${CAMERAS:-4}" --clips "${CLIPS:-3}" --clip-frames 30 --seed 23
  java -cp "daemon/target/test-classes:${jar#"$root"/}" io.hastegw.daemon.bench.AdaptiveBenchmark --jar "${jar#"$root"/}" \
    --shared "$shared" --model detector --clips build/detection/adaptive-clips --haste build/detection/scene-detector-budget.onnx \
    --max-level "${MAX_LEVEL:-2}" --rate "${RATE:-0}" --cameras "${CAMERAS:-4}" --settle "${SETTLE:-30}" --seconds "${SECONDS_PER_MODE:-30}" \
    --hog-per-core "${HOG_PER_CORE:-1}" --gateway-nice "${GATEWAY_NICE:-0}" 2>/dev/null \
    | tee "benchmarks/results/adaptive-scene-detector$([[ ${GATEWAY_NICE:-0} == 0 ]] || echo "-nice${GATEWAY_NICE}").md"
  exit 0
fi
m=$shared/models/cifar10-vgg11bn/vgg11bn-cifar10.onnx c=$shared/models/cifar10-vgg11bn/vgg11bn-cifar10.json
mkdir -p build/stream
[[ -f build/stream/vgg11bn-budget.onnx ]] || java -jar haste-op/target/haste-op-0.1.0-SNAPSHOT-cli.jar transform --model "$m" --card "$c" \
  --out build/stream/vgg11bn-budget.onnx --budgets 0.90,0.85,0.80,0.77,0.75,0.72,0.70,0.65 \
  --calibration-images "$shared/data/cifar10-jpeg/train" --calibration-frames 128 | grep -v '^/'
java -cp "daemon/target/test-classes:${jar#"$root"/}" io.hastegw.daemon.bench.AdaptiveBenchmark --jar "${jar#"$root"/}" \
  --shared "$shared" --model vgg11bn --haste build/stream/vgg11bn-budget.onnx --max-level "${MAX_LEVEL:-3}" --rate "${RATE:-300}" \
  --cameras "${CAMERAS:-4}" --settle "${SETTLE:-30}" --seconds "${SECONDS_PER_MODE:-30}" --hog-per-core "${HOG_PER_CORE:-1}" \
  --gateway-nice "${GATEWAY_NICE:-0}" 2>/dev/null \
  | tee "benchmarks/results/adaptive-vgg11bn$([[ ${GATEWAY_NICE:-0} == 0 ]] || echo "-nice${GATEWAY_NICE}").md"
