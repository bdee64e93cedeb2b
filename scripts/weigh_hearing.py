"""Choose how the recogniser's two hearings are weighed (voice/understanding/heard.py), offline.

Hear the dev split once with both hearings kept, then try every weighing on the saved outcomes:
  .venv/bin/python scripts/bench_hearing.py --split dev --both-hearings --json > dev.jsonl
  .venv/bin/python scripts/weigh_hearing.py dev.jsonl [--voices a,b]
For each AGREE, OPEN_SURE and EMERGENCY_AGREE it prints in-scope requests right, not-for-me speech
left alone and emergencies answered as emergencies, as bench_hearing counts them. Only the dev
split is read: held-out and fresh outcomes are measured with the values chosen, never tuned on.
A benchmark, never a pass/fail test.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests.support

from tests.support.hearing import Decider, Outcome, Sentence, share
from voice.content.pack import find_pack, load_pack
from voice.types import Transcript
from voice.understanding import heard

AGREES = (0.4, 0.45, 0.5, 0.55, 0.6, 0.7)
SURES = (0.2, 0.3, 0.5, 0.7, 0.9)
EMERGENCY_AGREES = (0.0, 0.2, 0.3)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("saved", nargs="+", help="bench_hearing.py --both-hearings --json output")
    parser.add_argument("--voices", help="comma list of voices to weigh on (default: every saved one)")
    args = parser.parse_args()
    rows = [json.loads(line) for f in args.saved for line in Path(f).read_text().splitlines() if line.strip()]
    wanted = set(args.voices.split(",")) if args.voices else None
    saved = [Outcome(**r) for r in rows if r["split"] == "dev" and (wanted is None or r["voice"] in wanted)]
    if not saved or not all(o.engine for o in saved):
        print("No dev outcomes with both hearings: run bench_hearing.py --both-hearings --json", file=sys.stderr)
        return 2
    decider = Decider(load_pack(find_pack(None)))
    engine = saved[0].engine
    print(f"{len(saved)} dev outcomes, engine {engine}; now: {heard.WEIGHING.get(engine)}, {heard.EMERGENCY_AGREE}")
    print(f"{'AGREE':>6} {'SURE':>5} {'EMERG':>5} | {'in scope':>8} {'alone':>6} {'emerg':>6} | sum")
    for agree, sure, urgent in itertools.product(AGREES, SURES, EMERGENCY_AGREES):
        heard.WEIGHING[engine], heard.EMERGENCY_AGREE = (agree, sure), urgent
        outcomes = [
            decider.decide(
                Sentence(o.say, o.expect, o.split, o.kind),
                o.voice,
                o.condition,
                Transcript(o.phrase, o.likeness, o.engine, open_text=o.words),
                time.perf_counter(),
            )
            for o in saved
        ]
        figures = [share(outcomes, kind) for kind in ("in_scope", "not_for_me", "emergency")]
        ins, alone, emerg = (100 * right / max(1, total) for right, total in figures)
        print(f"{agree:6} {sure:5} {urgent:5} | {ins:7.1f}% {alone:5.1f}% {emerg:5.1f}% | {ins + alone:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
