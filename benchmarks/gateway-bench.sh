#!/usr/bin/env bash
# Gateway load benchmark (not a test): for each model, the gateway runs as its own process on the
# local Mosquitto (127.0.0.1:1883) and receives real CIFAR-10 JPEG frames from 1, 4 and 16
# simulated cameras at a fixed total rate. Prints throughput, latency percentiles, drops, CPU
# and heap; the tables are also written to benchmarks/results/.
# Options (environment): SHARED_DIR (default ../shared), MODELS (default "resnet20 resnet56"),
# LEVEL (default 0), FRAMES (default 2000), RATE (frames/s, default 200), WORKERS (default 2),
# CAMERAS (default 1,4,16).
set -euo pipefail
# shellcheck source=benchmarks/gateway-build.sh
source "$(dirname "$0")/gateway-build.sh"
for model in ${MODELS:-resnet20 resnet56}; do
  java -cp "$root/daemon/target/test-classes:$jar" io.hastegw.daemon.bench.GatewayBenchmark --jar "$jar" --shared "$shared" \
    --model "$model" --level "${LEVEL:-0}" --frames "${FRAMES:-2000}" --rate "${RATE:-200}" --workers "${WORKERS:-2}" \
    --cameras "${CAMERAS:-1,4,16}" 2>/dev/null | tee "$root/benchmarks/results/gateway-$model-level${LEVEL:-0}-rate${RATE:-200}.txt"
done
