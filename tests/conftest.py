"""Shared fixtures: the shipped pack and its router, built once per test run."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice.content.pack import Pack, find_pack, load_pack
from voice.understanding.router import Router


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack(find_pack(None))


@pytest.fixture(scope="session")
def router(pack: Pack) -> Router:
    return Router(pack)


@pytest.fixture(autouse=True)
def own_settings_and_memory(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts as a first-time user, and never touches the real user's files."""
    monkeypatch.setenv("VOICE_GUIDE_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("VOICE_GUIDE_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    monkeypatch.setenv("VOICE_GUIDE_PROFILE", "")  # the standard profile, whatever the shell says


def find_source(pack: Pack) -> Path | None:
    """The source page a pack was made from: beside the pack, or in shared/seed/ beside the
    project (in CI ../shared/seed/ from the repository; here perhaps further up)."""
    if not pack.source:
        return None
    beside = Path(pack.path).parent / pack.source
    if beside.exists():
        return beside
    root = Path(__file__).resolve().parents[1]
    for folder in root.parents:
        candidate = folder / "shared" / "seed" / pack.source
        if candidate.exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def source_of():
    """pack -> the text of its source page (the test is skipped when it is not here)."""

    def read(pack: Pack) -> str:
        path = find_source(pack)
        if path is None:
            pytest.skip(f"the source page {pack.source} is not beside the project")
        return path.read_text(encoding="utf-8")

    return read
