#!/usr/bin/env python3
"""Barge-in, echo and room-talk benchmark: the real guide on the PulseAudio rig (tests/support).

Per condition (no echo; the loudspeaker heard by the microphone at each --echo-db level), one run:
- the guide reads its welcome and a section by itself, nobody speaking: every "You:" caption is
  its own voice taken for the user's (self-heard turns, per minute of its speech);
- then, over and over, "read everything" and, a few seconds into the reading, "stop" spoken or
  Esc pressed: how long its voice goes on after the word's end or the key (target: 0.3 s).
Then a second talker in the room (the blind set's dev room talk, another voice) while the guide
waits: how many of those sentences it took as requests.

Run: .venv/bin/python scripts/bench_barge_in.py [--trials N] [--echo-db -36,-24] [--json]
(scripts/bench_latency.py runs this too, beside the turn latency.) A benchmark, never a test:
the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests.support

from tests.support.guide import Guide, use_engine
from tests.support.pulse import Pulse, RigError
from tests.support.room import Talker, blind_sentences
from tests.support.sound import voice_seconds
from voice.content.pack import find_pack, load_pack
from voice.understanding.router import Router

OURS_AFTER = 2.5  # a caption this soon after one of our phrases ended is the answer to it
ALONE_QUIET = 2.0  # the guide is done reading by itself after this much quiet


def _pct(values: list[float], fraction: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * fraction
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


class Session:
    """One guide run in one condition: our phrases are logged, so any other "You:" is self-heard."""

    def __init__(self, pulse: Pulse, work: Path, speech: Path, deadline: float) -> None:
        self.pulse, self.work, self.speech, self.deadline = pulse, work, speech, deadline
        self.ours: list[tuple[float, float]] = []  # (start, end + OURS_AFTER) of what we said or pressed
        self.runs: list[Guide] = []
        self.self_quit = 0

    def guide(self, *args: str) -> Guide:
        guide = Guide(self.pulse, self.work / f"run{len(self.runs)}", self.deadline, speech=self.speech)
        self.runs.append(guide)
        guide.start(*args, keys=True)
        return guide

    def say(self, guide: Guide, text: str, speed: int = 150) -> float:
        said = guide.say(guide.phrase(text, speed))
        self.ours.append((said.started, said.speech_end + OURS_AFTER))
        return said.speech_end

    def self_heard(self) -> list[str]:
        return [
            text
            for guide in self.runs
            for at, text in guide.timed_captions("You")
            if not any(a <= at <= b for a, b in self.ours)
        ]

    def speech_seconds(self) -> float:
        return sum(voice_seconds(g.speaker.segments(g.started)) for g in self.runs)

    def close(self) -> None:
        for guide in self.runs:
            guide.close()


def alive(guide: Guide) -> bool:
    return guide.proc is not None and guide.proc.poll() is None


def stop_trial(session: Session, guide: Guide, key: bool, router: Router) -> dict:
    """One "read everything", then "stop" (or Esc) about 2.5 s into the reading."""
    guide.wait(lambda: not alive(guide) or guide.speaker.quiet_for(guide.started) >= 1.0, 30)
    session.say(guide, "read everything", 175)
    guide.wait(lambda: not alive(guide), 2.5)
    if not alive(guide) or 1 not in guide.speaker.loud(time.monotonic() - 0.3):
        return {"kind": "esc" if key else "stop", "reading": False}
    if key:
        start = guide.press(b"\x1b")
        session.ours.append((start, start + OURS_AFTER))
    else:
        start = session.say(guide, "stop")
    guide.wait(lambda: not alive(guide), 1.5)
    # From a little before: the voice may end while the word is still being said (negative).
    around = guide.speaker.segments(start - 2.0, time.monotonic())
    voice_end = max((s.end for s in around if not s.cue), default=start - 2.0)
    heard = guide.captions("You", since=start - 1.0)
    return {
        "kind": "esc" if key else "stop",
        "reading": True,
        "voice_after_s": voice_end - start,
        "heard_stop": key or any(router.route(t).intent == "stop" for t in heard),
    }


def condition(pulse: Pulse, work: Path, speech: Path, echo_db: float | None, args: argparse.Namespace) -> dict:
    router = Router(load_pack(find_pack("leg_pain")))
    deadline = time.monotonic() + args.session_minutes * 60
    module = pulse.echo(echo_db) if echo_db is not None else None
    session = Session(pulse, work, speech, deadline)
    try:
        guide = session.guide("--start-at", "about")  # the welcome, then a section: nobody speaks
        guide.wait(lambda: 1 in guide.speaker.loud(guide.started), 60, "the guide never spoke")
        guide.wait(lambda: not alive(guide) or guide.speaker.quiet_for(guide.started) >= ALONE_QUIET, args.alone)
        alone = {"self_heard": len(session.self_heard()), "speech_s": session.speech_seconds()}
        trials = []
        for number in range(args.trials):
            if time.monotonic() > deadline - 20:
                break
            if not alive(guide):
                session.self_quit += 1  # it took its own words for "goodbye": start it again
                guide = session.guide()
                guide.wait(lambda g=guide: 1 in g.speaker.loud(g.started), 60, "the guide never spoke")
            try:
                trials.append(stop_trial(session, guide, key=number % 2 == 1, router=router))
            except RigError:
                if alive(guide):
                    raise
                trials.append({"kind": "esc" if number % 2 else "stop", "reading": False})  # it left mid-trial
        heard = session.self_heard()
        speech = session.speech_seconds()
        return {
            "echo_db": echo_db,
            "echo_db_measured": pulse.echo_level_db(module) if module is not None else None,
            "alone": alone,
            "trials": trials,
            "self_heard": len(heard),
            "self_heard_texts": heard,
            "speech_s": speech,
            "self_heard_per_min": len(heard) / (speech / 60) if speech else None,
            "left_by_itself": session.self_quit + sum(not alive(g) for g in session.runs[-1:]),
        }
    finally:
        session.close()
        if module is not None:
            pulse.unload(module)


def room_talk(pulse: Pulse, work: Path, speech: Path, args: argparse.Namespace) -> dict:
    """A second talker while the guide waits for the user: its sentences should all be left alone."""
    guide = Guide(pulse, work / "room", time.monotonic() + args.room + 180, speech=speech)
    try:
        guide.start()
        guide.wait(lambda: 1 in guide.speaker.loud(guide.started), 60, "the guide never spoke")
        guide.wait_until_quiet(guide.started, 1.5, 90, "the welcome never ended")
        talker = Talker(pulse, blind_sentences("room_talk", "dev"), speech, level_db=args.room_db).start()
        guide.wait(lambda: not alive(guide), args.room)
        talker.stop()
        taken = [at for at, _ in guide.timed_captions("You") if talker.talking(at)]
        taken_sentences = sum(any(a <= at <= b + 3.0 for at in taken) for a, b in talker.spoken)
        return {
            "level_db": args.room_db,
            "sentences": len(talker.spoken),
            "taken": taken_sentences,
            "left_alone": len(talker.spoken) - taken_sentences,
            "heard": [t for at, t in guide.timed_captions("You")],
            "left_by_itself": not alive(guide),
        }
    finally:
        guide.close()


def measure(pulse: Pulse, work: Path, speech: Path, args: argparse.Namespace) -> dict:
    """Every condition, then the room talk, on a running server."""
    out: dict = {"conditions": []}
    for level in [None, *args.echo_db]:
        print(f"barge-in: echo {'off' if level is None else f'{level:g} dB'}", file=sys.stderr, flush=True)
        out["conditions"].append(condition(pulse, work / f"echo{level}", speech, level, args))
    if args.room > 0:
        print("barge-in: a second talker in the room", file=sys.stderr, flush=True)
        out["room"] = room_talk(pulse, work, speech, args)
    return out


def print_table(result: dict) -> None:
    def f(value: float | None, unit: str = " s") -> str:
        return "n/a" if value is None else f"{value:.3f}{unit}"

    conditions = result["conditions"]
    names = ["no echo" if c["echo_db"] is None else f"echo {c['echo_db']:g} dB" for c in conditions]
    print("\nreal time, the guide reading (welcome + a section alone, then stop trials):")
    print(f"{'measure':44s}" + "".join(f"{n:>14s}" for n in names))

    def row(label: str, cells: list[str]) -> None:
        print(f"{label:44s}" + "".join(f"{c:>14s}" for c in cells))

    for kind, label in (("stop", '"stop" spoken: voice after its end'), ("esc", "Esc pressed: voice after the key")):
        values = [[t["voice_after_s"] for t in c["trials"] if t["kind"] == kind and t["reading"]] for c in conditions]
        row(f"{label} p50", [f(_pct(v, 0.5)) for v in values])
        row(f"{label} max", [f(max(v, default=None)) for v in values])
    row(
        '"stop" heard / stop trials while reading',
        [
            f"{sum(t['heard_stop'] for t in c['trials'] if t['kind'] == 'stop' and t['reading'])}"
            f"/{sum(t['kind'] == 'stop' and t['reading'] for t in c['trials'])}"
            for c in conditions
        ],
    )
    row("trials with no reading to stop", [str(sum(not t["reading"] for t in c["trials"])) for c in conditions])
    row("self-heard turns, alone (welcome + section)", [str(c["alone"]["self_heard"]) for c in conditions])
    row("self-heard turns, whole run", [str(c["self_heard"]) for c in conditions])
    row("the guide's own speech in the run", [f(c["speech_s"]) for c in conditions])
    row("self-heard turns per minute of its speech", [f(c["self_heard_per_min"], "") for c in conditions])
    row("left by itself (took its voice for goodbye)", [str(c["left_by_itself"]) for c in conditions])
    room = result.get("room")
    if room:
        share = room["left_alone"] / room["sentences"] if room["sentences"] else 0.0
        print(
            f"\nroom talk (a second voice at {room['level_db']:g} dB, en-gb, while the guide waits): "
            f"{room['sentences']} sentences, {room['taken']} taken as requests, {room['left_alone']} left alone "
            f"({share:.0%}); heard: {room['heard']}"
        )
    stops = [
        statistics.median(v) for c in conditions if (v := [t["voice_after_s"] for t in c["trials"] if t["reading"]])
    ]
    if stops:
        medians = ", ".join(f"{s * 1000:.0f} ms" for s in stops)
        print(f"(stop or Esc to the voice's end, medians per condition: {medians}; target 300 ms)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine", default="auto", choices=("auto", "moonshine", "sphinx"), help="the guide's recogniser"
    )
    parser.add_argument("--trials", type=int, default=6, help="stop trials per condition, spoken and Esc in turn")
    parser.add_argument(
        "--echo-db",
        type=lambda text: [float(x) for x in text.split(",") if x],
        default=[-36.0, -24.0],
        help="echo levels to try, comma-separated dB (PulseAudio's cubic volume: -36 dB is 25%%)",
    )
    parser.add_argument("--alone", type=float, default=90.0, help="longest time the guide reads by itself (s)")
    parser.add_argument("--session-minutes", type=float, default=4.0, help="time limit per condition")
    parser.add_argument("--room", type=float, default=60.0, help="seconds of room talk (0: none)")
    parser.add_argument("--room-db", type=float, default=-6.0, help="the room talker's level against the user's")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    parser.add_argument("--json", action="store_true", help="also print the results as one JSON object")
    parser.add_argument("--folder", default=str(Path(tempfile.gettempdir()) / "voice-guide-speech"))
    args = parser.parse_args()
    use_engine(args.engine)
    with tempfile.TemporaryDirectory(prefix="bench-barge-in-") as work:
        try:
            with Pulse(Path(work)) as pulse:
                result = measure(pulse, Path(work), Path(args.folder), args)
        except RigError as exc:
            print(f"bench_barge_in: {exc}", file=sys.stderr)
            return 1
    print_table(result)
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
