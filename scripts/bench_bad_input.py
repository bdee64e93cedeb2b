#!/usr/bin/env python3
"""Bad-input benchmark: the long runs tests/test_bad_input.py keeps short.

- a `chat --json` soak of N turns (default 10,000): wall time and peak memory, against 1,000 turns;
- a pasted page (4,000 x "what is") through `ask`: wall time (it took 21 s before routing was capped).

Run: .venv/bin/python scripts/bench_bad_input.py [--turns N]
Shared machines are noisy: these are figures to report, never a pass/fail test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

# The same turns as the soak test.
TURNS = yaml.safe_load((Path(__file__).resolve().parents[1] / "tests" / "chat_soak.yaml").read_text(encoding="utf-8"))


def measure(args: list[str], stdin: str) -> tuple[float, float, int]:
    """Seconds, peak memory (MB) and lines of output of one `voice-guide` run."""
    with tempfile.TemporaryDirectory() as home:
        env = os.environ | {"VOICE_GUIDE_CONFIG_DIR": f"{home}/config", "VOICE_GUIDE_STATE_DIR": f"{home}/state"}
        with tempfile.TemporaryFile("w+") as feed, tempfile.TemporaryFile("w+") as out:
            feed.write(stdin)
            feed.seek(0)
            start = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-m", "voice", *args], stdin=feed, stdout=out, env=env)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            return seconds, usage.ru_maxrss / 1024, len(out.read().splitlines())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--turns", type=int, default=10_000)
    args = parser.parse_args()
    for turns in (1_000, args.turns):
        lines = "".join(f"{TURNS[i % len(TURNS)]}\n" for i in range(turns))
        seconds, rss, answered = measure(["chat", "--json"], lines)
        print(f"chat --json, {turns:,} turns: {seconds:.1f} s, peak {rss:.0f} MB, {answered:,} answers")
    seconds, rss, _ = measure(["ask"], "what is " * 4000 + "\n")
    print(f'ask, 4,000 x "what is": {seconds:.1f} s, peak {rss:.0f} MB')
    seconds, rss, _ = measure(["ask"], "9" * 5000 + "\n")
    print(f"ask, 5,000 digits: {seconds:.1f} s, peak {rss:.0f} MB")


if __name__ == "__main__":
    main()
