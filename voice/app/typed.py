"""Typed input, for when there is no microphone (or it is not wanted): a terminal or a pipe."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator


def typed_lines(notify: Callable[[str], None] | None = None) -> Iterator[str]:
    """Non-empty lines as they are typed (prompted with "You: " at a terminal) until the end."""
    interactive = sys.stdin.isatty()
    if interactive and notify:
        notify("Type your question and press Enter. Type quit to leave.")
    while True:
        try:
            line = input("You: ") if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and not line:
            return
        if line.strip():
            yield line.strip()
