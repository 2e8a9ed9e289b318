"""Golden files: every output format of one Danish and one English note, byte for byte.

The notes are built through the real interpreter from Whisper-shaped words, with
a fixed id, creation time and model, so any change to what an integrator
receives shows up here as a diff. After an intended change, regenerate with

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_golden.py

and review the diff of tests/golden/ before committing it.
"""

from __future__ import annotations

import difflib
import json
import os
from datetime import datetime, timedelta, timezone

import pytest
from support import ROOT

from dictate.catalog.loader import load_catalog
from dictate.notes.note import ModelRef, Note
from dictate.notes.pipeline import NoteSettings, build_note
from dictate.output import events
from dictate.output.render import render_note, to_dict
from dictate.speech.streamer import Commit
from dictate.words import Utterance, Word

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
CATALOG = load_catalog()
MODEL = ModelRef(name="whisper-base", sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57")
CREATED = datetime(2026, 3, 2, 9, 15, 0, tzinfo=timezone(timedelta(hours=1)))
IDS = {"da": "3f2b8c1e-5d4a-4e6b-9c7d-0a1b2c3d4e5f", "en": "8a1d6c2b-7e3f-4a5b-8c9d-1e2f3a4b5c6d"}

#: (what was said, words the recogniser was unsure of). FSIII headings, an auto-text
#: with a field filled by choice, one left unfilled and one taking its default, a
#: negation, a number, an uncertain word, a line break, a paragraph and (Danish) an
#: auto-text command that matches nothing, which gives a notice.
SCRIPTS: dict[str, list[tuple[str, set[str]]]] = {
    "da": [
        ("Borgeren var glad og havde sovet godt.", set()),
        ("Autotekst rumrejse.", set()),
        ("Overskrift ernæring.", set()),
        ("Har ikke spist morgenmad punktum ny linje Drak 2 glas vand punktum", set()),
        ("Autotekst hudobservation.", set()),
        ("bleg", set()),
        ("Næste felt.", set()),
        ("Næste felt.", set()),
        ("Overskrift smerter. Ondt i venstre knæ punktum nyt afsnit Har fået Panodil.", {"knæ"}),
    ],
    "en": [
        ("The citizen was cheerful and had slept well.", set()),
        ("Heading nutrition.", set()),
        ("She did not eat breakfast period new line Drank 2 glasses of water period", set()),
        ("Auto text skin observation.", set()),
        ("pale", set()),
        ("Next field.", set()),
        ("Next field.", set()),
        ("Heading pain. Pain in the left knee period new paragraph Was given paracetamol.", {"knee"}),
    ],
}


def utterance(text: str, start: float, unsure: set[str]) -> Utterance:
    words, t = [], start
    for piece in text.split():
        probability = 0.42 if piece.strip(".,") in unsure else 0.93
        words.append(Word(piece, round(t, 2), round(t + 0.3, 2), probability))
        t += 0.4
    return Utterance(tuple(words))


def dictation(language: str) -> list[Utterance]:
    return [utterance(text, 5.0 * i, unsure) for i, (text, unsure) in enumerate(SCRIPTS[language])]


def golden_note(language: str):  # noqa: ANN201
    settings = NoteSettings(layout=CATALOG.layouts["fsiii"], commands=CATALOG.commands[language], language=language,
                        autotexts=CATALOG.autotexts_for(language), model=MODEL)
    note, notices = build_note(dictation(language), settings, source="visit.wav")
    note.id, note.created = IDS[language], CREATED
    return note, notices


def event_stream(note: Note, notices) -> str:  # noqa: ANN001
    """What `dictate listen --format jsonl` prints for the Danish dictation: one commit per utterance."""
    lines = [events.session_start(note, {"kind": "file", "path": "visit.wav", "realtime": False})]
    for said in dictation(note.language):
        lines.append(events.stream_event(Commit(words=said.words, end_of_utterance=True,
                                                emitted_at=said.words[-1].end + 0.5)))
        for notice in notices:
            if notice.at == said.words[0].start:
                lines.append(events.notice(notice, said.words[-1].end + 0.6))
    lines += [events.final_note(note), events.session_end("end_of_stream", 0)]
    return "".join(lines)


def outputs() -> dict[str, str]:
    produced = {}
    for language in ("da", "en"):
        note, notices = golden_note(language)
        produced[f"note_{language}.txt"] = render_note(note, "text")
        produced[f"note_{language}.md"] = render_note(note, "markdown")
        produced[f"note_{language}.json"] = render_note(note, "json", pretty=True)
        produced[f"note_{language}.fhir.json"] = render_note(note, "fhir", pretty=True)
        if language == "da":
            produced["session_da.jsonl"] = event_stream(note, notices)
    return produced


OUTPUTS = outputs()


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_output_matches_the_golden_file(name):
    path = GOLDEN / name
    actual = OUTPUTS[name]
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} is missing; create it with UPDATE_GOLDEN=1 .venv/bin/pytest {__file__}"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            f"golden/{name}", f"now/{name}"))
        pytest.fail(f"output differs from tests/golden/{name}; if intended, regenerate with "
                    f"UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/test_golden.py\n{diff}", pytrace=False)


def test_every_golden_file_is_produced():
    """A golden file nothing produces any more is a stale contract example."""
    assert sorted(p.name for p in GOLDEN.iterdir()) == sorted(OUTPUTS)


def test_the_golden_notes_have_what_they_are_meant_to_show():
    """Guards the scripts: a change in the interpreter must not quietly drop a case from the goldens."""
    for language in ("da", "en"):
        data = json.loads(OUTPUTS[f"note_{language}.json"])
        assert [s["key"] for s in data["sections"]] == ["general", "I3", "I4", "I9"]
        assert data["metadata"]["review"] == {"negation": 1, "number": 1, "uncertain": 1, "unfilled_field": 1,
                                              "heading_unknown": 0}
        skin = data["sections"][2]
        assert [f["how"] for f in skin["fields"]] == ["choice", None, "default"]
        assert "\n" in data["sections"][1]["text"] and "\n\n" in data["sections"][3]["text"]
    assert json.loads(OUTPUTS["note_da.json"]) == to_dict(golden_note("da")[0])
    kinds = [json.loads(line)["type"] for line in OUTPUTS["session_da.jsonl"].splitlines()]
    assert kinds[0] == "session_start" and kinds[-2:] == ["note", "session_end"]
    assert "commit" in kinds and kinds.count("notice") == 1


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_golden_fhir_documents_are_valid_r4(language):
    from fhir.resources.bundle import Bundle

    bundle = Bundle.parse_file(GOLDEN / f"note_{language}.fhir.json")
    composition = bundle.entry[0].resource
    assert composition.resource_type == "Composition" and composition.status == "preliminary"
    assert [s.code.coding[0].code for s in composition.section if s.code] == ["I3", "I4", "I9"]
