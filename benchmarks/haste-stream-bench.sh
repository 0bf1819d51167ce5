#!/usr/bin/env bash
# Stream benchmark of HASTE's per-camera reuse (not a test): haste-op stream-bench on camera-like
# clips made from the CIFAR-10 test JPEGs (each clip one image under small random shifts, exposure
# drift and sensor noise; a scene cut to another image between clips), dense ONNX Runtime against
# per-frame HASTE and HASTE with stream reuse, at every level, 1 intra-op thread, one process per
# model. Models: the full-width VGG-11-BN and ResNet-56 from ../shared with schedules searched for
# MACs budgets on unlabelled train frames (as benchmarks/haste-eval.sh makes them), and the
# ImageNet-shaped ResNet-18 haste-op builds with random weights (224x224; top-1 there is agreement
# with dense) at the level nearest 40 % merged channels.
# Reports: benchmarks/results/stream-<model>.md. Then, for the accuracy comparison (top-1 with reuse
# against per-frame HASTE: the clips above hold 200 images), VGG-11-BN at levels 3-5 and ResNet-56 at
# levels 1-3 on 1,000 clips of 10 frames (1,000 images): stream-<model>-1000clips.md (ACCURACY=0 skips).
# Run it on an otherwise idle machine: it measures wall clock.
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
      args=(--model "$m" --card "$c" --haste "$out/vgg11bn-budget.onnx" --breakdown-level 3) ;;
    resnet56)
      m=$shared/models/cifar10-resnet-akamaster/resnet56.onnx c=$shared/models/cifar10-resnet-akamaster/resnet56.json
      searched resnet56 "$m" "$c" 0.97,0.95,0.93,0.91,0.89,0.87,0.85,0.80
      args=(--model "$m" --card "$c" --haste "$out/resnet56-budget.onnx" --breakdown-level 2) ;;
    resnet18)
      args=(--builtin RESNET18 --levels 24,20,18,16,14,12,10,8 --run-levels 3) ;;
    *) echo "haste-stream-bench: unknown model $model" >&2; exit 1 ;;
  esac
  clips=$([[ $model == resnet18 ]] && echo "--clips ${CLIPS_224:-20} --clip-frames 20" || echo "--clips ${CLIPS:-200}")
  # shellcheck disable=SC2086
  java -jar $J stream-bench "${args[@]}" $clips --images "$images" --out "benchmarks/results/stream-$model.md" 2>/dev/null
  if [[ ${ACCURACY:-1} == 1 && $model != resnet18 ]]; then
    levels=$([[ $model == vgg11bn ]] && echo 3,4,5 || echo 1,2,3)
    java -jar $J stream-bench "${args[@]}" --images "$images" --clips 1000 --clip-frames 10 --run-levels "$levels" \
      --out "benchmarks/results/stream-$model-1000clips.md" 2>/dev/null
  fi
done
