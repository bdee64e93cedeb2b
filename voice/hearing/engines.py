"""Recognisers behind one small interface, and the choice between them.

Each engine loads its model once and decodes many utterances; audio is always 16 kHz,
16-bit, mono PCM. SpeechRecognition's recognize_sphinx / recognize_vosk are not used: they
build the model again on every call (about 2 s each), so the engines are driven directly.
"""

from __future__ import annotations

from collections.abc import Callable

from ..errors import GuideError
from ..types import Phrases, Recognizer
from .models import ModelError, find_vosk_model

ENGINES = ("auto", "vosk", "moonshine", "sphinx")


def make_recognizer(
    phrases: Phrases,
    engine: str = "auto",
    model: str | None = None,
    free: bool = False,
    notify: Callable[[str], None] = print,
    clear: Callable[[str], bool] | None = None,
) -> Recognizer:
    """The recogniser for `engine`; `auto` prefers an English Vosk model, then Moonshine (installed
    with the guide on x86-64), then PocketSphinx, saying why when a model is broken. `phrases`: what the guide
    expects to hear (its grammar); `clear`: whether open words alone clearly ask for something,
    so that no grammar pass is needed (understanding/heard.py)."""
    if engine not in ENGINES:
        raise GuideError(f"Unknown speech engine '{engine}'. Choose one of: {', '.join(ENGINES)}.")
    if engine in ("auto", "vosk"):
        try:
            found = find_vosk_model(model, english_only=(engine == "auto" and not model))
            if found is not None:
                from .vosk_engine import VoskRecognizer  # imported only when a model is there

                return VoskRecognizer(found.path, phrases=phrases, grammar=not free)
            if engine == "vosk":
                raise ModelError(
                    "No Vosk speech model is installed. Run 'voice-guide models' to see "
                    "how to add one, or use --engine sphinx."
                )
        except ModelError as exc:
            if engine == "vosk":
                raise
            notify(f"{exc} Using the built-in recogniser instead.")
    if engine in ("auto", "moonshine") and not free:
        from .moonshine_engine import MoonshineRecognizer, model_folder

        folder = model_folder()
        if folder is not None:
            return MoonshineRecognizer(phrases, folder, clear)
        if engine == "moonshine":
            raise ModelError(
                "The Moonshine speech model is not installed. Run scripts/setup.sh to add it, or use --engine sphinx."
            )
    from .sphinx_engine import SphinxRecognizer

    return SphinxRecognizer(phrases, free=free)
