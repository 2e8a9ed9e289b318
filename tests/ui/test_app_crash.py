"""The app killed (SIGKILL) at random moments while it dictates, then started again.

What the app showed was committed, and what was committed is in the draft journal
before it was shown. So whatever moment the kill lands on, the draft gives every
committed word back: through the same restore the app offers at its next start, and,
for a kill, through a real restart in tmux where the nurse continues the note,
dictates more, is cut off again, and continues once more.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sys
import time
from pathlib import Path

import pytest
from support import DATA, ROOT, Tmux, wait_for_file

from dictate.catalog.loader import load_catalog
from dictate.interpret.interpreter import LOOSE_KEYWORD_THRESHOLD
from dictate.interpret.soundalike import loose_keyword_score
from dictate.notes.drafts import committed_words, restore_note
from dictate.output.render import to_text
from dictate.ui.strings import STRINGS

pytestmark = [pytest.mark.model, pytest.mark.timing]

CATALOG = load_catalog()
#: Spoken commands and marks: structure, not words of the note.
COMMAND_WORDS = {"period", "comma", "heading", "having", "end", "note", "new", "line", "nutrition", "pain"}
#: The headings the screen shows above the words.
HEADING_WORDS = {re.sub(r"\W", "", w).casefold() for section in CATALOG.layouts["fsiii"].all_sections
                 for w in section.heading("en").split()}


def sounds_like_heading(word: str) -> bool:
    """A word the interpreter may take for a misheard "heading" ("having", "adding", "heaven",
    as base hears it on one backend or the other): part of a command, not of the note's text."""
    return loose_keyword_score(word, "heading") >= LOOSE_KEYWORD_THRESHOLD


def content(words: list[str]) -> list[str]:
    cores = (re.sub(r"\W", "", w).casefold() for w in words)
    return [w for w in cores if w and w not in COMMAND_WORDS and not sounds_like_heading(w)]


def app_command(drafts: Path, clip: Path, out: Path, rc: Path | None = None) -> str:
    tail = f"; echo $? > {rc}" if rc else ""
    run = "" if rc else "exec "
    return (f"cd {ROOT} && DICTATE_DRAFTS_DIR={drafts} DICTATE_LOG_DIR={drafts.parent} HF_HUB_OFFLINE=1 "
            f"{run}{sys.executable} -m dictate --input {clip} --fast -l en --ui-language en > {out}{tail}")


def restored_text(drafts: Path) -> str:
    notes = [restore_note(path, CATALOG.layouts, dict(CATALOG.autotexts))
             for path in sorted(drafts.glob("*.jsonl"))]
    return " ".join(to_text(note, trailer=False) for note in notes).casefold()


def committed(drafts: Path) -> list[str]:
    return [w.text for path in sorted(drafts.glob("*.jsonl")) for w in committed_words(path)]


def note_on_screen(screen: str) -> list[str]:
    """The words of the note as the screen showed it: below the status line, above the live line."""
    lines = screen.splitlines()
    end = next((i for i, line in enumerate(lines) if line.lstrip().startswith("▔")), len(lines))
    shown = " ".join(lines[1:end]).replace("▶", " ")
    if "note is empty" in shown:
        return []
    words = content(re.findall(r"[^\s\[\]]+", re.sub(r"\[[^\]]*\]", " ", shown)))
    if "slow" in words and "pauses" in words:  # the too-slow notice over the note (a slow backend)
        notice = set(content(re.findall(r"\w+", STRINGS["en"]["status_too_slow"])))
        words = [w for w in words if w not in notice]
    if "finished" in words and "kept" in words:  # after "end note": the finished note, under a line saying so
        banner = content(re.findall(r"\w+", STRINGS["en"]["finished_note_shown"]))
        words = words[len(banner):] if words[:len(banner)] == banner else words
    return [w for w in words if w not in HEADING_WORDS]


