#!/usr/bin/env python3
"""Router benchmark: routing time per utterance (p50/p95) and pack load time.

Run: .venv/bin/python scripts/bench_router.py [--repeat N]
Shared machines are noisy: figures are medians over repeats, and this is never a pass/fail test.
"""

from __future__ import annotations

import argparse
import statistics
import time

from voice.app.packtests import load_tests, pack_tests_path
from voice.content.pack import find_pack, load_pack
from voice.understanding.router import Router


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    path = find_pack(None)

    loads = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        pack = load_pack(path)
        loads.append(time.perf_counter() - start)
    start = time.perf_counter()
    router = Router(pack)
    build = time.perf_counter() - start
    sayings = [u.say for u in load_tests(pack_tests_path(path)).utterances]

    def timed() -> list[float]:
        out = []
        for text in sayings:
            t0 = time.perf_counter()
            router.route(text)
            out.append(time.perf_counter() - t0)
        return out

    cold = timed()  # first sight of each word: fuzzy look-ups not yet cached
    warm = [t for _ in range(args.repeat) for t in timed()]
    ms = 1000.0
    print(f"utterances: {len(sayings)}, repeats: {args.repeat}")
    print(f"pack load: median {statistics.median(loads) * ms:.2f} ms (target < 50 ms)")
    print(f"router build: {build * ms:.1f} ms")
    print(f"route, first pass: p50 {percentile(cold, 0.5) * ms:.3f} ms, p95 {percentile(cold, 0.95) * ms:.3f} ms")
    print(
        f"route, repeated:   p50 {percentile(warm, 0.5) * ms:.3f} ms, p95 {percentile(warm, 0.95) * ms:.3f} ms"
        f" (target p95 < 1 ms)"
    )


if __name__ == "__main__":
    main()
