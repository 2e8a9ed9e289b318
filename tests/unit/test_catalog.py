"""Loading the coordinators' template files leniently, and the linter's cross-file checks."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from support import run_cli

from dictate.catalog.loader import load_catalog
from dictate.paths import templates_dir

AUTOTEXT = """\
id: {id}
version: "1"
title: {{da: Prøve, en: Test}}
triggers:
  da: [{trigger}]
heading:
  fsiii: I4
text:
  da: "Sår på {{sted}} kl. 12:30, svar: no, nr. 0123."
fields:
  sted:
    label: {{da: sted, en: location}}
    default: 0123
"""


@pytest.fixture
def tdir(tmp_path: Path) -> Path:
    """A copy of the shipped templates, to break in different ways."""
    target = tmp_path / "templates"
    shutil.copytree(templates_dir(), target)
    return target


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def messages(catalog) -> list[str]:  # noqa: ANN001
    return [str(p) for p in catalog.problems]


def test_the_shipped_templates_have_no_problems():
    catalog = load_catalog(templates_dir())
    assert catalog.problems == []
    assert {"fsiii", "soap"} <= set(catalog.layouts)
    assert {"da", "en"} <= set(catalog.commands)
    assert len([a for a in catalog.autotexts.values() if a.triggers.get("da")]) >= 15
    assert len(catalog.terms("da")) >= 100 and catalog.terms("en")
    for autotext in catalog.autotexts.values():
        assert autotext.section_for("fsiii", {s.key for s in catalog.layouts["fsiii"].all_sections})
        assert autotext.texts.get("en"), f"{autotext.id} has no English text"


def test_every_scalar_stays_the_text_that_was_typed(tdir: Path):
    write(tdir / "autotexts" / "proeve.yaml", AUTOTEXT.format(id="proeve", trigger="prøvetekst"))
    catalog = load_catalog(tdir)
    assert catalog.problems == []
    autotext = catalog.autotexts["proeve"]
    text = "".join(p.value for p in autotext.pieces("da") if p.kind == "text")
    assert "kl. 12:30, svar: no, nr. 0123." in text
    assert autotext.fields["sted"].default("da") == "0123"


def test_a_broken_file_is_skipped_with_file_line_and_field_while_the_rest_loads(tdir: Path):
    path = write(tdir / "autotexts" / "saarpleje.yaml", (tdir / "autotexts" / "saarpleje.yaml").read_text()
                 .replace("version:", "versoin:"))
    catalog = load_catalog(tdir)
    assert "saarpleje" not in catalog.autotexts
    assert len(catalog.autotexts) >= 15  # the others still load
    [problem] = catalog.problems
    assert problem.path == str(path) and problem.line == 4 and problem.field == "versoin"
    assert "unknown key 'versoin'" in problem.message


@pytest.mark.parametrize("body, line, field, words", [
    ("id: a\nid: b\n", 2, None, "duplicate key 'id' (first on line 1)"),
    ("id: [unclosed\n", 2, None, "expected"),
    ("- just\n- a list\n", 1, None, "expected a mapping"),
    ("a: b\n\tc: d\n", 2, None, "cannot start any token"),
])
def test_malformed_yaml_names_the_line(tdir: Path, body: str, line, field, words: str):
    write(tdir / "autotexts" / "bad.yaml", body)
    catalog = load_catalog(tdir)
    [problem] = catalog.problems
    assert problem.path.endswith("bad.yaml") and problem.line == line and problem.field == field
    assert words in problem.message


def test_wrong_types_name_the_field(tdir: Path):
    text = AUTOTEXT.format(id="proeve", trigger="prøvetekst").replace(
        'title: {da: Prøve, en: Test}', 'title: [Prøve, Test]')
    write(tdir / "autotexts" / "proeve.yaml", text)
    [problem] = load_catalog(tdir).problems
    assert (problem.line, problem.field) == (3, "title") and "expected a mapping" in problem.message
    write(tdir / "autotexts" / "proeve.yaml", AUTOTEXT.format(id="proeve", trigger="{a: b}"))
    [problem] = load_catalog(tdir).problems
    assert problem.field == "triggers.da[0]" and problem.message == "expected text"


def test_a_field_used_but_not_defined_and_one_defined_but_unused(tdir: Path):
    write(tdir / "autotexts" / "proeve.yaml", AUTOTEXT.format(id="proeve", trigger="prøvetekst")
          .replace("{sted}", "{stedet}"))
    [problem] = load_catalog(tdir).problems
    assert problem.field == "text.da" and problem.line == 9
    assert "uses '{stedet}' but 'fields' does not define it" in problem.message
    write(tdir / "autotexts" / "proeve.yaml", AUTOTEXT.format(id="proeve", trigger="prøvetekst")
          .replace("{sted}", "x"))
    [problem] = load_catalog(tdir).problems
    assert problem.field == "fields.sted" and "no text uses it" in problem.message


@pytest.mark.parametrize("trigger, words", [
    ('""', "must not be empty"),
    ("det er", "only common words"),
    ("slet det", "also a spoken command (undo)"),
    ("Sårpleje", "the same as the trigger 'sårpleje' of auto-text 'saarpleje'"),
    ("sår-pleje", "the same as the trigger 'sårpleje'"),
    ("sårplejen", "too close to"),
])
def test_bad_and_colliding_triggers(tdir: Path, trigger: str, words: str):
    write(tdir / "autotexts" / "proeve.yaml", AUTOTEXT.format(id="proeve", trigger=trigger))
    catalog = load_catalog(tdir)
    found = [p for p in catalog.problems if words in p.message]
    assert found, messages(catalog)
    assert any(p.path.endswith("proeve.yaml") and p.line == 5 for p in found), messages(catalog)


def test_an_empty_trigger_list(tdir: Path):
    write(tdir / "autotexts" / "proeve.yaml", AUTOTEXT.format(id="proeve", trigger=""))
    catalog = load_catalog(tdir)
    assert "proeve" not in catalog.autotexts
    assert any("list of triggers is empty" in p.message for p in catalog.problems), messages(catalog)


@pytest.mark.parametrize("heading, words", [
    ("fsiii: I99", "layout 'fsiii' has no section 'I99'"),
    ("nexus: I4", "unknown layout 'nexus'"),
])
def test_headings_that_exist_in_no_layout(tdir: Path, heading: str, words: str):
    write(tdir / "autotexts" / "proeve.yaml", AUTOTEXT.format(id="proeve", trigger="prøvetekst")
          .replace("fsiii: I4", heading))
    catalog = load_catalog(tdir)
    [problem] = catalog.problems
    assert words in problem.message and problem.field.startswith("heading") and problem.line == 7
    assert "proeve" not in catalog.autotexts


def test_includes_expand_and_cycles_are_refused(tdir: Path):
    write(tdir / "autotexts" / "hilsen.yaml", AUTOTEXT.format(id="hilsen", trigger="afslutning hilsen"))
    write(tdir / "autotexts" / "med.yaml", AUTOTEXT.format(id="med", trigger="med hilsen til sidst")
          .replace('"Sår på {sted} kl. 12:30, svar: no, nr. 0123."', '"Start. {@hilsen}"')
          .replace("fields:\n  sted:\n    label: {da: sted, en: location}\n    default: 0123\n", ""))
    catalog = load_catalog(tdir)
    assert catalog.problems == [], messages(catalog)
    med = catalog.autotexts["med"]
    assert [p.kind for p in med.pieces("da")][:2] == ["text", "text"] and "sted" in med.fields

    write(tdir / "autotexts" / "selv.yaml", AUTOTEXT.format(id="selv", trigger="selvreference")
          .replace("{sted}", "{sted} {@selv}"))
    write(tdir / "autotexts" / "a.yaml", AUTOTEXT.format(id="a", trigger="alfa tekst")
          .replace("{sted}", "{sted} {@b}"))
    write(tdir / "autotexts" / "b.yaml", AUTOTEXT.format(id="b", trigger="bravo tekst")
          .replace("{sted}", "{sted} {@a}"))
    write(tdir / "autotexts" / "c.yaml", AUTOTEXT.format(id="c", trigger="charlie tekst")
          .replace("{sted}", "{sted} {@findesikke}"))
    catalog = load_catalog(tdir)
    text = "\n".join(messages(catalog))
    assert "includes itself (selv -> selv)" in text
    assert "includes itself (a -> b -> a)" in text or "includes itself (b -> a -> b)" in text
    assert "'{@findesikke}' includes an auto-text that does not exist" in text
    assert not {"selv", "a", "b", "c"} & set(catalog.autotexts)
    assert "med" in catalog.autotexts


def test_a_huge_file_is_refused_before_it_is_read(tdir: Path):
    big = tdir / "vocabulary" / "huge.yaml"
    with big.open("w") as handle:
        handle.write("id: huge\nlanguage: da\nterms:\n")
        handle.write("  - ord\n" * (10 * 1024 * 1024 // 8))
    catalog = load_catalog(tdir)
    [problem] = catalog.problems
    assert problem.path == str(big) and "too large" in problem.message and "10.5 MB" in problem.message
    assert catalog.terms("da")  # the shipped vocabulary still loads


def test_not_utf8_and_duplicate_ids(tdir: Path):
    (tdir / "vocabulary" / "latin1.yaml").write_bytes("id: x\nlanguage: da\nterms: [sår]\n".encode("latin-1"))
    shutil.copy(tdir / "autotexts" / "saarpleje.yaml", tdir / "autotexts" / "zz_copy.yaml")
    catalog = load_catalog(tdir)
    text = "\n".join(messages(catalog))
    assert "latin1.yaml: error: not UTF-8 text" in text
    assert "auto-text 'saarpleje' is already defined in" in text and "zz_copy.yaml" in text


def test_templates_check_exits_1_and_lists_every_problem(tdir: Path):
    write(tdir / "autotexts" / "proeve.yaml", AUTOTEXT.format(id="proeve", trigger="det er"))
    write(tdir / "layouts" / "broken.yaml", "id: broken\nversion: 1\nname: x\nsections: []\n")
    result = run_cli("templates", "check", str(tdir))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"{tdir}/autotexts/proeve.yaml:5 (triggers.da[0]): error:") for line in lines)
    assert any(line.startswith(f"{tdir}/layouts/broken.yaml:4 (sections): error:") for line in lines)
    assert "2 error(s)" in lines[-1]


def test_templates_check_and_list_on_the_shipped_files():
    result = run_cli("templates", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s), 0 warning(s)" in result.stdout
    listed = run_cli("templates", "list")
    assert listed.returncode == 0
    assert "saarpleje (version 1): Sårpleje - say: sårpleje" in listed.stdout
    assert "fsiii (version 20240530)" in listed.stdout
    assert "text, not commands: afslutte, afsluttet" in listed.stdout  # what a coordinator added stays visible
    english = run_cli("templates", "list", "--language", "en")
    assert "Wound care - say: wound care" in english.stdout


def test_templates_check_on_a_missing_folder(tmp_path: Path):
    result = run_cli("templates", "check", str(tmp_path / "nowhere"))
    assert result.returncode == 1 and "not a folder of templates" in result.stdout
