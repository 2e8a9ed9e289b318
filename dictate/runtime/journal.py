"""The draft journal of the note being dictated, wired to its note builder.

Every committed word and every applied group of edits is on disk (fsync'd)
before the next word is taken, so a crash loses nothing that was committed.
The journal file is made with the first thing worth saving: a session in which
nothing was said leaves no draft. `listen`, the app and the soak use this alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from dictate.interpret.edits import Edit
from dictate.notes.builder import NoteBuilder
from dictate.notes.drafts import DraftStore, Journal
from dictate.notes.note import Note
from dictate.notes.pipeline import NoteSettings
from dictate.words import Word


class NoteDraft:
    """The draft of one note in `store` (None: no drafts are kept, as in tests and demos).

    `on_error` is told when the journal cannot be written (disk full, folder gone);
    without it the OSError propagates.
    """

    def __init__(self, store: DraftStore | None, note: Note, *, resumed: bool = False,
                 on_error: Callable[[OSError], None] | None = None) -> None:
        self.store = store
        self.note = note
        self.on_error = on_error
        # A recovered note goes on in its own draft, from where its replay ended.
        self._journal: Journal | None = None
        if store is not None and resumed:
            self._journal = store.reopen(note)
            self._write(lambda journal: journal.settle())
        if resumed:
            note.resume_at_end()  # as replay does at the settle record

    def attach(self, builder: NoteBuilder) -> NoteBuilder:
        """Journal what `builder` commits and applies; returns the builder."""
        builder.on_commit = self.commit
        builder.on_apply = self.edits
        return builder

    def commit(self, words: tuple[Word, ...]) -> None:
        self._write(lambda journal: journal.commit(words))

    def edits(self, edits: list[Edit]) -> None:
        self._write(lambda journal: journal.edits(edits))

    @property
    def path(self) -> Path | None:
        return self._journal.path if self._journal is not None else None

    @property
    def saved_at(self) -> datetime | None:
        return self._journal.saved_at if self._journal is not None else None

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()

    def retire(self) -> None:
        """The note was written out (or discarded on purpose): its draft is no longer needed."""
        self.close()
        if self.store is not None and self._journal is not None:
            self.store.retire(self._journal.path)

    def _write(self, write: Callable[[Journal], None]) -> None:
        if self.store is None:
            return
        try:
            if self._journal is None:
                self._journal = self.store.start(self.note)
            write(self._journal)
        except OSError as exc:
            if self.on_error is None:
                raise
            self.on_error(exc)


def drafted_builder(settings: NoteSettings, store: DraftStore | None, note: Note | None = None, *,
                    source: str | None = None, confirm_end: bool = False,
                    on_error: Callable[[OSError], None] | None = None) -> tuple[NoteBuilder, NoteDraft]:
    """A builder for a new note from `source` (or for `note`, recovered from its draft, which
    it goes on in), with every commit and edit journalled before it is shown.

    `confirm_end`: the end-note command asks first while fields are empty (the app).
    """
    resumed = note is not None
    note = note or settings.new_note(source)
    draft = NoteDraft(store, note, resumed=resumed, on_error=on_error)
    return draft.attach(NoteBuilder(settings.interpreter(), note, confirm_end=confirm_end)), draft
