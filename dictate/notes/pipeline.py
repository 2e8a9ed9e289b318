"""From decoded audio to a finished note: recogniser -> interpreter -> note.

The recogniser is any object with a `transcribe(audio, language, hotwords)`
method, so tests can drive the same path with a deterministic fake.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np

from dictate.audio.decode import DecodedAudio
from dictate.catalog.autotexts import AutoText
from dictate.catalog.commands import CommandSet
from dictate.catalog.layouts import Layout
from dictate.interpret.correction import Corrector
from dictate.interpret.edits import Edit
from dictate.interpret.interpreter import Interpreter, Notice
from dictate.notes.note import ModelRef, Note
from dictate.words import Utterance


class Transcriber(Protocol):
    def transcribe(self, audio: np.ndarray, language: str, hotwords: str | None = None,
                   progress: Callable[[float], None] | None = None) -> list[Utterance]: ...


@dataclass(frozen=True)
class NoteSettings:
    layout: Layout
    commands: CommandSet
    language: str
    model: ModelRef | None = None
    autotexts: Sequence[AutoText] = ()
    #: vocabulary terms for the recogniser's prompt and the correction pass
    terms: Sequence[str] = ()
    #: (vocabulary id, number of terms), for the note's metadata
    vocabularies: tuple[tuple[str, int], ...] = ()
    correct: bool = True
    _corrector: list[Corrector] = field(default_factory=list, compare=False, repr=False)

    def corrector(self) -> Corrector | None:
        """Built once per settings: indexing thousands of terms is not free."""
        if not self.correct or not self.terms:
            return None
        if not self._corrector:
            self._corrector.append(Corrector.from_terms(self.terms))
        return self._corrector[0]

    def interpreter(self) -> Interpreter:
        return Interpreter(layout=self.layout, commands=self.commands, language=self.language,
                           autotexts=self.autotexts, corrector=self.corrector())

    def new_note(self, source: str | None = None) -> Note:
        return Note(layout=self.layout, language=self.language, model=self.model, source=source,
                    vocabularies=self.vocabularies)


@dataclass
class Result:
    note: Note
    notices: list[Notice]
    audio_seconds: float
    #: what the recogniser heard, in order: the commits of `--format jsonl`
    utterances: list[Utterance] = field(default_factory=list)


def apply_utterance(interpreter: Interpreter, note: Note, utterance: Utterance) -> list[Edit]:
    """Interpret one utterance and apply its edits as one undoable group: the one path from words to a note.

    Returns the edits, for the draft journal.
    """
    edits = interpreter.feed(utterance)
    if edits:
        note.apply(edits)
    return edits


def build_note(utterances: list[Utterance], settings: NoteSettings,
               source: str | None = None) -> tuple[Note, list[Notice]]:
    note = settings.new_note(source)
    interpreter = settings.interpreter()
    for utterance in utterances:
        apply_utterance(interpreter, note, utterance)
    return note, interpreter.notices


def transcribe_audio(audio: DecodedAudio, transcriber: Transcriber, settings: NoteSettings,
                     hotwords: str | None = None, progress: Callable[[float], None] | None = None) -> Result:
    """`progress` is told the audio time decoded so far (for a progress bar on long recordings)."""
    utterances = transcriber.transcribe(audio.samples, settings.language, hotwords=hotwords, progress=progress)
    note, notices = build_note(utterances, settings, source=str(audio.path))
    return Result(note=note, notices=notices, audio_seconds=audio.duration, utterances=utterances)
