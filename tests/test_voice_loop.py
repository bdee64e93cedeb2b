"""The spoken loop's behaviour over time: silence, the wake phrase, keys, resuming across runs.

The microphone here is a small scripted stand-in (what a person says, and when they are
silent), because this rig must decide exactly when each thing is heard; the speech itself is
real espeak-ng audio decoded by the real PocketSphinx recogniser.
"""

from __future__ import annotations

import io
import os
import pty
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import alsa
from tests.support.speech import speak
from tests.support.terminal import read_until as _read_until
from voice.content.pack import Pack
from voice.conversation.session import Session
from voice.hearing.sphinx_engine import SphinxRecognizer, speech_bounds
from voice.hearing.wav import load_wav
from voice.loop.loop import EARLY_PAUSE, Loop
from voice.speaking.speaker import Silent
from voice.understanding.vocabulary import recognizer_phrases

pytestmark = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("sox")), reason="espeak-ng and sox make the test speech"
)


class ScriptedMicrophone:
    """Hands out, one listen at a time, either silence (None) or a spoken phrase."""

    threshold = 300.0

    def __init__(self, script: list[bytes | None], loop_ref: list[Loop]) -> None:
        self.script = list(script)
        self.loop_ref = loop_ref
        self.listens = 0

    def phrase(self, timeout: float, limit: float) -> Iterator[bytes]:
        if self.loop_ref and self.loop_ref[0].speaking_text:
            return iter(())  # while the guide speaks, the person waits
        self.listens += 1
        item = self.script.pop(0) if self.script else None
        return iter(()) if item is None else iter([item[i : i + 3200] for i in range(0, len(item), 3200)])


@pytest.fixture(scope="module")
def recognizer(pack: Pack) -> SphinxRecognizer:
    return SphinxRecognizer(recognizer_phrases(pack, ("guide",)))


def said(text: str, folder: Path) -> bytes:
    return load_wav(speak(text, "en-us", 150, folder / f"{text.replace(' ', '_')}.wav", pad=0.3))


def run_loop(
    pack: Pack, recognizer: SphinxRecognizer, script: list[bytes | None], exit_after_silence: int
) -> tuple[list[str], ScriptedMicrophone]:
    loop_ref: list[Loop] = []
    mic = ScriptedMicrophone(script, loop_ref)
    out = io.StringIO()
    loop = Loop(Session(pack), recognizer, mic, Silent(), out=out, exit_after_silence=exit_after_silence)
    loop_ref.append(loop)
    assert loop.run() == 0
    return out.getvalue().splitlines(), mic


def test_silence_gets_one_reprompt_then_quiet(pack: Pack, recognizer: SphinxRecognizer) -> None:
    lines, mic = run_loop(pack, recognizer, [], exit_after_silence=12)
    guide = [line for line in lines if line.startswith("Guide: ")]
    assert guide[0].startswith("Guide: Welcome")
    assert sum("I'm listening" in line for line in guide) == 1  # one gentle reprompt, never a loop
    assert guide[-1].startswith("Guide: (waiting") and len(guide) == 3
    assert mic.listens > 20  # it kept listening all the while, without a word


def test_the_wake_phrase_brings_it_back(pack: Pack, recognizer: SphinxRecognizer, tmp_path: Path) -> None:
    silence_until_asleep = [None] * 20  # 8 s to the reprompt, 8 s more to sleep, in 0.9 s listens
    script = [
        *silence_until_asleep,
        said("what causes leg pain", tmp_path),
        said("guide", tmp_path),
        said("what causes leg pain", tmp_path),
        said("goodbye", tmp_path),
    ]
    lines, _ = run_loop(pack, recognizer, script, exit_after_silence=0)
    you = [line for line in lines if line.startswith("You: ")]
    guide = [line for line in lines if line.startswith("Guide: ")]
    # Asleep, a question without the wake phrase is not taken; "guide" wakes it.
    assert you == ["You: what causes leg pain", "You: goodbye"]
    assert any(line == "Guide: Yes? I'm listening." for line in guide)
    assert guide.index("Guide: Yes? I'm listening.") < next(i for i, g in enumerate(guide) if "sciatica:" in g)


CHUNK = 2048  # bytes: 64 ms, as SpeechRecognition's microphone hands them out


def heard_until_stop(loop: Loop, pcm: bytes) -> tuple[str, float]:
    """What the loop heard in `pcm`, and how many seconds of it were read before it stopped."""
    read = [0]

    def chunks() -> Iterator[bytes]:
        for start in range(0, len(pcm), CHUNK):
            read[0] = start + CHUNK
            yield pcm[start : start + CHUNK]

    transcript = loop._recognize(chunks())
    return (transcript.text if transcript else ""), min(read[0], len(pcm)) / 32000


def close_spoken(text: str, folder: Path) -> bytes:
    """Just the speech: espeak-ng ends each utterance with half a second of its own silence."""
    pcm = load_wav(speak(text, "en-us", 150, folder / f"{text.replace(' ', '_')}.wav"))
    start, end = speech_bounds(pcm) or (0, len(pcm))
    return pcm[start:end]


