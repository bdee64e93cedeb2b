"""How late the guide's own voice comes back to its microphone, measured from what it hears.

A sound server's buffers and the room add a delay that no timestamp shows; on some machines it
is longer than the echo canceller's whole tail, and then nothing is cancelled. So the delay is
found by matching what the microphone heard against what was played (echo.py uses it).
"""

from __future__ import annotations

from collections import deque

import numpy as np

from ..types import SAMPLE_RATE, Played

MAX_DELAY = 1.0  # seconds: the latest an echo is looked for
MEASURE = 4.0  # seconds of the microphone's sound compared with what played, each time
EVERY = 1.0  # seconds between measurements while the guide plays
SURE = 0.5  # the correlation a delay needs to be believed


def _envelope(samples: np.ndarray, frame: int) -> np.ndarray:
    """Log level of each `frame` samples: the shape of speech over time, whatever its loudness."""
    count = len(samples) // frame
    blocks = samples[: count * frame].astype(np.float64).reshape(count, frame)
    return np.log(np.sqrt((blocks * blocks).mean(axis=1)) + 10.0)


class DelayFinder:
    """How late the loudspeaker's sound reaches the microphone: the lag at which the level of
    what the microphone heard best follows the level of what was played (speech's rises and
    falls make the match sharp, and the person's voice, not in what was played, does not)."""

    frame = 256

    def __init__(self) -> None:
        self.levels: deque[float] = deque(maxlen=int(MEASURE * SAMPLE_RATE) // self.frame)
        self.end = 0.0  # when the last frame heard ended
        self.since = 0  # frames heard since the last measurement
        self.delay: float | None = None
        self.sureness = 0.0

    def hear(self, start: float, heard: np.ndarray) -> None:
        if abs(start - self.end) > 2 * self.frame / SAMPLE_RATE:
            self.levels.clear()  # samples were lost or the clock moved: start again
        whole = len(heard) // self.frame * self.frame
        self.levels.extend(_envelope(heard[:whole], self.frame))
        self.since += whole // self.frame
        self.end = start + whole / SAMPLE_RATE

    def measure(self, played: Played) -> float | None:
        """The delay in seconds, when it is time to measure again and the match is clear."""
        if self.since * self.frame < EVERY * SAMPLE_RATE or len(self.levels) < self.levels.maxlen:
            return None
        self.since = 0
        heard = np.array(self.levels)
        lags = int(MAX_DELAY * SAMPLE_RATE) // self.frame
        begin = self.end - len(heard) * self.frame / SAMPLE_RATE - lags * self.frame / SAMPLE_RATE
        played_levels = _envelope(played.read(begin, (len(heard) + lags) * self.frame), self.frame)
        if np.ptp(played_levels) < 2.0:
            return None  # too little played to measure by
        heard = (heard - heard.mean()) / (heard.std() + 1e-9)
        scores = []
        for lag in range(lags + 1):
            ref = played_levels[lags - lag : lags - lag + len(heard)]
            scores.append(float(np.mean(heard * (ref - ref.mean()) / (ref.std() + 1e-9))))
        best = int(np.argmax(scores))
        self.sureness = scores[best]
        if scores[best] < SURE:
            return None
        self.delay = best * self.frame / SAMPLE_RATE
        return self.delay
