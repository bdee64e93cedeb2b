#!/usr/bin/env python3
"""Spoken-turn latency benchmark: the real `voice-guide run` on a private PulseAudio server.

Two null sinks stand in for the hardware: the guide speaks into `speaker` and hears
`micfeed.monitor`. Spoken questions (espeak-ng, leg_pain.speech.yaml) are played into
`micfeed` in real time, one after the other reply has finished; both monitors are recorded
with parec, and the gap from the end of each question's speech to the first reply audio is
measured on the recordings. Also reported: the guide's own --timings, start-up time to the
first spoken word, resident memory, recognition real-time factor, and SpeechRecognition's
stock recognize_sphinx against the guide's recogniser on the same files.

Run: /tmp/venv/bin/python scripts/bench_latency.py [--questions N] [--json]
A benchmark, never a pass/fail test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from array import array
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from voice.app.packtests import request_matches
from voice.content.pack import find_pack, load_pack
from voice.hearing.speechset import build, load_questions, speech_tests_path
from voice.hearing.wav import load_wav
from voice.quiet import quiet_stderr
from voice.understanding.router import Router
from voice.understanding.vocabulary import recognizer_phrases

RATE = 16000  # both recordings: s16le mono 16 kHz, so sample positions are times
WIN = 160  # 10 ms analysis windows
LOUD = 300  # peak above this (about -40 dBFS) is audible; the null sinks are exact zeros otherwise
QUIET_AFTER_REPLY = 1.0  # this much silence after a reply's timings line: the guide is listening again
QUIET_UNMARKED = 3.0  # without that line (welcome, reprompt): the guide pauses up to ~1.5 s between sentences
FIRST_AUDIO_MAX = 6.0  # no reply by then: the guide heard nothing (its reprompt comes at 8 s)
SKIP = ("quit", "stop")  # these end or silence the conversation; nothing to time
LAST = {"read_all": 1, "slower": 2}  # a long reply and a slower voice would only slow what follows
PAREC_LATENCY_MS = 20
PROBE = """
import sys, pyaudio
p = pyaudio.PyAudio()
s = p.open(format=pyaudio.paInt16, channels=1, rate=16000, output=True)
s.write(bytes(3200))
print("open", flush=True)
sys.stdin.readline()
"""


class BenchError(Exception):
    def __init__(self, message: str, log: Path | None = None) -> None:
        super().__init__(message)
        self.log = log


class Track:
    """One parec recording, read while it grows; its sample clock is tied to time.monotonic()."""

    def __init__(self, device: str, path: Path, env: dict[str, str]) -> None:
        self.path = path
        with open(path, "wb") as out:
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
                stdout=out,
                stderr=subprocess.DEVNULL,
                env=env,
            )
        self.anchor = math.inf  # monotonic time of sample 0 (as if the recording never paused)
        self.loud: list[bool] = []  # one flag per window
        self._read = 0
        self._fresh = False

    def tick(self) -> None:
        # Data is written at most when captured, so now - samples/RATE never undershoots the
        # start; its minimum over many polls is the start plus the smallest delivery delay.
        try:
            samples = self.path.stat().st_size // 2
        except OSError:  # the work folder is being removed at the end
            return
        if samples:
            now = time.monotonic() - samples / RATE
            self.anchor = now if self._fresh else min(self.anchor, now)
            self._fresh = False

    def reanchor(self) -> None:
        """The source was suspended (no samples for a while): learn the clock afresh."""
        self._fresh = True
        limit = time.monotonic() + 1.0
        while self._fresh and time.monotonic() < limit:
            time.sleep(0.005)

    def update(self) -> None:
        with open(self.path, "rb") as f:
            f.seek(self._read)
            data = f.read()
        usable = len(data) // (WIN * 2) * WIN * 2
        self._read += usable
        pcm = array("h")
        pcm.frombytes(data[:usable])
        for i in range(0, len(pcm), WIN):
            block = pcm[i : i + WIN]
            self.loud.append(max(block) > LOUD or -min(block) > LOUD)

    def at(self, t: float) -> int:
        """The window being captured at monotonic time t."""
        return max(0, int((t - self.anchor) * RATE / WIN))

    def time(self, window: int) -> float:
        return self.anchor + window * WIN / RATE

    def first_loud(self, start: int) -> int | None:
        return next((i for i in range(start, len(self.loud)) if self.loud[i]), None)

    def last_loud(self, start: int, end: int | None = None) -> int | None:
        end = len(self.loud) if end is None else min(end, len(self.loud))
        return next((i for i in range(end - 1, start - 1, -1) if self.loud[i]), None)

    def longest_pause(self, start: int, end: int) -> float:
        longest = run = 0
        for loud in self.loud[start:end]:
            run = 0 if loud else run + 1
            longest = max(longest, run)
        return longest * WIN / RATE

    def quiet_for(self, start: int) -> float:
        """Seconds of silence at the end of the recording, counting from window `start` at most."""
        last = self.last_loud(start)
        return (len(self.loud) - (start if last is None else last + 1)) * WIN / RATE

    def stop(self) -> None:
        _end(self.proc, signal.SIGTERM)


@dataclass
class Turn:
    say: str
    expect: str
    path: Path
    played_at: float = 0.0  # monotonic, when paplay started
    file_end: float = 0.0  # last loud sample in the WAV, seconds from its start
    speech_end: float | None = None  # monotonic time of the question's last loud audio at the mic
    reply: int | None = None  # speaker window of the first reply audio
    timings: list[dict] = field(default_factory=list)
    pause: float = 0.0  # the longest silence inside the reply


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.deadline = time.monotonic() + args.max_minutes * 60
        self.env = dict(os.environ)
        runtime = work / "runtime"
        runtime.mkdir(mode=0o700)
        self.env["XDG_RUNTIME_DIR"] = str(runtime)
        self.env["PULSE_SERVER"] = f"unix:{runtime}/pulse/native"  # never someone else's server
        self.env.pop("VOICE_GUIDE_DEBUG_AUDIO", None)
        # A first-time user every run, and the user's own settings and bookmarks left alone.
        self.env["VOICE_GUIDE_CONFIG_DIR"] = str(work / "config")
        self.env["VOICE_GUIDE_STATE_DIR"] = str(work / "state")
        self.pulse_pid: int | None = None
        self.tracks: list[Track] = []
        self.guide: subprocess.Popen | None = None
        self.routing = "default ALSA device (pulse plugin hook)"
        self._polling = threading.Event()
        exe = Path(sys.executable).with_name("voice-guide")
        self.exe = str(exe) if exe.exists() else shutil.which("voice-guide") or "voice-guide"

    # --- the audio server -------------------------------------------------------------
    def start_pulse(self) -> None:
        subprocess.run(
            [
                "pulseaudio",
                "-D",
                "-n",
                "--exit-idle-time=-1",
                "--load=module-native-protocol-unix",
                "--load=module-null-sink sink_name=speaker",
                "--load=module-null-sink sink_name=micfeed",
            ],
            env=self.env,
            check=True,
            timeout=20,
            capture_output=True,
        )
        pid_file = Path(self.env["XDG_RUNTIME_DIR"]) / "pulse" / "pid"
        self.pulse_pid = int(pid_file.read_text().split()[0]) if pid_file.exists() else None
        self.pactl("set-default-sink", "speaker")
        self.pactl("set-default-source", "micfeed.monitor")
        if not self.probe():
            # Not routed through the pulse plugin by default here: say so explicitly.
            conf = self.work / "asound-pulse.conf"
            conf.write_text("pcm.!default { type pulse }\nctl.!default { type pulse }\n")
            self.env["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{conf}"
            self.routing = f"ALSA_CONFIG_PATH override ({conf.name})"
            if not self.probe():
                raise BenchError("PyAudio's default output does not reach the private PulseAudio server.")

    def gate(self, mic: Track, closed: bool) -> None:
        """Suspend micfeed while the guide speaks, so its microphone stream gathers no backlog.

        The guide keeps its capture stream open but unread while it talks; PulseAudio queues
        everything (up to about 2 min), and the next listen reads that stale audio at once: its
        8 s timeout fires at the end of any long reply (a reprompt, and with --exit-after-silence
        an exit). A suspended sink delivers nothing, as a flushed stream would.
        """
        if not self.args.mic_gate:
            return
        self.pactl("suspend-sink", "micfeed", "1" if closed else "0")
        if not closed:
            mic.reanchor()

    def pactl(self, *words: str) -> str:
        done = subprocess.run(["pactl", *words], env=self.env, check=True, timeout=10, capture_output=True, text=True)
        return done.stdout

    def probe(self) -> bool:
        """Does a PyAudio default output stream show up as a sink input on our server?"""
        child = subprocess.Popen(
            [sys.executable, "-c", PROBE],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self.env,
            text=True,
        )
        try:
            ready = _readline(child.stdout, 15.0) == "open"
            return ready and bool(self.pactl("list", "short", "sink-inputs").strip())
        finally:
            _end(child, signal.SIGTERM)

    def stop_pulse(self) -> None:
        try:
            subprocess.run(["pactl", "exit"], env=self.env, timeout=5, capture_output=True)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if self.pulse_pid is None:
            return
        for sig in (None, signal.SIGTERM, signal.SIGKILL):
            if sig is not None:
                try:
                    os.kill(self.pulse_pid, sig)
                except ProcessLookupError:
                    return
            limit = time.monotonic() + 3
            while time.monotonic() < limit:
                if not Path(f"/proc/{self.pulse_pid}").exists():
                    return
                time.sleep(0.05)

    # --- recordings ---------------------------------------------------------------------
    def start_recording(self) -> tuple[Track, Track]:
        speaker = Track("speaker.monitor", self.work / "speaker.raw", self.env)
        mic = Track("micfeed.monitor", self.work / "micfeed.raw", self.env)
        self.tracks = [speaker, mic]
        threading.Thread(target=self._poll, daemon=True).start()
        self.wait(lambda: all(t.anchor < math.inf for t in self.tracks), 10, "parec recorded nothing")
        return speaker, mic

    def _poll(self) -> None:
        while not self._polling.is_set():
            for track in self.tracks:
                track.tick()
            time.sleep(0.002)

    def wait(self, done: object, seconds: float, failure: str | None = None) -> bool:
        """Poll `done()` until true or `seconds` pass; raise with `failure` if given and it never was."""
        limit = min(time.monotonic() + seconds, self.deadline)
        while time.monotonic() < limit:
            for track in self.tracks:
                track.update()
            if done():  # type: ignore[operator]
                return True
            if self.guide is not None and self.guide.poll() is not None:
                raise BenchError(f"the guide exited early (code {self.guide.returncode})", self.work / "guide.stderr")
            time.sleep(0.03)
        if failure:
            raise BenchError(failure, self.work / "guide.stderr")
        return False

    # --- the guide ------------------------------------------------------------------------
    def start_guide(self, *extra: str) -> tuple[subprocess.Popen, float]:
        with open(self.work / "guide.stdout", "a") as out, open(self.work / "guide.stderr", "a") as err:
            started = time.monotonic()
            proc = subprocess.Popen(
                [self.exe, "run", "--engine", "sphinx", "--guide", "leg_pain", *extra],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=self.env,
            )
        self.guide = proc
        return proc, started

    def first_word(self, speaker: Track, started: float) -> float:
        start = speaker.at(started)
        self.wait(lambda: speaker.first_loud(start) is not None, 90, "the guide never spoke its welcome")
        return speaker.time(speaker.first_loud(start) or 0) - started

    def startup_only(self, speaker: Track) -> float:
        """One extra start: time to the first word of the welcome, then stop the guide."""
        proc, started = self.start_guide("--exit-after-silence", "1")
        try:
            return self.first_word(speaker, started)
        finally:
            self.guide = None
            _end(proc, signal.SIGINT)
            last = len(speaker.loud)
            self.wait(lambda: speaker.quiet_for(last) >= 0.5, 10)

    def converse(self, speaker: Track, mic: Track, turns: list[Turn], timings: Path) -> tuple[float, int | None]:
        proc, started = self.start_guide("--timings", str(timings), "--exit-after-silence", "3")
        startup = self.first_word(speaker, started)
        self.gate(mic, True)  # only now: the guide calibrates on the microphone before the welcome
        begin = speaker.first_loud(speaker.at(started)) or 0
        # The welcome is long, with pauses between sentences while the next one is synthesised.
        self.wait(lambda: speaker.quiet_for(begin) >= QUIET_UNMARKED, 120, "the welcome never ended")
        self.gate(mic, False)
        for number, turn in enumerate(turns, 1):
            if time.monotonic() > self.deadline - 30:
                print(f"time limit: stopping after {number - 1} questions", file=sys.stderr)
                del turns[number - 1 :]
                break
            self.ask(speaker, mic, turn, timings)
            if self.args.verbose:
                print(
                    f"  {number:2d}/{len(turns)} {turn.say!r}: {[t.get('heard') for t in turn.timings]}",
                    file=sys.stderr,
                    flush=True,
                )
        rss = _rss_kb(proc.pid)
        self.guide = None
        _end(proc, signal.SIGINT)
        return startup, rss

    def ask(self, speaker: Track, mic: Track, turn: Turn, timings: Path) -> None:
        before = _lines(timings)
        duration = _wav_seconds(turn.path)
        turn.played_at = time.monotonic()
        subprocess.run(
            ["paplay", "--device=micfeed", str(turn.path)],
            env=self.env,
            check=True,
            timeout=duration + 15,
            capture_output=True,
        )
        ended = time.monotonic()
        self.wait(lambda: False, 0.1)  # let the last of the question reach the mic recording
        # paplay and the guide's reply may overlap (an early stop answers during the trailing pad).
        last = mic.last_loud(mic.at(turn.played_at) - 10, mic.at(ended) + 30)
        if last is None:
            raise BenchError(f"the question '{turn.say}' never reached micfeed.monitor")
        turn.speech_end = mic.time(last + 1)  # the end of the last loud window
        start = speaker.at(turn.played_at)  # quiet then: the previous reply had finished
        got = self.wait(
            lambda: speaker.first_loud(start) is not None,
            max(0.0, turn.speech_end + FIRST_AUDIO_MAX - time.monotonic()),
        )
        if got:
            turn.reply = speaker.first_loud(start)
            self.gate(mic, True)

            def finished() -> bool:
                quiet = speaker.quiet_for(turn.reply or start)
                # The guide writes its timings line once the reply is all queued; without one (a
                # reprompt, not a reply) a longer silence will do.
                return quiet >= (QUIET_AFTER_REPLY if _lines(timings) > before else QUIET_UNMARKED)

            try:
                self.wait(finished, self.args.max_reply)
            finally:
                self.gate(mic, False)
            turn.pause = speaker.longest_pause(turn.reply, speaker.last_loud(turn.reply) or turn.reply)
        turn.timings = [json.loads(line) for line in _read_lines(timings)[before:]]
        if turn.reply is not None and not turn.timings:
            turn.reply = None  # audio without a timings line was the reprompt, not an answer

    def close(self) -> None:
        if self._polling.is_set():
            return  # already closed
        if self.guide is not None:
            _end(self.guide, signal.SIGINT)
        self._polling.set()
        for track in self.tracks:
            track.stop()
        self.stop_pulse()


# --- helpers ------------------------------------------------------------------------------------
def _end(proc: subprocess.Popen, sig: int) -> None:
    """Stop a child we started: `sig`, then SIGKILL if it lingers."""
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()


def _readline(pipe: IO[str] | None, seconds: float) -> str:
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(pipe.readline() if pipe else ""), daemon=True)
    reader.start()
    reader.join(seconds)
    return box[0].strip() if box else ""


def _read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


def _lines(path: Path) -> int:
    return len(_read_lines(path))


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def _last_loud_in_file(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        pcm = array("h")
        pcm.frombytes(wav.readframes(wav.getnframes()))
        rate = wav.getframerate()
    last = next((i for i in range(len(pcm) - 1, -1, -1) if abs(pcm[i]) > LOUD), 0)
    return (last + 1) / rate


def _pct(values: list[float], fraction: float) -> float | None:
    """Linear-interpolated percentile; None when there is nothing to summarise."""
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * fraction
    low, high = math.floor(k), math.ceil(k)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _offline(turns: list[Turn], router: Router, pack: object) -> dict:
    """The guide's recogniser and SpeechRecognition's stock recognize_sphinx on the same files."""
    import speech_recognition as sr

    from voice.hearing.sphinx_engine import SphinxRecognizer

    audio = [(turn, load_wav(turn.path)) for turn in turns]
    guide = SphinxRecognizer(recognizer_phrases(pack))  # type: ignore[arg-type]
    generic = sr.Recognizer()

    def stock(pcm: bytes) -> str:
        try:
            with quiet_stderr():  # PocketSphinx logs every model load
                return generic.recognize_sphinx(sr.AudioData(pcm, RATE, 2))
        except sr.UnknownValueError:
            return ""

    out = {}
    for label, transcribe in (("guide", lambda pcm: guide.transcribe(pcm).text), ("recognize_sphinx", stock)):
        seconds, factors, right, texts = [], [], 0, []
        for turn, pcm in audio:
            start = time.perf_counter()
            text = transcribe(pcm)
            took = time.perf_counter() - start
            seconds.append(took)
            factors.append(took / (len(pcm) / 2 / RATE))
            right += request_matches(router.route(text), turn.expect)
            texts.append(text)
        out[label] = {
            "right": right,
            "total": len(audio),
            "median_s": statistics.median(seconds),
            "rtf_median": statistics.median(factors),
            "texts": texts,
        }
    return out


def _summary(
    turns: list[Turn],
    speaker: Track,
    startups: list[float],
    rss: int | None,
    offline: dict,
    routing: str,
    router: Router,
    gate: bool,
) -> dict:
    gaps = [speaker.time(t.reply) - t.speech_end for t in turns if t.reply is not None and t.speech_end is not None]
    # The same end of speech from the file and paplay's start: how late paplay's audio lands.
    paplay_lag = [t.speech_end - (t.played_at + t.file_end) for t in turns if t.speech_end is not None]
    records = [t.timings[0] for t in turns if t.timings]
    pauses = [t.pause for t in turns if t.reply is not None]
    internal = {
        key: {"p50": _pct([r[key] for r in records], 0.5), "p95": _pct([r[key] for r in records], 0.95)}
        for key in ("end_of_speech_s", "recognition_s", "routing_s", "synthesis_s", "end_to_audio_s")
    }
    return {
        "questions": len(turns),
        "answered": len(gaps),
        "end_of_speech_to_reply_s": {"p50": _pct(gaps, 0.5), "p95": _pct(gaps, 0.95), "all": gaps},
        "guide_timings": internal,
        "answered_twice": sum(len(t.timings) > 1 for t in turns),
        "longest_pause_in_reply_s": {"p50": _pct(pauses, 0.5), "max": max(pauses, default=None)},
        "early_stop_rate": sum(r["early_stop"] for r in records) / len(records) if records else None,
        # What the running guide heard, routed afresh (its timings line has no section or item).
        "live_heard_as_expected": sum(
            bool(t.timings) and request_matches(router.route(t.timings[0]["heard"]), t.expect) for t in turns
        ),
        "startup_s": {"median": statistics.median(startups) if startups else None, "runs": startups},
        "rss_mb": rss / 1024 if rss else None,
        "recognition_rtf_median": offline["guide"]["rtf_median"],
        "offline": {k: {x: v for x, v in d.items() if x != "texts"} for k, d in offline.items()},
        "paplay_lag_median_s": statistics.median(paplay_lag) if paplay_lag else None,
        "audio_routing": routing,
        "mic_gate": gate,
        "per_question": [
            {
                "say": t.say,
                "expect": t.expect,
                "heard": [r.get("heard") for r in t.timings],
                "guide_timings": t.timings,
                "longest_pause_s": t.pause,
                "gap_s": speaker.time(t.reply) - t.speech_end
                if t.reply is not None and t.speech_end is not None
                else None,
            }
            for t in turns
        ],
    }


def _print_table(s: dict) -> None:
    def f(value: float | None, unit: str = " s") -> str:
        return "n/a" if value is None else f"{value:.3f}{unit}"

    gap = s["end_of_speech_to_reply_s"]
    print(
        f"voice-guide latency: {s['questions']} spoken questions (en-us, 150 wpm, clean), engine sphinx, "
        f"{s['answered']} answered"
    )
    print(f"{'measure':44s} {'p50':>9s} {'p95':>9s}")
    print(f"{'end of speech -> first reply audio (parec)':44s} {f(gap['p50']):>9s} {f(gap['p95']):>9s}")
    for key, value in s["guide_timings"].items():
        print(f"{'  guide --timings ' + key:44s} {f(value['p50']):>9s} {f(value['p95']):>9s}")
    rate = s["early_stop_rate"]
    print(f"{'early-stop rate':44s} {'n/a' if rate is None else f'{rate:.0%}':>9s}")
    runs = ", ".join(f"{r:.2f}" for r in s["startup_s"]["runs"])
    twice = s["answered_twice"]
    print(f"{'questions answered twice (tail heard again)':44s} {twice:>9d}")
    pause = s["longest_pause_in_reply_s"]
    print(f"{'longest silence inside a reply (p50, max)':44s} {f(pause['p50']):>9s} {f(pause['max']):>9s}")
    print(f"{'start-up to first spoken word (median)':44s} {f(s['startup_s']['median']):>9s}   runs: {runs}")
    rss = s["rss_mb"]
    print(f"{'guide resident memory (VmRSS) after questions':44s} {'n/a' if rss is None else f'{rss:.1f} MB':>9s}")
    print(f"{'recognition real-time factor (median)':44s} {f(s['recognition_rtf_median'], ''):>9s}")
    print(f"\noffline, same {s['questions']} files: {'accuracy':>16s} {'median time':>12s}")
    for label, name in (
        ("guide", "guide's PocketSphinx (grammar + n-gram)"),
        ("recognize_sphinx", "SpeechRecognition recognize_sphinx"),
    ):
        d = s["offline"][label]
        acc = f"{d['right']}/{d['total']} ({d['right'] / d['total']:.0%})"
        print(f"  {name:40s} {acc:>12s} {f(d['median_s']):>12s}")
    print(f"\nlive turns routed to the expected kind of answer: {s['live_heard_as_expected']}/{s['questions']}")
    print(
        f"notes: gaps are measured on parec recordings of both null-sink monitors ({PAREC_LATENCY_MS} ms "
        f"fragments; clocks anchored by the smallest observed delivery delay), so each end is late by a few "
        f"ms up to one fragment and the two mostly cancel; paplay's audio landed {f(s['paplay_lag_median_s'])} "
        f"after its start + the file's speech end (median). RTF is decode time over the whole file, 2 s of "
        f"padding included. Audio routing: {s['audio_routing']}. micfeed suspended while the guide "
        f"speaks: {s['mic_gate']} (works around its stale microphone backlog)."
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, metavar="N", help="how many questions (default: all eligible)")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON object")
    parser.add_argument("--startup-runs", type=int, default=3, help="start-up measurements, the main run included")
    parser.add_argument("--max-reply", type=float, default=300.0, help="longest wait for one reply to finish (s)")
    parser.add_argument("--max-minutes", type=float, default=35.0, help="overall time limit")
    parser.add_argument(
        "--folder",
        default=str(Path(tempfile.gettempdir()) / "voice-guide-speech"),
        help="cache of spoken question WAVs (shared with speech_accuracy.py)",
    )
    parser.add_argument(
        "--mic-gate",
        action="store_true",
        help="suspend micfeed while the guide speaks (for a guide that does not read its "
        "microphone while speaking and so hears stale audio afterwards)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the recordings and logs (the folder is printed)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one progress line per question on stderr")
    args = parser.parse_args()

    # A terminated benchmark must still stop its server and guide.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    pack_path = find_pack("leg_pain")
    pack = load_pack(pack_path)
    router = Router(pack)
    eligible = [q for q in load_questions(speech_tests_path(pack_path)) if q[1] not in SKIP]
    eligible.sort(key=lambda q: LAST.get(q[1], 0))
    eligible = eligible[: args.questions] if args.questions else eligible
    spoken = build(eligible, Path(args.folder), voices=("en-us",), speeds=(150,), noisy=(False,))
    turns = [Turn(s.say, s.expect, s.path, file_end=_last_loud_in_file(s.path)) for s in spoken]

    work = Path(tempfile.mkdtemp(prefix="bench-latency-"))
    bench = Bench(args, work)
    try:
        bench.start_pulse()
        speaker, mic = bench.start_recording()
        startups = [bench.startup_only(speaker) for _ in range(max(0, args.startup_runs - 1))]
        startup, rss = bench.converse(speaker, mic, turns, work / "timings.jsonl")
        startups.append(startup)
        bench.close()  # the guide and the server go before the offline runs, which want the CPU
        offline = _offline(turns, router, pack)
        for track in (speaker, mic):
            track.update()
        summary = _summary(turns, speaker, startups, rss, offline, bench.routing, router, args.mic_gate)
    except (BenchError, subprocess.SubprocessError, OSError) as exc:
        print(f"bench_latency: {exc}", file=sys.stderr)
        log = getattr(exc, "log", None)
        if log is not None and log.exists():
            print("--- the guide's stderr (last lines) ---", file=sys.stderr)
            print("\n".join(log.read_text(errors="replace").splitlines()[-20:]), file=sys.stderr)
        return 1
    finally:
        bench.close()
        if args.keep:
            print(f"recordings and logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    _print_table(summary)
    if args.json:
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