def test_a_complete_request_is_answered_after_a_short_pause(
    pack: Pack, recognizer: SphinxRecognizer, tmp_path: Path
) -> None:
    loop = Loop(Session(pack), recognizer, ScriptedMicrophone([], []), Silent(), out=io.StringIO())
    question = close_spoken("what causes leg pain", tmp_path)
    text, seconds = heard_until_stop(loop, question + bytes(3 * 32000))
    assert text == "what causes leg pain" and loop.timings.early_stop
    # It stopped listening a short pause after the question, not after 3 s of quiet.
    assert seconds - len(question) / 32000 <= EARLY_PAUSE + 0.15


def test_a_pause_inside_a_question_does_not_cut_it_short(
    pack: Pack, recognizer: SphinxRecognizer, tmp_path: Path
) -> None:
    session = Session(pack)
    loop = Loop(session, recognizer, ScriptedMicrophone([], []), Silent(), out=io.StringIO())
    hesitant = (
        close_spoken("what causes", tmp_path)
        + bytes(int(0.2 * 32000))
        + close_spoken("spinal stenosis", tmp_path)
        + bytes(32000)
    )
    text, _ = heard_until_stop(loop, hesitant)
    assert session.router.route(text).target == "spinal-stenosis", text


def _run_twice(stdin: str, tmp_path: Path) -> str:
    env = {
        **os.environ,
        "VOICE_GUIDE_CONFIG_DIR": str(tmp_path / "config"),
        "VOICE_GUIDE_STATE_DIR": str(tmp_path / "state"),
    }
    out = subprocess.run(
        [sys.executable, "-m", "voice", "run", "--typed"],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    return out.stdout


def test_resume_and_bookmark_across_runs(tmp_path: Path) -> None:
    first = _run_twice("spinal stenosis\nremember this\narthritis\nslower\nquit\n", tmp_path)
    assert first.startswith("Guide: Welcome.") and "not medical advice" in first
    second = _run_twice("continue\ngo to my bookmark\nquit\n", tmp_path)
    lines = second.splitlines()
    assert lines[0].startswith("Guide: Welcome back") and "Last time we were at arthritis" in lines[0]
    assert "Say continue, or start over" in lines[0] and "You can say, for example" not in lines[0]
    replies = [line for line in lines if line.startswith("Guide: ")]
    assert replies[1].startswith("Guide: Cause 5 of 6: Arthritis.")
    assert replies[2].startswith("Guide: Cause 3 of 6: Spinal stenosis.")
    settings = (tmp_path / "config" / "settings.yaml").read_text()
    assert "rate: 130" in settings  # "slower" was kept


def test_welcome_back_can_be_switched_off(tmp_path: Path) -> None:
    _run_twice("arthritis\nquit\n", tmp_path)
    subprocess.run(
        [sys.executable, "-m", "voice", "settings", "welcome_back", "off"],
        check=True,
        env={**os.environ, "VOICE_GUIDE_CONFIG_DIR": str(tmp_path / "config")},
        capture_output=True,
    )
    assert "Last time" not in _run_twice("quit\n", tmp_path).splitlines()[0]


def test_a_damaged_settings_file_is_explained_and_kept(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    damaged = tmp_path / "config" / "settings.yaml"
    damaged.write_text("rate: [fast\n")
    out = _run_twice("quit\n", tmp_path)
    assert "settings could not be read" in out.splitlines()[0]  # spoken, so in the caption too
    assert damaged.read_text() == "rate: [fast\n"  # untouched until a setting is changed


def test_start_options(tmp_path: Path) -> None:
    env = {**os.environ, "VOICE_GUIDE_CONFIG_DIR": str(tmp_path / "c"), "VOICE_GUIDE_STATE_DIR": str(tmp_path / "s")}
    out = subprocess.run(
        [sys.executable, "-m", "voice", "run", "--typed", "--start-at", "symptoms", "--rate", "120"],
        input="quit\n",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    replies = [line for line in out.stdout.splitlines() if line.startswith("Guide: ")]
    assert replies[1].startswith("Guide: Symptoms.")
    bad = subprocess.run(
        [sys.executable, "-m", "voice", "run", "--typed", "--start-at", "the weather"],
        input="",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1


def test_keys_in_a_terminal(tmp_path: Path) -> None:
    """The guide in a pseudo-terminal, with the ALSA file rig as microphone and loudspeaker."""
    env = alsa.env_for(
        alsa.file_rig(Path("/dev/zero"), tmp_path / "played.raw"),  # a quiet room
        tmp_path,
        VOICE_GUIDE_CONFIG_DIR=str(tmp_path / "c"),
        VOICE_GUIDE_STATE_DIR=str(tmp_path / "s"),
    )
    master, slave = pty.openpty()
    guide = subprocess.Popen(
        [sys.executable, "-m", "voice", "run", "--engine", "sphinx"],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.DEVNULL,
        env=env,
        close_fds=True,
        preexec_fn=alsa.limit_files,
    )
    os.close(slave)
    try:
        assert "Guide: Welcome" in _read_until(master, "Guide: Welcome", 60)
        os.write(master, b"\x1b[C")  # right arrow: next
        assert "Pain and weakness in the legs" in _read_until(master, "Pain and weakness", 30)
        os.write(master, b"k")
        assert "space to talk" in _read_until(master, "space to talk", 30)
        os.write(master, b"q")
        assert "Goodbye" in _read_until(master, "Goodbye", 30)
        assert guide.wait(timeout=30) == 0
    finally:
        guide.kill()
        os.close(master)
