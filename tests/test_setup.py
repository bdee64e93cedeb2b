"""Set up once, start offline every day: the start's check needs no network, notices when the
set-up is out of date, and a set-up folder starts and answers with no network at all."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from voice.app.cli import main

ROOT = Path(__file__).resolve().parents[1]
SETUP = ROOT / "scripts" / "setup.sh"


def _stamp(folder: Path, mode: str) -> str:
    """What scripts/setup.sh writes at the end (kept in step with its fingerprint())."""
    sums = [hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in ("pyproject.toml", "scripts/setup.sh")]
    return " ".join(sums) + f"\n{mode}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's set-up files, with a stand-in .venv stamped as set up."""
    (tmp_path / "scripts").mkdir()
    shutil.copy2(SETUP, tmp_path / "scripts" / "setup.sh")
    shutil.copy2(ROOT / "pyproject.toml", tmp_path)
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "voice-guide"):
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    (tmp_path / ".venv" / "voice-guide-setup").write_text(_stamp(tmp_path, "plain"))
    return tmp_path


def _check(project: Path, *extra: str) -> int:
    return subprocess.run(["bash", str(project / "scripts" / "setup.sh"), "--check", *extra], timeout=30).returncode


def test_a_current_set_up_passes_the_check(project: Path) -> None:
    assert _check(project) == 0


def test_a_changed_pyproject_or_set_up_script_asks_for_the_set_up_again(project: Path) -> None:
    with open(project / "pyproject.toml", "a") as f:
        f.write("\n# a new dependency arrived with git pull\n")
    assert _check(project) == 1
    (project / ".venv" / "voice-guide-setup").write_text(_stamp(project, "plain"))
    assert _check(project) == 0
    with open(project / "scripts" / "setup.sh", "a") as f:
        f.write("\n# a new system package\n")
    assert _check(project) == 1


def test_a_plain_set_up_is_not_enough_for_the_tests(project: Path) -> None:
    assert _check(project, "--test") == 1
    (project / ".venv" / "voice-guide-setup").write_text(_stamp(project, "test"))
    assert _check(project, "--test") == 0 and _check(project) == 0


@pytest.mark.parametrize("lost", ["voice-guide-setup", "bin/voice-guide", "bin/python"])
def test_a_half_made_set_up_is_not_current(project: Path, lost: str) -> None:
    (project / ".venv" / lost).unlink()
    assert _check(project) == 1


def test_the_guides_own_hint_for_a_speech_model_runs_as_printed(capsys: pytest.CaptureFixture[str]) -> None:
    """`voice-guide models` names the download script by its full path; it must start from any
    folder (it moves into the guide's .venv itself). --help, as there is no internet here."""
    script = ROOT / "scripts" / "download_model.py"
    assert os.access(script, os.X_OK)
    set_up = subprocess.run(["bash", str(SETUP), "--check"]).returncode == 0
    command = [str(script)] if set_up else [sys.executable, str(script)]  # without .venv: this Python
    done = subprocess.run([*command, "--help"], capture_output=True, text=True, cwd="/", timeout=60)
    assert done.returncode == 0 and "Download the small English Vosk model" in done.stdout, done.stderr
    assert main(["models"]) == 0
    assert f"'{script}'" in capsys.readouterr().out


def _unshare_works() -> str | None:
    if not shutil.which("unshare"):
        return "unshare is not installed"
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    return None if probe.returncode == 0 else f"unshare -n is not permitted here ({probe.stderr.strip()})"


def test_a_set_up_folder_starts_and_answers_with_no_network() -> None:
    """The real start path, scripts/start, in a network namespace with no network at all."""
    reason = _unshare_works()
    if reason:
        pytest.skip(reason)
    if subprocess.run(["bash", str(SETUP), "--check"]).returncode != 0:
        pytest.skip("this folder is not set up (run scripts/setup.sh, or scripts/test, here first)")
    start = ROOT / "scripts" / "start"
    ask = subprocess.run(
        ["unshare", "-n", str(start), "ask", "what causes leg pain"], capture_output=True, text=True, timeout=120
    )
    assert ask.returncode == 0, ask.stderr
    assert ask.stdout.startswith("Guide: Causes."), ask.stdout
    assert "pip" not in ask.stderr and "install" not in ask.stderr.lower(), ask.stderr
    chat = subprocess.run(
        ["unshare", "-n", str(start), "chat"], input="symptoms\ngoodbye\n", capture_output=True, text=True, timeout=120
    )
    assert chat.returncode == 0, chat.stderr
    assert chat.stdout.startswith("Guide: Welcome") and "Goodbye" in chat.stdout
