"""The launcher for someone who cannot see the screen: menu and log-in entries written where the
XDG specifications say, valid, starting the right command; and uninstall taking back all of it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voice.app import launcher
from voice.app.cli import main
from voice.conversation.settings import settings_path

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home folder of our own; XDG_* unset, so the specification's defaults apply."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "VOICE_GUIDE_CACHE"):
        monkeypatch.delenv(name, raising=False)
    return home


def _entry(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("[Desktop Entry]\n")
    return dict(line.split("=", 1) for line in text.splitlines()[1:] if line)


def exec_argv(value: str) -> list[str]:
    """The Exec key back to argv, as a desktop environment reads it: string escapes first, then
    the specification's quoting (written independently of launcher.exec_value)."""
    value = re.sub(r"\\(.)", lambda m: {"s": " ", "n": "\n", "t": "\t", "r": "\r"}.get(m[1], m[1]), value)
    argv, word, quoted, escaped, started = [], "", False, False, False
    for char in value:
        if escaped:
            word, escaped = word + char, False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted, started = not quoted, True
        elif char == " " and not quoted:
            if word or started:
                argv.append(word)
            word, started = "", False
        else:
            word += char
    if word or started:
        argv.append(word)
    return [arg.replace("%%", "%") for arg in argv]


def test_the_menu_entry_goes_where_the_spec_says_by_default(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["install-launcher"]) == 0
    menu = home / ".local" / "share" / "applications" / "voice-guide.desktop"
    entry = _entry(menu)
    assert entry["Type"] == "Application" and entry["Terminal"] == "true" and entry["Name"] == "Voice guide"
    assert not (home / ".config" / "autostart").exists(), "start at log-in only when asked"
    assert str(menu) in capsys.readouterr().out


def test_xdg_variables_move_the_entries(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "conf"))
    written = launcher.install(at_login=True)
    assert written == [
        tmp_path / "data/applications/voice-guide.desktop",
        tmp_path / "conf/autostart/voice-guide.desktop",
    ]
    assert _entry(written[1])["X-GNOME-Autostart-enabled"] == "true"
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/conf")  # the spec: a relative path is ignored
    assert launcher.autostart_dir() == home / ".config" / "autostart"


def test_installing_again_without_at_login_stops_the_start_at_login(home: Path) -> None:
    launcher.install(at_login=True)
    login = home / ".config/autostart/voice-guide.desktop"
    assert login.is_file()
    launcher.install(at_login=False)
    assert not login.exists()


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils is not installed")
@pytest.mark.parametrize("at_login", [False, True])
def test_the_entries_are_valid_desktop_files(home: Path, monkeypatch: pytest.MonkeyPatch, at_login: bool) -> None:
    # a folder name with the characters the Exec key must quote and escape
    monkeypatch.setattr(launcher, "program", lambda: ['/opt/My guide/"v" $1 50%/bin/voice-guide'])
    for path in launcher.install("Anna", at_login=at_login):
        done = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert done.returncode == 0 and not done.stdout.strip(), done.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["/usr/bin/voice-guide", "run"],
        ["/home/ann/My guide/.venv/bin/voice-guide", "run", "--profile", "Ann Lee"],
        ['/a "quoted" $HOME `x` \\ 100%/voice-guide', "run"],
    ],
)
def test_exec_reads_back_as_the_same_command(argv: list[str]) -> None:
    assert exec_argv(launcher.exec_value(argv)) == argv


def test_the_command_is_the_installed_script_not_the_path_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "venv" / "bin" / "voice-guide"
    real.parent.mkdir(parents=True)
    real.write_text("#!/bin/sh\n")
    link = tmp_path / "local" / "bin" / "voice-guide"
    link.parent.mkdir(parents=True)
    link.symlink_to(real)
    monkeypatch.setattr(sys, "argv", [str(link), "install-launcher"])
    assert launcher.program() == [str(real)]
    monkeypatch.setattr(sys, "argv", ["-m"])  # python -m voice
    assert launcher.program() == [sys.executable, "-m", "voice"]


def test_the_entry_starts_the_spoken_guide_for_that_person(home: Path) -> None:
    """Run the Exec line as the desktop would: the guide starts (typed to: there is no sound card
    here), speaks its welcome first, and keeps the person's own profile."""
    [menu] = launcher.install("Anna")
    assert menu.name == "voice-guide-anna.desktop" and _entry(menu)["Name"] == "Voice guide for Anna"
    argv = exec_argv(_entry(menu)["Exec"])
    assert argv[-3:] == ["run", "--profile", "Anna"]
    done = subprocess.run(
        argv,
        input="goodbye\n",
        capture_output=True,
        text=True,
        timeout=120,
        cwd=home,  # a menu starts it anywhere
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("Guide:") and "Welcome" in first
    assert "Goodbye" in done.stdout


def test_the_venv_script_itself_starts_the_guide(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    script = Path(sys.executable).with_name("voice-guide")
    probe = subprocess.run([str(script), "--version"], capture_output=True, text=True) if script.exists() else None
    if probe is None or probe.returncode != 0:
        pytest.skip(f"{script} is missing or from an older install (reinstall with scripts/setup.sh)")
    monkeypatch.setattr(sys, "argv", [str(script)])
    [menu] = launcher.install()
    argv = exec_argv(_entry(menu)["Exec"])
    assert argv == [str(script.resolve()), "run"]
    done = subprocess.run([*argv[:1], "ask", "what causes leg pain"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith("Guide: Causes"), done.stderr


def test_uninstall_removes_what_was_added_and_keeps_the_rest(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    launcher.install(at_login=True)
    launcher.install("Anna")
    foreign = home / ".local/share/applications/voice-guide-notes.desktop"
    foreign.write_text("[Desktop Entry]\nType=Application\nName=Notes\nExec=notes\n")
    link = home / ".local/bin/voice-guide"
    link.parent.mkdir(parents=True)
    link.symlink_to(ROOT / ".venv/bin/voice-guide")
    bashrc = home / ".bashrc"
    bashrc.write_text(
        "alias ll='ls -l'\n"
        f"{launcher.BASHRC_START} (added by voice-guide's set-up)\n"
        'PATH="$HOME/.local/bin:$PATH"\n'
        f"{launcher.BASHRC_END}\n"
        "export EDITOR=nano\n"
    )
    assert main(["settings", "rate", "110"]) == 0
    cache = home / ".cache" / "voice-guide" / "sphinx"
    cache.mkdir(parents=True)
    capsys.readouterr()

    assert main(["uninstall"]) == 0  # no terminal to ask in: settings are kept
    out = capsys.readouterr().out
    assert sorted(p.name for p in home.rglob("*.desktop")) == ["voice-guide-notes.desktop"]
    assert not link.is_symlink() and not cache.exists()
    assert bashrc.read_text() == "alias ll='ls -l'\nexport EDITOR=nano\n"
    assert settings_path().is_file() and "voice-guide uninstall --all" in out

    assert main(["uninstall", "--all"]) == 0
    assert not settings_path().exists()
    assert "delete it to remove the guide completely" in capsys.readouterr().out
