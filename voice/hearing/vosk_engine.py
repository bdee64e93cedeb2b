"""Vosk: the more accurate recogniser, used when a model is installed."""

from __future__ import annotations

import json
from pathlib import Path

import vosk

from ..quiet import quiet_stderr
from ..types import SAMPLE_RATE, Phrases, Transcript
from .models import ModelError

vosk.SetLogLevel(-2)  # Kaldi's log lines would bury the guide's own messages


def _transcript(result_json: str) -> Transcript:
    result = json.loads(result_json)
    words = result.get("result") or []
    text = " ".join(w for w in result.get("text", "").split() if w != "[unk]")
    confidence = sum(w.get("conf", 0.0) for w in words) / len(words) if words else 0.0
    return Transcript(text, confidence, "vosk")


class VoskStream:
    def __init__(self, recognizer: vosk.KaldiRecognizer) -> None:
        self.recognizer = recognizer
        self.final: list[str] = []
        self.heard = ""  # the best guess so far

    def accept(self, pcm: bytes) -> str:
        if self.recognizer.AcceptWaveform(pcm):
            self.final.append(_transcript(self.recognizer.Result()).text)
            self.heard = " ".join(self.final)
        else:
            partial = json.loads(self.recognizer.PartialResult()).get("partial", "")
            self.heard = " ".join([*self.final, partial]).strip()
        return self.heard

    def settle(self) -> Transcript:
        # Vosk's streamed result is already its best; finishing early would end the utterance.
        return Transcript(self.heard, 1.0, "vosk")

    def finish(self) -> Transcript:
        last = _transcript(self.recognizer.FinalResult())
        self.recognizer.Reset()
        text = " ".join([*self.final, last.text]).strip()
        return Transcript(text, last.confidence, "vosk")


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
            recognizer = vosk.KaldiRecognizer(self.model, SAMPLE_RATE, json.dumps(self.grammar))
        recognizer.SetWords(True)
        return recognizer

    def transcribe(self, pcm: bytes) -> Transcript:
        stream = self.stream()
        stream.accept(pcm)
        return stream.finish()

    def stream(self) -> VoskStream:
        return VoskStream(self.recognizer)
