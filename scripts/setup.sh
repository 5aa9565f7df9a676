#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian 12 machine: the C libraries behind image and
# video decoding, and the Python packages that produce reference outputs for the tests. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(pkg-config libjpeg62-turbo-dev libwebp-dev libgif-dev
  libavformat-dev libavcodec-dev libswscale-dev libavutil-dev ffmpeg)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 -c "import sys; sys.exit(0 if open('scripts/requirements-test.txt').read() == open('.fixtures/.requirements-installed').read() else 1)" 2>/dev/null; then
  echo "setup: installing Python test tools (scripts/requirements-test.txt)"
  python3 -m pip install -q --disable-pip-version-check -r scripts/requirements-test.txt
  mkdir -p .fixtures && cp scripts/requirements-test.txt .fixtures/.requirements-installed
fi
