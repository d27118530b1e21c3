"""Input validation and decoding (PyAV only; no recognition models)."""

from __future__ import annotations

import io

import numpy as np
import pytest

from aesp_app.integrations.speech import audio as A
from aesp_app.integrations.speech.engine import OfflineSpeechEngine
from aesp_app.integrations.speech.fluency import is_silent


def tone(seconds: float, rate: int = 16000, freq: float = 220.0, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    # A crude vowel: harmonics with a slow amplitude wobble, loud enough to count as speech.
    sig = sum(np.sin(2 * np.pi * freq * k * t) / k for k in range(1, 6))
    return (amp * sig / np.max(np.abs(sig)) * (0.6 + 0.4 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)


def encode(samples: np.ndarray, rate: int, fmt: str, codec: str) -> bytes:
    import av

    buf = io.BytesIO()
    with av.open(buf, mode="w", format=fmt) as out:
        stream = out.add_stream(codec, rate=48000 if codec == "libopus" else rate)
        stream.layout = "mono"
        resampler = av.AudioResampler(format=stream.format.name if hasattr(stream, "format") else "s16",
                                      layout="mono", rate=stream.rate)
        frame = av.AudioFrame.from_ndarray((samples * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate = rate
        for f in resampler.resample(frame):
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def code_of(data: bytes) -> str:
    with pytest.raises(A.AudioError) as info:
        OfflineSpeechEngine().decode(data)
    return info.value.code


def test_empty_bytes_refused():
    assert code_of(b"") == A.EMPTY


def test_random_bytes_are_not_audio():
    rng = np.random.default_rng(1)
    assert code_of(rng.integers(0, 256, 20_000, dtype=np.uint8).tobytes()) == A.NOT_AUDIO


def test_text_file_is_not_audio():
    assert code_of(b"hello, this is not a recording\n" * 100) == A.NOT_AUDIO


def test_over_5_mb_refused_before_decoding():
    assert code_of(b"\0" * (A.MAX_BYTES + 1)) == A.TOO_LARGE


def test_61_seconds_refused():
    data = A.wav_bytes(tone(61.0, rate=8000), 8000)  # 8 kHz keeps it under 5 MB
    assert len(data) < A.MAX_BYTES
    assert code_of(data) == A.TOO_LONG


def test_59_seconds_accepted():
    audio = A.decode_audio(A.wav_bytes(tone(59.0, rate=8000), 8000))
    assert audio.duration == pytest.approx(59.0, abs=0.05)


def test_silence_is_could_not_hear_you():
    data = A.wav_bytes(np.zeros(16000 * 3, dtype=np.float32), 16000)
    with pytest.raises(A.AudioError) as info:
        OfflineSpeechEngine().decode(data)
    assert info.value.code == A.SILENCE
    assert "could not hear you" in info.value.message


def test_faint_noise_counts_as_silence():
    rng = np.random.default_rng(2)
    noise = (rng.standard_normal(16000 * 2) * 0.0005).astype(np.float32)
    assert is_silent(noise, 16000)
    assert not is_silent(tone(1.0), 16000)


@pytest.mark.parametrize(("fmt", "codec"), [("ogg", "libopus"), ("webm", "libopus"), ("mp3", "libmp3lame"), ("wav", "pcm_s16le")])
def test_browser_formats_decode_to_16k_mono(fmt, codec):
    import av

    if codec not in av.codecs_available:
        pytest.skip(f"{codec} encoder not in this PyAV build")
    data = encode(tone(2.0, rate=48000), 48000, fmt, codec)
    audio = A.decode_audio(data)
    assert audio.sample_rate == 16000
    assert audio.samples.dtype == np.float32
    assert audio.duration == pytest.approx(2.0, abs=0.1)
    assert float(np.max(np.abs(audio.samples))) > 0.1


def test_resample_keeps_duration():
    x = tone(1.5, rate=22050)
    y = A.resample(x, 22050, 16000)
    assert len(y) == pytest.approx(1.5 * 16000, abs=2)
