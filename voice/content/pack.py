"""Content packs: where they are, and loading one (the format is in model.py, its checks in reader.py)."""

from __future__ import annotations

from pathlib import Path

from ..errors import GuideError
from .model import Item, Pack, Section
from .reader import FORMAT_VERSION, read_pack
from .yamlload import load_yaml

__all__ = ["FORMAT_VERSION", "Item", "Pack", "Section", "available_packs", "find_pack", "load_pack"]

PACKS_DIR = Path(__file__).parent / "packs"


def load_pack(path: str | Path) -> Pack:
    """Read and validate a pack file; any problem is one PackError line."""
    return read_pack(load_yaml(path), str(path))


def available_packs() -> dict[str, Path]:
    """Packs shipped with the guide, by name (file name without .yaml)."""
    # NAME.tests.yaml and NAME.speech.yaml beside a pack are its tests, not packs.
    return {p.stem: p for p in sorted(PACKS_DIR.glob("*.yaml")) if "." not in p.stem}


DEFAULT_PACK = "leg_pain"


def find_pack(name_or_path: str | None) -> Path:
    """A pack by shipped name ('leg_pain') or by path to a YAML file."""
    if not name_or_path:
        return available_packs()[DEFAULT_PACK]
    shipped = available_packs()
    if name_or_path in shipped:
        return shipped[name_or_path]
    path = Path(name_or_path)
    if path.suffix in (".yaml", ".yml") or path.exists() or "/" in name_or_path:
        return path
    names = ", ".join(shipped)
    raise GuideError(f"No guide called '{name_or_path}'. Guides available: {names} (or give a path to a .yaml pack).")
