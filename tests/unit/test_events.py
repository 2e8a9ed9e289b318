"""The notice lines of the `listen` event stream, from a live session on the fake recogniser.

The real model's run through the CLI is in tests/integration/test_formats_cli.py; this one
needs no model, so the event's exact shape is checked on every run.
"""

from __future__ import annotations

import json
import logging

import pytest

from dictate.catalog.loader import load_catalog
from dictate.interpret.interpreter import Notice
from dictate.notes.drafts import DraftStore, restore_note
from dictate.notes.pipeline import NoteSettings
from dictate.notes.review import review_items
from dictate.output import events
from dictate.runtime.engine import Engine
from dictate.runtime.headless import HeadlessSession
from dictate.runtime.session import Dictation
from dictate.speech.fake import ArraySource, FakeWhisper, fake_vad, speak
from dictate.speech.streamer import Streamer

CATALOG = load_catalog()
SETTINGS = NoteSettings(layout=CATALOG.layouts["fsiii"], commands=CATALOG.commands["da"], language="da",
                        autotexts=CATALOG.autotexts_for("da"))


def test_listen_reports_an_unknown_heading_with_the_words_heard_and_the_candidates(tmp_path, caplog):
    script = [["Borgeren", "sov", "godt."], ["Overskrift", "væskning."], ["Hun", "drak", "te."],
              ["Overskrift", "kaffemaskine."]]
    vocabulary = sorted({w for u in script for w in u})
    audio, truth = speak(script, vocabulary)
    engine = Engine(ArraySource(audio), Streamer(transcribe=FakeWhisper(vocabulary), vad=fake_vad), live_source=False)
    store = DraftStore(tmp_path / "drafts")
    session = HeadlessSession(Dictation(SETTINGS, None, CATALOG, None), engine, store)  # type: ignore[arg-type]
    reports: list = []
    with caplog.at_level(logging.DEBUG, logger="dictate"):
        outcome = session.run(reports.append)
    assert outcome.reason == "end_of_stream"

    close, far = [json.loads(events.notice(r, wall=9.5)) for r in reports if isinstance(r, Notice)]
    said = next(start for word, start, _ in truth if word == "Overskrift")
    assert close == {"schema_version": 1, "type": "notice", "t": round(said, 3), "code": "heading_unknown",
                     "message": "a heading command that matches no heading in layout 'fsiii' "
                                "(closest: Ernæring, Respiration og cirkulation)",
                     "heard": "væskning",
                     "candidates": [{"key": "I3", "heading": "Ernæring"},
                                    {"key": "I7", "heading": "Respiration og cirkulation"}],
                     "wall": 9.5}
    assert (far["heard"], far["candidates"]) == ("kaffemaskine", [])
    # What was heard goes to stdout and the note, never to the log.
    assert "væskning" not in caplog.text and "kaffemaskine" not in caplog.text and "heading" in caplog.text
    # The note's review list has both, and so has its draft (journalled before it was reported).
    unknown = [(i.text, i.start) for i in review_items(session.note) if i.kind == "heading_unknown"]
    assert [text for text, _ in unknown] == ["væskning", "kaffemaskine"] and unknown[0][1] == pytest.approx(said)
    session.draft.close()
    again = restore_note(session.draft.path, CATALOG.layouts, CATALOG.autotexts)
    assert review_items(again) == review_items(session.note)
