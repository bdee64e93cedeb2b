"""Content packs: YAML files loaded into dataclasses and validated with file, line and field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import GuideError, PackError
from .warning_signs import WarningSign, read_warning_signs

PACKS_DIR = Path(__file__).parent / "packs"
FORMAT_VERSION = 1
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class _Mapping(dict):
    """A YAML mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader (no arbitrary objects) that keeps line numbers for error messages."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> _Mapping:
        mapping = _Mapping(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
        return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping)


@dataclass(frozen=True)
class Item:
    """One entry of a section: a cause, a symptom, a treatment."""

    id: str
    name: str
    text: str | None  # None when the source gives the name only
    spoken: str  # how the name is read aloud
    short: str  # how it is named in a spoken list
    spoken_text: str | None
    words: tuple[str, ...]

    @property
    def name_only(self) -> bool:
        return self.text is None


@dataclass(frozen=True)
class Section:
    """A part of the guide: its introduction and, in reading order, its items."""

    id: str
    name: str
    spoken: str
    intro: str
    spoken_intro: str
    words: tuple[str, ...]
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Pack:
    """A whole guide made from one source page."""

    id: str
    title: str
    spoken_title: str
    source: str
    welcome: str
    disclaimer: str
    try_saying: tuple[str, ...]
    topic_words: tuple[str, ...]
    sections: tuple[Section, ...]
    path: str = ""
    warning_signs: tuple[WarningSign, ...] = ()  # each with its cited source (warning_signs.py)
    by_id: dict[str, Section | Item] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for section in self.sections:
            self.by_id[section.id] = section
            for item in section.items:
                self.by_id[item.id] = item

    def walk(self) -> Iterator[tuple[Section, Item | None]]:
        """Reading order: each section's introduction, then its items."""
        for section in self.sections:
            yield section, None
            for item in section.items:
                yield section, item

    @classmethod
    def from_dict(cls, data: Any, path: str = "<pack>") -> Pack:
        return _Reader(path).pack(data)


