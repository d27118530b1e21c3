"""`python -m aesp_app text feedback TEXT|- [--json]`: grammar and vocabulary feedback."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("text", help="Grammar and vocabulary feedback on learner text.")
    sub = parser.add_subparsers(dest="text_command", metavar="ACTION")
    fb = sub.add_parser("feedback", help="Check one text, or one text per line from stdin with '-'.")
    fb.add_argument("text", help="The text to check, or '-' to read one text per line from stdin.")
    fb.add_argument("--json", action="store_true", help="Print JSON (one object per line with '-').")
    fb.set_defaults(handler=feedback)
    parser.set_defaults(handler=lambda args: (parser.print_help(), 2)[1])


def feedback(args: argparse.Namespace) -> int:
    from aesp_app.integrations.language import get_text_analyzer

    analyzer = get_text_analyzer()
    if args.text == "-":
        analyzer.load()  # once, for every line
        failures = 0
        for line in sys.stdin:
            line = line.rstrip("\n")
            if not line.strip():
                continue
            try:
                result = analyzer.analyze(line).to_json()
            except ValueError as exc:
                result = {"text": line[:200], "error": str(exc)}
                failures += 1
            print(json.dumps(result, ensure_ascii=False) if args.json else _report_dict(result), flush=True)
        return 1 if failures else 0
    text = args.text.strip()
    if not text:
        print("Error: the text is empty.", file=sys.stderr)
        return 2
    try:
        result = analyzer.analyze(text)
    except ValueError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_json(), ensure_ascii=False, indent=2) if args.json else _report_dict(result.to_json()))
    return 0


def _report_dict(result: dict) -> str:
    if "error" in result:
        return f"{result['text']}\n  error: {result['error']}\n"
    lines = [result["text"], f"  grammar {result['grammar_score']}/100, vocabulary {result['vocabulary_score']}/100"]
    for err in result["grammar_errors"]:
        fix = f" -> {err['correction']}" if err.get("correction") is not None else ""
        lines.append(f"  - \"{err['text']}\"{fix}: {err['message']}")
    vocab = result["vocabulary"]
    mix = ", ".join(f"{lvl} {share:.0%}" for lvl, share in vocab["cefr"].items() if share)
    lines.append(f"  vocabulary level {vocab['level'] or '-'} ({mix or 'no content words'})")
    for s in vocab["suggestions"]:
        lines.append(f"  - instead of \"{s['word']}\": {', '.join(s['alternatives'])}")
    return "\n".join(lines) + "\n"
