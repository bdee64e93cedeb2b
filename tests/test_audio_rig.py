"""`voice-guide run` end to end with real audio parts on a machine without a sound card.

ALSA's `file` plugin stands in for the hardware (see shared/notes/audio-without-hardware.md):
the "microphone" reads a raw s16le mono 16 kHz file and the "loudspeaker" writes what is played
to a file. Real PyAudio, real PocketSphinx and real pyttsx3/espeak-ng voice: nothing is mocked.
"""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from tests.support import alsa, speech
from tests.support.speech import speak
from voice.conversation.settings import RATE_DEFAULT
from voice.hearing.levels import rms

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")
needs_sox = pytest.mark.skipif(shutil.which("sox") is None, reason="sox missing")

MIC_RATE = 16000
PLAY_RATE = 22050  # pyttsx3/espeak-ng speaks at 22050 Hz and the guide plays it unchanged


def run_guide(
    conf_text: str, tmp_path: Path, *args: str, stdin: str = "", timeout: float = 180
) -> subprocess.CompletedProcess:
    """`voice-guide run ARGS` with ALSA configured by `conf_text` (added to the system config)."""
    return alsa.run_voice(conf_text, tmp_path, "run", *args, stdin=stdin, timeout=timeout)


def captions(stdout: str, who: str) -> list[str]:
    return [line[len(who) + 2 :] for line in stdout.splitlines() if line.startswith(f"{who}: ")]


def spoken_seconds(text: str, rate: int = RATE_DEFAULT) -> float:
    return speech.spoken_seconds(text, rate)


def microphone_audio(turns: list[str], folder: Path, gap: float = 1.5) -> bytes:
    """The turns spoken by espeak-ng (en-us, 150 wpm) as raw 16 kHz s16le, with silence around them."""
    silence = b"\0\0" * int(MIC_RATE * gap)
    pcm = b"\0\0" * MIC_RATE  # the guide calibrates on the first 0.5 s: it must be quiet
    for number, text in enumerate(turns):
        wav_path = speak(text, "en-us", 150, folder / f"turn{number}.wav", pad=0.0)
        with wave.open(str(wav_path), "rb") as wav:
            assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (MIC_RATE, 1, 2)
            pcm += wav.readframes(wav.getnframes()) + silence
    return pcm + b"\0\0" * MIC_RATE


@needs_espeak
@needs_sox
def test_three_spoken_turns_through_microphone_and_loudspeaker(tmp_path: Path) -> None:
    mic, played = tmp_path / "mic.raw", tmp_path / "played.raw"
    # Not one of the welcome's own examples: this rig does not keep time, so the question may
    # arrive while the guide is saying those very words, and be taken for its echo.
    mic.write_bytes(microphone_audio(["why does my leg hurt", "next", "goodbye"], tmp_path))
    conf = alsa.file_rig(mic, played)
    # After the file ends capture returns zeros at once; two silent listens end the run.
    out = run_guide(conf, tmp_path, "--engine", "sphinx", "--exit-after-silence", "2")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    heard = captions(out.stdout, "You")
    assert len(heard) == 3, out.stdout
    assert "why" in heard[0] and "leg" in heard[0]
    assert heard[1] == "next" and "bye" in heard[2]
    replies = captions(out.stdout, "Guide")
    assert replies[0].startswith("Welcome")
    assert "herniated disc" in replies[1] and "spinal stenosis" in replies[1]
    assert replies[2].startswith("Cause 1 of 6: Herniated disc") and "jelly-like" in replies[2]
    assert replies[3].startswith("Goodbye") and len(replies) == 4  # no reprompt: quit ends the run
    # This rig does not keep time: each next question arrives while the reply before it plays,
    # and cuts it short as a person would. The goodbye is never cut; nothing more than all the
    # replies (and the short cues) is played.
    pcm = played.read_bytes()
    seconds = len(pcm) / 2 / PLAY_RATE
    expected = sum(spoken_seconds(text) for text in replies)
    assert 0.5 * spoken_seconds(replies[-1]) < seconds < 1.5 * expected, (seconds, expected)
    assert rms(pcm) > 300


def test_no_microphone_falls_back_to_typing(tmp_path: Path) -> None:
    # A capture device that does not exist: PortAudio then has no default input at all.
    conf = alsa.asym("null", "no_such_capture_device")
    out = run_guide(conf, tmp_path, "--engine", "sphinx", stdin="what causes leg pain\nquit\n", timeout=60)
    assert "Traceback" not in out.stderr, out.stderr
    # Said as part of the welcome, so shown once, in its caption.
    assert (out.stdout + out.stderr).count("No microphone was found.") == 1
    assert out.returncode == 0
    replies = captions(out.stdout, "Guide")
    assert "herniated disc" in replies[1] and replies[-1].startswith("Goodbye")


@needs_espeak
def test_no_loudspeaker_still_prints_replies(tmp_path: Path) -> None:
    conf = alsa.asym("no_such_playback_device", "null")
    out = run_guide(conf, tmp_path, "--typed", stdin="what causes leg pain\nquit\n", timeout=60)
    assert "Traceback" not in out.stderr, out.stderr
    assert "No loudspeaker or headphones were found." in out.stderr
    assert out.returncode == 0
    replies = captions(out.stdout, "Guide")
    assert replies[0].startswith("Welcome") and "herniated disc" in replies[1]
    assert replies[-1].startswith("Goodbye")


@needs_espeak
def test_save_audio_writes_one_wav_per_reply(tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    conf = alsa.asym("null", "null")  # a loudspeaker that keeps nothing: only the saved files matter
    out = run_guide(
        conf, tmp_path, "--typed", "--save-audio", str(saved), stdin="what causes leg pain\nnext\nquit\n", timeout=60
    )
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    replies = captions(out.stdout, "Guide")
    files = sorted(saved.glob("*.wav"))
    assert len(files) == len(replies) == 4
    for path, text in zip(files, replies, strict=True):
        with wave.open(str(path), "rb") as wav:
            assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
            pcm = wav.readframes(wav.getnframes())
            seconds = wav.getnframes() / wav.getframerate()
        expected = spoken_seconds(text)
        assert 0.4 * expected <= seconds <= 2.5 * expected, (path.name, seconds, expected)
        assert rms(pcm) > 300, path.name


@needs_sox
def test_check_reports_every_part(tmp_path: Path) -> None:
    mic, played = tmp_path / "mic.raw", tmp_path / "played.raw"
    mic.write_bytes(microphone_audio(["what causes leg pain"], tmp_path))
    out = alsa.run_voice(alsa.file_rig(mic, played), tmp_path, "check", "--engine", "sphinx", timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    for part in ("guide", "voice", "loudspeaker", "microphone", "recogniser"):
        assert f"OK      {part}:" in out.stdout, out.stdout
    assert "Everything works" in out.stdout and rms(played.read_bytes()) > 300


def test_check_explains_a_missing_microphone(tmp_path: Path) -> None:
    out = alsa.run_voice(alsa.asym("null", "no_such_capture_device"), tmp_path, "check", timeout=120)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "PROBLEM microphone: No microphone was found" in out.stdout
    assert "1 problem found: microphone" in out.stdout
