"""Barge-in in real time: the real `voice-guide run` on a private PulseAudio server.

Two null sinks stand in for the hardware (see shared/notes/audio-without-hardware.md): the guide
plays into `speaker` and hears `micfeed.monitor`. Spoken commands (espeak-ng WAVs) are played into
`micfeed` with paplay while the guide reads aloud, and what the guide plays is recorded from
`speaker.monitor` with parec, tied to time.monotonic(), so "how long did it keep talking after the
user said stop" is measured on the sound itself. Real PyAudio, PocketSphinx and espeak-ng: nothing
is mocked.
"""

from __future__ import annotations

import math
import os
import pty
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import wave
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from voice.hearing.speechset import speak
from voice.understanding.router import Router

RATE = 16000  # both recordings: s16le mono, so a sample position is a time
WIN = 160  # 10 ms analysis windows
LOUD = 300  # a peak above this (about -40 dBFS) is audible; null sinks give exact zeros otherwise
PAREC_LATENCY_MS = 20
STOP_WITHIN = 0.3  # seconds: the most the guide's voice may go on after the word "stop" has ended
# Seconds of chime allowed after a stop: "got it" (0.12 s) and, as a stop is answered by silence,
# the "listening" chime (0.23 s) straight after it; they sound as one stretch of 0.34 s.
CUES_MAX = 0.45
# The cues are pure sine notes at these pitches (voice/cues.py); speech is broadband.
CUE_PITCHES = (392.0, 523.25, 659.25, 880.0, 1046.5)
TONE_SHARE = 0.7  # a 40 ms frame with this much of its energy at one cue pitch is tonal
# A new question is only complete after a short quiet (EARLY_PAUSE 0.25 s in voice/loop.py, at most
# the listener's 0.5 s pause threshold), then it is decoded and routed: the reading may go on that
# long, plus the same 300 ms the guide is allowed for a stop.
QUESTION_STOP_WITHIN = 0.5 + STOP_WITHIN
MODULE_DEADLINE = 170.0  # seconds for the whole module; every wait below is capped by it
TOOLS = ("pulseaudio", "pactl", "paplay", "parec", "espeak-ng", "sox")
PROBE = """
import sys, pyaudio
p = pyaudio.PyAudio()
s = p.open(format=pyaudio.paInt16, channels=1, rate=16000, output=True)
s.write(bytes(3200))
print("open", flush=True)
sys.stdin.readline()
"""

_missing = [tool for tool in TOOLS if shutil.which(tool) is None]
pytestmark = pytest.mark.skipif(
    bool(_missing), reason=f"needs {', '.join(_missing)} (Debian: pulseaudio, pulseaudio-utils, espeak-ng, sox)"
)


# --- the audio server ---------------------------------------------------------------------------
@dataclass
class Pulse:
    env: dict[str, str]
    work: Path
    deadline: float

    def pactl(self, *words: str) -> str:
        return subprocess.run(
            ["pactl", *words], env=self.env, check=True, timeout=10, capture_output=True, text=True
        ).stdout

    def left(self) -> float:
        return self.deadline - time.monotonic()


def _stop_pid(pid: int) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        limit = time.monotonic() + 3
        while time.monotonic() < limit:
            if not Path(f"/proc/{pid}").exists():
                return
            time.sleep(0.05)


