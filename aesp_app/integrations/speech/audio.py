"""Decode whatever the browser recorded (webm/opus, ogg, wav, mp3, m4a) to 16 kHz mono float32.

Every recognizer in this package wants 16 kHz mono; decoding once here keeps the stages cheap.
Limits are checked before and while decoding so that a hostile upload cannot make us decode
minutes of audio.
"""

from __future__ import annotations

import dataclasses
import io

import numpy as np

SAMPLE_RATE = 16_000
MAX_BYTES = 5 * 1024 * 1024
MAX_SECONDS = 60.0
# A recorder stopped at exactly 60 s often writes a few extra frames; do not refuse those.
_DURATION_TOLERANCE = 0.25


class AudioError(ValueError):
    """Input the engine refuses. `code` is stable for callers; `message` is for the learner."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# Codes and learner-facing messages, in one place so the pages can match on codes.
EMPTY = "empty"
TOO_LARGE = "too_large"
TOO_LONG = "too_long"
NOT_AUDIO = "not_audio"
SILENCE = "silence"

MESSAGES = {
    EMPTY: "The recording is empty. Please record your answer again.",
    TOO_LARGE: "The recording is larger than 5 MB. Please record a shorter answer.",
    TOO_LONG: "The recording is longer than 60 seconds. Please keep your answer under one minute.",
    NOT_AUDIO: "We could not read this file as audio. Please record your answer again.",
    SILENCE: "We could not hear you. Please check your microphone and speak a little louder.",
}


def audio_error(code: str) -> AudioError:
    return AudioError(code, MESSAGES[code])


@dataclasses.dataclass(frozen=True)
class DecodedAudio:
    samples: np.ndarray  # float32, mono, SAMPLE_RATE, in [-1, 1]
    sample_rate: int = SAMPLE_RATE

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def pcm16(self) -> bytes:
        """Little-endian 16-bit PCM, what pocketsphinx reads."""
        return (np.clip(self.samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def decode_audio(data: bytes, *, max_bytes: int = MAX_BYTES, max_seconds: float = MAX_SECONDS) -> DecodedAudio:
    """Decode and resample `data`; raise AudioError (empty, too_large, not_audio, too_long)."""
    if not data:
        raise audio_error(EMPTY)
    if len(data) > max_bytes:
        raise audio_error(TOO_LARGE)

    import av  # imported here so that importing the package stays cheap

    limit_samples = int((max_seconds + _DURATION_TOLERANCE) * SAMPLE_RATE)
    chunks: list[np.ndarray] = []
    total = 0
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            if not container.streams.audio:
                raise audio_error(NOT_AUDIO)
            stream = container.streams.audio[0]
            # Trust a declared duration only to refuse early; webm from MediaRecorder has none.
            if container.duration is not None and container.duration / 1_000_000 > max_seconds + _DURATION_TOLERANCE:
                raise audio_error(TOO_LONG)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1)
                    chunks.append(chunk)
                    total += len(chunk)
                if total > limit_samples:
                    raise audio_error(TOO_LONG)
            for out in resampler.resample(None):
                chunk = out.to_ndarray().reshape(-1)
                chunks.append(chunk)
                total += len(chunk)
    except AudioError:
        raise
    except (av.FFmpegError, ValueError, IndexError, OSError, EOFError) as exc:
        raise audio_error(NOT_AUDIO) from exc
    if total > limit_samples:
        raise audio_error(TOO_LONG)
    if total == 0:
        raise audio_error(NOT_AUDIO)
    samples = np.concatenate(chunks).astype(np.float32, copy=False)
    return DecodedAudio(np.ascontiguousarray(samples))


def from_samples(samples: np.ndarray, sample_rate: int) -> DecodedAudio:
    """Wrap already-decoded audio (tests, TTS output), resampling to 16 kHz if needed."""
    samples = np.asarray(samples, dtype=np.float32).reshape(-1)
    if sample_rate != SAMPLE_RATE:
        samples = resample(samples, sample_rate, SAMPLE_RATE)
    return DecodedAudio(np.ascontiguousarray(samples))


def resample(samples: np.ndarray, src_rate: int, dst_rate: int) -> np.ndarray:
    """Band-limited enough for speech: linear interpolation after a short moving-average low-pass."""
    if src_rate == dst_rate or len(samples) == 0:
        return samples.astype(np.float32)
    if dst_rate < src_rate:
        width = max(1, int(round(src_rate / dst_rate)))
        kernel = np.ones(width, dtype=np.float32) / width
        samples = np.convolve(samples, kernel, mode="same")
    n_out = int(round(len(samples) * dst_rate / src_rate))
    x_old = np.arange(len(samples), dtype=np.float64) / src_rate
    x_new = np.arange(n_out, dtype=np.float64) / dst_rate
    return np.interp(x_new, x_old, samples).astype(np.float32)


def wav_bytes(samples: np.ndarray, sample_rate: int) -> bytes:
    """16-bit mono WAV, for TTS output and test fixtures."""
    import wave

    pcm = (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767.0).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm.tobytes())
    return buf.getvalue()
