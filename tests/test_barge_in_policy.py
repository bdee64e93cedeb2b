"""What may cut in while the guide speaks, and its own voice's echo, judged with the real router."""

from __future__ import annotations

import pytest

from voice.loop.bargein import BARGE_IN, cuts_in, is_echo, key_silences, stops_at_once
from voice.understanding.router import Request, Router

PLAYING = "Causes. Some common causes of sciatica: herniated disc, pregnancy, spinal stenosis."


def test_echo_is_what_is_playing_now() -> None:
    assert is_echo("common causes of sciatica", PLAYING)
    assert is_echo("spinal stenosis", PLAYING)
    assert not is_echo("what is arthritis", PLAYING)
    assert not is_echo("the and of", PLAYING)  # nothing but little words: not judged an echo


@pytest.mark.parametrize("said", ["stop", "next", "say that again", "slower"])
def test_commands_cut_in_even_when_the_words_are_playing(router: Router, said: str) -> None:
    request = router.route(said)
    assert request.intent in BARGE_IN
    assert stops_at_once(request)
    assert cuts_in(said, request, f"{PLAYING} Say {said} to hear more.")


def test_a_new_question_cuts_in_but_its_own_echo_does_not(router: Router) -> None:
    question = "what is arthritis"
    assert cuts_in(question, router.route(question), PLAYING)
    assert not stops_at_once(router.route(question))  # a question waits for the user's pause
    echo = "spinal stenosis"
    assert router.route(echo).confidence >= 0.8
    assert not cuts_in(echo, router.route(echo), PLAYING)


def test_unsure_or_unknown_never_cuts_in() -> None:
    assert not cuts_in("stop", Request("stop", "stop", 0.5), "")
    assert not cuts_in("the weather", Request("unknown", "the weather", 0.9), "")
    assert not cuts_in("disc", Request("clarify", "disc", 0.9), "")
    assert not stops_at_once(None)


def test_keys_that_silence_at_once() -> None:
    assert all(key_silences(action) for action in ("stop", "next", "talk", "quit"))
    assert not key_silences("faster")  # not from the key thread: the loop takes it a moment later
