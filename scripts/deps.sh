#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Installs the Debian packages vigil needs that are missing, and says nothing
# when all are present. `deps.sh build` covers building and running
# (libmicrohttpd with GnuTLS serves /metrics, libxcrypt checks bcrypt);
# `deps.sh test` adds what the tests drive (cmocka, tmux, jq, the sqlite3
# shell, curl and a Prometheus server scraping /metrics, perf as the
# profiler's oracle, go tool pprof reading vigil's pprof
# export, Node.js and a JDK for the leak
# verdicts against real garbage collectors, Prometheus (promtool) checking the
# /metrics exposition); `deps.sh bench` adds the peer
# tools make bench runs beside vigil; `deps.sh format` is clang-format for CI. Idempotent: a second run does no work.
set -eu

build_pkgs="gcc make libc6-dev pkg-config libncurses-dev libproc2-dev libunwind-dev libsqlite3-dev libiberty-dev zlib1g-dev libmicrohttpd-dev libgnutls28-dev libcrypt-dev"
test_pkgs="libcmocka-dev tmux jq procps sqlite3 linux-perf binutils nodejs openjdk-17-jdk-headless golang-go curl prometheus"
# peers that make bench compares against (atop only here: on a systemd host
# its package also starts a logging service, which tests have no need for)
bench_pkgs="htop atop"
# what CI's format check runs
format_pkgs="clang-format"

case "${1:-build}" in
  build) want=$build_pkgs ;;
  test)  want="$build_pkgs $test_pkgs" ;;
  bench) want="$build_pkgs $test_pkgs $bench_pkgs" ;;
  format) want=$format_pkgs ;;
  *) echo "usage: scripts/deps.sh build|test|bench|format" >&2; exit 2 ;;
esac

missing=""
for p in $want; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "vigil: missing Debian packages:$missing (run as root: apt-get install$missing)" >&2
  exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# An old or absent package list cannot find libproc2-dev: refresh it once.
$sudo apt-get update -qq >&2
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >&2
