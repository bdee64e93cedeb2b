"""Barge-in in real time: the real `voice-guide run` on a private PulseAudio server (tests/support).

Spoken commands are played into the guide's microphone while it reads aloud, and what it plays is
recorded, so what it did after "stop" is measured on the sound itself. The limits here are ones
machine load cannot break: the voice stops before the next sentence would have started, the
chimes are no longer than the chimes themselves, the answer heard is the right one. How fast it
stops (the 0.3 s target) is a benchmark figure: scripts/bench_latency.py.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from tests.support.guide import Guide
from tests.support.pulse import Pulse, missing, private_server
from tests.support.room import Talker, blind_sentences
from tests.support.sound import describe, read_wav, voice_seconds
from tests.support.speech import speak, spoken_seconds
from tests.support.track import Track
from voice.content.pack import Pack
from voice.conversation.session import Session
from voice.conversation.settings import RATE_DEFAULT
from voice.speaking.cues import cue
from voice.speaking.synthesis import sentences
from voice.understanding.router import Router

MODULE_DEADLINE = 330.0  # seconds for the whole module; every wait is capped by it
ECHO_DB = -36.0  # a laptop's loudspeaker heard by its own microphone, at the quiet end of usual
ECHO_LOUD_DB = -24.0  # the louder echo the benchmark tries
TALKER_DB = -6.0  # a second talker in the room, against the user's level
ALONE = 35.0  # seconds of the guide talking by itself, with echo, and nobody speaking

_missing = missing("espeak-ng", "sox")
pytestmark = pytest.mark.skipif(
    bool(_missing), reason=f"needs {', '.join(_missing)} (Debian: pulseaudio, pulseaudio-utils, espeak-ng, sox)"
)


@pytest.fixture(scope="module")
def pulse() -> Iterator[Pulse]:
    yield from private_server("barge-in-")


@pytest.fixture(scope="module")
def deadline(pulse: Pulse) -> float:
    return time.monotonic() + MODULE_DEADLINE


@pytest.fixture(scope="module")
def one_sentence(pack: Pack) -> float:
    """Seconds of the longest sentence of the long reading, at the default rate.

    If a stop were not heard, or only acted on at a sentence's end, the voice would go on at
    least into the next sentence: this is the most it may go on after the word, under any load.
    """
    reading = Session(pack).handle("read everything").text
    return max(spoken_seconds(sentence, RATE_DEFAULT) for sentence in sentences(reading))


def cue_seconds(*names: str) -> float:
    return sum(len(a.pcm) / 2 / a.rate for a in (cue(name) for name in names))


@contextmanager
def running_guide(pulse: Pulse, deadline: float, home: Path, *args: str, keys: bool = False) -> Iterator[Guide]:
    """The guide, recorded from before it starts; stopped at the end."""
    if deadline - time.monotonic() < 45:
        pytest.skip("the module's time budget is spent")
    guide = Guide(pulse, home, deadline)
    try:
        guide.start(*args, keys=keys)
        yield guide
    finally:
        guide.close()
        # pytest shows this only for a failing test (PortAudio's probing noise is in the stderr).
        print("--- the guide's captions ---\n" + "\n".join(line[:160] for _, line in guide.lines))
        print("--- the guide's stderr (last lines) ---\n" + guide.stderr_tail())


@pytest.fixture
def reading(pulse: Pulse, deadline: float, tmp_path: Path) -> Iterator[Guide]:
    """The guide a few seconds into reading the whole guide aloud, as "read everything" asks."""
    with running_guide(pulse, deadline, tmp_path) as guide:
        guide.start_long_reading()
        yield guide


def say_goodbye(guide: Guide) -> list[str]:
    guide.say(guide.phrase("goodbye"))
    code = guide.exit_code(20)
    assert code == 0, f"the guide did not leave cleanly after 'goodbye' (exit code {code})"
    return guide.captions("You")


def _energy_db(pcm: np.ndarray, reference: np.ndarray) -> float:
    """How much quieter `pcm` is than `reference`, by total energy (silence around it adds nothing)."""
    energy = float(np.sum(pcm.astype(np.float64) ** 2))
    return 10 * math.log10(max(energy, 1.0) / float(np.sum(reference.astype(np.float64) ** 2)))


def test_the_rig_plays_a_laptops_echo_and_a_second_talker(pulse: Pulse, tmp_path: Path) -> None:
    """What the later tests and the benchmark rely on: the echo and the room talk reach the
    microphone at the levels asked for (PulseAudio's volume is cubic, so this is worth checking)."""
    path = speak("what causes leg pain", "en-us", 150, tmp_path / "words.wav", pad=0.3)
    words, _ = read_wav(path)
    mic = Track("micfeed.monitor", pulse.env)
    try:
        limit = time.monotonic() + 10
        while not mic.ready and time.monotonic() < limit:
            time.sleep(0.05)
        module = pulse.echo(ECHO_LOUD_DB)
        try:
            start = time.monotonic()
            pulse.play(path, device="speaker")  # the guide's loudspeaker
            time.sleep(0.3)
            echo = _energy_db(mic.pcm(mic.at(start), mic.at(time.monotonic())), words)
        finally:
            pulse.unload(module)
        start = time.monotonic()
        pulse.play(path, level_db=TALKER_DB)  # someone across the room
        time.sleep(0.3)
        talker = _energy_db(mic.pcm(mic.at(start), mic.at(time.monotonic())), words)
    finally:
        mic.stop()
    print(f"echo heard at {echo:.1f} dB (asked {ECHO_LOUD_DB:.0f}), talker at {talker:.1f} dB (asked {TALKER_DB:.0f})")
    assert abs(echo - ECHO_LOUD_DB) < 3.0 and abs(talker - TALKER_DB) < 3.0


def test_stop_silences_a_long_reading(reading: Guide, router: Router, one_sentence: float) -> None:
    guide = reading
    stop = guide.say(guide.phrase("stop"))
    guide.wait(lambda: False, 1.5)  # what follows the stop: a cue or two, then quiet listening
    after = guide.speaker.segments(stop.speech_end, time.monotonic())
    before = guide.speaker.segments(stop.speech_start - 1.0, stop.speech_start)
    # What counts: the guide's *voice* after the word "stop" ended. Its "got it" chime, and the
    # "listening" chime that follows when a stop is answered by silence, are told apart from
    # speech by their pure cue pitches; speech running straight into a chime stays speech.
    voice_end = max((s.end for s in after if not s.cue), default=stop.speech_end)
    delay = voice_end - stop.speech_end
    print(f"guide's voice after 'stop' ended: {delay * 1000:.0f} ms; after: {describe(after, stop.speech_end)}")
    assert any(not s.cue for s in before), "the reading was not playing when 'stop' was said"
    assert delay < one_sentence, (
        f"the guide kept speaking {delay:.2f} s after 'stop' (a sentence is at most {one_sentence:.1f} s): "
        f"{describe(after, stop.speech_end)}; heard {guide.captions('You')}"
    )
    chimes = sum(s.end - s.begin for s in after if s.cue)
    allowed = cue_seconds("got_it", "listening") + 0.1  # the detector's edges: 20 ms a side, joined gaps
    assert chimes <= allowed, f"{chimes:.2f} s of chimes after 'stop': {describe(after, stop.speech_end)}"
    # Still alive and listening.
    heard = say_goodbye(guide)
    assert any(router.route(text).intent == "stop" for text in heard), f"'stop' was not captioned: {heard}"
    assert any(router.route(text).intent == "quit" for text in heard), f"'goodbye' was not captioned: {heard}"
    assert any(c.startswith("Goodbye") for c in guide.captions("Guide")), guide.captions("Guide")


def test_new_question_over_a_reading(reading: Guide, router: Router, one_sentence: float) -> None:
    guide = reading
    question = guide.say(guide.phrase("what are the symptoms"))
    guide.wait(
        lambda: any(c.startswith("Symptoms") for c in guide.captions("Guide", since=question.started)),
        15,
        f"the question over the reading was not answered (heard: {guide.captions('You')})",
    )
    answered = guide.wait_until_quiet(question.speech_end, 1.0, 60, "the symptoms answer never ended")
    after = guide.speaker.segments(question.speech_end, answered)
    # After the question: the tail of the reading, the "got it" chime, then the new answer
    # alone, and the "listening" chime once it has been spoken.
    first_cue = next((i for i, s in enumerate(after) if s.cue), None)
    assert first_cue is not None, f"no 'got it' chime after the question: {describe(after, question.speech_end)}"
    tail = max((s.end for s in after[:first_cue] if not s.cue), default=question.speech_end)
    delay = tail - question.speech_end
    print(
        f"reading went on {delay * 1000:.0f} ms after the question: "
        f"{describe(after[: first_cue + 2], question.speech_end)}"
    )
    assert delay < one_sentence, f"the reading went on {delay:.2f} s after the question ended"
    # The symptoms answer is about 30 words (about 12 s at the default rate, a little less
    # without its pauses); the rest of the reading would be minutes. Counted in recorded
    # samples, so load does not stretch it.
    spoken = voice_seconds(after[first_cue + 1 :])
    assert 3.0 < spoken < 25.0, f"the answer sounded for {spoken:.1f} s: {describe(after, question.speech_end)}"
    heard = say_goodbye(guide)
    assert any(router.route(text).intent == "section" for text in heard), heard
    assert any(c.startswith("Goodbye") for c in guide.captions("Guide")), guide.captions("Guide")


def test_escape_key_silences_a_long_reading(pulse: Pulse, deadline: float, one_sentence: float, tmp_path: Path) -> None:
    """Keys for everything: Esc, pressed in the guide's terminal, stops the voice."""
    with running_guide(pulse, deadline, tmp_path, keys=True) as guide:
        guide.start_long_reading()
        pressed = guide.press(b"\x1b")
        guide.wait(lambda: False, 1.5)
        after = guide.speaker.segments(pressed, time.monotonic())
        voice_end = max((s.end for s in after if not s.cue), default=pressed)
        delay = voice_end - pressed
        print(f"guide's voice after Esc: {delay * 1000:.0f} ms; after: {describe(after, pressed)}")
        assert delay < one_sentence, f"the guide kept speaking {delay:.2f} s after Esc"
        guide.press(b"q")
        assert guide.exit_code(20) == 0
        assert any(c.startswith("Goodbye") for c in guide.captions("Guide")), guide.captions("Guide")


LOUD_ECHO_XFAIL = pytest.mark.xfail(
    reason="issue 10 target: nothing self-heard and 'stop' always heard at -24 dB; today (scripts/bench_echo.py, "
    "5 min): 0 self-heard turns but 1 in 26 s in one of four test runs, and 'stop' heard 4/9",
    strict=False,
)


ECHO_XFAIL = pytest.mark.xfail(
    reason="issue 10 target: nothing self-heard at -36 dB; today 0 in a 5-minute bench_echo session, but one "
    "short word ('why') got through in one of three CI runs (residual gate, not the canceller, does the work)",
    strict=False,
)


@pytest.mark.parametrize(
    "level_db", [pytest.param(ECHO_DB, marks=ECHO_XFAIL), pytest.param(ECHO_LOUD_DB, marks=LOUD_ECHO_XFAIL)]
)
def test_its_own_voice_through_the_echo_is_not_an_answer(
    pulse: Pulse, deadline: float, tmp_path: Path, level_db: float
) -> None:
    """A laptop: the loudspeaker heard by the microphone (-36 dB and -24 dB). Nobody speaks at all,
    so every "You:" caption while the guide reads its welcome and a section is its own voice
    taken for the user's. The guide takes its echo out (voice/hearing/echo.py)."""
    module = pulse.echo(level_db)
    try:
        level = pulse.echo_level_db(module)
        assert level is not None and abs(level - level_db) < 1.0, f"the echo plays at {level} dB"
        with running_guide(pulse, deadline, tmp_path, "--start-at", "about") as guide:
            begin = guide.started
            guide.wait(lambda: 1 in guide.speaker.loud(begin), 60, "the guide never spoke")
            # It may even take its own "goodbye" for the user's, and leave.
            guide.wait(lambda: guide.proc is not None and guide.proc.poll() is not None, ALONE)
            talked = voice_seconds(guide.speaker.segments(begin))
            heard = guide.captions("You")
            print(f"self-heard turns with echo at {level_db:.0f} dB: {len(heard)} in {talked:.0f} s of speech: {heard}")
            assert not heard, (
                f"with nobody speaking, the guide took {len(heard)} things for the user's in {talked:.0f} s "
                f"of its own speech: {heard}; it said {[c[:40] for c in guide.captions('Guide')]}"
            )
            assert talked > 20.0, f"the guide spoke for only {talked:.0f} s: nothing to hear itself in"
    finally:
        pulse.unload(module)


@LOUD_ECHO_XFAIL
def test_a_question_and_stop_over_the_echo_with_a_talker_in_the_room(
    pulse: Pulse, deadline: float, tmp_path: Path, router: Router, one_sentence: float
) -> None:
    """The louder echo (-24 dB), and someone else saying something across the room while the
    guide reads: the person's question over the reading is still answered, and their "stop"
    over the answer still silences it. (Whether the room talk is taken for a request is the
    recogniser's part, not the echo's: only what the person said is checked.)"""
    module = pulse.echo(ECHO_LOUD_DB)
    talker: Talker | None = None
    try:
        with running_guide(pulse, deadline, tmp_path) as guide:
            guide.start_long_reading()
            talker = Talker(pulse, blind_sentences()[:1], tmp_path, level_db=TALKER_DB, gap=60).start()
            guide.wait(lambda: bool(talker.spoken), 10, "the talker did not speak")
            guide.wait(lambda: False, 1.0)
            question = guide.say(guide.phrase("what are the symptoms"))
            guide.wait(
                lambda: any(c.startswith("Symptoms") for c in guide.captions("Guide", since=question.started)),
                15,
                f"the question over the echo was not answered (heard: {guide.captions('You')})",
            )
            guide.wait(lambda: False, 1.5)  # into the answer
            stop = guide.say(guide.phrase("stop"))
            guide.wait(lambda: False, 1.5)
            after = guide.speaker.segments(stop.speech_end, time.monotonic())
            voice_end = max((s.end for s in after if not s.cue), default=stop.speech_end)
            delay = voice_end - stop.speech_end
            heard = guide.captions("You", since=stop.started)
            print(f"voice after 'stop' over the echo: {delay * 1000:.0f} ms; heard {guide.captions('You')}")
            assert any(router.route(text).intent == "stop" for text in heard), f"'stop' was not heard: {heard}"
            assert delay < one_sentence, (
                f"the guide kept speaking {delay:.2f} s after 'stop' over the echo: {describe(after, stop.speech_end)}"
            )
    finally:
        if talker is not None:
            talker.stop()
        pulse.unload(module)
