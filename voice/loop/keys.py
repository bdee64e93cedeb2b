"""Keys for everything: single key presses, read without Enter, become actions on a queue.

People who cannot see the screen need every action on one easy key, with no typing and no Enter.
A background thread reads the terminal in cbreak mode (no line editing, no echo; Ctrl-C still works)
and the saved terminal settings are always put back: by stop(), and by atexit if the program crashes.
With no microphone the keys still work, and the same reader takes typed lines too (`typing`: see
line_editor.py and the rules in voice/conversation/keymap.py).
Unix only: where termios is missing, or the input is not a terminal, start() returns False.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import logging
import os
import queue
import select
import sys
import threading
from collections.abc import Callable
from typing import TextIO

from ..conversation.keymap import ESC, KEYS
from ..types import Heard
from .line_editor import LineEditor

try:
    import termios
    import tty
except ImportError:  # Windows
    termios = None  # type: ignore[assignment]
    tty = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

ESC_WAIT = 0.05  # seconds: a lone Esc is "stop"; arrow keys send their whole sequence well within this
_POLL = 0.1  # seconds: how long the reader waits for a key before checking whether it should stop


_ACTIONS: dict[bytes, str] = {seq: k.action for k in KEYS for seq in k.sequences}
# Caps Lock is easy to leave on without seeing it, so letters work in either case.
_ACTIONS.update({seq.upper(): action for seq, action in list(_ACTIONS.items()) if seq.isalpha()})


class KeyReader:
    """Reads key presses from a terminal in a daemon thread and puts them on `events`: a key's
    action as Heard("key", action); while `typing`, also each line sent with Enter as
    Heard("said", line), and Heard("end") for Ctrl-D on an empty line."""

    def __init__(
        self,
        stream: TextIO | int = sys.stdin,
        on_event: Callable[[Heard], None] | None = None,
        typing: bool = False,
        echo: TextIO = sys.stdout,
    ) -> None:
        self.stream = stream
        self.on_event = on_event  # e.g. to silence the guide at once, before the event is taken
        self.typing = typing  # may change while reading: the microphone can stop working
        self.events: queue.Queue[Heard] = queue.Queue()
        self.echo = echo
        self._editor = LineEditor(self._write)
        self._fd: int | None = None
        self._saved: list | None = None
        self._pending = b""
        self._halt = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()  # start() may call _restore() while holding it

    def _fileno(self) -> int | None:
        if isinstance(self.stream, int):
            return self.stream
        try:
            return self.stream.fileno()
        except (AttributeError, ValueError, io.UnsupportedOperation):  # StringIO, closed, or None
            return None

    def start(self) -> bool:
        """Begin reading keys; False (and nothing changed) when keys cannot be read from this stream."""
        with self._lock:
            if self._thread is not None:
                return True
            fd = self._fileno()
            if termios is None or fd is None or not os.isatty(fd):
                return False
            try:
                self._saved = termios.tcgetattr(fd)
                # Registered before the change, so even a crash right after it restores the terminal.
                atexit.register(self._restore)
                tty.setcbreak(fd, termios.TCSANOW)
            except termios.error:
                self._restore()
                return False
            self._fd = fd
            self._halt.clear()
            self._thread = threading.Thread(target=self._run, name="key-reader", daemon=True)
            self._thread.start()
            return True

    def stop(self) -> None:
        """Stop reading and put the terminal back as it was; safe to call twice, or from on_event."""
        self._halt.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2 * _POLL + ESC_WAIT * 2)
        self._thread = None
        self._restore()

    def _restore(self) -> None:
        with self._lock:
            saved, self._saved = self._saved, None
        atexit.unregister(self._restore)
        if saved is None or termios is None:
            return
        fd = self._fd if self._fd is not None else self._fileno()
        if fd is not None:
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def _write(self, text: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # the terminal went away
            self.echo.write(text)
            self.echo.flush()

    def _byte(self, timeout: float) -> bytes | None:
        """The next input byte, or None if none came within `timeout` seconds."""
        assert self._fd is not None
        if not self._pending:
            ready, _, _ = select.select([self._fd], [], [], timeout)
            if not ready:
                return None
            data = os.read(self._fd, 64)
            if not data:
                raise EOFError
            self._pending = data
        byte, self._pending = self._pending[:1], self._pending[1:]
        return byte

    def _escape(self) -> str | None:
        """The action for what follows an Esc byte: a lone Esc is "stop", arrows are next and previous."""
        intro = self._byte(ESC_WAIT)
        if intro is None:
            return "stop"
        if intro == ESC:  # Esc pressed twice quickly: the first is a stop, the second is read afresh
            self._pending = intro + self._pending
            return "stop"
        if intro not in (b"[", b"O"):
            return None  # Alt with a key: not one of ours
        seq = b""
        while len(seq) < 16:
            byte = self._byte(ESC_WAIT)
            if byte is None:
                return None
            seq += byte
            if 0x40 <= byte[0] <= 0x7E:  # the final byte of the sequence
                # Parameters (as in Ctrl+right, ESC [ 1 ; 5 C) are dropped: any right arrow means next.
                return _ACTIONS.get(ESC + intro + byte)
        return None

    def _event(self, byte: bytes) -> Heard | None:
        """What one key press (starting with `byte`) means: arrows and Esc act at once always;
        other keys act at once unless a line is being typed (see keymap.py)."""
        if byte == ESC:
            action = self._escape()
            if action and self.typing:
                self._editor.interrupt()
            return Heard("key", action) if action else None
        if self.typing:
            return self._editor.feed(byte)
        action = _ACTIONS.get(byte)
        return Heard("key", action) if action else None

    def _run(self) -> None:
        try:
            while not self._halt.is_set():
                byte = self._byte(_POLL)
                if byte is None:
                    continue
                event = self._event(byte)
                if event is None or self._halt.is_set():
                    continue
                self.events.put(event)
                if self.on_event is not None:
                    try:
                        self.on_event(event)
                    except Exception:  # a bad callback must not silence the keyboard
                        log.exception("key event %r failed", event)
        except (EOFError, OSError, ValueError):  # the terminal went away
            log.debug("key reader stopped: terminal closed")
            if self.typing:
                self.events.put(Heard("end"))  # nothing more can be typed: as at the end of a file
