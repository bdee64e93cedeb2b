"""A loudspeaker that goes away while the guide speaks (unplugged, or the sound server gone): the
guide says so once, in plain words, and carries on with captions. Real PyAudio on a private
PulseAudio server, which is stopped while it plays."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.procs import readline
from tests.support.pulse import Pulse, missing, private_server
from voice.speaking.playback import LOST_SPEAKER

pytestmark = pytest.mark.skipif(bool(missing()), reason="needs pulseaudio and pulseaudio-utils (Debian)")

# Plays 2 s tones, one after another, telling the test each time; `lost` messages are printed.
PLAYER = """
import sys
from voice.speaking.playback import Player
from voice.types import Audio

player = Player(lost=lambda message: print("LOST", message, flush=True))
tone = Audio(bytes(2 * 16000 * 2), 16000)
for n in range(6):
    print("playing", n, flush=True)
    print("finished" if player.play(tone) else "stopped", n, flush=True)
player.close()
print("done", flush=True)
"""


@pytest.fixture
def pulse() -> Iterator[Pulse]:
    yield from private_server("speaker-lost-")


def test_a_loudspeaker_gone_while_speaking_is_said_once_and_the_guide_goes_on(pulse: Pulse) -> None:
    root = Path(__file__).resolve().parents[1]
    child = subprocess.Popen(
        [sys.executable, "-c", PLAYER],
        cwd=root,
        env={**pulse.env, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert readline(child.stdout, 20.0) == "playing 0"
    time.sleep(0.5)  # into the first sound
    pulse.close()  # the sound server goes away mid-sentence
    out, err = child.communicate(timeout=60)
    lines = out.splitlines()
    assert child.returncode == 0, f"the player died ({child.returncode}): {err[-600:]}"
    assert "Traceback" not in err, err[-1200:]
    assert [line for line in lines if line.startswith("LOST")] == [f"LOST {LOST_SPEAKER}"], lines
    assert lines[-1] == "done", lines
    finished = [line for line in lines if line.startswith(("finished", "stopped"))]
    assert finished == [f"finished {n}" for n in range(6)], f"a lost loudspeaker is not a stop by the user: {lines}"
