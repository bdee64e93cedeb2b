"""What the loop writes down: captions of every turn for the screen, and, for the latency
benchmark, where the time of each turn went."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol, TextIO

from ..conversation.session import Reply


class Captions:
    """Captions: "Guide: ..." and "You: ..." lines, so what is heard and said can also be read."""

    def __init__(self, out: TextIO, enabled: bool = True) -> None:
        self.out = out
        self.enabled = enabled

    def show(self, who: str, text: str) -> None:
        if self.enabled:
            print(f"{who}: {text}", file=self.out, flush=True)


@dataclass
class Timings:
    """Where the time of one turn went: perf_counter() readings, in seconds."""

    speech_end: float = 0.0  # the last loud audio of the question was read
    heard_end: float = 0.0  # listening stopped
    recognized: float = 0.0
    routed: float = 0.0
    early_stop: bool = False  # a whole request was heard, so listening stopped at a short pause


class Timed(Protocol):
    timings: Timings  # the last utterance's (the listener's)


class TimingLog:
    """One JSON line per answered spoken turn (for scripts/bench_latency.py); nothing without `out`."""

    def __init__(self, out: TextIO | None) -> None:
        self.out = out

    def record(self, timings: Timings, first_audio_at: float | None, heard: str, intent: str) -> bool:
        """Write the turn's record; False (nothing written) when it was not a spoken turn that
        was answered aloud: nothing heard, or no sound played."""
        if self.out is None or not first_audio_at or not timings.heard_end:
            return False
        t = timings
        # A reply made without the router (an emergency cutting in, a "not caught") has no routing
        # time: its synthesis counts from recognition, not from zero.
        routed = t.routed if t.routed >= t.recognized else t.recognized
        line = {
            "heard": heard,
            "intent": intent,
            "early_stop": t.early_stop,
            "end_of_speech_s": round(t.heard_end - t.speech_end, 4),
            "recognition_s": round(t.recognized - t.heard_end, 4),
            "routing_s": round(routed - t.recognized, 4),
            "synthesis_s": round(first_audio_at - routed, 4),
            "end_to_audio_s": round(first_audio_at - t.speech_end, 4),
        }
        print(json.dumps(line), file=self.out, flush=True)
        return True

    def after_reply(self, listener: Timed | None, first_audio_at: float | None, reply: Reply) -> None:
        """The turn a reply ends, written once: the listener's timings start afresh after it."""
        if listener is not None and self.record(listener.timings, first_audio_at, reply.heard, reply.intent):
            listener.timings = Timings()
