"""Reading a pack's YAML (or its tests file) safely, with the file, line and field of any problem.

PyYAML's safe loader builds no objects, but on its own it lets the last of two equal keys win,
recurses once per level of nesting (so ~1000 levels is a RecursionError) and expands aliases
without limit when the data is walked. So the event stream is checked first, without recursion,
and only then is the file loaded, keeping the line of every mapping and key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import PackError

MAX_DEPTH = 20  # a pack needs 6 (sections, items, words); far more is a damaged or hostile file
MAX_VALUES = 100_000  # values after aliases are expanded; a real pack has a few thousand


class Mapping(dict):
    """A YAML mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[str, int]


class Sequence(list):
    """A YAML list that remembers the line of each entry (1-based)."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):
    """SafeLoader (no arbitrary objects) that keeps line numbers for error messages."""

    def construct_lined_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Mapping:
        mapping = Mapping(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {str(key.value): key.start_mark.line + 1 for key, _ in node.value}
        return mapping

    def construct_lined_sequence(self, node: yaml.SequenceNode) -> Iterator[Sequence]:
        sequence = Sequence()
        sequence.line = node.start_mark.line + 1
        sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
        yield sequence  # filled in afterwards, as PyYAML does: no recursion per level
        sequence.extend(self.construct_sequence(node))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_lined_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_lined_sequence)


def decode(raw: bytes, path: str) -> str:
    """The file as text; a file saved in another encoding is named, with the fix."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(raw) >= 2 and b"\x00" in raw[:200]):
        raise PackError(path, None, "file", "is saved as UTF-16; save it as UTF-8 (Save as, encoding UTF-8)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        byte = raw[exc.start : exc.start + 1]
        guess = byte.decode("latin-1")
        where = _field_at(raw.decode("latin-1"), exc.start) or "file"
        raise PackError(
            path, line, where, f"is not UTF-8 (byte {byte.hex().upper()}, '{guess}' in Latin-1); save the file as UTF-8"
        ) from None


def _field_at(text: str, index: int) -> str | None:
    """The field whose value holds character `index`, when the file parses at all."""
    found: list[str] = []

    def visit(node: yaml.Node, where: str) -> None:
        if isinstance(node, yaml.ScalarNode):
            if node.start_mark.index <= index <= node.end_mark.index:
                found.append(where)
        elif isinstance(node, yaml.SequenceNode):
            for n, child in enumerate(node.value):
                visit(child, f"{where}[{n}]")
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                visit(key, where)
                visit(value, f"{where}.{key.value}".lstrip("."))

    try:
        _check_shape(text, "<text>")
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, PackError):
        return None
    if node is not None:
        visit(node, "")
    return found[0] if found and found[0] else None


@dataclass
class _Open:
    """A mapping or list still open in the event stream."""

    is_mapping: bool
    anchor: str | None
    where: str
    values: int = 1
    keys: dict[str, int] = field(default_factory=dict)
    next_key: bool = True  # a mapping alternates key, value
    key: str = ""
    index: int = 0

    def child(self) -> str:
        if self.is_mapping:
            return f"{self.where}.{self.key}".lstrip(".")
        return f"{self.where}[{self.index}]"


def _check_shape(text: str, path: str) -> None:
    """Nesting depth, alias expansion and duplicate keys, from the events (no recursion)."""
    sizes: dict[str, int] = {}
    stack: list[_Open] = []

    def add(values: int, mark: yaml.Mark, alias: bool) -> None:
        if not stack:
            return
        top = stack[-1]
        top.values += values
        if top.values > MAX_VALUES:
            what = "aliases (*name) expand" if alias else "the file expands"
            raise PackError(
                path, mark.line + 1, top.where or "yaml", f"{what} to over {MAX_VALUES} values; use no aliases"
            )
        if top.is_mapping:
            top.next_key = not top.next_key
        else:
            top.index += 1

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            top = stack[-1] if stack else None
            if isinstance(event, yaml.ScalarEvent) and top and top.is_mapping and top.next_key:
                key, line = event.value, event.start_mark.line + 1
                if key in top.keys:
                    raise PackError(
                        path, line, f"{top.where}.{key}".lstrip("."), f"appears twice (also line {top.keys[key]})"
                    )
                top.keys[key], top.key = line, key
                add(1, event.start_mark, False)
            elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                alias = isinstance(event, yaml.AliasEvent)
                values = sizes.get(event.anchor or "", 1) if alias else 1
                if not alias and event.anchor:
                    sizes[event.anchor] = 1
                add(values, event.start_mark, alias)
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                where = top.child() if top else ""
                if len(stack) >= MAX_DEPTH:
                    shown = where if len(where) <= 40 else where[:40] + "..."
                    raise PackError(
                        path, event.start_mark.line + 1, shown or "yaml", f"is nested over {MAX_DEPTH} levels deep"
                    )
                stack.append(_Open(isinstance(event, yaml.MappingStartEvent), event.anchor, where))
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                done = stack.pop()
                if done.anchor:
                    sizes[done.anchor] = done.values
                add(done.values, event.start_mark, False)
    except yaml.MarkedYAMLError as exc:
        raise _syntax(path, exc) from None


def _syntax(path: str, exc: yaml.YAMLError) -> PackError:
    marked = isinstance(exc, yaml.MarkedYAMLError)  # the errors that know where they are
    mark = (exc.problem_mark or exc.context_mark) if marked else None
    problem = (exc.problem if marked else None) or str(exc)
    return PackError(path, mark.line + 1 if mark else None, "yaml", f"syntax error: {problem}")


def load_yaml(path: str | Path) -> Any:
    """A pack's (or tests file's) data, mappings and lists carrying their lines; any problem
    is one PackError line."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise PackError(name, None, "file", "not found") from None
    except OSError as exc:
        raise PackError(name, None, "file", f"cannot be read ({exc.strerror or exc})") from None
    text = decode(raw, name)
    _check_shape(text, name)
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise _syntax(name, exc) from None
