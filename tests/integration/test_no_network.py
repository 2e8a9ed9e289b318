"""No network, proven: sockets are blocked for every test in this process
(pytest-socket, set in pyproject.toml), and a full dictation runs in a
network namespace that has no network at all (`unshare -n`)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys

import pytest
from support import DATA, ROOT


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_sockets_are_blocked_in_the_test_process():
    with pytest.raises(Exception) as caught:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("127.0.0.1", 9))
    assert "SocketBlockedError" in type(caught.value).__name__


@pytest.mark.model
def test_a_full_dictation_runs_without_any_network(tmp_path):
    unshare = shutil.which("unshare")
    assert unshare, "util-linux's unshare is part of every Linux base system"
    # -r maps us to root inside a new user namespace, so no privileges are needed; -n gives a
    # network namespace with only a downed loopback: any attempt to reach a host fails.
    probe = subprocess.run([unshare, "-rn", sys.executable, "-c",
                            "import socket; socket.create_connection(('1.1.1.1', 443), timeout=2)"],
                           capture_output=True, text=True, timeout=60)
    assert probe.returncode != 0 and "network is unreachable" in probe.stderr.lower(), probe.stderr
    proc = subprocess.run([unshare, "-rn", sys.executable, "-m", "dictate", "transcribe", "-l", "en", "--format",
                           "json", str(DATA / "en_dictation.wav")], capture_output=True, text=True, timeout=300,
                          cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    note = json.loads(proc.stdout)
    assert [s["key"] for s in note["sections"]] == ["general", "I3", "I9", "I10"]
