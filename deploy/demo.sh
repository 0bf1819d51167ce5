#!/usr/bin/env bash
# The main job, offline: build everything, then run the gateway on its embedded defaults with its
# embedded MQTT 5 broker (no broker configured, no network), a model made HASTE-enabled with levels
# that are MACs budgets (a per-layer schedule searched on unlabelled frames), and frames from a
# directory source over 4 simulated cameras: once to warm up, then at level 0, then, after an
# operator command over MQTT, at each of LEVELS; it prints a live line per second, a summary per
# pass and the MACs, time and accuracy of each level against level 0 in the same run, and serves
# the live console (each camera's latest frame with its boxes).
# DEMO=detector (the default where ../shared has it): the shared object detector
# (SHARED_DIR/models/synthetic-detector) on camera-like clips drawn from the CIFAR-10 test images
# (objects moving over blurred backgrounds, a scene cut between clips), mAP@0.5 of the published
# boxes, stream reuse on, a zone "left" on every camera. DEMO=classifier: the bundled wide
# Fashion-MNIST VGG (deploy/demo/model/fmnist-vgg6-wide.onnx) on the Fashion-MNIST test images
# from Debian's dataset-fashion-mnist (or generated frames where it cannot be installed, said
# clearly), top-1, stream reuse off (its cameras send unrelated images).
# COST_PLAN: the detector demo runs each level's schedule as is by default (COST_PLAN=false), so that what HASTE does to
# mAP, MACs and time shows; COST_PLAN=true runs what the gateway runs by default (HASTE only on the layers measured faster
# than dense at start: on the 2-core x86 VM of the README, none of the detector's); the classifier demo has it on.
# Options (environment): DEMO, SHARED_DIR (default ../shared), LEVELS (detector, default 2,3), CLIPS (detector: clips per
# camera, default 2), LEVEL (classifier, default 5), FRAMES (classifier, default 1000), RATE (frames/s, default 20 for the
# detector, 100 for the classifier), CAMERAS (default 4), COST_PLAN (above; true: HASTE only on the layers this
# machine measured faster than dense; false: the level's schedule as is, every HASTE layer of it runs), STREAM_REUSE
# (classifier; true turns it on), OUT (default build/demo), CONSOLE_PORT (the live operator console, default 9464, or a free
# port when taken; the demo prints its URL).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# A given OUT is taken from where the demo was started; then everything runs from the repository
# root with relative paths, so that what the demo prints names no machine paths.
out=build/demo
[[ -n ${OUT:-} ]] && out=$(realpath -m "$OUT")
cd "$root"

shared=${SHARED_DIR:-../shared}
demo=${DEMO:-}
if [[ -z $demo ]]; then
  if [[ -f $shared/models/synthetic-detector/scene-detector.onnx && -d $shared/data/cifar10-jpeg/test ]]; then demo=detector; else
    echo "demo: no $shared/models/synthetic-detector or $shared/data/cifar10-jpeg (SHARED_DIR): running the classifier demo" >&2
    demo=classifier
  fi
fi

deploy/setup-build-deps.sh
if [[ $demo == classifier && ! -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]]; then
  echo "demo: installing the Fashion-MNIST test set (Debian package dataset-fashion-mnist)" >&2
  if [[ $(id -u) -eq 0 ]]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y --no-install-recommends dataset-fashion-mnist >/dev/null 2>&1 \
    || echo "demo: could not install dataset-fashion-mnist; the demo will use generated frames" >&2
fi

echo "== building (mvn package)"
mvn -B -q -DskipTests package
mkdir -p "$out"
# The demo is not in the gateway's production jar: it runs beside it on the class path.
cp=daemon/target/haste-gateway-daemon-0.1.0-SNAPSHOT-all.jar:deploy/demo/target/haste-gateway-demo-0.1.0-SNAPSHOT.jar
echo "== running the demo ($demo)"
common=(--broker-lib deploy/embedded-broker/target/lib --work "$out" --cameras "${CAMERAS:-4}" --console-port "${CONSOLE_PORT:-9464}")
if [[ $demo == detector ]]; then
  exec java -cp "$cp" io.hastegw.demo.Demo --demo detector \
    --cost-plan "${COST_PLAN:-false}" \
    --detector "$shared/models/synthetic-detector" --cifar "$shared/data/cifar10-jpeg" --clips "${CLIPS:-2}" \
    --levels "${LEVELS:-2,3}" --rate "${RATE:-20}" "${common[@]}"
fi
exec java -cp "$cp" io.hastegw.demo.Demo --demo classifier \
  --model deploy/demo/model/fmnist-vgg6-wide.onnx --card deploy/demo/model/fmnist-vgg6-wide.json \
  --frames "${FRAMES:-1000}" --rate "${RATE:-100}" --levels "${LEVEL:-5}" --stream-reuse "${STREAM_REUSE:-false}" \
  --cost-plan "${COST_PLAN:-true}" "${common[@]}"
