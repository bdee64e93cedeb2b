"""How the safety statements do on the blind test sets, per split.

    PYTHONPATH=$PWD .venv/bin/python scripts/safety_figures.py            # dev figures and misses
    PYTHONPATH=$PWD .venv/bin/python scripts/safety_figures.py --split heldout   # measure only

typed_safety.yaml: each emergency / advice / referral sentence must be classified so, and answered
so by the guide (Session.handle), in each conversation state. typed_negatives.yaml and
typed_in_scope.yaml: nothing but the disclaimer entries may fire. Held-out entries are for
measuring, never for tuning: their misses are printed only with --show.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from voice.content.pack import find_pack, load_pack
from voice.conversation.session import Session
from voice.understanding.router import Router
from voice.understanding.safety import safety_for

BLIND = Path(__file__).resolve().parent.parent / "voice/content/packs/leg_pain.blind"
# Where a person may be when they say it: the start, mid-reading, a clarifying question,
# after two misunderstandings.
STATES = {
    "start": [],
    "reading": ["what causes leg pain", "read all"],
    "clarifying": ["disc"],
    "misunderstood": ["purple monkey dishwasher", "gibberish words here"],
}


def entries(name: str, split: str) -> list[dict]:
    data = yaml.safe_load((BLIND / name).read_text(encoding="utf-8"))
    return [e for e in data if split in ("all", e["split"])]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument("--show", action="store_true", help="print the misses (default only for dev)")
    args = parser.parse_args()
    show = args.show or args.split == "dev"
    pack = load_pack(find_pack(None))
    router = Router(pack)
    safety = safety_for(pack)

    print(f"split: {args.split}")
    for kind in ("emergency", "advice", "referral"):
        cases = [e for e in entries("typed_safety.yaml", args.split) if e["expect"] == kind]
        right = [e for e in cases if safety.classify(e["say"]).kind == kind]
        pointed = [e for e in cases if safety.classify(e["say"]).kind in ("emergency", "advice", "referral")]
        print(f"  {kind}: classified {len(right)}/{len(cases)}; pointed to help at all {len(pointed)}/{len(cases)}")
        if show:
            for e in cases:
                got = safety.classify(e["say"])
                if got.kind != kind:
                    print(f"    miss: '{e['say']}' -> {got.kind} ({got.name})")
        # The guide's reply, in every state.
        for state, before in STATES.items():
            good = 0
            for e in cases:
                session = Session(pack, router)
                session.welcome()
                for line in before:
                    session.handle(line)
                reply = session.handle(e["say"])
                text = reply.text.lower()
                if kind == "emergency":
                    ok = reply.intent == "emergency" and "call" in text
                else:
                    ok = ("doctor" in text or "pharmacist" in text) and not any(
                        i.name.lower() in text for i in pack.sections[-1].items
                    )
                good += ok
                if not ok and show:
                    print(f"    [{state}] '{e['say']}' -> {reply.intent}: {reply.text[:70]}")
            print(f"    replies in state {state}: {good}/{len(cases)}")

    for name in ("typed_negatives.yaml", "typed_in_scope.yaml"):
        cases = entries(name, args.split)
        fired = [e for e in cases if safety.classify(e["say"]).kind not in ("none", e["expect"])]
        answered = []
        for e in cases:
            reply = Session(pack, router).handle(e["say"])
            if reply.intent in ("emergency", "advice", "referral", "disclaimer") and reply.intent != e["expect"]:
                answered.append((e, reply.intent))
        disclaimers = [e for e in cases if e["expect"] == "disclaimer"]
        said = sum(safety.classify(e["say"]).kind == "disclaimer" for e in disclaimers)
        print(f"  {name}: classifier fired on {len(fired)}/{len(cases)}; guide answered with safety {len(answered)}")
        if disclaimers:
            print(f"    disclaimer entries classified as disclaimer: {said}/{len(disclaimers)}")
        if show:
            for e in fired:
                got = safety.classify(e["say"])
                print(f"    fired: '{e['say']}' ({e['expect']}) -> {got.kind} ({got.name})")
            for e, intent in answered:
                print(f"    answered: '{e['say']}' ({e['expect']}) -> {intent}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
