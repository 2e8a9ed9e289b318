"""Probes from outside: odd template files, and drafts made with a layout no catalog has.

To add a probe: copy the nearest test, change the file it plants or the draft it
leaves, and assert what a coordinator or a nurse would expect.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest
from support import DATA, ROOT, listen_until_committed, run_cli, spoken_text

from dictate.catalog.loader import load_catalog
from dictate.exit_codes import ExitCode
from dictate.notes.drafts import DraftStore, restore_note
from dictate.notes.note import Note
from dictate.paths import templates_dir


def custom_layout(tmp_path):
    text = (templates_dir() / "layouts" / "soap.yaml").read_text(encoding="utf-8")
    path = tmp_path / "mysoap.yaml"
    path.write_text(text.replace("id: soap", "id: mysoap").replace("da: Subjektivt", "da: Borgerens ord"),
                    encoding="utf-8")
    return path


def test_a_draft_made_with_a_custom_layout_restores_with_it(tmp_path):
    from dictate.catalog.layouts import parse_layout
    from dictate.words import Word

    layout = parse_layout(custom_layout(tmp_path))
    store = DraftStore(tmp_path / "drafts")
    note = Note(layout=layout, language="da")
    journal = store.start(note)
    journal.commit((Word("Hun", 0.0, 0.3, 0.9), Word("sov", 0.3, 0.6, 0.9)))
    journal.close()
    (tmp_path / "mysoap.yaml").unlink()  # gone by the time the draft is recovered
    restored = restore_note(journal.path, {}, {})  # the catalog has no such layout
    assert restored.layout.id == "mysoap" and restored.layout.section("S").headings["da"] == "Borgerens ord"
    assert restored.sections["general"].text == "Hun sov"


@pytest.mark.model
@pytest.mark.timing
def test_listen_with_a_layout_path_killed_then_recovered_without_it(tmp_path):
    env = {**os.environ, "DICTATE_DRAFTS_DIR": str(tmp_path / "drafts")}
    layout = custom_layout(tmp_path)
    live, seen = listen_until_committed(env, "--layout", str(layout))
    os.kill(live.pid, signal.SIGKILL)
    live.wait(timeout=30)
    recovered = run_cli("listen", "--recover", "-f", "json", env=env)
    assert recovered.returncode == 0, recovered.stderr
    assert "cannot be restored" not in recovered.stderr
    note = json.loads(recovered.stdout)
    assert note["layout"]["id"] == "mysoap"
    text = " ".join(section["text"] for section in note["sections"]).casefold()
    assert all(word in text for word in spoken_text(seen))


def test_a_fifo_or_a_device_link_among_the_templates_is_refused_without_reading_it(tmp_path):
    import shutil

    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    os.mkfifo(folder / "autotexts" / "pipe.yaml")  # reading it would hang
    (folder / "vocabulary" / "zero.yaml").symlink_to("/dev/zero")  # reading it would never end
    result = subprocess.run([sys.executable, "-m", "dictate", "templates", "check", str(folder)],
                            capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == ExitCode.FAILURE, result.stdout
    assert "pipe.yaml: error: not a regular file (a FIFO)" in result.stdout
    assert "zero.yaml: error: not a regular file (a device)" in result.stdout


def test_a_phrase_in_two_command_lists_is_an_error_with_its_place(tmp_path):
    import shutil

    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    commands = folder / "commands" / "da.yaml"
    text = commands.read_text(encoding="utf-8")
    assert "undo: [slet det" in text
    commands.write_text(text.replace("undo: [slet det", "undo: [næste felt, slet det", 1), encoding="utf-8")
    catalog = load_catalog(folder)
    [problem] = [p for p in catalog.errors if "næste felt" in p.message]
    assert "next_field and undo" in problem.message and problem.path.endswith("da.yaml") and problem.line


def test_a_templates_folder_that_is_a_file_or_cannot_be_read_is_an_error(tmp_path, monkeypatch):
    import shutil

    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    shutil.rmtree(folder / "autotexts")
    (folder / "autotexts").write_text("not a folder")
    catalog = load_catalog(folder)
    assert any("found a file" in p.message and p.path.endswith("autotexts") for p in catalog.errors)

    real_scandir = os.scandir

    def unreadable(path):  # noqa: ANN001, ANN202 - what a 0000 folder gives a non-root user
        if str(path).endswith("vocabulary"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", unreadable)
    catalog = load_catalog(folder)
    assert any("cannot read the folder: Permission denied" in p.message for p in catalog.errors)


@pytest.mark.parametrize("command", ["transcribe", "listen"])
def test_a_broken_command_file_for_the_language_stops_with_exit_78_and_its_place(tmp_path, command):
    """As docs/cli.md promises: not a dictation with every command silently taken as text."""
    import shutil

    folder = tmp_path / "templates"
    shutil.copytree(templates_dir(), folder)
    commands = folder / "commands" / "da.yaml"
    commands.write_text(commands.read_text(encoding="utf-8") + "\nmarks: [unclosed\n", encoding="utf-8")
    args = [command, "--templates", str(folder), *(["--input"] if command == "listen" else []),
            str(DATA / "nst_danspeech_u0042008.wav")]
    result = run_cli(*args)
    assert result.returncode == ExitCode.CONFIG == 78, result.stderr
    assert f"{commands}:" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == "" or '"session_start"' not in result.stdout
