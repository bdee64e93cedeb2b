"""One memory per person: --profile keeps each person's settings and places apart, and
`voice-guide forget` resets one person without touching the others."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from voice.app.cli import main
from voice.app.profiles import take_profile
from voice.conversation.memory import Memory, load_memory, memory_path, save_memory
from voice.conversation.settings import PROFILE_ENV, load_settings, settings_path
from voice.errors import GuideError

ROOT = Path(__file__).resolve().parents[1]


def _dirs() -> tuple[Path, Path]:
    return Path(os.environ["VOICE_GUIDE_CONFIG_DIR"]), Path(os.environ["VOICE_GUIDE_STATE_DIR"])


@pytest.mark.parametrize(
    "argv, rest",
    [
        (["--profile", "Anna", "run"], ["run"]),
        (["run", "--profile", "Anna", "--rate", "120"], ["run", "--rate", "120"]),
        (["settings", "--profile=Anna"], ["settings"]),
    ],
)
def test_the_profile_is_taken_before_or_after_the_command(argv: list[str], rest: list[str]) -> None:
    assert take_profile(argv) == rest
    assert os.environ[PROFILE_ENV] == "Anna"


@pytest.mark.parametrize("argv", [["--profile"], ["--profile", "--rate"], ["--profile", "..."], ["--profile=  "]])
def test_a_missing_or_unusable_name_is_refused_in_plain_words(argv: list[str]) -> None:
    with pytest.raises(GuideError, match="name"):
        take_profile(argv)
    assert os.environ[PROFILE_ENV] == "", "a refused name changes nothing"


def test_a_bad_profile_on_the_command_line_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "causes", "--profile", "?!"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "profile name" in err


def test_each_person_has_their_own_settings_and_places(monkeypatch: pytest.MonkeyPatch) -> None:
    config, state = _dirs()
    assert settings_path() == config / "settings.yaml"
    monkeypatch.setenv(PROFILE_ENV, "Anna Smith")
    assert settings_path() == config / "profiles" / "anna-smith" / "settings.yaml"
    assert memory_path("leg-pain") == state / "profiles" / "anna-smith" / "leg-pain.yaml"
    assert save_memory(Memory(place="causes", visits=3), "leg-pain") is None
    monkeypatch.setenv(PROFILE_ENV, "")
    assert load_memory("leg-pain") == (Memory(), None), "the standard profile does not see Anna's place"


def test_settings_changed_for_one_person_leave_the_others_alone(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["settings", "rate", "110", "--profile", "Anna"]) == 0
    assert "Settings for Anna" in capsys.readouterr().out
    assert load_settings()[0].rate == 110
    os.environ[PROFILE_ENV] = "Bob"  # restored by conftest's monkeypatch
    assert load_settings()[0].rate == 150
    os.environ[PROFILE_ENV] = ""
    assert load_settings()[0].rate == 150


def _run(profile: list[str], typed: str) -> str:
    """The spoken guide in a child process, typed to (there is no microphone here)."""
    done = subprocess.run(
        [sys.executable, "-m", "voice", "run", *profile],
        input=typed,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_the_spoken_guide_welcomes_back_only_the_person_who_was_there() -> None:
    _run(["--profile", "Anna"], "symptoms\ngoodbye\n")
    _, state = _dirs()
    assert (state / "profiles" / "anna" / "leg-pain.yaml").is_file()
    assert not (state / "leg-pain.yaml").exists()
    anna = _run(["--profile", "Anna"], "goodbye\n")
    assert main(["settings"]) == 0  # the standard profile is untouched by Anna's runs
    newcomer = _run([], "goodbye\n")
    assert "Welcome back" in anna or "welcome back" in anna.lower()
    assert "welcome back" not in newcomer.lower()


def test_forget_resets_one_person_and_keeps_the_others(capsys: pytest.CaptureFixture[str]) -> None:
    config, state = _dirs()
    assert main(["settings", "rate", "110"]) == 0
    assert save_memory(Memory(place="causes"), "leg-pain") is None
    assert main(["--profile", "Anna", "settings", "rate", "200"]) == 0
    assert save_memory(Memory(place="symptoms"), "leg-pain") is None
    capsys.readouterr()

    assert main(["forget", "--yes", "--profile", "Anna"]) == 0
    assert "Anna's settings and places are forgotten" in capsys.readouterr().out
    assert not (config / "profiles" / "anna").exists() and not (state / "profiles" / "anna").exists()
    os.environ[PROFILE_ENV] = ""
    assert load_settings()[0].rate == 110 and load_memory("leg-pain")[0].place == "causes"

    assert main(["--profile", "Bob", "settings", "rate", "130"]) == 0
    os.environ[PROFILE_ENV] = ""  # a new process of the standard profile
    assert main(["forget", "--yes"]) == 0
    assert load_settings()[0].rate == 150 and load_memory("leg-pain")[0] == Memory()
    assert (config / "profiles" / "bob" / "settings.yaml").is_file(), "forgetting the standard profile keeps Bob"


def test_forget_without_a_terminal_asks_for_yes_and_removes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    config, _ = _dirs()
    assert main(["settings", "rate", "110"]) == 0
    done = subprocess.run(
        [sys.executable, "-m", "voice", "forget"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
    )
    assert done.returncode == 1 and "add --yes" in done.stderr
    assert (config / "settings.yaml").is_file()


def test_forget_with_nothing_saved_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["forget", "--yes", "--profile", "Carol"]) == 0
    assert "Nothing to forget" in capsys.readouterr().out
