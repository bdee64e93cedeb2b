"""The shared vocabulary of the guide's parts: audio format, messages, and the small interfaces
each swappable piece (recogniser, microphone, speech output, keys) declares.

The loop is written against these Protocols only, so every member it uses is declared here: a
stand-in (a test's scripted microphone, a silent speaker) must have them all, and nothing is
probed with getattr or hasattr.

A leaf: it imports nothing of the guide, so every layer can depend on it.
"""

from __future__ import annotations

import io
import threading
import time
import wave
from collections.abc import Callable, Generator
from dataclasses import dataclass
from queue import Queue
from typing import Literal, Protocol, runtime_checkable

import numpy as np

SAMPLE_RATE = 16000  # what is heard: 16 kHz, 16-bit, mono PCM
WIDTH = 2


@dataclass(frozen=True)
class Transcript:
    text: str
    confidence: float  # the engine's own 0..1 estimate
    engine: str
    # Heard, but most likely not said to the guide (room talk, television, its own voice): the
    # text is only the engine's best guess, and the guide does not act on it.
    rejected: bool = False
    # What an open-vocabulary model heard in the same speech, when the engine also has one:
    # a second opinion on `text`, which a grammar would bend into one of the guide's phrases.
    open_text: str = ""
    # Rejected, but the grammar heard an emergency that the open words do not bear out: the guide
    # does not sound the alarm at the television, nor say nothing: it points to emergency help.
    urgent: bool = False


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


@dataclass(frozen=True)
class Heard:
    """One thing the user did: said (or typed) something, pressed a key, nothing (silence), or
    ended the input (the end of typed lines); or speech was heard that was most likely not said
    to the guide ("unclear": room talk, television, its own voice), which it does not act on."""

    kind: Literal["said", "key", "silence", "end", "unclear"]
    text: str = ""  # what was said or typed; for a key, its action name
    on_screen: bool = False  # typed at the terminal, so already shown: no "You:" caption
    urgent: bool = False  # unclear, but perhaps an emergency (Transcript.urgent): emergency help is pointed to


class VoiceStyle(Protocol):
    """How the guide speaks (the user's settings satisfy this; read only, so a setting typed more
    narrowly, such as a voice that is always named, still fits)."""

    @property
    def rate(self) -> int: ...

    @property
    def volume(self) -> float: ...

    @property
    def voice(self) -> str | None: ...


@runtime_checkable
class Stream(Protocol):
    """One utterance, decoded while it is being heard."""

    def accept(self, pcm: bytes) -> str:
        """Feed audio; returns the best guess so far."""

    def settle(self) -> Transcript:
        """The speaker has paused: the best transcript of everything so far (the stream goes on)."""

    def finish(self) -> Transcript:
        """No more audio: the final transcript."""


@runtime_checkable
class Recognizer(Protocol):
    name: str
    description: str

    def transcribe(self, pcm: bytes) -> Transcript:
        """A whole utterance at once."""

    def stream(self) -> Stream:
        """Start an utterance to be fed piece by piece."""


@runtime_checkable
class Microphone(Protocol):
    """Live audio in: each `phrase` yields one utterance's audio as it is heard."""

    @property
    def quiet_level(self) -> float | None:
        """The room's level at calibration, if calibrated."""

    @property
    def threshold(self) -> float:
        """The current speech threshold (RMS)."""

    def phrase(self, timeout: float, limit: float) -> Generator[bytes, None, None]:
        """The next utterance's audio, piece by piece; nothing if none starts in `timeout`.

        A generator, so a listener that has heard enough closes it and the capture ends at once.
        Raises NoMicrophone (voice.hearing.microphone) when the device stops working."""


@runtime_checkable
class Speaker(Protocol):
    """Speech out: spoken aloud, saved to files, or not at all."""

    @property
    def first_audio_at(self) -> float | None:
        """When the last reply's first sound was sent (None: nothing was played)."""

    @property
    def spoken_chars(self) -> int:
        """How much of the last reply was spoken before any stop."""

    @property
    def now_playing(self) -> str:
        """The sentence being played, and the one before it ("" when quiet)."""

    def speak(self, text: str, style: VoiceStyle, stop: threading.Event | None = None) -> bool:
        """Say `text`; False when stopped before the end."""

    def play_audio(self, audio: Audio) -> None:
        """Play a sound (a cue) as it is."""

    def close(self) -> None: ...


