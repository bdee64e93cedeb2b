"""Checking a pack's data field by field: the first problem is one PackError with file, line and field."""

from __future__ import annotations

import re
from typing import Any

from ..errors import PackError
from .model import Item, Pack, Section
from .warning_signs import read_warning_signs
from .yamlload import Mapping

FORMAT_VERSION = 1
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

PACK_KEYS = frozenset(
    "format id title spoken_title source welcome disclaimer try_saying topic_words texts sections warning_signs".split()
)
SECTION_KEYS = frozenset("id name spoken intro spoken_intro words items item_word topic".split())
ITEM_KEYS = frozenset("id name spoken short text spoken_text words name_only".split())


def read_pack(data: Any, path: str) -> Pack:
    return _Reader(path).pack(data)


def item_word_of(name: str) -> str | None:
    """'Causes' -> 'Cause': a one-word plural section name gives the word for one of its items."""
    if " " not in name and len(name) > 3 and name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return None


class _Reader:
    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, where: Any, key: str | None, fld: str, problem: str) -> PackError:
        line = None
        if isinstance(where, Mapping):
            line = where.key_lines.get(key, where.line) if key else where.line
        return PackError(self.path, line, fld, problem)

    def mapping(self, value: Any, fld: str, parent: Any, key: str | None) -> dict:
        if not isinstance(value, dict):
            raise self.fail(parent, key, fld, "must be a mapping of fields")
        return value

    def text(self, data: dict, key: str, fld: str, required: bool = True) -> str | None:
        name = f"{fld}.{key}".lstrip(".")
        if key not in data or data[key] is None:
            if required:
                raise self.fail(data, None, name, "is missing")
            return None
        value = data[key]
        if not isinstance(value, str):
            raise self.fail(data, key, name, "must be text (put it in quotes)")
        value = " ".join(value.split())
        if not value:
            raise self.fail(data, key, name, "is empty")
        return value

    def words(self, data: dict, key: str, fld: str) -> tuple[str, ...]:
        value = data.get(key, [])
        name = f"{fld}.{key}".lstrip(".")
        if value is None:
            value = []
        if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
            raise self.fail(data, key, name, "must be a list of non-empty phrases (quote yes, no, on, off)")
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

    def unknown_keys(self, data: dict, allowed: frozenset[str], fld: str) -> None:
        for key in data:
            if key not in allowed:
                raise self.fail(data, str(key), f"{fld}.{key}".lstrip("."), "is not a known field (typo?)")

    def texts(self, data: dict) -> tuple[dict[str, str], dict[str, int]]:
        raw = data.get("texts") or {}
        raw = self.mapping(raw, "texts", data, "texts")
        out = {str(key): self.text(raw, key, "texts") or "" for key in raw}
        lines = dict(raw.key_lines) if isinstance(raw, Mapping) else {}
        return out, lines

    def pack(self, data: Any) -> Pack:
        if not isinstance(data, dict):
            raise PackError(self.path, 1, "pack", "must be a mapping with title, sections, ...")
        self.unknown_keys(data, PACK_KEYS, "")
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
        texts, text_lines = self.texts(data)
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
            texts=texts,
            text_lines=text_lines,
        )

    def section(self, data: dict, fld: str, seen: set[str]) -> Section:
        self.unknown_keys(data, SECTION_KEYS, fld)
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
        spoken = self.text(data, "spoken", fld, False) or name
        return Section(
            id=ident,
            name=name,
            spoken=spoken,
            intro=intro,
            spoken_intro=self.text(data, "spoken_intro", fld, False) or intro,
            words=self.words(data, "words", fld),
            items=items,
            item_word=self.text(data, "item_word", fld, False) or item_word_of(spoken),
            topic=self.text(data, "topic", fld, False),
        )

    def item(self, data: dict, fld: str, seen: set[str]) -> Item:
        self.unknown_keys(data, ITEM_KEYS, fld)
        ident = self.ident(data, fld, seen)
        name = self.text(data, "name", fld)
        name_only = data.get("name_only", False)
        if not isinstance(name_only, bool):
            raise self.fail(data, "name_only", f"{fld}.name_only", "must be true or false")
        text = self.text(data, "text", fld, required=not name_only)
        if name_only and text is not None:
            raise self.fail(data, "text", f"{fld}.text", "an item marked name_only has no text")
        spoken_text = self.text(data, "spoken_text", fld, False)
        if name_only and spoken_text is not None:
            raise self.fail(data, "spoken_text", f"{fld}.spoken_text", "an item marked name_only has no text")
        assert name is not None
        return Item(
            id=ident,
            name=name,
            text=text,
            spoken=self.text(data, "spoken", fld, False) or name,
            short=self.text(data, "short", fld, False) or self.text(data, "spoken", fld, False) or name,
            spoken_text=spoken_text,
            words=self.words(data, "words", fld),
        )
