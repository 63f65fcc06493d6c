#!/usr/bin/env bash
# Prints the folder holding `prometheus` and `promtool` from Debian's `prometheus` package,
# unpacked into a cache folder (apt-get download + dpkg -x): no service is installed or started.
# Used by the rules' unit tests, the real-Prometheus test (npm test) and .ci/run.
#   PROMETHEUS_CACHE  where to unpack (default: <repo>/.cache/prometheus)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${PROMETHEUS_CACHE:-$root/.cache/prometheus}"
bin="$cache/usr/bin"
if [ -x "$bin/promtool" ] && [ -x "$bin/prometheus" ]; then
  echo "$bin"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
  echo "prometheus-tools: needs apt-get and dpkg (Debian or Ubuntu) to fetch Debian's prometheus package" >&2
  exit 1
fi
mkdir -p "$cache/deb"
cd "$cache/deb"
if ! apt-get download prometheus >&2 2>/dev/null; then
  # A fresh machine image may have no package lists yet.
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  echo "prometheus-tools: apt-get update, then download prometheus" >&2
  $sudo apt-get update -qq >&2
  apt-get download prometheus >&2
fi
deb="$(ls -t prometheus_*.deb | head -n 1)"
dpkg -x "$deb" "$cache"
rm -f "$cache"/deb/*.deb
"$bin/promtool" --version >&2
echo "$bin"
