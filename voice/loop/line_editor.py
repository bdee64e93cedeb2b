"""Typing at a terminal whose keys are read one at a time: letters make a line, Enter sends it,
and the command keys still work (the rules are in voice/conversation/keymap.py).

The terminal is in cbreak mode (no echo, no line editing), so this echoes what is typed, shows
"You: " before a line's first character, and handles Backspace, Ctrl-U (clear the line) and
Ctrl-D (on an empty line: the end of typing, as at the end of a file).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable

from ..conversation.keymap import ESC, KEYS
from ..types import Heard

PROMPT = "You: "
_ENTER = (b"\r", b"\n")
_BACKSPACE = (b"\x7f", b"\x08")
_CLEAR = b"\x15"  # Ctrl-U
_END = b"\x04"  # Ctrl-D
# Alone on a line, then Enter, a command letter does its key's action (r: repeat), either case.
ALONE: dict[str, str] = {chr(k.sequences[0][0]).lower(): k.action for k in KEYS if k.letter}
# On an empty line these act at once: no question starts with + or -.
AT_LINE_START: dict[bytes, str] = {
    seq: k.action
    for k in KEYS
    if not k.letter and not k.needs_microphone
    for seq in k.sequences
    if len(seq) == 1 and seq != ESC
}


class LineEditor:
    """Fed one byte at a time; returns what the user did when a key acts or a line is sent."""

    def __init__(self, write: Callable[[str], None]) -> None:
        self.write = write  # echo to the terminal
        self.text = ""
        self._shown = False  # the prompt is on screen for this line
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def feed(self, byte: bytes) -> Heard | None:
        if byte in _ENTER:
            return self._enter()
        if byte in _BACKSPACE:
            if self.text:
                self._show()
                self.text = self.text[:-1]
                self.write("\b \b")
            return None
        if byte == _CLEAR:
            if self._shown:
                self.write("\b \b" * len(self.text))
            self.text = ""
            return None
        if byte == _END:
            return Heard("end") if not self.text else None
        if not self.text and byte in AT_LINE_START:
            return Heard("key", AT_LINE_START[byte])
        if byte[0] < 0x20 or (byte == b" " and not self.text):
            return None  # other control keys, and spaces before anything is typed
        char = self._decoder.decode(byte)
        if char:  # a whole character (UTF-8 letters take several bytes)
            self._show()
            self.text += char
            self.write(char)
        return None

    def interrupt(self) -> None:
        """A key acted in the middle of a line: the guide's answer starts on a line of its own,
        and the unfinished line is shown again when typing goes on."""
        if self._shown:
            self.write("\n")
            self._shown = False

    def _show(self) -> None:
        if not self._shown:
            self.write(PROMPT + self.text)
            self._shown = True

    def _enter(self) -> Heard | None:
        line, self.text = self.text.strip(), ""
        if self._shown:
            self.write("\n")
            self._shown = False
        if not line:
            return None
        if line.lower() in ALONE:
            return Heard("key", ALONE[line.lower()])
        return Heard("said", line, on_screen=True)
