#!/usr/bin/env bash
# Installs haste-gateway on a board without the Debian package (any systemd Linux, x86-64 or aarch64).
# Idempotent: run it again after an update; it changes only what differs and says each change.
# Usage: deploy/install.sh [--jar PATH] [--root DIR] [--dry-run]
#   --jar PATH   the gateway jar (default: daemon/target/haste-gateway-daemon-*-all.jar; build with 'mvn package')
#   --root DIR   install under DIR instead of / (for testing; no user, no systemctl)
#   --dry-run    say what would change, change nothing
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
jar=""
root=""
dry=0
while (( $# )); do
  case $1 in
    --jar) jar=$2; shift 2 ;;
    --root) root=${2%/}; shift 2 ;;
    --dry-run) dry=1; shift ;;
    *) echo "install: unknown argument '$1' (usage: deploy/install.sh [--jar PATH] [--root DIR] [--dry-run])" >&2; exit 2 ;;
  esac
done
[[ -n $jar ]] || jar=$(ls "$repo"/daemon/target/haste-gateway-daemon-*-all.jar 2>/dev/null | head -n 1 || true)
[[ -f $jar ]] || { echo "install: gateway jar not found; build it with 'mvn -B -DskipTests package' or pass --jar" >&2; exit 1; }

arch=$(uname -m)
case $arch in
  x86_64|aarch64) ;;
  *) echo "install: architecture $arch is not supported (x86_64 or aarch64; ONNX Runtime has no natives for it in the jar)" >&2; exit 1 ;;
esac
if ! command -v java >/dev/null; then
  echo "install: no java on PATH; install a Java 17+ runtime first (Debian/Raspberry Pi OS: apt-get install openjdk-17-jre-headless)" >&2
  exit 1
fi
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if (( ${java_major%%.*} < 17 )); then
  echo "install: java $java_major found; haste-gateway needs 17 or newer" >&2
  exit 1
fi
if [[ -z $root && $(id -u) -ne 0 ]]; then
  echo "install: run as root (it creates a system user and installs a systemd unit)" >&2
  exit 1
fi

changed=0
say() { echo "install: $*"; changed=1; }
# put SRC DEST MODE: copy when DEST is missing or different.
put() {
  local src=$1 dest=$root$2 mode=$3
  if [[ -f $dest ]] && cmp -s "$src" "$dest"; then return; fi
  say "$( [[ -f $dest ]] && echo update || echo create ) $2 (mode $mode)"
  (( dry )) || install -D -m "$mode" "$src" "$dest"
}

if [[ -z $root ]] && ! getent passwd haste-gateway >/dev/null; then
  say "create system user and group haste-gateway (no login, home /var/lib/haste-gateway)"
  (( dry )) || useradd --system --user-group --no-create-home --home-dir /var/lib/haste-gateway --shell /usr/sbin/nologin haste-gateway
fi
put "$jar" /usr/lib/haste-gateway/haste-gateway.jar 0644
# The built-in plugins lie next to the jar the build made (daemon/target/plugins).
plugins=$(dirname "$jar")/plugins
[[ -d $plugins ]] || { echo "install: no built-in plugins folder $plugins next to the jar; build with 'mvn -B -DskipTests package'" >&2; exit 1; }
for plugin in "$plugins"/*.jar; do
  put "$plugin" "/usr/lib/haste-gateway/plugins/$(basename "$plugin")" 0644
done
# A plugin host's class path (the API and the host only), next to the jar (daemon/target/plugin-host).
hostjars=$(dirname "$jar")/plugin-host
[[ -d $hostjars ]] || { echo "install: no plugin-host folder $hostjars next to the jar; build with 'mvn -B -DskipTests package'" >&2; exit 1; }
for hostjar in "$hostjars"/*.jar; do
  put "$hostjar" "/usr/lib/haste-gateway/plugin-host/$(basename "$hostjar")" 0644
done
put "$repo/deploy/package/src/deb/haste-gateway" /usr/bin/haste-gateway 0755
put "$repo/deploy/package/src/deb/haste-op" /usr/bin/haste-op 0755
put "$repo/deploy/demo/model/fmnist-resnet10.onnx" /usr/share/haste-gateway/models/fmnist-resnet10.onnx 0644
put "$repo/deploy/demo/model/fmnist-resnet10.json" /usr/share/haste-gateway/models/fmnist-resnet10.json 0644
if [[ ! -f $root/etc/haste-gateway/config.yaml ]]; then
  put "$repo/deploy/package/src/deb/etc/config.yaml" /etc/haste-gateway/config.yaml 0640
else
  echo "install: keep existing /etc/haste-gateway/config.yaml"
fi
if [[ ! -d $root/etc/haste-gateway/plugins ]]; then
  say "create /etc/haste-gateway/plugins (mode 0755, owner root: the operator's plugins)"
  (( dry )) || install -d -m 0755 "$root/etc/haste-gateway/plugins"
fi
for dir in /var/lib/haste-gateway /var/lib/haste-gateway/tmp; do
  if [[ ! -d $root$dir ]]; then
    say "create $dir (mode 0750, owner haste-gateway)"
    (( dry )) || install -d -m 0750 "$root$dir"
  fi
done
if [[ -z $root ]] && (( ! dry )); then
  chown -R haste-gateway:haste-gateway /var/lib/haste-gateway
  chgrp haste-gateway /etc/haste-gateway/config.yaml
fi
unit_changed=$changed
changed=0
put "$repo/systemd/haste-gateway.service" /etc/systemd/system/haste-gateway.service 0644
if [[ -z $root ]] && [[ -d /run/systemd/system ]]; then
  if (( changed )); then
    say "systemctl daemon-reload"
    (( dry )) || systemctl daemon-reload
  fi
  if ! systemctl is-enabled --quiet haste-gateway.service 2>/dev/null; then
    say "enable haste-gateway.service"
    (( dry )) || systemctl enable --quiet haste-gateway.service
  fi
  if (( changed || unit_changed )); then
    say "restart haste-gateway.service"
    (( dry )) || systemctl restart --no-block haste-gateway.service
  fi
fi
(( changed || unit_changed )) || echo "install: nothing to change"
