"""Key presses on a real pseudo-terminal become actions, and the terminal is always put back."""

from __future__ import annotations

import io
import os
import queue
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.terminal import lines_until as read_until
from voice.conversation.keymap import KEY_HELP, KEYS, key_help, key_table
from voice.loop import keys
from voice.loop.keys import KeyReader
from voice.types import Heard

termios = pytest.importorskip("termios")
pty = pytest.importorskip("pty")

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import sys, termios
from voice.loop.keys import KeyReader
saved = termios.tcgetattr(0)
reader = KeyReader(sys.stdin)
print("started" if reader.start() else "no tty", flush=True)
while True:
    action = reader.events.get(timeout=10).text
    print(action, flush=True)
    if action == "quit":
        break
reader.stop()
print("restored" if termios.tcgetattr(0) == saved else "NOT restored", flush=True)
"""

CRASHING_CHILD = r"""
import sys
from voice.loop.keys import KeyReader
reader = KeyReader(sys.stdin)
print("started" if reader.start() else "no tty", flush=True)
reader.events.get(timeout=10)
raise RuntimeError("crash on purpose, without calling stop()")
"""


def spawn(code: str, slave: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        start_new_session=True,
    )


@pytest.fixture
def terminal():
    master, slave = pty.openpty()
    yield master, slave
    os.close(master)
    os.close(slave)


def finish(child: subprocess.Popen) -> str:
    try:
        _, err = child.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        child.kill()
        _, err = child.communicate()
    return err.decode(errors="replace")


def test_keys_in_a_child_on_a_pty(terminal: tuple[int, int]) -> None:
    master, slave = terminal
    before = termios.tcgetattr(slave)
    child = spawn(CHILD, slave)
    try:
        assert read_until(master, "started") == ["started"]
        during = termios.tcgetattr(slave)
        assert not during[3] & (termios.ICANON | termios.ECHO)  # cbreak: keys arrive at once, unechoed
        for press in [b" ", b"\x1b[C", b"\x1b[D", b"r", b"+", b"-", b"h", b"\x1b"]:
            os.write(master, press)
            time.sleep(0.02)
        time.sleep(0.2)  # a lone Esc is told apart by the pause after it...
        lines = read_until(master, "stop")  # ...so wait until it is heard, even on a busy machine
        for press in [b"k", b"x", b"q"]:
            os.write(master, press)
            time.sleep(0.02)
        lines += read_until(master, "restored")
    finally:
        err = finish(child)
    assert lines == [
        "talk",
        "next",
        "previous",
        "repeat",
        "faster",
        "slower",
        "help",
        "stop",
        "keys",
        "quit",
        "restored",
    ], err
    assert child.returncode == 0, err
    assert termios.tcgetattr(slave) == before


def test_crash_still_restores_the_terminal(terminal: tuple[int, int]) -> None:
    master, slave = terminal
    before = termios.tcgetattr(slave)
    child = spawn(CRASHING_CHILD, slave)
    try:
        read_until(master, "started")
        assert termios.tcgetattr(slave) != before
        os.write(master, b" ")
    finally:
        err = finish(child)
    assert child.returncode == 1 and "crash on purpose" in err
    assert termios.tcgetattr(slave) == before  # put back by atexit


def test_escape_sequences_in_process(terminal: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "ESC_WAIT", 0.5)  # so the split arrow below stays one arrow on a busy machine
    master, slave = terminal
    before = termios.tcgetattr(slave)
    heard: list[str] = []
    reader = KeyReader(slave, on_event=lambda event: heard.append(event.text))
    assert reader.start()
    assert reader.start()  # a second start is harmless
    presses = [
        (b"\x1bOC", "next"),
        (b"\x1bOD", "previous"),
        (b"\x1b[1;5C", "next"),  # Ctrl+right: still "next"
        (b"\x1b[A", None),
        (b"\x1b[15~", None),
        (b"\x1bx", None),  # up arrow, F5, Alt+x: ignored
        ("é".encode(), None),
        (b"\x04", None),
        (b"R", "repeat"),
        (b"=", "faster"),  # Caps Lock on; = is + without Shift
        (b"\x1b\x1b", "stop"),  # Esc twice: two stops
    ]
    expected: list[str] = []
    for press, action in presses:
        os.write(master, press)
        time.sleep(0.02)
        expected += [action] if action else []
    expected.append("stop")
    os.write(master, b"\x1b[")  # an arrow split across two reads is still one arrow
    time.sleep(0.01)
    os.write(master, b"D")
    expected.append("previous")
    got = []
    try:
        while len(got) < len(expected):
            event = reader.events.get(timeout=5)
            assert event.kind == "key"
            got.append(event.text)
    except queue.Empty:
        pass
    finally:
        started = time.monotonic()
        reader.stop()
        stopped_in = time.monotonic() - started
    assert got == expected
    assert heard == expected
    assert stopped_in < 0.5
    assert termios.tcgetattr(slave) == before
    reader.stop()  # a second stop is harmless


def test_not_a_terminal() -> None:
    assert KeyReader(io.StringIO("q")).start() is False
    read, write = os.pipe()
    try:
        assert KeyReader(read).start() is False
    finally:
        os.close(read)
        os.close(write)


def test_no_termios(terminal: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "termios", None)
    _, slave = terminal
    assert KeyReader(slave).start() is False


def test_help_and_table() -> None:
    assert KEY_HELP == (
        "Keys: space to talk, right arrow for next, left arrow for previous, r to repeat, "
        "plus for faster, minus for slower, h for help, m for the main menu, "
        "escape to stop speaking, q to quit, "
        "k to hear the keys."
    )
    table = key_table()
    assert table[0] == ("Space", "talk")
    assert ("+ or =", "faster") in table and ("Esc", "stop speaking") in table
    assert len(table) == len(KEYS) == len({k.action for k in KEYS})


def test_typing_on_a_pty_takes_lines_and_keys(terminal: tuple[int, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """No microphone: letters make lines, while the arrows and Esc act at once, even mid-line."""
    monkeypatch.setattr(keys, "ESC_WAIT", 0.5)
    master, slave = terminal
    echo = io.StringIO()
    told: list[Heard] = []
    reader = KeyReader(slave, on_event=told.append, typing=True, echo=echo)
    assert reader.start()
    expected = [
        (b"what causes\x1b[C leg pain\r", [Heard("key", "next"), Heard("said", "what causes leg pain", True)]),
        (b"r\r", [Heard("key", "repeat")]),
        (b"+", [Heard("key", "faster")]),
        (b"q", []),  # a letter waits for Enter...
        (b"\r", [Heard("key", "quit")]),  # ...alone on its line, it is the q key
    ]
    got: list[Heard] = []
    try:
        for press, events in expected:
            os.write(master, press)
            got += [reader.events.get(timeout=5) for _ in events]
            time.sleep(0.05)
        reader.typing = False  # the microphone came back: letters act at once again
        os.write(master, b"k")
        got.append(reader.events.get(timeout=5))
    finally:
        reader.stop()
    assert got == [event for _, events in expected for event in events] + [Heard("key", "keys")]
    assert told == got  # each one told at once too (to silence the guide)
    assert "You: what causes leg pain\n" in echo.getvalue()
    assert reader.events.empty()


def test_typing_ends_when_the_terminal_goes(monkeypatch: pytest.MonkeyPatch) -> None:
    master, slave = pty.openpty()
    reader = KeyReader(slave, typing=True, echo=io.StringIO())
    assert reader.start()
    try:
        os.close(master)  # the terminal window was closed
        assert reader.events.get(timeout=5) == Heard("end")
    finally:
        reader.stop()
        os.close(slave)


def test_the_typed_key_list() -> None:
    typed = key_help(typing=True)
    assert "space" not in typed  # no microphone: nothing to talk to
    assert typed.startswith("Keys: right arrow for next, left arrow for previous, plus for faster")
    assert "Typed alone, then Enter: r to repeat, h for help, m for the main menu, q to quit" in typed
    table = key_table(typing=True)
    assert ("r then Enter", "repeat") in table and ("Esc", "stop speaking") in table
    assert len(table) == len(KEYS) - 1
