"""The quiet start of a word is kept: across the short slices the guide listens in, and under
the echo gate while the guide speaks. Real SpeechRecognition listening and the real echo filter;
only the microphone is a stream of samples made here."""

from __future__ import annotations

import numpy as np
import pytest
import speech_recognition as sr

from tests.test_echo import Mic
from voice.hearing import lookback
from voice.hearing.echo import EchoFilter
from voice.hearing.lookback import Lookback
from voice.hearing.microphone import Microphone
from voice.loop.listening import SLICE
from voice.types import SAMPLE_RATE, Played

CHUNK = 512  # as the guide opens the microphone: 32 ms blocks


class Source(sr.AudioSource):
    """An opened microphone, as SpeechRecognition sees one."""

    def __init__(self, stream: Lookback) -> None:
        self.stream = stream
        self.CHUNK, self.SAMPLE_RATE, self.SAMPLE_WIDTH = CHUNK, SAMPLE_RATE, 2


def microphone(stream: Mic | EchoFilter) -> Microphone:
    """The guide's microphone, listening to `stream` through its lookback, with a fixed
    speech threshold so that when an utterance starts does not depend on adaptation."""
    mic = Microphone()
    mic.lookback = Lookback(stream, 11, stream if isinstance(stream, EchoFilter) else None)
    mic.source = Source(mic.lookback)
    mic.recognizer.dynamic_energy_threshold = False
    mic.recognizer.energy_threshold = 1000
    return mic


def blocks(*levels: float, seed: int = 0) -> np.ndarray:
    """One 32 ms block of noise at each RMS level."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.standard_normal(CHUNK) * level for level in levels])


def first_utterance(mic: Microphone, slice_seconds: float) -> tuple[bytes, int]:
    """Listen in slices, as the guide does while it speaks, until an utterance is heard: its
    audio, and the slices that heard nothing."""
    for empty in range(100):
        audio = b"".join(mic.phrase(slice_seconds, 5.0))
        if audio:
            return audio, empty
    raise AssertionError("no utterance was heard")


def test_a_words_start_in_the_slice_before_is_kept() -> None:
    # 9 blocks fit in a slice; the word's quiet start (3 blocks under the threshold) falls at
    # the end of the 4th slice, and its loud part in the 5th.
    onset = blocks(300, 400, 500, seed=1)
    word = np.concatenate([onset, blocks(*[3000] * 8, seed=2)])
    pcm = np.concatenate([np.zeros(33 * CHUNK), word, np.zeros(20 * CHUNK)]).astype("<i2")
    mic = microphone(Mic(pcm.tobytes()))
    audio, empty = first_utterance(mic, SLICE)
    assert empty == 4, "the loud part was meant to come in the 5th slice"
    assert onset.astype("<i2").tobytes() in audio, "the start of the word was lost at the slice boundary"
    # Nothing is heard twice: the audio is the word and the quiet around it, once.
    assert audio.count(onset.astype("<i2").tobytes()) == 1


def test_what_came_long_before_is_not_given_again(monkeypatch: pytest.MonkeyPatch) -> None:
    mic = microphone(Mic(blocks(200, 200, 200, 200).astype("<i2").tobytes()))
    assert b"".join(mic.phrase(0.1, 5.0)) == b""  # nothing began
    assert mic.lookback.start() > 0  # the next listen at once is given these blocks again
    mic.lookback.rewound_at -= lookback.STALE + 0.1  # ... but not one that starts much later
    assert mic.lookback.start() == 0


def test_a_words_start_turned_down_by_the_echo_gate_is_given_back() -> None:
    played = Played()
    reference = blocks(*[8000] * 80, seed=3)
    played.add(reference.astype("<i2").tobytes(), SAMPLE_RATE)  # the guide starts speaking now
    # The laptop's microphone: the guide's echo at -34 dB, then the person's word, whose quiet
    # start is below what the gate lets through over that echo.
    heard = reference * 0.02
    onset = blocks(250, 250, 250, seed=4)
    heard[50 * CHUNK : 53 * CHUNK] += onset
    heard[53 * CHUNK : 61 * CHUNK] += blocks(*[3000] * 8, seed=5)
    echo = EchoFilter(Mic(heard.astype("<i2").tobytes()), played, canceller=None)
    echo.floor = 10.0
    mic = microphone(echo)
    audio, _ = first_utterance(mic, 1.0)
    start = np.frombuffer(audio, dtype="<i2").astype(float)
    levels = [float(np.sqrt(np.mean(start[i : i + CHUNK] ** 2))) for i in range(0, len(start), CHUNK)]
    assert echo.gated >= 40, "the echo alone was meant to be turned down"
    loud = next(i for i, level in enumerate(levels) if level > 1000)
    assert all(level > 150 for level in levels[loud - 3 : loud]), f"the word's start stayed turned down: {levels}"
    # Further back it is the echo, still turned down to the room's level.
    assert all(level < 20 for level in levels[: loud - 3]), f"the echo before the word came back: {levels}"
