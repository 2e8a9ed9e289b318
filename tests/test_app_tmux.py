"""The real `dictate` binary in a real terminal (tmux): the app runs, and stdout
holds only the finished note, nothing of the interface."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest
from conftest import DATA, ROOT

TMUX = shutil.which("tmux")


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


@pytest.mark.skipif(TMUX is None and not os.environ.get("CI"), reason="tmux is not installed")
def test_the_app_in_tmux_writes_only_the_note_to_stdout(tmp_path):
    assert TMUX, ".ci/run installs tmux"
    session = f"dictate-test-{os.getpid()}"
    out = tmp_path / "out.txt"
    # Textual draws on stderr (the terminal); stdout goes to a file, as an integrator's pipe would.
    drafts = tmp_path / "drafts"
    command = (f"cd {ROOT} && DICTATE_LOG_DIR={tmp_path} DICTATE_DRAFTS_DIR={drafts} {sys.executable} -m dictate "
               f"--input {DATA / 'en_live.wav'} --fast -l en --ui-language en > {out}; echo exited $? > {tmp_path}/rc")
    tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "30", command)
    try:
        deadline = time.monotonic() + 240
        screen = ""
        while "Paused" not in screen:  # "End note" finished the note and paused recording
            assert time.monotonic() < deadline, screen
            time.sleep(0.5)
            screen = tmux("capture-pane", "-p", "-t", session)
        assert "Record/pause" in screen and "Finish" in screen  # the footer's keys
        # The finished note's draft stays until the note is written out at exit.
        assert len(list(drafts.glob("*.jsonl"))) == 1
        tmux("send-keys", "-t", session, "C-q")
        while not (tmp_path / "rc").exists():
            assert time.monotonic() < deadline
            time.sleep(0.2)
    finally:
        tmux("kill-session", "-t", session)
    assert (tmp_path / "rc").read_text().strip() == "exited 0"
    text = out.read_text()
    assert text.startswith("General\nThe resident is asleep in"), text
    assert "Nutrition\n" in text and "Pain and sensory impressions\nShe has no pain today." in text
    assert "\x1b" not in text  # no terminal control sequences in the note
    assert list(drafts.glob("*.jsonl")) == []  # written out, so the draft was retired
    log = (tmp_path / "dictate.log").read_text()
    assert "loaded" in log and "asleep" not in log  # diagnostics, but no transcript text, in the log
