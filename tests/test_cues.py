"""The cues are audible, short, click-free and tell their meaning by pitch contour alone."""

from __future__ import annotations

import numpy as np
import pytest

from voice.speaking.cues import CUES, cue
from voice.types import Audio

FULL = 32767


def samples(audio: Audio) -> np.ndarray:
    return np.frombuffer(audio.pcm, dtype="<i2").astype(float)


def pitch(x: np.ndarray, rate: int) -> float:
    """Frequency estimated from sign changes; zero samples (silent gap, rounding) are skipped."""
    signs = np.sign(x[x != 0])
    crossings = np.count_nonzero(signs[1:] != signs[:-1])
    return crossings / 2 / (len(x) / rate)


def contour(name: str, rate: int = 22050) -> tuple[float, float]:
    x = samples(cue(name, rate))
    third = len(x) // 3
    return pitch(x[:third], rate), pitch(x[-third:], rate)


@pytest.mark.parametrize("name", CUES)
@pytest.mark.parametrize("rate", [16000, 22050, 44100])
def test_cue_is_short_audible_and_clean(name: str, rate: int) -> None:
    audio = cue(name, rate)
    x = samples(audio)
    assert audio.rate == rate
    assert 0.08 <= audio.seconds < 0.3
    peak = np.max(np.abs(x))
    assert 0.3 * FULL < peak < 0.5 * FULL  # pleasant: well below clipping
    assert peak < FULL
    edge = int(0.002 * rate)  # the first and last 2 ms must be near silence: no click
    assert np.max(np.abs(x[:edge])) < 0.1 * peak
    assert np.max(np.abs(x[-edge:])) < 0.02 * peak
    assert x[0] == 0 and abs(x[-1]) <= 1


def test_contours_differ() -> None:
    up_start, up_end = contour("listening")
    one_start, one_end = contour("got_it")
    down_start, down_end = contour("not_understood")
    assert up_end > up_start * 1.2  # rising
    assert down_end < down_start / 1.2  # falling
    assert abs(one_end - one_start) < 0.05 * one_start  # one steady note...
    assert one_start > max(up_start, up_end, down_start, down_end)  # ...higher than all the others
    # Each estimate is near the intended note, so the test measures what a listener hears.
    assert up_start == pytest.approx(659, rel=0.1) and up_end == pytest.approx(880, rel=0.1)
    assert down_start == pytest.approx(523, rel=0.1) and down_end == pytest.approx(392, rel=0.1)


def test_cached_and_unknown() -> None:
    assert cue("got_it") is cue("got_it")
    assert cue("got_it", 16000) is not cue("got_it")
    with pytest.raises(ValueError):
        cue("beep")
