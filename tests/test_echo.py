"""The echo canceller's parts on their own: the played-audio reference, the residual gate, and
the filter the microphone reads through (real speexdsp where it is installed)."""

from __future__ import annotations

import numpy as np
import pytest

from voice.hearing.echo import LEARNED, EchoFilter, ResidualGate, make_canceller
from voice.types import SAMPLE_RATE, Played


def tone(seconds: float, rate: int, level: float = 8000.0, hz: float = 440.0) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    return (level * np.sin(2 * np.pi * hz * t)).astype("<i2").tobytes()


def test_played_lays_blocks_end_to_end_at_16_khz_without_drift() -> None:
    played = Played()
    block = tone(512 / 22050, 22050)  # the player's blocks: 512 frames at 22050 Hz
    for _ in range(431):  # about 10 s
        played.add(block, 22050, at=100.0)  # written faster than they play: one run
    seconds = 431 * 512 / 22050
    assert played.last_end() == pytest.approx(100.0 + seconds, abs=1 / SAMPLE_RATE)
    assert np.abs(played.read(100.0 + seconds - 0.01, 100)).max() > 1000  # sound up to the end
    assert not played.read(100.0 + seconds + 0.01, 100).any()  # nothing after it
    played.cut(at=101.0)  # silenced: what was queued after that never plays
    assert played.last_end() == pytest.approx(101.0, abs=1 / SAMPLE_RATE)


def test_the_gate_turns_echo_down_but_lets_a_voice_through() -> None:
    gate = ResidualGate()
    rng = np.random.default_rng(1)
    echo = [not gate.passes(8000 * 10 ** (rng.uniform(-34, -26) / 20), 8000) for _ in range(LEARNED * 5)]
    assert all(echo[LEARNED:]), "echo at -34..-26 dB of what is played got through"
    assert gate.passes(3000, 8000)  # the person, near the guide's own level
    assert gate.passes(3000, 0)  # nothing played: nothing is echo


class Mic:
    """A microphone stream that hears `pcm`, block by block."""

    def __init__(self, pcm: bytes) -> None:
        self.pcm, self.at = pcm, 0

    def read(self, size: int) -> bytes:
        block = self.pcm[self.at : self.at + size * 2]
        self.at += size * 2
        return block

    def close(self) -> None:
        pass


def test_the_filter_passes_the_room_as_it_is_when_nothing_played() -> None:
    canceller, _ = make_canceller()
    if canceller is None:
        pytest.skip("speexdsp is not installed")
    heard = tone(0.5, SAMPLE_RATE, 3000)
    echo = EchoFilter(Mic(heard), Played(), canceller)
    assert b"".join(echo.read(512) for _ in range(15)) == heard[: 15 * 1024]
    assert echo.gated == 0


@pytest.mark.parametrize("cancel", [True, False], ids=["cancelled", "gate alone"])
def test_the_filter_turns_the_guides_own_echo_down(cancel: bool) -> None:
    canceller, _ = make_canceller()
    if cancel and canceller is None:
        pytest.skip("speexdsp is not installed")
    canceller = canceller if cancel else None
    played = Played()
    rng = np.random.default_rng(2)
    voice = (rng.standard_normal(SAMPLE_RATE * 4) * 4000).astype("<i2")
    played.add(voice.tobytes(), SAMPLE_RATE)  # the guide starts playing now
    echo_pcm = np.zeros_like(voice)
    echo_pcm[800:] = (voice[:-800] * 0.05).astype("<i2")  # -26 dB, 50 ms later
    echo = EchoFilter(Mic(echo_pcm.tobytes()), played, canceller)
    echo.floor = 10.0
    out = [np.frombuffer(echo.read(512), dtype="<i2") for _ in range(100)]
    assert echo.gated > 80, f"only {echo.gated} of 100 echo blocks were turned down"
    assert max(float(np.sqrt(np.mean(b.astype(float) ** 2))) for b in out[LEARNED:] if len(b)) < 200


def speechlike(seconds: float, seed: int) -> np.ndarray:
    """Noise that rises and falls as speech does: syllables of random length and loudness, pauses."""
    rng = np.random.default_rng(seed)
    level = np.concatenate(
        [
            np.full(int(rng.uniform(0.08, 0.3) * SAMPLE_RATE), rng.choice([0.0, 0.3, 1.0]))
            for _ in range(int(seconds * 8))
        ]
    )[: int(seconds * SAMPLE_RATE)]
    return (rng.standard_normal(len(level)) * 4000 * level).astype("<i2")


class PacedMic(Mic):
    """A microphone whose blocks come in real time, on a clock of its own (no waiting)."""

    def __init__(self, pcm: bytes, clock: list[float]) -> None:
        super().__init__(pcm)
        self.clock = clock

    def read(self, size: int) -> bytes:
        self.clock[0] += size / SAMPLE_RATE
        return super().read(size)


def test_the_echos_delay_is_measured_and_the_echo_cancelled_beyond_the_filters_tail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A sound server's buffers can delay the echo by more than the filter's tail (0.3 s): the
    delay is found by matching what was heard to what was played, and the echo then cancelled."""
    canceller, _ = make_canceller()
    if canceller is None:
        pytest.skip("speexdsp is not installed")
    clock = [1000.0]
    monkeypatch.setattr("voice.hearing.echo.time.monotonic", lambda: clock[0])
    played = Played()
    voice = speechlike(12.0, 3)
    played.add(voice.tobytes(), SAMPLE_RATE, at=clock[0])
    late = int(0.5 * SAMPLE_RATE)
    echo_pcm = np.zeros_like(voice)
    echo_pcm[late:] = (voice[:-late] * 0.1).astype("<i2")  # -20 dB, half a second later
    echo = EchoFilter(PacedMic(echo_pcm.tobytes(), clock), played, canceller)
    blocks = len(voice) // 512
    out = np.concatenate([np.frombuffer(echo.read(512), dtype="<i2") for _ in range(blocks)])
    assert echo.finder.delay == pytest.approx(0.5, abs=0.05)
    after = slice(8 * SAMPLE_RATE, len(out))  # the filter has had time to learn the room
    before_db = 10 * np.log10(np.mean(echo_pcm[after].astype(float) ** 2))
    left_db = 10 * np.log10(np.mean(out[after].astype(float) ** 2) + 1.0)
    assert before_db - left_db > 10, f"only {before_db - left_db:.1f} dB of the echo taken out"
