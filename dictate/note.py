"""The note: sections of text under a layout's headings. Pure data, no I/O.

Text is kept as tokens (words with their timing and confidence, and marks)
rather than as one string, so renderers can print plain text while the JSON
keeps per-word start, end and probability for review.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from dictate.edits import AddMark, AddWord, Edit, EndNote, GoToSection
from dictate.layouts import GENERAL_KEY, Layout
from dictate.words import Word

BREAKS = ("\n", "\n\n")
SENTENCE_END = ".?!"
INLINE_PUNCTUATION = ".,;:!?"


@dataclass
class Token:
    text: str
    kind: Literal["word", "mark"]
    word: Word | None = None

    @property
    def is_break(self) -> bool:
        return self.kind == "mark" and self.text in BREAKS


@dataclass
class Section:
    key: str
    heading: str
    code: str | None
    tokens: list[Token] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts: list[str] = []
        previous: Token | None = None
        for token in self.tokens:
            if token.kind == "word" and previous is not None and not previous.is_break:
                parts.append(" ")
            parts.append(token.text)
            previous = token
        return "".join(parts).strip()

    @property
    def words(self) -> list[Token]:
        return [t for t in self.tokens if t.kind == "word"]

    def at_sentence_start(self) -> bool:
        if not self.tokens:
            return True
        last = self.tokens[-1]
        if last.kind == "mark":
            return last.is_break or last.text in SENTENCE_END
        return last.text[-1:] in SENTENCE_END


@dataclass(frozen=True)
class ModelRef:
    name: str
    sha256: str
    compute_type: str = "int8"


@dataclass
class Note:
    layout: Layout
    language: str
    model: ModelRef | None = None
    source: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created: datetime = field(default_factory=lambda: datetime.now().astimezone())
    sections: dict[str, Section] = field(default_factory=dict)
    current: str = GENERAL_KEY
    finished: bool = False

    def __post_init__(self) -> None:
        if not self.sections:
            for definition in self.layout.all_sections:
                self.sections[definition.key] = Section(
                    key=definition.key,
                    heading=definition.heading(self.language),
                    code=definition.code,
                )

    # -- editing ---------------------------------------------------------------

    def apply(self, edit: Edit) -> None:
        if self.finished:
            return  # said after "afslut notat": not part of the note
        if isinstance(edit, EndNote):
            self.finished = True
        elif isinstance(edit, AddWord):
            self._add_word(edit)
        elif isinstance(edit, AddMark):
            self._add_mark(edit.mark)
        elif isinstance(edit, GoToSection):
            self._go_to(edit.key)
        else:  # pragma: no cover - the Edit union is closed
            raise TypeError(f"unknown edit {edit!r}")

    def _add_word(self, edit: AddWord) -> None:
        section = self.sections[self.current]
        text = edit.text
        if section.at_sentence_start() and text[:1].islower():
            text = text[0].upper() + text[1:]
        section.tokens.append(Token(text=text, kind="word", word=edit.word))

    def _add_mark(self, mark: str) -> None:
        section = self.sections[self.current]
        if not section.tokens:
            return  # nothing to punctuate yet, e.g. "punktum" right after a heading
        last = section.tokens[-1]
        if mark in BREAKS:
            if last.is_break:
                last.text = max(last.text, mark, key=len)
                return
            section.tokens.append(Token(text=mark, kind="mark"))
            return
        if last.is_break:
            return  # punctuation at the start of a line has nothing to attach to
        if last.kind == "mark":
            last.text = mark  # "komma punktum": the last spoken mark wins
            return
        # The recogniser often adds its own punctuation next to the spoken one
        # ("godt, punktum."); the spoken mark replaces it.
        last.text = last.text.rstrip(INLINE_PUNCTUATION) or last.text
        section.tokens.append(Token(text=mark, kind="mark"))

    def _go_to(self, key: str) -> None:
        if key not in self.sections:
            raise KeyError(f"layout '{self.layout.id}' has no section '{key}'")
        self.current = key
        section = self.sections[key]
        # Coming back to a section that has text: start on a new line so that
        # what was said at different moments stays apart.
        if section.tokens and not section.tokens[-1].is_break:
            section.tokens.append(Token(text="\n", kind="mark"))

    # -- reading ---------------------------------------------------------------

    def filled_sections(self) -> list[Section]:
        """Sections with text, in layout order (general first)."""
        return [s for s in self.sections.values() if s.words]

    @property
    def is_empty(self) -> bool:
        return not self.filled_sections()
