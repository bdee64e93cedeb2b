"""The sleep / wake / push-to-talk state machine, turn by turn."""

from __future__ import annotations

from voice.loop.attention import Attention, Turn
from voice.types import Heard

SILENCE = Heard("silence")


def test_one_reprompt_then_asleep_then_quiet() -> None:
    attention = Attention("guide")
    assert attention.hear(SILENCE)[0] is Turn.REPROMPT
    assert attention.hear(Heard("said", "  "))[0] is Turn.SLEEP  # nothing said counts as silence
    assert attention.asleep
    assert [attention.hear(SILENCE)[0] for _ in range(5)] == [Turn.WAIT] * 5  # never a loop


def test_a_request_resets_the_silences() -> None:
    attention = Attention("guide")
    attention.hear(SILENCE)
    assert attention.hear(Heard("said", "what causes leg pain")) == (Turn.ACT, Heard("said", "what causes leg pain"))
    assert attention.hear(SILENCE)[0] is Turn.REPROMPT  # a fresh reprompt after a fresh question


def asleep(wake: str = "guide") -> Attention:
    attention = Attention(wake)
    attention.hear(SILENCE)
    attention.hear(SILENCE)
    assert attention.asleep
    return attention


def test_asleep_only_the_wake_phrase_counts() -> None:
    attention = asleep()
    assert attention.hear(Heard("said", "what causes leg pain"))[0] is Turn.WAIT
    assert attention.asleep
    assert attention.hear(Heard("said", "guide"))[0] is Turn.WAKE
    assert not attention.asleep


def test_what_follows_the_wake_phrase_is_the_request() -> None:
    attention = asleep("hey guide")
    turn, heard = attention.hear(Heard("said", "um, hey guide, what causes leg pain"))
    assert turn is Turn.ACT and heard == Heard("said", "what causes leg pain")
    assert not attention.asleep


def test_any_key_wakes_it_and_acts() -> None:
    attention = asleep()
    assert attention.hear(Heard("key", "next")) == (Turn.ACT, Heard("key", "next"))
    assert not attention.asleep


def test_push_to_talk_listens_only_after_the_key_unless_asleep() -> None:
    attention = Attention("guide", push_to_talk=True)
    assert not attention.hears_speech and not attention.cues_listening
    attention.hear(SILENCE)
    attention.hear(SILENCE)
    assert attention.hears_speech  # asleep, it listens for the wake phrase
    assert not attention.cues_listening  # quietly
    assert Attention("guide").hears_speech and Attention("guide").cues_listening


def test_end_and_exit_after_silence() -> None:
    assert Attention("guide").hear(Heard("end"))[0] is Turn.EXIT
    attention = Attention("guide", exit_after_silence=3)
    assert [attention.hear(SILENCE)[0] for _ in range(3)] == [Turn.REPROMPT, Turn.SLEEP, Turn.EXIT]
