"""The real `dictate` binary in a real terminal (tmux): the app runs, and stdout
holds only the finished note, nothing of the interface."""

from __future__ import annotations

import sys

import pytest
from support import DATA, ROOT, Tmux, wait_for_file

pytestmark = [pytest.mark.model, pytest.mark.timing]


def test_the_app_in_tmux_writes_only_the_note_to_stdout(tmp_path):
    out, rc = tmp_path / "out.txt", tmp_path / "rc"
    # Textual draws on stderr (the terminal); stdout goes to a file, as an integrator's pipe would.
    drafts = tmp_path / "drafts"
    command = (f"cd {ROOT} && DICTATE_LOG_DIR={tmp_path} DICTATE_DRAFTS_DIR={drafts} {sys.executable} -m dictate "
               f"--input {DATA / 'en_live.wav'} --fast -l en --ui-language en > {out}; echo $? > {rc}")
    with Tmux(command) as app:
        screen = app.wait_for("Paused", timeout=240, exited=rc)  # "End note" finished the note and paused
        assert "F9 Record" in screen and "f10 Finish" in screen and "f8 Discard" in screen  # every footer key fits
        # The finished note stays in view, not an empty page.
        screen = app.wait_for("The note is finished and kept", timeout=30)
        assert "The resident is asleep" in screen
        # The finished note's draft stays until the note is written out at exit.
        assert len(list(drafts.glob("*.jsonl"))) == 1
        app.send("C-q")
        wait_for_file(rc, timeout=60)
    assert rc.read_text().strip() == "0"
    text = out.read_text()
    assert text.startswith("General\nThe resident is asleep in"), text
    assert "Nutrition\n" in text and "Pain and sensory impressions\nShe has no pain today." in text
    assert "\x1b" not in text  # no terminal control sequences in the note
    assert list(drafts.glob("*.jsonl")) == []  # written out, so the draft was retired
    log = (tmp_path / "dictate.log").read_text()
    assert "loaded" in log and "asleep" not in log  # diagnostics, but no transcript text, in the log


@pytest.mark.model
@pytest.mark.parametrize("redirect", ["> {out}", "| cat > {out}"], ids=["file", "pipe"])
def test_with_stdout_redirected_the_app_still_fills_the_terminal(tmp_path, redirect):
    """`dictate > note.txt` and `dictate | import` used to lock the app to 80x24."""
    out, rc = tmp_path / "out.txt", tmp_path / "rc"
    command = (f"cd {ROOT} && DICTATE_LOG_DIR={tmp_path} DICTATE_DRAFTS_DIR={tmp_path / 'drafts'} {sys.executable} "
               f"-m dictate --input {DATA / 'en_live.wav'} --fast -l en --ui-language en "
               f"{redirect.format(out=out)}; echo $? > {rc}")
    with Tmux(command, width=120, height=36) as app:
        screen = app.wait_for("Paused", timeout=240, exited=rc)
        lines = screen.splitlines()
        footer = next(i for i, line in enumerate(lines) if "F9 Record" in line)
        assert footer == 35, screen  # the footer on the terminal's last row, not row 24
        # The live line's border spans the terminal's width (a toast may cover part of it).
        assert max(len(line.rstrip()) for line in lines if line.startswith("▔")) == 120, screen
        app.send("C-q")
        wait_for_file(rc, timeout=60)
    assert rc.read_text().strip() == "0"
    assert out.read_text().startswith("General\n")
