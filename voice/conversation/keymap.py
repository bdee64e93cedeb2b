"""Which key does what: the one table that the key reader, the spoken key list and the printed
key list are all made from, so they always agree."""

from __future__ import annotations

from typing import NamedTuple

ESC = b"\x1b"


class Key(NamedTuple):
    action: str
    sequences: tuple[bytes, ...]  # bytes the terminal sends; letters also match in upper case
    spoken: str  # the key's name in KEY_HELP
    label: str  # the key's name in key_table()
    phrase: str  # what it does, as spoken after the key's name


KEYS: tuple[Key, ...] = (
    Key("talk", (b" ",), "space", "Space", "to talk"),
    Key("next", (b"\x1b[C", b"\x1bOC"), "right arrow", "Right arrow", "for next"),
    Key("previous", (b"\x1b[D", b"\x1bOD"), "left arrow", "Left arrow", "for previous"),
    Key("repeat", (b"r",), "r", "r", "to repeat"),
    Key("faster", (b"+", b"="), "plus", "+ or =", "for faster"),
    Key("slower", (b"-",), "minus", "-", "for slower"),
    Key("help", (b"h",), "h", "h", "for help"),
    Key("start_over", (b"m",), "m", "m", "for the main menu"),
    Key("stop", (ESC,), "escape", "Esc", "to stop speaking"),
    Key("quit", (b"q",), "q", "q", "to quit"),
    Key("keys", (b"k",), "k", "k", "to hear the keys"),
)

KEY_HELP = "Keys: " + ", ".join(f"{k.spoken} {k.phrase}" for k in KEYS) + "."


def key_table() -> list[tuple[str, str]]:
    """(key, what it does) rows for printing, in the same order as KEY_HELP."""
    return [(k.label, k.phrase.removeprefix("to ").removeprefix("for ")) for k in KEYS]
