"""The spoken loop's behaviour over time: silence, the wake phrase, keys, resuming across runs.

The microphone here is a small scripted stand-in (what a person says, and when they are
silent), because this rig must decide exactly when each thing is heard; the speech itself is
real espeak-ng audio decoded by the real PocketSphinx recogniser.
"""

from __future__ import annotations

import io
import os
import pty
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Generator
from pathlib import Path

import pytest

from tests.support.speech import speak
from tests.support.terminal import read_until as _read_until
from voice.content.pack import Pack
from voice.conversation.session import Session
from voice.hearing.microphone import NO_MICROPHONE, NoMicrophone
from voice.hearing.sphinx_engine import SphinxRecognizer, speech_bounds
from voice.hearing.wav import load_wav
from voice.loop.ending import EARLY_PAUSE
from voice.loop.keys import KeyReader
from voice.loop.loop import Loop, Options, Parts
from voice.speaking.speaker import Silent
from voice.understanding.vocabulary import recognizer_phrases

pytestmark = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("sox")), reason="espeak-ng and sox make the test speech"
)


class ScriptedMicrophone:
    """Hands out, one listen at a time, either silence (None) or a spoken phrase."""

    threshold = 300.0
    quiet_level = None

    def __init__(self, script: list[bytes | None], loop_ref: list[Loop]) -> None:
        self.script = list(script)
        self.loop_ref = loop_ref
        self.listens = 0

    def phrase(self, timeout: float, limit: float) -> Generator[bytes, None, None]:
        if self.loop_ref and self.loop_ref[0].speaking_text:
            return  # while the guide speaks, the person waits
        self.listens += 1
        item = self.script.pop(0) if self.script else None
        if item is not None:
            yield from (item[i : i + 3200] for i in range(0, len(item), 3200))


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
    loop = Loop(
        Parts(Session(pack), Silent(), mic, recognizer), Options(out=out, exit_after_silence=exit_after_silence)
    )
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

    def chunks() -> Generator[bytes, None, None]:
        for start in range(0, len(pcm), CHUNK):
            read[0] = start + CHUNK
            yield pcm[start : start + CHUNK]

    assert loop.listener is not None
    transcript = loop.listener.recognize(chunks())
    return (transcript.text if transcript else ""), min(read[0], len(pcm)) / 32000


def close_spoken(text: str, folder: Path) -> bytes:
    """Just the speech: espeak-ng ends each utterance with half a second of its own silence."""
    pcm = load_wav(speak(text, "en-us", 150, folder / f"{text.replace(' ', '_')}.wav"))
    start, end = speech_bounds(pcm) or (0, len(pcm))
    return pcm[start:end]


def test_a_complete_request_is_answered_after_a_short_pause(
    pack: Pack, recognizer: SphinxRecognizer, tmp_path: Path
) -> None:
    loop = Loop(Parts(Session(pack), Silent(), ScriptedMicrophone([], []), recognizer), Options(out=io.StringIO()))
    question = close_spoken("what causes leg pain", tmp_path)
    text, seconds = heard_until_stop(loop, question + bytes(3 * 32000))
    assert text == "what causes leg pain" and loop.listener and loop.listener.timings.early_stop
    # It stopped listening a short pause after the question, not after 3 s of quiet.
    assert seconds - len(question) / 32000 <= EARLY_PAUSE + 0.15


def test_a_pause_inside_a_question_does_not_cut_it_short(
    pack: Pack, recognizer: SphinxRecognizer, tmp_path: Path
) -> None:
    session = Session(pack)
    loop = Loop(Parts(session, Silent(), ScriptedMicrophone([], []), recognizer), Options(out=io.StringIO()))
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


# The ALSA file rig: playback into a file, capture from /dev/zero (a silent room); a part that is
# "missing" is a card that does not exist, so the guide finds no microphone or no loudspeaker
# whatever hardware the machine has. The devices are written inline: PortAudio offers every named
# device in the configuration, and would fall back on one.
NO_CARD = "{ type hw card 99 }"
RIGS = {
    "microphone and loudspeaker": (True, True),
    "no microphone": (False, True),
    "no loudspeaker": (True, False),
    "neither": (False, False),
}


def alsa_rig(tmp_path: Path, microphone: bool, loudspeaker: bool) -> dict[str, str]:
    played = f'{{ type file slave.pcm "null" file "{tmp_path}/played.raw" format "raw" }}'
    n16 = '{ type plug slave { pcm "null" rate 16000 channels 1 format S16_LE } }'
    heard = f'{{ type file slave.pcm {n16} file "/dev/null" infile "/dev/zero" format "raw" }}'
    conf = tmp_path / "asound.conf"
    conf.write_text(
        f"pcm.!default {{ type asym playback.pcm {played if loudspeaker else NO_CARD} "
        f"capture.pcm {heard if microphone else NO_CARD} }}\n"
    )
    return {
        **os.environ,
        "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{conf}",
        "VOICE_GUIDE_CONFIG_DIR": str(tmp_path / "c"),
        "VOICE_GUIDE_STATE_DIR": str(tmp_path / "s"),
    }


