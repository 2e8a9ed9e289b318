"""Command and auto-text detection on the text-level accuracy set, and the
vocabulary correction on misheard care terms (both written by hand, in tests/data)."""

from __future__ import annotations

import importlib.util
import sys

from support import DATA, ROOT

from dictate.catalog.loader import load_catalog

spec = importlib.util.spec_from_file_location("eval_commands", ROOT / "scripts" / "eval_commands.py")
eval_commands = importlib.util.module_from_spec(spec)
sys.modules["eval_commands"] = eval_commands  # dataclasses look their module up
spec.loader.exec_module(eval_commands)

CATALOG = load_catalog()


def test_the_set_is_big_enough_and_names_real_targets():
    cases = eval_commands.load_yaml(DATA / "command_accuracy.yaml")
    assert len(cases) >= 150
    kinds = {c["expect"].split(":")[0] for c in cases}
    assert kinds == {"text", "autotext", "heading", "undo", "next_field", "previous_field", "end_note"}
    assert sum(c["expect"] == "text" for c in cases) >= 70
    for case in cases:
        kind, _, target = case["expect"].partition(":")
        if kind == "autotext":
            assert target in CATALOG.autotexts
        if kind == "heading":
            assert target in {s.key for s in CATALOG.layouts["fsiii"].all_sections}


def test_command_detection_meets_its_targets():
    scores = eval_commands.score_commands(DATA / "command_accuracy.yaml", CATALOG)
    detail = "\n".join(f"{said!r}: expected {expected}, got {got}" for said, expected, got in scores.mistakes)
    assert scores.precision >= eval_commands.TARGET_PRECISION, detail
    assert scores.recall >= eval_commands.TARGET_RECALL, detail
    # No ordinary sentence in the set fires anything.
    assert not [m for m in scores.mistakes if m[1] == "text"], detail


def test_vocabulary_correction_fixes_more_than_it_breaks():
    scores = eval_commands.score_corrections(DATA / "vocabulary_corrections.yaml", CATALOG)
    assert scores.cases >= 80
    assert scores.broken == 0, scores.mistakes
    assert scores.fixed > 0.9 * (scores.fixed + scores.missed), scores.mistakes


def test_the_script_reports_the_figures():
    import subprocess

    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval_commands.py")], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "precision 1.000" in proc.stdout or "precision 0.9" in proc.stdout
    assert "vocabulary correction: 120 sentences; fixed" in proc.stdout
