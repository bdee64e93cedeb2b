"""Pseudo-terminals for the tests: the guide's keys, pressed and read back as in a real terminal."""

from __future__ import annotations

import os
import pty
import select
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def pseudo_terminal() -> Iterator[tuple[int, int]]:
    """A (master, slave) pair, both closed afterwards (a side already closed is left alone)."""
    master, slave = pty.openpty()
    try:
        yield master, slave
    finally:
        for fd in (master, slave):
            try:
                os.close(fd)
            except OSError:
                pass


def _gather(fd: int, done: Callable[[str], bool], timeout: float) -> tuple[str, bool]:
    """Read `fd` until `done(text so far)` or `timeout`; the text and whether it was done."""
    raw = b""  # decoded whole each time, so a character split across two reads stays whole
    end = time.monotonic() + timeout
    while not done(raw.decode(errors="replace")):
        left = end - time.monotonic()
        if left <= 0:
            return raw.decode(errors="replace"), False
        ready, _, _ = select.select([fd], [], [], min(left, 0.2))
        if ready:
            try:
                block = os.read(fd, 4096)
            except OSError:  # the other side closed
                block = b""
            if not block:
                seen = raw.decode(errors="replace")
                return seen, done(seen)
            raw += block
    return raw.decode(errors="replace"), True


def read_until(fd: int, needle: str, timeout: float) -> str:
    """What the terminal showed until `needle` appeared (or `timeout` passed): check it yourself."""
    return _gather(fd, lambda seen: needle in seen, timeout)[0]


def lines_until(fd: int, last: str, timeout: float = 10.0) -> list[str]:
    """Lines shown, up to and including the line `last`; fails instead of hanging."""

    def lines(seen: str) -> list[str]:
        return seen.replace("\r", "").split("\n")[:-1]

    seen, done = _gather(fd, lambda seen: last in lines(seen), timeout)
    if not done:
        raise AssertionError(f"no {last!r} within {timeout} s; got {lines(seen)!r}")
    return lines(seen)
