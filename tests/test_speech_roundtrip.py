"""Spoken questions through `voice-guide listen`: espeak-ng voices and speeds, clean and noisy.

Real synthesis, real sox, real PocketSphinx. Prints accuracy per voice and condition.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tests.support.speech import Spoken, build, load_questions, speech_tests_path
from voice.app.packtests import request_matches
from voice.content.pack import find_pack
from voice.understanding.router import Request

pytestmark = pytest.mark.skipif(
    not (shutil.which("espeak-ng") and shutil.which("sox")), reason="espeak-ng and sox make the test speech"
)

# The targets (the README gives the figures reached: about 96% clean, 88% noisy).
CLEAN, NOISY = 0.90, 0.80


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> list[Spoken]:
    path = find_pack(None)
    return build(load_questions(speech_tests_path(path)), tmp_path_factory.mktemp("speech"))


def test_listen_answers_spoken_questions(spoken: list[Spoken]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "voice", "listen", "--engine", "sphinx", "--json", *(str(s.path) for s in spoken)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr
    answers = {a["file"]: a for a in map(json.loads, out.stdout.splitlines())}
    assert len(answers) == len(spoken)
    scores: dict[tuple[str, bool], list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for item in spoken:
        answer = answers[str(item.path)]
        request = Request(answer["intent"], answer["heard"], answer["confidence"], answer["item"] or answer["section"])
        ok = request_matches(request, item.expect)
        scores[(item.voice, item.noisy)][0] += ok
        scores[(item.voice, item.noisy)][1] += 1
        if not ok:
            misses.append(
                f"{item.voice} {item.speed} {'noisy' if item.noisy else 'clean'}: "
                f"'{item.say}' heard as '{answer['heard']}'"
            )
    for (voice, noisy), (right, total) in sorted(scores.items()):
        print(f"{voice:12} {'noisy' if noisy else 'clean'}: {right}/{total} = {right / total:.0%}")
    print("\n".join(misses))
    for noisy, floor in ((False, CLEAN), (True, NOISY)):
        right = sum(r for (_, n), (r, _) in scores.items() if n == noisy)
        total = sum(t for (_, n), (_, t) in scores.items() if n == noisy)
        assert right / total >= floor, f"{'noisy' if noisy else 'clean'}: {right}/{total}"


def test_listen_accepts_any_common_wav_format(spoken: list[Spoken], tmp_path: Path) -> None:
    source = next(s for s in spoken if s.say == "tell me about spinal stenosis" and not s.noisy)
    variants = {
        "44k-stereo.wav": ["-r", "44100", "-c", "2"],
        "48k-24bit-stereo.wav": ["-r", "48000", "-b", "24", "-c", "2"],
        "22k-32bit.wav": ["-r", "22050", "-b", "32"],
        "8k.wav": ["-r", "8000"],
    }
    files = []
    for name, args in variants.items():
        subprocess.run(["sox", str(source.path), *args, str(tmp_path / name)], check=True)
        files.append(str(tmp_path / name))
    out = subprocess.run(
        [sys.executable, "-m", "voice", "listen", "--json", str(source.path), *files],
        capture_output=True,
        text=True,
        timeout=120,
    )
    original, *answers = [json.loads(line) for line in out.stdout.splitlines()]
    assert [a["file"] for a in answers] == files, out.stderr
    # Each format is understood as the 16 kHz original is. Telephone-rate audio (8 kHz) lacks
    # the highs the 16 kHz models use: accepted, not promised.
    assert [(a["section"], a["item"]) for a in answers[:3]] == [(original["section"], original["item"])] * 3


def test_listen_refuses_a_non_wav_in_one_line(tmp_path: Path) -> None:
    bogus = tmp_path / "question.wav"
    bogus.write_text("not audio")
    out = subprocess.run([sys.executable, "-m", "voice", "listen", str(bogus)], capture_output=True, text=True)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "question.wav" in out.stderr
