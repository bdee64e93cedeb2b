"""PocketSphinx, built in: every word it may hear has a pronunciation, and it decodes for real."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.speech import speak
from voice.content.pack import Pack
from voice.hearing.engines import make_recognizer
from voice.hearing.pronounce import PHONES
from voice.hearing.sphinx_engine import (
    SphinxRecognizer,
    cache_dir,
    grammar_words,
    model_files,
    speech_bounds,
    trim_silence,
)
from voice.hearing.wav import load_wav
from voice.understanding.vocabulary import guide_phrases, recognizer_phrases


def test_every_word_of_every_phrase_has_a_pronunciation(pack: Pack) -> None:
    gram, _, dic = model_files(recognizer_phrases(pack), cache_dir() / "sphinx")
    entries: dict[str, list[str]] = {}
    for line in dic.read_text().splitlines():
        word, *phones = line.split()
        entries.setdefault(re.sub(r"\(\d+\)$", "", word), []).append(" ".join(phones))
    words = {w for p in guide_phrases(pack) for w in p.split()} | set(grammar_words(gram.read_text()).split())
    missing = sorted(words - set(entries))
    assert not missing, missing
    for word in (
        "herniated",
        "sciatica",
        "laminectomy",
        "foraminotomy",
        "laminotomy",
        "microdiscectomy",
        "interspinous",
        "hf",
    ):
        assert word in entries and all(set(p.split()) <= PHONES for p in entries[word]), word


def test_auto_without_a_vosk_or_moonshine_model_is_pocketsphinx(
    pack: Pack, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("voice.hearing.moonshine_engine.model_folder", lambda: None)
    monkeypatch.setenv("VOSK_MODEL_PATH", str(tmp_path))
    monkeypatch.setattr("voice.hearing.models.PROJECT_MODELS", tmp_path)
    monkeypatch.setattr("voice.hearing.models.user_models_dir", lambda: tmp_path)
    recognizer = make_recognizer(recognizer_phrases(pack), "auto")
    assert recognizer.name == "sphinx" and "PocketSphinx" in recognizer.description


@pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")), reason="needs espeak-ng and sox")
def test_decodes_a_question_whole_and_streamed(pack: Pack, tmp_path: Path) -> None:
    raw, wav = tmp_path / "raw.wav", tmp_path / "q.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), "what causes leg pain"], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", str(wav), "pad", "0.5", "0.5"], check=True)
    pcm = load_wav(wav)
    recognizer = SphinxRecognizer(recognizer_phrases(pack))
    assert recognizer.transcribe(pcm).text == "what causes leg pain"
    stream = recognizer.stream()
    partials = [stream.accept(pcm[i : i + 3200]) for i in range(0, len(pcm), 3200)]
    assert any(partials) and stream.finish().text == "what causes leg pain"
    assert recognizer.transcribe(b"\0\0" * 16000).text == ""  # silence is heard as nothing


@pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")), reason="needs espeak-ng and sox")
def test_a_short_word_in_long_quiet_is_heard_and_a_pause_result_is_kept(pack: Pack, tmp_path: Path) -> None:
    pcm = load_wav(speak("next", "en-us", 150, tmp_path / "next.wav", pad=2.0))
    start, end = speech_bounds(pcm) or (0, 0)
    assert 1.9 < start / 32000 < 2.2 and 0.1 < (end - start) / 32000 < 0.8  # only the word is loud
    assert len(trim_silence(pcm) or b"") < len(pcm) / 3 and trim_silence(bytes(32000)) is None
    recognizer = SphinxRecognizer(recognizer_phrases(pack))
    assert recognizer.transcribe(pcm).text == "next"  # whole, 4 s of quiet around one word
    stream = recognizer.stream()
    pause = end + 3200  # 0.1 s after the word
    for piece in range(0, pause, 1024):
        stream.accept(pcm[piece : min(piece + 1024, pause)])
    settled = stream.settle()
    for piece in range(pause, len(pcm), 1024):
        stream.accept(pcm[piece : piece + 1024])
    # Only quiet came after the pause: the transcript worked out then is the final one.
    assert settled.text == "next" and stream.finish() is settled
    assert settled.open_text and 0.0 <= settled.confidence <= 1.0  # heard the open way too
