"""Tests marked `timing` really run on a loaded machine: a child process keeps a core busy."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest


def busy_children() -> dict[int, int]:
    """pid -> CPU ticks used, for this process's children that run the busy loop."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and b"while True: pass" in cmdline:
            found[int(stat.parent.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    return found


@pytest.mark.timing
def test_a_timing_test_runs_while_a_core_is_busy():
    before = busy_children()
    time.sleep(1.0)
    after = busy_children()
    assert len(before) == 1 and before.keys() == after.keys(), (before, after)
    ticks = os.sysconf("SC_CLK_TCK")
    (pid,) = after
    assert (after[pid] - before[pid]) / ticks > 0.2  # spinning (on a loaded machine it gets less than a core)


def test_other_tests_run_on_an_idle_machine():
    assert busy_children() == {} or os.environ.get("DICTATE_TEST_LOAD") == "1"
