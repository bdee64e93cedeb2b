"""When a whole request has been heard: the early-stop decision, piece by piece."""

from __future__ import annotations

import pytest

from voice.loop.ending import EARLY_PAUSE, EndOfRequest, complete, seconds_of
from voice.understanding.router import Router

PIECE = 0.032  # seconds: the microphone's pieces


@pytest.mark.parametrize("text", ["what causes leg pain", "next", "tell me about arthritis"])
def test_whole_requests(router: Router, text: str) -> None:
    assert complete(text, router.route(text))


@pytest.mark.parametrize(
    "text",
    [
        "tell me about",  # lead-in words alone: still thinking
        "yes",  # an answer to a question nobody asked
        "the weather tomorrow",  # not in the guide
    ],
)
def test_not_whole_yet(router: Router, text: str) -> None:
    assert not complete(text, router.route(text))


def quiet_until_done(end: EndOfRequest, limit: float = 2.0) -> float | None:
    """Feed quiet pieces; the seconds of quiet when it was done, or None."""
    heard = 0.0
    while heard < limit:
        end.piece(PIECE, loud=False)
        heard += PIECE
        if end.done:
            return heard
    return None


def test_a_whole_request_is_done_after_a_short_pause(router: Router) -> None:
    end = EndOfRequest(router.route)
    assert not end.piece(PIECE, loud=False)  # quiet before speech is no pause
    for _ in range(20):
        assert not end.piece(PIECE, loud=True)
    assert end.piece(PIECE, loud=False)  # the pause begins: time to judge
    end.judge("what causes leg pain")
    waited = quiet_until_done(end)
    assert waited is not None and EARLY_PAUSE - PIECE <= waited <= EARLY_PAUSE + PIECE


def test_speech_again_after_the_pause_means_it_was_not_the_end(router: Router) -> None:
    end = EndOfRequest(router.route)
    end.piece(PIECE, loud=True)
    end.piece(PIECE, loud=False)
    end.judge("what causes")
    end.piece(PIECE, loud=True)  # "... spinal stenosis"
    assert not end.complete
    assert quiet_until_done(end) is None  # nobody judged the new pause: no early stop


def test_a_half_request_waits(router: Router) -> None:
    end = EndOfRequest(router.route)
    end.piece(PIECE, loud=True)
    end.piece(PIECE, loud=False)
    assert end.judge("tell me about") is not None
    assert quiet_until_done(end) is None
    assert end.judge("") is None and not end.complete


def test_seconds_of_16_bit_mono() -> None:
    assert seconds_of(bytes(32000)) == 1.0
