#!/usr/bin/env python3
"""Spoken-turn latency benchmark: the real `voice-guide run` on the PulseAudio rig (tests/support).

Spoken questions (espeak-ng, leg_pain.speech.yaml) are played into the guide's microphone in real
time, each after the reply before it has finished; what it plays and hears is recorded, and the
gap from the end of each question's speech to the first reply audio is measured on the recordings.
Also reported: the guide's own --timings, start-up time to the first spoken word, resident memory,
recognition real-time factor, SpeechRecognition's stock recognize_sphinx against the guide's
recogniser on the same files, and (scripts/bench_barge_in.py, run after) "stop" and Esc latency,
self-heard turns per minute with a laptop's echo, and room talk taken as requests.

Run: .venv/bin/python scripts/bench_latency.py [--questions N] [--phases turns,barge] [--json]
A benchmark, never a pass/fail test: figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests.support

import bench_barge_in

from tests.support import guide as guide_rig
from tests.support.guide import Guide, use_engine
from tests.support.pulse import Pulse, RigError
from tests.support.sound import speech_span
from tests.support.speech import build, load_questions, speech_tests_path
from tests.support.track import PAREC_LATENCY_MS
from voice.app.packtests import request_matches
from voice.content.pack import find_pack, load_pack
from voice.hearing.wav import load_wav
from voice.quiet import quiet_stderr
from voice.understanding.router import Router
from voice.understanding.vocabulary import recognizer_phrases

RATE = 16000
QUIET_AFTER_REPLY = 1.0  # this much silence after a reply's timings line: the guide is listening again
QUIET_UNMARKED = 3.0  # without that line (welcome, reprompt): the guide pauses up to ~1.5 s between sentences
FIRST_AUDIO_MAX = 6.0  # no reply by then: the guide heard nothing (its reprompt comes at 8 s)
SKIP = ("quit", "stop")  # these end or silence the conversation; nothing to time
LAST = {"read_all": 1, "slower": 2}  # a long reply and a slower voice would only slow what follows


@dataclass
class Turn:
    say: str
    expect: str
    path: Path
    played_at: float = 0.0  # monotonic, when paplay started
    file_end: float = 0.0  # last loud sample in the WAV, seconds from its start
    speech_end: float | None = None  # monotonic time of the question's last loud audio at the mic
    gap: float | None = None  # speech end to the first reply audio
    timings: list[dict] = field(default_factory=list)
    pause: float = 0.0  # the longest silence inside the reply


def _read_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.strip()] if path.exists() else []


class Turns:
    """One conversation of spoken questions, timed; start-up measured in runs of its own."""

    def __init__(self, pulse: Pulse, work: Path, args: argparse.Namespace) -> None:
        self.pulse, self.work, self.args = pulse, work, args
        self.deadline = time.monotonic() + args.max_minutes * 60
        self.timings = work / "timings.jsonl"

    def guide(self, name: str, *extra: str) -> Guide:
        guide = Guide(self.pulse, self.work / name, self.deadline)
        guide.start(*extra)
        return guide

    def first_word(self, guide: Guide) -> float:
        guide.wait(lambda: guide.speaker.first_sound(guide.started) is not None, 90, "the guide never spoke")
        return (guide.speaker.first_sound(guide.started) or 0.0) - guide.started

    def startup_only(self, number: int) -> float:
        """One extra start: time to the first word of the welcome, then stop the guide."""
        guide = self.guide(f"startup{number}", "--exit-after-silence", "1")
        try:
            return self.first_word(guide)
        finally:
            guide.close()

    def gate(self, guide: Guide, closed: bool) -> None:
        """Suspend micfeed while the guide speaks, so its microphone stream gathers no backlog.

        For a guide that keeps its capture stream open but unread while it talks: PulseAudio
        queues everything, and the next listen reads that stale audio at once. A suspended sink
        delivers nothing, as a flushed stream would.
        """
        if self.args.mic_gate:
            self.pulse.suspend("micfeed", closed)
            if not closed:
                guide.mic.reanchor()

    def converse(self, turns: list[Turn]) -> tuple[float, int | None]:
        guide = self.guide("turns", "--timings", str(self.timings), "--exit-after-silence", "3")
        try:
            startup = self.first_word(guide)
            self.gate(guide, True)  # only now: the guide calibrates on the microphone before the welcome
            # The welcome is long, with pauses between sentences while the next one is synthesised.
            guide.wait_until_quiet(guide.started, QUIET_UNMARKED, 120, "the welcome never ended")
            self.gate(guide, False)
            for number, turn in enumerate(turns, 1):
                if time.monotonic() > self.deadline - 30:
                    print(f"time limit: stopping after {number - 1} questions", file=sys.stderr)
                    del turns[number - 1 :]
                    break
                self.ask(guide, turn)
                if self.args.verbose:
                    heard = [t.get("heard") for t in turn.timings]
                    print(f"  {number:2d}/{len(turns)} {turn.say!r}: {heard}", file=sys.stderr, flush=True)
            return startup, guide.rss_kb()
        finally:
            if self.args.keep:
                guide.speaker.save(self.work / "speaker.raw")
                guide.mic.save(self.work / "micfeed.raw")
            guide.close()

    def ask(self, guide: Guide, turn: Turn) -> None:
        before = len(_read_lines(self.timings))
        said = guide.say(turn.path)
        turn.played_at = said.started
        speaker = guide.speaker
        # paplay and the guide's reply may overlap (an early stop answers during the trailing pad);
        # the question's end is its last loud audio at the mic before the reply starts (so an
        # echo of the reply, where there is one, does not count).
        reply = speaker.first_sound(said.started)
        last = guide.mic.last_sound(said.started - 0.1, reply)
        if last is None:
            raise RigError(f"the question '{turn.say}' never reached micfeed.monitor")
        turn.speech_end = last
        got = guide.wait(
            lambda: speaker.first_sound(said.started) is not None,
            max(0.0, last + FIRST_AUDIO_MAX - time.monotonic()),
        )
        reply = speaker.first_sound(said.started) if got else None
        if reply is not None:
            self.gate(guide, True)

            def finished() -> bool:
                # The guide writes its timings line once the reply is all queued; without one (a
                # reprompt, not a reply) a longer silence will do.
                marked = len(_read_lines(self.timings)) > before
                return speaker.quiet_for(reply) >= (QUIET_AFTER_REPLY if marked else QUIET_UNMARKED)

            try:
                guide.wait(finished, self.args.max_reply)
            finally:
                self.gate(guide, False)
            turn.pause = speaker.longest_pause(reply, speaker.last_sound(reply) or reply)
        turn.timings = [json.loads(line) for line in _read_lines(self.timings)[before:]]
        if reply is not None and turn.timings:  # audio without a timings line was the reprompt
            turn.gap = reply - last


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

    from voice.hearing.engines import make_recognizer
    from voice.understanding.heard import clear_request

    audio = [(turn, load_wav(turn.path)) for turn in turns]
    clear = clear_request(router.route)
    guide = make_recognizer(recognizer_phrases(pack), guide_rig.ENGINE, notify=lambda _: None, clear=clear)  # type: ignore[arg-type]
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
    startups: list[float],
    rss: int | None,
    offline: dict,
    routing: str,
    router: Router,
    gate: bool,
) -> dict:
    gaps = [t.gap for t in turns if t.gap is not None]
    # The same end of speech from the file and paplay's start: how late paplay's audio lands.
    paplay_lag = [t.speech_end - (t.played_at + t.file_end) for t in turns if t.speech_end is not None]
    records = [t.timings[0] for t in turns if t.timings]
    pauses = [t.pause for t in turns if t.gap is not None]
    internal = {
        key: {"p50": _pct([r[key] for r in records], 0.5), "p95": _pct([r[key] for r in records], 0.95)}
        for key in ("end_of_speech_s", "recognition_s", "routing_s", "synthesis_s", "end_to_audio_s")
    }
    return {
        "questions": len(turns),
        "engine": guide_rig.ENGINE,
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
                "gap_s": t.gap,
            }
            for t in turns
        ],
    }


def _print_table(s: dict) -> None:
    def f(value: float | None, unit: str = " s") -> str:
        return "n/a" if value is None else f"{value:.3f}{unit}"

    gap = s["end_of_speech_to_reply_s"]
    print(
        f"voice-guide latency: {s['questions']} spoken questions (en-us, 150 wpm, clean), "
        f"engine {s.get('engine', '?')}, {s['answered']} answered"
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


def turn_latency(pulse: Pulse, work: Path, args: argparse.Namespace) -> dict:
    pack = load_pack(find_pack("leg_pain"))
    eligible = [q for q in load_questions(speech_tests_path(find_pack("leg_pain"))) if q[1] not in SKIP]
    eligible.sort(key=lambda q: LAST.get(q[1], 0))
    eligible = eligible[: args.questions] if args.questions else eligible
    spoken = build(eligible, Path(args.folder), voices=("en-us",), speeds=(150,), noisy=(False,))
    turns = [Turn(s.say, s.expect, s.path, file_end=speech_span(s.path)[1]) for s in spoken]
    bench = Turns(pulse, work, args)
    startups = [bench.startup_only(n) for n in range(max(0, args.startup_runs - 1))]
    startup, rss = bench.converse(turns)
    startups.append(startup)
    return {"turns": turns, "startups": startups, "rss": rss, "router": Router(pack), "pack": pack}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=int, metavar="N", help="how many questions (default: all eligible)")
    parser.add_argument("--phases", default="turns,barge", help="turns (question latency), barge (bench_barge_in)")
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON object")
    parser.add_argument("--startup-runs", type=int, default=3, help="start-up measurements, the main run included")
    parser.add_argument("--max-reply", type=float, default=300.0, help="longest wait for one reply to finish (s)")
    parser.add_argument("--max-minutes", type=float, default=35.0, help="time limit for the turns")
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
    bench_barge_in.add_arguments(parser)
    args = parser.parse_args()
    use_engine(args.engine)
    phases = set(args.phases.split(","))

    # A terminated benchmark must still stop its server and guide.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = Path(tempfile.mkdtemp(prefix="bench-latency-"))
    summary: dict = {}
    barge = None
    try:
        with Pulse(work) as pulse:
            turns = turn_latency(pulse, work, args) if "turns" in phases else None
            if "barge" in phases:
                barge = bench_barge_in.measure(pulse, work / "barge", Path(args.folder), args)
        if turns is not None:  # the offline runs want the CPU: the guide and the server have gone
            offline = _offline(turns["turns"], turns["router"], turns["pack"])
            routing = "PulseAudio null sinks through ALSA's pulse plugin"
            summary = _summary(
                turns["turns"], turns["startups"], turns["rss"], offline, routing, turns["router"], args.mic_gate
            )
    except (RigError, OSError) as exc:
        print(f"bench_latency: {exc}", file=sys.stderr)
        log = getattr(exc, "log", None)
        if log is not None and log.exists():
            print("--- the guide's stderr (last lines) ---", file=sys.stderr)
            print("\n".join(log.read_text(errors="replace").splitlines()[-20:]), file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"recordings and logs kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    if summary:
        _print_table(summary)
    if barge is not None:
        bench_barge_in.print_table(barge)
        summary["barge_in"] = barge
    if args.json:
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
