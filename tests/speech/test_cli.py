"""The operator commands, run in-process (the models are already loaded by other tests)."""

from __future__ import annotations

import io
import json

import pytest

from aesp_app.cli import main

pytestmark = pytest.mark.slow


def test_text_feedback_json(capsys):
    assert main(["text", "feedback", "She can sings.", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["grammar_errors"][0]["suggestions"] == ["sing"]


def test_text_feedback_lines_from_stdin(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("I am agree.\n\nHe go to school yesterday.\n"))
    assert main(["text", "feedback", "-", "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert all("grammar_score" in json.loads(line) for line in lines)


def test_text_feedback_empty_is_refused(capsys):
    assert main(["text", "feedback", "  "]) == 2
    assert "empty" in capsys.readouterr().err


def test_speech_score_single_and_batch(tmp_path, capsys, speak_wav):
    good = tmp_path / "good.wav"
    good.write_bytes(speak_wav("Please put the rice in the bowl."))
    silent = tmp_path / "silent.wav"
    from aesp_app.integrations.speech.audio import wav_bytes
    import numpy as np

    silent.write_bytes(wav_bytes(np.zeros(16000, dtype=np.float32), 16000))
    (tmp_path / "junk.webm").write_bytes(b"not audio at all" * 50)

    assert main(["speech", "score", str(good), "--target", "Please put the rice in the bowl.", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["transcript"] and [w["word"] for w in data["words"]][:2] == ["Please", "put"]

    assert main(["speech", "score", str(silent), "--target", "Hello."]) == 1
    assert "could not hear you" in capsys.readouterr().err

    listing = tmp_path / "list.tsv"
    listing.write_text("good.wav\tPlease put the rice in the bowl.\nsilent.wav\tHello.\njunk.webm\tHello.\n")
    assert main(["speech", "score", str(listing), "--json"]) == 1  # some lines failed
    rows = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert len(rows) == 3
    assert "pronunciation_score" in rows[0]
    assert rows[1]["error"] == "silence" and rows[2]["error"] == "not_audio"


def test_speech_say(tmp_path, capsys):
    out = tmp_path / "hello.wav"
    assert main(["speech", "say", "Good morning!", "-o", str(out)]) == 0
    assert out.read_bytes()[:4] == b"RIFF"
