"""How loud a piece of audio is."""

from __future__ import annotations

import struct


def rms(block: bytes) -> int:
    """Loudness of 16-bit little-endian samples (root mean square)."""
    count = len(block) // 2
    if not count:
        return 0
    samples = struct.unpack(f"<{count}h", block[: count * 2])
    return int((sum(s * s for s in samples) / count) ** 0.5)
