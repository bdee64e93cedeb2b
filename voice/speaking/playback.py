"""Where speech is played: a PyAudio output stream, written in short blocks so it stops fast."""

from __future__ import annotations

import threading

from ..errors import GuideError
from ..quiet import quiet_stderr
from ..types import Audio, Played

NO_SPEAKER = (
    "No loudspeaker or headphones were found. Plug in speakers or headphones and check "
    "the volume is up, then start the guide again. Until then, answers are printed."
)
_BLOCK = 512  # frames per write: about 23 ms at 22 kHz, the most a stop has to wait


class NoSpeaker(GuideError):
    pass


class Player:
    """Plays audio on the default output; `play` returns False when stopped early. Everything
    played is told to `played`, so the microphone can take its echo out."""

    def __init__(self, device: int | None = None, played: Played | None = None) -> None:
        self.played = played
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
        return True

    def silence(self) -> None:
        """Drop whatever is still buffered: closing discards it (stopping would play it out
        first), so the voice stops now; the next sound opens a fresh stream."""
        with quiet_stderr():
            for stream in self._streams.values():
                stream.close()
        self._streams.clear()
        if self.played is not None:
            self.played.cut()

    def close(self) -> None:
        self.silence()
        self.audio.terminate()
