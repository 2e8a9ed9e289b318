"""Fixtures for every test. The tests are grouped by kind:

- unit/: the core's logic, with deterministic fakes where a model would be;
- integration/: the real model, the real microphone stack (PortAudio through ALSA),
  the CLI as a subprocess, the wheel, the set-up scripts, no network;
- ui/: the Textual app through Pilot, snapshots, and the real binary in tmux;
- scripts/: the benchmark and fixture scripts;
- hygiene/: the package's shape (layers, no cycles, headless core), lint, entry points.

Shared helpers are in support.py. Tests that load the speech model are marked `model`
(`scripts/test -m "not model"` is the fast part); tests marked `timing` run with one
core kept busy.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

import pytest

# Never reach for the network from a test, even by accident.
os.environ["HF_HUB_OFFLINE"] = "1"


@contextmanager
def _one_core_busy() -> Iterator[None]:
    """Another process keeps one core busy meanwhile, as on a loaded tablet."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        yield
    finally:
        busy.kill()
        busy.wait()


@pytest.fixture(scope="session", autouse=True)
def _whole_suite_under_load() -> Iterator[None]:
    """DICTATE_TEST_LOAD=1: the whole suite runs with one core kept busy."""
    with _one_core_busy() if os.environ.get("DICTATE_TEST_LOAD") == "1" else nullcontext():
        yield


@pytest.fixture(autouse=True)
def _timing_tests_under_load(request) -> Iterator[None]:  # noqa: ANN001
    """Tests marked `timing` (live replay, the app, the microphone, kills) always run
    while one core is busy: they must hold on a loaded machine, not just an idle one."""
    wanted = request.node.get_closest_marker("timing") is not None and os.environ.get("DICTATE_TEST_LOAD") != "1"
    with _one_core_busy() if wanted else nullcontext():
        yield


@pytest.fixture(scope="session")
def model_info():
    from dictate.speech.models import resolve_model

    return resolve_model("base")


@pytest.fixture(scope="session")
def transcriber(model_info):
    from dictate.speech.whisper import WhisperTranscriber

    return WhisperTranscriber(model_info)
