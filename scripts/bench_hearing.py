#!/usr/bin/env python3
"""Hearing benchmark (issue 10): the blind spoken sets, spoken by the voices the guide was tuned on
(espeak-ng) and by voices set aside (flite, festival), clean, at 15 dB pink noise and in a
reverberant room, decoded by the recogniser the app builds and routed by its router.

Per voice x condition x split (dev, heldout, fresh) it prints, side by side:
  in-scope    in-scope requests routed to the expected section, item or command
  alone       not-for-me speech (room talk, television, off topic) left alone: rejected, or
              answered "unknown"; never an action, a reading or a safety line
  kept        emergencies (typed_safety.yaml's, spoken) not rejected, or at least pointed to
              emergency help ("didn't catch that; if you need help urgently, call ..."): must be 100%
  emerg       emergencies answered as emergencies
and the decoding + routing time per utterance.

Run: .venv/bin/python scripts/bench_hearing.py [--engine auto|moonshine|sphinx|vosk] [--model PATH]
     [--voices a,b] [--conditions clean,noise15,reverb] [--split dev,heldout,fresh]
     [--limit N] [--workers 1|2] [--json] [--misses]
A benchmark, never a pass/fail test. Heldout and fresh entries are only measured: --misses lists
the dev split's misses only, as those are the ones that may be looked at.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests.support

from tests.support.hearing import SPLITS, Hearer, Outcome, Sentence, as_dict, hear_all, sentences, share
from tests.support.voices import CONDITIONS, SET_ASIDE, TUNED, VOICES, Voice, choose
from voice.content.pack import find_pack, load_pack
from voice.errors import GuideError

# The targets, and what it measured before (on other voices and rooms).
TARGETS = (
    "in scope >= 92% clean, >= 85% at 15 dB (set-aside voices); not for me left alone >= 95%; emergencies kept 100%"
)
BEFORE = "issue 10 measured before: in scope about 75% clean, 55% at 15 dB; not for me left alone about 8%"
COLUMNS = (("in-scope", "in_scope", False), ("alone", "not_for_me", False), ("kept", "emergency", True))


def _limited(found: list[Sentence], limit: int) -> list[Sentence]:
    """At most `limit` sentences of each split and kind, spread over the set (not just its start)."""
    if not limit:
        return found
    groups: dict[tuple[str, str], list[Sentence]] = defaultdict(list)
    for s in found:
        groups[(s.split, s.kind)].append(s)
    out = []
    for group in groups.values():
        step = max(1, len(group) // limit)
        out += group[::step][:limit]
    return out


def _percent(right: int, total: int, inverse: bool = False) -> str:
    if not total:
        return "-"
    return f"{(total - right if inverse else right) / total:.0%}"


def _cells(outcomes: list[Outcome]) -> list[str]:
    cells = []
    for _, kind, inverse in COLUMNS:
        right, total = share(outcomes, kind, rejected=inverse)
        cells.append(_percent(right, total, inverse))
    right, total = share(outcomes, "emergency")
    cells.append(_percent(right, total))
    return cells


def table(outcomes: list[Outcome], voices: list[Voice], conditions: list[str], splits: list[str]) -> str:
    by: dict[tuple[str, str, str], list[Outcome]] = defaultdict(list)
    for o in outcomes:
        group = "all tuned" if o.voice in TUNED else "all set aside"
        for row in (o.voice, group):
            by[(row, o.condition, o.split)].append(o)
    names = ("in-scope", "alone", "kept", "emerg")
    span = 9 * len(names)
    lines = [f"{'voice':14} {'condition':9} " + "".join(f"| {s:<{span - 1}}" for s in splits) + "| ms/utt"]
    lines.append(f"{'':24} " + "".join("|" + "".join(f"{n:>9}" for n in names) for _ in splits) + "|")
    rule = "-" * len(lines[0])
    lines.append(rule)
    groups = [g for g in ("all tuned", "all set aside") if any(r[0] == g for r in by)]
    for row in [v.name for v in voices] + [rule] + groups:
        if row == rule:
            lines.append(rule)
            continue
        for condition in conditions:
            chosen = [o for s in splits for o in by[(row, condition, s)]]
            if not chosen:
                continue
            cells = "".join("|" + "".join(f"{c:>9}" for c in _cells(by[(row, condition, s)])) for s in splits)
            ms = sum(o.ms for o in chosen) / len(chosen)
            lines.append(f"{row:14} {condition:9} {cells}| {ms:6.0f}")
    return "\n".join(lines)


def header(engine: str, found: list[Sentence], splits: list[str]) -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = "?"
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    counts = []
    for split in splits:
        chosen = [s for s in found if s.split == split]
        kinds = {k: sum(s.kind == k for s in chosen) for k in ("in_scope", "not_for_me", "emergency")}
        counts.append(
            f"{split}: {kinds['in_scope']} in scope, {kinds['not_for_me']} not for me, {kinds['emergency']} emergencies"
        )
    return "\n".join(
        [
            f"hearing benchmark, commit {commit}, engine {engine}, {when}",
            "; ".join(counts),
            f"targets: {TARGETS}",
            BEFORE,
            f"tuned voices: {', '.join(TUNED)}; set aside (never tuned on): {', '.join(SET_ASIDE)}",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", default="auto", choices=("auto", "moonshine", "sphinx", "vosk"))
    parser.add_argument("--model", help="a Vosk model folder (--engine vosk)")
    parser.add_argument("--voices", help=f"comma list (default all): {', '.join(VOICES)}")
    parser.add_argument("--conditions", default=",".join(CONDITIONS), help=f"comma list of {', '.join(CONDITIONS)}")
    parser.add_argument("--split", default=",".join(SPLITS), help="comma list of dev, heldout, fresh")
    parser.add_argument("--limit", type=int, default=0, help="at most N sentences of each split and kind")
    parser.add_argument("--workers", type=int, default=2, choices=(1, 2))
    parser.add_argument("--json", action="store_true", help="every outcome as JSON lines, then no table")
    parser.add_argument("--misses", action="store_true", help="list the dev split's misses")
    parser.add_argument(
        "--both-hearings", action="store_true", help="hear every utterance both ways (for scripts/weigh_hearing.py)"
    )
    parser.add_argument("--saved", nargs="+", metavar="FILE", help="print the table of earlier --json runs instead")
    args = parser.parse_args()
    try:
        voices = choose(args.voices, tuple(VOICES))
    except ValueError as exc:
        return _fail(str(exc))
    conditions = [c.strip() for c in args.conditions.split(",")]
    splits = [s.strip() for s in args.split.split(",")]
    if bad := [c for c in conditions if c not in CONDITIONS] + [s for s in splits if s not in SPLITS]:
        known = f"conditions: {', '.join(CONDITIONS)}; splits: {', '.join(SPLITS)}"
        return _fail(f"unknown condition or split {', '.join(bad)}; {known}")
    if not voices:
        return _fail("No test voice can speak here: run scripts/setup.sh --test (flite, festival, espeak-ng, sox).")
    if args.saved:
        outcomes = [o for o in _load(args.saved) if o.condition in conditions and o.split in splits]
        voices = [v for v in voices if any(o.voice == v.name for o in outcomes)]
        found = list({Sentence(o.say, o.expect, o.split, o.kind): None for o in outcomes})
        note = f"{len(outcomes)} utterances, saved in {', '.join(args.saved)}"
    else:
        path = find_pack(None)
        found = _limited(sentences(path, splits), args.limit)
        try:
            Hearer(load_pack(path), args.engine, args.model)  # a missing model is said here, once, plainly
        except GuideError as exc:
            return _fail(str(exc))
        tasks = [(s, v, c) for v in voices for c in conditions for s in found]
        start = time.perf_counter()
        outcomes = hear_all(tasks, args.engine, args.model, args.workers, args.both_hearings)
        note = f"{len(tasks)} utterances in {time.perf_counter() - start:.0f} s with {args.workers} workers"
    if args.json:
        for outcome in outcomes:
            print(json.dumps(as_dict(outcome)))
        return 0
    splits = [s for s in splits if any(f.split == s for f in found)]  # no fresh set: no column
    print(header("(saved)" if args.saved else args.engine, found, splits))
    print(note + "\n")
    print(table(outcomes, voices, conditions, splits))
    if args.misses:
        print("\ndev misses:")
        for o in sorted(outcomes, key=lambda o: (o.kind, o.voice, o.condition, o.say)):
            if o.split == "dev" and not o.right:
                print(
                    f"  {o.kind:10} {o.voice} {o.condition}: '{o.say}' heard as '{o.heard}' -> {o.answered} {o.routed}"
                )
    return 0


def _load(files: list[str]) -> list[Outcome]:
    return [Outcome(**json.loads(line)) for f in files for line in Path(f).read_text().splitlines() if line.strip()]


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
