"""Pronunciations for PocketSphinx: cmudict first, espeak-ng letter-to-sound otherwise."""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable

from ..errors import GuideError

__all__ = [
    "PHONES",
    "PronounceError",
    "espeak_arpabet",
    "load_cmudict",
    "pronunciations",
    "write_dict",
]


class PronounceError(GuideError):
    """A word could not be given a pronunciation (e.g. espeak-ng is missing)."""


# Context-independent phones of pocketsphinx's en-us acoustic model (from its
# mdef, minus SIL and the noise phones, which never belong in a word entry).
PHONES: frozenset[str] = frozenset({
    "AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY",
    "F", "G", "HH", "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P",
    "R", "S", "SH", "T", "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH",
})  # fmt: skip

# Bump when the mapping changes so stale cached espeak output is not reused.
_MAPPING_VERSION = 1
_VOICE = "en-us"  # en-us phoneme names encode rhoticity, matching cmudict

# espeak-ng `-x` phoneme mnemonics (en-us voice) -> ARPAbet.  Multi-phone
# values are r-coloured or syllabic vowels that cmudict splits in two.
# fmt: off
_ESPEAK_TO_ARPA: dict[str, str] = {
    # consonants
    "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "g": "G",
    "f": "F", "v": "V", "T": "TH", "D": "DH", "s": "S", "z": "Z",
    "S": "SH", "Z": "ZH", "h": "HH", "m": "M", "n": "N", "N": "NG",
    "l": "L", "r": "R", "j": "Y", "w": "W", "tS": "CH", "dZ": "JH",
    "t#": "T",  # US flap: cmudict writes flaps as T
    "t2": "T",
    "d#": "D",
    "?": "T",  # glottal stop replaces /t/ ("button")
    "x": "K",  # loch/Bach: nearest English phone
    "r-": "R",  # linking r; dropped after ER below
    "l/": "L",
    "n-": "AH N",  # syllabic n
    "m-": "AH M",
    "@L": "AH L",  # syllabic l ("able")
    # vowels
    "@": "AH", "@-": "AH", "@2": "AH", "@5": "AH", "V": "AH", "a#": "AH",
    "3": "ER", "3:": "ER",
    "a": "AE", "aa": "AE", "a2": "AH",
    "A:": "AA", "A@": "AA R", "0": "AA",
    "O:": "AO", "O": "AO", "O2": "AO", "o@": "AO R", "O@": "AO R", "o": "OW",
    "oU": "OW", "U": "UH", "u:": "UW", "U@": "UH R",
    "E": "EH", "e@": "EH R", "eI": "EY", "e": "EH",
    "I": "IH", "I2": "IH", "I#": "IH", "i": "IY", "i:": "IY",
    "i@": "IY AH", "i@3": "IH R",
    "aI": "AY", "aI@": "AY ER", "aI3": "AY ER", "aU": "AW", "aU@": "AW ER",
    "OI": "OY", "eI@": "EY ER", "u@": "UW AH",
}
# fmt: on

# Stress/length marks espeak-ng prefixes to phonemes in `-x` output.
_STRESS = "',%="


def _default_dict_path() -> str:
    import pocketsphinx

    root = pocketsphinx.get_model_path()
    # pocketsphinx 5 keeps the dict under en-us/, older layouts at the root.
    for path in (
        os.path.join(root, "en-us", "cmudict-en-us.dict"),
        os.path.join(root, "cmudict-en-us.dict"),
    ):
        if os.path.exists(path):
            return path
    raise PronounceError(f"cmudict-en-us.dict not found under {root}")


@functools.lru_cache(maxsize=8)
def load_cmudict(path: str | None = None) -> dict[str, list[str]]:
    """Read a pocketsphinx dictionary: word -> pronunciations ("P1 P2 ...").

    The result is cached and shared: treat it as read-only.
    """
    if path is None:
        path = _default_dict_path()
    prons: dict[str, list[str]] = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts or parts[0].startswith(";;"):
                continue
            # "word(2)" is an alternative pronunciation of "word".
            word = re.sub(r"\(\d+\)$", "", parts[0])
            phones = []
            for p in parts[1:]:
                if p.startswith("#"):  # trailing comment in some dicts
                    break
                phones.append(p)
            if phones:
                prons.setdefault(word, []).append(" ".join(phones))
    return prons


def _clean_for_espeak(word: str) -> str:
    # Keep only what espeak should read; brackets etc. could switch it into
    # phoneme-input or SSML modes, and newlines would break line alignment.
    return re.sub(r"[^A-Za-z0-9'\- ]+", " ", word.replace("\u2019", "'")).strip()


def _tokens_to_arpa(tokens: list[str]) -> str:
    out: list[str] = []
    for tok in tokens:
        if tok == ";":
            # Palatalisation mark: "I ; eI" is a tense /i/ before a vowel.
            if out and out[-1] == "IH":
                out[-1] = "IY"
            continue
        tok = tok.lstrip(_STRESS)
        if not tok or tok.startswith("_") or tok == "||":
            continue  # pauses / clause boundaries
        arpa = _ESPEAK_TO_ARPA.get(tok)
        if arpa is None:
            # Unknown variant (e.g. "a3"): fall back to its base symbol.
            base = tok.rstrip("#0123456789-/")
            arpa = _ESPEAK_TO_ARPA.get(base) or _ESPEAK_TO_ARPA.get(base[:1], "")
        for ph in arpa.split():
            # espeak writes "3 r" / "A@ r" where cmudict has a single r
            # (cmudict has ~4000 "ER <vowel>" but almost no "ER R"/"R R").
            if ph == "R" and out and out[-1] in ("ER", "R"):
                continue
            out.append(ph)
    return " ".join(p for p in out if p in PHONES)


