"""How the guide speaks and listens: the values a user can change, and their bounds."""

from __future__ import annotations

from dataclasses import dataclass

# Words per minute. 150 is a calm reading pace; below 90 words fall apart, above 250
# few older listeners keep up.
RATE_MIN, RATE_MAX, RATE_STEP, RATE_DEFAULT = 90, 250, 20, 150
# Volume is pyttsx3's 0..1 scale; below 0.3 speech is lost on a laptop's speakers.
VOLUME_MIN, VOLUME_MAX, VOLUME_STEP, VOLUME_DEFAULT = 0.3, 1.0, 0.1, 0.9


@dataclass
class Settings:
    rate: int = RATE_DEFAULT
    volume: float = VOLUME_DEFAULT
    voice: str = ""  # a pyttsx3 voice id or name; "" means the system default

    def change_rate(self, steps: int) -> bool:
        """Move the rate by whole steps within bounds; False when already at the bound."""
        new = min(RATE_MAX, max(RATE_MIN, self.rate + steps * RATE_STEP))
        changed, self.rate = new != self.rate, new
        return changed

    def change_volume(self, steps: int) -> bool:
        new = round(min(VOLUME_MAX, max(VOLUME_MIN, self.volume + steps * VOLUME_STEP)), 2)
        changed, self.volume = new != self.volume, new
        return changed
