"""Edits: the only way the interpreter changes a note.

They are plain values so that later features (undo, the draft journal) can
store and replay them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from dictate.words import Word


@dataclass(frozen=True)
class AddWord:
    """Append a dictated word; `text` is how it should read in the note."""

    word: Word
    text: str


@dataclass(frozen=True)
class AddMark:
    """Append punctuation (".", ",", ...) or a break ("\\n", "\\n\\n")."""

    mark: str


@dataclass(frozen=True)
class GoToSection:
    """Continue dictating under the section with this layout key."""

    key: str


@dataclass(frozen=True)
class EndNote:
    """The note is finished ("afslut notat"); what follows is not part of it."""


Edit = Union[AddWord, AddMark, GoToSection, EndNote]