_espeak_runs = 0  # number of espeak-ng processes started (lets tests see cache hits)


def _run_espeak(lines: list[str], espeak: str) -> list[str]:
    global _espeak_runs
    exe = shutil.which(espeak)
    if exe is None:
        raise PronounceError(
            f"{espeak!r} not found; install espeak-ng (e.g. apt-get install "
            "espeak-ng) to pronounce words missing from cmudict"
        )
    _espeak_runs += 1
    try:
        res = subprocess.run(
            [exe, "-v", _VOICE, "-q", "-x", "--sep= "],
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise PronounceError(f"espeak-ng failed: {exc}") from exc
    return [ln for ln in res.stdout.splitlines() if ln.strip()]


def espeak_arpabet(words: list[str], *, espeak: str = "espeak-ng") -> dict[str, str]:
    """Map each word to ARPAbet phones derived from espeak-ng (one process).

    Words espeak-ng says nothing for are left out of the result.
    """
    cleaned = {w: _clean_for_espeak(w) for w in words}
    # Lines with nothing speakable print no output line and would misalign.
    todo = [w for w in dict.fromkeys(words) if re.search(r"[A-Za-z0-9]", cleaned[w])]
    result: dict[str, str] = {}
    if not todo:
        return result
    out = _run_espeak([cleaned[w] for w in todo], espeak)
    if len(out) != len(todo):
        # espeak split or merged a line (rare, e.g. odd punctuation), so the
        # batch can't be aligned; redo those words one at a time.
        out = [" ".join(_run_espeak([cleaned[w]], espeak)) for w in todo]
    for word, line in zip(todo, out, strict=True):
        arpa = _tokens_to_arpa(line.split())
        if arpa:
            result[word] = arpa
    return result


def _cache_path(cache_dir: str) -> str:
    return os.path.join(cache_dir, f"espeak-{_VOICE}-v{_MAPPING_VERSION}.dict")


def _is_initialism(word: str) -> bool:
    return 2 <= len(word) <= 4 and word.isalpha() and not re.search(r"[aeiouy]", word)


def _spell(word: str, cmu: dict[str, list[str]]) -> str | None:
    # Last resort for acronyms espeak gave nothing for: say the letters.
    letters = [c for c in word.lower() if c.isalnum()]
    if not letters or any(c not in cmu for c in letters):
        return None
    return " ".join(cmu[c][0] for c in letters)


def pronunciations(words: Iterable[str], cache_dir: str | None = None) -> dict[str, list[str]]:
    """Give every word >=1 pronunciation: cmudict, else (cached) espeak-ng."""
    cmu = load_cmudict()
    result: dict[str, list[str]] = {}
    missing: list[str] = []
    for word in dict.fromkeys(w.strip() for w in words):
        if not word:
            continue
        if any(c.isspace() for c in word):
            # A dictionary entry is one token; phrases belong in the grammar.
            raise PronounceError(f"not a single word: {word!r}")
        key = word.lower().replace("\u2019", "'")
        if key in cmu:
            result[word] = list(cmu[key])
            spelled = _spell(key, cmu) if _is_initialism(key) else None
            # cmudict reads some initialisms as words ("ct" = "court");
            # offer the spelled-out form too so "C T" is recognised.
            if spelled and spelled not in result[word]:
                result[word].append(spelled)
        else:
            missing.append(word)
    if not missing:
        return result

    cached: dict[str, list[str]] = {}
    cache_file = _cache_path(cache_dir) if cache_dir else None
    if cache_file and os.path.exists(cache_file):
        # The file changes between calls, so bypass the lru cache; drop
        # entries with foreign phones in case it was hand-edited.
        cached = {
            w: ps
            for w, ps in load_cmudict.__wrapped__(cache_file).items()
            if all(ph in PHONES for p in ps for ph in p.split())
        }
    need = [w for w in missing if w not in cached]
    fresh = espeak_arpabet(need) if need else {}
    for word in need:
        pron = fresh.get(word) or _spell(word, cmu)
        if pron is None:
            raise PronounceError(f"cannot pronounce {word!r}")
        cached[word] = [pron]
    for word in missing:
        result[word] = cached[word]
    if cache_file and need:
        os.makedirs(cache_dir, exist_ok=True)
        write_dict(cached, cache_file)
    return result


def write_dict(prons: dict[str, list[str]], path: str) -> None:
    """Write a pocketsphinx dictionary ("word P1 P2", variants "word(2) ...")."""
    lines = []
    for word in sorted(prons):
        if not word or any(c.isspace() for c in word) or not prons[word]:
            # Would silently corrupt every later entry in the file.
            raise PronounceError(f"cannot write dictionary entry for {word!r}")
        for i, pron in enumerate(prons[word]):
            name = word if i == 0 else f"{word}({i + 1})"
            lines.append(f"{name} {pron}\n")
    # Write-then-rename so a crash never leaves a half-written cache/dict.
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)), suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.writelines(lines)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a dict is not secret
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
