#!/usr/bin/env bash
# HASTE on an object detector (not a test), in three parts, reports in benchmarks/results/:
#   1. eval-<name>.txt/.json, <name>-eval.csv and the plots: mAP@0.5 and mAP@0.5:0.95 per level with MACs
#      (HASTE's overhead included) on a labelled detection folder (boxes.json), for
#        - a per-layer schedule searched for MACs budgets (transform --budgets) on unlabelled scenes
#          drawn from the CIFAR-10 train images (haste-op scenes; the test scenes are never seen),
#          patch-wise hashing (tiles of PATCH output pixels) where a layer's map has room for it,
#        - the default transform (whole maps, uniform L), compared in the same run,
#      and the static baselines (L1 pruning, random merging) at the searched levels' channel counts;
#   2. stream-<name>.md: haste-op stream-bench on camera-like detection clips drawn from the CIFAR-10
#      test images (objects moving a few pixels per frame, light drift, noise, a scene cut between
#      clips): mAP, reuse, refreshes, speed against dense, state per camera, with and without the
#      cost plan;
#   3. decode-bench.md: the gateway's decoding and NMS on a YOLOv8-sized output [1, 84, 8400].
# Run it on an otherwise idle machine: parts 2 and 3 measure wall clock.
# Options (environment): SHARED_DIR (default ../shared), MODEL and CARD (default the shared scene-detector), NAME (default
# scene-detector), SCENES (labelled test folder, default SHARED_DIR/data/detection-scenes/test), OUT (default build/detection),
# BUDGETS (default 0.99,0.98,0.97,0.96,0.95,0.94,0.92,0.90), CANDIDATES (default 16,14,13,12,11,10,9), PATCH (default 8),
# CLIPS (stream-bench clips of 30 frames, default 20), PARTS (default "eval stream decode"; empty: only make the searched model).
set -euo pipefail
# From the repository root, with relative paths: the reports name files as given.
cd "$(dirname "$0")/.."
shared=${SHARED_DIR:-../shared}
model=${MODEL:-$shared/models/synthetic-detector/scene-detector.onnx}
card=${CARD:-$shared/models/synthetic-detector/scene-detector.json}
name=${NAME:-scene-detector}
scenes=${SCENES:-$shared/data/detection-scenes/test}
out=${OUT:-build/detection}
results=benchmarks/results
mvn -B -q -DskipTests package -pl haste-op -am
J=haste-op/target/haste-op-0.1.0-SNAPSHOT-cli.jar
mkdir -p "$out" "$results"

searched=$out/$name-budget.onnx
if [[ ! -f $searched ]]; then
  java -jar $J scenes --images "$shared/data/cifar10-jpeg/train" --card "$card" --out "$out/calibration" --count 64 --seed 101
  java -jar $J transform --model "$model" --card "$card" --out "$searched" --patch "${PATCH:-8}" \
    --budgets "${BUDGETS:-0.99,0.98,0.97,0.96,0.95,0.94,0.92,0.90}" --candidates "${CANDIDATES:-16,14,13,12,11,10,9}" \
    --calibration-images "$out/calibration/images" --calibration-frames 64 --probes "$results/$name-probes.csv" | grep -v '^/'
fi

for part in ${PARTS-eval stream decode}; do
  case $part in
    eval)
      java -jar $J transform --model "$model" --card "$card" --out "$out/$name-default.onnx" | tail -n 1
      java -jar $J eval --dense "$model" --haste "$searched" --compare "$out/$name-default.onnx" --card "$card" --images "$scenes" \
        --limit 100000 --json "$results/eval-$name.json" --plots "$results" | tee "$results/eval-$name.txt" ;;
    stream)
      [[ -d $out/clips ]] || java -jar $J scenes --images "$shared/data/cifar10-jpeg/test" --card "$card" --out "$out/clips" \
        --clips "${CLIPS:-20}" --clip-frames 30 --seed 11
      java -jar $J stream-bench --model "$model" --card "$card" --haste "$searched" --images "$out/clips" --clips "${CLIPS:-20}" \
        --out "$results/stream-$name.md" ;;
    decode)
      java -jar $J decode-bench --out "$results/decode-bench.md" ;;
    *) echo "unknown part '$part' (eval, stream, decode)" >&2; exit 2 ;;
  esac
done
