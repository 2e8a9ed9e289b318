"""From decoded audio to a finished note: recogniser -> interpreter -> note.

The recogniser is any object with a `transcribe(audio, language, hotwords)`
method, so tests can drive the same path with a deterministic fake.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from dictate.audio import DecodedAudio
from dictate.commands import CommandSet
from dictate.interpreter import Interpreter, Notice
from dictate.layouts import Layout
from dictate.note import ModelRef, Note
from dictate.words import Utterance


class Transcriber(Protocol):
    def transcribe(self, audio: np.ndarray, language: str,
                   hotwords: str | None = None) -> list[Utterance]: ...


@dataclass(frozen=True)
class Settings:
    layout: Layout
    commands: CommandSet
    language: str
    model: ModelRef | None = None


@dataclass
class Result:
    note: Note
    notices: list[Notice]
    audio_seconds: float


def apply_utterance(interpreter: Interpreter, note: Note, utterance: Utterance) -> None:
    """Interpret one utterance and apply its edits: the one path from words to a note."""
    for edit in interpreter.feed(utterance):
        note.apply(edit)


def build_note(utterances: list[Utterance], settings: Settings, source: str | None = None) -> tuple[Note, list[Notice]]:
    note = Note(layout=settings.layout, language=settings.language, model=settings.model, source=source)
    interpreter = Interpreter(layout=settings.layout, commands=settings.commands, language=settings.language)
    for utterance in utterances:
        apply_utterance(interpreter, note, utterance)
    return note, interpreter.notices


def transcribe_audio(audio: DecodedAudio, transcriber: Transcriber, settings: Settings) -> Result:
    utterances = transcriber.transcribe(audio.samples, settings.language)
    note, notices = build_note(utterances, settings, source=str(audio.path))
    return Result(note=note, notices=notices, audio_seconds=audio.duration)
