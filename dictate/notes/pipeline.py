"""From decoded audio to a finished note: recogniser -> interpreter -> note.

The recogniser is any object with a `transcribe(audio, language, hotwords)`
method, so tests can drive the same path with a deterministic fake.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Callable, Protocol

import numpy as np

from dictate.audio import SAMPLE_RATE
from dictate.audio.decode import DecodedAudio
from dictate.catalog.autotexts import AutoText
from dictate.catalog.commands import CommandSet
from dictate.catalog.layouts import Layout
from dictate.interpret.correction import Corrector
from dictate.interpret.edits import Edit
from dictate.interpret.interpreter import Interpreter, Notice
from dictate.notes.note import ModelRef, Note
from dictate.words import Utterance, Word


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
    return transcribe_stream([audio.samples], transcriber, settings, source=str(audio.path), hotwords=hotwords,
                             progress=progress)


#: Long recordings are transcribed in windows of about this many seconds, so that memory
#: stays bounded however long the file is (the decoder's features for 8 hours would not fit).
WINDOW_SECONDS = 300.0
#: A window ends at the quietest moment of its last this-many seconds, between words.
CUT_SEARCH_SECONDS = 20.0
_FRAME = SAMPLE_RATE // 10  # 0.1 s: the unit of the quiet-moment search


def quietest_cut(audio: np.ndarray, search: int) -> int:
    """A cut in the last `search` samples of `audio` at its quietest 0.1 s (a pause between words)."""
    start = max(0, len(audio) - search)
    tail = audio[start: start + (len(audio) - start) // _FRAME * _FRAME]
    if not len(tail):
        return len(audio)
    energy = np.square(tail.reshape(-1, _FRAME)).mean(axis=1)
    return start + int(np.argmin(energy)) * _FRAME + _FRAME // 2


def transcribe_stream(blocks: Iterable[np.ndarray], transcriber: Transcriber, settings: NoteSettings, *,
                      source: str | None = None, hotwords: str | None = None,
                      progress: Callable[[float], None] | None = None,
                      window: float = WINDOW_SECONDS) -> Result:
    """A recording given block by block (see `audio.decode.stream_audio`), transcribed in windows
    of about `window` seconds cut at pauses, into one note. A recording shorter than a window is
    transcribed whole, exactly as before; a longer one holds one window in memory at a time."""
    limit = int(window * SAMPLE_RATE)
    search = int(min(CUT_SEARCH_SECONDS, window / 4) * SAMPLE_RATE)
    utterances: list[Utterance] = []
    buffer = np.zeros(0, dtype=np.float32)
    offset = 0  # samples before the buffer
    total = 0

    def run(audio: np.ndarray) -> None:
        seconds = offset / SAMPLE_RATE
        told = None if progress is None else (lambda at: progress(seconds + at))
        for utterance in transcriber.transcribe(audio, settings.language, hotwords=hotwords, progress=told):
            utterances.append(Utterance(tuple(Word(w.text, w.start + seconds, w.end + seconds, w.probability)
                                              for w in utterance.words)))

    for block in blocks:
        total += len(block)
        buffer = np.concatenate([buffer, block]) if len(buffer) else np.asarray(block, dtype=np.float32)
        while len(buffer) > limit:
            cut = quietest_cut(buffer[:limit], search)
            run(buffer[:cut])
            offset += cut
            buffer = buffer[cut:]
    if len(buffer):
        run(buffer)
    note, notices = build_note(utterances, settings, source=source)
    return Result(note=note, notices=notices, audio_seconds=total / SAMPLE_RATE, utterances=utterances)
