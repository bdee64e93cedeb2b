"""ALSA's `file` plugin as microphone and loudspeaker, for a machine without a sound card.

The "microphone" reads raw s16le mono 16 kHz samples from a file and the "loudspeaker" writes what
is played to a file (see shared/notes/audio-without-hardware.md), so the real capture and playback
paths (PyAudio, SpeechRecognition) run unchanged. The plugin does not keep time: it is for what
happens, never for how long it takes (that is the PulseAudio rig's job).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

# The file plugin does not pace time: an output stream left open while the guide waits can
# write silence as fast as the disk takes it (tens of GB a minute). Every child gets a file-size
# cap, so a hang fails the test (SIGXFSZ) instead of filling the disk.
FILE_LIMIT = 64 * 1024 * 1024
NULL16K = 'pcm.null16k {\n  type plug\n  slave { pcm "null" ; rate 16000 ; channels 1 ; format S16_LE }\n}\n'


def asym(playback: str, capture: str, extra: str = "") -> str:
    """The default device: playback and capture through the named PCMs (defined in `extra`)."""
    return f'pcm.!default {{\n  type asym\n  playback.pcm "{playback}"\n  capture.pcm "{capture}"\n}}\n{extra}'


def to_file(played: Path) -> str:
    """`pcm.to_file`: what is played is written to `played`."""
    return f'pcm.to_file {{\n  type file\n  slave.pcm "null"\n  file "{played}"\n  format "raw"\n}}\n'


def from_file(mic: Path) -> str:
    """`pcm.from_file`: what the microphone hears is read from `mic` (/dev/zero: a quiet room)."""
    return (
        f'pcm.from_file {{\n  type file\n  slave.pcm "null16k"\n  file "/dev/null"\n'
        f'  infile "{mic}"\n  format "raw"\n}}\n{NULL16K}'
    )


def file_rig(mic: Path, played: Path) -> str:
    """The whole rig: the microphone reads `mic`, the loudspeaker writes `played`."""
    return asym("to_file", "from_file", to_file(played) + from_file(mic))


def limit_files() -> None:
    """For preexec_fn: no file the child writes may grow past FILE_LIMIT."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_LIMIT, FILE_LIMIT))


def env_for(conf_text: str, folder: Path, **extra: str) -> dict[str, str]:
    """An environment whose ALSA configuration adds `conf_text` (written into `folder`)."""
    conf = folder / "asound.conf"
    conf.write_text(conf_text, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "VOICE_GUIDE_DEBUG_AUDIO"}
    env["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{conf}"  # `null` comes from the system file
    env.update(extra)
    return env


def run_voice(
    conf_text: str, folder: Path, *args: str, stdin: str = "", timeout: float = 180
) -> subprocess.CompletedProcess:
    """`python -m voice ARGS` (e.g. run, check) with ALSA configured by `conf_text`."""
    return subprocess.run(
        [sys.executable, "-m", "voice", *args],
        input=stdin,
        env=env_for(conf_text, folder),
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=limit_files,
    )
