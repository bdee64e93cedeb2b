"""Recordings as the recognisers hear them: any PCM WAV as 16 kHz 16-bit mono.

SpeechRecognition converts rate, width and channel count; the guide filters first (see load_wav).
"""

from __future__ import annotations

import audioop  # SpeechRecognition depends on it too (audioop-lts on Python 3.13+)
import io
import struct
import wave
from pathlib import Path

import speech_recognition as sr

from ..errors import GuideError
from ..types import SAMPLE_RATE, WIDTH


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
        raise GuideError(f"{path}: not a readable WAV recording ({exc}). Save it as a PCM .wav file.") from None
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
        chunk, size = data[offset : offset + 4], struct.unpack("<I", data[offset + 4 : offset + 8])[0]
        if chunk == b"fmt " and size >= 26:
            tag = struct.unpack("<H", data[offset + 8 : offset + 10])[0]
            sub = struct.unpack("<H", data[offset + 32 : offset + 34])[0] if size >= 40 else 1
            if tag == 0xFFFE and sub == 1:
                return data[: offset + 8] + struct.pack("<H", 1) + data[offset + 10 :]
            return data
        offset += 8 + size + (size & 1)
    return data
