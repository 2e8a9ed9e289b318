"""Every command writes every format: transcribe and listen on the real model, through the CLI."""

from __future__ import annotations

import json
import time

import pytest
from fhir.resources.bundle import Bundle
from support import DATA, run_cli

from dictate.catalog.commands import load_commands
from dictate.catalog.layouts import load_layout
from dictate.notes.pipeline import NoteSettings, build_note
from dictate.output.render import TRAILER_SEPARATOR, to_dict
from dictate.words import Utterance, Word

EN = ("--language", "en")


@pytest.fixture(scope="module")
def json_note() -> dict:
    result = run_cli("transcribe", *EN, "--format", "json", str(DATA / "en_dictation.wav"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.model
def test_transcribe_jsonl_is_the_listen_event_stream_and_its_commits_rebuild_the_note(json_note):
    result = run_cli("transcribe", *EN, "--format", "jsonl", str(DATA / "en_dictation.wav"))
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(e["schema_version"] == 1 for e in events)
    types = [e["type"] for e in events]
    assert types[0] == "session_start" and types[-2:] == ["note", "session_end"]
    assert set(types[1:-2]) <= {"commit", "notice"} and "commit" in types
    assert events[0]["source"] == {"kind": "file", "path": str(DATA / "en_dictation.wav")}
    assert events[-1]["reason"] == "end_of_stream" and events[-1]["exit_code"] == 0
    note = events[-2]["note"]
    assert [s["text"] for s in note["sections"]] == [s["text"] for s in json_note["sections"]]
    # The contract of the stream: commits alone rebuild the note.
    utterances = [Utterance(tuple(Word(w["text"], w["start"], w["end"], w["probability"]) for w in e["words"]))
                  for e in events if e["type"] == "commit"]
    settings = NoteSettings(layout=load_layout("fsiii"), commands=load_commands("en"), language="en")
    rebuilt, _ = build_note(utterances, settings)
    assert [s["text"] for s in to_dict(rebuilt)["sections"]] == [s["text"] for s in note["sections"]]


@pytest.mark.model
def test_transcribe_fhir_carries_the_given_subject_and_author_and_validates(json_note):
    result = run_cli("transcribe", *EN, "--format", "fhir", "--subject", "Patient/123",
                     "--author", "Practitioner/nurse-7", str(DATA / "en_dictation.wav"))
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1  # one document per line, as `json` does
    bundle = json.loads(result.stdout)
    Bundle.parse_obj(bundle)
    composition = bundle["entry"][0]["resource"]
    assert composition["subject"] == {"reference": "Patient/123"}
    assert composition["author"] == [{"reference": "Practitioner/nurse-7"}]
    assert [s["title"] for s in composition["section"]] == [s["heading"] for s in json_note["sections"]]
    codes = [s.get("code", {}).get("coding", [{}])[0].get("code") for s in composition["section"]]
    assert codes == [s["code"] for s in json_note["sections"]]

    pretty = run_cli("transcribe", *EN, "--format", "fhir", "--pretty", str(DATA / "en_marker.wav"))
    assert pretty.returncode == 0 and pretty.stdout.startswith("{\n")
    Bundle.parse_obj(json.loads(pretty.stdout))


@pytest.mark.parametrize("option, value", [("--subject", "123"), ("--author", "Observation/1"),
                                            ("--subject", "Patient/ 12")])
def test_a_malformed_reference_is_refused_before_any_audio_is_decoded(option, value):
    began = time.monotonic()
    result = run_cli("transcribe", "--format", "fhir", option, value, str(DATA / "en_dictation.wav"))
    assert result.returncode == 2, result.stderr
    assert option in result.stderr and result.stdout == ""
    assert time.monotonic() - began < 20  # refused before the model was loaded


@pytest.mark.model
def test_text_and_markdown_carry_the_schema_version_and_the_review_flags():
    text = run_cli("transcribe", *EN, "--format", "text", str(DATA / "en_dictation.wav"))
    assert text.returncode == 0, text.stderr
    body, trailer = text.stdout.rsplit(f"\n{TRAILER_SEPARATOR}\n", 1)
    assert body.startswith("General\n") and "Nutrition\n" in body
    assert trailer.splitlines()[0] == "schema_version: 1"
    assert trailer.splitlines()[1] in ("needs_review: true", "needs_review: false")
    assert '"2" (number) in Nutrition' in trailer  # "drank two glasses" -> 2, a number to check

    markdown = run_cli("transcribe", *EN, "--format", "markdown", str(DATA / "en_dictation.wav"))
    assert markdown.returncode == 0, markdown.stderr
    front, rest = markdown.stdout.split("\n---\n", 1)
    assert front.startswith("---\nschema_version: 1\n") and "needs_review: true" in front
    assert rest.lstrip().startswith("## General")


@pytest.mark.parametrize("fmt", ["text", "markdown", "json", "fhir"])
@pytest.mark.model
def test_listen_prints_the_finished_note_in_any_note_format(fmt, tmp_path):
    result = run_cli("listen", "--input", str(DATA / "en_marker.wav"), *EN, "--format", fmt,
                     env={"DICTATE_DRAFTS_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "kalamazoo" in result.stdout.casefold()
    if fmt == "json":
        assert json.loads(result.stdout)["schema_version"] == 1
    elif fmt == "fhir":
        Bundle.parse_obj(json.loads(result.stdout))
    elif fmt == "markdown":
        assert result.stdout.startswith("---\nschema_version: 1\n")
    else:
        assert f"\n{TRAILER_SEPARATOR}\nschema_version: 1\n" in result.stdout
    assert list(tmp_path.glob("*.jsonl")) == []  # written: the draft is retired


@pytest.mark.parametrize("command", [("transcribe",), ("listen", "--input")])
@pytest.mark.model
def test_an_unknown_heading_is_a_notice_event_with_its_candidates_and_in_the_notes_review(command, tmp_path):
    """The SOAP dictation under the FSIII layout: "Heading subjective." etc. name no FSIII heading
    ("plan" comes close to "pain"). Each is a notice event with the words heard and the closest
    headings, and in the note's review list; the words heard never reach stderr (the log)."""
    result = run_cli(*command, str(DATA / "en_soap.wav"), *EN, "--layout", "fsiii", "--format", "jsonl",
                     env={"DICTATE_DRAFTS_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    notices = [e for e in events if e["type"] == "notice" and e["code"] == "heading_unknown"]
    assert len(notices) >= 3  # four are said; one may be misheard on some CPU
    fsiii = {s.key: s.heading("en") for s in load_layout("fsiii").all_sections}
    for notice in notices:
        assert notice["heard"] and notice["heard"].casefold() not in notice["message"].casefold()
        assert notice["heard"].casefold() not in result.stderr.casefold()
        assert all(fsiii[c["key"]] == c["heading"] for c in notice["candidates"])
        if notice["heard"].casefold() == "plan":
            assert notice["candidates"][0] == {"key": "I9", "heading": "Pain and sensory impressions"}
    note = events[-2]["note"]
    assert [(h["heard"], h["candidates"]) for h in note["metadata"]["unknown_headings"]] == [
        (n["heard"], n["candidates"]) for n in notices]
    assert note["metadata"]["review"]["heading_unknown"] == len(notices) and note["needs_review"]


def test_help_shows_the_app_its_options_keys_and_commands():
    result = run_cli("--help")
    assert result.returncode == 0
    for expected in ("the dictation app opens", "--ui-language", "--input FILE", "F10 finish", "transcribe FILE",
                     "templates check", "libportaudio2"):
        assert expected in result.stdout, expected
