"""Silence the C libraries' chatter on stderr (PortAudio probing ALSA and JACK devices)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_stderr() -> Iterator[None]:
    """A caregiver should see only the guide's own messages; VOICE_GUIDE_DEBUG_AUDIO=1 shows all."""
    if os.environ.get("VOICE_GUIDE_DEBUG_AUDIO"):
        yield
        return
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
