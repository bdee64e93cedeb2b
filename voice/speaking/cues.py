"""Short sounds made by the program itself, so a listener who cannot see the screen knows what the guide is doing.

Each cue is a sine chime with a different pitch contour, so they can be told apart by ear alone:
  listening       a soft rising two-note chime (the guide is now listening)
  got_it          one short, gentle, higher note (heard you)
  not_understood  a soft falling two-note chime (did not catch that)
"""

from __future__ import annotations

import functools

import numpy as np

from ..types import Audio

CUES = ("listening", "got_it", "not_understood")

_PEAK = 0.4  # of full scale: clearly audible next to speech, but never startling
_ATTACK = 0.012  # seconds; a raised-cosine rise this long is too short to hear as a fade, long enough to avoid a click
_RELEASE = 0.025  # seconds; the tail is tapered to exactly zero so the cue never ends in a click
_GAP = 0.02  # seconds of silence between two notes, so they sound like two distinct notes

# (frequency in Hz, seconds) for each note; pitches are from a major chord, so every cue sounds friendly.
_NOTES: dict[str, tuple[tuple[float, float], ...]] = {
    "listening": ((659.25, 0.10), (880.0, 0.11)),  # E5 then A5: up
    "got_it": ((1046.5, 0.12),),  # C6: one short higher note
    "not_understood": ((523.25, 0.11), (392.0, 0.13)),  # C5 then G4: down, lower and a little longer
}


def _note(freq: float, seconds: float, rate: int) -> np.ndarray:
    """One sine note with a smooth rise and a bell-like decay that ends at zero."""
    n = int(round(seconds * rate))
    t = np.arange(n) / rate
    env = np.exp(-t / (seconds * 0.45))  # gentle decay, like a struck chime
    attack = min(n, int(_ATTACK * rate))
    env[:attack] *= 0.5 - 0.5 * np.cos(np.pi * np.arange(attack) / attack)
    release = min(n, int(_RELEASE * rate))
    env[n - release :] *= 0.5 + 0.5 * np.cos(np.pi * np.arange(1, release + 1) / release)
    return np.sin(2 * np.pi * freq * t) * env


@functools.lru_cache(maxsize=32)  # 3 cues at a few sample rates
def cue(name: str, rate: int = 22050) -> Audio:
    """The 16-bit mono Audio for one of CUES; made once per (name, rate) and then reused."""
    if name not in _NOTES:
        raise ValueError(f"unknown cue {name!r}; choose one of {', '.join(CUES)}")
    gap = np.zeros(int(_GAP * rate))
    parts: list[np.ndarray] = []
    for i, (freq, seconds) in enumerate(_NOTES[name]):
        if i:
            parts.append(gap)
        parts.append(_note(freq, seconds, rate))
    wave = np.concatenate(parts)
    wave *= _PEAK / np.max(np.abs(wave))
    pcm = np.round(wave * 32767).astype("<i2").tobytes()
    return Audio(pcm=pcm, rate=rate)
