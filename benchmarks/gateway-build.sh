# Sourced by the gateway benchmark scripts: installs the build's needs, builds the shaded gateway jar
# and its test classes, and names the paths they use: root, shared, jar (and benchmarks/results/).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
shared=${SHARED_DIR:-$root/../shared}
"$root/deploy/setup-build-deps.sh"
(cd "$root" && mvn -B -q -DskipTests package)
jar=$root/daemon/target/haste-gateway-daemon-0.1.0-SNAPSHOT-all.jar
mkdir -p "$root/benchmarks/results"
