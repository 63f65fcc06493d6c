#!/usr/bin/env bash
# Prints the path of a `wrk` (HTTP load generator, Debian's package) that runs as it is: a `wrk`
# already on PATH, else Debian's wrk and the LuaJIT it links unpacked into a cache folder
# (apt-get download + dpkg -x, no root install) behind a small wrapper that points
# LD_LIBRARY_PATH there. Used by the benchmark (bench/wrk.ts); same pattern as prometheus-tools.sh.
#   WRK_CACHE  where to unpack (default: <repo>/.cache/wrk)
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  command -v wrk
  exit 0
fi
root="$(cd "$(dirname "$0")/.." && pwd)"
cache="${WRK_CACHE:-$root/.cache/wrk}"
wrapper="$cache/bin/wrk"
# `wrk -v` prints its version and usage and exits 1: it runs when the first line names it.
runs() { case "$("$1" -v 2>&1 || true)" in wrk\ *) return 0 ;; *) return 1 ;; esac; }
if [ -x "$wrapper" ] && runs "$wrapper"; then
  echo "$wrapper"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg >/dev/null 2>&1; then
  echo "wrk-tools: needs apt-get and dpkg (Debian or Ubuntu) to fetch Debian's wrk package" >&2
  exit 1
fi
# wrk links libluajit-5.1.so.2 and libssl.so.3; the machine has libssl (Node's own images do), seldom LuaJIT.
packages=(wrk libluajit-5.1-2)
mkdir -p "$cache/deb"
cd "$cache/deb"
if ! apt-get download "${packages[@]}" >&2 2>/dev/null; then
  # A fresh machine image may have no package lists yet.
  if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
  echo "wrk-tools: apt-get update, then download ${packages[*]}" >&2
  $sudo apt-get update -qq >&2
  apt-get download "${packages[@]}" >&2
fi
for deb in *.deb; do dpkg -x "$deb" "$cache"; done
rm -f "$cache"/deb/*.deb
libdir="$(dirname "$(find "$cache/usr/lib" -name 'libluajit-5.1.so.2*' | head -n 1)")"
mkdir -p "$cache/bin"
# Paths relative to the wrapper: the cache folder may be reached through another checkout's link.
cat >"$wrapper" <<EOF
#!/bin/sh
# Debian's wrk with the LuaJIT unpacked beside it (scripts/wrk-tools.sh).
cache="\$(cd "\$(dirname "\$0")/.." && pwd)"
LD_LIBRARY_PATH="\$cache/${libdir#"$cache"/}\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" exec "\$cache/usr/bin/wrk" "\$@"
EOF
chmod +x "$wrapper"
if ! runs "$wrapper"; then
  echo "wrk-tools: the unpacked wrk does not run:" >&2
  "$wrapper" -v >&2 || true
  exit 1
fi
echo "wrk-tools: $("$wrapper" -v 2>&1 | head -n 1 || true)" >&2
echo "$wrapper"
