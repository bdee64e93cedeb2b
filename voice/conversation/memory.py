"""Where the user was in a pack, kept across runs so the guide can offer to go back there.

Like the settings, loading and saving never raise: forgetting the place is a small loss, a crash
before the guide speaks is a large one. A damaged file is moved aside, never overwritten (it may
hold a bookmark someone can still read). Whether a stored id still exists in the pack is for the caller.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

import platformdirs
import yaml

from ..yamlfile import keep_aside, locked, read_problem, read_yaml, write_atomic, write_problem
from .settings import APP_NAME, in_profile

STATE_ENV = "VOICE_GUIDE_STATE_DIR"
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")  # keep a pack id from naming a file outside the folder


@dataclass
class Memory:
    place: str | None = None  # the section or item id last reached
    bookmark: str | None = None  # a section or item id the user asked to keep
    visits: int = 0  # how many times the guide has been opened on this pack


def state_dir() -> Path:
    """The state folder: $VOICE_GUIDE_STATE_DIR, or the platform's per-user state folder (and the
    profile's own folder inside it)."""
    override = os.environ.get(STATE_ENV)
    base = Path(override) if override else Path(platformdirs.user_state_dir(APP_NAME, appauthor=False))
    return in_profile(base)


def memory_path(pack_id: str) -> Path:
    return state_dir() / f"{_UNSAFE.sub('-', pack_id) or 'pack'}.yaml"


def _at(lines: dict[str, int], key: object) -> str:
    return f"line {lines[str(key)]}: " if str(key) in lines else ""


def _from_data(data: object, lines: dict[str, int]) -> Memory:
    """A Memory from the file's mapping; raises ValueError naming the first bad part."""
    if data is None:
        return Memory()
    if not isinstance(data, dict):
        raise ValueError("it is not a list of places")
    for key in data:
        if key not in ("place", "bookmark", "visits"):
            raise ValueError(f'{_at(lines, key)}"{key}" does not belong there')
    for key in ("place", "bookmark"):
        if not isinstance(data.get(key), (str, type(None))):
            raise ValueError(f"{_at(lines, key)}{key} must be a name from the guide")
    visits = data.get("visits", 0)
    if isinstance(visits, bool) or not isinstance(visits, int) or visits < 0:
        raise ValueError(f"{_at(lines, 'visits')}visits must be a whole number")
    return Memory(place=data.get("place"), bookmark=data.get("bookmark"), visits=visits)


def _read(path: Path) -> Memory:
    """The memory in the file; raises OSError, UnicodeError, YAMLError or ValueError."""
    data, lines = read_yaml(path)
    return _from_data(data, lines)


def load_memory(pack_id: str, path: Path | None = None) -> tuple[Memory, str | None]:
    """Where the user was, or a fresh Memory; never raises. The notice says why the place was lost.

    A damaged file is moved aside (NAME.damaged.yaml) so that saving the new place loses nothing."""
    path = path or memory_path(pack_id)
    try:
        return _read(path), None
    except FileNotFoundError:
        return Memory(), None
    except (OSError, UnicodeError, yaml.YAMLError) as exc:
        problem = read_problem(exc)
    except ValueError as exc:
        problem = str(exc)
    spare = keep_aside(path)
    kept = f" The old file is kept as {spare.name}." if spare else ""
    return Memory(), (
        f"The guide could not remember where you were ({path.name}, {problem}). Starting from the beginning.{kept}"
    )


def save_memory(memory: Memory, pack_id: str, path: Path | None = None, before: Memory | None = None) -> str | None:
    """Save where the user was; never raises. Returns a plain notice when it could not be saved.

    With `before` (the memory as loaded or last saved) only what changed since is written over the
    file as it is now, so two guides open at once do not undo each other's bookmark."""
    path = path or memory_path(pack_id)
    try:
        with locked(path):
            try:
                current: Memory | None = _read(path)
            except FileNotFoundError:
                current = None
            except (OSError, UnicodeError, yaml.YAMLError, ValueError):
                current = None
                keep_aside(path)
            values = asdict(memory)
            if before is not None and current is not None:
                changed = {f.name for f in fields(Memory) if values[f.name] != asdict(before)[f.name]}
                values = {k: (values[k] if k in changed else v) for k, v in asdict(current).items()}
            write_atomic(path, yaml.safe_dump(values, sort_keys=False, allow_unicode=True))
    except OSError as exc:
        reason = write_problem(exc).replace("the folder", "the guide's folder")
        return f"The guide could not save where you were ({reason}): next time it will start from the beginning."
    return None


class Keeper:
    """Saves one pack's memory as it changes, writing only what changed since the last save."""

    def __init__(self, pack_id: str, memory: Memory, notify: Callable[[str], None]) -> None:
        self.pack_id, self.saved, self.notify = pack_id, replace(memory), notify  # saved: as on disk

    def save(self, memory: Memory) -> None:
        if memory == self.saved:
            return
        problem = save_memory(memory, self.pack_id, before=self.saved)
        self.saved = replace(memory)
        if problem:
            self.notify(problem)
