"""PocketSphinx: the built-in recogniser, listening for what people say to this guide.

Two models hear each utterance. A grammar of the guide's phrases gives the phrase it is most
like; an open model (the same phrases mixed with everyday English) gives the words said, as
they are said. Both go in the transcript: where they agree, the phrase was most likely said to
the guide; where they do not, the open words say what it was (understanding/heard.py decides).
While speech comes in, the grammar decodes it piece by piece (for barge-in and partial
results); at each pause both models decode the whole utterance, which is much better than
streamed decoding: the open pass is the cost of telling talk from requests (docs/developers.md).
"""

from __future__ import annotations

import audioop  # SpeechRecognition depends on it too (audioop-lts on Python 3.13+)
import hashlib
import os
import random
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
from platformdirs import user_cache_dir
from pocketsphinx import Decoder, get_model_path
from rapidfuzz.distance import Levenshtein

from ..errors import GuideError
from ..types import SAMPLE_RATE, Phrases, Transcript
from .everyday import everyday_words
from .grammar import arpa_bigram, jsgf
from .pronounce import load_cmudict, pronunciations, write_dict


def cache_dir() -> Path:
    return Path(os.environ.get("VOICE_GUIDE_CACHE") or user_cache_dir("voice-guide", appauthor=False))


_FILES_VERSION = 4


def model_files(expected: Phrases, folder: Path) -> tuple[Path, Path, Path]:
    """Grammar, n-gram model and dictionary for these phrases (the extra ones, such as the wake
    phrase, included), built once and cached by content."""
    grammar = jsgf(list(expected.commands), list(expected.names), expected.leads, expected.tails, wake=expected.extra)
    phrases = list(dict.fromkeys([*expected.whole, *expected.extra]))
    # The version changes the key when the way files are made changes, not only the phrases.
    key = hashlib.sha1(f"{_FILES_VERSION}\n{grammar}\n".encode() + "\n".join(phrases).encode()).hexdigest()[:12]
    paths = folder / f"guide-{key}.gram", folder / f"guide-{key}.arpa", folder / f"guide-{key}.dict"
    if not all(p.exists() for p in paths):
        folder.mkdir(parents=True, exist_ok=True)
        everyday = everyday_words()
        words = sorted({w for p in [*phrases, grammar_words(grammar)] for w in p.split()} | set(everyday))
        prons = pronunciations(words, cache_dir=str(folder))
        write_dict({w: with_variants(ps) for w, ps in prons.items()}, str(paths[2]))
        paths[1].write_text(arpa_bigram(phrases, everyday), encoding="utf-8")
        paths[0].write_text(grammar, encoding="utf-8")
    return paths


def grammar_words(grammar: str) -> str:
    body = [line.split("=", 1)[1] for line in grammar.splitlines() if line.startswith("<")]
    return " ".join(
        w
        for line in body
        for w in line.replace("(", " ").replace(")", " ").replace("|", " ").replace(";", " ").split()
        if not w.startswith(("<", "["))
    )


def _whisper(seconds: int = 2) -> bytes:
    rng = random.Random(7)  # the same noise every run: results are repeatable
    count = SAMPLE_RATE * seconds
    return struct.pack(f"<{count}h", *(int(rng.gauss(0, 80)) for _ in range(count)))


_WHISPER = _whisper()


