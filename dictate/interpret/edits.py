"""Edits: the only way the interpreter changes a note.

They are plain values so that undo and the draft journal can store and
replay them: a note is exactly the edits applied to it, in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from dictate.catalog.autotexts import AutoText
from dictate.words import Word


@dataclass(frozen=True)
class AddWord:
    """Append a dictated word; `text` is how it should read in the note.

    `corrected_from` is what the recogniser wrote when the vocabulary pass
    snapped the word to a care term, with the match `score`.
    """

    word: Word
    text: str
    corrected_from: str | None = None
    score: float | None = None


@dataclass(frozen=True)
class AddMark:
    """Append punctuation (".", ",", ...) or a break ("\\n", "\\n\\n")."""

    mark: str


@dataclass(frozen=True)
class GoToSection:
    """Continue dictating under the section with this layout key."""

    key: str


@dataclass(frozen=True)
class InsertAutoText:
    """Insert an auto-text in `section` (None: where the nurse is) and enter its first field."""

    autotext: AutoText
    section: str | None


@dataclass(frozen=True)
class NextField:
    """Confirm the field being filled and move to the next one ("næste felt")."""


@dataclass(frozen=True)
class PreviousField:
    """Confirm the field being filled and move back one ("forrige felt")."""


@dataclass(frozen=True)
class Undo:
    """Take back the last utterance's edits ("slet det", "fortryd")."""


@dataclass(frozen=True)
class ReplaceText:
    """The nurse rewrote a section's text by keyboard; its heading and place stay."""

    section: str
    text: str


@dataclass(frozen=True)
class UnknownHeading:
    """A heading command was heard but its name matched no heading: the nurse should look here again.

    It marks the place (the words said go on as text, as before) and changes no text.
    `heard` is the words taken for the heading's name: transcript text, for the note and
    stdout only, never for a log. `candidates` are the closest section keys, best first
    (none when nothing is close); `at` is when the command was said.
    """

    heard: str
    candidates: tuple[str, ...]
    at: float


@dataclass(frozen=True)
class EndNote:
    """The note is finished ("afslut notat"); what follows is not part of it."""


Edit = Union[AddWord, AddMark, GoToSection, InsertAutoText, NextField, PreviousField, Undo, ReplaceText, EndNote,
             UnknownHeading]
