#!/usr/bin/env python3
"""How long a start takes, from the command to the guide's first word (a benchmark, not a test).

  scripts/bench_start.py [--runs N] [--start CMD]   (default CMD: this folder's scripts/start)

- spoken: `CMD run` through ALSA's file plugin (shared/notes/audio-without-hardware.md) in place of
  a sound card, until the first non-silent sample is written to the "loudspeaker";
- typed: `CMD chat` until its first line ("Guide: Welcome ...").
Run it under `unshare -n` to show that no start touches the network.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RIG = """pcm.!default {{ type asym playback.pcm "to_file" capture.pcm "from_file" }}
pcm.to_file {{ type file slave.pcm "null" file "{played}" format "raw" }}
pcm.from_file {{ type file slave.pcm "null16k" file "/dev/null" infile "{mic}" format "raw" }}
pcm.null16k {{ type plug slave {{ pcm "null" rate 16000 channels 1 format S16_LE }} }}
"""


def _spoken(start: list[str], folder: Path) -> float:
    """Seconds from starting `run` to the first sound it plays."""
    played, mic, conf = folder / "played.raw", folder / "mic.raw", folder / "rig.conf"
    played.unlink(missing_ok=True)
    mic.write_bytes(bytes(16000 * 2 * 60))  # a quiet room, a minute of it
    conf.write_text(RIG.format(played=played, mic=mic))
    env = {**os.environ, "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{conf}"}
    env["VOICE_GUIDE_CONFIG_DIR"] = env["VOICE_GUIDE_STATE_DIR"] = str(folder / "user")
    began = time.monotonic()
    guide = subprocess.Popen(
        [*start, "run"], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        while time.monotonic() - began < 60:
            if played.exists() and played.stat().st_size >= 2:
                samples = array("h", played.read_bytes()[: played.stat().st_size // 2 * 2])
                if any(abs(s) > 300 for s in samples):
                    return time.monotonic() - began
            if guide.poll() is not None:
                raise SystemExit(f"`{' '.join(start)} run` ended before it spoke (exit {guide.returncode})")
            time.sleep(0.01)
        raise SystemExit("no sound within 60 s")
    finally:
        guide.kill()
        guide.wait()


def _typed(start: list[str], folder: Path) -> float:
    env = {**os.environ, "VOICE_GUIDE_CONFIG_DIR": str(folder / "user"), "VOICE_GUIDE_STATE_DIR": str(folder / "user")}
    began = time.monotonic()
    with subprocess.Popen([*start, "chat"], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as chat:
        assert chat.stdout is not None
        first = chat.stdout.readline()
        took = time.monotonic() - began
        chat.kill()
    if not first.startswith("Guide:"):
        raise SystemExit(f"chat said {first!r} first")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--start", default=str(ROOT / "scripts" / "start"), help="the start command")
    args = parser.parse_args()
    start = args.start.split()
    with tempfile.TemporaryDirectory() as scratch:
        measures = (("spoken (run, to the first sound)", _spoken), ("typed (chat, to the first line)", _typed))
        for name, measure in measures:
            times = [measure(start, Path(scratch)) for _ in range(args.runs)]
            print(
                f"{name}: median {statistics.median(times):.2f} s, slowest {max(times):.2f} s over {len(times)} starts",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