def _end(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a child we started: `sig`, then SIGKILL if it lingers."""
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def _probe(env: dict[str, str]) -> bool:
    """Does a PyAudio default output stream show up as a sink input on our server?"""
    child = subprocess.Popen(
        [sys.executable, "-c", PROBE],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        box: list[str] = []
        reader = threading.Thread(target=lambda: box.append(child.stdout.readline()), daemon=True)
        reader.start()
        reader.join(15)
        if not box or box[0].strip() != "open":
            return False
        listed = subprocess.run(
            ["pactl", "list", "short", "sink-inputs"], env=env, timeout=10, capture_output=True, text=True
        )
        return bool(listed.stdout.strip())
    finally:
        _end(child)
        child.stdin.close()
        child.stdout.close()


@pytest.fixture(scope="module")
def pulse() -> Iterator[Pulse]:
    work = Path(tempfile.mkdtemp(prefix="barge-in-"))
    runtime = work / "runtime"
    runtime.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if k != "VOICE_GUIDE_DEBUG_AUDIO"}
    env["XDG_RUNTIME_DIR"] = str(runtime)
    env["PULSE_SERVER"] = f"unix:{runtime}/pulse/native"  # never someone else's server
    # PyAudio's default device, explicitly through ALSA's pulse plugin (libasound2-plugins).
    conf = work / "asound-pulse.conf"
    conf.write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n", encoding="utf-8")
    env["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{conf}"
    pid = None
    try:
        started = subprocess.run(
            [
                "pulseaudio",
                "-D",
                "-n",
                "--exit-idle-time=-1",
                "--load=module-native-protocol-unix",
                "--load=module-null-sink sink_name=speaker",
                "--load=module-null-sink sink_name=micfeed",
            ],
            env=env,
            timeout=20,
            capture_output=True,
            text=True,
        )
        pid_file = runtime / "pulse" / "pid"
        if pid_file.exists():
            pid = int(pid_file.read_text().split()[0])
        if started.returncode != 0 or pid is None:
            pytest.skip(f"the PulseAudio server did not start: {started.stderr.strip()[-300:]}")
        server = Pulse(env, work, time.monotonic() + MODULE_DEADLINE)
        server.pactl("set-default-sink", "speaker")  # what the guide plays goes here
        server.pactl("set-default-source", "micfeed.monitor")  # what the guide hears comes from here
        if not _probe(env):
            pytest.skip(
                "PyAudio's default output does not reach PulseAudio (ALSA pulse plugin missing? "
                "Debian: libasound2-plugins)"
            )
        yield server
    finally:
        try:
            subprocess.run(["pactl", "exit"], env=env, timeout=5, capture_output=True)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if pid is not None:
            _stop_pid(pid)
        shutil.rmtree(work, ignore_errors=True)


# --- recordings ---------------------------------------------------------------------------------
class Track:
    """One parec recording of a sink's monitor, read as it grows; sample 0 is tied to monotonic time."""

    def __init__(self, device: str, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [
                "parec",
                f"--device={device}",
                "--raw",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                f"--latency-msec={PAREC_LATENCY_MS}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.data = bytearray()
        self.flags = bytearray()  # one per complete 10 ms window: 1 when loud
        self.anchor = math.inf  # monotonic time of sample 0, plus the smallest delivery delay seen
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        fd = self.proc.stdout.fileno()
        while True:
            block = os.read(fd, 8192)
            now = time.monotonic()
            if not block:
                return
            with self._lock:
                self.data += block
                # Samples arrive no earlier than they are captured: now - count/RATE never falls
                # before the start, and its minimum is the start plus the least delay (a few ms).
                self.anchor = min(self.anchor, now - len(self.data) // 2 / RATE)
                done = len(self.flags) * WIN * 2
                whole = (len(self.data) - done) // (WIN * 2) * WIN * 2
                if whole:
                    windows = np.frombuffer(bytes(self.data[done : done + whole]), dtype="<i2").reshape(-1, WIN)
                    self.flags += (np.abs(windows.astype(np.int32)).max(axis=1) > LOUD).astype(np.uint8).tobytes()

    def pcm(self, a: int, b: int) -> np.ndarray:
        with self._lock:
            return np.frombuffer(bytes(self.data[a * 2 : b * 2]), dtype="<i2")

    def at(self, t: float) -> int:
        """The sample being captured at monotonic time t."""
        return max(0, int(round((t - self.anchor) * RATE)))

    def time(self, sample: int) -> float:
        return self.anchor + sample / RATE

    def loud(self, start: float, end: float | None = None) -> bytes:
        """One flag per 10 ms window from monotonic `start` (to `end`, or what is recorded)."""
        with self._lock:
            first = self.at(start) // WIN
            last = len(self.flags) if end is None else min(len(self.flags), self.at(end) // WIN)
            return bytes(self.flags[first : max(first, last)])

    def segments(self, start: float, end: float | None = None) -> list[tuple[float, float, bool]]:
        """Stretches of sound after `start`, as (begin, end, is_chime); gaps up to 30 ms are joined.

        A chime and speech that follow each other without a pause are told apart window by window.
        """
        first = self.at(start) // WIN
        flags = self.loud(start, end)
        pcm = self.pcm(first * WIN, (first + len(flags)) * WIN).astype(np.float64)
        chime = _chimes(pcm, flags)
        runs: list[list[int]] = []  # [begin, end, is_chime], in windows
        for i, flag in enumerate(flags):
            if not flag:
                continue
            if runs and runs[-1][2] == chime[i] and i - runs[-1][1] <= 3:
                runs[-1][1] = i + 1
            else:
                runs.append([i, i + 1, chime[i]])
        return [(self.time((first + a) * WIN), self.time((first + b) * WIN), bool(c)) for a, b, c in runs]

    def quiet_for(self, start: float) -> float:
        """Seconds of silence at the end of the recording, counting from `start` at most."""
        flags = self.loud(start)
        last = flags.rfind(1)
        return (len(flags) - (last + 1)) * WIN / RATE

    def stop(self) -> None:
        _end(self.proc)
        self.proc.stdout.close()


def _chimes(pcm: np.ndarray, flags: bytes) -> list[bool]:
    """Per 10 ms window: part of a chime (voice/cues.py: sine notes of 0.10 s or more at CUE_PITCHES)?

    A window is tonal when a 40 ms frame around it has TONE_SHARE of its energy within 40 Hz of
    one cue pitch; speech spreads its energy over many harmonics and formants. Only runs of 80 ms
    or more of tonal windows count, so a voiced sound that is briefly tone-like stays speech.
    (The mask may cover 20 ms of speech next to a chime: negligible against 300 ms.)
    """
    count = len(flags)
    tonal = np.zeros(count, dtype=bool)
    frame = 4 * WIN
    taper = np.hanning(frame)
    freqs = np.fft.rfftfreq(frame, 1 / RATE)
    bands = [np.abs(freqs - pitch) <= 40 for pitch in CUE_PITCHES]
    for i in range(count):
        if not flags[i]:
            continue
        a = min(max(0, i * WIN - (frame - WIN) // 2), max(0, len(pcm) - frame))
        piece = pcm[a : a + frame]
        if len(piece) < frame:
            continue
        spectrum = np.abs(np.fft.rfft(piece * taper)) ** 2
        total = max(float(spectrum.sum()), 1e-9)
        tonal[i] = max(float(spectrum[band].sum()) for band in bands) / total >= TONE_SHARE
    chime = [False] * count
    i = 0
    while i < count:
        if not tonal[i]:
            i += 1
            continue
        j = i
        while j < count and tonal[j]:
            j += 1
        if j - i >= 8:
            # The 20 ms either side too: a frame over a note's attack or release is not clean.
            chime[max(0, i - 2) : j + 2] = [True] * (min(count, j + 2) - max(0, i - 2))
        i = j
    return chime


def _speech_span(path: Path) -> tuple[float, float]:
    """First and last loud sample of a WAV, in seconds from its start."""
    with wave.open(str(path), "rb") as wav:
        pcm = array("h")
        pcm.frombytes(wav.readframes(wav.getnframes()))
        rate = wav.getframerate()
    loud = [i for i, s in enumerate(pcm) if abs(s) > LOUD]
    return loud[0] / rate, (loud[-1] + 1) / rate


@pytest.fixture(scope="module")
def phrases(pulse: Pulse) -> Callable[..., Path]:
    folder = pulse.work / "speech"

    def make(text: str, speed: int = 150) -> Path:
        # en-us at 150 wpm, as the latency benchmark; half a second of silence each side.
        return speak(text, "en-us", speed, folder / f"{text.replace(' ', '_')}-{speed}.wav", pad=0.5)

    return make


# --- the guide ----------------------------------------------------------------------------------
@dataclass
class Said:
    text: str
    started: float  # monotonic, just before paplay started
    speech_start: float  # started + the first loud sample's position in the WAV
    speech_end: float  # started + the last loud sample's position in the WAV
    heard_end: float | None  # the last loud audio of it on micfeed.monitor (what the guide could hear)


class Guide:
    def __init__(self, pulse: Pulse, home: Path) -> None:
        self.pulse = pulse
        self.env = dict(pulse.env)
        for name in ("config", "state"):
            (home / name).mkdir(parents=True, exist_ok=True)
        self.env["VOICE_GUIDE_CONFIG_DIR"] = str(home / "config")  # a first-time user
        self.env["VOICE_GUIDE_STATE_DIR"] = str(home / "state")
        self.stdout_path = home / "guide.stdout"
        self.stderr_path = home / "guide.stderr"
        self.speaker = Track("speaker.monitor", self.env)  # recording before the guide starts
        self.mic = Track("micfeed.monitor", self.env)
        self.proc: subprocess.Popen | None = None
        self.started = 0.0
        self.keyboard: int | None = None  # a pseudo-terminal's master side: where keys are pressed

    def start(self, keys: bool = False) -> None:
        self.wait(lambda: self.speaker.anchor < math.inf and self.mic.anchor < math.inf, 10, "parec recorded nothing")
        stdin: int = subprocess.DEVNULL
        if keys:
            self.keyboard, stdin = pty.openpty()
        with open(self.stdout_path, "w") as out, open(self.stderr_path, "w") as err:
            self.started = time.monotonic()
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "voice", "run", "--engine", "sphinx", "--guide", "leg_pain"],
                stdin=stdin,
                stdout=out,
                stderr=err,
                env=self.env,
            )
        if keys:
            os.close(stdin)

    def captions(self, who: str) -> list[str]:
        text = self.stdout_path.read_text(encoding="utf-8", errors="replace") if self.stdout_path.exists() else ""
        return [line[len(who) + 2 :] for line in text.splitlines() if line.startswith(f"{who}: ")]

    def wait(self, done: Callable[[], bool], seconds: float, failure: str | None = None) -> bool:
        """Poll `done()` until true or `seconds` pass (never past the module's deadline)."""
        limit = min(time.monotonic() + seconds, self.pulse.deadline)
        while time.monotonic() < limit:
            if done():
                return True
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"the guide exited early (code {self.proc.returncode})")
            time.sleep(0.05)
        if failure:
            raise AssertionError(f"{failure} (waited {seconds:.0f} s)")
        return False

    def say(self, path: Path) -> Said:
        """Play a spoken phrase into the guide's microphone, in real time."""
        first, last = _speech_span(path)
        with wave.open(str(path), "rb") as wav:
            duration = wav.getnframes() / wav.getframerate()
        started = time.monotonic()
        subprocess.run(
            ["paplay", "--device=micfeed", str(path)],
            env=self.env,
            check=True,
            timeout=duration + 10,
            capture_output=True,
        )
        time.sleep(0.1)  # let its last audio reach the micfeed recording
        heard = [b for _, b, _ in self.mic.segments(started)]
        return Said(
            path.stem.split("-")[0].replace("_", " "),
            started,
            started + first,
            started + last,
            heard[-1] if heard else None,
        )

    def wait_until_quiet(self, since: float, quiet: float, seconds: float, failure: str) -> float:
        """Wait until the guide has played something after `since` and then been quiet for `quiet` s."""
        self.wait(lambda: 1 in self.speaker.loud(since) and self.speaker.quiet_for(since) >= quiet, seconds, failure)
        return time.monotonic()

    def exit_code(self, seconds: float) -> int | None:
        assert self.proc is not None
        try:
            return self.proc.wait(timeout=max(0.1, min(seconds, self.pulse.left())))
        except subprocess.TimeoutExpired:
            return None

    def stderr_tail(self, lines: int = 25) -> str:
        if not self.stderr_path.exists():
            return ""
        return "\n".join(self.stderr_path.read_text(errors="replace").splitlines()[-lines:])

    def close(self) -> None:
        if self.proc is not None:
            _end(self.proc, signal.SIGINT)
        if self.keyboard is not None:
            os.close(self.keyboard)
        for track in (self.speaker, self.mic):
            track.stop()


@contextmanager
def running_guide(pulse: Pulse, home: Path, keys: bool = False) -> Iterator[Guide]:
    """The guide, recorded from before it starts; killed at the end, its stderr shown on failure."""
    if pulse.left() < 45:
        pytest.skip("the module's time budget is spent")
    guide = Guide(pulse, home)
    try:
        guide.start(keys)
        yield guide
    except BaseException:
        # PortAudio's probing noise goes to the guide's stderr: shown only now.
        captions = guide.stdout_path.read_text(errors="replace") if guide.stdout_path.exists() else ""
        print("--- the guide's captions ---\n" + "\n".join(line[:160] for line in captions.splitlines()))
        print("--- the guide's stderr (last lines) ---\n" + guide.stderr_tail())
        raise
    finally:
        guide.close()


def start_long_reading(guide: Guide, phrases: Callable[..., Path]) -> float:
    """Welcome, then "read all" (as "read everything"); returns about 2 s into the reading."""
    begin = guide.started
    guide.wait(lambda: 1 in guide.speaker.loud(begin), 60, "the guide never spoke its welcome")
    # The welcome pauses briefly between sentences while the next is synthesised; 1.5 s of quiet
    # after it means it has ended (the "listening" chime that follows is short).
    ended = guide.wait_until_quiet(begin, 1.5, 90, "the welcome never ended")
    print(f"welcome ended {ended - begin:.1f} s after the start")
    assert guide.captions("Guide"), "the welcome was not captioned"
    # "read everything", not "read all": the first thing the guide hears goes to a fresh
    # PocketSphinx decoder, and the short "read all" is then misheard about half the time ("funny
    # feeling", "foot drop") when it follows 0.2 s or more of quiet, as it does live. That is a
    # recognition weakness, not what this module tests; "read everything" at 175 wpm is heard
    # reliably in the same conditions.
    read_all = guide.say(phrases("read everything", 175))
    guide.wait(
        lambda: any(c.startswith("About leg pain and weakness. Pain and weakness") for c in guide.captions("Guide")),
        10,
        f"'read everything' did not start the reading (heard: {guide.captions('You')})",
    )
    reading = time.monotonic()
    # About 2 s into the reading, and sound is playing at that moment.
    guide.wait(
        lambda: time.monotonic() - reading >= 2.0 and 1 in guide.speaker.loud(time.monotonic() - 0.3),
        8,
        "the reading is not playing",
    )
    return read_all.speech_end


def _describe(segments: list[tuple[float, float, bool]], origin: float) -> str:
    return ", ".join(f"{'cue' if cue else 'speech'} {a - origin:+.3f}..{b - origin:+.3f} s" for a, b, cue in segments)


def say_goodbye(guide: Guide, phrases: Callable[..., Path]) -> list[str]:
    guide.say(phrases("goodbye"))
    code = guide.exit_code(20)
    assert code == 0, f"the guide did not leave cleanly after 'goodbye' (exit code {code})"
    return guide.captions("You")


# --- the tests ----------------------------------------------------------------------------------
def test_stop_silences_a_long_reading_at_once(
    pulse: Pulse, phrases: Callable[..., Path], router: Router, tmp_path: Path
) -> None:
    with running_guide(pulse, tmp_path) as guide:
        start_long_reading(guide, phrases)
        stop = guide.say(phrases("stop"))
        guide.wait(lambda: False, 1.5)  # what follows the stop: a cue or two, then quiet listening
        after = guide.speaker.segments(stop.speech_end, time.monotonic())
        before = guide.speaker.segments(stop.speech_start - 1.0, stop.speech_start)
        lag = None if stop.heard_end is None else stop.heard_end - stop.speech_end
        # What counts: the guide's *voice* after the word "stop" ended. Its "got it" chime (0.12 s),
        # and the "listening" chime that follows when a stop is answered by silence (0.23 s), are
        # told apart from speech by their pure cue pitches: they may sound at any time, but only
        # briefly (CUES_MAX in all). Everything else (speech, or speech running straight into a
        # chime, which then does not count as one) must end within 300 ms of the word's end.
        voice_end = max((b for a, b, cue in after if not cue), default=stop.speech_end)
        delay = voice_end - stop.speech_end
        print(
            f"'stop' spoken {stop.speech_start - stop.started:.3f}..{stop.speech_end - stop.started:.3f} s into "
            f"paplay; heard at the mic {'n/a' if lag is None else f'{lag * 1000:+.0f} ms'} vs the file; "
            f"guide's voice after the word's end: {delay * 1000:.0f} ms; after: "
            f"{_describe(after, stop.speech_end)}"
        )
        assert any(not cue for _, _, cue in before), "the reading was not playing when 'stop' was said"
        assert delay < STOP_WITHIN, (
            f"the guide kept speaking {delay * 1000:.0f} ms after 'stop' ended "
            f"(allowed {STOP_WITHIN * 1000:.0f} ms); sound after it: "
            f"{_describe(after, stop.speech_end)}; heard {guide.captions('You')}, "
            f"said {guide.captions('Guide')[-2:]}"
        )
        chimes = sum(b - a for a, b, cue in after if cue)
        assert chimes <= CUES_MAX, f"{chimes:.2f} s of chimes after 'stop': {_describe(after, stop.speech_end)}"
        # Still alive and listening.
        heard = say_goodbye(guide, phrases)
        assert any(router.route(text).intent == "stop" for text in heard), f"'stop' was not captioned: {heard}"
        assert any(router.route(text).intent == "quit" for text in heard), f"'goodbye' was not captioned: {heard}"
        assert any(c.startswith("Goodbye") for c in guide.captions("Guide")), guide.captions("Guide")


def test_new_question_over_a_reading(
    pulse: Pulse, phrases: Callable[..., Path], router: Router, tmp_path: Path
) -> None:
    with running_guide(pulse, tmp_path) as guide:
        start_long_reading(guide, phrases)
        question = guide.say(phrases("what are the symptoms"))
        guide.wait(
            lambda: any(c.startswith("Symptoms") for c in guide.captions("Guide")),
            8,
            f"the question over the reading was not answered (heard: {guide.captions('You')})",
        )
        answered = guide.wait_until_quiet(question.speech_end, 1.0, 40, "the symptoms answer never ended")
        after = guide.speaker.segments(question.speech_end, answered)
        # After the question: the tail of the reading (at most QUESTION_STOP_WITHIN), the "got it"
        # chime, then the new answer alone, and the "listening" chime once it has been spoken.
        first_cue = next((i for i, (_, _, cue) in enumerate(after) if cue), None)
        assert first_cue is not None, f"no 'got it' chime after the question: {_describe(after, question.speech_end)}"
        tail = max((b for a, b, cue in after[:first_cue] if not cue), default=question.speech_end)
        delay = tail - question.speech_end
        print(
            f"reading went on {delay * 1000:.0f} ms after the question's end; "
            f"after it: {_describe(after[: first_cue + 2], question.speech_end)} ..."
        )
        assert delay < QUESTION_STOP_WITHIN, (
            f"the reading went on {delay * 1000:.0f} ms after the question ended "
            f"(allowed {QUESTION_STOP_WITHIN * 1000:.0f} ms)"
        )
        answer = [(a, b) for a, b, cue in after[first_cue + 1 :] if not cue]
        assert answer, "no spoken answer after the chime"
        spoken = answer[-1][1] - answer[0][0]
        # The symptoms answer is about 30 words (about 12 s at the default rate); the rest of the
        # reading would be minutes.
        assert 3.0 < spoken < 25.0, f"the answer lasted {spoken:.1f} s: {_describe(after, question.speech_end)}"
        heard = say_goodbye(guide, phrases)
        assert any(router.route(text).intent == "section" for text in heard), heard
        assert any(c.startswith("Symptoms") for c in guide.captions("Guide"))
        assert any(c.startswith("Goodbye") for c in guide.captions("Guide")), guide.captions("Guide")


def test_escape_key_silences_a_long_reading(pulse: Pulse, phrases: Callable[..., Path], tmp_path: Path) -> None:
    """Keys for everything: Esc, pressed in the guide's terminal, stops the voice at once."""
    with running_guide(pulse, tmp_path, keys=True) as guide:
        start_long_reading(guide, phrases)
        assert guide.keyboard is not None
        pressed = time.monotonic()
        os.write(guide.keyboard, b"\x1b")
        guide.wait(lambda: False, 1.5)
        after = guide.speaker.segments(pressed, time.monotonic())
        # A lone Esc is told from an arrow key's sequence after 50 ms: that is part of the 300 ms.
        voice_end = max((b for a, b, cue in after if not cue), default=pressed)
        delay = voice_end - pressed
        print(f"guide's voice after Esc: {delay * 1000:.0f} ms; after: {_describe(after, pressed)}")
        assert delay < STOP_WITHIN, f"the guide kept speaking {delay * 1000:.0f} ms after Esc"
        os.write(guide.keyboard, b"q")
        assert guide.exit_code(20) == 0
        assert any(c.startswith("Goodbye") for c in guide.captions("Guide")), guide.captions("Guide")
