"""Safety statements: emergencies, the disclaimer, advice and medicine questions, and health
questions outside the pack. The conversation checks these before anything else, in every state.

The statements are data: safety.yaml for every pack, and a pack's own warning signs (each with a
cited source). They are hassil templates, as Home Assistant's intents write them: [optional]
words, (a|b) alternatives, {lists} and <rules>. hassil expands them; its recogniser is not used,
because it matches whole sentences and an unseen urgent sentence has to match by its parts: a
template matches where its words stand together anywhere in what was said, and `all` asks for
several parts, in any order, at different places. A word matches as said, by its lemma
(simplemma: "bled" -> "bleed", so a template writes the base form to take every form), or, for
a long word, by spelling (rapidfuzz: "ambulence"), as recognisers and typists get words wrong.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import jellyfish
import simplemma
from hassil import TextSlotList, parse_sentence
from rapidfuzz import fuzz, process

from ..content.pack import Pack
from ..errors import GuideError
from .normalize import tokens
from .safety_data import SAFETY_FILE, expand, load_statements
from .vocabulary import STOPWORDS, target_phrases

# Sounds and politeness dropped before matching an urgent sentence. Not the command templates'
# skip words: those include "now", which urgent sentences need ("send someone now").
FILLER = frozenset(
    "um umm uh uhh uhm er erm hmm hm ah oh eh well so like just please kindly actually basically guide hey hi "
    "hello sorry".split()
)

KINDS = ("emergency", "disclaimer", "advice", "referral")
_SPELLING = 88  # rapidfuzz ratio for a misspelt word: "ambulence", not "balance" for "ambulance"
_SPELLING_MIN = 6  # shorter words are too alike to guess at ("tablets", "tables" are allowed)
_SOUNDS_MIN = 3  # a word that sounds like a statement's word, for speech perhaps misheard ("her": "here")


@dataclass(frozen=True)
class Finding:
    """What kind of safety statement was said. `kind` is one of KINDS, or "none"."""

    kind: str
    name: str = ""  # the statement that matched ("chest pain or heart attack"), for reports
    urgent: bool = False  # urgent words too ("suddenly", "severe"): the emergency line follows
    offer: bool = True  # what the guide says about the topic may be offered (not for medicines)
    sign: str | None = None  # the pack's warning sign that matched


NONE = Finding("none")
_PLAIN = re.compile(r"[a-z]+( [a-z]+)*")


@lru_cache(maxsize=1024)
def _lemma(word: str) -> str:
    return simplemma.lemmatize(word, lang="en")


def words_of(text: str) -> tuple[str, ...]:
    """What was said, as the statements see it: normalised tokens without filler."""
    return tuple(w for w in tokens(text) if w not in FILLER)


class _Said:
    """An utterance: each word with the forms it may stand for (itself, its lemma, spellings)."""

    def __init__(self, words: tuple[str, ...], spell: _Spelling) -> None:
        self.words = words
        self.forms = [{w, _lemma(w), *spell(w)} for w in words]


class _Spelling:
    def __init__(self, vocabulary: set[str]) -> None:
        self.long = sorted(w for w in vocabulary if len(w) >= _SPELLING_MIN)
        self.cache: dict[str, tuple[str, ...]] = {}

    def __call__(self, word: str) -> tuple[str, ...]:
        if len(word) < _SPELLING_MIN:
            return ()
        if word not in self.cache:
            found = process.extract(word, self.long, scorer=fuzz.ratio, score_cutoff=_SPELLING, limit=None)
            # Recognisers keep a word's first sound far more often than not.
            self.cache[word] = tuple(w for w, _, _ in found if w[0] == word[0])
        return self.cache[word]


class _Sounds:
    """A heard word's spellings, and the statements' words that sound like it (metaphone, with
    the same first letter): "horrid" for "heart", "her" for "here". Only for asking whether
    speech may have been an emergency, misheard: never for answering one."""

    def __init__(self, vocabulary: set[str], spelling: _Spelling) -> None:
        self.spelling = spelling
        self.codes: dict[str, set[str]] = {}
        for word in vocabulary:
            if len(word) >= _SOUNDS_MIN:
                self.codes.setdefault(jellyfish.metaphone(word), set()).add(word)

    def __call__(self, word: str) -> tuple[str, ...]:
        spelt = self.spelling(word)
        if len(word) < _SOUNDS_MIN:
            return spelt
        return spelt + tuple(w for w in self.codes.get(jellyfish.metaphone(word), ()) if w[0] == word[0])


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    at_start: bool
    at_end: bool


class _Cue:
    """One template: the word sequences it expands to, found anywhere in an utterance."""

    def __init__(self, phrases: set[_Phrase]) -> None:
        self.by_first: dict[str, list[_Phrase]] = {}
        for phrase in phrases:
            self.by_first.setdefault(phrase.words[0], []).append(phrase)

    def spans(self, said: _Said) -> list[tuple[int, int]]:
        found = []
        n = len(said.words)
        for start in range(n):
            for first in said.forms[start]:
                for phrase in self.by_first.get(first, ()):
                    end = start + len(phrase.words)
                    if (phrase.at_start and start) or end > n or (phrase.at_end and end != n):
                        continue
                    if all(w in said.forms[start + k] for k, w in enumerate(phrase.words)):
                        found.append((start, end))
        return found


def _apart(spans: list[list[tuple[int, int]]]) -> bool:
    """Whether each cue can be found at its own words ("my baby" is not also the health word)."""
    if len(spans) == 1:
        return bool(spans[0])
    for choice in itertools.islice(itertools.product(*spans), 2000):
        taken = sorted(choice)
        if all(a[1] <= b[0] for a, b in itertools.pairwise(taken)):
            return True
    return False


@dataclass(frozen=True)
class _Statement:
    kind: str
    name: str
    patterns: tuple[tuple[_Cue, ...], ...]
    unless: tuple[_Cue, ...]
    offer: bool = True
    sign: str | None = None

    def said_in(self, said: _Said) -> bool:
        if not any(_apart([cue.spans(said) for cue in cues]) for cues in self.patterns):
            return False
        return not any(cue.spans(said) for cue in self.unless)


def _pack_phrases(pack: Pack | None) -> tuple[list[str], list[str]]:
    """The pack's names and words (health words of its own topic), and its topic words."""
    if pack is None:
        return [], []
    names = [p for ps in target_phrases(pack).values() for p in ps] + list(pack.topic_words)
    names = [" ".join(w for w in tokens(p) if w not in FILLER) for p in names]
    # Function words alone ("what happens", "about") say nothing about health.
    names = [p for p in dict.fromkeys(names) if p and not all(w in STOPWORDS for w in p.split())]
    return names, [" ".join(tokens(t)) for t in pack.topic_words]


