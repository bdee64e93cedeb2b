"""Spoken emergencies: are they heard as emergencies, and is room talk or television not?

    PYTHONPATH=$PWD .venv/bin/python scripts/safety_speech.py [--split dev|heldout|all] [--without]

Speaks (espeak-ng, two voices) the emergency sentences of the blind safety set, and the room talk,
television and off-topic sentences of the blind spoken set, through the PocketSphinx recogniser
with the guide's phrases, and counts what the safety statements make of what it heard.
--without leaves the emergency sentences out of the recogniser's phrases, for comparison.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests.support

from tests.support.speech import speak
from voice.content.pack import find_pack, load_pack
from voice.hearing.sphinx_engine import SphinxRecognizer
from voice.hearing.wav import load_wav
from voice.understanding.safety import safety_for
from voice.understanding.safety_data import heard_phrases
from voice.understanding.vocabulary import recognizer_phrases

BLIND = Path(__file__).resolve().parent.parent / "voice/content/packs/leg_pain.blind"
VOICES = ("en-us", "en-gb")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=("dev", "heldout", "all"), default="dev")
    parser.add_argument("--without", action="store_true")
    parser.add_argument("--folder", default=str(Path(tempfile.gettempdir()) / "voice-guide-safety-speech"))
    args = parser.parse_args()
    pack = load_pack(find_pack(None))
    safety = safety_for(pack)
    phrases = recognizer_phrases(pack, ("guide",))
    if args.without:
        own = set(heard_phrases())
        phrases = dataclasses.replace(
            phrases,
            commands=tuple(p for p in phrases.commands if p not in own),
            whole=tuple(p for p in phrases.whole if p not in own),
        )
    recognizer = SphinxRecognizer(phrases)

    def wanted(entry: dict) -> bool:
        return args.split == "all" or entry.get("split") == args.split

    urgent = [
        e["say"]
        for e in yaml.safe_load((BLIND / "typed_safety.yaml").read_text())
        if e["expect"] == "emergency" and wanted(e)
    ]
    other = [
        e for e in yaml.safe_load((BLIND / "spoken.yaml").read_text()) if e.get("kind") != "in_scope" and wanted(e)
    ]
    folder = Path(args.folder)

    def heard(text: str, voice: str) -> str:
        path = speak(text, voice, 150, folder / f"{voice}-{abs(hash(text)) % 10**10}.wav", pad=0.3)
        return recognizer.transcribe(load_wav(path)).text

    print(f"split {args.split}, emergency phrases in the recogniser: {not args.without}")
    got = 0
    for text in urgent:
        for voice in VOICES:
            said = heard(text, voice)
            ok = safety.emergency(said)
            got += ok
            if not ok and args.split == "dev":
                print(f"  not heard as an emergency: '{text}' ({voice}) -> '{said}'")
    print(f"  emergency sentences heard as emergencies: {got}/{len(urgent) * len(VOICES)}")
    false = 0
    for entry in other:
        for voice in VOICES:
            said = heard(entry["say"], voice)
            if safety.emergency(said):
                false += 1
                print(f"  FALSE emergency ({entry['kind']}): '{entry['say']}' ({voice}) -> '{said}'")
    print(f"  room talk, television and off-topic heard as emergencies: {false}/{len(other) * len(VOICES)}")


if __name__ == "__main__":
    main()
