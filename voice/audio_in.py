"""Where speech is heard: the microphone, or WAV files, as 16 kHz 16-bit mono PCM.

SpeechRecognition does the capture (Microphone, ambient-noise calibration, listen with a
timeout and phrase limit) and the conversion of any WAV rate, width or channel count.
"""

from __future__ import annotations

import audioop  # SpeechRecognition depends on it too (audioop-lts on Python 3.13+)
import io
import struct
import wave
from collections.abc import Iterator
from pathlib import Path

import speech_recognition as sr

from .errors import GuideError
from .quiet import quiet_stderr

SAMPLE_RATE = 16000
WIDTH = 2
NO_MICROPHONE = ("No microphone was found. Plug in a microphone or headset, check that it is switched "
                 "on and not muted, then start the guide again. Until then, you can type your questions.")


class NoMicrophone(GuideError):
    pass


def load_wav(path: str | Path) -> bytes:
    """Any PCM WAV (any rate, 8 to 32 bits, mono or stereo) as 16 kHz 16-bit mono PCM."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise GuideError(f"{path}: cannot be read ({exc.strerror}).") from None
    try:
        with sr.AudioFile(io.BytesIO(_mono(_plain_pcm_header(data)))) as source:
            audio = sr.Recognizer().record(source)
    except (ValueError, EOFError, struct.error) as exc:
        raise GuideError(f"{path}: not a readable WAV recording ({exc}). "
                         f"Save it as a PCM .wav file.") from None
    pcm = audio.get_raw_data(convert_width=WIDTH)
    if audio.sample_rate > SAMPLE_RATE:
        # SpeechRecognition resamples without an anti-aliasing filter, and the folded-back
        # highs cost recognition accuracy; filter first, then let it convert.
        pcm = _lowpass(pcm, audio.sample_rate, 0.45 * SAMPLE_RATE)
    return sr.AudioData(pcm, audio.sample_rate, WIDTH).get_raw_data(convert_rate=SAMPLE_RATE)


def _lowpass(pcm: bytes, rate: int, cutoff: float, taps: int = 63) -> bytes:
    import numpy as np

    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32)
    n = np.arange(taps) - (taps - 1) / 2
    kernel = np.sinc(2 * cutoff / rate * n) * np.hamming(taps)
    filtered = np.convolve(samples, kernel / kernel.sum(), mode="same")
    return np.clip(filtered, -32768, 32767).astype("<i2").tobytes()


def _mono(data: bytes) -> bytes:
    # SpeechRecognition mixes channels by adding them at full weight, which clips loud
    # stereo recordings; average them instead.
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
            if channels == 1:
                return data
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError):
        return data  # not a plain WAV: let SpeechRecognition try (AIFF, FLAC) or explain
    if channels > 2:
        raise ValueError(f"{channels} channels; save it as mono or stereo")
    out = io.BytesIO()
    with wave.open(out, "wb") as mono:
        mono.setnchannels(1)
        mono.setsampwidth(width)
        mono.setframerate(rate)
        mono.writeframes(audioop.tomono(frames, width, 0.5, 0.5))
    return out.getvalue()


def _plain_pcm_header(data: bytes) -> bytes:
    # Python's wave module (before 3.12) refuses WAVE_FORMAT_EXTENSIBLE, which recorders and
    # sox write for 24-bit or multi-channel audio. When its sub-format is plain PCM the data
    # is the same, so present it as plain PCM.
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return data
    offset = 12
    while offset + 8 <= len(data):
        chunk, size = data[offset:offset + 4], struct.unpack("<I", data[offset + 4:offset + 8])[0]
        if chunk == b"fmt " and size >= 26:
            tag = struct.unpack("<H", data[offset + 8:offset + 10])[0]
            sub = struct.unpack("<H", data[offset + 32:offset + 34])[0] if size >= 40 else 1
            if tag == 0xFFFE and sub == 1:
                return data[:offset + 8] + struct.pack("<H", 1) + data[offset + 10:]
            return data
        offset += 8 + size + (size & 1)
    return data


class Microphone:
    """The microphone, opened once; each `phrase` yields one utterance's audio as it is heard."""

    def __init__(self, device: int | None = None, pause: float = 0.5) -> None:
        self.recognizer = sr.Recognizer()
        # A person's pause within a question is rarely longer than this; the default 0.8 s
        # adds that much to every answer's delay.
        self.recognizer.pause_threshold = pause
        self.recognizer.non_speaking_duration = min(0.3, pause)
        self.recognizer.dynamic_energy_threshold = True
        self.device = device
        self.source: sr.Microphone | None = None
        self.quiet_level: float | None = None  # the room's level at calibration

    def __enter__(self) -> Microphone:
        try:
            with quiet_stderr():
                # 32 ms pieces (SpeechRecognition's default is 64 ms): the end of a request
                # is noticed sooner, and every answer starts that much earlier.
                self.source = sr.Microphone(device_index=self.device, sample_rate=SAMPLE_RATE, chunk_size=512)
                self.source.__enter__()
            if self.source.stream is None:
                # SpeechRecognition swallows the error when the input stream cannot open.
                raise OSError("the microphone's input stream could not be opened")
        except (OSError, AttributeError, AssertionError) as exc:
            self.source = None
            raise NoMicrophone(NO_MICROPHONE) from exc
        return self

    def __exit__(self, *exc: object) -> None:
        if self.source is not None:
            with quiet_stderr():
                try:
                    self.source.__exit__(None, None, None)
                except (OSError, AttributeError):
                    pass  # a stream that never opened, or a device already gone
            self.source = None

    def calibrate(self, seconds: float = 0.5) -> float:
        """Learn the room's background level; returns the speech threshold."""
        assert self.source is not None
        self.recognizer.adjust_for_ambient_noise(self.source, duration=seconds)
        self.quiet_level = self.recognizer.energy_threshold
        return self.recognizer.energy_threshold

    def level(self, seconds: float = 1.0) -> int:
        """The loudest sound heard in `seconds` (RMS of 16-bit samples)."""
        assert self.source is not None
        loudest = 0
        chunks = max(1, int(seconds * SAMPLE_RATE / self.source.CHUNK))
        for _ in range(chunks):
            block = self.source.stream.read(self.source.CHUNK)
            loudest = max(loudest, rms(block))
        return loudest

    def phrase(self, timeout: float, limit: float) -> Iterator[bytes]:
        """Yield the audio of the next utterance piece by piece; nothing if none starts in time.

        The caller may stop early (a complete request heard): closing the generator ends it.
        """
        assert self.source is not None
        try:
            for chunk in self.recognizer.listen(self.source, timeout=timeout, phrase_time_limit=limit,
                                                stream=True):
                yield chunk.get_raw_data(convert_rate=SAMPLE_RATE, convert_width=WIDTH)
        except sr.WaitTimeoutError:
            return
        except OSError as exc:  # unplugged while listening
            raise NoMicrophone("The microphone stopped working. " + NO_MICROPHONE) from exc

    @property
    def threshold(self) -> float:
        return self.recognizer.energy_threshold


def rms(block: bytes) -> int:
    """Loudness of 16-bit little-endian samples (root mean square)."""
    count = len(block) // 2
    if not count:
        return 0
    samples = struct.unpack(f"<{count}h", block[: count * 2])
    return int((sum(s * s for s in samples) / count) ** 0.5)