def kill_after(delay: float, drafts: Path, clip: Path, tmp: Path) -> list[str]:
    """SIGKILL the app `delay` seconds in; returns the note's words the screen showed just before."""
    with Tmux(app_command(drafts, clip, tmp / "out.txt")) as app:
        pid = app.pid()
        time.sleep(delay)
        shown = note_on_screen(app.screen())
        os.kill(pid, signal.SIGKILL)
    return shown


def restart_and_close(drafts: Path, tmp: Path, name: str) -> str:
    """Start again on a silent recording, continue the offered draft, close: the notes on stdout."""
    out, rc = tmp / f"{name}.txt", tmp / f"{name}.rc"
    with Tmux(app_command(drafts, DATA / "silence_30s.wav", out, rc)) as app:
        app.wait_for("note from", timeout=120, exited=rc)
        app.send("Escape")  # continue the note (or send it, when it was finished before the kill)
        app.wait_for("Stopped", timeout=120, exited=rc)
        app.send("C-q")
        wait_for_file(rc, timeout=60)
    assert rc.read_text().strip() == "0"
    return out.read_text().casefold()


def test_sigkill_at_random_moments_loses_no_committed_word(tmp_path):
    clip = DATA / "en_live.wav"
    began = time.monotonic()
    with Tmux(app_command(tmp_path / "whole", clip, tmp_path / "whole.txt", tmp_path / "whole.rc")) as app:
        app.wait_for("Paused", timeout=240, exited=tmp_path / "whole.rc")  # "end note" was heard
        duration = time.monotonic() - began
        app.send("C-q")
        wait_for_file(tmp_path / "whole.rc", timeout=60)

    rng = random.Random(20261129)
    checked = restarted = 0
    for i in range(10):
        drafts, tmp = tmp_path / f"kill{i}" / "drafts", tmp_path / f"kill{i}"
        tmp.mkdir()
        shown = kill_after(rng.uniform(1.5, duration), drafts, clip, tmp)
        words = content(committed(drafts))
        assert set(shown) <= set(words), f"kill {i}: shown but never journalled: {set(shown) - set(words)}"
        if not words:
            continue  # killed before anything was committed
        text = restored_text(drafts)
        missing = [w for w in words if w not in text]
        assert not missing, f"kill {i}: committed but not restored: {missing}"
        checked += 1
        if restarted < 1:  # a real restart, as the nurse meets it (the chain test below restarts twice more)
            stdout = restart_and_close(drafts, tmp, "restart")
            assert not [w for w in words if w not in stdout], f"kill {i}: the restarted app lost words"
            restarted += 1
    assert checked >= 6 and restarted == 1


def test_restore_dictate_crash_restore_loses_nothing(tmp_path):
    """Cut off, continued with more dictation, cut off again: both parts come back."""
    drafts = tmp_path / "drafts"
    with Tmux(app_command(drafts, DATA / "en_live.wav", tmp_path / "out.txt")) as app:
        pid = app.pid()
        deadline = time.monotonic() + 120
        while not content(committed(drafts)):  # killed once the first words are saved
            assert time.monotonic() < deadline, "nothing committed in the dictation"
            time.sleep(0.2)
        time.sleep(0.5)
        os.kill(pid, signal.SIGKILL)
    first = content(committed(drafts))
    # Continue the note with another dictation, and cut that off too.
    with Tmux(app_command(drafts, DATA / "en_dictation.wav", tmp_path / "second.txt")) as app:
        pid = app.pid()
        app.wait_for("note from", timeout=120)
        app.send("Escape")  # continue
        deadline = time.monotonic() + 120
        while len(content(committed(drafts))) < len(first) + 5:  # some more words committed
            assert time.monotonic() < deadline, "the continued note took no more words"
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)
    both = content(committed(drafts))
    stdout = restart_and_close(drafts, tmp_path, "third")
    missing = [w for w in both if w not in stdout]
    assert not missing, f"lost after the second crash: {missing}"
