"""The session's recording: every learner answer and drill reading, one after the other, in one
16 kHz mono 16-bit WAV (practice_sessions.audio_recording). Each transcript turn and drill
attempt keeps its own [start, end) in seconds, so a single answer can be replayed as a slice.

Uploads arrive in whatever the browser recorded (webm/opus, ogg, wav…); answers in different
containers cannot simply be concatenated, so each is decoded (the speech engine's decoder, which
has already validated it) and appended as PCM.
"""

from __future__ import annotations

import io
import wave

import numpy as np

from aesp_app.integrations.speech.audio import SAMPLE_RATE, decode_audio

CONTENT_TYPE = "audio/wav"
GAP_SECONDS = 0.4  # silence between two answers in the combined recording
# 16 kHz x 2 bytes = 32 kB a second: 4 minutes is 7.7 MB. The driver escapes zero bytes to two
# bytes, so even a worst-case recording stays under MariaDB's default 16 MB max_allowed_packet.
MAX_SECONDS = 240.0
_BYTES_PER_SECOND = SAMPLE_RATE * 2


def _frames(recording: bytes | None) -> bytes:
    if not recording:
        return b""
    with wave.open(io.BytesIO(recording), "rb") as wav:
        return wav.readframes(wav.getnframes())


def _wav(frames: bytes) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(frames)
    return buf.getvalue()


def duration(recording: bytes | None) -> float:
    return len(_frames(recording)) / _BYTES_PER_SECOND


def append(recording: bytes | None, upload: bytes) -> tuple[bytes, float, float] | None:
    """(new recording, start, end) with `upload` appended; None when it would pass MAX_SECONDS
    (the answer is still scored, only its audio is not kept)."""
    audio = decode_audio(upload)
    pcm = (np.clip(audio.samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
    frames = _frames(recording)
    gap = b"\x00\x00" * int(GAP_SECONDS * SAMPLE_RATE) if frames else b""
    start = (len(frames) + len(gap)) / _BYTES_PER_SECOND
    end = start + len(pcm) / _BYTES_PER_SECOND
    if end > MAX_SECONDS:
        return None
    return _wav(frames + gap + pcm), round(start, 3), round(end, 3)


def cut(recording: bytes, start: float, end: float) -> bytes:
    """The part of the recording between start and end seconds, as its own WAV."""
    frames = _frames(recording)
    a = max(0, int(round(start * SAMPLE_RATE))) * 2
    b = min(len(frames), int(round(end * SAMPLE_RATE)) * 2)
    return _wav(frames[a:b] if b > a else b"")
