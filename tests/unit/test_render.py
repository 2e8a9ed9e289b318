"""Renderers: text, Markdown and JSON from one note, and the review list they share."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import yaml

from dictate.catalog.commands import load_commands
from dictate.catalog.layouts import load_layout
from dictate.interpret.edits import ReplaceText
from dictate.notes.note import ModelRef
from dictate.notes.pipeline import NoteSettings, build_note
from dictate.notes.review import SCHEMA_VERSION, review_items
from dictate.output.render import (
    NOTE_FORMATS,
    RENDERERS,
    render_note,
    review_summary,
    to_dict,
    to_json,
    to_markdown,
    to_text,
)
from dictate.words import Utterance, Word


def make_note():
    def utt(text, start):
        # Below the base model's 0.45 threshold for the first ten words of an utterance, as in real notes.
        return Utterance(tuple(Word(w, start + i * 0.5, start + i * 0.5 + 0.4, 0.355 + i / 100)
                               for i, w in enumerate(text.split())))
    settings = NoteSettings(layout=load_layout("fsiii"), commands=load_commands("da"), language="da",
                        model=ModelRef(name="whisper-base", sha256="ab" * 32))
    note, _ = build_note([utt("Borgeren var glad.", 0.0),
                          utt("Overskrift ernæring. Spiste godt komma drak lidt punktum ny linje Vægt stabil.", 3.0)],
                         settings, source="visit.wav")
    return note


def body_and_trailer(text: str) -> tuple[str, list[str]]:
    """A text note cut where integrators cut it: at the last line that is exactly "-- "."""
    lines = text.split("\n")
    cut = len(lines) - 1 - lines[::-1].index("-- ")
    return "\n".join(lines[:cut]).rstrip("\n") + "\n", lines[cut + 1:-1]


def front_matter(markdown: str) -> tuple[dict, str]:
    head, _, body = markdown.partition("\n---\n")
    assert head.startswith("---\n")
    return yaml.safe_load(head[4:]), body.removeprefix("\n")


def test_text_has_a_heading_line_per_section():
    assert to_text(make_note(), trailer=False) == (
        "Generelt\nBorgeren var glad.\n\n"
        "Ernæring\nSpiste godt, drak lidt.\nVægt stabil.\n")


def test_text_ends_with_a_trailer_after_the_signature_separator():
    note = make_note()
    text = to_text(note)
    assert text.startswith(to_text(note, trailer=False) + "\n-- \n")
    body, trailer = body_and_trailer(text)
    assert body == to_text(note, trailer=False)
    # make_note's words have probabilities 0.50..0.5x: all under the threshold, so all uncertain.
    assert trailer == ["schema_version: 1", "needs_review: true",
                       'gennemse: "Borgeren" (usikkert ord) i Generelt', 'gennemse: "var" (usikkert ord) i Generelt',
                       'gennemse: "glad" (usikkert ord) i Generelt', 'gennemse: "Spiste" (usikkert ord) i Ernæring',
                       'gennemse: "godt" (usikkert ord) i Ernæring', 'gennemse: "drak" (usikkert ord) i Ernæring',
                       'gennemse: "lidt" (usikkert ord) i Ernæring']


def test_markdown_has_level_two_headings_and_keeps_line_breaks():
    assert to_markdown(make_note(), front_matter=False) == (
        "## Generelt\n\nBorgeren var glad.\n\n"
        "## Ernæring\n\nSpiste godt, drak lidt.  \nVægt stabil.\n")


def test_markdown_starts_with_yaml_front_matter():
    note = make_note()
    meta, body = front_matter(to_markdown(note))
    assert body == to_markdown(note, front_matter=False)
    assert meta["schema_version"] == SCHEMA_VERSION and meta["id"] == note.id and meta["language"] == "da"
    assert meta["created"] == note.created.isoformat(timespec="seconds") and meta["layout"] == "fsiii"
    assert meta["needs_review"] is True
    assert meta["review"][0] == {"kind": "uncertain", "text": "Borgeren", "section": "general",
                                 "heading": "Generelt", "start": 0.0}
    assert [item["text"] for item in meta["review"]] == ["Borgeren", "var", "glad", "Spiste", "godt", "drak", "lidt"]


def test_json_carries_the_contract_fields():
    note = make_note()
    data = json.loads(to_json(note))
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert data["id"] == note.id and len(data["id"]) == 36
    assert datetime.fromisoformat(data["created"]).tzinfo is not None
    assert data["language"] == "da" and data["source"] == "visit.wav"
    assert data["model"] == {"name": "whisper-base", "sha256": "ab" * 32, "compute_type": "int8"}
    assert data["layout"] == {"id": "fsiii", "version": "20240530", "code_system": "urn:oid:1.2.208.176.2.21"}
    assert [(s["key"], s["heading"], s["code"]) for s in data["sections"]] == [
        ("general", "Generelt", None), ("I3", "Ernæring", "I3")]
    nutrition = data["sections"][1]
    assert nutrition["text"] == "Spiste godt, drak lidt.\nVægt stabil."
    # Every spoken word keeps its timing and confidence; command words are not words of the note.
    assert [w["text"] for w in nutrition["words"]] == ["Spiste", "godt", "drak", "lidt", "Vægt", "stabil."]
    first = nutrition["words"][0]
    assert set(first) == {"text", "start", "end", "probability", "needs_review"}
    assert first["needs_review"] == "uncertain"  # probability 0.5, under the 0.6 threshold
    assert 3.0 <= first["start"] < first["end"] and 0 < first["probability"] <= 1


def test_json_is_one_line_per_note_unless_indented():
    note = make_note()
    assert to_json(note).count("\n") == 1
    assert json.loads(to_json(note, indent=2)) == to_dict(note)


def test_an_empty_note_renders_empty_but_valid():
    settings = NoteSettings(layout=load_layout("soap"), commands=load_commands("en"), language="en")
    note, _ = build_note([], settings)
    assert to_text(note, trailer=False) == "" and to_markdown(note, front_matter=False) == ""
    # The metadata is still there: an integrator always finds the schema version.
    assert to_text(note) == "-- \nschema_version: 1\nneeds_review: false\n"
    meta, body = front_matter(to_markdown(note))
    assert body == "" and meta["needs_review"] is False and meta["review"] == [] and meta["layout"] == "soap"
    data = json.loads(to_json(note))
    assert data["sections"] == [] and data["layout"]["id"] == "soap" and data["model"] is None


def test_review_flags_in_json():
    def utt(text, probability=0.95):
        return Utterance(tuple(Word(w, i * 0.5, i * 0.5 + 0.4, probability) for i, w in enumerate(text.split())))

    settings = NoteSettings(layout=load_layout("fsiii"), commands=load_commands("da"), language="da")
    note, _ = build_note([utt("Borgeren har ikke spist."), utt("Blodtryk 140/90 i dag."), utt("Overskrift søvn."),
                          utt("Sov godt.", probability=0.3)], settings)
    data = to_dict(note)
    general, sleep = data["sections"]
    flags = {w["text"]: w.get("needs_review") for w in general["words"]}
    assert flags["ikke"] == "negation" and flags["140/90"] == "number" and flags["Borgeren"] is None
    assert [w["needs_review"] for w in sleep["words"]] == ["uncertain", "uncertain"]
    assert general["needs_review"] and sleep["needs_review"] and data["needs_review"]
    assert data["metadata"]["review"] == {"negation": 1, "number": 1, "uncertain": 2, "unfilled_field": 0,
                                          "heading_unknown": 0}
    clean, _ = build_note([utt("Borgeren sov godt.")], settings)
    assert to_dict(clean)["needs_review"] is False and to_dict(clean)["sections"][0]["needs_review"] is False


def test_review_items_are_the_one_list_behind_every_format():
    def utt(text, probability=0.95):
        return Utterance(tuple(Word(w, i * 0.5, i * 0.5 + 0.4, probability) for i, w in enumerate(text.split())))

    from dictate.catalog.loader import load_catalog

    catalog = load_catalog()
    settings = NoteSettings(layout=catalog.layouts["fsiii"], commands=catalog.commands["da"], language="da",
                        autotexts=catalog.autotexts_for("da"))
    note, _ = build_note([utt("Borgeren har ikke spist."), utt("Autotekst hudobservation."), utt("bleg"),
                          utt("Næste felt."), utt("Overskrift søvn. Sov 6 timer."), utt("Uroligt,", probability=0.3)],
                         settings)
    items = review_items(note)
    assert [(i.kind, i.section, i.text) for i in items] == [
        ("negation", "general", "ikke"), ("unfilled_field", "I4", "tør eller fugtig"),
        ("unfilled_field", "I4", "fund"), ("number", "I10", "6"), ("uncertain", "I10", "Uroligt")]
    assert items[1].field == "fugt" and items[1].autotext == "hudobservation" and items[1].start is None
    assert items[0].start == 1.0
    assert review_summary(note) == {"negation": 1, "number": 1, "uncertain": 1, "unfilled_field": 2,
                                    "heading_unknown": 0}
    _, trailer = body_and_trailer(to_text(note))
    assert trailer[2:] == ['gennemse: "ikke" (nægtelse) i Generelt',
                           "gennemse: tomt felt [tør eller fugtig] i Hud og slimhinder",
                           "gennemse: tomt felt [fund] i Hud og slimhinder",
                           'gennemse: "6" (tal) i Søvn og hvile',
                           'gennemse: "Uroligt" (usikkert ord) i Søvn og hvile']
    meta, _ = front_matter(to_markdown(note))
    assert meta["review"] == [i.as_dict() for i in items]
    data = to_dict(note)
    assert [s["needs_review"] for s in data["sections"]] == [True, True, True]


def test_english_trailer_lines():
    settings = NoteSettings(layout=load_layout("soap"), commands=load_commands("en"), language="en")
    note, _ = build_note([Utterance((Word("Heading", 0, 0.3, 0.9), Word("plan.", 0.4, 0.7, 0.9),
                                     Word("No", 1.0, 1.2, 0.9), Word("change.", 1.3, 1.6, 0.9)))], settings)
    assert to_text(note).endswith('\n-- \nschema_version: 1\nneeds_review: true\nreview: "No" (negation) in Plan\n')


def test_a_typed_separator_stays_in_the_body():
    """No body line ends in a space, so a typed "-- " cannot become a second separator line."""
    settings = NoteSettings(layout=load_layout("fsiii"), commands=load_commands("da"), language="da")
    note, _ = build_note([], settings)
    note.apply(ReplaceText("general", "-- \nGodt."))
    text = to_text(note)
    assert text.split("\n").count("-- ") == 1
    body, trailer = body_and_trailer(text)
    assert body == "Generelt\n--\nGodt.\n" and trailer == ["schema_version: 1", "needs_review: false"]


@pytest.mark.parametrize("fmt", NOTE_FORMATS)
def test_render_note_is_the_entry_point_for_every_format(fmt):
    note = make_note()
    out = render_note(note, fmt)
    assert out.endswith("\n")
    assert ("urn:dictate:schema-version" if fmt == "fhir" else "schema_version") in out
    assert out == RENDERERS[fmt](note)  # one definition behind both


def test_render_note_json_and_fhir_indent_only_when_pretty():
    note = make_note()
    assert render_note(note, "json") == to_json(note)
    assert render_note(note, "json", pretty=True) == to_json(note, indent=2)
    assert render_note(note, "fhir").count("\n") == 1 and render_note(note, "fhir", pretty=True).count("\n") > 10
    with pytest.raises(ValueError, match="unknown note format"):
        render_note(note, "docx")


def test_a_field_snapped_to_a_choice_is_reviewed_as_the_choice_the_note_shows():
    """Words heard uncertainly and snapped to a field's choice: the review names what the
    nurse reads in the note ("gul og belagt"), not the words the model heard."""
    from dictate.catalog.loader import load_catalog

    def utt(text, start, probability=0.95):
        return Utterance(tuple(Word(w, start + i * 0.5, start + i * 0.5 + 0.4, probability)
                               for i, w in enumerate(text.split())))
    catalog = load_catalog()
    settings = NoteSettings(layout=load_layout("fsiii"), commands=load_commands("da"), language="da",
                        autotexts=catalog.autotexts_for("da"))
    spoken = [utt("Autotekst sårpleje.", 0), utt("venstre hæl", 3), utt("Næste felt.", 6), utt("Næste felt.", 9),
              utt("Næste felt.", 12), utt("gul og belakt", 15, probability=0.3), utt("Næste felt.", 18)]
    note, _ = build_note(spoken, settings)
    slot = next(t.slot for t in note.sections["I4"].tokens if t.slot is not None and t.slot.name == "saarbund")
    assert (slot.value, slot.how) == ("gul og belagt", "choice")
    items = [i for i in review_items(note) if i.kind != "unfilled_field"]
    assert [(i.kind, i.text) for i in items] == [("uncertain", "gul og belagt")]


def heard_with_unknown_headings():
    """Danish FSIII: a heading said that matched none but came close to two, one that came
    close to nothing, around flagged words; all of it in the general section."""
    def utt(text, start):
        return Utterance(tuple(Word(w, start + i * 0.5, start + i * 0.5 + 0.4, 0.95)
                               for i, w in enumerate(text.split())))
    settings = NoteSettings(layout=load_layout("fsiii"), commands=load_commands("da"), language="da")
    note, _ = build_note([utt("Borgeren har ikke spist.", 0.0), utt("Overskrift væskning. Drak 2 glas.", 5.0),
                          utt("Overskrift kaffemaskine.", 10.0), utt("Overskrift søvn. Sov godt.", 15.0)], settings)
    return note


def test_an_unknown_heading_is_in_every_formats_review_list_where_it_was_said():
    from dictate.output.fhir import to_bundle

    note = heard_with_unknown_headings()
    candidates = [{"key": "I3", "heading": "Ernæring"}, {"key": "I7", "heading": "Respiration og cirkulation"}]
    items = review_items(note)
    # In note order: after "ikke", before the "2" said after it.
    assert [(i.kind, i.section, i.text) for i in items] == [
        ("negation", "general", "ikke"), ("heading_unknown", "general", "væskning"), ("number", "general", "2"),
        ("heading_unknown", "general", "kaffemaskine")]
    assert items[1].as_dict() == {"kind": "heading_unknown", "text": "væskning", "section": "general",
                                  "heading": "Generelt", "start": 5.0, "candidates": candidates}
    assert items[3].as_dict()["candidates"] == []
    # text: the trailer, in the note's words.
    _, trailer = body_and_trailer(to_text(note))
    assert trailer[2:] == ['gennemse: "ikke" (nægtelse) i Generelt',
                           'gennemse: "væskning" (overskrift ikke genkendt; forslag: Ernæring, '
                           'Respiration og cirkulation) i Generelt',
                           'gennemse: "2" (tal) i Generelt',
                           'gennemse: "kaffemaskine" (overskrift ikke genkendt; intet forslag) i Generelt']
    # markdown: the front matter's review list.
    meta, body = front_matter(to_markdown(note))
    assert meta["review"][1] == items[1].as_dict() and meta["review"][3]["kind"] == "heading_unknown"
    assert "væskning" in body  # the words said stay in the note, under the heading they were said in
    # json: the counts, the list with the section and the time, and the section flagged.
    data = to_dict(note)
    assert data["metadata"]["review"]["heading_unknown"] == 2
    assert data["metadata"]["unknown_headings"] == [
        {"section": "general", "heard": "væskning", "start": 5.0, "candidates": candidates},
        {"section": "general", "heard": "kaffemaskine", "start": 10.0, "candidates": []}]
    assert data["sections"][0]["needs_review"] and not data["sections"][1]["needs_review"]
    # fhir: review-item extensions on the general section, one candidate each.
    bundle = to_bundle(note)
    general = bundle["entry"][0]["resource"]["section"][0]
    unknown = [e["extension"] for e in general["extension"][1:]
               if {"url": "kind", "valueCode": "heading_unknown"} in e["extension"]]
    assert unknown[0] == [{"url": "kind", "valueCode": "heading_unknown"}, {"url": "text", "valueString": "væskning"},
                          {"url": "start", "valueDecimal": 5.0},
                          {"url": "candidate", "valueString": "Ernæring"},
                          {"url": "candidate", "valueString": "Respiration og cirkulation"}]
    assert len(unknown) == 2 and not any(e["url"] == "candidate" for e in unknown[1])
    from fhir.resources.bundle import Bundle

    Bundle.parse_obj(bundle)


def test_an_unknown_heading_alone_makes_the_note_need_review_in_english_too():
    settings = NoteSettings(layout=load_layout("soap"), commands=load_commands("en"), language="en")
    note, _ = build_note([Utterance((Word("Heading", 0, 0.3, 0.9), Word("objection.", 0.4, 0.7, 0.9),
                                     Word("Stable.", 1.0, 1.3, 0.9)))], settings)
    assert to_text(note).endswith('\n-- \nschema_version: 1\nneeds_review: true\nreview: "objection" '
                                  '(heading not recognised; suggestions: Objective, Subjective) in General\n')
    assert render_note(note, "fhir").count('"status": "preliminary"') == 1
