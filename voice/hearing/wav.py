"""Recordings as the recognisers hear them: a WAV file as 16 kHz 16-bit mono.

The header is read and checked by the guide first (rate, format, length), before any sound is
read, so a damaged, foreign or endless file gets one plain sentence; SpeechRecognition then
converts rate, width and channels, after the guide's own filter (see load_wav).
"""

from __future__ import annotations

import audioop  # SpeechRecognition depends on it too (audioop-lts on Python 3.13+)
import io
import os
import stat
import struct
import wave
from pathlib import Path
from typing import BinaryIO

import speech_recognition as sr

from ..errors import GuideError
from ..types import SAMPLE_RATE, WIDTH

# `listen` answers recorded questions; a question takes seconds. Longer files (a whole day
# recorded by mistake) are refused from the header, before their sound is read into memory.
MAX_SECONDS = 120
RATES = (4000, 384000)  # outside this a "sample rate" is a damaged header
ACCEPTED = "WAV recordings: PCM of 8, 16, 24 or 32 bits, or 32 or 64-bit float, mono or stereo"
_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


def load_wav(path: str | Path) -> bytes:
    """A WAV file (any rate from 4 to 384 kHz; see ACCEPTED) as 16 kHz 16-bit mono PCM."""
    path = Path(path)
    plain = _plain_wav(path)
    try:
        with sr.AudioFile(io.BytesIO(_mono(plain))) as source:
            audio = sr.Recognizer().record(source)
    except (ValueError, EOFError, struct.error, wave.Error, ZeroDivisionError, audioop.error) as exc:
        raise GuideError(f"{path}: not a readable WAV recording ({exc}). The guide reads {ACCEPTED}.") from None
    pcm = audio.get_raw_data(convert_width=WIDTH)
    if audio.sample_rate > SAMPLE_RATE:
        # SpeechRecognition resamples without an anti-aliasing filter, and the folded-back
        # highs cost recognition accuracy; filter first, then let it convert.
        pcm = _lowpass(pcm, audio.sample_rate, 0.45 * SAMPLE_RATE)
    return sr.AudioData(pcm, audio.sample_rate, WIDTH).get_raw_data(convert_rate=SAMPLE_RATE)


def _lowpass(pcm: bytes, rate: int, cutoff: float, taps: int = 63) -> bytes:
    import numpy as np

    samples = np.frombuffer(pcm[: len(pcm) - len(pcm) % WIDTH], dtype="<i2").astype(np.float32)
    n = np.arange(taps) - (taps - 1) / 2
    kernel = np.sinc(2 * cutoff / rate * n) * np.hamming(taps)
    filtered = np.convolve(samples, kernel / kernel.sum(), mode="same")
    return np.clip(filtered, -32768, 32767).astype("<i2").tobytes()


def _mono(data: bytes) -> bytes:
    # SpeechRecognition mixes channels by adding them at full weight, which clips loud
    # stereo recordings; average them instead.
    with wave.open(io.BytesIO(data), "rb") as wav:
        channels, width, rate = wav.getnchannels(), wav.getsampwidth(), wav.getframerate()
        if channels == 1:
            return data
        frames = wav.readframes(wav.getnframes())
    return _wav_bytes(audioop.tomono(frames, width, 0.5, 0.5), 1, width, rate)


