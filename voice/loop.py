"""The spoken conversation: speak, listen, recognise, answer, and listen again.

The parts come in through small interfaces (a microphone or typed lines, a recogniser, a
speaker), so the same loop runs on a laptop, in the tests' audio rig, or typed.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from .audio_in import NoMicrophone, _rms
from .dialogue import Reply, Session
from .recognizer import Recognizer, Transcript
from .router import Request
from .speaker import Speaker
from .vocabulary import STOPWORDS

LISTEN_TIMEOUT = 8.0  # seconds of silence after a prompt before a gentle reprompt
PHRASE_LIMIT = 12.0  # nobody asks a question longer than this; noise might never stop
EARLY_PAUSE = 0.25  # a complete request followed by this much quiet needs no longer wait
EARLY_CONFIDENCE = 0.8


@dataclass
class Timings:
    """Where the time of one turn went, in seconds (for the benchmark)."""

    speech_end: float = 0.0  # the last loud audio of the question was read
    heard_end: float = 0.0  # listening stopped
    recognized: float = 0.0
    routed: float = 0.0
    early_stop: bool = False


class Loop:
    def __init__(self, session: Session, recognizer: Recognizer | None, microphone: object | None,
                 speaker: Speaker, captions: bool = True, out: TextIO = sys.stdout,
                 lines: Iterator[str] | None = None, exit_after_silence: int = 0,
                 timings_out: TextIO | None = None) -> None:
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

    def caption(self, who: str, text: str) -> None:
        if self.captions:
            print(f"{who}: {text}", file=self.out, flush=True)

    def say(self, reply: Reply) -> None:
        self.caption("Guide", reply.text)
        self.speaker.speak(reply.text, self.session.settings)
        first = getattr(self.speaker, "first_audio_at", None)
        if first and self.timings_out and self.timings.heard_end:
            t = self.timings
            record = {"heard": reply.heard, "intent": reply.intent, "early_stop": t.early_stop,
                      "end_of_speech_s": round(t.heard_end - t.speech_end, 4),
                      "recognition_s": round(t.recognized - t.heard_end, 4),
                      "routing_s": round(t.routed - t.recognized, 4),
                      "synthesis_s": round(first - t.routed, 4),
                      "end_to_audio_s": round(first - t.speech_end, 4)}
            print(json.dumps(record), file=self.timings_out, flush=True)

    def run(self, welcome: Reply | None = None) -> int:
        self.say(welcome or self.session.welcome())
        silences = 0
        while True:
            heard = self.hear()
            if heard is None:
                if self.lines is not None:
                    return 0  # typed input ended
                silences += 1
                if self.exit_after_silence and silences >= self.exit_after_silence:
                    return 0
                if silences == 1:
                    # One gentle reprompt, then quiet waiting: never talk in a loop.
                    self.say(Reply(self.reprompt(), "reprompt"))
                continue
            silences = 0
            if not heard.strip():
                continue
            if self.lines is None or not sys.stdin.isatty():
                self.caption("You", heard)  # typed at a terminal, it is already on screen
            reply = self.session.handle(heard)
            self.timings.routed = time.perf_counter()
            self.say(reply)
            if reply.quit:
                return 0

    def reprompt(self) -> str:
        return f"I'm listening. You can ask about {self.session._topics()}, or say help."

    def hear(self) -> str | None:
        """The next thing the user said, or None after silence (or the end of typed input)."""
        if self.lines is not None:
            try:
                return next(self.lines).strip()
            except StopIteration:
                return None
        assert self.recognizer is not None and self.microphone is not None
        try:
            transcript = self._recognize(self.microphone.phrase(LISTEN_TIMEOUT, PHRASE_LIMIT))
        except NoMicrophone as exc:
            print(exc, file=sys.stderr, flush=True)
            self.lines = (line for line in sys.stdin)  # carry on typed: nothing is lost
            return self.hear()
        if transcript is None:
            return None
        return transcript.text

    def _recognize(self, chunks: Iterator[bytes]) -> Transcript | None:
        stream = None
        quiet = 0.0
        self.timings = Timings()
        threshold = getattr(self.microphone, "threshold", 300.0)
        router = self.session.router
        for chunk in chunks:
            if stream is None:
                stream = self.recognizer.stream()
            partial = stream.accept(chunk)
            now = self.timings.heard_end = time.perf_counter()
            loud = _rms(chunk) > threshold
            quiet = 0.0 if loud else quiet + len(chunk) / 2 / 16000
            if loud or not self.timings.speech_end:
                self.timings.speech_end = now
            if quiet >= EARLY_PAUSE and _complete(partial, router.route(partial, self.session.choices)):
                # A whole request and a short pause: answer now rather than wait out the
                # listener's full pause threshold.
                self.timings.early_stop = True
                break
        if stream is None:
            return None
        if hasattr(chunks, "close"):
            chunks.close()
        transcript = stream.finish()
        self.timings.recognized = time.perf_counter()
        return transcript


def _complete(partial: str, request: Request) -> bool:
    """A request worth answering before the listener's full pause: confident, and not made of
    lead-in words alone ("tell me about ..." is someone still thinking)."""
    return (request.intent not in ("unknown", "clarify") and request.confidence >= EARLY_CONFIDENCE
            and any(w not in STOPWORDS for w in partial.split()))

