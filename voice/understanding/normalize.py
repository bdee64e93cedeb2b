"""Turn typed or recognised text into the plain word tokens the router and recognisers share."""

from __future__ import annotations

import re

_ONES = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()

# Recognisers and typists write contractions either way; one spelling keeps matching simple.
_CONTRACTIONS = {
    "what's": "what is",
    "whats": "what is",
    "it's": "it is",
    "that's": "that is",
    "there's": "there is",
    "where's": "where is",
    "how's": "how is",
    "who's": "who is",
    "can't": "cannot",
    "cant": "cannot",
    "won't": "will not",
    "don't": "do not",
    "dont": "do not",
    "doesn't": "does not",
    "didn't": "did not",
    "isn't": "is not",
    "i'm": "i am",
    "im": "i am",
    "i've": "i have",
    "i'd": "i would",
    "i'll": "i will",
    "let's": "let us",
    "you're": "you are",
    "couldn't": "could not",
    "wouldn't": "would not",
    "they're": "they are",
    "theyre": "they are",
    "we're": "we are",
    "you've": "you have",
    "we've": "we have",
    "they've": "they have",
    "i'd've": "i would have",
    "they'll": "they will",
    "you'll": "you will",
    "we'll": "we will",
    "she'll": "she will",
    "he'll": "he will",
    "it'll": "it will",
    "you'd": "you would",
    "he'd": "he would",
    "she'd": "she would",
    "we'd": "we would",
    "they'd": "they would",
    "wasn't": "was not",
    "weren't": "were not",
    "aren't": "are not",
    "haven't": "have not",
    "hasn't": "has not",
    "hadn't": "had not",
    "shouldn't": "should not",
    "mustn't": "must not",
    "ain't": "is not",
    "y'all": "you all",
}
# One spelling for words written two ways, so that either matches.
_SPELLINGS = {
    "disk": "disc",
    "disks": "discs",
    "ageing": "aging",
    "centre": "center",
    "tumour": "tumor",
    "oedema": "edema",
}
# Single letters that are words, so never glued to a neighbouring spelled-out letter.
_LETTER_WORDS = {"a", "i"}
# How recognisers write some spoken letter names ("age f ten" for "H F 10"); read as letters
# only beside another spelled letter.
_LETTER_NAMES = {
    "aitch": "h",
    "age": "h",
    "eff": "f",
    "ex": "x",
    "ess": "s",
    "el": "l",
    "em": "m",
    "en": "n",
    "bee": "b",
    "dee": "d",
    "gee": "g",
    "jay": "j",
    "kay": "k",
    "pea": "p",
    "tee": "t",
    "vee": "v",
    "zed": "z",
    "zee": "z",
}


# What is routed of one utterance: a long spoken question is about 40 words (250 characters).
# Routing grows with the square of its length (a pasted page took 21 s), so only the start of
# a longer text is understood.
MAX_HEARD_CHARS = 400


def number_words(n: int | str) -> str:
    """12 -> 'twelve', 45 -> 'forty five'; larger numbers are read digit by digit."""
    digits = str(n).lstrip("0") or "0"  # a string: int() refuses more than 4,300 digits
    if len(digits) > 2:
        return " ".join(_ONES[int(d)] for d in digits)
    n = int(digits)
    if n < 20:
        return _ONES[n]
    tens, ones = divmod(n, 10)
    return _TENS[tens] + ("" if ones == 0 else " " + _ONES[ones])


def capped(text: str, limit: int = MAX_HEARD_CHARS) -> str:
    """The start of `text`, at most `limit` characters and cut between words: what is routed."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    return cut[: cut.rfind(" ")] if " " in cut.strip() else cut[:limit]


def tokens(text: str) -> list[str]:
    """Lowercase words with numbers spelled out and spelled letters joined ('H. F. 10' -> hf ten)."""
    text = text.lower().replace("&", " and ").replace("’", "'")
    text = re.sub(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])", " ", text)
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    words: list[str] = []
    for raw in text.split():
        word = raw.strip("'")
        word = _CONTRACTIONS.get(word, word).replace("'s", "").replace("'", "")
        word = _SPELLINGS.get(word, word)
        for part in word.split():
            if part.isdigit():
                words.extend(number_words(part).split())
            elif part:
                words.append(part)
    return _join_letters(words)


def _is_letter(word: str) -> bool:
    return len(word) == 1 and word.isalpha() and word not in _LETTER_WORDS


def _join_letters(words: list[str]) -> list[str]:
    words = [
        _LETTER_NAMES[w]
        if w in _LETTER_NAMES and any(_is_letter(n) for n in words[max(0, i - 1) : i] + words[i + 1 : i + 2])
        else w
        for i, w in enumerate(words)
    ]
    out: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if _is_letter(word):
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
