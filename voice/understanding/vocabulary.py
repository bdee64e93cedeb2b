"""What the recognisers should listen for: a sample of the very templates the router matches.

Commands come from commands.yaml, names from each section's and item's `name`, `spoken`,
`short` and `words`, leads and tails from questions.yaml, so what can be heard and what can be
understood are one list.
"""

from __future__ import annotations

from ..content.pack import Pack
from ..types import Phrases
from .templates import expand, load_commands, load_questions

# A recogniser's grammar grows with every phrase, and so do its confusions and its decoding
# time: it is given the shortest phrases of each command and the shortest leads (the most
# common ways of saying them), all of the names.
HEARD_PER_COMMAND = 14
HEARD_LEADS = 16
HEARD_TAILS = 4
# Framing words: the articles of questions.yaml and the filler of commands.yaml.
_FRAMING = frozenset(w for p in expand("<article>", load_questions().rules) for w in p.split())
_FRAMING |= load_commands().skip_words


def _shortest(phrases: tuple[str, ...] | list[str], count: int) -> tuple[str, ...]:
    """The shortest phrases, leaving out one that is another with a framing word added ("the
    next" beside "next"): to a recogniser that is only one more way to mishear."""
    ranked = sorted(dict.fromkeys(p for p in phrases if p), key=lambda p: (len(p.split()), len(p)))
    chosen: list[str] = []
    for phrase in ranked:
        words = phrase.split()
        if any(" ".join(words[:i] + words[i + 1 :]) in chosen for i in range(len(words)) if words[i] in _FRAMING):
            continue
        chosen.append(phrase)
        if len(chosen) == count:
            break
    return tuple(chosen)


def target_phrases(pack: Pack) -> dict[str, tuple[str, ...]]:
    """Section or item id -> the normalised phrases that name it (templates expanded)."""
    rules = load_questions().rules
    out: dict[str, tuple[str, ...]] = {}
    for section in pack.sections:
        names = [section.name, section.spoken, *section.words]
        out[section.id] = tuple(dict.fromkeys(p for n in names for p in expand(n, rules, section.id)))
        for item in section.items:
            names = [item.name, item.spoken, item.short, *item.words]
            out[item.id] = tuple(dict.fromkeys(p for n in names for p in expand(n, rules, item.id)))
    return out


def command_phrases() -> dict[str, tuple[str, ...]]:
    """Intent -> the phrases of it that a recogniser listens for."""
    return {intent: _shortest(ps, HEARD_PER_COMMAND) for intent, ps in load_commands().phrases.items()}


def _heard_leads() -> tuple[str, ...]:
    return _shortest(load_questions().leads, HEARD_LEADS)


def _heard_tails() -> tuple[str, ...]:
    return _shortest(load_questions().tails, HEARD_TAILS)


def guide_phrases(pack: Pack, frames: bool = True) -> list[str]:
    """Everything a person might say to this guide, as whole phrases, for constraining a recogniser."""
    phrases = [p for ps in command_phrases().values() for p in ps]
    for names in target_phrases(pack).values():
        for name in names:
            phrases.append(name)
            if frames:
                phrases += [f"{lead} {name}" for lead in _heard_leads()] + [f"{name} {t}" for t in _heard_tails()]
    return list(dict.fromkeys(phrases))


def recognizer_phrases(pack: Pack, extra: tuple[str, ...] = ()) -> Phrases:
    """What a recogniser for this pack should expect to hear; `extra`: phrases besides the
    guide's own (the wake phrase)."""
    return Phrases(
        commands=tuple(p for ps in command_phrases().values() for p in ps),
        names=tuple(dict.fromkeys(p for ps in target_phrases(pack).values() for p in ps)),
        leads=_heard_leads(),
        tails=_heard_tails(),
        whole=tuple(guide_phrases(pack)),
        extra=tuple(extra),
    )


def _lead_words() -> frozenset[str]:
    questions = load_questions()
    return frozenset(w for p in (*questions.leads, *questions.tails) for w in p.split()) | load_commands().skip_words


# Words that only frame a request ("tell me about ...", "um", "please"): the spoken loop does
# not answer early on these alone, nor take them as its own echo. Taken from the templates.
STOPWORDS = _lead_words()
