"""What the router knows of one pack, built once: every phrase that names a section, an item or
a command, the lemmas each can account for, and a BM25 index (bm25s) of what each says.

Nothing here is about one pack's topic: a section's or item's phrases come from its `name`,
`spoken`, `short` and `words` (which may be templates), its text from `intro` or `text`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import bm25s
import numpy as np
from rapidfuzz import fuzz, process
from wordfreq import zipf_frequency

from ..content.pack import Pack
from ..errors import GuideError
from .normalize import tokens
from .templates import expand, load_commands, load_questions
from .words import information, lemma, squash

# A typed word is taken for a slip of one of the guide's words when it is at least this long,
# rarer than this in everyday English (Zipf 2: once in ten million words), and this alike.
_TYPO_LENGTH = 5
_TYPO_ZIPF = 2.0
_TYPO_RATIO = 85


@dataclass
class Owner:
    """A section, an item or a command, and the words that can stand for it."""

    id: str
    kind: str  # section, item or command
    phrases: tuple[str, ...]
    own: frozenset[str] = frozenset()  # lemmas of its names and text
    context: frozenset[str] = frozenset()  # lemmas of its section's names (an item's setting)
    mine: frozenset[str] = frozenset()  # the lemmas that point at it, not at a question's shape
    allowed: frozenset[str] = frozenset()  # the lemmas it accounts for in a request about it
    # Each phrase as (lemmas, information of each word), for how much of it was said.
    weighted: list[tuple[tuple[str, ...], tuple[float, ...]]] = field(default_factory=list)


def _weigh(owner: Owner, skip: frozenset[str]) -> Owner:
    for phrase in owner.phrases:
        words = skipped(phrase.split(), skip)
        owner.weighted.append((tuple(lemma(w) for w in words), tuple(information(w) for w in words)))
    owner.own = owner.own | {lem for lems, _ in owner.weighted for lem in lems}
    return owner


@dataclass(frozen=True)
class _Tables:
    """Look-up tables of a list of owners, numbered from 0 (the commands' are built once)."""

    keys: list[tuple[str, int]]  # (phrase without filler, owner)
    postings: dict[str, tuple[np.ndarray, np.ndarray]]  # lemma -> (phrase numbers, weights)
    totals: list[float]  # each phrase's whole weight
    starts: list[int]  # each owner's first phrase


def _tables(owners: list[Owner] | tuple[Owner, ...], skip: frozenset[str], silent: frozenset[str]) -> _Tables:
    """`silent`: lemmas that count for nothing in these owners' phrases (see Index)."""
    keys: list[tuple[str, int]] = []
    rows: dict[str, dict[int, float]] = {}
    totals: list[float] = []
    starts: list[int] = []
    for number, owner in enumerate(owners):
        starts.append(len(totals))
        keys += [(" ".join(skipped(p.split(), skip)), number) for p in owner.phrases]
        for lems, weights in owner.weighted:
            if silent and not set(lems) <= silent:
                weights = tuple(0.0 if lem in silent else w for lem, w in zip(lems, weights, strict=True))
            for lem, weight in zip(lems, weights, strict=True):
                row = rows.setdefault(lem, {})
                row[len(totals)] = row.get(len(totals), 0.0) + weight
            totals.append(sum(weights) or 1.0)
    postings = {
        lem: (np.fromiter(row, dtype=np.int64), np.fromiter(row.values(), dtype=np.float64))
        for lem, row in rows.items()
    }
    return _Tables(keys, postings, totals, starts)


@lru_cache(maxsize=20000)
def _expanded(template: str) -> tuple[str, ...]:
    """A pack's phrase or template, expanded (the same template is expanded once per process)."""
    return tuple(expand(template, load_questions().rules))


@lru_cache(maxsize=4)
def _commands() -> tuple[tuple[Owner, ...], _Tables]:
    """The shared commands, weighed and indexed once per process (the same for every pack)."""
    commands = load_commands()
    owners = tuple(_weigh(Owner(i, "command", ps), commands.skip_words) for i, ps in commands.phrases.items())
    for owner in owners:
        owner.mine = owner.allowed = owner.own  # a command accounts for its own words only
    return owners, _tables(owners, commands.skip_words, frozenset())


def skipped(words: list[str], skip: frozenset[str]) -> list[str]:
    """Words without filler ('um', 'please'); a phrase of filler only is kept as it is ('okay')."""
    kept = [w for w in words if w not in skip]
    return kept or words


class Index:
    """The phrases and texts of one pack with the shared commands and question shapes."""

    def __init__(self, pack: Pack) -> None:
        commands, questions = load_commands(), load_questions()
        self.skip = commands.skip_words
        self.leads = frozenset(" ".join(skipped(p.split(), self.skip)) if p else "" for p in questions.leads)
        self.tails = frozenset(" ".join(skipped(p.split(), self.skip)) if p else "" for p in questions.tails)
        self.advice = questions.advice_leads, questions.advice_tails
        self.owners: list[Owner] = []
        texts: list[str] = []
        for section in pack.sections:
            section_owner = self._target(section.id, "section", [section.name, section.spoken, *section.words], pack)
            texts.append(section.intro)
            for item in section.items:
                self._target(item.id, "item", [item.name, item.spoken, item.short, *item.words], pack)
                texts.append(item.text or "")
                self.owners[-1].context = section_owner.own
        for owner, text in zip(self.owners, texts, strict=True):
            owner.own = owner.own | {lemma(w) for w in tokens(text)}
        self.targets = len(self.owners)
        command_owners, command_tables = _commands()
        self.owners += command_owners
        # A section or an item by id (a command of the same name never hides it).
        self.kinds = {o.id: o.kind for o in self.owners[: self.targets]}
        self.shape = frozenset(lemma(w) for p in self.leads | self.tails for w in p.split())
        self.topic = frozenset(lemma(w) for p in pack.topic_words for w in tokens(p))
        self.known = frozenset().union(*(o.own for o in self.owners)) | self.shape | self.topic
        # The guide's own spellings, for a typed word that is no word at all ("sciatia").
        surface = {w for o in self.owners for p in o.phrases for w in p.split()}
        surface |= {w for text in texts for w in tokens(text)} | {w for p in self.leads | self.tails for w in p.split()}
        self.spellings = sorted(w for w in surface if len(w) >= _TYPO_LENGTH)
        self._respelt: dict[str, str] = {}
        for owner in self.owners[: self.targets]:
            owner.mine = owner.own - self.shape
            owner.allowed = owner.own | owner.context | self.shape | self.topic
        # In a name, a word that commands use too ("stop" in "X Stop") proves nothing by itself:
        # it counts for how much of the name was said only with the rest of the name.
        commanding = frozenset(lem for o in command_owners for lems, _ in o.weighted for lem in lems)
        targets = _tables(self.owners[: self.targets], self.skip, commanding - self.shape - self.topic)
        self._join(targets, command_tables)
        self._by_lemma: dict[str, set[int]] = {}
        for number, owner in enumerate(self.owners):
            for lem in {lem for lems, _ in owner.weighted for lem in lems}:
                self._by_lemma.setdefault(lem, set()).add(number)
        self._exact: dict[str, set[int]] = {}
        fuzzy: dict[str, set[int]] = {}
        self.spelled: dict[str, str] = {}  # a squashed phrase -> the phrase
        for key, number in targets.keys + [(k, n + self.targets) for k, n in command_tables.keys]:
            self._exact.setdefault(key, set()).add(number)
            fuzzy.setdefault(squash(key), set()).add(number)
            self.spelled.setdefault(squash(key), key)
        self.fuzzy_keys = list(fuzzy)
        self.fuzzy_owners = [fuzzy[k] for k in self.fuzzy_keys]
        # The names alone (a name may be misheard inside a question; a command is said whole).
        self.name_keys = [
            k for k, owners in zip(self.fuzzy_keys, self.fuzzy_owners, strict=True) if min(owners) < self.targets
        ]
        self.name_owners = [{n for n in fuzzy[k] if n < self.targets} for k in self.name_keys]
        # BM25 over each section's and item's own words: its names and what it says.
        documents = [
            sorted(o.own) + [lemma(w) for p in o.phrases for w in p.split()] for o in self.owners[: self.targets]
        ]
        self.bm25 = bm25s.BM25()
        self.bm25.index(documents, show_progress=False)

    def _target(self, ident: str, kind: str, names: list[str], pack: Pack) -> Owner:
        phrases: list[str] = []
        for name in names:
            try:
                phrases += _expanded(name)
            except GuideError as exc:
                raise GuideError(f"{pack.path}: {ident}: {exc}") from None
        return self._add(Owner(ident, kind, tuple(dict.fromkeys(p for p in phrases if p))))

    def _add(self, owner: Owner) -> Owner:
        self.owners.append(_weigh(owner, self.skip))
        return owner

    def _join(self, targets: _Tables, commands: _Tables) -> None:
        """Lemma -> (phrase numbers, the lemma's weight in each), for the pack's and the commands'
        phrases together: how much of every phrase was said is then one weighted count (numpy)."""
        offset = len(targets.totals)
        self._postings = {}
        for lem in targets.postings.keys() | commands.postings.keys():
            mine, theirs = targets.postings.get(lem), commands.postings.get(lem)
            if mine is None:
                self._postings[lem] = (theirs[0] + offset, theirs[1])
            elif theirs is None:
                self._postings[lem] = mine
            else:
                self._postings[lem] = (
                    np.concatenate([mine[0], theirs[0] + offset]),
                    np.concatenate([mine[1], theirs[1]]),
                )
        self._totals = np.array(targets.totals + commands.totals)
        self._starts = targets.starts + [start + offset for start in commands.starts]

    def covers(self, lems: set[str]) -> np.ndarray:
        """For each owner, how much of its best phrase these lemmas make up (by information)."""
        found = [self._postings[lem] for lem in lems if lem in self._postings]
        if not found:
            return np.zeros(len(self.owners))
        ids = np.concatenate([f[0] for f in found])
        weights = np.concatenate([f[1] for f in found])
        said = np.bincount(ids, weights, minlength=len(self._totals)) / self._totals
        return np.maximum.reduceat(said, self._starts)

    def respelt(self, word: str) -> str:
        """A mistyped word as the guide spells it ("symtoms" -> "symptoms"); any other word as it is.
        Only a word that everyday English hardly knows is taken for a typing slip, so that a real
        word is never made into one of the guide's ("ear" stays "ear", not "wear")."""
        if word not in self._respelt:
            found = None
            if len(word) >= _TYPO_LENGTH and zipf_frequency(word, "en") < _TYPO_ZIPF:
                near = [w for w in self.spellings if abs(len(w) - len(word)) <= 1]
                found = process.extractOne(word, near, scorer=fuzz.ratio, score_cutoff=_TYPO_RATIO)
            self._respelt[word] = found[0] if found else word
        return self._respelt[word]

    def ordinal(self, words: tuple[str, ...]) -> int:
        """The first place in a list that these words name ("the third one": 3), or 0."""
        ordinals = load_commands().ordinals
        for at, word in enumerate(words):
            number = ordinals.get(" ".join(words[at : at + 2])) or ordinals.get(word)
            if number:
                return number
        return 0

    def exact(self, key: str) -> set[int]:
        """Owners of a phrase said exactly as a template allows."""
        return self._exact.get(key, set())

    def sharing(self, lems: set[str]) -> set[int]:
        """Owners with a phrase that has one of these lemmas."""
        found: set[int] = set()
        for lem in lems:
            found |= self._by_lemma.get(lem, set())
        return found

    def relevance(self, lems: list[str]) -> np.ndarray:
        """BM25 score of each section and item for these lemmas."""
        if not lems:
            return np.zeros(self.targets)
        return self.bm25.get_scores(lems)
