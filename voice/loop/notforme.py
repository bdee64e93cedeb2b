"""Speech not meant for the guide: room talk, television, its own voice.

The recogniser marks what it most likely heard but was not said to the guide (Transcript.
rejected); the router says when it cannot help. Here is what the spoken loop does about both:
never act on it, say once that it was not caught, and never answer talk in a loop.
"""

from __future__ import annotations

from ..types import Heard, Transcript

QUIET_AFTER = 2  # spoken requests not understood in a row before the guide stops answering them


class NotForMe:
    def __init__(self) -> None:
        self.said_not_caught = False  # "I didn't catch that" is said once until the next request
        self.last_speech: Heard | None = None  # the last request heard by the microphone

    def heard(self, transcript: Transcript) -> Heard:
        """What the loop makes of a transcript from the microphone (judged: understanding/heard.py)."""
        if transcript.rejected:
            return Heard("unclear", transcript.text, urgent=transcript.urgent)
        self.last_speech = Heard("said", transcript.text)
        return self.last_speech

    def say_not_caught(self) -> bool:
        """Whether to say "I didn't catch that" now: once, until the next request."""
        said, self.said_not_caught = self.said_not_caught, True
        return not said

    def answered(self) -> None:
        self.said_not_caught = False

    def keep_quiet(self, heard: Heard, unknown: bool, misunderstood: int) -> bool:
        """Spoken, and not understood again after the guide has twice said what it can do: most
        likely talk in the room, so the answer is only shown."""
        return heard is self.last_speech and unknown and misunderstood > QUIET_AFTER
