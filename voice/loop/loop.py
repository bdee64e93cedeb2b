"""The spoken conversation: speak, listen, recognise, answer, and listen again.

The parts come in through the small interfaces of voice/types.py (a microphone or typed lines,
a recogniser, a speaker, keys), so the same loop runs on a laptop, in the tests' audio rigs, or
typed. The decisions are each in their own module, and this one composes them:
- listening.py and ending.py: hearing one utterance, and when a whole request has been heard;
- bargein.py: what may cut in while the guide speaks, and its own voice's echo;
- attention.py: the reprompt, sleep and wake, and push to talk;
- records.py: captions and the benchmark's timing records;
- keys.py and line_editor.py: the terminal's keys, and typing when there is no microphone.
"""

from __future__ import annotations

import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import TextIO

from ..conversation.keymap import key_help
from ..conversation.session import Reply, Session
from ..hearing.microphone import NoMicrophone
from ..speaking.cues import cue
from ..types import Heard, Keys, Microphone, Recognizer, Speaker, Transcript
from ..understanding.heard import judge
from ..understanding.router import Request
from .attention import Attention, Turn
from .bargein import cuts_in, is_echo, key_silences
from .listening import LISTEN_TIMEOUT, SLICE, Listener
from .notforme import NotForMe
from .records import Captions, TimingLog

_KEY_POLL = 0.05  # seconds: how often a key is looked for when only a key can come


@dataclass
class Parts:
    """What the loop talks through. A microphone comes with its recogniser; without one the
    user types: through `keys` at a terminal, or as `lines` (a pipe)."""

    session: Session
    speaker: Speaker
    microphone: Microphone | None = None
    recognizer: Recognizer | None = None
    keys: Keys | None = None
    lines: Iterator[str] | None = None


@dataclass(frozen=True)
class Options:
    captions: bool = True  # print "Guide: ..." and "You: ..."
    out: TextIO = field(default_factory=lambda: sys.stdout)
    push_to_talk: bool = False  # listen only after the talk key (space); needs a microphone
    exit_after_silence: int = 0  # for tests: leave after this many silences (0: never)
    timings_out: TextIO | None = None  # the benchmark's timing records
    on_reply: Callable[[Reply], None] | None = None  # e.g. to save settings and places as they change


