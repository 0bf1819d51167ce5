#!/usr/bin/env bash
# Hostile-client soak (not a test): starts its own Mosquitto on a free loopback port and the gateway
# (shaded jar, the systemd unit's JVM flags, default pipeline) on it; measures a well-behaved camera
# alone, then while hostile clients replay every attack of the hardening issue (huge images,
# one camera flooding 5700x5700 PNGs, fresh camera ids, a 65,506-character camera id, retained and
# misdirected control commands, client-id take-overs, oversized packets, a garbage mix) for a
# bounded time. Prints one table; it is also written to benchmarks/results/hostile-soak.txt.
# Options (environment): SHARED_DIR (default ../shared), SECONDS_UNDER_ATTACK (default 60),
# SOAK_PHASES (some of huge,cameras,protocol,flood,many,replay; default all: a partial run does not overwrite the results),
# SOAK_GATEWAY_JVM_FLAGS (more JVM flags for the gateway, e.g. -Xlog:gc:file=gc.log).
set -euo pipefail
# shellcheck source=benchmarks/gateway-build.sh
source "$(dirname "$0")/gateway-build.sh"
java -Xmx2g -cp "$root/daemon/target/test-classes:$jar" io.hastegw.daemon.bench.HostileSoak --jar "$jar" --shared "$shared" \
  --seconds "${SECONDS_UNDER_ATTACK:-60}" ${SOAK_PHASES:+--phases "$SOAK_PHASES"} \
  | tee "$root/benchmarks/results/hostile-soak${SOAK_PHASES:+-partial}.txt"
