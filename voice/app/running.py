"""`voice-guide run`: put the microphone, recogniser, voice, keys, saved settings and memory
together, with a plain explanation (and a way to carry on) for every part that is missing."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import replace

from ..content.pack import Pack
from ..conversation.keymap import key_table
from ..conversation.memory import Keeper, load_memory
from ..conversation.session import Reply, Session
from ..conversation.settings import RATE_MAX, RATE_MIN, load_settings, save_settings
from ..errors import GuideError
from ..hearing.background import load_recognizer
from ..hearing.echo import echo_off, make_canceller, save_figures
from ..hearing.engines import make_recognizer
from ..hearing.microphone import Microphone, NoMicrophone
from ..loop.keys import KeyReader
from ..loop.loop import Loop, Options, Parts
from ..speaking.playback import NoSpeaker, Player
from ..speaking.speaker import Silent, Voice
from ..speaking.synthesis import Synthesizer
from ..types import Keys, Played, Recognizer, Speaker
from ..understanding.heard import clear_request
from ..understanding.router import Router
from ..understanding.vocabulary import recognizer_phrases
from .typed import typed_lines

WELCOME_FIRST = 2.0  # seconds the recogniser's loading waits, at most, for the welcome's first sound


def make_speaker(save_audio: str | None, notify: Callable[[str], None], played: Played | None = None) -> Speaker:
    try:
        synthesizer = Synthesizer()
    except GuideError as exc:
        notify(f"{exc} For now, answers are printed.")
        return Silent()
    try:
        player = Player(played=played, lost=notify)
    except NoSpeaker as exc:
        notify(str(exc))
        player = None
    if player is None and not save_audio:
        return Silent()
    return Voice(synthesizer, player, save_audio)


def start_place(pack: Pack, router: Router, start_at: str) -> str:
    """--start-at takes a section or item id, or its name as people say it."""
    if start_at in pack.by_id:
        return pack.by_id[start_at].name
    request = router.route(start_at)
    if request.intent not in ("section", "item"):
        names = ", ".join(s.id for s in pack.sections)
        raise GuideError(f"--start-at '{start_at}' is not part of this guide. Try one of: {names}.")
    return start_at


def run_guide(args: argparse.Namespace, pack: Pack, notify: Callable[[str], None]) -> int:
    settings, settings_notice = load_settings()
    memory, memory_notice = load_memory(pack.id)
    saved_rate = settings.rate  # --rate is for this session: the saved rate stays as it was
    saved = replace(settings)  # as on disk: only what changes is written back
    keeper = Keeper(pack.id, memory, notify)
    if args.rate:
        settings.rate = max(RATE_MIN, min(RATE_MAX, args.rate))
    push_to_talk = args.push_to_talk or settings.push_to_talk
    engine = args.engine if args.engine != "auto" else settings.engine
    session = Session(pack, settings=settings, memory=memory)
    start_at = start_place(pack, session.router, args.start_at) if args.start_at else None

    def keep(reply: Reply) -> None:
        """Save what the user will expect to find next time, as it changes."""
        nonlocal saved_rate, saved
        if reply.settings_changed:
            if reply.intent in ("slower", "faster"):
                saved_rate = settings.rate  # the user chose this rate: keep it
            wanted = replace(settings, rate=saved_rate)
            problem = save_settings(wanted, before=saved)  # a caregiver's change made meanwhile stays
            saved = wanted
            if problem:
                notify(problem)
        if reply.memory_changed:
            keeper.save(session.memory)

    with ExitStack() as stack:
        played = Played()  # what the loudspeaker plays, so the microphone can take its echo out
        speaker = make_speaker(args.save_audio, notify, played)  # says, once, when there is no loudspeaker
        stack.callback(speaker.close)
        # Said aloud as part of the welcome (the user may not see the screen), so captioned once.
        spoken_notices = [notice for notice in (settings_notice, memory_notice) if notice]
        microphone: Microphone | None = None
        recognizer: Recognizer | None = None
        if not args.typed:
            try:
                canceller, notice = make_canceller()
                if notice:
                    notify(notice)
                heard_played = None if echo_off() else played
                microphone = stack.enter_context(Microphone(args.mic, played=heard_played, canceller=canceller))
                stack.callback(save_figures, microphone.echo)
            except NoMicrophone as exc:
                spoken_notices.append(str(exc))
        if microphone is not None:
            phrases = recognizer_phrases(pack, (settings.wake_phrase,))
            clear = clear_request(session.router.route)

            def load() -> Recognizer:
                # Loading takes both cores for a second or two: the welcome's first word comes first.
                waited = time.monotonic() + WELCOME_FIRST
                while speaker.first_audio_at is None and time.monotonic() < waited:
                    time.sleep(0.02)
                return make_recognizer(phrases, engine, args.model, args.free, notify, clear)

            recognizer = load_recognizer(  # in the background, while the welcome is already spoken
                load,
                notify,
                at_once=engine == "vosk" or bool(args.model),  # a chosen model that is missing stops the start
            )
            microphone.calibrate(0.5)
        keys = start_keys(stack, typing=microphone is None, notify=notify)
        lines = typed_lines(notify) if microphone is None and keys is None else None
        timings = stack.enter_context(open(args.timings, "a", encoding="utf-8")) if args.timings else None
        loop = Loop(
            Parts(session, speaker, microphone, recognizer, keys, lines),
            Options(
                captions=not args.quiet_captions,
                push_to_talk=push_to_talk,
                exit_after_silence=args.exit_after_silence,
                timings_out=timings,
                on_reply=keep,
            ),
        )
        greeting = session.greeting(offer_resume=start_at is None)
        if spoken_notices:
            greeting = replace(greeting, text=" ".join([*spoken_notices, greeting.text]))
            if args.quiet_captions:  # no caption to show them: print them instead
                for notice in spoken_notices:
                    notify(notice)
        return loop.run(greeting, then=start_at)


def start_keys(stack: ExitStack, typing: bool, notify: Callable[[str], None]) -> Keys | None:
    """Keys wherever a terminal is attached, with or without a microphone or loudspeaker; while
    `typing` (no microphone) letters make typed lines. None when the input is not a terminal."""
    reader = KeyReader(sys.stdin, typing=typing, echo=sys.stdout)
    if not reader.start():
        return None
    stack.callback(reader.stop)
    table = ", ".join(f"{key} {what}" for key, what in key_table(typing))
    notify(("Type your question and press Enter. " if typing else "") + f"Keys: {table}.")
    return reader
