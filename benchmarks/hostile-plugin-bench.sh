#!/usr/bin/env bash
# Hostile plugins, one at a time (not a test): an operator post-processor built on the spot misbehaves on camera evil's
# frames (throws, fails every other frame, hangs ignoring interrupts, sleeps 2 s, System.exit(0), Runtime.halt(1),
# fills the heap, starts 10,000 threads, allocates 2 GiB natively, reaches for the daemon's classes, spins 4 threads,
# writes to stdout in a loop) while camera good sends 10 frames/s; the gateway runs as its own process with the unit's JVM flags on
# the local Mosquitto (127.0.0.1:1883). One row per plugin: good's frames predicted, whether the process stayed up, the
# plugin's state; a process that ended is started again once (as systemd would) and the plugin's state there is shown.
# Table also in benchmarks/results/hostile-plugins-<isolation>.md. Options (environment): SHARED_DIR (default ../shared),
# SECONDS_PER_PLUGIN (default 60), ISOLATION (process, the default here, or in-process), ONLY (run the rows whose
# description contains it; the table file is then overwritten with those rows only), SET (one more gateway setting,
# e.g. plugins.host.cpu_percent=0).
set -euo pipefail
# shellcheck source=benchmarks/gateway-build.sh
source "$(dirname "$0")/gateway-build.sh"
java -cp "$root/daemon/target/test-classes:$jar" io.hastegw.daemon.bench.HostilePluginBench --jar "$jar" --shared "$shared" \
  --seconds "${SECONDS_PER_PLUGIN:-60}" --isolation "${ISOLATION:-process}" --only "${ONLY:-}" --set "${SET:-}" 2>/dev/null \
  | tee "$root/benchmarks/results/hostile-plugins-${ISOLATION:-process}.md"
