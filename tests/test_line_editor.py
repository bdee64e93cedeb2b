"""Typing with no microphone: letters make a line, and the keys still act (rules in keymap.py)."""

from __future__ import annotations

import pytest

from voice.conversation.keymap import KEYS
from voice.loop.line_editor import ALONE, PROMPT, LineEditor
from voice.types import Heard


def typed(data: bytes) -> tuple[list[Heard], str]:
    """The events from typing `data` one byte at a time, and what was echoed."""
    shown: list[str] = []
    editor = LineEditor(shown.append)
    events = [event for i in range(len(data)) if (event := editor.feed(data[i : i + 1])) is not None]
    return events, "".join(shown)


def test_a_question_is_a_line() -> None:
    events, shown = typed(b"what causes leg pain\r")
    assert events == [Heard("said", "what causes leg pain", on_screen=True)]
    assert shown == f"{PROMPT}what causes leg pain\n"


@pytest.mark.parametrize("letter", [b"r", b"h", b"k", b"m", b"q", b"R", b"Q"])
def test_a_command_letter_alone_on_its_line_is_its_key(letter: bytes) -> None:
    events, _ = typed(letter + b"\r")
    assert events == [Heard("key", ALONE[letter.decode().lower()])]


def test_every_letter_key_can_be_typed_alone() -> None:
    assert sorted(ALONE.values()) == sorted(k.action for k in KEYS if k.letter)
    assert typed(b"q\r")[0] == [Heard("key", "quit")] and typed(b"h\r")[0] == [Heard("key", "help")]


def test_letters_inside_words_are_only_letters() -> None:
    events, _ = typed(b"how is it treated\rrest\r")
    assert events == [Heard("said", "how is it treated", on_screen=True), Heard("said", "rest", on_screen=True)]


def test_plus_and_minus_act_at_once_on_an_empty_line_only() -> None:
    assert typed(b"+")[0] == [Heard("key", "faster")]
    assert typed(b"=-")[0] == [Heard("key", "faster"), Heard("key", "slower")]
    assert typed(b"x-ray\r")[0] == [Heard("said", "x-ray", on_screen=True)]


def test_space_on_an_empty_line_does_nothing() -> None:
    # With no microphone there is nothing for the talk key to start.
    events, shown = typed(b"   \r")
    assert events == [] and shown == ""


def test_backspace_and_clear() -> None:
    events, shown = typed(b"helq\x7f\x7fp\r")
    assert events == [Heard("said", "hep", on_screen=True)]
    assert shown == f"{PROMPT}helq\b \b\b \bp\n"
    assert typed(b"what\x15q\r")[0] == [Heard("key", "quit")]  # Ctrl-U cleared "what"
    assert typed(b"\x7f\r")[0] == []  # nothing to delete, nothing sent


def test_ctrl_d_ends_typing_only_on_an_empty_line() -> None:
    assert typed(b"\x04")[0] == [Heard("end")]
    assert typed(b"ab\x04\r")[0] == [Heard("said", "ab", on_screen=True)]


def test_other_control_keys_and_utf8() -> None:
    events, shown = typed(b"\x01\tcaf\xc3\xa9\r")
    assert events == [Heard("said", "café", on_screen=True)]
    assert shown == f"{PROMPT}café\n"


def test_a_key_in_the_middle_of_a_line_keeps_the_line() -> None:
    shown: list[str] = []
    editor = LineEditor(shown.append)
    for i, byte in enumerate(b"what ca"):
        assert editor.feed(bytes([byte])) is None, i
    editor.interrupt()  # right arrow: the guide's answer is printed on a line of its own
    shown.append("Guide: ...\n")
    events = [editor.feed(bytes([byte])) for byte in b"uses\r"]
    assert events[-1] == Heard("said", "what causes", on_screen=True)
    assert "".join(shown) == f"{PROMPT}what ca\nGuide: ...\n{PROMPT}what causes\n"
