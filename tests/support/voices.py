"""Test speech from several synthesis engines, in several rooms: the voices the guide was tuned
on (espeak-ng) and voices set aside that it must never be tuned on (flite, festival).

Each voice renders a sentence to 16 kHz mono 16-bit PCM; sox pads it and makes the condition
(clean, pink noise at 15 dB SNR, a reverberant room). Rendered WAVs are cached by a hash of
everything that made them, under the user's cache folder, so a second run only decodes.
Used by tests and benchmarks, never by the guide itself.
"""

from __future__ import annotations

import hashlib
import math
import os
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_cache_dir

from voice.hearing.levels import rms

CONDITIONS = ("clean", "noise15", "reverb")
NOISE_SNR_DB = 15
PAD_SECONDS = 1.0
# A living room: moderate reverberance, a medium room, a short pre-delay (sox reverb's
# reverberance %, HF damping %, room scale %, stereo depth %, pre-delay ms).
REVERB = ("reverb", "60", "50", "70", "100", "20")
_RECIPE = 1  # change when the way audio is made changes: old cached files are no longer used


@dataclass(frozen=True)
class Voice:
    name: str  # as the benchmark names it, e.g. "flite-slt"
    engine: str  # espeak-ng, flite or festival
    voice: str  # the engine's own voice name
    speed: int = 0  # words per minute (espeak-ng only; 0: the engine's own pace)
    set_aside: bool = True  # never tuned on: only measured

    def command(self, text_file: Path, out: Path) -> list[str]:
        """The command that speaks the text in `text_file` into the WAV `out`."""
        if self.engine == "espeak-ng":
            return ["espeak-ng", "-v", self.voice, "-s", str(self.speed or 175), "-f", str(text_file), "-w", str(out)]
        if self.engine == "flite":
            return ["flite", "-voice", self.voice, "-f", str(text_file), "-o", str(out)]
        if self.engine == "festival":
            return ["text2wave", "-eval", f"(voice_{self.voice})", str(text_file), "-o", str(out)]
        raise ValueError(f"unknown synthesis engine {self.engine}")

    def available(self) -> bool:
        program = {"espeak-ng": "espeak-ng", "flite": "flite", "festival": "text2wave"}[self.engine]
        if not (shutil.which(program) and shutil.which("sox")):
            return False
        if self.engine == "festival":  # each festival voice is its own Debian package
            return any(Path("/usr/share/festival/voices").glob(f"*/{self.voice}"))
        return True


VOICES = {
    v.name: v
    for v in (
        # Tuned on: the team's own test voices (tests/support/speech.py).
        Voice("espeak-en-us", "espeak-ng", "en-us", 175, set_aside=False),
        Voice("espeak-en-gb", "espeak-ng", "en-gb-x-rp", 140, set_aside=False),
        # Festival's ked (festvox-kdlpc16k): an American man's recorded diphones, far nearer real
        # speech than espeak-ng's formants, which a neural recogniser hears worse than people.
        Voice("festival-ked", "festival", "ked_diphone", set_aside=False),
        # Set aside (Debian flite, festival with festvox-kallpc16k and festvox-us-slt-hts).
        Voice("flite-slt", "flite", "slt"),  # American woman
        Voice("flite-rms", "flite", "rms"),  # American man
        Voice("flite-awb", "flite", "awb"),  # Scottish man
        Voice("festival-kal", "festival", "kal_diphone"),  # American man, diphone
        Voice("festival-slt", "festival", "cmu_us_slt_arctic_hts"),  # American woman, HTS
    )
}
TUNED = tuple(n for n, v in VOICES.items() if not v.set_aside)
SET_ASIDE = tuple(n for n, v in VOICES.items() if v.set_aside)


def cache_root() -> Path:
    """Where rendered speech is kept: $VOICE_GUIDE_SPEECH_CACHE, or the user's cache folder."""
    override = os.environ.get("VOICE_GUIDE_SPEECH_CACHE")
    return Path(override) if override else Path(user_cache_dir("voice-guide", appauthor=False)) / "test-speech"


def _sox(*args: str) -> None:
    # -R: repeatable, so the noise (and so the result) is the same on every run.
    subprocess.run(["sox", "-R", *args], check=True, capture_output=True)


def _rms(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return rms(wav.readframes(wav.getnframes()))


def _seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def add_noise(clean: Path, out: Path, snr_db: float = NOISE_SNR_DB, pad: float = PAD_SECONDS) -> None:
    """Pink noise over the whole of `clean`, at `snr_db` below the speech (the padding left out)."""
    seconds = _seconds(clean)
    noise = out.with_suffix(".noise.wav")
    _sox("-n", "-r", "16000", "-c", "1", "-b", "16", str(noise), "synth", f"{seconds:.3f}", "pinknoise", "vol", "0.1")
    speech_rms = _rms(clean) * math.sqrt(seconds / max(0.1, seconds - 2 * pad))
    gain = speech_rms / (10 ** (snr_db / 20)) / max(1.0, _rms(noise))
    _sox("-m", "-v", "1", str(clean), "-v", f"{gain:.4f}", str(noise), str(out))
    noise.unlink()


def render(text: str, voice: Voice, condition: str, folder: Path | None = None) -> Path:
    """`text` in `voice` under `condition`, as a 16 kHz mono 16-bit WAV (made once, then cached)."""
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition}; choose from {', '.join(CONDITIONS)}")
    key = hashlib.sha1(f"{_RECIPE}|{voice}|{condition}|{text}".encode()).hexdigest()[:16]
    path = (folder or cache_root()) / voice.name / condition / f"{key}.wav"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        words, raw, clean = Path(tmp, "say.txt"), Path(tmp, "raw.wav"), Path(tmp, "clean.wav")
        words.write_text(text + "\n", encoding="utf-8")
        subprocess.run(voice.command(words, raw), check=True, capture_output=True)
        # The same level for every engine (peaks at -3 dBFS), as a microphone's gain would.
        pad = str(PAD_SECONDS)
        _sox(str(raw), "-r", "16000", "-c", "1", "-b", "16", str(clean), "gain", "-n", "-3", "pad", pad, pad)
        done = Path(tmp, "done.wav")
        if condition == "clean":
            clean.rename(done)
        elif condition == "noise15":
            add_noise(clean, done)
        else:
            # The room's echo lengthens the tail; the level is brought back to the same peak.
            _sox(str(clean), str(done), *REVERB, "gain", "-n", "-3")
        done.rename(path)  # whole or not at all: another worker may be making the same file
    return path


def choose(names: str | None, default: tuple[str, ...]) -> list[Voice]:
    """Voices named in a comma list (or `default`), the ones this machine can speak."""
    wanted = [n.strip() for n in names.split(",")] if names else list(default)
    unknown = [n for n in wanted if n not in VOICES]
    if unknown:
        raise ValueError(f"unknown voice {', '.join(unknown)}; choose from {', '.join(VOICES)}")
    return [VOICES[n] for n in wanted if VOICES[n].available()]
