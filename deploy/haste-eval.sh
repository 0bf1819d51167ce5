#!/usr/bin/env bash
# Offline evaluation of HASTE on CIFAR-10: build haste-op, make a HASTE-enabled CIFAR-10
# ResNet from ../shared, inspect it, and evaluate every compression level against the dense model
# (top-1, MACs reduction including overhead, ONNX Runtime latency at batch 1).
#
# Options (environment): SHARED_DIR (default: ../shared next to the repository), MODEL (resnet20
# or resnet56, default resnet20), IMAGES (default 200), OUT (default build/demo).
set -euo pipefail
# From the repository root, with relative paths: the output names files as given.
cd "$(dirname "$0")/.."
shared=${SHARED_DIR:-../shared}
model=${MODEL:-resnet20}
images=${IMAGES:-200}
out=${OUT:-build/demo}
models=$shared/models/cifar10-resnet-akamaster

deploy/setup-build-deps.sh
[[ -f $models/$model.onnx ]] || { echo "demo: $models/$model.onnx not found; set SHARED_DIR" >&2; exit 1; }

echo "== building haste-op"
mvn -B -q -DskipTests package -pl haste-op -am
jar=haste-op/target/haste-op-0.1.0-SNAPSHOT-cli.jar
haste=(java -jar "$jar")
mkdir -p "$out"

echo "== haste-op transform ($model)"
"${haste[@]}" transform --model "$models/$model.onnx" --card "$models/$model.json" --out "$out/$model-haste.onnx" | tail -n 1
echo "== haste-op inspect"
"${haste[@]}" inspect "$out/$model-haste.onnx"
echo "== haste-op eval (first $images CIFAR-10 JPEG test images)"
"${haste[@]}" eval --dense "$models/$model.onnx" --haste "$out/$model-haste.onnx" --card "$models/$model.json" \
  --images "$shared/data/cifar10-jpeg/test" --limit "$images" --json "$out/$model-eval.json" --plots "$out"
echo "== report written to $out/$model-eval.json (CSV and plots beside it)"
