#!/usr/bin/env python3
"""Round-trip accuracy: spoken questions (espeak-ng voices and speeds, clean and noisy) through
the recogniser and router; prints accuracy per voice and condition, and the misses.

Run: .venv/bin/python scripts/speech_accuracy.py [--engine sphinx|vosk] [--model PATH] [--baseline]
--baseline also runs SpeechRecognition's recognize_sphinx (generic English) on the same audio.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests.support

from tests.support.speech import build, load_questions, speech_tests_path
from voice.app.packtests import request_matches
from voice.content.pack import find_pack, load_pack
from voice.hearing.engines import make_recognizer
from voice.hearing.wav import load_wav
from voice.understanding.router import Router
from voice.understanding.vocabulary import recognizer_phrases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--engine", default="sphinx")
    parser.add_argument("--model")
    parser.add_argument("--folder", default=str(Path(tempfile.gettempdir()) / "voice-guide-speech"))
    parser.add_argument("--baseline", action="store_true")
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    path = find_pack(None)
    pack = load_pack(path)
    router = Router(pack)
    spoken = build(load_questions(speech_tests_path(path)), Path(args.folder))
    recognizer = make_recognizer(recognizer_phrases(pack), args.engine, args.model)
    runs = [("guide", recognizer.transcribe)]
    if args.baseline:
        import speech_recognition as sr

        generic = sr.Recognizer()
        runs.append(
            (
                "recognize_sphinx",
                lambda pcm: type(
                    "T", (), {"text": _safe(lambda: generic.recognize_sphinx(sr.AudioData(pcm, 16000, 2)))}
                )(),
            )
        )
    for label, transcribe in runs:
        right: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
        seconds = audio = 0.0
        misses = []
        for item in spoken:
            pcm = load_wav(item.path)
            start = time.perf_counter()
            text = transcribe(pcm).text
            seconds += time.perf_counter() - start
            audio += len(pcm) / 32000
            ok = request_matches(router.route(text), item.expect)
            cell = right[(item.voice, "noisy" if item.noisy else "clean")]
            cell[0] += ok
            cell[1] += 1
            if not ok:
                misses.append(
                    f"  {item.voice} {item.speed} {'noisy' if item.noisy else 'clean'}: '{item.say}' heard as '{text}'"
                )
        print(f"\n{label}: real-time factor {seconds / audio:.3f} ({seconds / len(spoken) * 1000:.0f} ms per question)")
        for condition in ("clean", "noisy"):
            cells = [(v, right[(v, condition)]) for v in sorted({k[0] for k in right})]
            total = [sum(c[0] for _, c in cells), sum(c[1] for _, c in cells)]
            per_voice = ", ".join(f"{v} {c[0] / c[1]:.0%}" for v, c in cells)
            print(f"  {condition}: {total[0] / total[1]:.1%} of {total[1]} ({per_voice})")
        if args.misses:
            print("\n".join(misses))


def _safe(call):  # noqa: ANN001, ANN202 - SpeechRecognition raises when it hears nothing
    try:
        return call()
    except Exception:  # noqa: BLE001
        return ""


if __name__ == "__main__":
    main()
