"""Strict loading of the coordinators' YAML files, and the shipped layouts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from support import ROOT

from dictate.catalog.commands import MARKS, load_commands, parse_commands
from dictate.catalog.layouts import available_layouts, load_layout, parse_layout
from dictate.catalog.yamlfile import load_yaml
from dictate.errors import TemplateError
from dictate.exit_codes import ExitCode

DATA = ROOT / "tests" / "data"


def write(tmp_path: Path, text: str, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_scalar_stays_the_text_that_was_typed(tmp_path):
    data = load_yaml(write(tmp_path, "time: 12:30\nanswer: no\nroom: 0123\nempty:\nnum: 1.50\n"))
    assert data == {"time": "12:30", "answer": "no", "room": "0123", "empty": "", "num": "1.50"}


def test_duplicate_key_is_an_error_with_both_lines(tmp_path):
    path = write(tmp_path, "id: a\nversion: '1'\nid: b\n")
    with pytest.raises(TemplateError) as err:
        load_yaml(path)
    assert f"{path}:3" in str(err.value) and "duplicate key 'id'" in str(err.value)
    assert "line 1" in str(err.value)


def test_broken_yaml_names_file_and_line(tmp_path):
    path = write(tmp_path, "id: fsiii\nsections:\n  - key: I1\n   heading: [unclosed\n")
    with pytest.raises(TemplateError) as err:
        load_yaml(path)
    assert str(err.value).startswith(f"{path}:4")


def test_not_utf8_is_reported(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("heading: Ern\xe6ring\n".encode("latin-1"))
    with pytest.raises(TemplateError, match="not UTF-8"):
        load_yaml(path)


def test_shipped_fsiii_layout_matches_the_fsiii_code_system():
    layout = load_layout("fsiii")
    with (DATA / "fsiii.tsv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")]
    header, body = rows[0], rows[1:]
    reference = {r[0]: dict(zip(header, r)) for r in body}
    twelve = [code for code, row in reference.items() if row["parent"] == "I"]
    assert [s.code for s in layout.sections] == twelve
    assert len(layout.sections) == 12
    for section in layout.sections:
        assert section.heading("da") == reference[section.code]["display"]
        assert section.display == reference[section.code]["display"]
        assert section.uuid == (reference[section.code]["uuid"] or None)
    assert layout.code_system == "urn:oid:1.2.208.176.2.21"
    assert layout.general.heading("da") == "Generelt"


def test_shipped_soap_layout():
    layout = load_layout("soap")
    assert [s.heading("da") for s in layout.sections] == ["Subjektivt", "Objektivt", "Analyse", "Plan"]
    assert [s.heading("en") for s in layout.sections] == ["Subjective", "Objective", "Assessment", "Plan"]
    # LOINC's document section codes for the four parts, with LOINC's displays.
    assert layout.code_system == "http://loinc.org"
    assert [(s.code, s.display) for s in layout.sections] == [
        ("61150-9", "Subjective Narrative"), ("61149-1", "Objective Narrative"), ("51848-0", "Evaluation note"),
        ("18776-5", "Plan of care note")]
    assert layout.general.code is None
    assert set(available_layouts()) >= {"fsiii", "soap"}


def test_shipped_command_sets_cover_every_mark():
    for language in ("da", "en"):
        commands = load_commands(language)
        assert commands.language == language and commands.heading
        assert set(commands.marks.values()) == set(MARKS.values())
    assert load_commands("da").marks["punktum"] == "."
    assert load_commands("en").marks["new line"] == "\n"


def test_unknown_layout_is_a_usage_error_listing_the_known_ones():
    with pytest.raises(TemplateError) as err:
        load_layout("nonexistent")
    assert err.value.exit_code == ExitCode.USAGE
    assert "fsiii" in str(err.value) and "soap" in str(err.value)


@pytest.mark.parametrize("body, line, field, message", [
    ("id: x\nversion: '1'\nname: X\nsections:\n  - key: A\n    heading: A\n    colour: red\n",
     7, "sections[0].colour", "unknown key 'colour'"),
    ("id: x\nversion: '1'\nname: X\nsections:\n  - key: A\n", 5, "sections[0].heading",
     "missing required key 'heading'"),
    ("id: x\nversion: '1'\nname: X\nsections:\n  - key: A\n    heading: A\n  - key: A\n    heading: B\n",
     7, "sections[1].key", "used twice"),
    ("id: x\nversion: '1'\nname: X\nsections: []\n", 4, "sections", "non-empty list"),
    ("id: x\nversion: '1'\nname: X\nsections:\n  - key: A\n    heading:\n      da: ''\n", 7,
     "sections[0].heading.da", "must not be empty"),
])
def test_layout_errors_name_file_line_and_field(tmp_path, body, line, field, message):
    path = write(tmp_path, body)
    with pytest.raises(TemplateError) as err:
        parse_layout(path)
    assert str(err.value).startswith(f"{path}:{line} ({field}): ")
    assert message in str(err.value)
    assert err.value.exit_code == ExitCode.CONFIG


def test_command_file_with_an_unknown_mark(tmp_path):
    path = write(tmp_path, "language: da\nheading: [overskrift]\nmarks:\n  period: [punktum]\n  smiley: [smil]\n")
    with pytest.raises(TemplateError) as err:
        parse_commands(path)
    assert str(err.value).startswith(f"{path}:5 (marks.smiley)")


@pytest.mark.parametrize("listed", ["[næste felt]", "[Næste-felt]", "næste felt"])
def test_a_phrase_cannot_be_both_a_command_and_not_a_command(tmp_path, listed):
    path = write(tmp_path, "language: da\nheading: [overskrift]\nnext_field: [næste felt]\n"
                           f"not_commands: {listed}\nmarks:\n  period: [punktum]\n")
    with pytest.raises(TemplateError) as err:
        parse_commands(path)
    assert str(err.value).startswith(f"{path}:4 (not_commands[0]): ")
    assert "next_field" in str(err.value)


def test_the_shipped_command_sets_list_words_that_only_sound_like_commands():
    assert "afsluttet" in load_commands("da").not_commands
    assert "next feed" in load_commands("en").not_commands


def test_a_layout_from_a_path(tmp_path):
    path = write(tmp_path, "id: mini\nversion: '2'\nname: Mini\nsections:\n  - key: A\n    heading: Alfa\n")
    layout = load_layout(str(path))
    assert layout.id == "mini" and layout.sections[0].heading("en") == "Alfa"
