"""One turn's answer, as said: immutable, so what was spoken is what was logged and kept."""

from __future__ import annotations

from dataclasses import dataclass

from .intents import Intent


@dataclass(frozen=True)
class Reply:
    """`text` is exactly what is spoken. Change a copy with dataclasses.replace."""

    text: str
    intent: Intent | str  # an Intent; str for callers outside the conversation (a StrEnum is one)
    heard: str = ""
    confidence: float = 0.0
    section: str | None = None
    item: str | None = None
    quit: bool = False
    stop: bool = False  # stop speaking now (the reply itself is short)
    settings_changed: bool = False  # a setting the user will expect to keep next time
    memory_changed: bool = False  # the place or the bookmark to keep for next time
    # For long readings: (position, text) pieces, so a listener who stops halfway can resume.
    parts: tuple[tuple[int, str], ...] = ()

    def part_reached(self, spoken: int) -> int:
        """How far a long reading got when `spoken` characters of it had been said."""
        total = 0
        for position, text in self.parts:
            total += len(text) + 1
            if total > spoken:
                return position
        return self.parts[-1][0]

    def as_json(self) -> dict:
        return {
            "heard": self.heard,
            "intent": str(self.intent),
            "section": self.section,
            "item": self.item,
            "reply": self.text,
            "confidence": self.confidence,
        }
