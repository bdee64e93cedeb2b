"""Hearing one utterance: audio from the microphone, decoded as it comes, until the request is
whole (ending.py) or the listener's pause; while the guide speaks, a command heard on the way
silences it at once (bargein.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator

from ..hearing.levels import rms
from ..types import Microphone, Recognizer, Transcript
from ..understanding.router import Request
from .bargein import stops_at_once
from .ending import EndOfRequest, seconds_of
from .records import Timings

LISTEN_TIMEOUT = 8.0  # seconds of silence after a prompt before the one gentle reprompt
PHRASE_LIMIT = 12.0  # nobody asks a question longer than this; noise might never stop
SLICE = 0.3  # while speaking or asleep, listen in slices this long so keys are seen soon


class Listener:
    """Turns the microphone's audio into transcripts; `timings` describes the last utterance
    heard while the guide was quiet."""

    def __init__(
        self,
        microphone: Microphone,
        recognizer: Recognizer,
        route: Callable[[str], Request],
        stop_speaking: threading.Event,
    ) -> None:
        self.microphone = microphone
        self.recognizer = recognizer
        self.route = route  # the session's router, with its pending choices
        self.stop_speaking = stop_speaking
        self.timings = Timings()

    def listen(self, timeout: float, speaking: bool = False) -> Transcript | None:
        """The next utterance, or None when none starts within `timeout` seconds. Raises
        NoMicrophone when the microphone stops working."""
        return self.recognize(self.microphone.phrase(timeout, PHRASE_LIMIT), speaking)

    def quiet_level(self) -> float:
        # Quiet is judged against the room's level from calibration: SpeechRecognition's own
        # threshold rises while someone speaks, which would hear the end of a word as quiet.
        return self.microphone.quiet_level or self.microphone.threshold

    def recognize(self, chunks: Generator[bytes, None, None], speaking: bool = False) -> Transcript | None:
        """Decode `chunks` (one utterance's audio) until the request is whole or they end."""
        stream = None
        end = EndOfRequest(self.route)
        timings = Timings()
        threshold = self.quiet_level()
        try:
            for chunk in chunks:
                now = timings.heard_end = time.perf_counter()  # when it was heard, before decoding
                if stream is None:
                    stream = self.recognizer.stream()
                partial = stream.accept(chunk)
                loud = rms(chunk) > threshold
                pause_began = end.piece(seconds_of(chunk), loud)
                if loud or not timings.speech_end:
                    timings.speech_end = now
                if speaking:
                    if stops_at_once(end.judge(partial)):
                        self.stop_speaking.set()  # "stop" works at once, not after the pause
                elif pause_began:
                    # The careful transcript is worked out while the pause is still being
                    # timed, so that if the request is complete the answer can start at once.
                    # (Not while the guide speaks: each pause in its own echo would cost a
                    # decode that holds up the speaking thread.)
                    end.judge(stream.settle().text)
                if end.done:
                    timings.early_stop = True
                    break
        finally:
            chunks.close()  # stops the capture when the request was whole before its pause
        if stream is None:
            return None
        transcript = stream.finish()
        timings.recognized = time.perf_counter()
        if not speaking:
            self.timings = timings
        return transcript
