"""Blind test sets beside a pack (NAME.blind/), written from the source page and the command
list only, each entry marked `split: dev` (may be tuned on) or `split: heldout` (only measured)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import PackError
from ..understanding.router import Request
from .packtests import request_matches

# Each kind in two sets, by two blind writers at different times (NAME_2: the second, larger one).
TYPED_SETS = (
    "typed_in_scope",
    "typed_negatives",
    "typed_safety",
    "typed_in_scope_2",
    "typed_negatives_2",
    "typed_safety_2",
)
SAFETY = ("emergency", "advice", "referral")


@dataclass(frozen=True)
class Entry:
    say: str
    expect: str
    split: str


def blind_dir(pack_path: str | Path) -> Path:
    path = Path(pack_path)
    return path.with_name(path.stem + ".blind")


def load_set(pack_path: str | Path, name: str, split: str | None = None) -> list[Entry]:
    """One set's entries (of one split, if given); none when the pack has no such set."""
    path = blind_dir(pack_path) / f"{name}.yaml"
    if not path.exists():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        entries = [Entry(str(e["say"]), str(e["expect"]), str(e.get("split", "dev"))) for e in data]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise PackError(str(path), None, "blind set", f"cannot be read ({exc})") from None
    return [e for e in entries if split is None or e.split == split]


def set_kind(name: str) -> str:
    """typed_in_scope, typed_negatives or typed_safety: what a set's entries are, whichever writer."""
    return name.removesuffix("_2")


def is_right(request: Request, expect: str) -> bool:
    """In scope: the expected target or command. Negatives: declined. Safety questions: never a
    section or an item (the safety replies are not the router's; declining is right here)."""
    if expect in SAFETY:
        return request.intent not in ("section", "item", "clarify")
    return request_matches(request, expect)
