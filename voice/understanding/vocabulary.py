"""What the recognisers should listen for: a sample of the very templates the router matches.

Commands come from commands.yaml, names from each section's and item's `name`, `spoken`,
`short` and `words`, leads and tails from questions.yaml, so what can be heard and what can be
understood are one list.
"""

from __future__ import annotations

from ..content.pack import Pack
from ..errors import GuideError
from ..types import Phrases
from .safety_data import heard_phrases
from .templates import expand, load_commands, load_questions


def target_phrases(pack: Pack, heard: bool = False) -> dict[str, tuple[str, ...]]:
    """Section or item id -> the normalised phrases that name it (templates expanded). For a
    recogniser (`heard`), a template gives its first sentence only: a recogniser's grammar
    grows with every phrase, and so do the ways to mishear."""
    rules = load_questions().rules
    count = 1 if heard else None

    def phrases(names: list[str], where: str) -> tuple[str, ...]:
        try:
            return tuple(dict.fromkeys(p for n in names for p in expand(n, rules)[:count]))
        except GuideError as exc:
            raise GuideError(f"{pack.path}: {where}: {exc}") from None

    out: dict[str, tuple[str, ...]] = {}
    for section in pack.sections:
        out[section.id] = phrases([section.name, section.spoken, *section.words], section.id)
        for item in section.items:
            out[item.id] = phrases([item.name, item.spoken, item.short, *item.words], item.id)
    return out


def command_phrases() -> dict[str, tuple[str, ...]]:
    """Intent -> the phrases of it that a recogniser listens for (its `heard` block)."""
    return dict(load_commands().heard)


def _heard_leads() -> tuple[str, ...]:
    return load_questions().heard_leads


def _heard_tails() -> tuple[str, ...]:
    return load_questions().heard_tails


def guide_phrases(pack: Pack, frames: bool = True) -> list[str]:
    """Everything a person might say to this guide, as whole phrases, for constraining a recogniser."""
    phrases = [p for ps in command_phrases().values() for p in ps]
    for names in target_phrases(pack, heard=True).values():
        for name in names:
            phrases.append(name)
            if frames:
                phrases += [f"{lead} {name}" for lead in _heard_leads()] + [f"{name} {t}" for t in _heard_tails()]
    return list(dict.fromkeys(phrases))


def recognizer_phrases(pack: Pack, extra: tuple[str, ...] = ()) -> Phrases:
    """What a recogniser for this pack should expect to hear; `extra`: phrases besides the
    guide's own (the wake phrase)."""
    # Emergency sentences too (safety.yaml `hear`): a recogniser that cannot hear "call an
    # ambulance" would turn it into some request of the guide's.
    emergencies = heard_phrases()
    return Phrases(
        commands=tuple(dict.fromkeys([*(p for ps in command_phrases().values() for p in ps), *emergencies])),
        names=tuple(dict.fromkeys(p for ps in target_phrases(pack, heard=True).values() for p in ps)),
        leads=_heard_leads(),
        tails=_heard_tails(),
        whole=tuple(dict.fromkeys([*guide_phrases(pack), *emergencies])),
        extra=tuple(extra),
    )


def _lead_words() -> frozenset[str]:
    questions = load_questions()
    return frozenset(w for p in (*questions.leads, *questions.tails) for w in p.split()) | load_commands().skip_words


# Words that only frame a request ("tell me about ...", "um", "please"): the spoken loop does
# not answer early on these alone, nor take them as its own echo. Taken from the templates.
STOPWORDS = _lead_words()
