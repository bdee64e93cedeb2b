"""The recogniser loads while the guide already speaks: the start does not wait for it, its first
use does, and a failure to load is said and raised, never swallowed."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from tests.support.speech import speak
from voice.content.pack import find_pack, load_pack
from voice.errors import GuideError
from voice.hearing.background import LoadingRecognizer, load_recognizer
from voice.hearing.engines import make_recognizer
from voice.hearing.wav import load_wav
from voice.types import Stream, Transcript
from voice.understanding.vocabulary import recognizer_phrases


class _Ready:
    name = "fake"
    description = "a stand-in recogniser"

    def transcribe(self, pcm: bytes) -> Transcript:
        return Transcript("next", 1.0, "fake")

    def stream(self) -> Stream:
        raise NotImplementedError  # not used here


def test_the_start_does_not_wait_for_the_load_but_the_first_use_does() -> None:
    release = threading.Event()
    notices: list[str] = []

    def slow() -> _Ready:
        release.wait(30)
        return _Ready()

    recognizer = load_recognizer(slow, notices.append, at_once=False)
    assert isinstance(recognizer, LoadingRecognizer) and notices == [], "returned while still loading"
    release.set()
    assert recognizer.transcribe(b"\0\0").text == "next"
    assert recognizer.description == "a stand-in recogniser"
    assert notices == ["Listening with a stand-in recogniser."]


def test_a_failed_load_is_said_at_once_and_raised_where_it_is_used() -> None:
    notices: list[str] = []

    def broken() -> _Ready:
        raise GuideError("The built-in speech recogniser could not start.")

    recognizer = load_recognizer(broken, notices.append, at_once=False)
    with pytest.raises(GuideError, match="could not start"):
        recognizer.stream()
    assert notices == ["The built-in speech recogniser could not start."]


def test_at_once_loads_before_returning_so_its_errors_stop_the_start() -> None:
    def missing() -> _Ready:
        raise GuideError("No Vosk speech model is installed.")

    with pytest.raises(GuideError, match="No Vosk"):
        load_recognizer(missing, print, at_once=True)
    notices: list[str] = []
    assert load_recognizer(_Ready, notices.append, at_once=True).name == "fake"
    assert notices == ["Listening with a stand-in recogniser."]


@pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")), reason="needs espeak-ng and sox")
def test_the_real_recogniser_loads_in_the_background_and_hears(tmp_path: Path) -> None:
    phrases = recognizer_phrases(load_pack(find_pack(None)))
    recognizer = load_recognizer(lambda: make_recognizer(phrases, "sphinx"), lambda _: None, at_once=False)
    question = speak("what are the symptoms", "en-us", 150, tmp_path / "q.wav")
    assert "symptom" in recognizer.transcribe(load_wav(question)).text
