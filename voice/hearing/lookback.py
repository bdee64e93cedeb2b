"""The moments just before an utterance, which SpeechRecognition would otherwise lose.

SpeechRecognition starts an utterance with the audio it heard just before its threshold was
crossed: the quiet start of a word. Two things took that start away:
- the guide listens in short slices (so keys are seen soon), and each slice began with nothing
  from before it, so a word whose start fell in the slice before lost it;
- while the guide speaks, the echo gate (echo.py) turns down everything not yet louder than its
  own echo, the start of the person's word too, until the word is loud.
Either way "next" was heard as "exit" or "yep". This stream stands between the microphone (and
its echo filter) and SpeechRecognition, and gives that start back.
"""

from __future__ import annotations

import time
from collections import deque
from typing import Protocol

from .levels import rms


class Stream(Protocol):
    """SpeechRecognition's microphone stream, or the echo filter standing in for it."""

    def read(self, size: int) -> bytes: ...

    def close(self) -> None: ...


class Gated(Protocol):
    """The echo filter: the last block it gave, as it was before its gate."""

    ungated: bytes


START_DB = -24.0  # a word's quiet start is within this of its loud part
STALE = 0.5  # seconds: audio older than this when the next listen starts is not its start


class Lookback:
    """The capture stream; it remembers the last few blocks read, as heard and before the echo
    gate turned them down, and after a listen that timed out gives them to the next listen."""

    def __init__(self, stream: Stream, blocks: int, gate: Gated | None = None) -> None:
        self.stream = stream
        self.gate = gate  # the echo filter `stream` reads through, if any
        self.recent: deque[tuple[bytes, bytes]] = deque(maxlen=blocks)  # (as read, before the gate)
        self.again: deque[tuple[bytes, bytes]] = deque()
        self.rewound_at = 0.0

    def read(self, size: int) -> bytes:
        if self.again:
            block, whole = self.again.popleft()
        else:
            block = self.stream.read(size)
            whole = self.gate.ungated if self.gate is not None else block
        self.recent.append((block, whole))
        return block

    def start(self) -> int:
        """A listen begins: how many blocks it is given again (none when they are stale)."""
        if self.again and time.monotonic() - self.rewound_at > STALE:
            self.again.clear()
        return len(self.again)

    def rewind(self) -> None:
        """Nothing began: the next listen is given the last blocks again."""
        self.again, self.recent = deque(self.recent), deque(maxlen=self.recent.maxlen)
        self.rewound_at = time.monotonic()

    def fresh(self) -> None:
        """An utterance was heard: what came before it is done with."""
        self.again.clear()
        self.recent.clear()

    def ungated(self, size: int) -> bytes:
        """The last `size` bytes read, with the start of the word the echo gate had turned down
        given back: the blocks just before it that come within START_DB of its loudest. (Further
        back, what the gate turned down is what the canceller left of the echo.) Empty when
        those bytes are not the ends of whole blocks remembered."""
        blocks: list[tuple[bytes, bytes]] = []
        total = 0
        for block, whole in reversed(self.recent):
            if total >= size:
                break
            if len(whole) != len(block):
                return b""
            blocks.append((block, whole))
            total += len(block)
        if total != size:
            return b""
        least = max(rms(whole) for _, whole in blocks) * 10 ** (START_DB / 20)
        parts, starting = [], True
        for block, whole in blocks:  # from the loud block back
            starting = starting and rms(whole) >= least
            parts.append(whole if starting else block)
        return b"".join(reversed(parts))

    def close(self) -> None:
        self.stream.close()
