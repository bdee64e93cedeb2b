#!/usr/bin/env python3
"""Router benchmark: routing time per utterance (p50/p95), and pack load plus index build.

Targets (issue 11): p95 routing at most 2 ms; pack load plus index build at most 100 ms.
The first router in a process also loads the libraries' own data once (wordfreq's word
table, simplemma's English lemmas, the expanded command templates): that is shown apart.
Shared machines are noisy: figures are medians over repeats, and this is never a pass/fail test.

Run: PYTHONPATH=. .venv/bin/python scripts/bench_router.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from voice.app.blindsets import TYPED_SETS, load_set
from voice.app.packtests import load_tests, pack_tests_path
from voice.content.pack import find_pack, load_pack
from voice.understanding.router import Router

DEMO = Path(__file__).resolve().parent.parent / "tests" / "packs" / "router_demo.yaml"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    path = find_pack(None)
    ms = 1000.0

    start = time.perf_counter()
    router = Router(load_pack(path))
    first = time.perf_counter() - start
    # Another pack, seen for the first time in this process (its templates not yet expanded).
    start = time.perf_counter()
    Router(load_pack(DEMO))
    fresh = time.perf_counter() - start
    builds = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        router = Router(load_pack(path))
        builds.append(time.perf_counter() - start)
    sayings = [u.say for u in load_tests(pack_tests_path(path)).utterances]
    sayings += [e.say for name in TYPED_SETS for e in load_set(path, name)]

    def timed() -> list[float]:
        out = []
        for text in sayings:
            t0 = time.perf_counter()
            router.route(text)
            out.append(time.perf_counter() - t0)
        return out

    cold = timed()
    runs = [timed() for _ in range(args.repeat)]
    warm = [t for run in runs for t in run]
    # Each utterance's median over the repeats: a time slice lost to another process on a
    # shared machine (a few ms) is then not taken for the router's own time.
    typical = [statistics.median(times) for times in zip(*runs, strict=True)]
    print(f"utterances: {len(sayings)}, repeats: {args.repeat}")
    print(f"first router in a process (library data loaded once): {first * ms:.0f} ms")
    print(f"a second pack, first load + index build: {fresh * ms:.1f} ms ({DEMO.name})")
    print(f"pack load + index build again: median {statistics.median(builds) * ms:.1f} ms (target <= 100 ms)")
    print(f"route, first pass: p50 {percentile(cold, 0.5) * ms:.3f} ms, p95 {percentile(cold, 0.95) * ms:.3f} ms")
    print(
        f"route, repeated:   p50 {percentile(warm, 0.5) * ms:.3f} ms, p95 {percentile(warm, 0.95) * ms:.3f} ms"
        f" (every call)"
    )
    print(
        f"route, per utterance (median of repeats): p50 {percentile(typical, 0.5) * ms:.3f} ms,"
        f" p95 {percentile(typical, 0.95) * ms:.3f} ms (target p95 <= 2 ms)"
    )


if __name__ == "__main__":
    main()
