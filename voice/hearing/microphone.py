"""Where speech is heard: the microphone, through SpeechRecognition (capture, ambient-noise
calibration, listening with a timeout and phrase limit). With an echo canceller, every block
captured has the guide's own voice taken out first (echo.py)."""

from __future__ import annotations

import math
from collections.abc import Generator

import speech_recognition as sr

from ..errors import GuideError
from ..quiet import quiet_stderr
from ..types import SAMPLE_RATE, WIDTH, EchoCanceller, Played
from .echo import EchoFilter
from .levels import rms
from .lookback import Lookback

NO_MICROPHONE = (
    "No microphone was found. Plug in a microphone or headset, check that it is switched "
    "on and not muted, then start the guide again. Until then, you can type your questions."
)


class NoMicrophone(GuideError):
    pass


class _Recognizer(sr.Recognizer):
    """SpeechRecognition's listener, its speech threshold never below the room's calibrated
    level: while the guide speaks, its echo is taken out, and a threshold that sank with the
    quiet left behind would take what remains of the echo (or a breath) for speech."""

    lowest = 0.0

    @property
    def energy_threshold(self) -> float:
        return self._threshold

    @energy_threshold.setter
    def energy_threshold(self, value: float) -> None:
        self._threshold = max(value, self.lowest)


class Microphone:
    """The microphone, opened once; each `phrase` yields one utterance's audio as it is heard."""

    def __init__(
        self,
        device: int | None = None,
        pause: float = 0.5,
        played: Played | None = None,
        canceller: EchoCanceller | None = None,
    ) -> None:
        self.recognizer = _Recognizer()
        # A person's pause within a question is rarely longer than this; the default 0.8 s
        # adds that much to every answer's delay.
        self.recognizer.pause_threshold = pause
        self.recognizer.non_speaking_duration = min(0.3, pause)
        self.recognizer.dynamic_energy_threshold = True
        self.device = device
        self.source: sr.Microphone | None = None
        self.quiet_level: float | None = None  # the room's level at calibration
        self.played = played  # what the loudspeaker plays: the echo to take out
        self.canceller = canceller
        self.echo: EchoFilter | None = None
        self.lookback: Lookback | None = None

    def __enter__(self) -> Microphone:
        try:
            with quiet_stderr():
                # 32 ms pieces (SpeechRecognition's default is 64 ms): the end of a request
                # is noticed sooner, and every answer starts that much earlier.
                self.source = sr.Microphone(device_index=self.device, sample_rate=SAMPLE_RATE, chunk_size=512)
                self.source.__enter__()
            if self.source.stream is None:
                # SpeechRecognition swallows the error when the input stream cannot open.
                raise OSError("the microphone's input stream could not be opened")
            if self.played is not None:
                # Before SpeechRecognition, so nothing (its thresholds, the recogniser) hears the echo.
                self.echo = self.source.stream = EchoFilter(self.source.stream, self.played, self.canceller)
            # As much as SpeechRecognition keeps from before an utterance starts, and one more.
            before = self.recognizer.non_speaking_duration * SAMPLE_RATE / self.source.CHUNK
            self.lookback = self.source.stream = Lookback(self.source.stream, math.ceil(before) + 1, self.echo)
        except (OSError, AttributeError, AssertionError) as exc:
            self.source = None
            raise NoMicrophone(NO_MICROPHONE) from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self.source is not None:
            with quiet_stderr():
                try:
                    self.source.__exit__(None, None, None)
                except (OSError, AttributeError):
                    pass  # a stream that never opened, or a device already gone
            self.source = None

    def calibrate(self, seconds: float = 0.5) -> float:
        """Learn the room's background level; returns the speech threshold."""
        assert self.source is not None
        self.recognizer.adjust_for_ambient_noise(self.source, duration=seconds)
        self.quiet_level = self.recognizer.energy_threshold
        if self.echo is not None:
            self.recognizer.lowest = self.quiet_level
            # Echo left over is turned down below the speech threshold (which is the room's
            # level times this ratio), so it never starts an utterance.
            self.echo.floor = self.quiet_level / self.recognizer.dynamic_energy_ratio
        return self.recognizer.energy_threshold

    def level(self, seconds: float = 1.0) -> int:
        """The loudest sound heard in `seconds` (RMS of 16-bit samples)."""
        assert self.source is not None
        loudest = 0
        chunks = max(1, int(seconds * SAMPLE_RATE / self.source.CHUNK))
        for _ in range(chunks):
            block = self.source.stream.read(self.source.CHUNK)
            loudest = max(loudest, rms(block))
        return loudest

    def phrase(self, timeout: float, limit: float) -> Generator[bytes, None, None]:
        """Yield the audio of the next utterance piece by piece; nothing if none starts in time.

        The caller may stop early (a complete request heard): closing the generator ends it.
        """
        assert self.source is not None and self.lookback is not None
        # The audio given again is not new time: the timeout counts only what is heard now.
        timeout += self.lookback.start() * self.source.CHUNK / SAMPLE_RATE
        began = False
        try:
            for chunk in self.recognizer.listen(self.source, timeout=timeout, phrase_time_limit=limit, stream=True):
                audio = chunk.get_raw_data(convert_rate=SAMPLE_RATE, convert_width=WIDTH)
                if not began:  # the moments before the word, as heard before the echo gate
                    audio = self.lookback.ungated(len(audio)) or audio
                began = True
                yield audio
        except sr.WaitTimeoutError:
            return
        except OSError as exc:  # unplugged while listening
            raise NoMicrophone("The microphone stopped working. " + NO_MICROPHONE) from exc
        finally:
            if began:
                self.lookback.fresh()  # an utterance was heard: what came before it is done with
            else:
                self.lookback.rewind()  # nothing began: the next listen starts with these moments

    @property
    def threshold(self) -> float:
        return self.recognizer.energy_threshold
