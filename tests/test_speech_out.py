"""The spoken answer, for real: pyttsx3 (espeak-ng) synthesis, saved to WAV and heard back."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import pytest
import speech_recognition as sr

from voice.content.pack import Pack
from voice.conversation.session import Session
from voice.conversation.settings import Settings
from voice.hearing.levels import rms
from voice.hearing.sphinx_engine import SphinxRecognizer
from voice.hearing.wav import load_wav
from voice.speaking.speaker import Voice
from voice.speaking.synthesis import Synthesizer, sentences
from voice.understanding.router import Router
from voice.understanding.vocabulary import recognizer_phrases

pytestmark = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="pyttsx3 speaks with espeak-ng")


@pytest.fixture(scope="module")
def synthesizer() -> Synthesizer:
    return Synthesizer()


def test_sentences_split_where_speech_may_stop() -> None:
    assert sentences("Causes. Some common causes: a, b. Say next!") == [
        "Causes.",
        "Some common causes:",
        "a, b.",
        "Say next!",
    ]


def test_saved_reply_is_speech_of_the_right_length(
    pack: Pack, router: Router, synthesizer: Synthesizer, tmp_path: Path
) -> None:
    reply = Session(pack, router).handle("spinal stenosis")
    settings = Settings(rate=150)
    assert Voice(synthesizer, None, tmp_path).speak(reply.text, settings)
    [saved] = list(tmp_path.glob("*.wav"))
    with wave.open(str(saved)) as wav:
        seconds = wav.getnframes() / wav.getframerate()
        pcm = wav.readframes(wav.getnframes())
    words = len(reply.text.split())
    expected = words / settings.rate * 60
    assert 0.6 * expected < seconds < 1.6 * expected, (seconds, expected)
    assert rms(pcm) > 500  # speech, not silence
    # Heard back by the guide's own recogniser, the name in its heading is understood.
    name = next(s for s in sentences(reply.text) if "stenosis" in s.lower())
    first = synthesizer.synthesize(name, settings)
    heard = (
        SphinxRecognizer(recognizer_phrases(pack))
        .transcribe(sr.AudioData(first.pcm, first.rate, 2).get_raw_data(convert_rate=16000))
        .text
    )
    assert router.route(heard).target == "spinal-stenosis", heard


def test_rate_changes_the_length(synthesizer: Synthesizer) -> None:
    text = "The expanding uterus puts pressure on the sciatic nerve."
    slow = synthesizer.synthesize(text, Settings(rate=100)).seconds
    fast = synthesizer.synthesize(text, Settings(rate=200)).seconds
    assert slow > 1.5 * fast


def test_volume_changes_the_level(synthesizer: Synthesizer) -> None:
    text = "Speaking more quietly."
    loud = rms(synthesizer.synthesize(text, Settings(volume=1.0)).pcm)
    quiet = rms(synthesizer.synthesize(text, Settings(volume=0.3)).pcm)
    assert quiet < 0.6 * loud


def test_saved_audio_reads_back_as_a_question_would(synthesizer: Synthesizer, tmp_path: Path) -> None:
    path = tmp_path / "reply.wav"
    path.write_bytes(synthesizer.synthesize("Goodbye. Take care.", Settings()).wav_bytes())
    assert len(load_wav(path)) > 16000  # more than half a second at 16 kHz
