#!/usr/bin/env bash
# The whole suite: installs the real programs the integration tests start (redis-server, and
# Prometheus with promtool) when they are missing, then runs jest.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
{ command -v prometheus && command -v promtool; } >/dev/null 2>&1 || need+=(prometheus)

if ((${#need[@]})); then
  if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
    echo "npm test needs: ${need[*]} (Debian packages). Install them, e.g. sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "Installing test dependencies: ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

exec jest "$@"
