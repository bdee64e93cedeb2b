"""Understanding: route an utterance (as typed, or as a recogniser heard it) to a request.

Matching is word by word against the phrases of vocabulary.py. A word matches exactly, by
stem (causes/cause), by spelling (laminecktomy) or by sound (leg pane, her knee ated disc:
metaphone keys, also of neighbouring words joined), because recognisers mishear in those ways.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import jellyfish
from rapidfuzz import fuzz, process

from ..content.pack import Pack
from .normalize import tokens
from .vocabulary import FILLER, STOPWORDS, known_words, load_commands, target_phrases

ACCEPT = 0.55  # below this nothing in the guide is close enough: "unknown"
COMMAND_ACCEPT = 0.75
TIE = 0.04  # two targets closer than this: ask which one was meant
_WORD_MATCH = 0.8
_STOPWORD_WEIGHT = 0.15
_FOREIGN_PENALTY = 0.55  # per word that nothing in the guide explains ("headache", "weather")

NAVIGATION = ("next", "previous", "repeat", "start_over", "read_all")
CONTROLS = ("slower", "faster", "louder", "quieter", "stop", "quit", "cues_off", "cues_on")
MEMORY = ("bookmark", "goto_bookmark")
ANSWERS = ("yes", "second", "no")


@dataclass(frozen=True)
class Request:
    """What the user asked for. `intent` is 'unknown' when nothing matched: never an exception."""

    intent: str  # section, item, a NAVIGATION or CONTROLS name, help, clarify, yes, second, no, unknown
    heard: str
    confidence: float = 0.0
    target: str | None = None  # section or item id
    choices: tuple[str, ...] = ()  # for "clarify": the ids it could be


@dataclass
class _Phrase:
    words: tuple[str, ...]
    weights: tuple[float, ...]
    owner: str  # a target id or a command intent


@dataclass
class _Unit:
    """A word of the utterance, or neighbouring words joined (misheard long words)."""

    text: str
    positions: tuple[int, ...]
    matches: dict[str, float] = field(default_factory=dict)


def _stem(word: str) -> str:
    """Crude but enough for matching: tingles, tingle, tingling -> tingl."""
    for suffix in ("ing", "ed", "es", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


class Router:
    """Routes utterances for one pack. Build once; `route` is fast and has no side effects."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.kinds = {s.id: "section" for s in pack.sections}
        self.kinds.update({i.id: "item" for s in pack.sections for i in s.items})
        self.topic = frozenset(_stem(w) for p in pack.topic_words for w in tokens(p))
        self.targets = [self._phrase(p, owner) for owner, ps in target_phrases(pack).items() for p in ps]
        self.commands = [self._phrase(p, intent) for intent, ps in load_commands().items() for p in ps]
        vocab = {w for ph in self.targets + self.commands for w in ph.words}
        self.known = frozenset(_stem(w) for w in known_words(pack) | vocab) | self.topic
        self.intent_words: dict[str, set[str]] = {}
        self._commands_by_first: dict[str, list[_Phrase]] = {}
        self._commands_by_core: dict[tuple[str, ...], str] = {}
        for phrase in self.commands:
            self.intent_words.setdefault(phrase.owner, set()).update(phrase.words)
            self._commands_by_first.setdefault(phrase.words[0], []).append(phrase)
            core = tuple(sorted(w for w in phrase.words if w not in STOPWORDS))
            self._commands_by_core.setdefault(core, phrase.owner)
        self._content_vocab = sorted(w for w in vocab if w not in STOPWORDS)
        self._stems: dict[str, list[str]] = {}
        self._sounds: dict[str, list[str]] = {}
        for word in self._content_vocab:
            self._stems.setdefault(_stem(word), []).append(word)
            self._sounds.setdefault(jellyfish.metaphone(word), []).append(word)
        self._sound_keys = sorted(k for k in self._sounds if len(k) >= 2)
        self._by_word: dict[str, list[_Phrase]] = {}
        for phrase in self.targets:
            for word in set(phrase.words):
                self._by_word.setdefault(word, []).append(phrase)
        self._cache: dict[tuple[str, bool], dict[str, float]] = {}

    @staticmethod
    def _phrase(text: str, owner: str) -> _Phrase:
        # Filler is dropped from what is said, so from the phrases too ("read the whole guide"),
        # unless only function words would be left ("sorry what" must not become "what").
        words = tuple(w for w in text.split() if w not in FILLER)
        if all(w in STOPWORDS for w in words):
            words = tuple(text.split())
        weights = tuple(_STOPWORD_WEIGHT if w in STOPWORDS else 1.0 for w in words)
        return _Phrase(words, weights, owner)

    # --- words -----------------------------------------------------------------------------

    def _word_matches(self, word: str, joined: bool = False) -> dict[str, float]:
        """Vocabulary words this utterance word may be, with a similarity in 0..1."""
        key = (word, joined)
        if key in self._cache:
            return self._cache[key]
        found: dict[str, float] = {}
        if not joined and (word in STOPWORDS or word in self._stems.get(_stem(word), ())):
            found[word] = 1.0
        if not joined:
            for other in self._stems.get(_stem(word), ()):
                found.setdefault(other, 0.95)
        if len(word) >= 3 and word not in STOPWORDS:
            cutoff = 80
            for other, score, _ in process.extract(
                word, self._content_vocab, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
            ):
                if len(other) >= (6 if joined else 4):
                    found[other] = max(found.get(other, 0.0), score / 100)
            sound = jellyfish.metaphone(word)
            if len(sound) >= 2:
                for key_, score, _ in process.extract(
                    sound, self._sound_keys, scorer=fuzz.ratio, score_cutoff=85, limit=None
                ):
                    for other in self._sounds[key_]:
                        if len(other) < (6 if joined else 3) or other[0] != word[0]:
                            continue
                        if len(word) <= 4 and fuzz.ratio(word, other) < 70:
                            continue  # short words share sound keys too easily (flu, fall)
                        found[other] = max(found.get(other, 0.0), 0.9 * score / 100)
        found = {w: s for w, s in found.items() if s >= _WORD_MATCH}
        if len(self._cache) < 20000:
            self._cache[key] = found
        return found

    def _units(self, words: list[str]) -> list[_Unit]:
        units = [_Unit(w, (i,), self._word_matches(w)) for i, w in enumerate(words)]
        for size in (2, 3):
            for i in range(len(words) - size + 1):
                part = words[i : i + size]
                matches = self._word_matches("".join(part), joined=True)
                if matches:
                    units.append(_Unit("".join(part), tuple(range(i, i + size)), matches))
        return units

    # --- phrases ---------------------------------------------------------------------------

    @staticmethod
    def _best(units: list[_Unit]) -> dict[str, tuple[float, tuple[int, ...]]]:
        best: dict[str, tuple[float, tuple[int, ...]]] = {}
        for unit in units:
            for word, score in unit.matches.items():
                if score > best.get(word, (0.0, ()))[0]:
                    best[word] = (score, unit.positions)
        return best

    @staticmethod
    def _cover(phrase: _Phrase, best: dict) -> tuple[float, set[int]]:
        got = 0.0
        used: set[int] = set()
        for word, weight in zip(phrase.words, phrase.weights, strict=False):
            if word in best:
                score, positions = best[word]
                got += weight * score
                used.update(positions)
        return got / sum(phrase.weights), used

    def _score_targets(self, words: list[str], units: list[_Unit]) -> list[tuple[float, str]]:
        best = self._best(units)
        meaningful = {i for i, w in enumerate(words) if w not in STOPWORDS}
        content = meaningful - {i for i, w in enumerate(words) if _stem(w) in self.topic}
        candidates = {id(p): p for w in best for p in self._by_word.get(w, ())}
        scores: dict[str, float] = {}
        for phrase in candidates.values():
            cover, used = self._cover(phrase, best)
            if not used & meaningful and meaningful:
                continue  # matched on function words alone
            explained = len(content & used) / len(content) if content else 1.0
            matched = sum(1 for w in phrase.words if w in best and w not in STOPWORDS)
            # Both must hold: the phrase is there, and it accounts for what was said.
            fit = 2 * cover * explained / (cover + explained) if cover + explained else 0.0
            # Ties go to the phrase that accounts for more words, then to items (more specific).
            score = fit + 0.03 * min(matched, 3) + (0.01 if self.kinds[phrase.owner] == "item" else 0)
            if score > scores.get(phrase.owner, 0.0):
                scores[phrase.owner] = score
        return sorted(((s, t) for t, s in scores.items()), reverse=True)

    def _similarity(self, said: str, want: str) -> float:
        if said == want:
            return 1.0
        if want in STOPWORDS or said in STOPWORDS:
            return 0.0  # function words must be said as they are
        return self._word_matches(said).get(want, 0.0)

    def _align(self, words: list[str], start: int, want: tuple[str, ...]) -> tuple[list[float], int, bool] | None:
        """The phrase's words in order from `start`, with only function words between them
        ("no more beeps" is "no beeps"): the similarities, where it ends, and if any were skipped."""
        sims: list[float] = []
        position, skipped = start, False
        for wanted in want:
            while position < len(words) and self._similarity(words[position], wanted) < _WORD_MATCH:
                if words[position] not in STOPWORDS or not sims:
                    return None
                position, skipped = position + 1, True
            if position == len(words):
                return None
            sims.append(self._similarity(words[position], wanted))
            position += 1
        return sims, position, skipped

    def _score_command(self, words: list[str]) -> tuple[float, str]:
        """Commands must be said whole; only function words (or the command's own words) around them."""
        best_score, best_intent = 0.0, ""
        for start, said in enumerate(words):
            # Only phrases whose first word could be this word: a dictionary look-up, not a scan.
            firsts = {said} if said in STOPWORDS else {said, *self._word_matches(said)}
            for first in firsts:
                for phrase in self._commands_by_first.get(first, ()):
                    found = self._align(words, start, phrase.words)
                    if found is None:
                        continue
                    sims, end, skipped = found
                    rest = words[:start] + words[end:]
                    own = self.intent_words[phrase.owner]
                    if any(w not in STOPWORDS and w not in own for w in rest):
                        continue  # other words around it: "x stop" is not "stop"
                    score = sum(sims) / len(sims) * (1.0 if not rest else 0.92) * (0.95 if skipped else 1.0)
                    if score > best_score:
                        best_score, best_intent = score, phrase.owner
        if best_score < COMMAND_ACCEPT:
            # The same content words, with other function words between ("read me the whole thing").
            core = tuple(sorted(w for w in words if w not in STOPWORDS))
            if len(core) >= 2 and core in self._commands_by_core:
                return 0.9, self._commands_by_core[core]
        return best_score, best_intent

    # --- the request -----------------------------------------------------------------------

    def route(self, text: str, choices: tuple[str, ...] = ()) -> Request:
        """The most likely request for `text`; with `choices` pending, answers come first."""
        words = [w for w in tokens(text) if w not in FILLER]
        heard = " ".join(tokens(text))
        if not words:
            return Request("unknown", heard)
        command, intent = self._score_command(words)
        if choices:
            if command >= COMMAND_ACCEPT and intent in ("yes", "second"):
                pick = choices[0] if intent == "yes" or len(choices) < 2 else choices[1]
                return Request(self.kinds[pick], heard, round(command, 3), pick)
            if command >= COMMAND_ACCEPT and intent == "no":
                return Request("no", heard, round(command, 3))
        if command >= COMMAND_ACCEPT and intent in ANSWERS:
            return Request(intent, heard, round(command, 3))
        units = self._units(words)
        ranked = self._score_targets(words, units)
        if choices:
            chosen = [(s, t) for s, t in ranked if t in choices]
            if chosen and chosen[0][0] >= ACCEPT - 0.1 and (not ranked or chosen[0][0] >= ranked[0][0] - TIE):
                score, target = chosen[0]
                return Request(self.kinds[target], heard, round(min(score, 1.0), 3), target)
        top = ranked[0][0] if ranked else 0.0
        if command >= COMMAND_ACCEPT and command >= top - 0.1:
            return Request(intent, heard, round(command, 3))
        foreign = sum(
            1
            for u in units
            if len(u.positions) == 1
            and not u.matches
            and u.text not in STOPWORDS
            and _stem(u.text) not in self.known
            and not self._covered(u.positions[0], units)
        )
        penalty = _FOREIGN_PENALTY**foreign
        if ranked and top * penalty >= ACCEPT:
            return self._decide(ranked, heard, penalty)
        if (
            not foreign
            and all(w in STOPWORDS or _stem(w) in self.topic for w in words)
            and any(_stem(w) in self.topic for w in words)
        ):
            # Only topic words ("my legs hurt"): the overview is the helpful answer.
            first = self.pack.sections[0].id
            return Request("section", heard, 0.6, first)
        return Request("unknown", heard, round(min(top * penalty, 1.0), 3))

    @staticmethod
    def _covered(position: int, units: list[_Unit]) -> bool:
        return any(position in u.positions and u.matches for u in units if len(u.positions) > 1)

    def _decide(self, ranked: list[tuple[float, str]], heard: str, penalty: float) -> Request:
        score, target = ranked[0]
        if self.kinds[target] == "section":
            # "can being pregnant cause leg pain": the item named beats its own section.
            section = self.pack.by_id[target]
            for other_score, other in ranked[1:3]:
                if score - other_score < TIE and any(i.id == other for i in section.items):
                    score, target = other_score, other
                    ranked = [(s, t) for s, t in ranked if t != section.id]
                    break
        confidence = round(min(score * penalty, 1.0), 3)
        for other_score, other in ranked[1:3]:
            if score - other_score >= TIE:
                break
            if self.kinds[other] == self.kinds[target] and other_score * penalty >= ACCEPT:
                return Request("clarify", heard, confidence, target, (target, other))
        return Request(self.kinds[target], heard, confidence, target)
