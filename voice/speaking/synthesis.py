"""Where speech is made: pyttsx3 turns text into WAV audio (it is never played by pyttsx3).

On Linux pyttsx3 plays by shelling out to `aplay`, which a laptop may lack and which cannot be
interrupted; so the guide only asks it for audio files and plays them itself (audio_out).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import wave

from ..errors import GuideError
from ..types import Audio, VoiceStyle

NO_VOICE = (
    "The speaking voice could not start: the espeak-ng speech package is missing. "
    "Install it (on Debian or Ubuntu: sudo apt-get install espeak-ng), then start the guide again."
)


def sentences(text: str) -> list[str]:
    """Split a reply at sentence ends, so speech can stop between any two of them."""
    return [s for s in re.split(r"(?<=[.!?:])\s+", text.strip()) if s]


class Synthesizer:
    """One pyttsx3 engine for the whole run (espeak can only be initialised once per process)."""

    def __init__(self) -> None:
        try:
            import pyttsx3

            self.engine = pyttsx3.init()
        except (ImportError, RuntimeError, OSError) as exc:
            raise GuideError(NO_VOICE) from exc
        driver = sys.modules.get("pyttsx3.drivers.espeak")
        if driver is not None:
            # Its save_to_file prints "Audio saved to ..." on stdout, which carries captions and
            # --json output; redirecting stdout instead is not safe with the speaking thread.
            driver.print = lambda *args, **kwargs: None
        self._applied: tuple[int, float, str] | None = None
        self._default_voice = self.engine.getProperty("voice")
        self._folder = private_folder()

    def _apply(self, style: VoiceStyle) -> None:
        wanted = (style.rate, style.volume, style.voice)
        if wanted == self._applied:
            return
        # espeak-ng often ignores a new rate until a voice is selected again: rate, voice, rate.
        self.engine.setProperty("rate", style.rate)
        self.engine.setProperty("voice", style.voice or self._default_voice)
        self.engine.setProperty("rate", style.rate)
        self.engine.setProperty("volume", style.volume)
        self._applied = wanted

    def synthesize(self, text: str, style: VoiceStyle) -> Audio:
        """Speech for `text` with the current rate, volume and voice."""
        self._apply(style)
        for _ in range(3):
            # pyttsx3's espeak driver now and then hands back an empty recording: try again,
            # rather than leave the listener in silence.
            audio = self._synthesize_once(text)
            if audio is not None and (audio.seconds > 0.05 * len(text.split()) or not text.strip()):
                return audio
        raise GuideError("The speaking voice produced no sound. Reinstall espeak-ng, then try again.")

    def _synthesize_once(self, text: str) -> Audio | None:
        path = os.path.join(self._folder.name, "speech.wav")
        if os.path.exists(path):
            os.remove(path)
        self.engine.save_to_file(text, path)
        self.engine.runAndWait()
        try:
            with wave.open(path, "rb") as wav:
                return Audio(wav.readframes(wav.getnframes()), wav.getframerate())
        except (OSError, EOFError, wave.Error):
            return None
        finally:
            if os.path.exists(path):
                os.remove(path)  # a health answer is not left on disk, even if the guide is killed


def private_folder() -> tempfile.TemporaryDirectory:
    """A folder only this user can open (0700), in the per-user runtime folder when there is one
    (a tmpfs emptied at logout), removed when the guide ends (on SIGTERM and SIGHUP too: app/ending)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    place = runtime if runtime and os.path.isdir(runtime) and os.access(runtime, os.W_OK) else None
    folder = tempfile.TemporaryDirectory(prefix="voice-guide-", dir=place)
    os.chmod(folder.name, 0o700)  # mkdtemp's mode already; said here because it matters
    return folder
