"""The note built live from the streamer's commits.

Committed words are collected until the end of the utterance and then handed
to the interpreter as one utterance, so spoken commands act on whole
utterances and never on a partial. Partials are for display only.

The builder owns the note; the terminal app runs the engine in a worker thread
and the builder on the UI thread, so the note is only ever touched by one thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dictate.interpret.edits import Edit, EndNote
from dictate.interpret.interpreter import Interpreter, Notice
from dictate.notes.note import Note
from dictate.notes.pipeline import apply_utterance
from dictate.speech.streamer import Commit, StreamEvent
from dictate.words import Utterance, Word


@dataclass
class NoteBuilder:
    interpreter: Interpreter
    note: Note
    #: called with each group of edits once applied (the draft journal)
    on_apply: Callable[[list[Edit]], None] | None = None
    #: called with committed words as they arrive, before their utterance is over
    on_commit: Callable[[tuple[Word, ...]], None] | None = None
    #: "afslut notat" with fields still empty asks first: the note ends when it is said
    #: again right away (hands-free, like F10's question), and anything else goes on with it
    confirm_end: bool = False
    _pending: list[Word] = field(default_factory=list)
    _notices_seen: int = 0
    _notices: list[Notice] = field(default_factory=list)
    _end_asked: bool = False

    @property
    def pending(self) -> tuple[Word, ...]:
        """Committed words whose utterance is not over yet: final, but not yet interpreted."""
        return tuple(self._pending)

    @property
    def ended(self) -> bool:
        """True once "afslut notat" / "end note" was said."""
        return self.note.finished

    def handle(self, events: Sequence[StreamEvent]) -> None:
        for event in events:
            if isinstance(event, Commit):
                if self.on_commit is not None and event.words and not self.note.finished:
                    self.on_commit(event.words)
                self._pending.extend(event.words)
                if event.end_of_utterance:
                    self.flush()

    def flush(self) -> None:
        """Interpret whatever was committed but not yet interpreted."""
        if not self._pending:
            return
        utterance = Utterance(tuple(self._pending))
        self._pending = []
        if self.note.finished:
            return
        if not self.confirm_end:
            self._saved(apply_utterance(self.interpreter, self.note, utterance))
            return
        edits = self.interpreter.feed(utterance)
        end = next((i for i, e in enumerate(edits) if isinstance(e, EndNote)), None)
        before = edits if end is None else edits[:end]
        if before:
            self.note.apply(before)
            self._saved(before)
        if end is None:
            self._end_asked = False
            return
        unfilled = self.note.unfilled_fields()
        if unfilled and not self._end_asked:
            self._end_asked = True
            self._notices.append(Notice(at=utterance.words[0].start, code="end_unfilled",
                                        message=f"{len(unfilled)} empty field(s): say the end-note command "
                                                "again to finish the note",
                                        choices=tuple(slot.label for _, slot in unfilled)))
            return
        self.note.apply([EndNote()])
        self._saved([EndNote()])

    def apply(self, edits: Sequence[Edit]) -> None:
        """Edits from the keyboard (undo, next field, a picked auto-text): one undoable group."""
        self.flush()
        if edits and not self.note.finished:
            self.note.apply(list(edits))
            self._saved(list(edits))

    def _saved(self, edits: list[Edit]) -> None:
        if edits and self.on_apply is not None:
            self.on_apply(edits)

    def new_notices(self) -> list[Notice]:
        """What the interpreter and the builder have to say since the last call, in order of time."""
        notices = self.interpreter.notices[self._notices_seen:] + self._notices
        self._notices_seen = len(self.interpreter.notices)
        self._notices = []
        return sorted(notices, key=lambda n: n.at)
