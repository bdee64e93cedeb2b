"""Where speech is played: a PyAudio output stream, written in short blocks so it stops fast."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..errors import GuideError
from ..quiet import quiet_stderr
from ..types import Audio, Played

NO_SPEAKER = (
    "No loudspeaker or headphones were found. Plug in speakers or headphones and check "
    "the volume is up, then start the guide again. Until then, answers are printed."
)
LOST_SPEAKER = (
    "The loudspeaker stopped working: it may have been unplugged or switched off. Check it and "
    "the volume. Until it works again, answers are printed."
)
_BLOCK = 512  # frames per write: about 23 ms at 22 kHz, the most a stop has to wait


class NoSpeaker(GuideError):
    pass


class Player:
    """Plays audio on the default output; `play` returns False when stopped early. Everything
    played is told to `played`, so the microphone can take its echo out. A loudspeaker that goes
    away while the guide runs is told once to `lost`; each later sound tries it again."""

    def __init__(
        self, device: int | None = None, played: Played | None = None, lost: Callable[[str], None] | None = None
    ) -> None:
        self.played = played
        self.lost = lost
        self.working = True
        with quiet_stderr():
            import pyaudio

            self._pyaudio = pyaudio
            self.audio = pyaudio.PyAudio()
        self.device = device
        self._streams: dict[int, object] = {}
        try:
            self._stream(22050)
        except OSError as exc:
            self.close()
            raise NoSpeaker(NO_SPEAKER) from exc

    def _stream(self, rate: int):  # noqa: ANN202 - a pyaudio.Stream
        if rate not in self._streams:
            with quiet_stderr():
                self._streams[rate] = self.audio.open(
                    format=self._pyaudio.paInt16,
                    channels=1,
                    rate=rate,
                    output=True,
                    output_device_index=self.device,
                    frames_per_buffer=_BLOCK,
                )
        return self._streams[rate]

    def play(self, audio: Audio, stop: threading.Event | None = None) -> bool:
        try:
            stream = self._stream(audio.rate)
            step = _BLOCK * 2
            for start in range(0, len(audio.pcm), step):
                if stop is not None and stop.is_set():
                    self.silence()
                    return False
                block = audio.pcm[start : start + step]
                if self.played is not None:
                    self.played.add(block, audio.rate)
                stream.write(block)
        except OSError:
            # The device or sound server went away (PortAudio's "Unanticipated host error"): the
            # caption has the words, so the reply goes on without sound.
            self._gone()
            return True
        self.working = True
        return True

    def _gone(self) -> None:
        self.silence()
        if self.working and self.lost is not None:
            self.lost(LOST_SPEAKER)
        self.working = False

    def silence(self) -> None:
        """Drop whatever is still buffered: closing discards it (stopping would play it out
        first), so the voice stops now; the next sound opens a fresh stream."""
        with quiet_stderr():
            for stream in self._streams.values():
                try:
                    stream.close()
                except OSError:
                    pass  # a device that went away cannot be closed cleanly; it is dropped all the same
        self._streams.clear()
        if self.played is not None:
            self.played.cut()

    def close(self) -> None:
        self.silence()
        self.audio.terminate()
