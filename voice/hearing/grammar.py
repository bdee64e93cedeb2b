"""Language models of what people say to the guide, for PocketSphinx.

PocketSphinx ships only a generic English model, which hears "what causes leg pain" as
"what are the new you". A grammar of the guide's phrases (JSGF) does far better on them, but
turns any speech into one of them. So an open model (ARPA) hears the same speech too: the
guide's phrases mixed with everyday English words, it hears room talk as the words said, and
questions in people's own words well enough to be understood.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

_DISCOUNT = 0.5  # absolute discounting: mass kept back from seen pairs for unseen ones
# The guide's own phrases' share of the open model; the rest goes to everyday English. Chosen on
# the blind spoken set's dev split: 0.97 heard fewer in-scope questions and left less talk alone.
GUIDE_WEIGHT = 0.9


def arpa_bigram(sentences: Iterable[str], everyday: dict[str, float] | None = None) -> str:
    """An ARPA-format bigram model (with backoff) of the given word sequences; with `everyday`
    (word -> frequency), mixed with those words, so that speech outside the guide's phrases
    comes out as the words said rather than as the nearest phrase."""
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    for sentence in sentences:
        words = ["<s>", *sentence.split(), "</s>"]
        unigrams.update(words)
        bigrams.update(zip(words, words[1:], strict=False))
    everyday = everyday or {}
    vocab = sorted(set(unigrams) | set(everyday))
    total = sum(c for w, c in unigrams.items() if w != "<s>")
    # Add-one unigrams so that every word can follow any other through backoff.
    uni_p = {w: (unigrams[w] + 1) / (total + len(vocab)) for w in vocab if w != "<s>"}
    if everyday:
        scale = (1 - GUIDE_WEIGHT) / sum(everyday.values())
        uni_p = {w: GUIDE_WEIGHT * unigrams[w] / total + scale * everyday.get(w, 0.0) for w in uni_p}
        norm = sum(uni_p.values())
        uni_p = {w: p / norm for w, p in uni_p.items()}

    followers: dict[str, list[str]] = defaultdict(list)
    for first, second in bigrams:
        followers[first].append(second)
    weight = GUIDE_WEIGHT if everyday else 1.0
    bi_p: dict[tuple[str, str], float] = {}
    backoff: dict[str, float] = {}
    for first, seconds in followers.items():
        count = sum(bigrams[(first, s)] for s in seconds)
        for second in seconds:
            seen = (bigrams[(first, second)] - _DISCOUNT) / count
            bi_p[(first, second)] = weight * seen + (1 - weight) * uni_p[second]
        left = 1.0 - sum(bi_p[(first, s)] for s in seconds)
        unseen = 1.0 - sum(uni_p[s] for s in seconds)
        backoff[first] = left / unseen if unseen > 1e-9 else 1e-9

    def log(p: float) -> str:
        return f"{math.log10(max(p, 1e-12)):.4f}"

    lines = ["\\data\\", f"ngram 1={len(vocab)}", f"ngram 2={len(bi_p)}", "", "\\1-grams:"]
    for word in vocab:
        prob = "-99.0000" if word == "<s>" else log(uni_p[word])
        lines.append(f"{prob} {word} {log(backoff.get(word, 1.0))}" if word != "</s>" else f"{prob} {word}")
    lines += ["", "\\2-grams:"]
    lines += [f"{log(p)} {a} {b}" for (a, b), p in sorted(bi_p.items())]
    lines += ["", "\\end\\", ""]
    return "\n".join(lines)


_QUESTION_STARTS = frozenset("what why how where when who which is are can could do does did tell i my explain".split())


def jsgf(
    commands: Iterable[str], names: Iterable[str], leads: Iterable[str], tails: Iterable[str], wake: Iterable[str] = ()
) -> str:
    """A JSGF grammar: a command, or a name with an optional lead and tail.

    No optional filler words around it: the decoder uses them to soak up silence ("next
    please" for "next"), which costs more than the rare real "please" gains."""

    def alternatives(phrases: Iterable[str]) -> str:
        return " | ".join(f"( {p} )" for p in dict.fromkeys(phrases))

    wake = list(wake)
    # A lead goes before a plain name ("what is" + "arthritis"), not before a name that is a
    # question already ("what is" + "what causes leg pain"): fewer odd sentences to mishear.
    names = list(dict.fromkeys(names))
    questions = [n for n in names if n.split()[0] in _QUESTION_STARTS]
    plain = [n for n in names if n not in questions]
    request = (
        "( <command> | [<lead>] <name> [<tail>] | <question> [<tail>] )"
        if questions
        else "( <command> | [<lead>] <name> [<tail>] )"
    )
    # A wake phrase may stand alone, or start a request ("guide, what causes leg pain").
    public = f"[<wake>] {request} | <wake>" if wake else request
    return "\n".join(
        [
            "#JSGF V1.0;",
            "grammar guide;",
            *([f"<wake> = {alternatives(wake)};"] if wake else []),
            f"<command> = {alternatives(commands)};",
            f"<lead> = {alternatives(leads)};",
            f"<name> = {alternatives(plain)};",
            *([f"<question> = {alternatives(questions)};"] if questions else []),
            f"<tail> = {alternatives(tails)};",
            f"public <utterance> = {public};",
            "",
        ]
    )
