"""Speech engine benchmark: time per stage and peak memory for 3, 10 and 30 s answers, and the
precision/recall of the word flags on the TTS reading set.

    .venv/bin/python benchmarks/speech.py              # timings (models loaded first)
    .venv/bin/python benchmarks/speech.py --accuracy   # also flag precision/recall
    .venv/bin/python benchmarks/speech.py --json

Answers are spoken by the bundled piper voice (deterministic settings) and encoded as Ogg/Opus,
as a browser would upload them, so the decode stage is measured on a compressed format.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from aesp_app.integrations.speech.audio import SAMPLE_RATE, resample, wav_bytes  # noqa: E402
from aesp_app.integrations.speech.evalset import SENTENCES, FlagCounts, readings  # noqa: E402

DURATIONS = (3, 10, 30)
FEEDBACK_STAGES = ("decode", "asr", "alignment", "scoring", "grammar", "vocabulary")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def encode_opus(samples: np.ndarray, rate: int) -> bytes:
    """Ogg/Opus like a browser recording; WAV if this PyAV build has no Opus encoder."""
    import av

    if "libopus" not in av.codecs_available:
        return wav_bytes(samples, rate)
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="ogg") as out:
        stream = out.add_stream("libopus", rate=48000)
        stream.layout = "mono"
        resampler = av.AudioResampler(format="s16", layout="mono", rate=48000)
        frame = av.AudioFrame.from_ndarray((np.clip(samples, -1, 1) * 32767).astype(np.int16).reshape(1, -1),
                                           format="s16", layout="mono")
        frame.sample_rate = rate
        for f in resampler.resample(frame):
            for packet in stream.encode(f):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def make_answer(tts, seconds: float) -> tuple[str, bytes, float]:
    """Read sentences of the reading set until the answer lasts about `seconds`."""
    texts: list[str] = []
    parts: list[np.ndarray] = []
    total = 0.0
    i = 0
    while total < seconds * 0.97:
        text = SENTENCES[i % len(SENTENCES)][0]
        samples, rate = tts.synthesize_samples(text, 1.15, deterministic=True)
        samples = resample(samples, rate, SAMPLE_RATE)
        remaining = seconds - total
        if len(samples) / SAMPLE_RATE > remaining + 1.0 and texts:
            break
        texts.append(text)
        parts.append(samples)
        parts.append(np.zeros(int(0.35 * SAMPLE_RATE), dtype=np.float32))
        total += len(samples) / SAMPLE_RATE + 0.35
        i += 1
    clip = np.concatenate(parts)
    return " ".join(texts), encode_opus(clip, SAMPLE_RATE), len(clip) / SAMPLE_RATE


def time_answer(engine, analyzer, target: str, data: bytes, repeats: int) -> dict[str, float]:
    runs: dict[str, list[float]] = {}
    for _ in range(repeats):
        result = engine.score_reading(data, target)
        stages = dict(result.timings)
        text = analyzer.analyze(result.transcript)
        stages["grammar"] = text.timings["parse"] + text.timings["grammar"]
        stages["vocabulary"] = text.timings["vocabulary"]
        t = time.perf_counter()
        engine.synthesize(target)
        stages["tts"] = time.perf_counter() - t
        for k, v in stages.items():
            runs.setdefault(k, []).append(v)
    med = {k: statistics.median(v) for k, v in runs.items()}
    med["feedback_total"] = sum(med[k] for k in FEEDBACK_STAGES)
    return med


def accuracy(engine) -> dict:
    counts = FlagCounts()
    details = []
    for r in readings():
        samples, rate = engine.tts.synthesize_samples(r.spoken, r.length_scale, deterministic=True)
        data = wav_bytes(resample(samples, rate, SAMPLE_RATE), SAMPLE_RATE)
        result = engine.score_reading(data, r.target)
        flags = [w.error for w in result.words]
        counts.add(flags, r.swapped)
        wrong = [(i, result.words[i].word, result.words[i].issue, result.words[i].heard)
                 for i, f in enumerate(flags) if f != (i in r.swapped)]
        if wrong:
            details.append({"reading": r.name, "spoken": r.spoken, "wrong": wrong})
    return {
        "readings": len(readings()),
        "true_pos": counts.true_pos,
        "false_pos": counts.false_pos,
        "false_neg": counts.false_neg,
        "true_neg": counts.true_neg,
        "precision": round(counts.precision, 3),
        "recall": round(counts.recall, 3),
        "mistakes": details,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--accuracy", action="store_true", help="Also measure flag precision/recall.")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from aesp_app.integrations.language import get_text_analyzer
    from aesp_app.integrations.speech import get_speech_engine

    report: dict = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
    }
    engine = get_speech_engine()
    analyzer = get_text_analyzer()
    loads = {}
    for name, fn in (("asr", engine.asr.load), ("alignment", engine.scorer.load), ("tts", engine.tts.load),
                     ("grammar+vocabulary", analyzer.load)):
        t = time.perf_counter()
        fn()
        loads[name] = round(time.perf_counter() - t, 2)
    report["model_load_seconds"] = loads
    report["rss_after_load_mb"] = round(peak_rss_mb())

    answers = {}
    for seconds in DURATIONS:
        target, data, actual = make_answer(engine.tts, seconds)
        engine.score_reading(data, target)  # warm caches for this text
        timing = time_answer(engine, analyzer, target, data, args.repeats)
        answers[f"{seconds}s"] = {"audio_seconds": round(actual, 1), "upload_kb": round(len(data) / 1024),
                                  **{k: round(v, 3) for k, v in timing.items()}}
    report["answers"] = answers
    report["peak_rss_mb"] = round(peak_rss_mb())
    if args.accuracy:
        report["accuracy"] = accuracy(engine)
        report["peak_rss_mb"] = round(peak_rss_mb())

    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"{report['date']} — {report['machine']}")
    print("model load (s): " + ", ".join(f"{k} {v}" for k, v in loads.items()))
    cols = ("decode", "asr", "alignment", "scoring", "grammar", "vocabulary", "feedback_total", "tts")
    print("| answer | audio s | " + " | ".join(cols) + " |")
    print("|---|---|" + "---|" * len(cols))
    for name, row in answers.items():
        print(f"| {name} | {row['audio_seconds']} | " + " | ".join(f"{row[c]:.2f}" for c in cols) + " |")
    print(f"RSS after loading models: {report['rss_after_load_mb']} MB; peak: {report['peak_rss_mb']} MB")
    if args.accuracy:
        acc = report["accuracy"]
        print(f"flags on {acc['readings']} readings: precision {acc['precision']}, recall {acc['recall']} "
              f"(TP {acc['true_pos']}, FP {acc['false_pos']}, FN {acc['false_neg']}, TN {acc['true_neg']})")
        for m in acc["mistakes"]:
            print(f"  {m['reading']}: {m['wrong']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