class _Reader:
    """Checks one pack's data field by field, raising PackError at the first problem."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: Any, key: str | None, fld: str, problem: str) -> PackError:
        line = None
        if isinstance(where, _Mapping):
            line = where.key_lines.get(key, where.line) if key else where.line
        return PackError(self.path, line, fld, problem)

    def mapping(self, value: Any, fld: str, parent: Any, key: str | None) -> dict:
        if not isinstance(value, dict):
            raise self.fail(parent, key, fld, "must be a mapping of fields")
        return value

    def text(self, data: dict, key: str, fld: str, required: bool = True) -> str | None:
        if key not in data or data[key] is None:
            if required:
                raise self.fail(data, None, f"{fld}.{key}".lstrip("."), "is missing")
            return None
        value = data[key]
        if not isinstance(value, str):
            raise self.fail(data, key, f"{fld}.{key}".lstrip("."), "must be text")
        value = " ".join(value.split())
        if not value:
            raise self.fail(data, key, f"{fld}.{key}".lstrip("."), "is empty")
        return value

    def words(self, data: dict, key: str, fld: str) -> tuple[str, ...]:
        value = data.get(key, [])
        name = f"{fld}.{key}".lstrip(".")
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
            raise self.fail(data, key, name, "must be a list of non-empty phrases")
        return tuple(" ".join(w.split()) for w in value)

    def ident(self, data: dict, fld: str, seen: set[str]) -> str:
        ident = self.text(data, "id", fld)
        assert ident is not None
        name = f"{fld}.id".lstrip(".")
        if not _ID.match(ident):
            raise self.fail(data, "id", name, f"'{ident}' must be lowercase letters, digits and dashes")
        if ident in seen:
            raise self.fail(data, "id", name, f"duplicate id '{ident}'")
        seen.add(ident)
        return ident

    def unknown_keys(self, data: dict, allowed: set[str], fld: str) -> None:
        for key in data:
            if key not in allowed:
                raise self.fail(data, str(key), f"{fld}.{key}".lstrip("."), "is not a known field (typo?)")

    def pack(self, data: Any) -> Pack:
        if not isinstance(data, dict):
            raise PackError(self.path, 1, "pack", "must be a mapping with title, sections, ...")
        self.unknown_keys(data, _PACK_KEYS, "")
        version = data.get("format", FORMAT_VERSION)
        if version != FORMAT_VERSION:
            raise self.fail(data, "format", "format", f"must be {FORMAT_VERSION}, got {version!r}")
        seen: set[str] = set()
        raw_sections = data.get("sections")
        if not isinstance(raw_sections, list) or not raw_sections:
            raise self.fail(
                data, "sections" if "sections" in data else None, "sections", "must be a non-empty list of sections"
            )
        sections = tuple(
            self.section(self.mapping(s, f"sections[{n}]", data, "sections"), f"sections[{n}]", seen)
            for n, s in enumerate(raw_sections)
        )
        title = self.text(data, "title", "")
        assert title is not None
        return Pack(
            id=self.ident(data, "", seen),
            title=title,
            spoken_title=self.text(data, "spoken_title", "", False) or title,
            source=self.text(data, "source", "", False) or "",
            welcome=self.text(data, "welcome", "") or "",
            disclaimer=self.text(data, "disclaimer", "") or "",
            try_saying=self.words(data, "try_saying", ""),
            topic_words=self.words(data, "topic_words", ""),
            sections=sections,
            path=self.path,
            warning_signs=read_warning_signs(self, data),
        )

    def section(self, data: dict, fld: str, seen: set[str]) -> Section:
        self.unknown_keys(data, _SECTION_KEYS, fld)
        ident = self.ident(data, fld, seen)
        name = self.text(data, "name", fld)
        intro = self.text(data, "intro", fld)
        raw_items = data.get("items", [])
        if raw_items is None:
            raw_items = []
        if not isinstance(raw_items, list):
            raise self.fail(data, "items", f"{fld}.items", "must be a list of items")
        items = tuple(
            self.item(self.mapping(i, f"{fld}.items[{n}]", data, "items"), f"{fld}.items[{n}]", seen)
            for n, i in enumerate(raw_items)
        )
        assert name is not None and intro is not None
        return Section(
            id=ident,
            name=name,
            spoken=self.text(data, "spoken", fld, False) or name,
            intro=intro,
            spoken_intro=self.text(data, "spoken_intro", fld, False) or intro,
            words=self.words(data, "words", fld),
            items=items,
        )

    def item(self, data: dict, fld: str, seen: set[str]) -> Item:
        self.unknown_keys(data, _ITEM_KEYS, fld)
        ident = self.ident(data, fld, seen)
        name = self.text(data, "name", fld)
        name_only = data.get("name_only", False)
        if not isinstance(name_only, bool):
            raise self.fail(data, "name_only", f"{fld}.name_only", "must be true or false")
        text = self.text(data, "text", fld, required=not name_only)
        if name_only and text is not None:
            raise self.fail(data, "text", f"{fld}.text", "an item marked name_only has no text")
        assert name is not None
        return Item(
            id=ident,
            name=name,
            text=text,
            spoken=self.text(data, "spoken", fld, False) or name,
            short=self.text(data, "short", fld, False) or self.text(data, "spoken", fld, False) or name,
            spoken_text=self.text(data, "spoken_text", fld, False),
            words=self.words(data, "words", fld),
        )


_PACK_KEYS = {
    "format",
    "id",
    "title",
    "spoken_title",
    "source",
    "welcome",
    "disclaimer",
    "try_saying",
    "topic_words",
    "sections",
    "warning_signs",
}
_SECTION_KEYS = {"id", "name", "spoken", "intro", "spoken_intro", "words", "items"}
_ITEM_KEYS = {"id", "name", "spoken", "short", "text", "spoken_text", "words", "name_only"}


def load_pack(path: str | Path) -> Pack:
    """Read and validate a pack file; any problem is one PackError line."""
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackError(str(path), None, "file", "not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(str(path), None, "file", f"cannot be read ({exc})") from None
    try:
        data = yaml.load(source, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PackError(str(path), line, "yaml", f"syntax error: {exc.problem}") from None
    except yaml.YAMLError as exc:
        raise PackError(str(path), None, "yaml", f"syntax error: {exc}") from None
    return Pack.from_dict(data, str(path))


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
