"""Stopping the processes a rig started, by their own id only, and reading a pipe with a limit."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import IO


def finish(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a child we started: `sig`, then SIGKILL if it lingers."""
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def end(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    """Stop a child we started (see finish) and close its pipes."""
    finish(proc, sig)
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            pipe.close()


def stop_pid(pid: int) -> None:
    """Stop a daemon we started (it is not our child, so it is watched through /proc)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        limit = time.monotonic() + 3
        while time.monotonic() < limit:
            if not Path(f"/proc/{pid}").exists():
                return
            time.sleep(0.05)


def readline(pipe: IO[str] | None, seconds: float) -> str:
    """One line from a child's pipe, or "" if none comes within `seconds`."""
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(pipe.readline() if pipe else ""), daemon=True)
    reader.start()
    reader.join(seconds)
    return box[0].strip() if box else ""