class Loop:
    def __init__(self, parts: Parts, options: Options | None = None) -> None:
        options = options or Options()
        self.session = parts.session
        self.speaker = parts.speaker
        self.keys = parts.keys
        self.lines = parts.lines
        self.on_reply = options.on_reply or (lambda reply: None)
        self.captions = Captions(options.out, options.captions)
        self.timing_log = TimingLog(options.timings_out)
        self.stop_speaking = threading.Event()
        self.speaking_text = ""  # the reply being spoken ("" when quiet)
        self.notice = ""  # something to tell the user before listening again
        self.listener = (
            Listener(parts.microphone, parts.recognizer, self._route, self.stop_speaking)
            if parts.microphone is not None and parts.recognizer is not None
            else None
        )
        self.attention = Attention(
            self.session.settings.wake_phrase,
            push_to_talk=options.push_to_talk and self.listener is not None,
            exit_after_silence=options.exit_after_silence,
            urgent=self.session.safety.emergency,
        )
        self.not_for_me = NotForMe()
        if self.keys is not None:
            self.keys.on_event = self.key_pressed

    def _route(self, text: str) -> Request:
        return self.session.router.route(text, self.session.choices)

    # --- output ----------------------------------------------------------------------------

    def cue(self, name: str) -> None:
        if self.session.settings.sound_cues:
            self.speaker.play_audio(cue(name))

    def key_pressed(self, event: Heard) -> None:
        """Called from the key reader's thread: silence the guide at once; the action follows.
        A typed line is a new request, so it silences the guide too."""
        if event.kind != "key" or key_silences(event.text):
            self.stop_speaking.set()

    def say(self, reply: Reply) -> Heard | None:
        """Speak a reply; returns what the user said, typed or pressed to cut in, if they did."""
        self.captions.show("Guide", reply.text)
        self.stop_speaking.clear()
        self.speaking_text = reply.text
        done = threading.Event()

        def talk() -> None:
            try:
                self.speaker.speak(reply.text, self.session.settings, self.stop_speaking)
            finally:
                done.set()

        thread = threading.Thread(target=talk, name="speaking", daemon=True)
        thread.start()
        cut_in: Heard | None = None
        try:
            while not done.is_set():
                cut_in = self._pending_key()
                if cut_in is None and self.listener is not None:
                    cut_in = self._listen_while_speaking()
                elif cut_in is None:
                    done.wait(_KEY_POLL)
                if cut_in is not None:
                    break
        finally:  # Ctrl-C and shutdowns too: the voice stops before the sound device is closed under it
            if cut_in is not None or not done.is_set():
                self.stop_speaking.set()
            thread.join()
        self.timing_log.after_reply(self.listener, self.speaker.first_audio_at, reply)
        self.speaking_text = ""
        return cut_in

    # --- input -----------------------------------------------------------------------------

    def _pending_key(self) -> Heard | None:
        if self.keys is None:
            return None
        try:
            return self.keys.events.get_nowait()
        except queue.Empty:
            return None

    def _listen(self, timeout: float, speaking: bool = False) -> Transcript | None:
        if self.listener is None:
            return None
        try:
            transcript = self.listener.listen(timeout, speaking)
            safety = self.session.safety
            return judge(transcript, self._route, safety.emergency, safety.near_emergency) if transcript else None
        except NoMicrophone as exc:
            self.microphone_lost(str(exc))
            return None

    def microphone_lost(self, message: str) -> None:
        """The microphone stopped working: carry on typed (nothing is lost), and say so once,
        aloud and on screen, before listening again."""
        self.listener = None
        self.notice = message  # captioned when said
        if not self.captions.enabled:
            print(message, file=sys.stderr, flush=True)
        if self.keys is not None:
            self.keys.typing = True  # letters now make a typed line
        elif self.lines is None:
            self.lines = (line for line in sys.stdin)

    def _listen_while_speaking(self) -> Heard | None:
        transcript = self._listen(SLICE, speaking=True)
        if transcript is None or not transcript.text:
            return None
        playing = self.speaker.now_playing or self.speaking_text
        if self.session.safety.emergency(transcript.text) and not is_echo(transcript.text, playing):
            return Heard("said", transcript.text)  # an emergency cuts in (its words in the guide's own voice do not)
        if transcript.urgent and not is_echo(transcript.text, playing):
            return Heard("unclear", transcript.text, urgent=True)  # perhaps an emergency: help is pointed to now
        if transcript.rejected:
            return None  # not said to the guide: the reading goes on
        if not cuts_in(transcript.text, self._route(transcript.text), playing):
            return None
        return Heard("said", transcript.text)

    def wait(self, timeout: float) -> Heard:
        """The user's next utterance, typed line or key; silence after `timeout` seconds."""
        waited = 0.0
        while True:
            if self.notice:  # e.g. the microphone stopped: say so before anything else
                notice, self.notice = self.notice, ""
                cut_in = self.respond(Reply(notice, "notice"))
                if cut_in is not None:
                    return cut_in
            if self.lines is not None:
                try:
                    return Heard("said", next(self.lines).strip(), on_screen=sys.stdin.isatty())
                except StopIteration:
                    return Heard("end")
            key = self._pending_key()
            if key is not None:
                return key
            if self.listener is None or not self.attention.hears_speech:
                time.sleep(_KEY_POLL)  # only a key (or typed line) can come: wait for it, silently
                continue
            # Short slices so a key press is noticed within a moment; silence is counted in
            # audio heard, which is wall-clock time with a microphone.
            piece = min(SLICE * 3, timeout)
            transcript = self._listen(piece)
            if transcript is not None:
                return self.not_for_me.heard(transcript)
            waited += piece
            if waited >= timeout:
                return Heard("silence")

    def talk_now(self) -> Heard:
        """The talk key: listen for one utterance now (with push to talk, the only way)."""
        self.cue("listening")
        transcript = self._listen(LISTEN_TIMEOUT)
        return self.not_for_me.heard(transcript) if transcript else Heard("silence")

    # --- the conversation ------------------------------------------------------------------

    def run(self, greeting: Reply | None = None, then: str | None = None) -> int:
        pending = self.respond(greeting or self.session.greeting())
        if then and pending is None:
            pending = self.respond(self.session.handle(then))
        while True:
            if pending is not None:
                heard, pending = pending, None
            else:
                if self.listener is not None and self.attention.cues_listening:
                    self.cue("listening")
                heard = self.wait(LISTEN_TIMEOUT)
            turn, heard = self.attention.hear(heard)
            if turn is Turn.EXIT:
                return 0
            if turn is Turn.REPROMPT:
                wake = self.session.settings.wake_phrase
                pending = self.respond(Reply(self.session.texts.say("reprompt", wake=wake), "reprompt"))
            elif turn is Turn.SLEEP:
                self.captions.show("Guide", f'(waiting: say "{self.session.settings.wake_phrase}" or press a key)')
            elif turn is Turn.WAKE:
                pending = self.respond(Reply("Yes? I'm listening.", "wake"))
            elif turn is Turn.UNCLEAR:
                pending = self._unclear(heard)
            elif turn is Turn.ACT and heard.kind == "key":
                pending = self._key(heard.text)
                if pending is not None and pending.kind == "end":
                    return 0
            elif turn is Turn.ACT:
                reply = self._answer(heard)
                if reply.quit:
                    self.respond(reply, interruptible=False)
                    return 0
                if self.not_for_me.keep_quiet(heard, reply.intent == "unknown", self.session.misunderstood):
                    self.captions.show("Guide", f"({reply.text})")
                    continue
                pending = self.respond(reply)

    def _unclear(self, heard: Heard) -> Heard | None:
        self.captions.show("You", f"({heard.text or 'unclear'}: not acted on)")
        if not self.not_for_me.say_not_caught() and not heard.urgent:  # help is pointed to every time
            return None
        return self.respond(self.session.not_caught(heard.urgent))

    def _answer(self, heard: Heard) -> Reply:
        self.not_for_me.answered()
        if not heard.on_screen:
            self.captions.show("You", heard.text)
        reply = self.session.handle(heard.text)
        if self.listener is not None:
            self.listener.timings.routed = time.perf_counter()
        self.cue("not_understood" if reply.intent == "unknown" else "got_it")
        return reply

    def respond(self, reply: Reply, interruptible: bool = True) -> Heard | None:
        if reply.intent == "keys" and self.keys is not None and self.keys.typing:
            reply = replace(reply, text=key_help(typing=True))  # the keys as they work now
        self.on_reply(reply)
        if reply.stop:
            self.captions.show("Guide", reply.text)
            return None  # "stop" is answered by silence
        cut_in = self.say(reply)
        if cut_in is not None and reply.parts:
            self.session.reached(reply.part_reached(self.speaker.spoken_chars))
        return cut_in if interruptible else None

    def _key(self, action: str) -> Heard | None:
        if action == "talk":
            return self.talk_now() if self.listener is not None else None
        if action == "quit":
            self.respond(self.session.respond(Request("quit", "")), interruptible=False)
            return Heard("end")
        if action == "stop":
            return None
        request = Request(action, f"({action} key)", 1.0)
        return self.respond(replace(self.session.respond(request), heard=request.heard))
