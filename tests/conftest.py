from __future__ import annotations

import os
import subprocess
import sys
import time
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


def _busy_loop() -> subprocess.Popen:
    """Another process that keeps one core busy, as a loaded tablet would."""
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


@pytest.fixture(scope="session", autouse=True)
def _whole_suite_under_load():
    """DICTATE_TEST_LOAD=1: the whole suite runs with one core kept busy."""
    if os.environ.get("DICTATE_TEST_LOAD") != "1":
        yield
        return
    busy = _busy_loop()
    yield
    busy.kill()
    busy.wait()


@pytest.fixture(autouse=True)
def _timing_tests_under_load(request):
    """Tests marked `timing` (live replay, the app, the microphone, kills) always run
    while one core is busy: they must hold on a loaded machine, not just an idle one."""
    if request.node.get_closest_marker("timing") is None or os.environ.get("DICTATE_TEST_LOAD") == "1":
        yield
        return
    busy = _busy_loop()
    yield
    busy.kill()
    busy.wait()


@pytest.fixture(scope="session")
def model_info():
    from dictate.speech.models import resolve_model

    return resolve_model("base")


@pytest.fixture(scope="session")
def transcriber(model_info):
    from dictate.speech.whisper import WhisperTranscriber

    return WhisperTranscriber(model_info)


class Tmux:
    """A detached tmux session running one shell command: the app as a user meets it."""

    def __init__(self, command: str, *, width: int = 100, height: int = 30) -> None:
        self.name = f"dictate-test-{os.getpid()}-{id(self)}"
        subprocess.run(["tmux", "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), command],
                       check=True, capture_output=True)

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", self.name],
                              capture_output=True, text=True, check=False).stdout

    def wait_for(self, text: str, timeout: float, exited: Path | None = None) -> str:
        """The screen once it shows `text`; fails with the last screen after `timeout` seconds,
        or at once when the file `exited` appears (the command wrote its exit status there)."""
        deadline = time.monotonic() + timeout
        screen = self.screen()
        while text not in screen:
            assert time.monotonic() < deadline, f"{text!r} never appeared:\n{screen}"
            assert exited is None or not exited.exists(), f"exited ({exited.read_text().strip()}):\n{screen}"
            time.sleep(0.5)
            screen = self.screen()
        return screen

    def send(self, *keys: str) -> None:
        subprocess.run(["tmux", "send-keys", "-t", self.name, *keys], check=True, capture_output=True)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True, check=False)

    def __enter__(self) -> "Tmux":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wait_for_file(path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.2)
