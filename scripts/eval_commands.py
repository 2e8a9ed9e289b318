#!/usr/bin/env python3
"""Precision and recall of spoken-command and auto-text detection, and what the
vocabulary correction fixes and breaks, on the text-level sets in tests/data.

    python scripts/eval_commands.py [--set tests/data/command_accuracy.yaml]
                                    [--corrections tests/data/vocabulary_corrections.yaml]
                                    [--templates DIR] [-v]

Each utterance of the command set is fed alone to a fresh interpreter (layout
fsiii) and classified by what it did: text, undo, next_field, previous_field,
end_note, heading:KEY or autotext:ID. A near tie offered as a choice counts as
no detection. Precision = right detections / all detections; recall = right
detections / utterances that are commands.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from dictate.catalog.loader import Catalog, load_catalog
from dictate.catalog.yamlfile import load_yaml
from dictate.interpret.edits import EndNote, GoToSection, InsertAutoText, NextField, PreviousField, Undo
from dictate.interpret.interpreter import Interpreter
from dictate.words import Utterance, Word

ROOT = Path(__file__).resolve().parent.parent

TARGET_PRECISION = 0.98
TARGET_RECALL = 0.95


def utterance(text: str) -> Utterance:
    return Utterance(tuple(Word(w, i * 0.4, i * 0.4 + 0.3, 0.9) for i, w in enumerate(text.split())))


def interpreter(catalog: Catalog, language: str, correct: bool = False) -> Interpreter:
    from dictate.interpret.correction import Corrector

    return Interpreter(layout=catalog.layouts["fsiii"], commands=catalog.commands[language], language=language,
                       autotexts=catalog.autotexts_for(language),
                       corrector=Corrector.from_terms(catalog.terms(language)) if correct else None)


def command_of(edit: object) -> str | None:
    """The command an edit carries out (autotext:ID, undo, ..., heading:KEY), None for text."""
    if isinstance(edit, InsertAutoText):
        return f"autotext:{edit.autotext.id}"
    if isinstance(edit, Undo):
        return "undo"
    if isinstance(edit, NextField):
        return "next_field"
    if isinstance(edit, PreviousField):
        return "previous_field"
    if isinstance(edit, EndNote):
        return "end_note"
    if isinstance(edit, GoToSection):
        return f"heading:{edit.key}"
    return None


def classify(interp: Interpreter, text: str) -> str:
    for edit in interp.feed(utterance(text)):
        command = command_of(edit)
        if command is not None:
            return command
    return "text"


@dataclass
class Scores:
    cases: int
    detections: int
    right: int
    commands: int
    mistakes: list[tuple[str, str, str]]  # (said, expected, got)

    @property
    def precision(self) -> float:
        return self.right / self.detections if self.detections else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.commands if self.commands else 1.0


def score_commands(path: Path, catalog: Catalog) -> Scores:
    cases = load_yaml(path)
    scores = Scores(len(cases), 0, 0, 0, [])
    for case in cases:
        language = case.get("language", "da")
        got = classify(interpreter(catalog, language), case["say"])
        expected = case["expect"]
        scores.commands += expected != "text"
        scores.detections += got != "text"
        scores.right += got != "text" and got == expected
        if got != expected:
            scores.mistakes.append((case["say"], expected, got))
    return scores


@dataclass
class CorrectionScores:
    cases: int
    fixed: int      # a wrong word became right
    broken: int     # a right word became wrong
    missed: int     # a wrong word stayed wrong
    mistakes: list[tuple[str, str, str]]


def score_corrections(path: Path, catalog: Catalog) -> CorrectionScores:
    cases = load_yaml(path)
    scores = CorrectionScores(len(cases), 0, 0, 0, [])
    interp = interpreter(catalog, "da", correct=True)
    for case in cases:
        heard, expected = case["heard"], case["expect"]
        edits = interp.feed(utterance(heard))
        words = [e.text for e in edits if hasattr(e, "text")]
        got = " ".join(words)
        changed = [e for e in edits if getattr(e, "corrected_from", None)]
        if heard == expected:
            if changed:
                scores.broken += 1
                scores.mistakes.append((heard, expected, got))
        elif got == expected:
            scores.fixed += 1
        else:
            scores.missed += 1
            if changed:
                scores.mistakes.append((heard, expected, got))
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=ROOT / "tests" / "data" / "command_accuracy.yaml")
    parser.add_argument("--corrections", type=Path, default=ROOT / "tests" / "data" / "vocabulary_corrections.yaml")
    parser.add_argument("--templates", type=Path)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every mistake")
    args = parser.parse_args(argv)
    catalog = load_catalog(args.templates)
    for problem in catalog.problems:
        print(f"template problem: {problem}", file=sys.stderr)

    s = score_commands(args.set, catalog)
    print(f"commands: {s.cases} utterances, {s.commands} commands, {s.detections} detections, {s.right} right")
    print(f"  precision {s.precision:.3f} (target >= {TARGET_PRECISION})  "
          f"recall {s.recall:.3f} (target >= {TARGET_RECALL})")
    if args.verbose:
        for said, expected, got in s.mistakes:
            print(f"  {said!r}: expected {expected}, got {got}")
    c = score_corrections(args.corrections, catalog)
    print(f"vocabulary correction: {c.cases} sentences; fixed {c.fixed}, broke {c.broken}, missed {c.missed}")
    if args.verbose:
        for heard, expected, got in c.mistakes:
            print(f"  {heard!r}: expected {expected!r}, got {got!r}")
    ok = s.precision >= TARGET_PRECISION and s.recall >= TARGET_RECALL and c.fixed > c.broken
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
