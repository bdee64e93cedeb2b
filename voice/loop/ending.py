"""When has a whole request been heard? Listening stops at the listener's pause threshold (half
a second of quiet), or sooner, at a short pause, when what was heard so far is already a whole
request: every answer then starts that much earlier.

Whether it is whole is worked out once per pause, from the careful transcript, not on every quiet
piece; while the guide speaks (when a pause in its own echo must not cost a decode) it is worked
out from the running partial transcript instead.
"""

from __future__ import annotations

from collections.abc import Callable

from ..types import SAMPLE_RATE, WIDTH
from ..understanding.router import Request
from ..understanding.vocabulary import STOPWORDS

EARLY_PAUSE = 0.25  # seconds: a complete request followed by this much quiet needs no longer wait
EARLY_CONFIDENCE = 0.8
# Answers to a question nobody asked: "are right" is the start of "arthritis".
_NOT_ON_THEIR_OWN = ("unknown", "clarify", "yes", "second", "no")


def complete(text: str, request: Request) -> bool:
    """A request worth answering before the listener's full pause: confident, not an answer to a
    question nobody asked, and not made of lead-in words alone ("tell me about ..." is someone
    still thinking)."""
    return (
        request.intent not in _NOT_ON_THEIR_OWN
        and request.confidence >= EARLY_CONFIDENCE
        and any(w not in STOPWORDS for w in text.split())
    )


def seconds_of(pcm: bytes) -> float:
    return len(pcm) / WIDTH / SAMPLE_RATE


class EndOfRequest:
    """Follows one utterance piece by piece: how long the quiet has lasted, whether the user has
    spoken, and whether what they said up to this pause is a whole request."""

    def __init__(self, route: Callable[[str], Request]) -> None:
        self.route = route
        self.quiet = 0.0  # seconds of quiet since the last loud piece
        self.spoke = False
        self.complete = False  # what was heard up to this pause is a whole request

    def piece(self, seconds: float, loud: bool) -> bool:
        """Count one piece of audio; True when it begins a pause after speech (the moment to work
        out whether the request is whole)."""
        pause_began = not loud and self.quiet == 0.0 and self.spoke
        self.quiet = 0.0 if loud else self.quiet + seconds
        if loud:
            self.spoke, self.complete = True, False
        return pause_began

    def judge(self, text: str) -> Request | None:
        """Decide from `text` (all heard so far) whether the request is whole; returns how it was
        understood (None for nothing heard yet)."""
        request = self.route(text) if text else None
        self.complete = request is not None and complete(text, request)
        return request

    @property
    def done(self) -> bool:
        """A whole request and a short pause: answer now rather than wait out the full pause."""
        return self.complete and self.quiet >= EARLY_PAUSE
