#!/usr/bin/env bash
# Sets voice-guide up once: the system's speech and sound packages, a virtual environment in
# .venv with the guide in it, and the `voice-guide` command in ~/.local/bin. Needs the internet.
# Safe to run again: it only adds what is missing, and says what it did.
#
#   scripts/setup.sh           what a user needs to run the guide
#   scripts/setup.sh --test    also what the tests need (sox, PulseAudio, pytest, ruff, a Vosk test model)
#   scripts/setup.sh --check   offline and quiet: exit 0 if the set-up is complete and current, else 1
#
# "Current" means .venv/voice-guide-setup (the stamp written at the end) holds the checksums of
# pyproject.toml and of this file as they are now: a change to either (e.g. after `git pull`)
# asks for the set-up to run again; anything else starts straight away, with no network.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
VENV=$ROOT/.venv
STAMP=$VENV/voice-guide-setup

mode=plain
case "${1:-}" in
  --test) mode=test ;;
  --check) mode=check ;;
  "") ;;
  *) echo "usage: scripts/setup.sh [--test|--check [--test]]" >&2; exit 2 ;;
esac

fingerprint() {
  (cd "$ROOT" && sha256sum pyproject.toml scripts/setup.sh) | cut -d' ' -f1 | paste -sd' '
}

# The stamp's second line says which set-up it was: "test" includes everything "plain" has.
current() {  # current [--test]
  [ -x "$VENV/bin/python" ] && [ -x "$VENV/bin/voice-guide" ] && [ -f "$STAMP" ] || return 1
  [ "$(sed -n 1p "$STAMP")" = "$(fingerprint)" ] || return 1
  [ "${1:-}" != --test ] || [ "$(sed -n 2p "$STAMP")" = test ]
}

if [ "$mode" = check ]; then
  current "${2:-}"
  exit
fi

started=$SECONDS

# --- system packages (Debian, Ubuntu and their relatives) -------------------------------------
# espeak-ng is the voice; PortAudio reaches the microphone and loudspeaker; gcc and the -dev
# packages build PyAudio, which PyPI ships only as source for Linux; python3-venv makes the
# virtual environment. (A desktop's sound server already brings ALSA's plugin for itself.)
# libspeexdsp is the echo canceller (the guide hears its own loudspeaker otherwise); PyPI's
# speexdsp binding is built from source with swig and g++ against libspeexdsp-dev.
SYSTEM_PACKAGES=(espeak-ng libespeak-ng1 libportaudio2 portaudio19-dev python3-venv python3-dev gcc libc6-dev
  libspeexdsp1 libspeexdsp-dev swig g++)
# Only the tests: sox and espeak-ng make test speech, PulseAudio null sinks (reached through
# libasound2-plugins' ALSA device) stand in for a sound card, desktop-file-validate checks the
# launcher's menu entry; flite and festival (kal and slt) are the test voices set
# aside, never tuned on, and festvox-kdlpc16k a third tuned voice (tests/support/voices.py).
TEST_PACKAGES=(sox pulseaudio pulseaudio-utils libasound2-plugins alsa-utils desktop-file-utils
  flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts)
want=("${SYSTEM_PACKAGES[@]}")
[ "$mode" = test ] && want+=("${TEST_PACKAGES[@]}")

if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing[*]}"
    sudo=()
    if [ "$(id -u)" -ne 0 ]; then
      if ! command -v sudo >/dev/null 2>&1; then
        echo "Installing system packages needs an administrator. Ask one to run:" >&2
        echo "  apt-get install ${missing[*]}" >&2
        exit 1
      fi
      echo "(Your password is asked for, because installing system packages needs an administrator.)"
      sudo=(sudo)
    fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "This is not a Debian-like system: install espeak-ng, PortAudio (with its headers), gcc and" >&2
  echo "Python's venv module with your package manager, then run this again." >&2
fi

# --- the virtual environment and the guide ----------------------------------------------------
PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "voice-guide needs Python 3.10 or newer ('$PYTHON' is missing or older)." >&2
  exit 1
fi
if ! "$VENV/bin/python" -c '' 2>/dev/null; then  # missing, or its Python was upgraded away
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
  # Once, here: the pip a venv starts with is often old (it builds some packages the deprecated way).
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
fi
extras=""
[ "$mode" = test ] && extras="[test]"
echo "Installing the guide's Python packages into $VENV (a few minutes the first time)..."
rm -f "$STAMP"  # a failed install must not look current
# PYTHONWARNINGS: setuptools prints a boxed warning about editable installs that a caregiver
# cannot act on; errors still show.
PYTHONWARNINGS=ignore "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT$extras"
# Moonshine's model is unpacked once (a few seconds) into the cache, so the first start is quick.
"$VENV/bin/python" -c "from voice.hearing.moonshine_engine import prepare; prepare()" ||
  echo "The Moonshine speech model could not be prepared; the guide will hear with PocketSphinx." >&2
{ fingerprint; echo "$mode"; } >"$STAMP"

# --- the voice-guide command on the PATH, as pipx does it: a link in ~/.local/bin ---------------
BIN=$HOME/.local/bin
mkdir -p "$BIN"
if [ -e "$BIN/voice-guide" ] && [ ! -L "$BIN/voice-guide" ]; then
  echo "Left $BIN/voice-guide alone (it is not a link made by this set-up); use $VENV/bin/voice-guide." >&2
else
  ln -sfn "$VENV/bin/voice-guide" "$BIN/voice-guide"
fi
case ":$PATH:" in
  *":$BIN:"*) ;;
  *)
    # Debian's and Ubuntu's ~/.profile add ~/.local/bin only at the next log-in, and only if it
    # existed then; a line in ~/.bashrc makes every new terminal window find the command.
    if [ "${CI:-}" != true ] && ! grep -qs ">>> voice-guide >>>" "$HOME/.bashrc"; then
      cat >>"$HOME/.bashrc" <<'EOF'
# >>> voice-guide >>> (added by voice-guide's set-up; `voice-guide uninstall` removes it)
case ":$PATH:" in *":$HOME/.local/bin:"*) ;; *) PATH="$HOME/.local/bin:$PATH" ;; esac
# <<< voice-guide <<<
EOF
      echo "Added ~/.local/bin to the command path in ~/.bashrc."
    fi
    echo "Open a new terminal window to use the voice-guide command."
    ;;
esac

echo "Set-up finished in $((SECONDS - started)) s."

# --- asked once: a menu entry, and starting at log-in ---------------------------------------------
if [ "$mode" = plain ] && [ -t 0 ] && [ -t 1 ] && [ "${CI:-}" != true ] && [ ! -e "$VENV/voice-guide-asked" ]; then
  "$VENV/bin/voice-guide" install-launcher --ask || true
  touch "$VENV/voice-guide-asked"
fi
