"""One parec recording of a sink's monitor, read as it grows, with sample 0 tied to time.monotonic().

So "how long did the guide keep talking after the user said stop" is measured on the sound itself:
samples arrive no earlier than they are captured, so now - count/RATE never falls before the start,
and its minimum over many reads is the start plus the least delivery delay (a few ms).
"""

from __future__ import annotations

import math
import os
import subprocess
import threading
import time
from pathlib import Path

import numpy as np

from .procs import finish
from .sound import RATE, WIN, Segment, chimes, loud_windows, runs

PAREC_LATENCY_MS = 20


class Track:
    def __init__(self, device: str, env: dict[str, str]) -> None:
        self.device = device
        self.proc = subprocess.Popen(
            [
                "parec",
                f"--device={device}",
                "--raw",
                "--format=s16le",
                f"--rate={RATE}",
                "--channels=1",
                f"--latency-msec={PAREC_LATENCY_MS}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        self.data = bytearray()
        self.flags = bytearray()  # one per complete 10 ms window: 1 when loud
        self.anchor = math.inf  # monotonic time of sample 0, plus the smallest delivery delay seen
        self._fresh = False
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        fd = self.proc.stdout.fileno()
        while True:
            block = os.read(fd, 8192)
            now = time.monotonic()
            if not block:
                return
            with self._lock:
                self.data += block
                start = now - len(self.data) // 2 / RATE
                self.anchor = start if self._fresh else min(self.anchor, start)
                self._fresh = False
                done = len(self.flags) * WIN * 2
                whole = (len(self.data) - done) // (WIN * 2) * WIN * 2
                if whole:
                    self.flags += loud_windows(np.frombuffer(bytes(self.data[done : done + whole]), dtype="<i2"))

    @property
    def ready(self) -> bool:
        return self.anchor < math.inf

    def reanchor(self) -> None:
        """The source was suspended (no samples for a while): learn the clock afresh from now on."""
        with self._lock:
            self._fresh = True
        limit = time.monotonic() + 1.0
        while self._fresh and time.monotonic() < limit:
            time.sleep(0.005)

    def pcm(self, a: int, b: int) -> np.ndarray:
        with self._lock:
            return np.frombuffer(bytes(self.data[a * 2 : b * 2]), dtype="<i2")

    def at(self, t: float) -> int:
        """The sample being captured at monotonic time t (0 before anything is recorded)."""
        return max(0, int(round((t - self.anchor) * RATE))) if self.ready else 0

    def time(self, sample: int) -> float:
        return self.anchor + sample / RATE

    def loud(self, start: float, end: float | None = None) -> bytes:
        """One flag per 10 ms window from monotonic `start` (to `end`, or what is recorded)."""
        with self._lock:
            first = self.at(start) // WIN
            last = len(self.flags) if end is None else min(len(self.flags), self.at(end) // WIN)
            return bytes(self.flags[first : max(first, last)])

    def segments(self, start: float, end: float | None = None) -> list[Segment]:
        """Stretches of sound after `start`, speech and the guide's chimes told apart."""
        first = self.at(start) // WIN
        flags = self.loud(start, end)
        pcm = self.pcm(first * WIN, (first + len(flags)) * WIN)
        return [
            Segment(self.time((first + a) * WIN), self.time((first + b) * WIN), cue)
            for a, b, cue in runs(flags, chimes(pcm, flags))
        ]

    def first_sound(self, start: float, end: float | None = None) -> float | None:
        """When the first loud window after `start` begins (None: quiet all along)."""
        flags = self.loud(start, end)
        i = flags.find(1)
        return None if i < 0 else self.time((self.at(start) // WIN + i) * WIN)

    def last_sound(self, start: float, end: float | None = None) -> float | None:
        """When the last loud window between `start` and `end` ends (None: quiet all along)."""
        flags = self.loud(start, end)
        i = flags.rfind(1)
        return None if i < 0 else self.time((self.at(start) // WIN + i + 1) * WIN)

    def quiet_for(self, start: float) -> float:
        """Seconds of silence at the end of the recording, counting from `start` at most."""
        flags = self.loud(start)
        return (len(flags) - (flags.rfind(1) + 1)) * WIN / RATE

    def longest_pause(self, start: float, end: float) -> float:
        longest = run = 0
        for flag in self.loud(start, end):
            run = 0 if flag else run + 1
            longest = max(longest, run)
        return longest * WIN / RATE

    def save(self, path: Path) -> None:
        with self._lock:
            path.write_bytes(bytes(self.data))

    def stop(self) -> None:
        finish(self.proc)
        self._reader.join(5)  # it reads to the end of the pipe before the pipe is closed
        self.proc.stdout.close()