def with_noise_floor(pcm: bytes) -> bytes:
    """Add a faint noise floor (about -52 dBFS). Recordings padded with digital silence (exact
    zeros, which no microphone makes) throw PocketSphinx's level normalisation off badly."""
    noise = _WHISPER * (len(pcm) // len(_WHISPER) + 1)
    return audioop.add(pcm[: len(pcm) // 2 * 2], noise[: len(pcm) // 2 * 2], 2)


_BLOCK = SAMPLE_RATE // 50  # 20 ms of samples: the resolution of the speech bounds
SPEECH_MARGIN = 0.2  # seconds of quiet kept either side of the speech


def speech_bounds(pcm: bytes) -> tuple[int, int] | None:
    """Byte offsets of the first and last loud 20 ms of `pcm`, judged against this recording's
    own quiet and loud parts (so a noisy room or a distant microphone is judged fairly);
    None when nothing in it stands out."""
    count = len(pcm) // 2 // _BLOCK
    if count < 3:
        return None
    blocks = np.frombuffer(pcm[: count * _BLOCK * 2], dtype="<i2").astype(np.float32).reshape(count, _BLOCK)
    levels = np.sqrt((blocks * blocks).mean(axis=1))
    floor, peak = np.percentile(levels, 10), np.percentile(levels, 95)
    loud = np.flatnonzero(levels > max(2 * floor, floor + 0.1 * (peak - floor), 50.0))
    if not len(loud):
        return None
    return int(loud[0]) * _BLOCK * 2, (int(loud[-1]) + 1) * _BLOCK * 2


def trim_silence(pcm: bytes, margin: float = SPEECH_MARGIN) -> bytes | None:
    """The speech with `margin` seconds either side, or None when nothing stands out.
    PocketSphinx normalises levels over the whole utterance: long quiet stretches around a
    short word ("next") swamp the word's own levels and it is misheard (clean round trip 87.5%
    untrimmed, 95.8% trimmed; also faster)."""
    bounds = speech_bounds(pcm)
    if bounds is None:
        return None
    keep = int(margin * SAMPLE_RATE) * 2
    speech = pcm[max(0, bounds[0] - keep) : bounds[1] + keep]
    # Listening may start late, with the first word's first sound: quiet is added up to the
    # margin, or "stop" is heard as "too loud" for want of a quiet start to compare with.
    before, after = max(0, keep - bounds[0]), max(0, bounds[1] + keep - len(pcm))
    return bytes(before) + speech + bytes(after)


_VOWELS = frozenset("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split())


def with_variants(prons: list[str]) -> list[str]:
    """Add how the words are often really said: a flapped t between vowels ("herniated" as
    herniaded) and a dropped final t after s ("next" as nex). Dictionaries list one form."""
    out = list(prons)
    for pron in prons:
        phones = pron.split()
        flapped = [
            (
                "D"
                if p == "T" and 0 < i < len(phones) - 1 and phones[i - 1] in _VOWELS and phones[i + 1] in _VOWELS
                else p
            )
            for i, p in enumerate(phones)
        ]
        dropped = phones[:-1] if len(phones) > 3 and phones[-2:] == ["S", "T"] else phones
        for variant in (" ".join(flapped), " ".join(dropped)):
            if variant not in out and len(out) < len(prons) + 2:
                out.append(variant)
    return out


class SphinxStream:
    def __init__(self, recognizer: SphinxRecognizer) -> None:
        self.recognizer = recognizer
        # Partial results come from a decoder of their own: decoding piece by piece changes a
        # decoder's level estimates, and the final whole-utterance passes must start clean.
        self.decoder = recognizer.streamer
        self.audio = bytearray()
        self.settled: tuple[int, Transcript] | None = None  # audio length, its transcript
        self.decoder.start_utt()

    def accept(self, pcm: bytes) -> str:
        self.audio += pcm
        self.decoder.process_raw(with_noise_floor(pcm), False, False)
        hyp = self.decoder.hyp()
        return hyp.hypstr if hyp else ""

    def settle(self) -> Transcript:
        # Passes over the whole utterance are markedly better than streamed ones (clean round
        # trip 106/120 against 72/120; the open model streamed heard 38% of noisy in-scope
        # requests right, 60% whole). Done at each pause, they are usually ready by the time
        # the pause turns out to be the end of the request.
        self.settled = len(self.audio), self.recognizer.transcribe(bytes(self.audio))
        return self.settled[1]

    def finish(self) -> Transcript:
        self.decoder.end_utt()
        if self.settled is not None:
            bounds = speech_bounds(bytes(self.audio))
            if bounds is None or bounds[1] <= self.settled[0]:
                return self.settled[1]  # nothing said since the pause: the same transcript
        return self.settle()


class SphinxRecognizer:
    name = "sphinx"

    def __init__(self, phrases: Phrases, free: bool = False, open_model: bool = True) -> None:
        hmm = get_model_path("en-us/en-us")
        # Whether open words alone clearly ask for something, so need no grammar pass: only for an
        # open hearing good enough to act on alone (moonshine_engine.py sets it).
        self.clear: Callable[[str], bool] | None = None
        self.open_only = free  # --free: the generic model only, nothing to compare with
        try:
            if free:
                self.decoder = Decoder(hmm=hmm, samprate=SAMPLE_RATE, loglevel="FATAL", dither=True)
                self.streamer = self.open = self.decoder
                self.description = "PocketSphinx (built in), any English words"
                return
            gram, arpa, dic = model_files(phrases, cache_dir() / "sphinx")
            # bestpath must be off with a grammar: it drops the last word of the phrase.
            # dither: digital silence (exact zeros, as in padded recordings) upsets the
            # decoder's noise and level estimates; a whisper of noise keeps them sane.
            common = dict(hmm=hmm, dict=str(dic), samprate=SAMPLE_RATE, loglevel="FATAL", dither=True)
            self.decoder = Decoder(jsgf=str(gram), bestpath=False, **common)
            # open_model=False: another engine hears the open words (moonshine_engine.py)
            self.open = Decoder(lm=str(arpa), **common) if open_model else None
            self.sounds = load_cmudict(str(dic))  # the phones of every word either model hears
            self.streamer = Decoder(jsgf=str(gram), bestpath=False, **common)
            self.description = "PocketSphinx (built in), tuned to this guide"
        except (RuntimeError, OSError, ValueError) as exc:
            raise GuideError(
                f"The built-in speech recogniser could not start ({exc}). Reinstall the guide with scripts/setup.sh."
            ) from None

    @staticmethod
    def _decode(decoder: Decoder, pcm: bytes) -> str:
        decoder.start_utt()
        decoder.process_raw(pcm, False, True)
        decoder.end_utt()
        hyp = decoder.hyp()
        return hyp.hypstr.strip() if hyp else ""

    def transcribe(self, pcm: bytes) -> Transcript:
        speech = trim_silence(pcm)
        if speech is None:
            return Transcript("", 0.0, self.name)  # an even hum or silence: nothing was said
        pcm = with_noise_floor(speech)
        heard = self.hear_open(speech, pcm)
        if heard and self.clear is not None and self.clear(heard):
            return Transcript(heard, 1.0, self.name, open_text=heard)  # clear as said: no grammar pass
        if self.open_only:
            return Transcript(heard, 1.0 if heard else 0.0, self.name)
        phrase = self._decode(self.decoder, pcm)
        return Transcript(phrase, self.likeness(phrase, heard), self.name, open_text=heard)

    def hear_open(self, speech: bytes, floored: bytes) -> str:
        """The words said, in any wording (the open model's hearing of the trimmed speech)."""
        return self._decode(self.open, floored)

    def likeness(self, phrase: str, heard: str) -> float:
        """How alike the grammar's phrase and the open words sound, 0..1: compared as phones,
        so "no" and "know", or "next" and "necks", are one thing heard twice."""
        if not phrase or not heard:
            return 0.0
        one, other = ([p for w in text.split() for p in self.sounds.get(w, [w])[0].split()] for text in (phrase, heard))
        return float(Levenshtein.normalized_similarity(one, other))

    def stream(self) -> SphinxStream:
        return SphinxStream(self)
