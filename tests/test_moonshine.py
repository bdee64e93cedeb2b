"""Moonshine, installed from PyPI: its model is found, unpacked once, and hears for real."""

from __future__ import annotations

import shutil
from pathlib import Path

import onnx
import pytest

from tests.support.speech import speak
from voice.content.pack import Pack
from voice.conversation.session import Session
from voice.errors import ModelError
from voice.hearing import moonshine_engine
from voice.hearing.engines import make_recognizer
from voice.hearing.moonshine_engine import MoonshineRecognizer, model_folder, read_tokens, words_of
from voice.hearing.wav import load_wav
from voice.understanding.heard import clear_request, judge
from voice.understanding.router import Router
from voice.understanding.vocabulary import recognizer_phrases

FOLDER = model_folder()
needs_model = pytest.mark.skipif(FOLDER is None, reason="moonshine-cpp is not installed (x86-64 only)")
needs_voice = pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("sox")), reason="needs espeak-ng, sox")


@pytest.fixture(scope="module")
def recognizer(pack: Pack) -> MoonshineRecognizer:
    assert FOLDER is not None
    return MoonshineRecognizer(recognizer_phrases(pack), FOLDER)


def test_words_are_written_as_the_grammar_writes_them() -> None:
    assert words_of("What can I do about it?") == "what can i do about it"
    assert words_of("  It's my leg -- the left one.") == "it's my leg the left one"


@needs_model
def test_the_tokenizer_is_read_whole() -> None:
    assert FOLDER is not None
    pieces = read_tokens(FOLDER / "tokenizer.bin")
    assert len(pieces) == 32000 and pieces[:3] == [b"<unk>", b"<s>", b"</s>"]
    assert "\u2581the".encode() in pieces  # a word-start piece, as SentencePiece writes it


@needs_model
def test_the_weights_are_unpacked_once_and_cached(tmp_path: Path) -> None:
    assert FOLDER is not None
    built = moonshine_engine._unpacked(FOLDER / "encoder_model.ort", tmp_path)
    stamp = built.stat().st_mtime_ns
    assert moonshine_engine._unpacked(FOLDER / "encoder_model.ort", tmp_path) == built
    assert built.stat().st_mtime_ns == stamp  # reused, not built again
    graph = onnx.load(str(built)).graph
    constants = {i.name for i in graph.initializer}
    # No int8 weight is unpacked on every run any more: no Cast reads a stored tensor.
    assert not [n for n in graph.node if n.op_type == "Cast" and n.input[0] in constants]
    assert not list(tmp_path.glob(".*"))  # no half-written scratch file left behind


@needs_model
def test_auto_hears_with_moonshine_and_falls_back_without_it(pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    assert make_recognizer(recognizer_phrases(pack), "auto").name == "moonshine"
    monkeypatch.setattr(moonshine_engine, "model_folder", lambda: None)
    assert make_recognizer(recognizer_phrases(pack), "auto").name == "sphinx"
    with pytest.raises(ModelError, match="scripts/setup.sh"):
        make_recognizer(recognizer_phrases(pack), "moonshine")


@needs_model
@needs_voice
@pytest.mark.parametrize(
    ("said", "expect"),
    [
        ("what causes leg pain", "causes"),
        ("is there an operation for it", "treatments"),
        ("next", "next"),
    ],
)
def test_requests_are_heard_and_understood(
    recognizer: MoonshineRecognizer, router: Router, pack: Pack, tmp_path: Path, said: str, expect: str
) -> None:
    pcm = load_wav(speak(said, "en-us", 150, tmp_path / "said.wav", pad=0.5))
    heard = recognizer.transcribe(pcm)
    assert heard.open_text  # Moonshine's own hearing, as well as the grammar's phrase
    transcript = judge(heard, router.route, Session(pack, router).safety.emergency)
    request = router.route(transcript.text)
    assert not transcript.rejected and expect in (request.target, request.intent), (heard, request)


@needs_model
@needs_voice
def test_talk_in_the_room_is_heard_as_said_and_left_alone(
    recognizer: MoonshineRecognizer, router: Router, pack: Pack, tmp_path: Path
) -> None:
    pcm = load_wav(speak("where have i put my car keys", "en-us", 150, tmp_path / "talk.wav", pad=0.5))
    heard = recognizer.transcribe(pcm)
    assert "keys" in heard.open_text.split()  # the words said, not the nearest guide phrase
    transcript = judge(heard, router.route, Session(pack, router).safety.emergency)
    assert transcript.rejected or router.route(transcript.text).intent == "unknown"
    assert recognizer.transcribe(bytes(32000)).text == ""  # silence is heard as nothing


@needs_model
@needs_voice
def test_words_that_clearly_ask_need_no_grammar_pass(pack: Pack, router: Router, tmp_path: Path) -> None:
    assert FOLDER is not None
    clear = clear_request(router.route)
    recognizer = MoonshineRecognizer(recognizer_phrases(pack), FOLDER, clear)
    pcm = load_wav(speak("what are the treatments", "en-us", 150, tmp_path / "q.wav", pad=0.5))
    heard = recognizer.transcribe(pcm)
    assert heard.text == heard.open_text == "what are the treatments" and heard.confidence == 1.0
    assert clear("what causes leg pain") and not clear("where are my car keys") and not clear("")
