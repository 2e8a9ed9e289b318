"""The progress line for long batch runs: only on a terminal, never on stdout, never transcript."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys

import pytest
from support import DATA, ROOT

from dictate.output.progress import ProgressLine


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_the_line_counts_files_and_audio_and_estimates_what_is_left():
    clock, stream = Clock(), Terminal()
    bar = ProgressLine(stream, total_files=4, width=8, now=clock)
    bar.start_file("visit_01.wav", 60.0)
    assert "0/4 files" in bar.text() and "0:00/1:00 of visit_01.wav" in bar.text()
    assert "left" not in bar.text()  # nothing done yet: no guess
    clock.t += 15
    bar.advance(30.0)
    # Half a file in 15 s: 15 s more for this one, and 3 files at 30 s a file.
    assert "about 1:45 left" in bar.text(), bar.text()
    assert bar.text().startswith("[#.......]")
    clock.t += 15
    bar.advance(60.0)
    bar.finish_file()
    assert bar.text().startswith("[##......] 1/4 files") and "of " not in bar.text()
    assert "about 1:30 left" in bar.text(), bar.text()


def test_redraws_are_in_place_throttled_and_cleared_for_log_lines():
    clock, stream = Clock(), Terminal()
    bar = ProgressLine(stream, total_files=1, now=clock)
    bar.start_file("a.wav", 10.0)
    drawn = stream.getvalue().count("\r")
    bar.advance(1.0)
    bar.advance(2.0)  # within 0.1 s: not redrawn
    assert stream.getvalue().count("\r") == drawn
    clock.t += 1
    bar.advance(3.0)
    assert stream.getvalue().count("\r") == drawn + 1
    bar.clear()
    assert stream.getvalue().endswith("\r\x1b[2K")
    assert "\n" not in stream.getvalue()


def test_only_a_terminal_gets_a_bar(monkeypatch):
    assert not ProgressLine.wanted(io.StringIO())
    assert ProgressLine.wanted(Terminal())
    monkeypatch.setenv("TERM", "dumb")
    assert not ProgressLine.wanted(Terminal())


def _run_with_terminal_stderr(*args: str) -> tuple[int, str, str]:
    """`dictate ARGS` with stderr on a pseudo-terminal and stdout on a pipe, as `dictate ... > notes.txt`."""
    leader, follower = pty.openpty()
    env = {**os.environ, "TERM": "xterm"}
    proc = subprocess.Popen([sys.executable, "-m", "dictate", *args], stdout=subprocess.PIPE,
                            stderr=follower, stdin=subprocess.DEVNULL, cwd=ROOT, env=env)
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 300)
        if not ready:
            proc.kill()
            raise AssertionError("no output from dictate for 300 s")
        try:
            data = os.read(leader, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    stdout = proc.stdout.read().decode("utf-8")
    proc.wait(timeout=60)
    os.close(leader)
    return proc.returncode, stdout, b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.model
def test_a_batch_run_on_a_terminal_shows_progress_on_stderr_and_only_notes_on_stdout():
    code, stdout, stderr = _run_with_terminal_stderr(
        "transcribe", str(DATA / "en_marker.wav"), str(DATA / "en_soap.wav"), "--language", "en")
    assert code == 0, stderr
    assert "1/2 files" in stderr and "2/2 files" in stderr and "of en_soap.wav" in stderr
    assert "[1/2] " in stderr and "[2/2] " in stderr  # the log lines still say which file
    assert "\r" not in stdout and "files" not in stdout
    assert stdout.count("==> ") == 2
    assert "kalamazoo" not in stderr.casefold()  # en_marker's marker word: no transcript beside the bar


@pytest.mark.model
def test_a_piped_stderr_gets_log_lines_and_no_bar():
    proc = subprocess.run([sys.executable, "-m", "dictate", "transcribe", str(DATA / "en_marker.wav"),
                           "--language", "en"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "\r" not in proc.stderr and "files" not in proc.stderr
    assert "en_marker.wav: " in proc.stderr
