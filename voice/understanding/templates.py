"""Sentence templates (hassil, as Home Assistant's intents use them), read and expanded.

commands.yaml holds the commands every pack shares, questions.yaml the leads and tails that
people put around a name; a pack's `words` may be templates too. Everything a template
allows is expanded once, when a pack is loaded, into plain phrases: the router looks them up
whole, and the recognisers are given a sample of the same phrases.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path

import yaml
from hassil import Intents, parse_sentence, sample_expression
from hassil.errors import HassilError
from hassil.expression import Sentence
from hassil.parser import ParseError

from ..errors import GuideError
from .normalize import normalize

HERE = Path(__file__).parent
COMMANDS_FILE = HERE / "commands.yaml"
QUESTIONS_FILE = HERE / "questions.yaml"
# A guard against a template that expands into millions of sentences by mistake.
MAX_EXPANSIONS = 2000
_TEMPLATE_MARKS = set("([<{|")


@dataclass(frozen=True)
class Commands:
    """Intent -> every phrase its templates allow (normalised), and the words to skip."""

    phrases: dict[str, tuple[str, ...]]
    skip_words: frozenset[str]
    rules: dict[str, Sentence]
    heard: dict[str, tuple[str, ...]]  # the phrases of blocks marked for the recognisers
    ordinals: dict[str, int] = field(default_factory=dict)  # "third" -> 3, "number two" -> 2


@dataclass(frozen=True)
class Questions:
    """The leads and tails put around a name, each expanded; '' (none) first."""

    leads: tuple[str, ...]
    tails: tuple[str, ...]
    rules: dict[str, Sentence]
    heard_leads: tuple[str, ...] = ()  # the leads and tails the recognisers listen for
    heard_tails: tuple[str, ...] = ()
    advice_leads: frozenset[str] = frozenset()  # how requests for advice begin
    advice_tails: frozenset[str] = frozenset()  # and end


def _read(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as exc:
        raise GuideError(f"{path}: the templates cannot be read ({exc}). Restore the file from the guide.") from None
    if not isinstance(data, dict):
        raise GuideError(f"{path}: must be a mapping (language, intents, expansion_rules).")
    return data


@lru_cache(maxsize=20000)
def _normal(text: str) -> str:
    return normalize(text)


def _sample(sentence: Sentence, rules: dict[str, Sentence]) -> list[str]:
    texts = list(islice(sample_expression(sentence.expression, {}, rules), MAX_EXPANSIONS + 1))
    if len(texts) > MAX_EXPANSIONS:  # cut short, it would lose phrases without a word
        raise ValueError(f"'{sentence.text}' allows more than {MAX_EXPANSIONS} sentences: split it into several")
    return list(dict.fromkeys(t for t in (_normal(s) for s in texts) if t))


@lru_cache(maxsize=4)
def load_commands(path: str = str(COMMANDS_FILE)) -> Commands:
    """The shared commands, every template expanded."""
    data = _read(Path(path))
    try:
        intents = Intents.from_dict(data)
        phrases: dict[str, tuple[str, ...]] = {}
        heard: dict[str, tuple[str, ...]] = {}
        for name, intent in intents.intents.items():
            found: list[str] = []
            listened: list[str] = []
            for block in intent.data:
                rules = {**intents.expansion_rules, **block.expansion_rules}
                for sentence in block.sentences:
                    expanded = _sample(sentence, rules)
                    found += expanded
                    if (block.metadata or {}).get("heard"):
                        listened += expanded
            phrases[name] = tuple(dict.fromkeys(found))
            heard[name] = tuple(dict.fromkeys(listened))
    except (HassilError, ParseError, KeyError, TypeError, ValueError) as exc:
        raise GuideError(f"{path}: a command template is wrong ({exc}).") from None
    skip = frozenset(normalize(w) for w in intents.skip_words)
    try:
        ordinals = {normalize(str(k)): int(v) for k, v in (data.get("ordinals") or {}).items()}
    except (AttributeError, TypeError, ValueError):
        raise GuideError(f"{path}: ordinals must map words to numbers, as in 'third: 3'.") from None
    return Commands(phrases, skip, dict(intents.expansion_rules), heard, ordinals)


@lru_cache(maxsize=4)
def load_questions(path: str = str(QUESTIONS_FILE)) -> Questions:
    """The leads and tails of questions about a name, expanded."""
    data = _read(Path(path))
    try:
        rules = {name: parse_sentence(str(body), keep_text=True) for name, body in data["expansion_rules"].items()}
        leads = _sample(rules["lead"], rules)
        tails = _sample(rules["tail"], rules)
        heard = tuple(_sample(rules["heard_lead"], rules)), tuple(_sample(rules["heard_tail"], rules))
        advice = frozenset(_sample(rules["advice_lead"], rules)), frozenset(_sample(rules["advice_tail"], rules))
    except (HassilError, ParseError, KeyError, TypeError, ValueError) as exc:
        raise GuideError(f"{path}: a question template is wrong ({exc}).") from None
    return Questions(("", *leads), ("", *tails), rules, *heard, *advice)


def expand(template: str, rules: dict[str, Sentence]) -> list[str]:
    """A phrase or template from a pack (e.g. "what (causes|brings on) it") as plain phrases."""
    if not _TEMPLATE_MARKS & set(template):
        return [_normal(template)] if _normal(template) else []
    try:
        return _sample(parse_sentence(template, keep_text=True), rules)
    except (HassilError, ParseError, ValueError) as exc:
        raise GuideError(f"the template '{template}' is wrong ({exc}). Check its brackets.") from None
