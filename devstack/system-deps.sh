#!/usr/bin/env bash
# Install the system packages the project runs against, only those missing:
# Debian's redis-server (the one shared state) and chromium (the console and web chat are
# tested in a real headless browser). Needs root or sudo; says what to do otherwise.
set -euo pipefail
need=()
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || need+=(redis-server)
if [ "${WITH_BROWSER:-1}" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || need+=(chromium)
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "[deps] installing Debian packages: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
  echo "[deps] please install as root: apt-get install ${need[*]}" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q >/dev/null
$sudo apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
# Debian starts a system-wide redis-server on install; we run our own private ones.
if [[ " ${need[*]} " == *" redis-server "* ]]; then
  ( $sudo systemctl disable --now redis-server >/dev/null 2>&1 || $sudo service redis-server stop >/dev/null 2>&1 ) || true
fi
echo "[deps] done"
