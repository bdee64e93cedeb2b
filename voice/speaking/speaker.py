"""Speech output behind one small interface: spoken aloud, saved to files, or not at all."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from ..types import Audio, VoiceStyle
from .playback import Player
from .synthesis import Synthesizer, sentences


class Silent:
    """No audio output: the captions are all there is."""

    first_audio_at: float | None = None  # nothing is ever played
    now_playing = ""
    spoken_chars = 0

    def speak(self, text: str, style: VoiceStyle, stop: threading.Event | None = None) -> bool:
        self.spoken_chars = len(text)
        return True

    def play_audio(self, audio: Audio) -> None:
        pass

    def close(self) -> None:
        pass


class Voice:
    """Synthesises each sentence and plays it (if a player is given) before the next."""

    def __init__(
        self, synthesizer: Synthesizer, player: Player | None = None, save_dir: str | Path | None = None
    ) -> None:
        self.synthesizer = synthesizer
        self.player = player
        self.save_dir = Path(save_dir) if save_dir else None
        self.count = 0
        self.first_audio_at: float | None = None  # when the last reply's first sound was sent
        self.spoken_chars = 0  # how much of the last reply was spoken before any stop
        self.now_playing = ""  # the sentence being played, and the one before it
        if self.save_dir:
            self.save_dir.mkdir(parents=True, exist_ok=True)

    def speak(self, text: str, style: VoiceStyle, stop: threading.Event | None = None) -> bool:
        self.count += 1
        self.first_audio_at = None
        self.spoken_chars = 0
        spoken: list[Audio] = []
        finished = True
        previous = ""
        for sentence in sentences(text):
            audio = None if stop is not None and stop.is_set() else self.synthesizer.synthesize(sentence, style)
            if audio is None or (stop is not None and stop.is_set()):
                # Stopped between sentences: the end of the last one may still be buffered in
                # the sound device.
                if self.player is not None:
                    self.player.silence()
                finished = False
                break
            spoken.append(audio)
            self.now_playing, previous = f"{previous} {sentence}", sentence
            if self.player is not None:
                if self.first_audio_at is None:
                    self.first_audio_at = time.perf_counter()
                if not self.player.play(audio, stop):
                    finished = False
                    break
            self.spoken_chars += len(sentence) + 1
        self.now_playing = ""
        if self.save_dir and spoken:
            slug = re.sub(r"[^a-z0-9]+", "-", text.lower())[:40].strip("-")
            joined = Audio(b"".join(a.pcm for a in spoken), spoken[0].rate)
            (self.save_dir / f"{self.count:03d}-{slug}.wav").write_bytes(joined.wav_bytes())
        return finished

    def play_audio(self, audio: Audio) -> None:
        if self.player is not None:
            self.player.play(audio)

    def close(self) -> None:
        if self.player is not None:
            self.player.close()
