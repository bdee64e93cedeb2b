#!/usr/bin/env python3
"""Echo benchmark: the real guide on the PulseAudio rig (tests/support), its loudspeaker heard by
its microphone, with echo cancellation on and off.

Per echo level and per setting, one session of reading and questions:
- the guide reads its welcome and a section by itself, nobody speaking;
- then, in turn until the session's time is up: a question over the reading (answered?),
  "stop" spoken over the reading, and Esc pressed, each a few seconds into "read everything".
Every "You:" caption that is not one of our phrases is the guide's own voice taken for the
person's (a self-heard turn). Printed: self-heard turns per minute of the guide's speech,
questions answered, "stop" heard, "stop" and Esc latency (p50/p95: the end of the word, or the
key, to the end of the voice; target 0.3 s), and the dB of echo the canceller took out (the
guide's own figures, before its residual gate).

Run: .venv/bin/python scripts/bench_echo.py [--minutes 5] [--off-minutes 1.5] [--echo-db -36,-24]
A benchmark, never a test: the figures depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests.support

from scripts.bench_barge_in import ALONE_QUIET, Session, _pct, alive, stop_trial  # noqa: E402
from tests.support.guide import Guide, use_engine  # noqa: E402
from tests.support.pulse import Pulse, RigError  # noqa: E402
from voice.content.pack import find_pack, load_pack  # noqa: E402
from voice.understanding.router import Router  # noqa: E402

QUESTIONS = (
    ("what are the symptoms", "Symptoms"),
    ("what causes leg pain", "Causes"),
    ("what is the treatment", "Treat"),
)


def question_trial(session: Session, guide: Guide, number: int) -> dict:
    """A question over "read everything", a few seconds in: is it answered?"""
    text, answer = QUESTIONS[number % len(QUESTIONS)]
    guide.wait(lambda: not alive(guide) or guide.speaker.quiet_for(guide.started) >= 1.0, 30)
    session.say(guide, "read everything", 175)
    guide.wait(lambda: not alive(guide), 2.5)
    start = time.monotonic()
    session.say(guide, text)
    answered = guide.wait(
        lambda: not alive(guide) or any(c.startswith(answer) for c in guide.captions("Guide", since=start)), 10
    )
    guide.wait(lambda: not alive(guide), 1.0)
    if alive(guide):
        guide.press(b"\x1b")  # quiet again before the next trial
    return {"kind": "question", "answered": bool(answered and alive(guide))}


def run(pulse: Pulse, work: Path, speech: Path, echo_db: float, cancel: bool, minutes: float) -> dict:
    router = Router(load_pack(find_pack("leg_pain")))
    figures = work / "figures.jsonl"
    pulse.env["VOICE_GUIDE_ECHO_CANCEL"] = "on" if cancel else "off"
    pulse.env["VOICE_GUIDE_ECHO_FIGURES"] = str(figures)
    deadline = time.monotonic() + minutes * 60
    module = pulse.echo(echo_db)
    session = Session(pulse, work, speech, deadline + 60)
    trials: list[dict] = []
    try:
        guide = session.guide("--start-at", "about")  # the welcome, then a section: nobody speaks
        guide.wait(lambda: 1 in guide.speaker.loud(guide.started), 60, "the guide never spoke")
        guide.wait(lambda: not alive(guide) or guide.speaker.quiet_for(guide.started) >= ALONE_QUIET, 90)
        number = 0
        while time.monotonic() < deadline - 15:
            if not alive(guide):
                session.self_quit += 1  # it took its own words for "goodbye": start it again
                guide = session.guide()
                guide.wait(lambda g=guide: 1 in g.speaker.loud(g.started), 60, "the guide never spoke")
            try:
                if number % 3 == 0:
                    trials.append(question_trial(session, guide, number // 3))
                else:
                    trials.append(stop_trial(session, guide, key=number % 3 == 2, router=router))
            except RigError:
                if alive(guide):
                    raise
                trials.append({"kind": "left", "reading": False})
            number += 1
        heard = session.self_heard()
        speech_s = session.speech_seconds()
    finally:
        session.close()  # the guides end (Ctrl+C) and write their figures
        pulse.unload(module)
    runs = [json.loads(line) for line in figures.read_text().splitlines()] if figures.exists() else []
    energy_in, energy_out = sum(r["energy_in"] for r in runs), sum(r["energy_out"] for r in runs)

    def latencies(kind: str) -> list[float]:
        return [t["voice_after_s"] for t in trials if t["kind"] == kind and t.get("reading")]

    return {
        "echo_db": echo_db,
        "cancel": cancel,
        "minutes": minutes,
        "speech_s": speech_s,
        "self_heard": len(heard),
        "self_heard_texts": heard,
        "self_heard_per_min": len(heard) / (speech_s / 60) if speech_s else None,
        "questions": sum(t["kind"] == "question" for t in trials),
        "answered": sum(t.get("answered", False) for t in trials),
        "stops": len(latencies("stop")),
        "stop_heard": sum(t.get("heard_stop", False) for t in trials if t["kind"] == "stop" and t.get("reading")),
        "stop_s": latencies("stop"),
        "esc_s": latencies("esc"),
        "removed_db": 10 * math.log10(energy_in / energy_out) if energy_out > 0 else None,
        "gated_share": sum(r["gated"] for r in runs) / max(1, sum(r["blocks"] for r in runs)) if runs else None,
        "left_by_itself": session.self_quit,
        "removed_median_db": [r.get("removed_median_db", 0.0) for r in runs],
        "delays_s": [r.get("delay_s", -1.0) for r in runs],  # the echo's delay each guide measured (-1: none)
        "sureness": [r.get("sureness", 0.0) for r in runs],
    }


def print_table(results: list[dict]) -> None:
    def f(value: float | None, unit: str = " s", digits: int = 3) -> str:
        return "n/a" if value is None else f"{value:.{digits}f}{unit}"

    names = [f"{r['echo_db']:g} dB {'AEC' if r['cancel'] else 'no AEC'}" for r in results]
    print(f"\n{'real time, echo loopback':42s}" + "".join(f"{n:>16s}" for n in names))

    def row(label: str, cells: list[str]) -> None:
        print(f"{label:42s}" + "".join(f"{c:>16s}" for c in cells))

    row("session (minutes)", [f"{r['minutes']:g}" for r in results])
    row("the guide's own speech", [f(r["speech_s"], " s", 0) for r in results])
    row("self-heard turns", [str(r["self_heard"]) for r in results])
    row("self-heard turns per minute of speech", [f(r["self_heard_per_min"], "", 2) for r in results])
    row("left by itself (its own 'goodbye')", [str(r["left_by_itself"]) for r in results])
    row("questions over the reading answered", [f"{r['answered']}/{r['questions']}" for r in results])
    row('"stop" heard while reading', [f"{r['stop_heard']}/{r['stops']}" for r in results])
    for key, label in (("stop_s", '"stop" end to silence'), ("esc_s", "Esc to silence")):
        row(f"{label} p50", [f(_pct(r[key], 0.5)) for r in results])
        row(f"{label} p95", [f(_pct(r[key], 0.95)) for r in results])
    row("echo removed by the canceller", [f(r["removed_db"], " dB", 1) for r in results])
    row("echo removed, median block", [" ".join(f"{d:.1f}" for d in r["removed_median_db"]) + " dB" for r in results])
    row("echo delay measured", [" ".join(f"{d:.2f}" for d in r["delays_s"]) + " s" for r in results])
    row("blocks turned down by the gate", [f(r["gated_share"] and 100 * r["gated_share"], "%", 0) for r in results])
    for r, name in zip(results, names, strict=True):
        if r["self_heard_texts"]:
            print(f"  {name}: self-heard {r['self_heard_texts']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=5.0, help="session length with echo cancellation")
    parser.add_argument("--off-minutes", type=float, default=1.5, help="session length without (0: skip)")
    parser.add_argument(
        "--echo-db",
        type=lambda text: [float(x) for x in text.split(",") if x],
        default=[-36.0, -24.0],
        help="echo levels, comma-separated dB (PulseAudio's cubic volume: -36 dB is 25%%)",
    )
    parser.add_argument(
        "--engine", default="auto", choices=("auto", "moonshine", "sphinx"), help="the guide's recogniser"
    )
    parser.add_argument("--json", action="store_true", help="also print the results as JSON")
    parser.add_argument("--folder", default=str(Path(tempfile.gettempdir()) / "voice-guide-speech"))
    args = parser.parse_args()
    use_engine(args.engine)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-echo-") as work:
        try:
            with Pulse(Path(work)) as pulse:
                for level in args.echo_db:
                    for cancel, minutes in ((True, args.minutes), (False, args.off_minutes)):
                        if minutes <= 0:
                            continue
                        name = f"echo {level:g} dB, {'with' if cancel else 'without'} echo cancellation"
                        print(f"bench_echo: {name}, {minutes:g} min", file=sys.stderr, flush=True)
                        folder = Path(work) / f"echo{level}-{cancel}"
                        results.append(run(pulse, folder, Path(args.folder), level, cancel, minutes))
        except RigError as exc:
            print(f"bench_echo: {exc}", file=sys.stderr)
            return 1
    print_table(results)
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
