"""The words and phrases the guide understands, derived from a pack and the shared commands.

The router matches against these, and the recognisers are constrained to them, so that
what can be heard and what can be understood never drift apart.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from ..content.pack import Pack
from ..errors import GuideError
from ..types import Phrases
from .normalize import normalize, tokens
from .safety_data import heard_phrases

COMMANDS_FILE = Path(__file__).parent / "commands.yaml"

# Function words: they carry no topic, so they neither prove nor disprove a match.
STOPWORDS = frozenset(
    """
a an the of to in on at for from with by and or but if so as is are was were be been being am
do does did doing have has had can could would will shall should may might must
i me my mine you your it its this that these those there here they them their we us our he she
what which who whom whose when where how about tell say said know want like would love hear
please kindly just some any more most much many other another also too very really again
get got give let us go going show read talk speak explain information info thing things
kind kinds type types list all main common commonly usually happen happens get one ones
need needs well not no yes okay ok thanks thank what how when where who which
because maybe might perhaps take think wonder guess believe heard told into onto down up out over
""".split()
)

# Sounds and politeness that carry nothing at all, dropped before any matching.
FILLER = frozenset(
    "um umm uh uhh uhm er erm hmm hm ah oh eh well so like just please kindly "
    "actually basically guide hey hi hello sorry".split()
)


@lru_cache(maxsize=4)
def load_commands(path: str = str(COMMANDS_FILE)) -> dict[str, tuple[str, ...]]:
    """Intent name -> its phrases, normalised, from commands.yaml (groups flattened)."""
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise GuideError(f"{path}: the command phrases cannot be read ({exc}).") from None
    out: dict[str, tuple[str, ...]] = {}
    for group in data.values():
        for intent, phrases in group.items():
            out[intent] = tuple(dict.fromkeys(normalize(str(p)) for p in phrases))
    return out


def target_phrases(pack: Pack) -> dict[str, tuple[str, ...]]:
    """Section or item id -> the normalised phrases that name it (name, spoken name, words)."""
    out: dict[str, tuple[str, ...]] = {}
    for section in pack.sections:
        out[section.id] = _unique([section.name, section.spoken, *section.words])
        for item in section.items:
            out[item.id] = _unique([item.name, item.spoken, item.short, *item.words])
    return out


def _unique(phrases: list[str]) -> tuple[str, ...]:
    return tuple(p for p in dict.fromkeys(normalize(p) for p in phrases) if p)


def known_words(pack: Pack) -> frozenset[str]:
    """Every word the pack uses anywhere, texts included: none of these is out of scope."""
    texts = [pack.title, pack.welcome, pack.disclaimer, *pack.topic_words]
    for section in pack.sections:
        texts += [section.name, section.intro]
        for item in section.items:
            texts += [item.name, item.text or ""]
    return frozenset(w for t in texts for w in tokens(t))


# Words people wrap around a name ("can you tell me about ... please"). The recognisers learn
# them: Vosk as whole phrases, PocketSphinx as a grammar of lead, name and tail.
LEADS = (
    "what is",
    "what is a",
    "what are",
    "what are the",
    "tell me about",
    "tell me about the",
    "can you tell me about",
    "what about",
    "i want to know about",
    "what causes",
    "what are the symptoms of",
    "how is",
    "how do you treat",
    "is it",
    "explain",
    "what does",
)
TAILS = ("please",)


def guide_phrases(pack: Pack, frames: bool = True) -> list[str]:
    """Everything a person might say to this guide, as whole phrases, for constraining a recogniser."""
    phrases: list[str] = []
    for intent_phrases in load_commands().values():
        phrases += intent_phrases
    for names in target_phrases(pack).values():
        for name in names:
            phrases.append(name)
            if frames:
                phrases += [f"{lead} {name}" for lead in LEADS] + [f"{name} {t}" for t in TAILS]
    return list(dict.fromkeys(phrases))


def recognizer_phrases(pack: Pack, extra: tuple[str, ...] = ()) -> Phrases:
    """What a recogniser for this pack should expect to hear; `extra`: phrases besides the
    guide's own (the wake phrase)."""
    # Emergency sentences too (safety.yaml `hear`): a recogniser that cannot hear "call an
    # ambulance" would turn it into some request of the guide's.
    emergencies = heard_phrases()
    return Phrases(
        commands=tuple(dict.fromkeys([*(p for ps in load_commands().values() for p in ps), *emergencies])),
        names=tuple(p for ps in target_phrases(pack).values() for p in ps),
        leads=LEADS,
        tails=TAILS,
        whole=tuple(dict.fromkeys([*guide_phrases(pack), *emergencies])),
        extra=tuple(extra),
    )
