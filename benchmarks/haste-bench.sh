#!/usr/bin/env bash
# Wall-clock benchmark of HASTE against dense ONNX Runtime (not a test): haste-op bench on the
# CIFAR-10 ResNet-20, ResNet-56 and the full-width VGG-11-BN from ../shared (default levels) and on the ImageNet-shaped
# ResNet-18 and ResNet-50 that haste-op builds with random weights (224x224, timing only; levels
# chosen so that about 30 to 75 % of the channels merge), batch 1, 1 and 2 intra-op threads.
# Each report (levels table, per-layer breakdown) goes to benchmarks/results/bench-<model>.md.
# Options (environment): SHARED_DIR (default ../shared), MODELS (default "resnet20 resnet56 vgg11bn
# resnet18 resnet50"), THREADS (default 1,2), LIMIT (images timed, default 200 for CIFAR, 20 for
# 224x224).
set -euo pipefail
# From the repository root, with relative paths: the reports name the models and images as given.
cd "$(dirname "$0")/.."
shared=${SHARED_DIR:-../shared}
deploy/setup-build-deps.sh
mvn -B -q -DskipTests package -pl haste-op -am
jar=haste-op/target/haste-op-0.1.0-SNAPSHOT-cli.jar
cifar=$shared/models/cifar10-resnet-akamaster
images=$shared/data/cifar10-jpeg/test
mkdir -p benchmarks/results
for model in ${MODELS:-resnet20 resnet56 vgg11bn resnet18 resnet50}; do
  case $model in
    resnet20|resnet56) args=(--model "$cifar/$model.onnx" --card "$cifar/$model.json" --limit "${LIMIT:-200}" --warmup 20 --breakdown-level 3) ;;
    vgg11bn) args=(--model "$shared/models/cifar10-vgg11bn/vgg11bn-cifar10.onnx" --card "$shared/models/cifar10-vgg11bn/vgg11bn-cifar10.json"
                   --limit "${LIMIT:-200}" --warmup 20 --breakdown-level 3) ;;
    resnet18|resnet50) args=(--builtin "${model^^}" --levels 24,20,18,16,14,12,10,8 --limit "${LIMIT:-20}" --breakdown-level 3) ;;
    *) echo "haste-bench: unknown model $model" >&2; exit 1 ;;
  esac
  java -jar "$jar" bench "${args[@]}" --images "$images" --threads "${THREADS:-1,2}" \
    --out "benchmarks/results/bench-$model.md" 2>/dev/null
done
