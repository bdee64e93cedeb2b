"""`voice-guide run`: put the microphone, recogniser, voice and dialogue together, with a plain
explanation (and a way to carry on) for every part that is missing."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from contextlib import ExitStack

from .audio_in import Microphone, NoMicrophone
from .audio_out import NoSpeaker, Player
from .dialogue import Session
from .errors import GuideError
from .loop import Loop
from .pack import Pack
from .recognizer import make_recognizer
from .settings import RATE_MAX, RATE_MIN, Settings
from .speaker import Silent, Speaker, Voice
from .tts import Synthesizer


def make_speaker(save_audio: str | None, notify: Callable[[str], None]) -> Speaker:
    try:
        synthesizer = Synthesizer()
    except GuideError as exc:
        notify(f"{exc} For now, answers are printed.")
        return Silent()
    try:
        player = Player()
    except NoSpeaker as exc:
        notify(str(exc))
        player = None
    if player is None and not save_audio:
        return Silent()
    return Voice(synthesizer, player, save_audio)


def run_guide(args: argparse.Namespace, pack: Pack, notify: Callable[[str], None]) -> int:
    settings = Settings()
    if args.rate:
        settings.rate = max(RATE_MIN, min(RATE_MAX, args.rate))
    session = Session(pack, settings=settings)
    with ExitStack() as stack:
        speaker = make_speaker(args.save_audio, notify)
        stack.callback(speaker.close)
        microphone = recognizer = None
        if not args.typed:
            try:
                microphone = stack.enter_context(Microphone(args.mic))
            except NoMicrophone as exc:
                notify(str(exc))
        if microphone is not None:
            recognizer = make_recognizer(pack, args.engine, args.model, args.free, notify=notify)
            notify(f"Listening with {recognizer.description}.")
            microphone.calibrate(0.5)
        lines = None if microphone is not None else iter(_typed(notify))
        timings = stack.enter_context(open(args.timings, "a", encoding="utf-8")) if args.timings else None
        loop = Loop(session, recognizer, microphone, speaker, captions=not args.quiet_captions,
                    lines=lines, exit_after_silence=args.exit_after_silence, timings_out=timings)
        return loop.run()


def _typed(notify: Callable[[str], None]):  # noqa: ANN202 - an iterator of lines
    interactive = sys.stdin.isatty()
    if interactive:
        notify("Type your question and press Enter. Type quit to leave.")
    while True:
        try:
            line = input("You: ") if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive and not line:
            return
        yield line
