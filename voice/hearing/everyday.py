"""Everyday English words for the open model: the commonest words (wordfreq's counts) that
PocketSphinx's own dictionary can say."""

from __future__ import annotations

import re

from wordfreq import top_n_list, word_frequency

from .pronounce import load_cmudict

# Enough for most of what is said in a room; more words hear the guide's phrases less well and
# decode more slowly (10,000 was no better at leaving talk alone on the dev split, and slower).
EVERYDAY_WORDS = 3000
_PLAIN = re.compile(r"[a-z']+")


def everyday_words(count: int = EVERYDAY_WORDS) -> dict[str, float]:
    """The `count` commonest English words with a known pronunciation -> their frequency."""
    known = load_cmudict()
    out: dict[str, float] = {}
    for word in top_n_list("en", count * 2):
        if _PLAIN.fullmatch(word) and word in known:
            out[word] = word_frequency(word, "en")
            if len(out) == count:
                break
    return out
