"""What a content pack is: a guide made from one source page, as frozen dataclasses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from .warning_signs import WarningSign


@dataclass(frozen=True)
class Item:
    """One entry of a section: a cause, a symptom, a treatment, a step."""

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

    @property
    def reading(self) -> str | None:
        """What is read aloud for it: the text as worded for the ear, else the source's text."""
        return self.spoken_text or self.text


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
    item_word: str | None = None  # one item, as in "Cause 2 of 6"; None: the guide's own word
    topic: str | None = None  # the section in a list of what the guide covers ("what it is")


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
    texts: dict[str, str] = field(default_factory=dict, compare=False)  # the guide's own sentences, reworded
    text_lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
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
