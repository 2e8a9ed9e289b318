"""The code, the tests and the scripts pass ruff (pyflakes, pycodestyle errors, import order)."""

from __future__ import annotations

import subprocess
import sys

from support import ROOT


def test_ruff_finds_nothing():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "dictate", "tests", "scripts",
                           "setup.py"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
