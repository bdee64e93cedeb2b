"""Whether the guide is listening: awake, asleep, or waiting for the talk key.

After a question, silence gets one gentle reprompt; more silence and the guide falls asleep, so
it never talks in a loop. Asleep, it hears only its wake phrase (what follows the phrase is the
request) or any key. With push to talk, the microphone is opened only after the talk key while
awake; asleep, it still listens for the wake phrase.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from enum import Enum

from ..types import Heard
from ..understanding.normalize import tokens


class Turn(Enum):
    """What the loop does next."""

    ACT = "act"  # answer what was heard (the Heard returned with it)
    REPROMPT = "reprompt"  # say the one gentle reprompt
    SLEEP = "sleep"  # fall asleep (say, on screen, how to wake it)
    WAKE = "wake"  # woken by the wake phrase alone: say it is listening
    WAIT = "wait"  # nothing to do: listen again
    UNCLEAR = "unclear"  # speech not meant for the guide, heard while awake: not acted on
    EXIT = "exit"  # leave (only with exit_after_silence, which tests use)


class Attention:
    def __init__(
        self,
        wake_phrase: str,
        push_to_talk: bool = False,
        exit_after_silence: int = 0,
        urgent: Callable[[str], bool] = lambda text: False,
    ) -> None:
        self.wake = tokens(wake_phrase)
        self.urgent = urgent  # an emergency wakes the guide, wake phrase or not
        self.push_to_talk = push_to_talk
        self.exit_after_silence = exit_after_silence  # 0: never leave on its own
        self.asleep = False
        self.silences = 0  # in a row

    @property
    def hears_speech(self) -> bool:
        """Is the microphone to be opened now, without a key? Not while push to talk waits for
        the talk key; asleep, always (for the wake phrase)."""
        return self.asleep or not self.push_to_talk

    @property
    def cues_listening(self) -> bool:
        """Play the "listening" cue before waiting: only when awake and listening by voice."""
        return not self.asleep and not self.push_to_talk

    def hear(self, heard: Heard) -> tuple[Turn, Heard]:
        """What to do about what the user did (or did not do)."""
        if heard.kind == "end":
            return Turn.EXIT, heard
        if heard.kind == "silence" or (heard.kind == "said" and not heard.text.strip()):
            return self._silence(), heard
        if heard.kind == "unclear":
            # Neither a request nor silence: the count towards sleep goes on, so a television
            # talking all evening does not keep the guide awake and answering.
            # Perhaps an emergency: emergency help is pointed to, asleep or not.
            return (Turn.WAIT if self.asleep and not heard.urgent else Turn.UNCLEAR), heard
        self.silences = 0
        if not self.asleep:
            return Turn.ACT, heard
        woken, rest = self._woken(heard)
        if not woken:
            return Turn.WAIT, heard
        self.asleep = False
        if heard.kind == "said":
            return (Turn.ACT, replace(heard, text=rest)) if rest else (Turn.WAKE, heard)
        return Turn.ACT, heard

    def _silence(self) -> Turn:
        self.silences += 1
        if self.exit_after_silence and self.silences >= self.exit_after_silence:
            return Turn.EXIT
        if self.asleep:
            return Turn.WAIT
        if self.silences == 1:
            return Turn.REPROMPT
        self.asleep = True  # never talk in a loop: wait for the wake phrase
        return Turn.SLEEP

    def _woken(self, heard: Heard) -> tuple[bool, str]:
        """Asleep, only the wake phrase (or a key) counts; what follows it is the request."""
        if heard.kind == "key":
            return True, ""
        if self.urgent(heard.text):
            return True, heard.text
        words = tokens(heard.text)
        for start in range(len(words) - len(self.wake) + 1):
            if words[start : start + len(self.wake)] == self.wake:
                return True, " ".join(words[start + len(self.wake) :])
        return False, ""
