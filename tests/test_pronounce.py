"""Tests for voice.pronounce against the real cmudict and a real espeak-ng."""

from __future__ import annotations

import os
import shutil

import pytest

from voice.errors import GuideError
from voice.hearing import pronounce
from voice.hearing.pronounce import PHONES, PronounceError, espeak_arpabet, load_cmudict, pronunciations, write_dict

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")

MEDICAL_OOV = [
    "herniated",
    "sciatica",
    "laminectomy",
    "foraminotomy",
    "laminotomy",
    "microdiscectomy",
    "interspinous",
    "discectomy",
    "hf",
]


def _edit_distance(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def _model_phones() -> set[str]:
    # The binary mdef stores the CI phone names as NUL-terminated strings
    # right after the noise phones; read them so PHONES is checked, not trusted.
    import pocketsphinx

    root = pocketsphinx.get_model_path()
    with open(os.path.join(root, "en-us", "en-us", "mdef"), "rb") as fh:
        data = fh.read()
    start = data.index(b"+NSN+\0")
    names = []
    for raw in data[start:].split(b"\0"):
        if not raw:
            break
        names.append(raw.decode("ascii"))
    return {n for n in names if not n.startswith("+") and n != "SIL"}


def test_phone_set_matches_acoustic_model() -> None:
    assert _model_phones() == set(PHONES)


def test_load_cmudict_handles_variants_and_apostrophes() -> None:
    cmu = load_cmudict()
    assert len(cmu["a"]) >= 2  # "a" and "a(2)" merged under one key
    assert "a(2)" not in cmu
    assert "W AH T S" in cmu["what's"]
    assert load_cmudict() is cmu  # cached


@needs_espeak
def test_every_word_gets_valid_pronunciation(tmp_path) -> None:
    words = ["pain", "What's", "don't", "x", "h", "f", "ct", "uterus", "vertebrae", *MEDICAL_OOV]
    prons = pronunciations(words, cache_dir=str(tmp_path))
    assert set(prons) == set(words)
    for word, variants in prons.items():
        assert variants, word
        for pron in variants:
            phones = pron.split()
            assert phones and set(phones) <= PHONES, (word, pron)
    assert prons["x"][0] == "EH K S"
    assert "S IY T IY" in prons["ct"]  # cmudict's "ct" is "court"; spelled form added


@needs_espeak
def test_out_of_dictionary_words_come_from_espeak(tmp_path) -> None:
    cmu = load_cmudict()
    assert not any(w in cmu for w in MEDICAL_OOV)
    prons = pronunciations(MEDICAL_OOV, cache_dir=str(tmp_path))
    assert prons["hf"] == ["EY CH EH F"]
    assert prons["herniated"][0].startswith("HH ER N")
    assert prons["laminectomy"][0].endswith("EH K T AH M IY")


@needs_espeak
def test_espeak_close_to_cmudict_for_known_words() -> None:
    words = [
        "pain", "disc", "nerve", "spinal", "treatment", "symptoms", "causes",
        "pregnancy", "arthritis", "weakness", "stimulator", "surgery", "doctor",
        "numbness", "tingling", "muscle", "injection", "therapy", "exercise", "neck",
    ]  # fmt: skip
    cmu = load_cmudict()
    arpa = espeak_arpabet(words)
    dists = [min(_edit_distance(arpa[w].split(), c.split()) for c in cmu[w]) for w in words]
    assert sum(dists) / len(dists) <= 0.5, dict(zip(words, dists, strict=True))
    assert max(dists) <= 2


@needs_espeak
def test_cache_is_reused_and_extended(tmp_path) -> None:
    words = ["laminotomy", "interspinous", "pain"]
    first = pronunciations(words, cache_dir=str(tmp_path))
    (cache_file,) = tmp_path.iterdir()
    mtime = cache_file.stat().st_mtime_ns
    runs = pronounce._espeak_runs

    assert pronunciations(words, cache_dir=str(tmp_path)) == first
    assert pronounce._espeak_runs == runs  # no espeak-ng process started
    assert cache_file.stat().st_mtime_ns == mtime

    # A changed word list only sends the new word to espeak-ng.
    more = pronunciations([*words, "foraminotomy"], cache_dir=str(tmp_path))
    assert pronounce._espeak_runs == runs + 1
    assert more["laminotomy"] == first["laminotomy"]
    assert set(load_cmudict(str(cache_file))) == {"laminotomy", "interspinous", "foraminotomy"}


def test_write_dict_round_trips(tmp_path) -> None:
    prons = {"lumbar": ["L AH M B AA R", "L AH M B ER"], "hf": ["EY CH EH F"], "don't": ["D OW N T"]}
    path = tmp_path / "guide.dict"
    write_dict(prons, str(path))
    text = path.read_text()
    assert "lumbar(2) L AH M B ER\n" in text
    assert load_cmudict(str(path)) == prons


def test_write_dict_rejects_phrases(tmp_path) -> None:
    with pytest.raises(PronounceError):
        write_dict({"lumbar fusion": ["L AH M B ER"]}, str(tmp_path / "bad.dict"))


def test_missing_espeak_is_a_guide_error(tmp_path, monkeypatch) -> None:
    with pytest.raises(PronounceError, match="espeak-ng"):
        espeak_arpabet(["sciatica"], espeak=str(tmp_path / "no-such-espeak"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GuideError):
        pronunciations(["microdiscectomy"], cache_dir=str(tmp_path))
    # Words cmudict knows never need espeak-ng.
    assert pronunciations(["pain", "what's"]) == {
        "pain": ["P EY N"],
        "what's": ["W AH T S", "HH W AH T S"],
    }