class _Compiler:
    """Expands templates with hassil, once per template, for one pack."""

    def __init__(self, data: dict, pack: Pack | None, outside_pack: bool = False) -> None:
        names, topic = _pack_phrases(pack)
        raw = {str(k): [str(v) for v in vs] for k, vs in data["lists"].items()}
        lists = {name: self._values(name, raw, set()) for name in raw}
        if outside_pack:  # drop what the pack names itself: it answers those
            own = {w for p in names for w in p.split()}
            lists = {k: [v for v in vs if any(w not in own for w in tokens(v))] for k, vs in lists.items()}
        lists.update(pack=names or ["-"], topic=topic or ["-"])
        self.lists = {k: TextSlotList.from_strings(vs or ["-"]) for k, vs in lists.items()}
        self.rules = {str(k): parse_sentence(str(v)) for k, v in data["rules"].items()}
        self.cache: dict[str, _Cue] = {}
        self.vocabulary: set[str] = set()

    def _values(self, name: str, raw: dict[str, list[str]], seen: set[str]) -> list[str]:
        out = []
        for value in raw[name]:
            if value.startswith("{") and value.endswith("}") and value[1:-1] in raw and value[1:-1] not in seen:
                out += self._values(value[1:-1], raw, seen | {name})
            else:
                out.append(value)
        return out

    def cue(self, template: str) -> _Cue:
        if template not in self.cache:
            phrases = set()
            for text in expand(template, self.lists, self.rules):
                text = text.strip()
                at_start, at_end = text.startswith("^"), text.endswith("$")
                text = text.strip("^$ ")
                # Most expansions are plain words already; the tokenizer is only for the rest.
                words = tuple(text.split() if _PLAIN.fullmatch(text) else tokens(text))
                if set(words) & FILLER:
                    raise GuideError(f"{SAFETY_FILE.name}: the template '{template}' uses a filler word: {words}")
                if words:
                    phrases.add(_Phrase(words, at_start, at_end))
                    self.vocabulary.update(words)
            self.cache[template] = _Cue(phrases)
        return self.cache[template]

    def statement(self, entry: dict, sign: str | None = None) -> _Statement:
        patterns = []
        for match in entry["match"]:
            parts = match["all"] if isinstance(match, dict) else [match]
            patterns.append(tuple(self.cue(str(p)) for p in parts))
        return _Statement(
            kind=str(entry.get("kind", "emergency")),
            name=str(entry.get("name", sign or "")),
            patterns=tuple(patterns),
            unless=tuple(self.cue(str(u)) for u in entry.get("unless", ())),
            offer=bool(entry.get("offer", True)),
            sign=sign,
        )


