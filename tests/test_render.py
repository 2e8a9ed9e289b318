"""Renderers: text, Markdown and JSON from one note."""

from __future__ import annotations

import json
from datetime import datetime

from dictate.commands import load_commands
from dictate.layouts import load_layout
from dictate.note import ModelRef
from dictate.pipeline import Settings, build_note
from dictate.render import SCHEMA_VERSION, to_dict, to_json, to_markdown, to_text
from dictate.words import Utterance, Word


def make_note():
    def utt(text, start):
        return Utterance(tuple(Word(w, start + i * 0.5, start + i * 0.5 + 0.4, 0.5 + i / 100)
                               for i, w in enumerate(text.split())))
    settings = Settings(layout=load_layout("fsiii"), commands=load_commands("da"), language="da",
                        model=ModelRef(name="whisper-base", sha256="ab" * 32))
    note, _ = build_note([utt("Borgeren var glad.", 0.0),
                          utt("Overskrift ernæring. Spiste godt komma drak lidt punktum ny linje Vægt stabil.", 3.0)],
                         settings, source="visit.wav")
    return note


def test_text_has_a_heading_line_per_section():
    assert to_text(make_note()) == (
        "Generelt\nBorgeren var glad.\n\n"
        "Ernæring\nSpiste godt, drak lidt.\nVægt stabil.\n")


def test_markdown_has_level_two_headings_and_keeps_line_breaks():
    assert to_markdown(make_note()) == (
        "## Generelt\n\nBorgeren var glad.\n\n"
        "## Ernæring\n\nSpiste godt, drak lidt.  \nVægt stabil.\n")


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
    settings = Settings(layout=load_layout("soap"), commands=load_commands("en"), language="en")
    note, _ = build_note([], settings)
    assert to_text(note) == "" and to_markdown(note) == ""
    data = json.loads(to_json(note))
    assert data["sections"] == [] and data["layout"]["id"] == "soap" and data["model"] is None


def test_review_flags_in_json():
    def utt(text, probability=0.95):
        return Utterance(tuple(Word(w, i * 0.5, i * 0.5 + 0.4, probability) for i, w in enumerate(text.split())))

    settings = Settings(layout=load_layout("fsiii"), commands=load_commands("da"), language="da")
    note, _ = build_note([utt("Borgeren har ikke spist."), utt("Blodtryk 140/90 i dag."), utt("Overskrift søvn."),
                          utt("Sov godt.", probability=0.3)], settings)
    data = to_dict(note)
    general, sleep = data["sections"]
    flags = {w["text"]: w.get("needs_review") for w in general["words"]}
    assert flags["ikke"] == "negation" and flags["140/90"] == "number" and flags["Borgeren"] is None
    assert [w["needs_review"] for w in sleep["words"]] == ["uncertain", "uncertain"]
    assert general["needs_review"] and sleep["needs_review"] and data["needs_review"]
    assert data["metadata"]["review"] == {"negation": 1, "number": 1, "uncertain": 2, "unfilled_field": 0}
    clean, _ = build_note([utt("Borgeren sov godt.")], settings)
    assert to_dict(clean)["needs_review"] is False and to_dict(clean)["sections"][0]["needs_review"] is False
