"""Recognisers behind one small interface, and the choice between them.

Each engine loads its model once and decodes many utterances; audio is always 16 kHz,
16-bit, mono PCM. SpeechRecognition's recognize_sphinx / recognize_vosk are not used: they
build the model again on every call (about 2 s each), so the engines are driven directly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from .errors import GuideError
from .models import ModelError, find_vosk_model
from .pack import Pack

SAMPLE_RATE = 16000
ENGINES = ("auto", "vosk", "sphinx")


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float  # the engine's own 0..1 estimate
    engine: str


class Stream(Protocol):
    """One utterance, decoded while it is being heard."""

    def accept(self, pcm: bytes) -> str:
        """Feed audio; returns the best guess so far."""

    def settle(self) -> Transcript:
        """The speaker has paused: the best transcript of everything so far (the stream goes on)."""

    def finish(self) -> Transcript:
        """No more audio: the final transcript."""


class Recognizer(Protocol):
    name: str
    description: str

    def transcribe(self, pcm: bytes) -> Transcript:
        """A whole utterance at once."""

    def stream(self) -> Stream:
        """Start an utterance to be fed piece by piece."""


def make_recognizer(pack: Pack, engine: str = "auto", model: str | None = None, free: bool = False,
                    notify: Callable[[str], None] = print, extra: tuple[str, ...] = ()) -> Recognizer:
    """The recogniser for `engine`; `auto` prefers an English Vosk model and falls back to
    PocketSphinx (saying why) when there is none or it is broken. `extra`: phrases to hear
    besides the guide's own (the wake phrase)."""
    if engine not in ENGINES:
        raise GuideError(f"Unknown speech engine '{engine}'. Choose one of: {', '.join(ENGINES)}.")
    if engine in ("auto", "vosk"):
        try:
            found = find_vosk_model(model, english_only=(engine == "auto" and not model))
            if found is not None:
                from .asr_vosk import VoskRecognizer  # imported only when a model is there

                return VoskRecognizer(found.path, pack=pack, grammar=not free, extra=extra)
            if engine == "vosk":
                raise ModelError("No Vosk speech model is installed. Run 'voice-guide models' to see "
                                 "how to add one, or use --engine sphinx.")
        except ModelError as exc:
            if engine == "vosk":
                raise
            notify(f"{exc} Using the built-in PocketSphinx recogniser instead.")
    from .asr_sphinx import SphinxRecognizer

    return SphinxRecognizer(pack=pack, free=free, extra=extra)
