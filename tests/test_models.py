"""Models for caregivers: found on the search path, installed from a zip or a folder, refused
when incomplete, all with plain messages."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from voice.hearing import models


def _fake_model(root: Path) -> Path:
    """The files a Vosk model folder must have (contents are not loaded here)."""
    for part in ("am/final.mdl", "conf/model.conf", "graph/HCLG.fst"):
        (root / part).parent.mkdir(parents=True, exist_ok=True)
        (root / part).write_bytes(b"x" * 16)
    return root


def test_language_is_read_from_the_name() -> None:
    assert models.guess_language("vosk-model-small-en-us-0.15") == "en"
    assert models.guess_language("vosk-model-en-us-0.22-lgraph") == "en"
    assert models.guess_language("vosk-model-small-ko-0.22") == "ko"


def test_search_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VOSK_MODEL_PATH", str(tmp_path / "env"))
    places = models.search_path(str(tmp_path / "flag"))
    assert places[:3] == [tmp_path / "flag", tmp_path / "env", models.PROJECT_MODELS]
    assert places[3] == models.user_models_dir()


def test_install_from_zip_and_find_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _fake_model(tmp_path / "src" / "vosk-model-small-en-us-0.15")
    archive = tmp_path / "model.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in model.rglob("*"):
            zf.write(file, file.relative_to(model.parent))
    target = models.install(archive, tmp_path / "installed")
    assert target == tmp_path / "installed" / "vosk-model-small-en-us-0.15"
    assert models.problem_with(target) is None
    monkeypatch.setenv("VOSK_MODEL_PATH", str(tmp_path / "installed"))
    found = models.find_vosk_model()
    assert found is not None and found.path == target and found.english
    with pytest.raises(models.ModelError, match="already installed"):
        models.install(archive, tmp_path / "installed")


def test_install_from_a_folder(tmp_path: Path) -> None:
    model = _fake_model(tmp_path / "usb" / "vosk-model-small-en-us-0.15")
    assert models.install(model, tmp_path / "dest").is_dir()


def test_incomplete_or_damaged_sources_are_refused(tmp_path: Path) -> None:
    half = tmp_path / "half"
    (half / "am").mkdir(parents=True)
    with pytest.raises(models.ModelError, match="not a whole Vosk model"):
        models.install(half, tmp_path / "dest")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(models.ModelError):
        models.install(broken, tmp_path / "dest")
    with pytest.raises(models.ModelError, match="was not found"):
        models.install(tmp_path / "missing.zip", tmp_path / "dest")
    assert not (tmp_path / "dest").exists() or not any((tmp_path / "dest").iterdir())


def test_unsafe_zip_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../outside.txt", "x")
    with pytest.raises(models.ModelError, match="unsafe"):
        models.install(archive, tmp_path / "dest")


def test_models_command_lists_and_explains(tmp_path: Path) -> None:
    _fake_model(tmp_path / "vosk-model-small-en-us-0.15")
    (tmp_path / "vosk-model-broken" / "am").mkdir(parents=True)
    env = {"VOSK_MODEL_PATH": str(tmp_path), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "voice", "models"], capture_output=True, text=True, env=env)
    assert out.returncode == 0
    assert "vosk-model-small-en-us-0.15 (en): ready" in out.stdout
    assert "vosk-model-broken" in out.stdout and "BROKEN" in out.stdout
    assert "voice-guide models install" in out.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "voice", "models", "install", str(tmp_path / "nope.zip")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad.returncode == 1 and len(bad.stderr.strip().splitlines()) == 1
