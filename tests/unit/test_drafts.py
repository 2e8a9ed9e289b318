"""The draft journal: every applied group of edits on disk, replayable after a crash."""

from __future__ import annotations

import json
import os
import stat

import pytest

from dictate.catalog.loader import load_catalog
from dictate.interpret.edits import NextField, ReplaceText, Undo
from dictate.notes.builder import NoteBuilder
from dictate.notes.drafts import DraftStore, read_journal, restore_note
from dictate.notes.pipeline import NoteSettings
from dictate.output.render import to_dict
from dictate.speech.streamer import Commit
from dictate.words import Word

CATALOG = load_catalog()
SETTINGS = NoteSettings(layout=CATALOG.layouts["fsiii"], commands=CATALOG.commands["da"], language="da",
                    autotexts=CATALOG.autotexts_for("da"), terms=CATALOG.terms("da"))
UTTERANCES = ["Borgeren fik Panodyl i morges.", "Overskrift ernæring.", "Hun drak hundrede og halvtreds milliliter.",
              "Autotekst sårpleje.", "venstre hæl", "Næste felt.", "tre gange fire", "Slet det.",
              "Overskrift smerter.", "Hun har ikke ondt."]


def commit(text: str, start: float) -> Commit:
    words = tuple(Word(w, start + i * 0.4, start + i * 0.4 + 0.3, 0.5 + (i % 5) / 10)
                  for i, w in enumerate(text.split()))
    return Commit(words, end_of_utterance=True, emitted_at=start + 5)


def dictated(store: DraftStore) -> tuple[NoteBuilder, list]:
    journals = []

    def journal(edits):  # noqa: ANN001, ANN202
        if not journals:
            journals.append(store.start(builder.note))
        journals[0].edits(edits)

    builder = NoteBuilder(SETTINGS.interpreter(), SETTINGS.new_note("visit.wav"), on_apply=journal)
    for i, text in enumerate(UTTERANCES):
        builder.handle([commit(text, i * 10.0)])
    builder.apply([NextField()])
    builder.apply([ReplaceText("I9", "Hun har ingen smerter i dag.")])
    builder.apply([Undo()])
    return builder, journals


def restored(path):  # noqa: ANN001, ANN202
    return restore_note(path, CATALOG.layouts, CATALOG.autotexts, vocabularies=SETTINGS.vocabularies)


def test_replaying_the_journal_gives_the_same_note(tmp_path):
    store = DraftStore(tmp_path / "drafts")
    builder, [journal] = dictated(store)
    again = restored(journal.path)
    assert to_dict(again) == to_dict(builder.note)
    assert again.id == builder.note.id and again.created == builder.note.created
    assert again.sections["I9"].text == "Hun har ikke ondt."  # the keyboard edit was undone, in both
    assert [c.heard for c in again.corrections()] == ["Panodyl"]


