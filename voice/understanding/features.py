"""The evidence for each thing an utterance could mean, as a few numbers in 0..1.

For every section, item and command that shares something with what was said:
- exact:     said as a template allows ("can you tell me about" + a name + "please")
- close:     how near the closest of its phrases is, letter by letter (rapidfuzz), above
             a knee: for misheard words ("her knee ated disc", "lamb in ectomy")
- cover:     how much of its best phrase was said, each word weighted by its information
- own:       how much of what was said its own names and text account for
- explained: the same with the question's shape and the topic's words allowed too
- foreign:   the rarest word that nothing accounts for ("ear" in "my ear infection")
- bm25:      its BM25 score over its names and text, against the best (1.0 for the best)
- alien:     the rarest word said is one that nothing accounts for ("what causes migraines")
- known:     how much of what was said the guide as a whole accounts for (any part of it)
- advice:    the request is put as one for advice ("should i ...", "... right for me")
model.py turns these into one probability.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .index import Index, skipped
from .normalize import tokens
from .words import MAX_INFORMATION, information, lemma, squash

NAMES = (
    "exact",
    "close",
    "cover",
    "own",
    "explained",
    "fit",
    "margin",
    "foreign",
    "bm25",
    "best",
    "command",
    "advice",
    "alien",
    "known",
)
# Below this share of letters in common, a phrase is not taken for misheard at all: by then
# unrelated words are as alike ("stop the pain", "stop the beeps").
_CLOSE = 0.8


@dataclass(frozen=True)
class Said:
    """An utterance as the router weighs it."""

    heard: str
    words: tuple[str, ...]  # filler dropped
    lemmas: tuple[str, ...]
    weights: tuple[float, ...]

    @classmethod
    def of(cls, text: str, index: Index) -> Said:
        heard = tokens(text)
        words = tuple(index.respelt(w) for w in skipped(heard, index.skip))
        return cls(" ".join(heard), words, tuple(lemma(w) for w in words), tuple(information(w) for w in words))


def _splits(said: Said, index: Index) -> list[tuple[int, int]]:
    """Where the name is in each lead + name + tail reading of what was said (the whole first)."""
    words, spans = said.words, [(0, len(said.words))]
    for start in range(len(words)):
        if " ".join(words[:start]) not in index.leads:
            continue
        for end in range(len(words), start, -1):
            if (start, end) not in spans and " ".join(words[end:]) in index.tails:
                spans.append((start, end))
    return spans


def _respelled(words: tuple[str, ...], key: str, index: Index) -> float:
    """How alike the words said and a phrase are where they differ: a misheard phrase is one
    whose other words sound like its own ("lamb in ectomy"), not one with a word added ("ear
    infection" is not "infection")."""
    phrase = index.spelled[key].split()
    have, want = {lemma(w) for w in phrase}, {lemma(w) for w in words}
    said = [w for w in words if lemma(w) not in have]
    wanted = [w for w in phrase if lemma(w) not in want]
    if not said:
        return 100.0
    if not wanted:
        return 0.0
    return fuzz.ratio("".join(said), "".join(wanted))


def evidence(said: Said, index: Index, shape: bool = True) -> dict[int, list[float]]:
    """Owner number -> its evidence (in the order of NAMES), for every owner worth weighing.
    `shape`: whether how the request is put (as one for advice) counts, or only what it is about."""
    lemset = set(said.lemmas)
    total = sum(said.weights) or 1.0
    exact: set[int] = set()
    # Misheard names: the closest phrase to the name part, letter by letter; the words of that
    # part then count as said, as much as they are alike.
    fuzzy: dict[int, tuple[float, tuple[int, int]]] = {}
    for start, end in _splits(said, index):
        whole = (start, end) == (0, len(said.words))
        query = " ".join(said.words[start:end])
        for number in index.exact(query):
            if whole or number < index.targets:  # a command is said whole
                exact.add(number)
        keys, owners = (index.fuzzy_keys, index.fuzzy_owners) if whole else (index.name_keys, index.name_owners)
        for _, score, at in process.extract(
            squash(query), keys, scorer=fuzz.ratio, limit=12, score_cutoff=_CLOSE * 100
        ):
            score = min(score, _respelled(said.words[start:end], keys[at], index))
            for number in owners[at]:
                if score / 100 > fuzzy.get(number, (0.0,))[0]:
                    fuzzy[number] = (score / 100, (start, end))
                    if score == 100:  # the same letters, only spaced differently ("micro disc ectomy")
                        exact.add(number)
    leads, tails = index.advice
    words = said.words
    advice = float(
        shape
        and (
            any(" ".join(words[:n]) in leads for n in range(1, min(len(words), 5) + 1))
            or any(" ".join(words[-n:]) in tails for n in range(1, min(len(words), 3) + 1))
        )
    )
    known = sum(w for lem, w in zip(said.lemmas, said.weights, strict=True) if lem in index.known) / total
    rarest = max(range(len(words)), key=said.weights.__getitem__) if words else 0
    covers = index.covers(lemset)
    # What a question is about, not how it is put: its shape's words do not pick a target.
    scores = index.relevance([lem for lem in said.lemmas if lem not in index.shape])
    top = float(scores.max()) if len(scores) else 0.0
    numbers = exact | set(fuzzy) | index.sharing(lemset) | {int(i) for i in scores.nonzero()[0]}
    out: dict[int, list[float]] = {}
    pointless: set[int] = set()
    pairs = list(zip(said.lemmas, said.weights, strict=True))
    for number in numbers:
        owner = index.owners[number]
        command = owner.kind == "command"
        allowed, mine = owner.allowed, owner.mine
        similar, (start, end) = fuzzy.get(number, (0.0, (0, 0)))
        credit = similar
        heard_as = [credit if start <= i < end else 0.0 for i in range(len(pairs))]
        own = sum(w * max(h, lem in mine) for (lem, w), h in zip(pairs, heard_as, strict=True)) / total
        if not own and number not in exact:
            pointless.add(number)  # nothing said points at it: only the question's shape or the topic's words
        unexplained = [w * (1 - h) for (lem, w), h in zip(pairs, heard_as, strict=True) if lem not in allowed]
        explained = 1.0 - sum(unexplained) / total
        alien = float(heard_as[rarest] == 0 and said.lemmas[rarest] not in allowed) if words else 0.0
        cover = max(float(covers[number]), credit)
        fit = 2 * cover * explained / (cover + explained) if cover + explained else 0.0
        bm25 = float(scores[number]) / top if not command and top > 0 else 0.0
        out[number] = [
            float(number in exact),
            max(0.0, similar - _CLOSE) / (1 - _CLOSE),
            cover,
            own,
            explained,
            fit,
            0.0,  # margin: filled in below
            max(unexplained, default=0.0) / MAX_INFORMATION,
            bm25,
            float(not command and top > 0 and float(scores[number]) == top),
            float(command),
            advice,
            alien,
            known,
        ]
    # How far each stands above the best other meaning: two equal ones are a question of which.
    at = NAMES.index("fit")
    fits = sorted(((f[at], n) for n, f in out.items()), reverse=True)
    for number, features in out.items():
        other = next((fit for fit, n in fits if n != number), 0.0)
        features[NAMES.index("margin")] = (features[at] - other) * features[NAMES.index("explained")]
    # Weighed against the others (a question of which), never an answer itself.
    return {number: features for number, features in out.items() if number not in pointless}
