"""A live dictation session: streamer events in, the note built from commits only.

Committed words are collected until the end of the utterance and then handed
to the interpreter as one utterance, so spoken commands act on whole
utterances and never on a partial. Partials pass through for display.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dictate.interpreter import Interpreter, Notice
from dictate.note import Note
from dictate.pipeline import apply_utterance
from dictate.streamer import Commit, StreamEvent, Streamer
from dictate.words import Utterance, Word


@dataclass
class LiveSession:
    streamer: Streamer
    interpreter: Interpreter
    note: Note
    _pending: list[Word] = field(default_factory=list)
    _notices_seen: int = 0

    @property
    def ended(self) -> bool:
        """True once "afslut notat" / "end note" was said."""
        return self.note.finished

    def push(self, frames: np.ndarray) -> list[StreamEvent]:
        return self._handle(self.streamer.feed(frames))

    def finish(self) -> list[StreamEvent]:
        """Flush the streamer and interpret whatever was committed."""
        events = self._handle(self.streamer.finish())
        self._interpret()
        return events

    def new_notices(self) -> list[Notice]:
        notices = self.interpreter.notices[self._notices_seen:]
        self._notices_seen = len(self.interpreter.notices)
        return notices

    def _handle(self, events: list[StreamEvent]) -> list[StreamEvent]:
        for event in events:
            if isinstance(event, Commit):
                self._pending.extend(event.words)
                if event.end_of_utterance:
                    self._interpret()
        return events

    def _interpret(self) -> None:
        if not self._pending:
            return
        utterance = Utterance(tuple(self._pending))
        self._pending = []
        apply_utterance(self.interpreter, self.note, utterance)
