"""The README's two commands on a machine that lacks system packages.

The real scripts run under a PATH from which some commands are taken away, with
fakes for `id`, `sudo` and `apt-get` where a case needs them: the same shell code
that runs on a fresh machine, without touching this machine's packages.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from support import ROOT

SYSTEM = ROOT / "scripts" / "_system.sh"


def fake_path(folder: Path, without: set[str], fakes: dict[str, str] | None = None) -> str:
    """A PATH of one folder: every command this machine has, less `without`, plus `fakes` (name: shell body)."""
    folder.mkdir(parents=True, exist_ok=True)
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            target = Path(directory, name)
            link = folder / name
            if name in without or link.exists() or not os.access(target, os.X_OK) or target.is_dir():
                continue
            link.symlink_to(target)
    for name, body in (fakes or {}).items():
        script = folder / name
        if script.exists() or script.is_symlink():
            script.unlink()
        script.write_text(f"#!/bin/bash\n{body}\n")
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(folder)


NOT_ROOT = {"id": 'if [ "$1" = -u ]; then echo 1000; else /usr/bin/id "$@"; fi'}


def test_scripts_test_names_what_is_missing_and_runs_nothing_when_it_cannot_install(tmp_path):
    path = fake_path(tmp_path / "bin", without={"tmux", "espeak-ng", "sox", "apt-get", "sudo"}, fakes=NOT_ROOT)
    venv = tmp_path / "venv"
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "test")], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PATH": path, "DICTATE_VENV": str(venv)})
    assert proc.returncode == 69, proc.stderr
    lines = proc.stderr.splitlines()
    missing = [line.split()[0] for line in lines if line.startswith("  ") and "(" in line and "apt-get" not in line]
    assert missing == ["espeak-ng", "tmux", "sox"], proc.stderr  # PortAudio is here, so it is not named
    assert "  sudo apt-get install espeak-ng tmux sox" in proc.stderr
    # Stopped at once: no environment made, no test collected.
    assert not venv.exists() and proc.stdout == "" and "pytest" not in proc.stderr


def install_with_fake_apt(tmp_path: Path, apt_body: str, as_root: bool,
                          sudo: bool = False) -> subprocess.CompletedProcess:
    log = tmp_path / "apt.log"
    bin_dir = tmp_path / "bin"
    fakes = {"apt-get": f'echo "$@" >> {log}\n{apt_body}'}
    if not as_root:
        fakes.update(NOT_ROOT)
    if sudo:
        fakes["sudo"] = f'echo "sudo $*" >> {log}\n[ "$1" = -n ] && shift\n"$@"'
    path = fake_path(bin_dir, without={"tmux", "espeak-ng", "sudo"}, fakes=fakes)
    script = f'source "{SYSTEM}"; ensure_system_packages tmux espeak-ng; echo "ready"'
    return subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PATH": path})


# The fake apt-get "installs" a package by putting a command of its name on the PATH.
INSTALLS = 'if [ "$1" = install ]; then for p in "${@: -2}"; do printf "#!/bin/sh\\n" > "$(dirname "$0")/$p"; ' \
           'chmod +x "$(dirname "$0")/$p"; done; fi'


@pytest.mark.parametrize("as_root, sudo", [(True, False), (False, True)], ids=["root", "sudo"])
def test_missing_packages_are_installed_where_the_machine_allows(tmp_path, as_root, sudo):
    proc = install_with_fake_apt(tmp_path, INSTALLS, as_root=as_root, sudo=sudo)
    assert proc.returncode == 0 and proc.stdout == "ready\n", proc.stderr
    assert "installing system packages: tmux espeak-ng" in proc.stderr
    calls = (tmp_path / "apt.log").read_text().splitlines()
    assert [c for c in calls if not c.startswith("sudo")] == \
        ["update -qq", "install -y -qq --no-install-recommends tmux espeak-ng"]
    assert any(c.startswith("sudo -n true") for c in calls) == sudo


def test_a_failed_install_says_why_and_stops(tmp_path):
    proc = install_with_fake_apt(tmp_path, 'echo "E: Unable to locate package tmux" >&2; exit 100', as_root=True)
    assert proc.returncode == 69 and "ready" not in proc.stdout
    assert "apt-get: E: Unable to locate package tmux" in proc.stderr
    assert "sudo apt-get install tmux espeak-ng" in proc.stderr


@pytest.mark.parametrize("args, records", [
    ("", True), ("--ui-language en", True), ("listen", True), ("devices", True),
    ("listen --input x.wav", False), ("-i x.wav", False), ("demo", False), ("transcribe x.wav", False),
    ("templates check", False), ("--help", False),
])
def test_scripts_run_asks_for_portaudio_only_when_it_records(args, records):
    proc = subprocess.run(["bash", "-c", f'source "{SYSTEM}"; records_from_microphone {args}'], timeout=30)
    assert (proc.returncode == 0) == records
