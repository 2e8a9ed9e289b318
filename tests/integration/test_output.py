"""`--output FILE`: written atomically; a full disk or a bad path is a clear error and
the old file is left as it was."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys

import pytest
from support import DATA, ROOT, run_cli

pytestmark = pytest.mark.model

CLIP = str(DATA / "en_soap.wav")


def test_output_file_holds_the_note_and_nothing_on_stdout(tmp_path):
    target = tmp_path / "note.json"
    result = run_cli("transcribe", "-l", "en", "--layout", "soap", "--format", "json", "-o", str(target), CLIP)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text().startswith('{"schema_version": 1')
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # health data: this user only
    assert [p.name for p in tmp_path.iterdir()] == ["note.json"]  # no temp file left behind


def test_a_full_disk_is_a_clear_error_and_the_old_file_survives(tmp_path, model_info):
    """model_info: the embedded model is joined first, outside the file size limit."""
    target = tmp_path / "note.txt"
    target.write_text("the previous note\n")

    def small_files() -> None:
        # A file may grow to 64 bytes: the note does not fit, as on a full disk.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    proc = subprocess.run([sys.executable, "-m", "dictate", "transcribe", "-l", "en", "--layout", "soap", "-o",
                           str(target), CLIP], capture_output=True, text=True, cwd=ROOT, timeout=300,
                          preexec_fn=small_files, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 74, proc.stderr
    assert f"{target}: cannot write the output: File too large" in proc.stderr
    assert target.read_text() == "the previous note\n"
    assert [p.name for p in tmp_path.iterdir()] == ["note.txt"]


def test_an_output_in_a_missing_folder_is_a_clear_error(tmp_path):
    target = tmp_path / "no" / "such" / "note.txt"
    result = run_cli("transcribe", "-l", "en", "--layout", "soap", "-o", str(target), CLIP)
    assert result.returncode == 74
    assert f"{target}: cannot write the output: No such file or directory" in result.stderr


def test_when_stdout_is_a_full_disk_listen_says_so_and_the_draft_brings_the_note_back(tmp_path):
    drafts = tmp_path / "drafts"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "DICTATE_DRAFTS_DIR": str(drafts)}
    with open("/dev/full", "w") as full:  # every write fails with ENOSPC
        proc = subprocess.run([sys.executable, "-m", "dictate", "listen", "--input", str(DATA / "en_marker.wav"),
                               "-l", "en", "--format", "text"], stdout=full, stderr=subprocess.PIPE, text=True,
                              cwd=ROOT, timeout=300, env=env)
    assert proc.returncode == 74, proc.stderr
    assert "cannot write the note to standard output: No space left on device" in proc.stderr
    assert "kalamazoo" not in proc.stderr.casefold()
    assert len(list(drafts.glob("*.jsonl"))) == 1  # not delivered, so not retired

    recovered = run_cli("listen", "--recover", "--format", "text", "-l", "en", env={"DICTATE_DRAFTS_DIR": str(drafts)})
    assert recovered.returncode == 0, recovered.stderr
    assert "kalamazoo" in recovered.stdout.casefold()
    assert list(drafts.glob("*.jsonl")) == []
