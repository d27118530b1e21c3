"""`python -m aesp_app speech ...`: score a reading, transcribe, or speak text (operators, evaluation).

    speech score AUDIO --target "TEXT" [--json]
    speech score LIST.tsv [--json]       lines of AUDIO<TAB>TARGET; one JSON object per line
    speech transcribe AUDIO [--json]
    speech say "TEXT" -o out.wav
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(subparsers) -> None:
    parser = subparsers.add_parser("speech", help="Offline speech engine: scoring, transcription, TTS.")
    sub = parser.add_subparsers(dest="speech_command", metavar="ACTION")

    score = sub.add_parser("score", help="Score a reading of a target sentence.")
    score.add_argument("audio", help="Audio file (webm, ogg, wav, mp3...), or a list file of AUDIO<TAB>TARGET lines.")
    score.add_argument("--target", help="The sentence the learner was asked to read.")
    score.add_argument("--batch", action="store_true", help="Treat AUDIO as a list file (also detected without it).")
    score.add_argument("--feedback", action="store_true", help="Also add grammar and vocabulary feedback on the transcript.")
    score.add_argument("--json", action="store_true", help="Print JSON.")
    score.set_defaults(handler=score_command)

    tr = sub.add_parser("transcribe", help="Transcribe an audio file.")
    tr.add_argument("audio")
    tr.add_argument("--json", action="store_true")
    tr.set_defaults(handler=transcribe_command)

    say = sub.add_parser("say", help="Speak TEXT with the offline voice into a WAV file.")
    say.add_argument("text")
    say.add_argument("-o", "--output", required=True, help="WAV file to write.")
    say.set_defaults(handler=say_command)
    parser.set_defaults(handler=lambda args: (parser.print_help(), 2)[1])


def _read(path: str) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise FileNotFoundError(f"No such file: {path}")
    # Never read more than we would accept (plus one byte, so the size check still fires).
    from aesp_app.integrations.speech import MAX_BYTES

    with open(p, "rb") as fh:
        return fh.read(MAX_BYTES + 1)


def _is_list_file(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")), "")
    return "\t" in first


def _score_one(engine, audio_path: str, target: str, with_feedback: bool) -> dict:
    from aesp_app.integrations.speech import AudioError, TargetTextError

    try:
        result = engine.score_reading(_read(audio_path), target).to_json()
    except AudioError as exc:
        return {"audio": audio_path, "target": target, "error": exc.code, "message": exc.message}
    except (TargetTextError, FileNotFoundError) as exc:
        return {"audio": audio_path, "target": target, "error": "bad_input", "message": str(exc)}
    result = {"audio": audio_path, **result}
    if with_feedback and result.get("transcript"):
        from aesp_app.integrations.language import analyze_text

        text = analyze_text(result["transcript"]).to_json()
        result["grammar_score"] = text["grammar_score"]
        result["grammar_errors"] = text["grammar_errors"]
        result["vocabulary"] = text["vocabulary"]
    return result


def score_command(args: argparse.Namespace) -> int:
    from aesp_app.integrations.speech import get_speech_engine

    engine = get_speech_engine()
    if args.batch or (args.target is None and _is_list_file(args.audio)):
        try:
            lines = Path(args.audio).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            print(f"Error: cannot read list file {args.audio}: {exc}", file=sys.stderr)
            return 2
        engine.warm_up()  # load the models once for every line
        base = Path(args.audio).resolve().parent
        failures = 0
        for n, line in enumerate(lines, 1):
            if not line.strip() or line.startswith("#"):
                continue
            if "\t" not in line:
                result = {"line": n, "error": "bad_input", "message": "Expected AUDIO<TAB>TARGET."}
            else:
                audio, target = line.split("\t", 1)
                path = Path(audio)
                if not path.is_absolute():
                    path = base / path
                result = _score_one(engine, str(path), target.strip(), args.feedback)
            failures += "error" in result
            print(json.dumps(result, ensure_ascii=False) if args.json else _report(result), flush=True)
        return 1 if failures else 0
    if not args.target:
        print("Error: give --target \"TEXT\" (or a list file of AUDIO<TAB>TARGET lines).", file=sys.stderr)
        return 2
    result = _score_one(engine, args.audio, args.target, args.feedback)
    if "error" in result:
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        print(f"Error: {result['message']}", file=sys.stderr)
        return 1
    print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else _report(result))
    return 0


def _report(result: dict) -> str:
    if "error" in result:
        return f"{result.get('audio', '')}: {result['message']}\n"
    flu = result["fluency"]
    lines = [
        f"target:     {result['target']}",
        f"heard:      {result['transcript']}",
        f"pronunciation {result['pronunciation_score']}/100, fluency {flu['score']}/100 "
        f"({flu['wpm']:.0f} wpm, {flu['pauses']['count']} pauses, longest {flu['pauses']['longest']:.1f} s, "
        f"{flu['fillers']['count']} fillers)",
    ]
    for w in result["words"]:
        if w["error"]:
            heard = f", heard \"{w['heard']}\" {w['heard_ipa'] or ''}" if w["heard"] else ""
            lines.append(f"  ✗ {w['word']} {w['expected']}: {w['issue']}{heard} (score {w['score']})")
    if not any(w["error"] for w in result["words"]):
        lines.append("  every word was read as expected")
    if "grammar_score" in result:
        lines.append(f"grammar {result['grammar_score']}/100, vocabulary {result['vocabulary']['score']}/100")
    return "\n".join(lines) + "\n"


def transcribe_command(args: argparse.Namespace) -> int:
    from aesp_app.integrations.speech import AudioError, get_speech_engine

    try:
        transcript = get_speech_engine().transcribe(_read(args.audio))
    except AudioError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(transcript.to_json(), ensure_ascii=False, indent=2) if args.json else transcript.text)
    return 0


def say_command(args: argparse.Namespace) -> int:
    from aesp_app.integrations.speech import get_speech_engine

    try:
        data = get_speech_engine().synthesize(args.text)
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    Path(args.output).write_bytes(data)
    print(f"Wrote {args.output} ({len(data) / 1024:.0f} KB)")
    return 0
