"""`voice-guide check`: a caregiver's test of every part, with the fix for each failure."""

from __future__ import annotations

import argparse
from collections.abc import Callable

import speech_recognition as sr

from ..content.pack import find_pack, load_pack
from ..conversation.settings import EMERGENCY_NUMBER_DEFAULT, Settings, load_settings
from ..errors import GuideError
from ..hearing.engines import make_recognizer
from ..hearing.microphone import Microphone, NoMicrophone
from ..speaking.playback import NoSpeaker, Player
from ..speaking.synthesis import Synthesizer
from ..types import SAMPLE_RATE
from ..understanding.router import Router
from ..understanding.vocabulary import recognizer_phrases

_PROBE = "what causes leg pain"


def run_checks(args: argparse.Namespace, notify: Callable[[str], None]) -> int:
    results: list[tuple[str, bool, str]] = []

    def record(part: str, ok: bool, detail: str) -> None:
        results.append((part, ok, detail))
        print(f"{'OK     ' if ok else 'PROBLEM'} {part}: {detail}", flush=True)

    pack = None
    try:
        pack = load_pack(find_pack(args.guide))
        record("guide", True, f"'{pack.title}' loaded")
    except GuideError as exc:
        record("guide", False, f"{exc} Fix the file, or start with the built-in guide.")

    number = load_settings()[0].emergency_number
    if number == EMERGENCY_NUMBER_DEFAULT:
        detail = (
            f'not set, so emergency replies say "call {number}". '
            "Set your country's number with: voice-guide settings emergency_number 999"
        )
    else:
        detail = f"{number}: every emergency reply tells people to call it"
    record("emergency number", True, detail)

    synthesizer = None
    try:
        synthesizer = Synthesizer()
        record("voice", True, "the speaking voice works")
    except GuideError as exc:
        record("voice", False, str(exc))

    player = None
    try:
        player = Player()
        if synthesizer:
            player.play(synthesizer.synthesize("This is the guide's voice. Can you hear me?", Settings()))
        record("loudspeaker", True, "a test sentence was played: you should have heard it")
    except NoSpeaker as exc:
        record("loudspeaker", False, str(exc))

    try:
        with Microphone() as mic:
            print("Microphone test: please say something now, for example 'hello guide'...", flush=True)
            if synthesizer and player:
                player.play(synthesizer.synthesize("Please say something now.", Settings()))
            level = mic.level(4.0)
        if level < 5:
            record(
                "microphone",
                False,
                "the microphone hears nothing at all. Check it is not muted, "
                "and turn up its level in the sound settings.",
            )
        elif level < 300:
            record(
                "microphone",
                False,
                f"the microphone hears only very faint sound (level {level}). "
                "Speak closer to it, or turn up its level in the sound settings.",
            )
        else:
            record("microphone", True, f"it hears sound (level {level})")
    except NoMicrophone as exc:
        record("microphone", False, str(exc))

    if pack is not None:
        try:
            recognizer = make_recognizer(recognizer_phrases(pack), args.engine, args.model, args.free, notify=notify)
            detail = recognizer.description
            if synthesizer:
                # Speak a question, and hear it back through the recogniser: a real round trip.
                audio = synthesizer.synthesize(_PROBE, Settings(rate=140))
                pcm = sr.AudioData(audio.pcm, audio.rate, 2).get_raw_data(convert_rate=SAMPLE_RATE)
                heard = recognizer.transcribe(pcm).text
                understood = Router(pack).route(heard).target == "causes"
                detail += f"; heard a test question as '{heard}'"
                record(
                    "recogniser",
                    understood,
                    detail
                    if understood
                    else detail + ". Recognition is poor: try --engine sphinx, or reinstall the model.",
                )
            else:
                record("recogniser", True, detail)
        except GuideError as exc:
            record("recogniser", False, str(exc))

    problems = [part for part, ok, _ in results if not ok]
    summary = (
        "Everything works. The guide is ready."
        if not problems
        else f"{len(problems)} problem{'s' if len(problems) > 1 else ''} found: {', '.join(problems)}. "
        f"The fixes are printed above."
    )
    print(summary, flush=True)
    if synthesizer and player:
        player.play(synthesizer.synthesize(summary, Settings()))
    if player:
        player.close()
    return 0 if not problems else 1
