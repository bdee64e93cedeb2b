"""The guide's own voice taken out of what its microphone hears.

A laptop's microphone hears its loudspeaker. The guide knows what it played (voice.types.Played,
filled by playback), so each block the microphone captures goes through two steps before
anything else hears it:
1. acoustic echo cancellation, with what was playing as the reference: speexdsp's adaptive
   filter (an in-process library; see docs/developers.md for why this one);
2. a residual gate: what the filter leaves of the echo is still speech-like, so while the guide
   plays, a block only counts as sound when it is well above the residual the filter has been
   leaving lately; otherwise it is turned down to the room's own level. The person's voice,
   much louder than the residual, passes as it is.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import math
import os
import time
from collections import deque
from pathlib import Path
from types import ModuleType
from typing import Protocol

import numpy as np

from ..types import SAMPLE_RATE, EchoCanceller, Played
from .echodelay import DelayFinder

TAIL = 0.3  # seconds of echo the filter covers: device buffers, the room's reflections, jitter
LAG = 0.0  # seconds from writing a block to the loudspeaker to its echo, at the least (a
# device that had run dry plays a block at once)
AHEAD = 0.05  # the gate also looks this far past the block: a reference's clock can be a little late
MARGIN_DB = 6.0  # above the residual's recent peaks, a block is the person's voice, not echo
LEAK_START_DB = -12.0  # the residual assumed before the gate has learned the room
LEAK_FLOOR_DB = -60.0
CEILING_DB = -6.0  # a voice this close to the guide's own level always counts
HISTORY = 300  # echo blocks remembered (about 10 s of the guide speaking)
LEARNED = 30  # blocks heard before the gate trusts what it learned
PEAK = 0.98  # the share of echo blocks below the learned leak
HANG = 10  # blocks (about 0.3 s) that pass after the person's voice did: the quiet ends of words
DRIFT = 0.0003  # the sound card's clock against the computer's, at most (300 ppm)
JUMP = 0.08  # seconds: a later capture time than this means samples were lost (an overflow)
ACTIVE = 30.0  # RMS: quieter than this, the loudspeaker played nothing worth an echo
EARLY = 0.06  # seconds of the tail kept before the measured delay (echodelay.py), for jitter

NO_CANCELLER = (
    "Echo cancellation is off (speexdsp is not installed), so the guide may hear its own voice "
    "while it speaks: use headphones, or run scripts/setup.sh again."
)


class RawStream(Protocol):
    """SpeechRecognition's microphone stream (the members used here)."""

    def read(self, size: int) -> bytes: ...

    def close(self) -> None: ...


class SpeexCanceller:
    """speexdsp's echo canceller (MDF adaptive filter), 16 ms frames."""

    frame = 256

    def __init__(self, tail: float = TAIL) -> None:
        self._speex = _speex_module()  # optional: ImportError when missing
        self._state = self._speex.EchoCanceller_create(self.frame, int(tail * SAMPLE_RATE), SAMPLE_RATE, 1, 1)

    def cancel(self, heard: bytes, played: bytes) -> bytes:
        return self._speex.EchoCanceller_process(self._state, heard, played)


def _speex_module() -> ModuleType:
    """The binding's compiled module. Loaded directly: the Python wrapper PyPI's speexdsp ships
    (made by an old SWIG) imports `imp`, which Python 3.12 no longer has."""
    spec = importlib.util.find_spec("speexdsp")  # finds the package without running it
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for path in (p for folder in folders for p in sorted(Path(folder).glob("_speexdsp*.so"))):
        loader = importlib.machinery.ExtensionFileLoader("_speexdsp", str(path))
        found = importlib.util.spec_from_file_location("_speexdsp", str(path), loader=loader)
        if found is not None:
            module = importlib.util.module_from_spec(found)
            loader.exec_module(module)
            return module
    raise ImportError("speexdsp is not installed")


def make_canceller() -> tuple[EchoCanceller | None, str]:
    """The canceller, or None and the one-line notice why there is none (the residual gate
    still works without it)."""
    try:
        return SpeexCanceller(), ""
    except ImportError:
        return None, NO_CANCELLER


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0


class ResidualGate:
    """Learns how much of the loudest sound played comes back after cancellation (the leak), and
    says whether a block is more than that: the person's voice rather than the guide's echo."""

    def __init__(self) -> None:
        self.recent: deque[float] = deque(maxlen=HISTORY)  # echo blocks' level against what was played, dB
        self.hang = 0  # blocks still to pass after a voice

    @property
    def leak_db(self) -> float:
        """The residual's recent peaks (near the top of what echo blocks have measured)."""
        if len(self.recent) < LEARNED:
            return LEAK_START_DB
        ordered = sorted(self.recent)
        return max(LEAK_FLOOR_DB, ordered[int(PEAK * (len(ordered) - 1))])

    def passes(self, heard_rms: float, played_rms: float) -> bool:
        if played_rms < ACTIVE:
            return True  # nothing played: nothing to take for echo
        ratio_db = 20 * math.log10(max(heard_rms, 1.0) / played_rms)
        if ratio_db > min(CEILING_DB, self.leak_db + MARGIN_DB):
            self.hang = HANG
            return True  # the person's voice over the echo
        if self.hang:
            self.hang -= 1
            return True
        self.recent.append(ratio_db)
        return False


