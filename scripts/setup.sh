#!/usr/bin/env bash
# Sets up voice-guide on this machine: system sound and speech packages, then a virtual
# environment in .venv with the guide installed. Safe to run again; it only adds what is missing.
# Usage: scripts/setup.sh [--test]   (--test also installs what the tests need)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian/Ubuntu packages: espeak-ng speaks, portaudio lets Python use the microphone and
# speakers, sox and alsa/pulse tools let the tests play and record sound without hardware.
SYSTEM_PACKAGES=(espeak-ng libespeak-ng1 portaudio19-dev libasound2-plugins alsa-utils python3-venv python3-dev)
TEST_PACKAGES=(sox pulseaudio pulseaudio-utils)
want=("${SYSTEM_PACKAGES[@]}")
[ "${1:-}" = "--test" ] && want+=("${TEST_PACKAGES[@]}")

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "Not a Debian-like system: please install espeak-ng and PortAudio with your package manager."
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
extra=""
[ "${1:-}" = "--test" ] && extra="[test]"
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}"
