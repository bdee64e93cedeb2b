"""The shared vocabulary of the guide's parts: audio format, messages, and the small interfaces
each swappable piece (recogniser, microphone, speech output, keys) declares.

A leaf: it imports nothing of the guide, so every layer can depend on it.
"""

from __future__ import annotations

import io
import threading
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from queue import Queue
from typing import Protocol

SAMPLE_RATE = 16000  # what is heard: 16 kHz, 16-bit, mono PCM
WIDTH = 2


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float  # the engine's own 0..1 estimate
    engine: str


@dataclass(frozen=True)
class Audio:
    """Something to be played: 16-bit mono PCM at `rate`."""

    pcm: bytes
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.pcm) / 2 / self.rate

    def wav_bytes(self) -> bytes:
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(self.rate)
            wav.writeframes(self.pcm)
        return out.getvalue()


@dataclass(frozen=True)
class Phrases:
    """What a recogniser should expect to hear, from the understanding layer: the command
    phrases, the names of the pack's sections and items, the words people wrap around a name,
    and every whole phrase (names in their frames, commands, and extra phrases such as the wake
    phrase)."""

    commands: tuple[str, ...]
    names: tuple[str, ...]
    leads: tuple[str, ...]
    tails: tuple[str, ...]
    whole: tuple[str, ...]
    extra: tuple[str, ...] = ()


class VoiceStyle(Protocol):
    """How the guide speaks (the user's settings satisfy this)."""

    rate: int
    volume: float
    voice: str | None


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


class Microphone(Protocol):
    """Live audio in: each `phrase` yields one utterance's audio as it is heard."""

    @property
    def quiet_level(self) -> float | None:
        """The room's level at calibration, if calibrated."""

    @property
    def threshold(self) -> float:
        """The current speech threshold (RMS)."""

    def phrase(self, timeout: float, limit: float) -> Iterator[bytes]:
        """The next utterance's audio, piece by piece; nothing if none starts in `timeout`."""


class Speaker(Protocol):
    """Speech out: spoken aloud, saved to files, or not at all."""

    first_audio_at: float | None  # when the last reply's first sound was sent
    spoken_chars: int  # how much of the last reply was spoken before any stop
    now_playing: str  # the sentence being played, and the one before it

    def speak(self, text: str, style: VoiceStyle, stop: threading.Event | None = None) -> bool:
        """Say `text`; False when stopped before the end."""

    def play_audio(self, audio: Audio) -> None:
        """Play a sound (a cue) as it is."""

    def close(self) -> None: ...


class Keys(Protocol):
    """Single key presses, as action names on a queue."""

    @property
    def actions(self) -> Queue[str]: ...

    def stop(self) -> None: ...
