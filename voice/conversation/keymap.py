"""Which key does what: the one table that the key reader, the spoken key list and the printed
key list are all made from, so they always agree.

Two ways the keys work, one per way of asking:
- speaking (a microphone): every key acts at once, letters included; space listens now, for one
  request (with push to talk, it is the only way to be heard).
- typing (no microphone): letters, digits and space make the typed line, which Enter sends. The
  arrows and Esc still act at once, and so do + = - on an empty line (no question starts with
  them); a command letter (r, h, m, q, k) typed alone on its line and then Enter does its key's
  action. Space has nothing to start: there is no microphone.
"""

from __future__ import annotations

from typing import NamedTuple

ESC = b"\x1b"


class Key(NamedTuple):
    action: str
    sequences: tuple[bytes, ...]  # bytes the terminal sends; letters also match in upper case
    spoken: str  # the key's name in KEY_HELP
    label: str  # the key's name in key_table()
    phrase: str  # what it does, as spoken after the key's name

    @property
    def letter(self) -> bool:
        """A letter key: while typing it is part of the line, so it acts only alone on it."""
        return self.sequences[0].isalpha()

    @property
    def needs_microphone(self) -> bool:
        return self.action == "talk"


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


def _at_once(typing: bool) -> list[Key]:
    if not typing:
        return list(KEYS)
    return [k for k in KEYS if not k.letter and not k.needs_microphone]


def _alone(typing: bool) -> list[Key]:
    return [k for k in KEYS if k.letter] if typing else []


def key_help(typing: bool = False) -> str:
    """The key list as the guide says it, for the way the keys work now (see above)."""
    text = "Keys: " + ", ".join(f"{k.spoken} {k.phrase}" for k in _at_once(typing)) + "."
    if typing:
        letters = ", ".join(f"{k.spoken} {k.phrase}" for k in _alone(typing))
        text += f" Typed alone, then Enter: {letters}. Anything else you type, then Enter, is a question."
    return text


KEY_HELP = key_help()


def _doing(key: Key) -> str:
    return key.phrase.removeprefix("to ").removeprefix("for ")


def key_table(typing: bool = False) -> list[tuple[str, str]]:
    """(key, what it does) rows for printing, in the same order as key_help(); while typing, the
    letters' rows say "r then Enter"."""
    rows = [(k.label, _doing(k)) for k in _at_once(typing)]
    return rows + [(f"{k.label} then Enter", _doing(k)) for k in _alone(typing)]
