"""Shared fixtures: the shipped pack and its router, built once per test run."""

from __future__ import annotations

import pytest

from voice.pack import Pack, find_pack, load_pack
from voice.router import Router


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack(find_pack(None))


@pytest.fixture(scope="session")
def router(pack: Pack) -> Router:
    return Router(pack)