class EchoFilter:
    """Stands in for the microphone's stream: each block read comes out with the guide's echo
    cancelled, and what is left of it turned down to the room's level (`floor`, RMS)."""

    def __init__(self, stream: RawStream, played: Played, canceller: EchoCanceller | None, lag: float = LAG) -> None:
        self.stream = stream
        self.played = played
        self.canceller = canceller
        self.lag = lag
        self.gate = ResidualGate()
        self.finder = DelayFinder()  # how late the echo comes back
        self.floor = 0.0  # the room's own level, once calibrated
        # For the benchmark: while the guide played, the energy heard before and after
        # cancellation, the blocks heard and those turned down.
        self.energy_in = self.energy_out = 0.0
        self.removed: deque[float] = deque(maxlen=20000)  # dB taken out of each such block
        self.blocks = self.gated = 0
        self.count = 0  # samples read so far
        self.anchor = math.inf  # when sample 0 was captured, as the reads tell it
        self._anchored = 0.0
        self.ungated = b""  # the last block read, before the gate (lookback.py gives back a word's start)

    def read(self, size: int) -> bytes:
        raw = self.stream.read(size)
        heard = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2")
        captured = self._clock(len(heard))
        self.finder.hear(captured, heard)
        if (found := self.finder.measure(self.played)) is not None:
            self.lag = max(0.0, found - EARLY)
        start = captured - self.lag
        if self.played.last_end() < start - TAIL:
            self.ungated = raw
            return raw  # nothing played lately: the room as it is
        # The gate looks at what played from the tail before the measured delay up to a little
        # past the capture time itself: a delay measured wrong never hides the echo from it.
        window = self.played.read(start - TAIL, len(heard) + int((TAIL + self.lag + AHEAD) * SAMPLE_RATE))
        at = int(TAIL * SAMPLE_RATE)
        reference = window[at : at + len(heard)]
        out = self._cancel(heard, reference)
        self.ungated = out.astype("<i2").tobytes()
        loudest = max((_rms(window[i : i + 256]) for i in range(0, len(window), 256)), default=0.0)
        level = _rms(out)
        if loudest >= ACTIVE:
            self.blocks += 1
            energy_in = float(np.sum(heard.astype(np.float64) ** 2))
            self.energy_in += energy_in
            self.energy_out += level * level * len(out)
            self.removed.append(20 * math.log10(max(math.sqrt(energy_in / max(1, len(heard))), 1.0) / max(level, 1.0)))
        if not self.gate.passes(level, loudest):
            self.gated += 1
            if level > self.floor:
                out = (out * (self.floor / level)).astype(np.int16)
        return out.astype("<i2").tobytes()

    def _cancel(self, heard: np.ndarray, reference: np.ndarray) -> np.ndarray:
        out = heard.copy()
        if self.canceller is None:
            return out  # the gate alone
        frame = self.canceller.frame
        for i in range(0, len(heard) - frame + 1, frame):
            done = self.canceller.cancel(heard[i : i + frame].tobytes(), reference[i : i + frame].tobytes())
            out[i : i + frame] = np.frombuffer(done, dtype="<i2")
        return out

    def _clock(self, count: int) -> float:
        """When the block just read began, on a sample clock that runs without jitter: the
        canceller needs the reference to move on exactly as many samples as the microphone."""
        now = time.monotonic()
        captured = now - self._queued() / SAMPLE_RATE  # its last sample came in then
        self.count += count
        start = captured - self.count / SAMPLE_RATE  # when sample 0 came in, as this read tells it
        # The earliest such time is the truest (reads are late, never early); it may creep
        # later with the sound card's clock, and it jumps when samples were lost.
        allowed = self.anchor + DRIFT * (now - self._anchored)
        if start < allowed or start > self.anchor + JUMP:
            self.anchor, self._anchored = start, now
        elif start > self.anchor:
            self.anchor, self._anchored = allowed, now
        return self.anchor + (self.count - count) / SAMPLE_RATE

    def _queued(self) -> int:
        """Samples captured but not read yet: they came in after this block."""
        try:
            return int(self.stream.pyaudio_stream.get_read_available())  # type: ignore[attr-defined]
        except (AttributeError, OSError):
            return 0

    def figures(self) -> dict[str, float]:
        """What it did, for the benchmark: dB of echo cancelled (before the gate), blocks turned down."""
        removed = 10 * math.log10(self.energy_in / self.energy_out) if self.energy_out > 0 else 0.0
        return {
            "removed_db": removed,
            # The median block: mostly echo alone (the person's voice, not cancelled, is louder
            # and dominates the energy, but is heard in few blocks).
            "removed_median_db": float(np.median(self.removed)) if self.removed else 0.0,
            "energy_in": self.energy_in,
            "energy_out": self.energy_out,
            "blocks": self.blocks,
            "gated": self.gated,
            "delay_s": -1.0 if self.finder.delay is None else self.finder.delay,
            "sureness": self.finder.sureness,
        }

    def close(self) -> None:
        self.stream.close()


def echo_off() -> bool:
    """$VOICE_GUIDE_ECHO_CANCEL=off: the microphone as it is, echo and all (the benchmark compares)."""
    return os.environ.get("VOICE_GUIDE_ECHO_CANCEL") == "off"


def save_figures(echo: EchoFilter | None) -> None:
    """$VOICE_GUIDE_ECHO_FIGURES names a file for the benchmark: what the canceller did (a line
    of JSON per run)."""
    path = os.environ.get("VOICE_GUIDE_ECHO_FIGURES")
    if path and echo is not None:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(echo.figures()) + "\n")
