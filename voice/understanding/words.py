"""Words as the router weighs them: a lemma (simplemma) and how much a word tells (wordfreq).
The lemma is then stemmed (Snowball), so that a word matches its kin in a pack's names and
texts ("degenerate" and "degeneration", "tingly" and "tingling", "posture" and "postural").

A word's weight is its information: how rare it is in everyday English. "the" or "what" tell
almost nothing, "sciatica" or "laminectomy" a lot, so no hand-written stopword list is needed.
"""

from __future__ import annotations

from functools import lru_cache

import simplemma
import snowballstemmer
from wordfreq import zipf_frequency

_STEM = snowballstemmer.stemmer("english")

# Zipf frequency is log10 of occurrences per billion words: 9 minus it is the word's
# surprisal in digits (log10 of one over its probability). Words unknown to wordfreq
# (misheard or made up) count as the rarest.
MAX_INFORMATION = 9.0


@lru_cache(maxsize=50000)
def lemma(word: str) -> str:
    """'causes' -> 'caus', 'tingling' -> 'tingl', 'feet' -> 'foot' (a key to compare, not a word)."""
    return _STEM.stemWord(simplemma.lemmatize(word, lang="en").lower())


@lru_cache(maxsize=50000)
def information(word: str) -> float:
    """How much one word tells, in digits of surprisal (about 1.3 for 'the', 6.5 for 'sciatica')."""
    return MAX_INFORMATION - zipf_frequency(word, "en")


def lemmas(words: list[str] | tuple[str, ...]) -> list[str]:
    return [lemma(w) for w in words]


def squash(text: str) -> str:
    """Spaces out, so that 'lamb in ectomy' and 'laminectomy' compare letter by letter."""
    return text.replace(" ", "")
