#!/usr/bin/env python3
"""How well the router understands: the blind typed sets and the pack's own utterance tests.

Prints, per set and split, the share right; precision and recall per intent; and a
reliability table (of the answers given with a confidence in each band, how many were right).
Misses are listed for the development split only: the held-out split is for measuring, never
for tuning (--heldout-misses lists them too, for the closing report only). With --heldout, the
fresh set (typed_fresh.yaml, written blind later, never tuned on) is measured too, never listed.

Run: PYTHONPATH=. .venv/bin/python scripts/eval_router.py [--pack NAME] [--misses] [--heldout] [--heldout-misses]
"""

from __future__ import annotations

import argparse
from collections import Counter

from voice.app.blindsets import SAFETY, TYPED_SETS, is_right, load_set, set_kind
from voice.app.packtests import load_tests, pack_tests_path, request_matches
from voice.content.pack import find_pack, load_pack
from voice.understanding.router import Request, Router

BANDS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 1.01)
# A set written blind later, in one file (in scope, negatives and safety together): never tuned
# on, never listed, only measured (with --heldout).
FRESH = "typed_fresh"


def said_as(request: Request) -> str:
    return request.target if request.intent in ("section", "item") else request.intent


def per_intent(results: list[tuple[str, Request]]) -> None:
    """Precision and recall of each meaning (safety questions counted as 'unknown')."""
    truth = Counter()
    given = Counter()
    right = Counter()
    for expect, request in results:
        want = "unknown" if expect in SAFETY else expect
        got = said_as(request)
        truth[want] += 1
        given[got] += 1
        right[want] += got == want
    print(f"\n{'meaning':28} {'precision':>9} {'recall':>7} {'n':>4}")
    for name in sorted(set(truth) | set(given)):
        precision = right[name] / given[name] if given[name] else float("nan")
        recall = right[name] / truth[name] if truth[name] else float("nan")
        print(f"{name:28} {precision:9.2f} {recall:7.2f} {truth[name]:4}")


def reliability(results: list[tuple[str, Request]]) -> None:
    """Of the answers given (not declined) in each confidence band, the share right."""
    print(f"\n{'confidence':>12} {'answers':>8} {'right':>6} {'mean conf':>9}")
    for low, high in zip(BANDS, BANDS[1:], strict=False):
        band = [(e, r) for e, r in results if r.intent != "unknown" and low <= r.confidence < high]
        if band:
            right = sum(is_right(r, e) for e, r in band) / len(band)
            mean = sum(r.confidence for _, r in band) / len(band)
            print(f"{low:5.2f}-{min(high, 1):4.2f} {len(band):8} {right:6.2f} {mean:9.2f}")


def fresh(router: Router, path, everything: dict[str, list[tuple[str, Request]]]) -> None:
    """The never-tuned fresh set, split as the other sets are: in scope, negatives, safety."""
    entries = load_set(path, FRESH)
    if not entries:
        return
    results = [(e, router.route(e.say)) for e in entries]
    everything["fresh"] = [(e.expect, r) for e, r in results]
    parts = {
        "in scope": [(e, r) for e, r in results if e.expect != "unknown" and e.expect not in SAFETY],
        "negatives": [(e, r) for e, r in results if e.expect == "unknown"],
        "safety": [(e, r) for e, r in results if e.expect in SAFETY],
    }
    for part, rows in parts.items():
        if rows:
            right = sum(is_right(r, e.expect) for e, r in rows) / len(rows)
            extra = ""
            if part == "in scope":
                own = [(e, r) for e, r in rows if not router.verbatim(e.say)]
                share = sum(is_right(r, e.expect) for e, r in own) / len(own) if own else float("nan")
                extra = f"  (paraphrases: {share:.1%} of {len(own)})"
            print(f"{FRESH + ' ' + part:22} {'fresh':8} {right:7.1%} {len(rows):4}{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pack", default=None)
    parser.add_argument("--misses", action="store_true", help="list development misses")
    parser.add_argument("--heldout", action="store_true", help="measure the held-out split too (for reports)")
    parser.add_argument("--heldout-misses", action="store_true", help="list held-out misses (report only)")
    args = parser.parse_args()
    path = find_pack(args.pack)
    router = Router(load_pack(path))
    everything: dict[str, list[tuple[str, Request]]] = {"dev": [], "heldout": []}
    print(f"{'set':22} {'split':8} {'right':>7} {'n':>4}")
    for name in TYPED_SETS:
        for split in ("dev", "heldout") if args.heldout or args.heldout_misses else ("dev",):
            entries = load_set(path, name, split)
            if not entries:
                continue
            results = [(e, router.route(e.say)) for e in entries]
            everything[split] += [(e.expect, r) for e, r in results]
            right = sum(is_right(r, e.expect) for e, r in results)
            extra = ""
            if set_kind(name) == "typed_safety":
                declined = sum(r.intent == "unknown" for _, r in results)
                extra = f"  (declined outright: {declined / len(results):.1%})"
            if set_kind(name) == "typed_in_scope":
                # Paraphrases: what a template does not give word for word.
                own = [(e, r) for e, r in results if not router.verbatim(e.say)]
                share = sum(is_right(r, e.expect) for e, r in own) / len(own)
                extra = f"  (paraphrases: {share:.1%} of {len(own)})"
            print(f"{name:22} {split:8} {right / len(results):7.1%} {len(results):4}{extra}")
            if (args.misses and split == "dev") or (args.heldout_misses and split == "heldout"):
                for e, r in results:
                    if not is_right(r, e.expect):
                        print(f"    '{e.say}': want {e.expect}, got {said_as(r)} ({r.confidence})")
    if args.heldout or args.heldout_misses:
        fresh(router, path, everything)
    tests = load_tests(pack_tests_path(path))
    results = [(u, router.route(u.say)) for u in tests.utterances]
    right = sum(request_matches(r, u.expect, u.choices) for u, r in results)
    print(f"{'pack utterance tests':22} {'-':8} {right / len(results):7.1%} {len(results):4}")
    if args.misses:
        for u, r in results:
            if not request_matches(r, u.expect, u.choices):
                print(f"    '{u.say}': want {u.expect}, got {said_as(r)} {r.choices or ''} ({r.confidence})")
    for split, rows in everything.items():
        if rows:
            print(f"\n=== {split}: precision and recall per meaning ===")
            per_intent(rows)
            print(f"\n=== {split}: reliability ===")
            reliability(rows)


if __name__ == "__main__":
    main()
