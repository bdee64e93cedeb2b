"""Captions and the benchmark's timing records."""

from __future__ import annotations

import io
import json

from voice.loop.records import Captions, TimingLog, Timings


def test_captions_on_and_off() -> None:
    out = io.StringIO()
    Captions(out).show("Guide", "Welcome.")
    Captions(out, enabled=False).show("You", "hello")
    assert out.getvalue() == "Guide: Welcome.\n"


def test_a_timing_record_splits_the_turn() -> None:
    out = io.StringIO()
    timings = Timings(speech_end=10.0, heard_end=10.3, recognized=10.35, routed=10.36, early_stop=True)
    assert TimingLog(out).record(timings, 10.5, "what causes leg pain", "section")
    record = json.loads(out.getvalue())
    assert record == {
        "heard": "what causes leg pain",
        "intent": "section",
        "early_stop": True,
        "end_of_speech_s": 0.3,
        "recognition_s": 0.05,
        "routing_s": 0.01,
        "synthesis_s": 0.14,
        "end_to_audio_s": 0.5,
    }


def test_no_record_without_a_heard_and_spoken_turn() -> None:
    out = io.StringIO()
    heard = Timings(speech_end=1.0, heard_end=1.2)
    assert not TimingLog(out).record(heard, None, "x", "y")  # nothing played (no loudspeaker)
    assert not TimingLog(out).record(Timings(), 2.0, "x", "y")  # nothing heard (a key, the welcome)
    assert not TimingLog(None).record(heard, 2.0, "x", "y")
    assert out.getvalue() == ""


def test_a_reply_made_without_the_router_counts_its_synthesis_from_recognition() -> None:
    out = io.StringIO()
    timings = Timings(speech_end=10.0, heard_end=10.3, recognized=10.35)  # routed never set
    assert TimingLog(out).record(timings, 10.5, "help me", "emergency")
    record = json.loads(out.getvalue())
    assert record["routing_s"] == 0.0 and record["synthesis_s"] == 0.15, record
