"""Spoken test questions made on this machine: espeak-ng speaks them, sox pads them and mixes
in noise. Used by the round-trip tests and the benchmarks (never by the guide itself). The
voices set aside (other engines, other rooms) are in voices.py."""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.support.voices import add_noise

VOICES = ("en-us", "en-gb-x-rp")  # an American and a British voice
SPEEDS = (140, 175)  # words per minute: unhurried, and espeak's brisk default
NOISE_SNR_DB = 15


@dataclass(frozen=True)
class Spoken:
    say: str
    expect: str
    voice: str
    speed: int
    noisy: bool
    path: Path


def spoken_seconds(text: str, rate: int) -> float:
    """About how long the guide takes to say `text` at `rate` words per minute."""
    return len(re.findall(r"[\w'-]+", text)) / (rate / 60)


def speech_tests_path(pack_path: str | Path) -> Path:
    path = Path(pack_path)
    return path.with_name(path.stem + ".speech.yaml")


def load_questions(path: str | Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [(str(q["say"]), str(q["expect"])) for q in data["questions"]]


def speak(text: str, voice: str, speed: int, path: Path, noisy: bool = False, pad: float = 1.0) -> Path:
    """`text` spoken to a 16 kHz mono WAV with `pad` seconds of silence each side (cached)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), text], check=True)
    clean = path if not noisy else path.with_suffix(".clean.wav")
    subprocess.run(
        ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(clean), "pad", str(pad), str(pad)], check=True
    )
    raw.unlink()
    if noisy:
        add_noise(clean, path, NOISE_SNR_DB, pad)  # pink noise at the given signal-to-noise ratio
        clean.unlink()
    return path


def build(
    questions: list[tuple[str, str]],
    folder: Path,
    voices: tuple[str, ...] = VOICES,
    speeds: tuple[int, ...] = SPEEDS,
    noisy: tuple[bool, ...] = (False, True),
) -> list[Spoken]:
    out = []
    for say, expect in questions:
        for voice in voices:
            for speed in speeds:
                for noise in noisy:
                    key = hashlib.sha1(f"{say}|{voice}|{speed}|{noise}".encode()).hexdigest()[:10]
                    name = f"{voice}-{speed}-{'noisy' if noise else 'clean'}-{key}.wav"
                    out.append(Spoken(say, expect, voice, speed, noise, speak(say, voice, speed, folder / name, noise)))
    return out
