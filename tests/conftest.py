from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"

# Never reach for the network from a test, even by accident.
os.environ["HF_HUB_OFFLINE"] = "1"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> Run:
    """Run `python -m dictate ARGS` as a user would, capturing both streams."""
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "dictate", *args], capture_output=True,
                          text=True, env=full_env, timeout=timeout, cwd=ROOT)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def model_info():
    from dictate.models import resolve_model

    return resolve_model("base")


@pytest.fixture(scope="session")
def transcriber(model_info):
    from dictate.whisper import WhisperTranscriber

    return WhisperTranscriber(model_info)
