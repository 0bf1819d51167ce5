#!/usr/bin/env bash
# Stream benchmark of HASTE's per-camera reuse (not a test): haste-op stream-bench on camera-like
# clips made from the CIFAR-10 test JPEGs (each clip one image under small random shifts, exposure
# drift and sensor noise; a scene cut to another image between clips), dense ONNX Runtime against
# per-frame HASTE and HASTE with stream reuse, at every level, 1 intra-op thread, one process per
# model. Models: the full-width VGG-11-BN and ResNet-56 from ../shared with schedules searched for
# MACs budgets on unlabelled train frames (as benchmarks/haste-eval.sh makes them), and the
# ImageNet-shaped ResNet-18 haste-op builds with random weights (224x224; top-1 there is agreement
# with dense) at the level nearest 40 % merged channels.
# Reports: benchmarks/results/stream-<model>.md.
# Options (environment): SHARED_DIR (default ../shared), OUT (searched models, default build/stream),
# CLIPS (default 200, of 30 frames; ResNet-18: CLIPS_224, default 20, of 20 frames), MODELS (default "vgg11bn resnet56 resnet18").
set -euo pipefail
# From the repository root, with relative paths: the reports name files as given.
cd "$(dirname "$0")/.."
shared=${SHARED_DIR:-../shared}
out=${OUT:-build/stream}
mvn -B -q -DskipTests package -pl haste-op -am
J=haste-op/target/haste-op-0.1.0-SNAPSHOT-cli.jar
images=$shared/data/cifar10-jpeg/test
mkdir -p "$out" benchmarks/results

# searched NAME MODEL CARD BUDGETS: the searched schedule of benchmarks/haste-eval.sh (made once).
searched() {
  [[ -f $out/$1-budget.onnx ]] || java -jar $J transform --model "$2" --card "$3" --out "$out/$1-budget.onnx" --budgets "$4" \
    --calibration-images "$shared/data/cifar10-jpeg/train" --calibration-frames 128 | grep -v '^/'
}

for model in ${MODELS:-vgg11bn resnet56 resnet18}; do
  case $model in
    vgg11bn)
      m=$shared/models/cifar10-vgg11bn/vgg11bn-cifar10.onnx c=$shared/models/cifar10-vgg11bn/vgg11bn-cifar10.json
      searched vgg11bn "$m" "$c" 0.90,0.85,0.80,0.77,0.75,0.72,0.70,0.65
      args=(--model "$m" --card "$c" --haste "$out/vgg11bn-budget.onnx" --clips "${CLIPS:-200}" --breakdown-level 3) ;;
    resnet56)
      m=$shared/models/cifar10-resnet-akamaster/resnet56.onnx c=$shared/models/cifar10-resnet-akamaster/resnet56.json
      searched resnet56 "$m" "$c" 0.97,0.95,0.93,0.91,0.89,0.87,0.85,0.80
      args=(--model "$m" --card "$c" --haste "$out/resnet56-budget.onnx" --clips "${CLIPS:-200}" --breakdown-level 2) ;;
    resnet18)
      args=(--builtin RESNET18 --levels 24,20,18,16,14,12,10,8 --run-levels 3 --clips "${CLIPS_224:-20}" --clip-frames 20) ;;
    *) echo "haste-stream-bench: unknown model $model" >&2; exit 1 ;;
  esac
  java -jar $J stream-bench "${args[@]}" --images "$images" --out "benchmarks/results/stream-$model.md" 2>/dev/null
done
