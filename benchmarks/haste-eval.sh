#!/usr/bin/env bash
# HASTE accuracy against MACs on CIFAR-10 ResNet-56 and the full-width VGG-11-BN from ../shared,
# three HASTE variants of each evaluated in one run with the static baselines:
#   - a per-layer schedule searched for MACs budgets (transform --budgets) on unlabelled CIFAR-10
#     train frames (the labels are never read; the test split is what eval scores),
#   - the default transform (scale-aware merge, automatic hash stride, uniform L per level),
#   - the paper's method (mean merge, every pixel hashed, uniform L).
# Writes benchmarks/results/eval-<model>.txt, <model>-cifar10-eval.csv and the PNG plots.
# Options (environment): SHARED_DIR (default ../shared), IMAGES (default 2000), OUT (default build/eval).
set -euo pipefail
# From the repository root, with relative paths: the reports name files as given.
cd "$(dirname "$0")/.."
shared=${SHARED_DIR:-../shared}
images=${IMAGES:-2000}
out=${OUT:-build/eval}
results=benchmarks/results
mvn -B -q -DskipTests package -pl haste-op -am
J=haste-op/target/haste-op-0.1.0-SNAPSHOT-cli.jar
mkdir -p "$out"

# evaluate NAME MODEL CARD BUDGETS: the three variants of one model, then eval.
evaluate() {
  local name=$1 model=$2 card=$3 budgets=$4
  java -jar $J transform --model "$model" --card "$card" --out "$out/$name-budget.onnx" --budgets "$budgets" \
    --calibration-images "$shared/data/cifar10-jpeg/train" --calibration-frames 128 | grep -v '^/'
  java -jar $J transform --model "$model" --card "$card" --out "$out/$name-default.onnx" | tail -n 1
  java -jar $J transform --model "$model" --card "$card" --out "$out/$name-paper.onnx" --merge MEAN --hash-stride 1 | tail -n 1
  java -jar $J eval --dense "$model" --haste "$out/$name-budget.onnx" --compare "$out/$name-default.onnx" --compare "$out/$name-paper.onnx" \
    --card "$card" --images "$shared/data/cifar10-jpeg/test" --limit "$images" --plots "$results" | tee "$results/eval-$name.txt"
}

evaluate vgg11bn "$shared/models/cifar10-vgg11bn/vgg11bn-cifar10.onnx" "$shared/models/cifar10-vgg11bn/vgg11bn-cifar10.json" \
  0.90,0.85,0.80,0.77,0.75,0.72,0.70,0.65
evaluate resnet56 "$shared/models/cifar10-resnet-akamaster/resnet56.onnx" "$shared/models/cifar10-resnet-akamaster/resnet56.json" \
  0.97,0.95,0.93,0.91,0.89,0.87,0.85,0.80
