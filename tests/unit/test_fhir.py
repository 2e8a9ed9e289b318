"""`--format fhir`: a FHIR R4 document Bundle, validated with the fhir.resources R4 (4.0.1) models."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pytest
from fhir.resources import __fhir_version__
from fhir.resources.bundle import Bundle
from pydantic import ValidationError
from support import DATA

from dictate.catalog.commands import load_commands
from dictate.catalog.layouts import load_layout
from dictate.errors import UsageError
from dictate.exit_codes import ExitCode
from dictate.interpret.edits import GoToSection, ReplaceText
from dictate.notes.note import Note
from dictate.notes.pipeline import NoteSettings, build_note
from dictate.output.fhir import (
    DATA_ABSENT_REASON,
    NEEDS_REVIEW_URL,
    REVIEW_ITEM_URL,
    check_reference,
    narrative,
    to_bundle,
    to_fhir,
)
from dictate.output.render import render_note
from dictate.words import Utterance, Word

FSIII = "urn:oid:1.2.208.176.2.21"
XHTML = "{http://www.w3.org/1999/xhtml}"


def utt(text: str, probability: float = 0.95) -> Utterance:
    return Utterance(tuple(Word(w, i * 0.5, i * 0.5 + 0.4, probability) for i, w in enumerate(text.split())))


def note_of(*texts: str, language: str = "da", layout: str = "fsiii") -> Note:
    settings = NoteSettings(layout=load_layout(layout), commands=load_commands(language), language=language)
    note, _ = build_note([utt(t) for t in texts], settings)
    note.id, note.created = "0b7d5c1a-2f4e-4c3b-9a8d-7e6f5a4b3c2d", datetime(2026, 5, 4, 8, 30, tzinfo=timezone.utc)
    return note


def validate(bundle: dict) -> Bundle:
    """Parse with the real R4 models; returns the model so tests can read it back."""
    return Bundle.parse_obj(bundle)


def composition(bundle: dict) -> dict:
    return bundle["entry"][0]["resource"]


def fsiii_reference() -> dict[str, dict[str, str]]:
    with (DATA / "fsiii.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"))
    return {row["code"]: row for row in rows}


def test_the_models_are_fhir_r4():
    assert __fhir_version__ == "4.0.1"


def test_the_validator_rejects_a_broken_document():
    """The checks below mean something: the library refuses what R4 refuses. (It checks structure,
    cardinality and primitive formats, not the values of code sets such as Composition.status,
    so the tests check those values themselves.)"""
    bundle = to_bundle(note_of("Borgeren sov godt."))
    validate(bundle)
    for breakage in (lambda c: c.pop("author"), lambda c: c.update(subject="Patient/1"),
                     lambda c: c.update(date="yesterday"), lambda c: c.update(colour="blue"),
                     lambda c: c["section"][0].update(text={"status": "generated"})):
        broken = json.loads(json.dumps(bundle))
        breakage(composition(broken))
        with pytest.raises(ValidationError):
            validate(broken)


def test_a_document_bundle_with_a_composition_first():
    note = note_of("Borgeren sov godt.")
    bundle = to_bundle(note)
    model = validate(bundle)
    assert model.type == "document" and model.identifier.system == "urn:ietf:rfc:3986"
    assert model.identifier.value.startswith("urn:uuid:") and model.timestamp.isoformat() == "2026-05-04T08:30:00+00:00"
    [entry] = model.entry
    assert entry.resource.resource_type == "Composition" and entry.fullUrl == f"urn:uuid:{entry.resource.id}"
    comp = composition(bundle)
    assert comp["type"]["coding"] == [{"system": "http://loinc.org", "code": "34746-8", "display": "Nurse note"}]
    assert comp["title"] == "Journalnotat" and comp["language"] == "da" and comp["date"] == "2026-05-04T08:30:00+00:00"
    assert comp["identifier"] == {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{note.id}"}
    assert {"system": "urn:dictate:schema-version", "code": "1"} in bundle["meta"]["tag"]


def test_identifiers_are_derived_from_the_note_id():
    note = note_of("Borgeren sov godt.")
    assert to_fhir(note) == to_fhir(note)
    first = to_bundle(note)
    note.id = "6c1f0e3a-1b2c-4d5e-8f90-a1b2c3d4e5f6"
    second = to_bundle(note)
    assert first["identifier"] != second["identifier"] and first["entry"][0]["fullUrl"] != second["entry"][0]["fullUrl"]
    assert first["identifier"]["value"] != first["entry"][0]["fullUrl"]


def test_fsiii_sections_carry_the_legacy_code_and_the_uuid_with_kl_displays():
    note = note_of("Borgeren var glad.", "Overskrift funktionsniveau. Klarede selv bad.",
                   "Overskrift ernæring. Spiste godt.")
    bundle = to_bundle(note)
    validate(bundle)
    general, function, nutrition = composition(bundle)["section"]
    reference = fsiii_reference()
    assert general["title"] == "Generelt" and "code" not in general  # FSIII has no code for a free-text section
    assert function["title"] == "Funktionsniveau"
    assert function["code"]["coding"] == [
        {"system": FSIII, "code": "I1", "display": reference["I1"]["display"]},
        {"system": FSIII, "code": reference["I1"]["uuid"], "display": reference["I1"]["display"]},
    ]
    assert reference["I1"]["uuid"] == "fa6aa904-d06e-4029-b4c4-13ead04ace27"
    # I3 has no UUID in KL's code system: the legacy code alone.
    assert nutrition["code"]["coding"] == [{"system": FSIII, "code": "I3", "display": "Ernæring"}]
    assert reference["I3"]["uuid"] == ""


def test_every_fsiii_section_codes_as_kl_publishes_it():
    layout = load_layout("fsiii")
    reference = fsiii_reference()
    texts = [f"Overskrift {section.heading('da')}. Tekst her." for section in layout.sections]
    bundle = to_bundle(note_of(*texts))
    validate(bundle)
    sections = composition(bundle)["section"]
    assert len(sections) == 12
    for section in sections:
        legacy, *uuid = section["code"]["coding"]
        row = reference[legacy["code"]]
        assert legacy["display"] == row["display"] == section["title"]
        assert [c["code"] for c in uuid] == ([row["uuid"]] if row["uuid"] else [])


def test_an_english_note_keeps_its_headings_as_titles_and_kl_displays_in_the_codes():
    note = note_of("The citizen was cheerful.", "Heading nutrition. She ate well.", language="en")
    bundle = to_bundle(note)
    validate(bundle)
    comp = composition(bundle)
    assert comp["language"] == "en" and comp["title"] == "Journal note"
    general, nutrition = comp["section"]
    assert general["title"] == "General" and nutrition["title"] == "Nutrition"
    assert nutrition["code"]["coding"] == [{"system": FSIII, "code": "I3", "display": "Ernæring"}]


def test_soap_sections_carry_loinc_section_codes():
    note = note_of("Visit at eight.", "Heading subjective. She feels dizzy.", "Heading objective. Pulse is regular.",
                   "Heading assessment. Probably dehydrated.", "Heading plan. Offer water every hour.",
                   language="en", layout="soap")
    bundle = to_bundle(note)
    validate(bundle)
    sections = composition(bundle)["section"]
    assert [s["title"] for s in sections] == ["General", "Subjective", "Objective", "Assessment", "Plan"]
    assert "code" not in sections[0]
    assert [s["code"]["coding"] for s in sections[1:]] == [
        [{"system": "http://loinc.org", "code": "61150-9", "display": "Subjective Narrative"}],
        [{"system": "http://loinc.org", "code": "61149-1", "display": "Objective Narrative"}],
        [{"system": "http://loinc.org", "code": "51848-0", "display": "Evaluation note"}],
        [{"system": "http://loinc.org", "code": "18776-5", "display": "Plan of care note"}],
    ]


def test_a_layout_without_a_code_system_gives_uncoded_sections(tmp_path):
    layout = tmp_path / "plain.yaml"
    layout.write_text("id: plain\nversion: '1'\nname: Enkel\nsections:\n  - key: a\n    code: A1\n"
                      "    heading: Afsnit\n", encoding="utf-8")
    settings = NoteSettings(layout=load_layout(str(layout)), commands=load_commands("da"), language="da")
    note, _ = build_note([utt("Overskrift afsnit. Tekst.")], settings)
    bundle = to_bundle(note)
    validate(bundle)
    [section] = composition(bundle)["section"]
    assert section["title"] == "Afsnit" and "code" not in section


def test_placeholders_mark_subject_and_author_as_unknown():
    bundle = to_bundle(note_of("Borgeren sov godt."))
    validate(bundle)
    comp = composition(bundle)
    absent = [{"url": DATA_ABSENT_REASON, "valueCode": "unknown"}]
    assert comp["subject"] == {"extension": absent, "type": "Patient"}
    assert comp["author"] == [{"extension": absent}]  # author is 1..* in R4: always there


@pytest.mark.parametrize("subject, author", [
    ("Patient/123", "Practitioner/abc"),
    ("Patient/0a1b-2c.3", "PractitionerRole/r1/_history/2"),
    ("https://fhir.kommune.dk/Patient/123", "Organization/hjemmeplejen-nord"),
    ("urn:uuid:5f0c9a52-3e7b-4c1d-8a2f-6b9e0d1c2a3b", "urn:oid:1.2.208.176.1.2"),
])
def test_given_references_are_used_as_they_are(subject, author):
    bundle = to_bundle(note_of("Borgeren sov godt."), subject=subject, author=author)
    model = validate(bundle)
    comp = composition(bundle)
    assert comp["subject"] == {"reference": subject} and comp["author"] == [{"reference": author}]
    assert model.entry[0].resource.subject.reference == subject


@pytest.mark.parametrize("value", ["Patient 123", "", "patient/123", "Patient/", "123", "Patient/12 3",
                                   "ftp://example.org/Patient/1", "urn:uuid:not-a-uuid", "Patient/" + "x" * 65])
def test_a_malformed_reference_is_a_usage_error(value):
    with pytest.raises(UsageError) as err:
        check_reference(value, "--subject")
    assert err.value.exit_code == ExitCode.USAGE == 2
    assert err.value.message.startswith("--subject: ")
    with pytest.raises(UsageError):
        to_bundle(note_of("Borgeren sov godt."), subject=value)


def test_an_author_must_be_of_a_type_r4_allows():
    with pytest.raises(UsageError, match="cannot be the author"):
        check_reference("Observation/7", "--author")
    with pytest.raises(UsageError):
        to_bundle(note_of("Borgeren sov godt."), author="https://fhir.example.org/Encounter/9")
    assert check_reference("Observation/7", "--subject") == "Observation/7"


def test_a_note_to_review_is_preliminary_and_flags_its_sections():
    note = note_of("Borgeren sov godt.", "Overskrift ernæring. Har ikke spist.", "Blodtryk 140/90.")
    bundle = to_bundle(note)
    validate(bundle)
    comp = composition(bundle)
    assert comp["status"] == "preliminary"
    assert comp["meta"]["tag"] == [{"system": "urn:dictate:review", "code": "needs-review",
                                    "display": "Needs review before it is final"}]
    general, nutrition = comp["section"]
    assert "extension" not in general
    flags = nutrition["extension"]
    assert flags[0] == {"url": NEEDS_REVIEW_URL, "valueBoolean": True}
    items = [{part["url"]: next(v for k, v in part.items() if k.startswith("value")) for part in ext["extension"]}
             for ext in flags[1:]]
    assert all(ext["url"] == REVIEW_ITEM_URL for ext in flags[1:])
    assert [(i["kind"], i["text"]) for i in items] == [("negation", "ikke"), ("number", "140/90")]
    assert all(isinstance(i["start"], float) for i in items)
    # The narrative is the note's text as is: no marks that could end up in the record.
    assert nutrition["text"]["div"].endswith("<p>Har ikke spist. Blodtryk 140/90.</p></div>")


def test_an_unfilled_field_is_a_review_item_naming_the_field():
    from dictate.catalog.loader import load_catalog

    catalog = load_catalog()
    settings = NoteSettings(layout=catalog.layouts["fsiii"], commands=catalog.commands["da"], language="da",
                        autotexts=catalog.autotexts_for("da"))
    # Leaving the auto-text at once: the first field takes its default, the other two stay unfilled.
    note, _ = build_note([utt("Autotekst hudobservation."), utt("Overskrift søvn. Sov godt.")], settings)
    bundle = to_bundle(note)
    validate(bundle)
    skin = next(s for s in composition(bundle)["section"] if s["title"] == "Hud og slimhinder")
    first, second = [ext["extension"] for ext in skin["extension"][1:]]
    assert first == [{"url": "kind", "valueCode": "unfilled_field"},
                     {"url": "text", "valueString": "tør eller fugtig"},
                     {"url": "autotext", "valueString": "hudobservation"}, {"url": "field", "valueString": "fugt"}]
    assert second[1:] == [{"url": "text", "valueString": "fund"}, {"url": "autotext", "valueString": "hudobservation"},
                          {"url": "field", "valueString": "fund"}]


def test_a_clean_note_is_final_without_flags():
    bundle = to_bundle(note_of("Borgeren sov godt."))
    comp = composition(bundle)
    assert comp["status"] == "final" and "meta" not in comp
    assert all("extension" not in s for s in comp["section"])


def test_the_narrative_is_escaped_xhtml_with_line_breaks_and_paragraphs():
    note = note_of("Borgeren sov godt.")
    note.apply([GoToSection("I3"), ReplaceText("I3", 'BS <5 & "lavt" > før\nspiste lidt\n\nnyt <afsnit>')])
    bundle = to_bundle(note)
    validate(bundle)
    div = composition(bundle)["section"][1]["text"]["div"]
    assert div == ('<div xmlns="http://www.w3.org/1999/xhtml"><p>BS &lt;5 &amp; "lavt" &gt; før<br/>spiste lidt</p>'
                   "<p>nyt &lt;afsnit&gt;</p></div>")
    root = ET.fromstring(div)  # well-formed XML in the XHTML namespace
    assert root.tag == f"{XHTML}div" and [p.tag for p in root] == [f"{XHTML}p", f"{XHTML}p"]
    assert "".join(root.itertext()) == 'BS <5 & "lavt" > førspiste lidtnyt <afsnit>'
    assert composition(bundle)["section"][1]["text"]["status"] == "generated"


def test_narrative_drops_characters_xml_cannot_carry():
    assert narrative("a\x07b") == '<div xmlns="http://www.w3.org/1999/xhtml"><p>ab</p></div>'
    ET.fromstring(narrative("x\x00y\n\n\nz"))


def test_an_empty_note_is_a_valid_final_document_without_sections():
    settings = NoteSettings(layout=load_layout("soap"), commands=load_commands("en"), language="en")
    note, _ = build_note([], settings)
    bundle = to_bundle(note)
    validate(bundle)
    comp = composition(bundle)
    assert "section" not in comp and comp["status"] == "final" and comp["title"] == "Journal note"


def test_render_note_gives_one_line_unless_pretty():
    note = note_of("Borgeren sov godt.")
    line = render_note(note, "fhir", subject="Patient/1")
    assert line.count("\n") == 1 and json.loads(line) == to_bundle(note, subject="Patient/1")
    pretty = render_note(note, "fhir", subject="Patient/1", pretty=True)
    assert pretty == to_fhir(note, subject="Patient/1") and pretty.startswith('{\n  "resourceType": "Bundle"')
    assert "ø" in render_note(note_of("Borgeren sov godt i nat, ønskede kaffe."), "fhir")  # not \\u00f8


def test_the_module_needs_no_fhir_library_at_run_time():
    # ("fhir" alone may be in sys.modules from the package's namespace .pth file; its modules may not.)
    code = ("import sys\nfrom dictate.output.fhir import to_fhir\n"
            "assert not [m for m in sys.modules if m.startswith(('fhir.', 'pydantic'))], 'imported'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