def test_drafts_are_private_and_listed_until_retired(tmp_path):
    store = DraftStore(tmp_path / "drafts")
    _, [journal] = dictated(store)
    assert stat.S_IMODE(os.stat(journal.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(store.directory).st_mode) == 0o700
    assert store.unfinished() == [journal.path]
    assert store.retire(journal.path) is False  # still held by its session
    journal.close()
    assert store.retire(journal.path) is True
    assert store.unfinished() == []


def test_a_journal_torn_mid_line_gives_back_everything_before_the_tear(tmp_path):
    store = DraftStore(tmp_path / "drafts")
    builder, [journal] = dictated(store)
    data = journal.path.read_bytes()
    lines = data.splitlines(keepends=True)
    for cut in (len(data) - 5, len(data) - len(lines[-1]) // 2, sum(map(len, lines[:4])) + 3):
        torn = tmp_path / f"torn{cut}.jsonl"
        torn.write_bytes(data[:cut])
        header, groups = read_journal(torn)
        complete = data[:cut].count(b"\n") - 1  # the header is the first line
        assert header["id"] == builder.note.id and len(groups) == complete
        restored(torn)  # replays without error


def test_what_is_not_a_journal_is_refused(tmp_path):
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"type": "edits", "edits": []}\n')
    with pytest.raises(ValueError, match="not a dictate draft journal"):
        read_journal(bad)
    bad.write_text("")
    with pytest.raises(ValueError, match="empty"):
        read_journal(bad)


def test_each_line_is_one_applied_group(tmp_path):
    store = DraftStore(tmp_path / "drafts")
    builder, [journal] = dictated(store)
    records = [json.loads(line) for line in journal.path.read_text().splitlines()]
    assert records[0]["type"] == "note" and records[0]["layout"] == "fsiii"
    assert all(r["type"] == "edits" and r["edits"] for r in records[1:])
    assert len(records) - 1 == len(UTTERANCES) + 3


def test_drafts_older_than_the_retention_are_purged(tmp_path, monkeypatch):
    import time

    from dictate.notes.drafts import retention_days

    store = DraftStore(tmp_path / "drafts")
    _, [old] = dictated(store)
    _, [new] = dictated(store)
    month_ago = time.time() - 30 * 86_400
    os.utime(old.path, (month_ago, month_ago))
    assert store.purge() == 0  # a session still holds it, however old
    old.close()
    new.close()
    assert store.purge() == 1 and store.unfinished() == [new.path]
    monkeypatch.setenv("DICTATE_DRAFT_RETENTION_DAYS", "0.0001")
    assert retention_days() == 0.0001
    os.utime(new.path, (time.time() - 60, time.time() - 60))
    assert store.purge() == 1 and store.unfinished() == []
    monkeypatch.setenv("DICTATE_DRAFT_RETENTION_DAYS", "nonsense")
    assert retention_days() == 14.0


def partial_commit(text: str, start: float) -> Commit:
    """Committed words whose utterance is not over yet (a crash may come before it is)."""
    words = tuple(Word(w, start + i * 0.4, start + i * 0.4 + 0.3, 0.9) for i, w in enumerate(text.split()))
    return Commit(words, end_of_utterance=False, emitted_at=start + 2)


def test_restore_dictate_crash_restore_loses_nothing(tmp_path):
    """A crash cuts an utterance; the note is continued and then cut again: every word stays."""
    from dictate.runtime.journal import drafted_builder

    store = DraftStore(tmp_path / "drafts")
    builder, draft = drafted_builder(SETTINGS, store, source="visit.wav")
    builder.handle([commit("Borgeren sov godt.", 0.0)])
    builder.handle([partial_commit("Hun spiste morgenmad", 10.0)])  # ... and then the power went
    draft.close()

    first = restore_note(draft.path, CATALOG.layouts, CATALOG.autotexts, interpreter=SETTINGS.interpreter())
    assert first.sections["general"].text == "Borgeren sov godt. Hun spiste morgenmad"
    builder, draft = drafted_builder(SETTINGS, store, first)  # the nurse continues the note
    builder.handle([commit("Overskrift ernæring.", 20.0), commit("Hun drak en kop te.", 30.0)])
    builder.handle([partial_commit("Hun er træt", 40.0)])  # ... and the power went again
    draft.close()

    second = restore_note(draft.path, CATALOG.layouts, CATALOG.autotexts, interpreter=SETTINGS.interpreter())
    assert second.sections["general"].text == "Borgeren sov godt. Hun spiste morgenmad"
    assert second.sections["I3"].text == "Hun drak en kop te. Hun er træt"
    assert store.unfinished() == [draft.path]


def test_end_note_with_empty_fields_asks_first_and_ends_when_said_again(tmp_path):
    from dictate.runtime.journal import drafted_builder

    store = DraftStore(tmp_path / "drafts")
    builder, draft = drafted_builder(SETTINGS, store, source="visit.wav", confirm_end=True)
    for i, text in enumerate(["Autotekst sårpleje.", "venstre hæl", "Afslut notat."]):
        builder.handle([commit(text, i * 5.0)])
    assert not builder.ended
    [asked] = [n for n in builder.new_notices() if n.code == "end_unfilled"]
    assert len(asked.choices) == len(builder.note.unfilled_fields()) > 0
    builder.handle([commit("tre gange fire", 20.0)])  # something else: the question is dropped ...
    builder.handle([commit("Afslut notat.", 25.0)])   # ... so this asks again
    assert not builder.ended and [n.code for n in builder.new_notices()] == ["end_unfilled"]
    builder.handle([commit("Afslut notat.", 30.0)])   # said again right away: the note ends
    assert builder.ended
    draft.close()
    again = restore_note(draft.path, CATALOG.layouts, CATALOG.autotexts)
    assert again.finished and to_dict(again)["sections"] == to_dict(builder.note)["sections"]


def test_end_note_with_every_field_filled_ends_at_once():
    from dictate.runtime.journal import drafted_builder

    builder, _ = drafted_builder(SETTINGS, None, source="visit.wav", confirm_end=True)
    builder.handle([commit("Borgeren sov godt.", 0.0), commit("Afslut notat.", 5.0)])
    assert builder.ended and builder.new_notices() == []


def test_an_unknown_heading_is_journalled_and_comes_back_after_a_crash(tmp_path):
    """The review mark of a heading that matched none is an edit like any other: in the draft,
    replayed on restore, and made again for words a crash cut off before they were interpreted."""
    from dictate.notes.review import review_items
    from dictate.runtime.journal import drafted_builder

    store = DraftStore(tmp_path / "drafts")
    builder, draft = drafted_builder(SETTINGS, store, source="visit.wav")
    builder.handle([commit("Borgeren sov godt.", 0.0), commit("Overskrift væskning. Drak lidt.", 10.0)])
    builder.handle([partial_commit("Overskrift kaffemaskine", 20.0)])  # ... and then the power went
    draft.close()
    records = [json.loads(line) for line in draft.path.read_text(encoding="utf-8").splitlines()]
    [mark] = [e for r in records if r["type"] == "edits" for e in r["edits"] if e["t"] == "heading_unknown"]
    assert mark == {"t": "heading_unknown", "heard": "væskning", "candidates": ["I3", "I7"], "at": 10.0}

    again = restore_note(draft.path, CATALOG.layouts, CATALOG.autotexts, interpreter=SETTINGS.interpreter())
    unknown = [(i.text, i.start, i.candidates) for i in review_items(again) if i.kind == "heading_unknown"]
    assert unknown == [("væskning", 10.0, (("I3", "Ernæring"), ("I7", "Respiration og cirkulation"))),
                       ("kaffemaskine", 20.0, ())]
    builder.on_apply = None  # the journal is closed: the live note, had it gone on, has the same review list
    builder.flush()
    assert review_items(again) == review_items(builder.note)
