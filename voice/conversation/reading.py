"""What is said about each place of the guide, in pages a listener can hold.

Everything about the content is the pack's own words: an item's text is read sentence by sentence,
verbatim, at most MAX_SENTENCES sentences and MAX_WORDS words a page (a long text goes on after
"Say more"); only headings ("Cause 2 of 6: Pregnancy."), lists of names and prompts are put
around it, from texts.yaml.
"""

from __future__ import annotations

import re

from ..content.model import Item, Pack, Section
from .texts import Texts, inline

MAX_WORDS = 60  # a reply before a pause point: about 20 seconds at a slow speaking rate
MAX_SENTENCES = 3  # of the source's sentences in one page

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def sentences(text: str) -> list[str]:
    """A text's sentences, exactly as written (split after . ! ? before a capital)."""
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def word_count(text: str) -> int:
    return len(text.split())


def paginate(units: list[str], first_budget: int, budget: int) -> list[list[str]]:
    """Sentences in order, grouped into pages of at most MAX_SENTENCES and `budget` words
    (`first_budget` for the first page, which also carries the heading). A sentence longer
    than a page is kept whole: the words are the source's, never cut."""
    pages: list[list[str]] = [[]]
    used = 0
    for unit in units:
        limit = first_budget if len(pages) == 1 else budget
        page = pages[-1]
        if page and (len(page) >= MAX_SENTENCES or used + word_count(unit) > limit):
            pages.append([])
            page, used = pages[-1], 0
        page.append(unit)
        used += word_count(unit)
    return pages


class Reading:
    """The pages of every place in one pack (pure: which texts were said before is the caller's)."""

    def __init__(self, pack: Pack, texts: Texts) -> None:
        self.pack = pack
        self.texts = texts
        self.places: list[tuple[Section, Item | None]] = list(pack.walk())

    # --- headings and names --------------------------------------------------------------

    def heading(self, position: int) -> str:
        section, item = self.places[position]
        if item is None:
            return self.texts.say("heading", name=section.spoken)
        return self.texts.say(
            "item_heading",
            word=self.texts.item_word(section),
            number=section.items.index(item) + 1,
            count=len(section.items),
            name=item.spoken,
        )

    def name_at(self, position: int) -> str:
        section, item = self.places[position]
        return item.spoken if item else section.spoken

    def names(self, section: Section) -> str:
        """The section's items as one spoken sentence, after its intro."""
        names = self.texts.spoken_list([inline(i.short) for i in section.items])
        key = "list_after_colon" if section.spoken_intro.endswith(":") else "list"
        return self.texts.say(key, names=names, count=len(section.items))

    def hint(self, section: Section) -> str:
        """Where "next" leads from a section's introduction."""
        if section.items:
            return self.texts.say("section_hint", name=inline(section.items[0].spoken))
        index = self.pack.sections.index(section)
        if index + 1 < len(self.pack.sections):
            return self.texts.say("next_section_hint", name=inline(self.pack.sections[index + 1].spoken))
        return ""

    def name_only_note(self, section: Section, told: bool) -> str:
        if told:
            return self.texts.say("name_only_again")
        return self.texts.say("name_only_first", word=inline(self.texts.item_word(section)))

    # --- pages ---------------------------------------------------------------------------

    def item_parts(self, position: int) -> list[str]:
        """An item's text in the pieces it is read in, each verbatim from the pack."""
        section, item = self.places[position]
        assert item is not None and item.reading is not None
        closing = word_count(self.texts.say("more"))
        first = MAX_WORDS - word_count(self.heading(position)) - closing
        return [" ".join(p) for p in paginate(sentences(item.reading), first, MAX_WORDS - closing)]

    def pages(self, position: int, told_name_only: bool = False) -> list[str]:
        """What is said at this place, page by page: "next" or "more" turns the page."""
        section, item = self.places[position]
        heading = self.heading(position)
        more = self.texts.say("more")
        if item is not None and item.reading is None:
            return [f"{heading} {self.name_only_note(section, told_name_only)}"]
        if item is not None:
            parts = self.item_parts(position)
            hints = [more] * (len(parts) - 1) + [""]
        else:
            hint = self.hint(section)
            closing = max(word_count(more), word_count(hint))
            units = sentences(section.spoken_intro) + ([self.names(section)] if section.items else [])
            first = MAX_WORDS - word_count(heading) - closing
            parts = [" ".join(p) for p in paginate(units, first, MAX_WORDS - closing)]
            hints = [more] * (len(parts) - 1) + [hint]
        parts[0] = f"{heading} {parts[0]}"
        return [" ".join(f"{part} {hint}".split()) for part, hint in zip(parts, hints, strict=True)]

    def read_all(self, start: int) -> list[tuple[int, str]]:
        """Everything from `start` to the end, as (position, text) parts; each name said once."""
        parts: list[tuple[int, str]] = []
        position = start
        while position < len(self.places):
            section, item = self.places[position]
            if item is None and section.items and all(i.name_only for i in section.items):
                # Names only: listed once with the note, not read again one by one.
                note = self.texts.say("name_only_all", items=inline(section.spoken))
                intro = f"{self.heading(position)} {section.spoken_intro} {self.names(section)} {note}"
                parts.append((position, intro))
                position += 1 + len(section.items)
                continue
            if item is None:
                units = sentences(section.spoken_intro)  # no list: each item is named as it is read
                pages = paginate(units, MAX_WORDS - word_count(self.heading(position)), MAX_WORDS)
                texts = [" ".join(p) for p in pages]
                texts[0] = f"{self.heading(position)} {texts[0]}"
            elif item.reading is None:
                texts = [self.heading(position)]
                after = section.items.index(item) + 1
                if after == len(section.items) or section.items[after].reading is not None:
                    texts[0] += " " + self.texts.say("name_only_all", items=inline(section.spoken))
            else:
                texts = self.item_parts(position)
                texts[0] = f"{self.heading(position)} {texts[0]}"
            parts += [(position, text) for text in texts]
            position += 1
        return parts
