"""Someone else talking in the room: other speech mixed into the guide's microphone while it runs.

The sentences are the blind set's room talk (voice/content/packs/leg_pain.blind/spoken.yaml),
`split: dev` only: the held-out ones are kept for measuring the product, never for rigs.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import yaml

from voice.content.pack import find_pack

from .procs import end
from .pulse import Pulse
from .sound import speech_span
from .speech import speak


def blind_sentences(kind: str = "room_talk", split: str = "dev", guide: str = "leg_pain") -> list[str]:
    """Sentences of one kind from a pack's blind spoken set."""
    path = Path(find_pack(guide)).with_suffix(".blind") / "spoken.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [str(e["say"]) for e in entries if e.get("kind") == kind and e.get("split") == split]


class Talker:
    """Speaks `sentences` into micfeed one after another, `gap` seconds apart, until stopped.

    A different voice from the user's (British English, a little faster), `level_db` relative to
    the user's phrases: someone across the room, not at the laptop.
    """

    def __init__(
        self,
        pulse: Pulse,
        sentences: list[str],
        folder: Path,
        level_db: float = -6.0,
        gap: float = 2.0,
        voice: str = "en-gb-x-rp",
        speed: int = 165,
    ) -> None:
        self.pulse = pulse
        self.level_db = level_db
        self.gap = gap
        self.paths = [
            speak(text, voice, speed, folder / f"room-{voice}-{speed}-{n:02d}.wav", pad=0.2)
            for n, text in enumerate(sentences)
        ]
        self.spoken: list[tuple[float, float]] = []  # monotonic speech start and end of each sentence
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._talk, daemon=True)

    def start(self) -> Talker:
        self._thread.start()
        return self

    def _talk(self) -> None:
        n = 0
        while not self._done.is_set():
            path = self.paths[n % len(self.paths)]
            first, last = speech_span(path)
            started = time.monotonic()
            proc = self.pulse.play(path, level_db=self.level_db, wait=False)
            assert proc is not None
            while proc.poll() is None and not self._done.is_set():
                time.sleep(0.02)
            end(proc)
            self.spoken.append((started + first, min(time.monotonic(), started + last)))
            n += 1
            self._done.wait(self.gap)

    def talking(self, at: float, after: float = 3.0) -> bool:
        """Was the talker speaking at `at`, or had it stopped less than `after` seconds before?"""
        return any(a <= at <= b + after for a, b in self.spoken)

    def stop(self) -> None:
        self._done.set()
        self._thread.join(15)