class Terminal:
    """`voice-guide run` in a pseudo-terminal: what it prints (stdout and stderr), as a person sees it."""

    def __init__(self, env: dict[str, str]) -> None:
        self.master, slave = pty.openpty()
        self.guide = subprocess.Popen(
            [sys.executable, "-m", "voice", "run", "--engine", "sphinx"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20)),
        )
        os.close(slave)
        self.seen = ""

    def press(self, keys: bytes, until: str, timeout: float = 30) -> str:
        """Press `keys`; what was printed from then until `until` appeared."""
        if keys:
            os.write(self.master, keys)
        new = _read_until(self.master, until, timeout)
        self.seen += new
        assert until in new, self.seen
        return new

    def close(self) -> None:
        self.guide.kill()
        self.guide.wait()
        os.close(self.master)


@pytest.mark.parametrize("rig", RIGS)
def test_keys_in_a_terminal(tmp_path: Path, rig: str) -> None:
    """Keys work with a microphone or without, with a loudspeaker or without; without a
    microphone the same terminal also takes typed questions, and each message is shown once."""
    microphone, loudspeaker = RIGS[rig]
    typing = not microphone
    enter = b"\r" if typing else b""  # typing, a command letter works alone on its line
    terminal = Terminal(alsa_rig(tmp_path, microphone, loudspeaker))
    try:
        terminal.press(b"", "Welcome.", 60)
        assert "Pain and weakness in the legs" in terminal.press(b"\x1b[C", "Say more to hear the rest")
        if typing:
            reply = terminal.press(b"what causes leg pain\r", "Say next to hear about herniated disc")
            assert "You: what causes leg pain\r\n" in reply  # the typed line, shown once
            assert reply.count("what causes leg pain") == 1
            terminal.press(b"r\r", "Say next to hear about herniated disc")  # repeat
        terminal.press(b"k" + enter, "escape to stop speaking")
        assert ("Typed alone, then Enter" in terminal.seen) == typing
        assert ("space to talk" in terminal.seen) != typing
        terminal.press(b"q" + enter, "Goodbye")
        assert terminal.guide.wait(timeout=30) == 0
    finally:
        terminal.close()
    seen = terminal.seen
    assert "^[" not in seen and "Traceback" not in seen  # no key echoed as ^[[C, nothing crashed
    assert "Sorry" not in seen  # no key was taken for words
    assert seen.count("No microphone was found") == (0 if microphone else 1), seen
    assert seen.count("No loudspeaker or headphones") == (0 if loudspeaker else 1), seen
    assert seen.count("Keys: ") == 2  # listed at the start, and when asked
    if loudspeaker:
        assert (tmp_path / "played.raw").stat().st_size > 0  # it spoke


class FailingMicrophone(ScriptedMicrophone):
    """Works for `listens` listens, then is unplugged."""

    def __init__(self, listens: int) -> None:
        super().__init__([], [])
        self.works_for = listens

    def phrase(self, timeout: float, limit: float) -> Generator[bytes, None, None]:
        if self.listens >= self.works_for:
            raise NoMicrophone("The microphone stopped working. " + NO_MICROPHONE)
        yield from super().phrase(timeout, limit)


def _wait_for(out: io.StringIO, text: str, timeout: float = 30) -> bool:
    end = time.monotonic() + timeout
    while text not in out.getvalue() and time.monotonic() < end:
        time.sleep(0.05)
    return text in out.getvalue()


def test_when_the_microphone_stops_the_keys_take_typing(
    pack: Pack, recognizer: SphinxRecognizer, capsys: pytest.CaptureFixture[str]
) -> None:
    master, slave = pty.openpty()
    keys = KeyReader(slave, echo=io.StringIO())
    assert keys.start()
    out = io.StringIO()
    loop = Loop(Parts(Session(pack), Silent(), FailingMicrophone(2), recognizer, keys), Options(out=out))
    result: list[int] = []
    runner = threading.Thread(target=lambda: result.append(loop.run()), daemon=True)
    runner.start()
    try:
        assert _wait_for(out, "The microphone stopped working")
        assert keys.typing  # letters now make a typed line
        os.write(master, b"what causes leg pain\r")
        assert _wait_for(out, "Some common causes of sciatica")
        os.write(master, b"q\r")
        runner.join(timeout=30)
    finally:
        keys.stop()
        os.close(master)
        os.close(slave)
    assert result == [0]
    shown = out.getvalue() + capsys.readouterr().err
    assert shown.count("The microphone stopped working") == 1  # said (and captioned) once
    assert "You: what causes leg pain" not in out.getvalue()  # typed: already on screen
    assert "Goodbye" in out.getvalue()
