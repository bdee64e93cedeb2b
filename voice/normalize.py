"""Turn typed or recognised text into the plain word tokens the router and recognisers share."""

from __future__ import annotations

import re

_ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
         "fourteen fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

# Recognisers and typists write contractions either way; one spelling keeps matching simple.
_CONTRACTIONS = {
    "what's": "what is", "whats": "what is", "it's": "it is", "that's": "that is",
    "there's": "there is", "where's": "where is", "how's": "how is", "who's": "who is",
    "can't": "cannot", "cant": "cannot", "won't": "will not", "don't": "do not",
    "dont": "do not", "doesn't": "does not", "didn't": "did not", "isn't": "is not",
    "i'm": "i am", "im": "i am", "i've": "i have", "i'd": "i would", "i'll": "i will",
    "let's": "let us", "you're": "you are", "couldn't": "could not", "wouldn't": "would not",
}
# Single letters that are words, so never glued to a neighbouring spelled-out letter.
_LETTER_WORDS = {"a", "i"}


def number_words(n: int) -> str:
    """12 -> 'twelve', 45 -> 'forty five'; larger numbers are read digit by digit."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])
    return " ".join(_ONES[int(d)] for d in str(n))


def tokens(text: str) -> list[str]:
    """Lowercase words with numbers spelled out and spelled letters joined ('H. F. 10' -> hf ten)."""
    text = text.lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    words: list[str] = []
    for raw in text.split():
        word = raw.strip("'")
        word = _CONTRACTIONS.get(word, word).replace("'s", "").replace("'", "")
        for part in word.split():
            if part.isdigit():
                words.extend(number_words(int(part)).split())
            elif part:
                words.append(part)
    return _join_letters(words)


def _join_letters(words: list[str]) -> list[str]:
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word.isalpha() and word not in _LETTER_WORDS:
            run.append(word)
            continue
        if run:
            out.append("".join(run))
            run = []
        if word:
            out.append(word)
    return out


def normalize(text: str) -> str:
    return " ".join(tokens(text))
