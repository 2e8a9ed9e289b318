"""Probes from outside: where the note goes when the usual places fail.

- the drafts folder on a full or a read-only filesystem (a private mount namespace,
  so the machine's own mounts are never touched);
- `--output` at a device, a FIFO, a symlink, a folder;
- stdout closed before dictate starts.

To add a probe: copy the nearest test, change what it breaks, assert that the note
still arrives (or that nothing was taken down) and that the exit code says what happened.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import threading

import pytest
from support import DATA, ROOT, run_cli

from dictate.exit_codes import ExitCode

pytestmark = pytest.mark.model

CLIP = DATA / "en_live.wav"
SHORT = DATA / "nst_danspeech_u0042008.wav"


def needs_mounts() -> None:
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.fail("these probes mount a tmpfs in a private mount namespace: run them as root (CI does)")


def listen_with_drafts_on(tmp_path, mount_options: str, fill: bool = False) -> subprocess.CompletedProcess:
    needs_mounts()
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    command = " ".join(shlex.quote(part) for part in
                       [sys.executable, "-m", "dictate", "listen", "-l", "en", "--input", str(CLIP)])
    filler = f"dd if=/dev/zero of={drafts}/fill bs=1k count=64 2>/dev/null; " if fill else ""
    script = f"mount -t tmpfs -o {mount_options} tmpfs {drafts} && {filler}exec {command}"
    return subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "DICTATE_DRAFTS_DIR": str(drafts)}, timeout=300)


@pytest.mark.parametrize("options, fill", [("size=16k", True), ("ro", False)], ids=["full", "read-only"])
def test_listen_dictates_on_when_the_drafts_folder_cannot_be_written(tmp_path, options, fill):
    result = listen_with_drafts_on(tmp_path, options, fill)
    assert result.returncode == ExitCode.NODRAFT == 73, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    said = [e for e in events if e["type"] == "status" and e["code"] == "drafts_off"]
    assert len(said) == 1 and "cannot save the draft" in said[0]["message"]
    note = events[-2]["note"]
    assert "biscuit" in json.dumps(note).casefold()  # the whole note still reaches stdout
    assert events[-1]["type"] == "session_end" and events[-1]["exit_code"] == 73
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.count("cannot save the draft") == 1


@pytest.fixture(scope="module")
def note_text() -> str:
    result = run_cli("transcribe", "-l", "da", str(SHORT))
    assert result.returncode == 0 and result.stdout
    return result.stdout


def test_output_to_a_device_writes_through_and_leaves_the_device(tmp_path, note_text):
    if os.geteuid() != 0:
        pytest.fail("making a device node needs root (CI runs as root)")
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is
    result = run_cli("transcribe", "-l", "da", "-o", str(null), str(SHORT))
    assert result.returncode == 0, result.stderr
    assert stat.S_ISCHR(os.stat(null).st_mode)
    full = run_cli("transcribe", "-l", "da", "-o", "/dev/full", str(SHORT))
    assert full.returncode == ExitCode.IOERR and "/dev/full" in full.stderr
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_output_to_stdout_by_name_reaches_the_pipe(tmp_path, note_text):
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")  # what /dev/stdout is
    result = run_cli("transcribe", "-l", "da", "-o", str(link), str(SHORT))
    assert result.returncode == 0, result.stderr
    assert result.stdout == note_text
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"


def test_output_to_a_fifo_is_read_by_its_reader(tmp_path, note_text):
    fifo = tmp_path / "notes.fifo"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    result = run_cli("transcribe", "-l", "da", "-o", str(fifo), str(SHORT))
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert received == [note_text]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_output_through_a_symlink_replaces_the_target_and_keeps_the_link(tmp_path, note_text):
    target = tmp_path / "real" / "note.txt"
    target.parent.mkdir()
    target.write_text("old")
    link = tmp_path / "note.txt"
    link.symlink_to(target)
    result = run_cli("transcribe", "-l", "da", "-o", str(link), str(SHORT))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and target.read_text(encoding="utf-8") == note_text
    folder = run_cli("transcribe", "-l", "da", "-o", str(tmp_path), str(SHORT))
    assert folder.returncode == ExitCode.IOERR and "is a folder" in folder.stderr


def test_a_closed_stdout_is_said_plainly_with_exit_74(tmp_path):
    command = " ".join(shlex.quote(p) for p in [sys.executable, "-m", "dictate", "transcribe", str(SHORT)])
    result = subprocess.run(["sh", "-c", f"exec {command} >&-"], capture_output=False, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT, timeout=120)
    assert result.returncode == ExitCode.IOERR, result.stderr
    assert "standard output is closed" in result.stderr
    assert "internal error" not in result.stderr


def test_a_live_session_writes_nothing_in_the_home_folder(tmp_path):
    """Not even the libraries: onnxruntime's telemetry (a device id and queued events under
    ~/.cache/Microsoft) is switched off. docs/privacy.md lists what dictate does write."""
    from dictate.paths import cache_dir

    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "DICTATE_CACHE_DIR": str(cache_dir()), "DICTATE_DRAFTS_DIR": str(tmp_path / "drafts"),
           "XDG_CACHE_HOME": "", "XDG_STATE_HOME": "", "XDG_DATA_HOME": "", "XDG_CONFIG_HOME": ""}
    result = run_cli("listen", "-l", "en", "--input", str(CLIP), env=env)
    assert result.returncode == 0, result.stderr
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == []
