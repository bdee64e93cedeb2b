"""The guide's own sentences (texts.yaml), reworded by a pack where it wants, filled in from the pack."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from ..content.model import Pack, Section
from ..content.yamlload import load_yaml
from ..errors import GuideError, PackError

TEXTS_FILE = Path(__file__).with_name("texts.yaml")
GLOBALS = ("title", "topics", "contents")  # filled in for every text


def inline(name: str) -> str:
    """A name as it stands mid-sentence: 'Herniated disc' -> 'herniated disc', 'X Stop' kept."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def fields_of(template: str) -> set[str]:
    """The {names} a text uses; ValueError when its braces do not match."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@lru_cache(maxsize=2)
def default_texts(path: str = str(TEXTS_FILE)) -> dict[str, str]:
    data = load_yaml(path)
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise GuideError(f"{path}: every entry must be a text")
    return {str(k): " ".join(v.split()) for k, v in data.items()}


class Texts:
    """What the guide says around the content, for one pack."""

    def __init__(self, pack: Pack) -> None:
        defaults = default_texts()
        for key, text in pack.texts.items():
            _check_override(pack, key, text, defaults)
        self.table = {**defaults, **pack.texts}
        self.values = {
            "title": inline(pack.spoken_title),
            "topics": self.spoken_list([inline(s.spoken) for s in _askable(pack)], "or"),
            "contents": self.spoken_list([s.topic or inline(s.spoken) for s in pack.sections]),
        }

    def say(self, key: str, **values: object) -> str:
        """The text `key`, filled in; spaces tidied so that an empty part leaves no gap."""
        return " ".join(self.table[key].format(**self.values, **values).split())

    def spoken_list(self, names: list[str], joiner: str = "and") -> str:
        """'a, b, and c' (or 'a or b'), with the joining word from the texts."""
        word = self.table[joiner]
        if len(names) <= 1:
            return "".join(names)
        if len(names) == 2:
            return f"{names[0]} {word} {names[1]}"
        return ", ".join(names[:-1]) + f", {word} " + names[-1]

    def item_word(self, section: Section) -> str:
        return section.item_word or self.table["item_word"]


def _askable(pack: Pack) -> list[Section]:
    """The sections worth naming in "ask about ...": those with items, or all when none has."""
    return [s for s in pack.sections if s.items] or list(pack.sections)


def _check_override(pack: Pack, key: str, text: str, defaults: dict[str, str]) -> None:
    line, name = pack.text_lines.get(key), f"texts.{key}"
    if key not in defaults:
        raise PackError(pack.path, line, name, "is not a text the guide says (see docs/content-packs.md)")
    try:
        used = fields_of(text)
    except ValueError:
        raise PackError(pack.path, line, name, "has a { without its } (or the other way round)") from None
    allowed = fields_of(defaults[key]) | set(GLOBALS)
    extra = sorted(used - allowed)
    if extra:
        can = ", ".join("{" + f + "}" for f in sorted(allowed))
        raise PackError(pack.path, line, name, f"uses {{{extra[0]}}}, which it cannot fill in; it can use {can}")