def _wav_bytes(frames: bytes, channels: int, width: int, rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return out.getvalue()


# --- the header, checked before the sound is read ---------------------------------------------


def _foreign(head: bytes) -> str | None:
    """The name of a common audio format that is not WAV, from its first bytes."""
    if head[:4] == b"fLaC":
        return "a FLAC recording"
    if head[:4] == b"FORM" and head[8:12] in (b"AIFF", b"AIFC"):
        return "an AIFF recording"
    if head[:4] == b"OggS":
        return "an Ogg recording"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "an MP3 recording"
    if head[4:8] == b"ftyp":
        return "an MP4 or M4A recording"
    if head[:4] in (b"RF64", b"BW64"):
        return "a very long (RF64) WAV recording"
    return None


def _open(path: Path) -> tuple[BinaryIO, int]:
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise GuideError(f"{path}: cannot be read ({exc.strerror}).") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise GuideError(f"{path}: is not a recording file (it is a folder, pipe or device). Give a .wav file.")
    return os.fdopen(fd, "rb"), info.st_size


def _plain_wav(path: Path) -> bytes:
    """The recording as a plain PCM WAV (float turned into 16-bit), after checking its header."""
    handle, size = _open(path)
    with handle:
        head = handle.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            kind = _foreign(head)
            what = f"is {kind}, which the guide cannot read" if kind else "is not a WAV recording"
            raise GuideError(f"{path}: {what}. The guide reads {ACCEPTED}; save it as a WAV file.")
        fmt, data_at, data_size = _chunks(handle, path)
        tag, channels, rate, bits = fmt
        width = (bits + 7) // 8
        problem = _format_problem(tag, channels, rate, width)
        if problem:
            raise GuideError(f"{path}: {problem}. The guide reads {ACCEPTED}.")
        block = channels * width
        available = max(0, size - data_at)
        data_size = available if data_size == 0xFFFFFFFF else min(data_size, available)  # cut short
        frames = data_size // block  # an odd, half-written last frame is dropped
        if frames / rate > MAX_SECONDS:
            raise GuideError(
                f"{path}: the recording is {_duration(frames / rate)} long; the guide answers recorded "
                f"questions of up to {MAX_SECONDS // 60} minutes. Save the question on its own and try again."
            )
        handle.seek(data_at)
        sound = handle.read(frames * block)
    if tag == _FLOAT:
        sound, width = _float_to_pcm16(sound, width), 2
    return _wav_bytes(sound, channels, width, rate)


def _chunks(handle: BinaryIO, path: Path) -> tuple[tuple[int, int, int, int], int, int]:
    """(format tag, channels, rate, bits), and where the sound starts and its declared size."""
    damaged = f"{path}: the WAV file is damaged (its header is incomplete). Record or save it again."
    fmt: tuple[int, int, int, int] | None = None
    data: tuple[int, int] | None = None
    for _ in range(1000):  # a real WAV has a handful of chunks
        if fmt is not None and data is not None:
            return fmt, data[0], data[1]
        header = handle.read(8)
        if len(header) < 8:
            raise GuideError(damaged)
        name, length = header[:4], struct.unpack("<I", header[4:])[0]
        if name == b"fmt ":
            body = handle.read(min(length, 1024))
            if len(body) < 16:
                raise GuideError(damaged)
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
            if tag == _EXTENSIBLE and len(body) >= 26:
                tag = struct.unpack("<H", body[24:26])[0]  # the sub-format: PCM or float
            fmt = (tag, channels, rate, bits)
            handle.seek(length + (length & 1) - len(body), os.SEEK_CUR)
        elif name == b"data":
            data = (handle.tell(), length)
            if fmt is None:  # rare: the format comes after the sound
                handle.seek(length + (length & 1), os.SEEK_CUR)
        else:
            handle.seek(length + (length & 1), os.SEEK_CUR)
    raise GuideError(damaged)


def _format_problem(tag: int, channels: int, rate: int, width: int) -> str | None:
    if tag not in (_PCM, _FLOAT):
        return f"it is a compressed WAV (format {tag:#06x}), which the guide cannot read"
    if not 1 <= channels <= 2:
        return f"it has {channels} channels; save it as mono or stereo"
    if not RATES[0] <= rate <= RATES[1]:
        return f"its header gives a sample rate of {rate} Hz, which no recording has: the file is damaged"
    if (tag == _PCM and not 1 <= width <= 4) or (tag == _FLOAT and width not in (4, 8)):
        return f"it has {width * 8}-bit {'float' if tag == _FLOAT else 'PCM'} samples"
    return None


def _float_to_pcm16(sound: bytes, width: int) -> bytes:
    import numpy as np

    samples = np.frombuffer(sound, dtype="<f4" if width == 4 else "<f8")
    return (np.clip(np.nan_to_num(samples), -1.0, 1.0) * 32767).astype("<i2").tobytes()


def _duration(seconds: float) -> str:
    if seconds >= 5400:
        return f"{seconds / 3600:.0f} hours"
    if seconds >= 3600:
        return "an hour"
    return f"{seconds / 60:.0f} minutes" if seconds >= 600 else f"{seconds:.0f} seconds"
