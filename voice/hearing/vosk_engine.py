"""Vosk: the more accurate recogniser, used when a model is installed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import vosk

from ..quiet import quiet_stderr
from ..types import SAMPLE_RATE, Phrases, Transcript
from .models import ModelError

vosk.SetLogLevel(-2)  # Kaldi's log lines would bury the guide's own messages


UNKNOWN = "[unk]"  # the grammar's way out: speech that fits none of the guide's phrases
# Below this mean word confidence a phrase is taken as not said to the guide. Kaldi's word
# posteriors for a grammar path; 0.6 is where the Korean test model's English phrases sit apart
# from room talk (no English model can be tried here: see docs/developers.md).
MIN_CONFIDENCE = 0.6


@dataclass(frozen=True)
class _Piece:
    """One stretch of speech as Kaldi gave it (it ends a stretch at each long pause)."""

    words: tuple[str, ...]  # [unk] included
    confidences: tuple[float, ...]  # of the guide's words only

    @classmethod
    def of(cls, result_json: str) -> _Piece:
        result = json.loads(result_json)
        known = tuple(w.get("conf", 0.0) for w in result.get("result") or [] if w.get("word") != UNKNOWN)
        return cls(tuple(result.get("text", "").split()), known)


def _transcript(pieces: list[_Piece]) -> Transcript:
    heard = [w for p in pieces for w in p.words]
    known = [c for p in pieces for c in p.confidences]
    confidence = sum(known) / len(known) if known else 0.0
    # Mostly outside the grammar, or the guide's phrases only faintly like what was said.
    outside = heard.count(UNKNOWN) * 2 >= len(heard) > 0
    rejected = bool(heard) and (outside or confidence < MIN_CONFIDENCE)
    return Transcript(" ".join(w for w in heard if w != UNKNOWN), confidence, "vosk", rejected=rejected)


class VoskStream:
    def __init__(self, recognizer: vosk.KaldiRecognizer) -> None:
        self.recognizer = recognizer
        self.pieces: list[_Piece] = []
        self.done = ""  # the text of the finished stretches
        self.heard = ""  # the best guess so far

    def accept(self, pcm: bytes) -> str:
        if self.recognizer.AcceptWaveform(pcm):
            self.pieces.append(_Piece.of(self.recognizer.Result()))
            self.heard = self.done = _transcript(self.pieces).text
        else:
            partial = json.loads(self.recognizer.PartialResult()).get("partial", "")
            self.heard = " ".join([self.done, partial]).strip()
        return self.heard

    def settle(self) -> Transcript:
        # Vosk's streamed result is already its best; finishing early would end the utterance.
        return Transcript(self.heard, 1.0, "vosk")

    def finish(self) -> Transcript:
        self.pieces.append(_Piece.of(self.recognizer.FinalResult()))
        self.recognizer.Reset()
        return _transcript(self.pieces)


class VoskRecognizer:
    name = "vosk"

    def __init__(self, model_path: Path, phrases: Phrases | list[str] | None = None, grammar: bool = True) -> None:
        try:
            with quiet_stderr():  # a damaged model makes Kaldi print its whole usage (70 lines)
                self.model = vosk.Model(str(model_path))
        except Exception:  # Vosk raises a bare Exception("Failed to create a model")
            raise ModelError(
                f"The speech model in {model_path} could not be loaded: it is damaged or "
                f"incomplete. Copy or download it again."
            ) from None
        self.grammar: list[str] | None = None
        if grammar:
            if isinstance(phrases, Phrases):
                phrases = list(dict.fromkeys([*phrases.whole, *phrases.extra]))
            # "[unk]" lets speech outside the guide come out as unknown instead of forced
            # onto the nearest phrase.
            self.grammar = [*(phrases or []), "[unk]"]
        kind = "tuned to this guide" if grammar else "free"
        self.description = f"Vosk ({model_path.name}), {kind}"
        self.recognizer = self._new()

    def _new(self) -> vosk.KaldiRecognizer:
        if self.grammar is None:
            recognizer = vosk.KaldiRecognizer(self.model, SAMPLE_RATE)
        else:
            # Kaldi reads the words as UTF-8 text: escaped (\\uXXXX) they match no word of a non-English model.
            recognizer = vosk.KaldiRecognizer(self.model, SAMPLE_RATE, json.dumps(self.grammar, ensure_ascii=False))
        recognizer.SetWords(True)
        return recognizer

    def transcribe(self, pcm: bytes) -> Transcript:
        stream = self.stream()
        stream.accept(pcm)
        return stream.finish()

    def stream(self) -> VoskStream:
        return VoskStream(self.recognizer)
