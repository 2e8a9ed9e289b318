"""No transcript text on stderr: a unique marker word is dictated through the
whole pipeline (offline and live) at full verbosity. It must reach stdout and
nowhere else. The app's log file is checked the same way in tests/ui/test_app_tmux.py."""

from __future__ import annotations

import pytest
from support import DATA, run_cli

pytestmark = pytest.mark.model

MARKER = "kalamazoo"
CLIP = str(DATA / "en_marker.wav")


def test_the_marker_reaches_stdout_and_never_stderr_offline():
    result = run_cli("transcribe", "-v", "-l", "en", "--format", "json", CLIP)
    assert result.returncode == 0, result.stderr
    assert MARKER in result.stdout.casefold()
    assert result.stderr.strip(), "verbose mode should say something"
    assert MARKER not in result.stderr.casefold()


def test_the_marker_reaches_stdout_and_never_stderr_live(tmp_path):
    result = run_cli("listen", "-v", "-l", "en", "--input", CLIP)
    assert result.returncode == 0, result.stderr
    assert MARKER in result.stdout.casefold()
    assert MARKER not in result.stderr.casefold()


def test_the_marker_stays_off_stderr_while_templates_warn(tmp_path):
    """Warnings about templates are the busiest stderr path: still no transcript."""
    import shutil

    from support import ROOT

    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    (templates / "autotexts" / "fald.yaml").write_text("id: [broken\n", encoding="utf-8")
    result = run_cli("transcribe", "-v", "-l", "en", "--templates", str(templates), CLIP)
    assert result.returncode == 0 and "fald.yaml" in result.stderr
    assert MARKER in result.stdout.casefold() and MARKER not in result.stderr.casefold()
