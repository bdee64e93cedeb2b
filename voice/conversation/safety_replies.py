"""The guide's answers to safety statements: emergencies, advice and medicine questions, health
questions outside the pack, and the disclaimer (issue 12). The texts are in safety_replies.yaml.

Emergencies are answered whatever else was said, in every state. The other kinds give way to a
command ("can i go back" is "previous"), because people steer the guide in those words too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ..content.pack import Pack
from ..errors import GuideError
from ..understanding.normalize import normalize, number_words
from ..understanding.router import Request, Router
from ..understanding.safety import safety_for

REPLIES_FILE = Path(__file__).parent / "safety_replies.yaml"
DEFAULT_NUMBER = "your local emergency number"
# Intents that are the user steering the guide, not asking about health.
_STEERING = frozenset({"section", "item", "clarify", "unknown", "yes", "second", "no"})


@dataclass(frozen=True)
class SafetyReply:
    text: str
    intent: str  # emergency, advice, referral or disclaimer
    heard: str
    offer: str | None = None  # a section or item id that "yes" reads next


@lru_cache(maxsize=2)
def _texts(path: str = str(REPLIES_FILE)) -> dict[str, str]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise GuideError(f"{path}: the safety replies cannot be read ({exc}).") from None
    return {str(k): " ".join(str(v).split()) for k, v in data.items()}


def spoken_number(number: str) -> str:
    """'999' -> 'nine nine nine' (not 'nine hundred and ninety-nine'); words are kept as they are."""
    number = " ".join(number.split()) or DEFAULT_NUMBER
    digits = number.replace(" ", "").replace("-", "")
    if digits.isdigit():
        return " ".join(number_words(int(d)) for d in digits)
    return number


class SafetyGuide:
    """Finds safety statements (understanding/safety.py) and says the answer to them."""

    def __init__(self, pack: Pack, router: Router, inline: Callable[[str], str] = str) -> None:
        self.pack = pack
        self.router = router
        self.inline = inline  # how a name stands mid-sentence (the session's way)
        self.safety = safety_for(pack)
        self.texts = _texts()

    def emergency(self, text: str) -> bool:
        """Whether `text` tells of an emergency: it wakes the guide and cuts in on a reading."""
        return self.safety.emergency(text)

    def near_emergency(self, text: str) -> bool:
        """Whether `text` could be an emergency misheard ("i'm having a horrid attack")."""
        return self.safety.near_emergency(text)

    def emergency_line(self, number: str) -> str:
        return self.texts["emergency"].format(number=spoken_number(number))

    def not_caught_urgent(self, number: str) -> str:
        """Said to speech that may have been an emergency, heard too unclearly to be sure of it."""
        return self.texts["not_caught_urgent"].format(number=spoken_number(number))

    def disclaimer(self, number: str) -> str:
        """The pack's disclaimer, with the emergency number once a caregiver has set it."""
        reply = self.pack.disclaimer
        if " ".join(number.split()) not in ("", DEFAULT_NUMBER):
            reply += " " + self.texts["disclaimer_number"].format(number=spoken_number(number))
        return reply

    def answer(self, text: str, number: str, choices: tuple[str, ...] = ()) -> SafetyReply | Request | None:
        """The answer when `text` is a safety statement; None when it is not; the command when it
        is a command in health words ("can i go back"), which the guide then does."""
        finding = self.safety.classify(text)
        if finding.kind == "none":
            return None
        heard = normalize(text)
        if finding.kind == "emergency":
            reply = self.emergency_line(number)
            sign = next((s for s in self.pack.warning_signs if s.id == finding.sign), None)
            if sign is not None:  # never a warning sign without its source
                said = self.texts["warning_sign"].format(source=sign.source_name, text=sign.text)
                reply += " " + (said if sign.source_name else sign.text)
            return SafetyReply(reply, "emergency", heard)
        request = self.router.route(text, choices, shape=False)
        if request.intent not in _STEERING:
            return request  # a command in health words: the guide does what was asked
        if finding.kind == "disclaimer":
            return SafetyReply(self.disclaimer(number), "disclaimer", heard)
        if finding.kind == "advice":
            reply = self.texts["advice"]
        else:
            reply = self.texts["referral"].format(topic=self.pack.spoken_title.lower())
        if finding.urgent:
            reply += " " + self.texts["urgent"].format(number=spoken_number(number))
        offer = None
        if finding.kind == "advice" and finding.offer and request.intent in ("section", "item") and request.target:
            offer = request.target
            reply += " " + self.texts["offer"].format(place=self.inline(self.pack.by_id[offer].spoken))
        return SafetyReply(reply, finding.kind, heard, offer)
