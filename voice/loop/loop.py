"""The spoken conversation: speak, listen, recognise, answer, and listen again.

The parts come in through small interfaces (a microphone or typed lines, a recogniser, a
speaker, keys), so the same loop runs on a laptop, in the tests' audio rigs, or typed.

While the guide speaks it keeps listening, so the user can cut in ("stop", "next", or a new
question) or press a key. It must not take its own voice, picked up by the microphone, for the
user's. Two guards: a short command ("stop", "next") cuts in as soon as it is heard, because
people need that to work at once, and such words are rare in what the guide says; a longer
request only counts when it is not made of the words the guide is saying at that moment (an
echo), and SpeechRecognition's energy threshold, which rises with the guide's own sound, keeps
quiet echo out of both.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TextIO

from ..conversation.session import Reply, Session
from ..hearing.levels import rms
from ..hearing.microphone import NoMicrophone
from ..speaking.cues import cue
from ..types import Recognizer, Speaker, Transcript
from ..understanding.normalize import tokens
from ..understanding.router import Request
from ..understanding.vocabulary import STOPWORDS

LISTEN_TIMEOUT = 8.0  # seconds of silence after a prompt before the one gentle reprompt
PHRASE_LIMIT = 12.0  # nobody asks a question longer than this; noise might never stop
EARLY_PAUSE = 0.25  # a complete request followed by this much quiet needs no longer wait
EARLY_CONFIDENCE = 0.8
SLICE = 0.3  # while speaking or asleep, listen in slices this long so keys are seen soon
# What may cut in while the guide speaks, as soon as it is heard.
BARGE_IN = frozenset(
    {
        "stop",
        "next",
        "previous",
        "repeat",
        "quit",
        "help",
        "start_over",
        "slower",
        "faster",
        "louder",
        "quieter",
        "keys",
    }
)
# Keys whose press silences the guide at once (the action follows).
SILENCING_KEYS = frozenset({"stop", "next", "previous", "repeat", "quit", "help", "keys", "talk", "start_over"})


@dataclass
class Timings:
    """Where the time of one turn went, in seconds (for the benchmark)."""

    speech_end: float = 0.0  # the last loud audio of the question was read
    heard_end: float = 0.0  # listening stopped
    recognized: float = 0.0
    routed: float = 0.0
    early_stop: bool = False


@dataclass
class Heard:
    """One thing the user did: said something, pressed a key, or nothing (silence)."""

    kind: str  # "said", "key", "silence", "end"
    text: str = ""


class Loop:
    def __init__(
        self,
        session: Session,
        recognizer: Recognizer | None,
        microphone: object | None,
        speaker: Speaker,
        captions: bool = True,
        out: TextIO = sys.stdout,
        lines: Iterator[str] | None = None,
        exit_after_silence: int = 0,
        timings_out: TextIO | None = None,
        keys: object | None = None,
        on_reply: Callable[[Reply], None] | None = None,
        push_to_talk: bool = False,
    ) -> None:
        self.session = session
        self.recognizer = recognizer
        self.microphone = microphone
        self.speaker = speaker
        self.captions = captions
        self.out = out
        self.lines = lines
        self.exit_after_silence = exit_after_silence
        self.timings_out = timings_out
        self.timings = Timings()
        self.keys = keys
        self.key_actions: queue.Queue[str] = getattr(keys, "actions", None) or queue.Queue()
        self.on_reply = on_reply or (lambda reply: None)
        self.push_to_talk = push_to_talk
        self.stop_speaking = threading.Event()
        self.speaking_text = ""
        self.asleep = False

    # --- output ----------------------------------------------------------------------------

    def caption(self, who: str, text: str) -> None:
        if self.captions:
            print(f"{who}: {text}", file=self.out, flush=True)

    def cue(self, name: str) -> None:
        if self.session.settings.sound_cues and hasattr(self.speaker, "play_audio"):
            self.speaker.play_audio(cue(name))

    def key_pressed(self, action: str) -> None:
        """Called from the key reader's thread: silence the guide at once; the action follows."""
        if action in SILENCING_KEYS:
            self.stop_speaking.set()

    def say(self, reply: Reply) -> Heard | None:
        """Speak a reply; returns what the user said or pressed to cut in, if they did."""
        self.caption("Guide", reply.text)
        self.stop_speaking.clear()
        self.speaking_text = reply.text
        if self.microphone is None:
            self.speaker.speak(reply.text, self.session.settings, self.stop_speaking)
            self._log_timing(reply)
            return self._pending_key()
        done = threading.Event()

        def talk() -> None:
            try:
                self.speaker.speak(reply.text, self.session.settings, self.stop_speaking)
            finally:
                done.set()

        thread = threading.Thread(target=talk, name="speaking", daemon=True)
        thread.start()
        cut_in: Heard | None = None
        while not done.is_set():
            cut_in = self._pending_key() or self._listen_while_speaking(done)
            if cut_in is not None:
                self.stop_speaking.set()
                break
        thread.join()
        self._log_timing(reply)
        self.speaking_text = ""
        return cut_in

    def _log_timing(self, reply: Reply) -> None:
        first = getattr(self.speaker, "first_audio_at", None)
        if first and self.timings_out and self.timings.heard_end:
            t = self.timings
            record = {
                "heard": reply.heard,
                "intent": reply.intent,
                "early_stop": t.early_stop,
                "end_of_speech_s": round(t.heard_end - t.speech_end, 4),
                "recognition_s": round(t.recognized - t.heard_end, 4),
                "routing_s": round(t.routed - t.recognized, 4),
                "synthesis_s": round(first - t.routed, 4),
                "end_to_audio_s": round(first - t.speech_end, 4),
            }
            print(json.dumps(record), file=self.timings_out, flush=True)
            self.timings = Timings()

    # --- input -----------------------------------------------------------------------------

    def _pending_key(self) -> Heard | None:
        try:
            return Heard("key", self.key_actions.get_nowait())
        except queue.Empty:
            return None

    def _listen_while_speaking(self, done: threading.Event) -> Heard | None:
        transcript = self._recognize(self.microphone.phrase(SLICE, PHRASE_LIMIT), speaking=True)
        if transcript is None or not transcript.text:
            return None
        if self.session.safety.emergency(transcript.text) and not self._echo(transcript.text):
            return Heard("said", transcript.text)  # an emergency cuts in (its words in the guide's own voice do not)
        request = self.session.router.route(transcript.text, self.session.choices)
        if request.confidence < EARLY_CONFIDENCE or request.intent in ("unknown", "clarify"):
            return None
        if request.intent not in BARGE_IN and self._echo(transcript.text):
            return None  # the guide hearing itself
        return Heard("said", transcript.text)

    def _echo(self, text: str) -> bool:
        # Only what is being played now (this sentence and the last) can come back as echo;
        # the user repeating an example from earlier in the reply is not an echo.
        said = set(tokens(getattr(self.speaker, "now_playing", None) or self.speaking_text))
        words = [w for w in tokens(text) if w not in STOPWORDS]
        return bool(words) and sum(w in said for w in words) >= 0.6 * len(words)

    def wait(self, timeout: float) -> Heard:
        """The user's next utterance or key; silence after `timeout` seconds."""
        if self.lines is not None:
            try:
                return Heard("said", next(self.lines).strip())
            except StopIteration:
                return Heard("end")
        waited = 0.0
        while True:
            key = self._pending_key()
            if key is not None:
                return key
            if self.microphone is None or (self.push_to_talk and not self.asleep):
                time.sleep(0.05)  # only a key can come: push to talk waits for it, silently
                continue
            # Short slices so a key press is noticed within a moment; silence is counted in
            # audio heard, which is wall-clock time with a microphone.
            piece = min(SLICE * 3, timeout)
            transcript = self._recognize(self.microphone.phrase(piece, PHRASE_LIMIT))
            if transcript is not None:
                return Heard("said", transcript.text)
            waited += piece
            if waited >= timeout:
                return Heard("silence")

    def talk_now(self) -> Heard:
        """Push to talk: listen for one utterance after the key."""
        self.cue("listening")
        transcript = self._recognize(self.microphone.phrase(LISTEN_TIMEOUT, PHRASE_LIMIT))
        return Heard("said", transcript.text) if transcript else Heard("silence")

    def _recognize(self, chunks: Iterator[bytes], speaking: bool = False) -> Transcript | None:
        stream = None
        quiet = 0.0
        spoke = False
        complete = False  # what was heard up to this pause is a whole request
        timings = Timings()
        # Quiet is judged against the room's level from calibration: SpeechRecognition's own
        # threshold rises while someone speaks, which would hear the end of a word as quiet.
        threshold = getattr(self.microphone, "quiet_level", None) or getattr(self.microphone, "threshold", 300.0)
        router = self.session.router
        try:
            for chunk in chunks:
                now = timings.heard_end = time.perf_counter()  # when it was heard, before decoding
                if stream is None:
                    stream = self.recognizer.stream()
                partial = stream.accept(chunk)
                loud = rms(chunk) > threshold
                pause_began = not loud and quiet == 0.0 and spoke
                quiet = 0.0 if loud else quiet + len(chunk) / 2 / 16000
                if loud or not timings.speech_end:
                    timings.speech_end = now
                if loud:
                    spoke, complete = True, False
                if speaking:
                    request = router.route(partial, self.session.choices) if partial else None
                    if request is not None and request.intent in BARGE_IN and request.confidence >= EARLY_CONFIDENCE:
                        self.stop_speaking.set()  # "stop" works at once, not after the pause
                    complete = request is not None and _complete(partial, request)
                elif pause_began:
                    # The careful transcript is worked out while the pause is still being
                    # timed, so that if the request is complete the answer can start at once.
                    # (Not while the guide speaks: each pause in its own echo would cost a
                    # decode that holds up the speaking thread.)
                    settled = stream.settle().text
                    complete = _complete(settled, router.route(settled, self.session.choices))
                if quiet >= EARLY_PAUSE and complete:
                    # A whole request and a short pause: answer now rather than wait out the
                    # listener's full pause threshold.
                    timings.early_stop = True
                    break
        except NoMicrophone as exc:
            print(exc, file=sys.stderr, flush=True)
            self.microphone = None
            self.lines = (line for line in sys.stdin)  # carry on typed: nothing is lost
            return None
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        if stream is None:
            return None
        transcript = stream.finish()
        timings.recognized = time.perf_counter()
        if not speaking:
            self.timings = timings
        return transcript

    # --- the conversation ------------------------------------------------------------------

    def reprompt(self) -> str:
        wake = self.session.settings.wake_phrase
        return (
            f"I'm listening. Ask about {self.session.topics()}, or say help. "
            f"If you need a moment, I'll wait quietly: say {wake} when you want me."
        )

    def _woken(self, heard: Heard) -> tuple[bool, str]:
        """Asleep, only the wake phrase (or a key) counts; what follows it is the request."""
        if heard.kind == "key":
            return True, ""
        if self.session.safety.emergency(heard.text):
            return True, heard.text  # an emergency wakes the guide, wake phrase or not
        wake = tokens(self.session.settings.wake_phrase)
        words = tokens(heard.text)
        for start in range(len(words) - len(wake) + 1):
            if words[start : start + len(wake)] == wake:
                return True, " ".join(words[start + len(wake) :])
        return False, ""

    def run(self, greeting: Reply | None = None, then: str | None = None) -> int:
        pending = self.respond(greeting or self.session.greeting())
        if then and pending is None:
            pending = self.respond(self.session.handle(then))
        silences = 0
        while True:
            if pending is not None:
                heard, pending = pending, None
            else:
                if not self.asleep and self.microphone is not None and not self.push_to_talk:
                    self.cue("listening")
                heard = self.wait(LISTEN_TIMEOUT)
            if heard.kind == "end":
                return 0
            if heard.kind == "silence" or (heard.kind == "said" and not heard.text.strip()):
                silences += 1
                if self.exit_after_silence and silences >= self.exit_after_silence:
                    return 0
                if silences == 1 and not self.asleep:
                    pending = self.respond(Reply(self.reprompt(), "reprompt"))
                elif not self.asleep:
                    self.asleep = True  # never talk in a loop: wait for the wake phrase
                    self.caption("Guide", f'(waiting: say "{self.session.settings.wake_phrase}" or press a key)')
                continue
            silences = 0
            if self.asleep:
                woken, rest = self._woken(heard)
                if not woken:
                    continue
                self.asleep = False
                if heard.kind == "said" and not rest:
                    pending = self.respond(Reply("Yes? I'm listening.", "wake"))
                    continue
                if heard.kind == "said":
                    heard = Heard("said", rest)
            if heard.kind == "key":
                pending = self._key(heard.text)
                if pending is not None and pending.kind == "end":
                    return 0
                continue
            if self.lines is None or not sys.stdin.isatty():
                self.caption("You", heard.text)  # typed at a terminal, it is already on screen
            reply = self.session.handle(heard.text)
            self.timings.routed = time.perf_counter()
            self.cue("not_understood" if reply.intent == "unknown" else "got_it")
            if reply.quit:
                self.respond(reply, interruptible=False)
                return 0
            pending = self.respond(reply)

    def respond(self, reply: Reply, interruptible: bool = True) -> Heard | None:
        self.on_reply(reply)
        if reply.stop:
            self.caption("Guide", reply.text)
            return None  # "stop" is answered by silence
        cut_in = self.say(reply)
        if cut_in is not None and reply.parts:
            self.session.reached(self._part_reached(reply))
        return cut_in if interruptible else None

    def _part_reached(self, reply: Reply) -> int:
        # How far a long reading got: by the share of its sentences already spoken.
        spoken = getattr(self.speaker, "spoken_chars", len(reply.text))
        total = 0
        for position, text in reply.parts:
            total += len(text) + 1
            if total > spoken:
                return position
        return reply.parts[-1][0]

    def _key(self, action: str) -> Heard | None:
        if action == "talk" and self.microphone is not None:
            return self.talk_now()
        if action == "quit":
            self.respond(self.session.respond(Request("quit", "")), interruptible=False)
            return Heard("end")
        if action == "stop":
            return None
        request = Request(action, f"({action} key)", 1.0)
        return self.respond(replace(self.session.respond(request), heard=request.heard))


def _complete(partial: str, request: Request) -> bool:
    """A request worth answering before the listener's full pause: confident, not an answer to a
    question nobody asked ("are right" is the start of "arthritis"), and not made of lead-in
    words alone ("tell me about ..." is someone still thinking)."""
    return (
        request.intent not in ("unknown", "clarify", "yes", "second", "no")
        and request.confidence >= EARLY_CONFIDENCE
        and any(w not in STOPWORDS for w in partial.split())
    )
