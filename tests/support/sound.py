"""Reading recorded sound: which 10 ms windows are loud, which stretches are the guide's chimes,
and where the speech is in a WAV file. Shared by the real-time tests and the benchmarks."""

from __future__ import annotations

import wave
from pathlib import Path
from typing import NamedTuple

import numpy as np

RATE = 16000  # every recording: s16le mono 16 kHz, so a sample position is a time
WIN = 160  # 10 ms analysis windows
LOUD = 300  # a peak above this (about -40 dBFS) is audible; null sinks give exact zeros otherwise
# The cues are pure sine notes at these pitches (voice/speaking/cues.py); speech is broadband.
CUE_PITCHES = (392.0, 523.25, 659.25, 880.0, 1046.5)
TONE_SHARE = 0.7  # a 40 ms frame with this much of its energy at one cue pitch is tonal


class Segment(NamedTuple):
    """A stretch of sound: monotonic begin and end, and whether it is one of the guide's chimes."""

    begin: float
    end: float
    cue: bool


def loud_windows(pcm: np.ndarray) -> bytes:
    """One flag (0 or 1) per whole 10 ms window of s16 samples: 1 when its peak is audible."""
    whole = len(pcm) // WIN * WIN
    windows = np.abs(pcm[:whole].astype(np.int32)).reshape(-1, WIN)
    return (windows.max(axis=1) > LOUD).astype(np.uint8).tobytes()


def chimes(pcm: np.ndarray, flags: bytes) -> list[bool]:
    """Per 10 ms window: part of a chime (sine notes of 0.10 s or more at CUE_PITCHES)?

    A window is tonal when a 40 ms frame around it has TONE_SHARE of its energy within 40 Hz of
    one cue pitch; speech spreads its energy over many harmonics and formants. Only runs of 80 ms
    or more of tonal windows count, so a voiced sound that is briefly tone-like stays speech.
    (The mask may cover 20 ms of speech next to a chime: negligible against a sentence.)
    """
    count = len(flags)
    tonal = np.zeros(count, dtype=bool)
    frame = 4 * WIN
    taper = np.hanning(frame)
    freqs = np.fft.rfftfreq(frame, 1 / RATE)
    bands = [np.abs(freqs - pitch) <= 40 for pitch in CUE_PITCHES]
    samples = pcm.astype(np.float64)
    for i in range(count):
        if not flags[i]:
            continue
        a = min(max(0, i * WIN - (frame - WIN) // 2), max(0, len(samples) - frame))
        piece = samples[a : a + frame]
        if len(piece) < frame:
            continue
        spectrum = np.abs(np.fft.rfft(piece * taper)) ** 2
        total = max(float(spectrum.sum()), 1e-9)
        tonal[i] = max(float(spectrum[band].sum()) for band in bands) / total >= TONE_SHARE
    chime = [False] * count
    i = 0
    while i < count:
        if not tonal[i]:
            i += 1
            continue
        j = i
        while j < count and tonal[j]:
            j += 1
        if j - i >= 8:
            # The 20 ms either side too: a frame over a note's attack or release is not clean.
            chime[max(0, i - 2) : j + 2] = [True] * (min(count, j + 2) - max(0, i - 2))
        i = j
    return chime


def runs(flags: bytes, chime: list[bool]) -> list[tuple[int, int, bool]]:
    """Stretches of loud windows as (first, past-the-end, is_chime); gaps up to 30 ms are joined.

    A chime and speech that follow each other without a pause are told apart window by window.
    """
    out: list[list] = []
    for i, flag in enumerate(flags):
        if not flag:
            continue
        if out and out[-1][2] == chime[i] and i - out[-1][1] <= 3:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1, chime[i]])
    return [(a, b, bool(c)) for a, b, c in out]


def voice_seconds(segments: list[Segment]) -> float:
    """How long the guide's voice (not its chimes) sounds in these stretches."""
    return sum(s.end - s.begin for s in segments if not s.cue)


def describe(segments: list[Segment], origin: float) -> str:
    return ", ".join(
        f"{'cue' if s.cue else 'speech'} {s.begin - origin:+.3f}..{s.end - origin:+.3f} s" for s in segments
    )


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2"), wav.getframerate()


def speech_span(path: Path) -> tuple[float, float]:
    """First and last loud sample of a WAV, in seconds from its start."""
    pcm, rate = read_wav(path)
    loud = np.flatnonzero(np.abs(pcm.astype(np.int32)) > LOUD)
    if not len(loud):
        return 0.0, 0.0
    return int(loud[0]) / rate, (int(loud[-1]) + 1) / rate


def wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()
