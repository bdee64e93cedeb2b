"""The guide ends cleanly however it is closed: SIGTERM (a shutdown, `kill`) and SIGHUP (the
terminal window closed) run the same clean-up as quitting (the terminal restored, temporary
speech and half-installed models removed), instead of Python's default of stopping on the spot."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


def _stop(signum: int, frame: object) -> None:
    for sig in SIGNALS:
        signal.signal(sig, signal.SIG_IGN)  # a second signal must not cut the clean-up short
    raise SystemExit(128 + signum)  # unwinds every `with` and `finally`, like quitting


@contextmanager
def ends_cleanly() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP end the guide through its normal clean-up."""
    previous = {}
    for sig in SIGNALS:
        try:
            if signal.getsignal(sig) is signal.SIG_IGN:
                continue  # started with nohup: keep running when the terminal closes
            previous[sig] = signal.signal(sig, _stop)
        except (ValueError, OSError):  # not the main thread: leave signals alone
            pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if signal.getsignal(sig) is _stop:
                signal.signal(sig, handler)
