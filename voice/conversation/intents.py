"""What a person can ask the guide to do: one Enum, so that a name in commands.yaml without a
handler in the conversation is an error when the guide starts, not a silent "unknown"."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from ..errors import GuideError


class Intent(StrEnum):
    """A str Enum: the router's Request.intent strings compare equal to these members."""

    # Routed to a place in the pack
    SECTION = "section"
    ITEM = "item"
    CLARIFY = "clarify"
    UNKNOWN = "unknown"
    # Moving through the guide
    NEXT = "next"
    PREVIOUS = "previous"
    REPEAT = "repeat"
    START_OVER = "start_over"
    READ_ALL = "read_all"
    ORDINAL = "ordinal"
    # The voice and the guide itself
    SLOWER = "slower"
    FASTER = "faster"
    LOUDER = "louder"
    QUIETER = "quieter"
    STOP = "stop"
    QUIT = "quit"
    CUES_OFF = "cues_off"
    CUES_ON = "cues_on"
    # Memory
    BOOKMARK = "bookmark"
    GOTO_BOOKMARK = "goto_bookmark"
    # Help
    HELP = "help"
    KEYS = "keys"
    DISCLAIMER = "disclaimer"
    GREET = "greet"
    # Answers to "Did you mean ...?"
    YES = "yes"
    SECOND = "second"
    NO = "no"
    # Said by the guide, never asked for: no handler
    WELCOME = "welcome"
    RESUME = "resume"
    REPROMPT = "reprompt"
    WAKE = "wake"


SAID_ONLY = frozenset({Intent.WELCOME, Intent.RESUME, Intent.REPROMPT, Intent.WAKE})


def as_intent(name: str) -> Intent:
    """The router's intent string as an Intent; a name the conversation does not know is
    'unknown' (check_commands makes sure commands.yaml has none)."""
    try:
        return Intent(name)
    except ValueError:
        return Intent.UNKNOWN


def check_commands(names: Iterable[str], handled: Iterable[Intent], source: str = "commands.yaml") -> None:
    """Every intent the command phrases name must have a handler: fail at load, with the fix."""
    handled = set(handled)
    for name in names:
        try:
            intent = Intent(name)
        except ValueError:
            known = ", ".join(sorted(i.value for i in handled))
            raise GuideError(
                f"{source}: intent '{name}' is not one the guide knows (a typo?); known intents: {known}"
            ) from None
        if intent not in handled:
            raise GuideError(f"{source}: intent '{name}' has no handler in the conversation; add one to HANDLERS")