@runtime_checkable
class Keys(Protocol):
    """A terminal's keys, read as they are pressed: key actions (and, while typing, whole typed
    lines) on one queue, in the order they came."""

    events: Queue[Heard]  # Heard("key", action), Heard("said", line, on_screen=True), Heard("end")
    typing: bool  # letters make a typed line (there is no microphone) rather than act at once
    on_event: Callable[[Heard], None] | None  # told of each event at once, from the reader's thread

    def stop(self) -> None:
        """Stop reading and put the terminal back as it was."""


class EchoCanceller(Protocol):
    """Takes what the loudspeaker played out of what the microphone heard (16 kHz, 16-bit mono)."""

    frame: int  # samples per call

    def cancel(self, heard: bytes, played: bytes) -> bytes:
        """One frame of each: what was heard, less the echo of what was played around then."""


class Played:
    """What the loudspeaker has played, at SAMPLE_RATE on the time.monotonic() clock: playback
    adds each block as it writes it, and the microphone reads back what was playing while it
    captured (the echo canceller's reference). Shared by the speaking and hearing layers, which
    never import each other. Thread-safe: they run in different threads."""

    KEEP = 6.0  # seconds of history: more than any echo's delay and tail

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: list[tuple[float, np.ndarray]] = []  # (start, samples), in time order
        self._rate, self._taken = SAMPLE_RATE, 0  # the last run's rate, and its samples at that rate

    def add(self, pcm: bytes, rate: int, at: float | None = None) -> None:
        """A block written to the loudspeaker at `at` (now): it plays straight after what is
        still queued, or at once when the device had run dry."""
        block = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2")
        now = time.monotonic() if at is None else at
        with self._lock:
            if not (self._runs and self._end(self._runs[-1]) >= now and rate == self._rate):
                self._runs.append((now, np.zeros(0, dtype=np.int16)))
                self._rate, self._taken = rate, 0  # a new run: the device had run dry
            start, old = self._runs[-1]
            # To SAMPLE_RATE by linear interpolation (a reference for a linear filter needs no
            # better), counted over the whole run so that no block's rounding adds up to drift.
            first, last = len(old), round((self._taken + len(block)) * SAMPLE_RATE / rate)
            where = np.arange(first, last) * (rate / SAMPLE_RATE) - self._taken
            samples = np.interp(where, np.arange(len(block)), block).astype(np.int16) if len(block) else block
            self._taken += len(block)
            self._runs[-1] = (start, np.concatenate([old, samples]))
            self._forget(now)

    def cut(self, at: float | None = None) -> None:
        """The loudspeaker was silenced at `at` (now): whatever was queued after it never plays."""
        now = time.monotonic() if at is None else at
        with self._lock:
            kept = []
            for start, samples in self._runs:
                if start < now:
                    kept.append((start, samples[: max(0, round((now - start) * SAMPLE_RATE))]))
            self._runs = kept

    def read(self, start: float, count: int) -> np.ndarray:
        """The `count` samples played from `start` on (silence where nothing played)."""
        out = np.zeros(count, dtype=np.int16)
        with self._lock:
            for begin, samples in self._runs:
                offset = round((begin - start) * SAMPLE_RATE)
                a, b = max(0, offset), min(count, offset + len(samples))
                if a < b:
                    out[a:b] = samples[a - offset : b - offset]
        return out

    def last_end(self) -> float:
        """When the last sound played ends (-inf: nothing was ever played)."""
        with self._lock:
            return self._end(self._runs[-1]) if self._runs else -float("inf")

    @staticmethod
    def _end(run: tuple[float, np.ndarray]) -> float:
        return run[0] + len(run[1]) / SAMPLE_RATE

    def _forget(self, now: float) -> None:
        self._runs = [run for run in self._runs if self._end(run) > now - self.KEEP]