class Safety:
    """The safety statements for one pack. Build with `safety_for(pack)`; `classify` is pure."""

    def __init__(self, pack: Pack | None = None, path: str = str(SAFETY_FILE)) -> None:
        data = load_statements(path)
        compiler = _Compiler(data, pack)
        outside = _Compiler(data, pack, outside_pack=True)
        # A pack's own warning signs first: they are the most specific, and say their source.
        signs = [
            compiler.statement({"match": list(s.statements), "name": s.id}, sign=s.id)
            for s in (pack.warning_signs if pack else ())
        ]
        listed = [(outside if e.get("outside_pack") else compiler).statement(e) for e in data["statements"]]
        unknown = {s.kind for s in listed} - set(KINDS)
        if unknown:
            raise GuideError(f"{path}: unknown kinds of statement: {', '.join(sorted(unknown))}.")
        emergencies = [s for s in listed if s.kind == "emergency"]
        self.statements = signs + emergencies + [s for s in listed if s.kind != "emergency"]
        self.urgent = tuple(compiler.cue(str(u)) for u in data["urgent"])
        self._spelling = _Spelling(compiler.vocabulary | outside.vocabulary)
        self._sounds = _Sounds(compiler.vocabulary | outside.vocabulary, self._spelling)

    def _said(self, text: str) -> _Said:
        return _Said(words_of(text), self._spelling)

    def classify(self, text: str) -> Finding:
        """The first statement that `text` makes, emergencies first; NONE when it makes none."""
        said = self._said(text)
        if not said.words:
            return NONE
        for statement in self.statements:
            if statement.said_in(said):
                urgent = statement.kind != "emergency" and any(cue.spans(said) for cue in self.urgent)
                return Finding(statement.kind, statement.name, urgent, statement.offer, statement.sign)
        return NONE

    def emergency(self, text: str) -> bool:
        """Whether `text` tells of an emergency (the loop asks this to wake, or to cut in)."""
        return self._tells_emergency(self._said(text))

    def near_emergency(self, text: str) -> bool:
        """Whether `text` could be an emergency misheard: one, with words that sound like its own."""
        return self._tells_emergency(_Said(words_of(text), self._sounds))

    def _tells_emergency(self, said: _Said) -> bool:
        return bool(said.words) and any(s.said_in(said) for s in self.statements if s.kind == "emergency")


@lru_cache(maxsize=8)
def safety_for(pack: Pack | None) -> Safety:
    """Built once per pack: expanding the templates takes a moment, matching does not."""
    return Safety(pack)
