#!/usr/bin/env bash
# The main job, offline: build everything, then run the gateway on its embedded defaults with its
# embedded MQTT 5 broker (no broker configured, no network), the bundled Fashion-MNIST demo model
# made HASTE-enabled, and frames from a directory source (the Fashion-MNIST test images from
# Debian's dataset-fashion-mnist, or generated frames where it cannot be installed, said
# clearly) over 4 simulated cameras. The bundled model is the wide Fashion-MNIST VGG
# (deploy/demo/model/fmnist-vgg6-wide.onnx), made HASTE-enabled with levels that are MACs budgets
# (a per-layer schedule searched on unlabelled Fashion-MNIST training frames). The frames are
# sent once to warm up, then at level 0, then, after an operator command over MQTT, at LEVEL; it prints a live
# line per second, a summary per pass and the MACs, time and accuracy of LEVEL against level 0 in
# the same run.
# Options (environment): FRAMES (default 1000), RATE (frames/s, default 100), CAMERAS (default 4),
# LEVEL (HASTE level, default 5), COST_PLAN (true, the gateway's default: HASTE only on the
# layers this machine measured faster than dense; false: the level's schedule as is, every HASTE
# layer of it runs), STREAM_REUSE (false: the demo's cameras send unrelated test images, not streams
# of one scene, on which stream reuse would reuse buckets across unrelated frames; true turns it on),
# OUT (default build/demo), CONSOLE_PORT (the live operator console, default 9464, or a free port when taken; the demo
# prints its URL).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# A given OUT is taken from where the demo was started; then everything runs from the repository
# root with relative paths, so that what the demo prints names no machine paths.
out=build/demo
[[ -n ${OUT:-} ]] && out=$(realpath -m "$OUT")
cd "$root"

deploy/setup-build-deps.sh
if [[ ! -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]]; then
  echo "demo: installing the Fashion-MNIST test set (Debian package dataset-fashion-mnist)" >&2
  if [[ $(id -u) -eq 0 ]]; then apt_get=(apt-get); else apt_get=(sudo apt-get); fi
  DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y --no-install-recommends dataset-fashion-mnist >/dev/null 2>&1 \
    || echo "demo: could not install dataset-fashion-mnist; the demo will use generated frames" >&2
fi

echo "== building (mvn package)"
mvn -B -q -DskipTests package
mkdir -p "$out"
echo "== running the demo"
exec java -cp daemon/target/haste-gateway-daemon-0.1.0-SNAPSHOT-all.jar io.hastegw.daemon.demo.Demo \
  --model deploy/demo/model/fmnist-vgg6-wide.onnx --card deploy/demo/model/fmnist-vgg6-wide.json \
  --broker-lib deploy/embedded-broker/target/lib --work "$out" \
  --frames "${FRAMES:-1000}" --rate "${RATE:-100}" --cameras "${CAMERAS:-4}" --level "${LEVEL:-5}" --cost-plan "${COST_PLAN:-true}" \
  --stream-reuse "${STREAM_REUSE:-false}" --console-port "${CONSOLE_PORT:-9464}"
