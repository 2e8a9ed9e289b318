"""Probes from outside: a second window must never take a running session's draft.

One probe per test, each named after what it tries. To add one: copy the nearest test,
change what it does to dictate, and assert what a nurse would expect (nothing lost).
"""

from __future__ import annotations

import json
import os
import signal

import pytest
from support import listen_until_committed, run_cli, spoken_text

from dictate.notes.drafts import DraftStore, Journal, committed_words, in_use

pytestmark = [pytest.mark.model, pytest.mark.timing]


def test_a_second_recover_leaves_a_running_session_alone_and_nothing_is_lost(tmp_path):
    """listen --realtime runs; another shell runs listen --recover; the first is then killed.
    Every word the first session committed comes back from its draft."""
    env = {**os.environ, "DICTATE_DRAFTS_DIR": str(tmp_path / "drafts")}
    live, seen = listen_until_committed(env)
    assert len(seen) >= 3, "the live session committed nothing"

    other = run_cli("listen", "--recover", "-f", "text", env=env)
    assert other.returncode == 0, other.stderr
    assert other.stdout == ""  # nothing was taken
    assert "1 note(s) being dictated in another window" in other.stderr

    os.kill(live.pid, signal.SIGKILL)
    live.wait(timeout=30)
    drafts = DraftStore(tmp_path / "drafts").unfinished()
    assert len(drafts) == 1 and not in_use(drafts[0])  # the kernel dropped the dead session's lock
    kept = [w.text for w in committed_words(drafts[0])]
    assert kept[:len(seen)] == seen

    recovered = run_cli("listen", "--recover", "-f", "json", env=env)
    assert recovered.returncode == 0, recovered.stderr
    note = json.loads(recovered.stdout)
    text = " ".join(section["text"] for section in note["sections"]).casefold()
    for word in spoken_text(seen):
        assert word in text
    assert DraftStore(tmp_path / "drafts").unfinished() == []


def test_a_held_journal_cannot_be_opened_twice_or_retired(tmp_path):
    """Within one machine the lock is what keeps two writers (two app windows) apart."""
    store = DraftStore(tmp_path)
    path = tmp_path / "a.jsonl"
    first = Journal(path)
    first.write({"type": "note"})
    with pytest.raises(OSError, match="another window"):
        Journal(path)
    assert in_use(path) and store.abandoned() == ([], 1)
    assert store.retire(path) is False and path.exists()
    first.close()
    assert not in_use(path) and store.abandoned() == ([path], 0)
    assert store.retire(path) is True and not path.exists()
