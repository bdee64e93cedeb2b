"""Shared fixtures: the shipped pack and its router, built once per test run."""

from __future__ import annotations

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
