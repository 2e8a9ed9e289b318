"""A user installs dictate with pip, not in editable mode: build a real wheel, install it
into a fresh virtual environment, and use the installed `dictate` from outside the checkout.

The fresh environment gets the wheel alone; the dependencies (the model packages are
150 MB) come from the test environment through a path entry, so the test needs no
network. The installed `dictate` must be the wheel's copy, never the checkout's.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest
from support import DATA, ROOT, Tmux, wait_for_file

#: What a checkout has that a wheel is not built from.
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                    "tests", "scripts", "models")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """dictate's wheel, built from a copy of the checkout (a build leaves files behind)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    # No build isolation: the build backend comes from the test environment, not the network.
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--disable-pip-version-check", "-q", "-w", str(work / "dist"), str(source)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (built,) = (work / "dist").glob("dictate-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict[str, str]:
    """A fresh venv with the wheel installed; returns the environment to run its `dictate` in."""
    work = tmp_path_factory.mktemp("install")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    proc = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                           "--disable-pip-version-check", "-q", str(wheel)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    # The dependencies, from the test environment. A plain path line: the .pth files there
    # (among them the checkout's editable install) are not processed.
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (Path(site) / "test-dependencies.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    home = work / "home"
    home.mkdir()
    # An empty home folder: the model is joined into its cache as on a new machine.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DICTATE_", "XDG_"))}
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", HF_HUB_OFFLINE="1",
               VIRTUAL_ENV=str(venv))
    env["PYTHONPATH"] = ""
    return {"env": env, "venv": str(venv), "cwd": str(work)}


def run(installed: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(Path(installed["venv"]) / "bin" / "dictate"), *args], capture_output=True,
                          text=True, env=installed["env"], cwd=installed["cwd"], timeout=timeout)


def test_the_wheel_holds_every_package_and_every_template(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {p.parent.relative_to(ROOT).as_posix() for p in (ROOT / "dictate").rglob("*.py")}
    assert packages and {f"{p}/__init__.py" for p in packages} <= names, packages
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "dictate").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert modules <= names, sorted(modules - names)
    templates = {"dictate/templates/" + p.relative_to(ROOT / "templates").as_posix()
                 for p in (ROOT / "templates").rglob("*") if p.is_file()}
    assert templates and templates <= names, sorted(templates - names)
    assert not any(n.startswith(("tests/", "scripts/", "models/")) for n in names)


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    proc = subprocess.run([str(Path(installed["venv"]) / "bin" / "python"), "-c",
                           "import dictate, dictate.ui.app, dictate.paths as p; print(dictate.__file__); "
                           "print(p.templates_dir())"],
                          capture_output=True, text=True, env=installed["env"], cwd=installed["cwd"], timeout=60)
    assert proc.returncode == 0, proc.stderr
    module, templates = proc.stdout.splitlines()
    assert module.startswith(installed["venv"]) and templates.startswith(installed["venv"]), proc.stdout
    check = subprocess.run([str(Path(installed["venv"]) / "bin" / "python"), "-m", "pip", "check"],
                           capture_output=True, text=True, env=installed["env"], cwd=installed["cwd"], timeout=120)
    # pip itself comes from the test environment's path entry; every requirement of dictate is met.
    assert "dictate" not in check.stdout, check.stdout


def test_templates_list_and_check_from_the_wheel(installed):
    listed = run(installed, "templates", "list")
    assert listed.returncode == 0, listed.stderr
    assert "saarpleje" in listed.stdout and "fsiii" in listed.stdout
    checked = run(installed, "templates", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.model
def test_transcribe_from_the_wheel(installed):
    result = run(installed, "transcribe", "-l", "en", "--layout", "soap", "--format", "json", str(DATA / "en_soap.wav"))
    assert result.returncode == 0, result.stderr
    note = json.loads(result.stdout)
    assert [s["key"] for s in note["sections"]] == ["S", "O", "A", "P"]
    assert "first use" in result.stderr  # the embedded model was prepared in the empty home folder
    assert (Path(installed["env"]["HOME"]) / ".cache" / "dictate").is_dir()


@pytest.mark.timing
@pytest.mark.model
def test_the_app_from_the_wheel_in_a_terminal(installed, tmp_path):
    out, rc = tmp_path / "note.txt", tmp_path / "rc"
    dictate = Path(installed["venv"]) / "bin" / "dictate"
    env = " ".join(f"{k}={v}" for k, v in (("HOME", installed["env"]["HOME"]), ("PATH", installed["env"]["PATH"]),
                                            ("PYTHONPATH", ""), ("HF_HUB_OFFLINE", "1")))
    command = (f"cd {installed['cwd']} && env {env} {dictate} --input {DATA / 'en_live.wav'} --fast -l en "
               f"--ui-language en > {out}; echo $? > {rc}")
    with Tmux(command) as app:
        # "End note" in the recording finishes the note (a new one starts) and pauses recording.
        screen = app.wait_for("Paused", timeout=240, exited=rc)
        assert "F9 Record" in screen and "Finish" in screen
        app.send("C-q")
        wait_for_file(rc, timeout=60)
    assert rc.read_text().strip() == "0"
    note = out.read_text()
    assert note.startswith("General\n") and "\nNutrition\n" in note and "\x1b" not in note
