"""The note: sections of text under a layout's headings. Pure data, no I/O.

Text is kept as tokens (words with their timing and confidence, marks,
auto-text pieces and fields) rather than as one string, so renderers can print
plain text while the JSON keeps per-word timing, confidence and fields.

A note is the edits applied to it, in order, one group per utterance. Undo
drops the last group and replays the rest, so every derived fact (fields,
corrections, auto-texts used) stays consistent without bookkeeping.
"""

from __future__ import annotations

import difflib
import re
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from dictate.catalog.autotexts import AutoText, FieldDef
from dictate.catalog.layouts import GENERAL_KEY, Layout
from dictate.interpret.edits import (
    AddMark,
    AddWord,
    Edit,
    EndNote,
    GoToSection,
    InsertAutoText,
    NextField,
    PreviousField,
    ReplaceText,
    Undo,
    UnknownHeading,
)
from dictate.words import Word, attaches, is_abbreviation

BREAKS = ("\n", "\n\n")
SENTENCE_END = ".?!"
INLINE_PUNCTUATION = ".,;:!?"
_CHUNKS = re.compile(r"\n+|[^\s]+")

TokenKind = Literal["word", "mark", "fixed", "field"]


@dataclass
class Token:
    text: str
    kind: TokenKind
    word: Word | None = None
    #: the recogniser's spelling when the vocabulary pass corrected the word, and the score
    corrected_from: str | None = None
    score: float | None = None
    #: (id, version) of the auto-text a fixed piece or field came from
    source: tuple[str, str] | None = None
    slot: FieldSlot | None = None

    @property
    def is_break(self) -> bool:
        return self.kind == "mark" and self.text in BREAKS

    @property
    def shown(self) -> str:
        return self.slot.shown if self.slot is not None else self.text


@dataclass
class FieldSlot:
    """A `{field}` of an inserted auto-text: what was dictated into it, or its default/choice."""

    autotext: str
    definition: FieldDef
    language: str
    tokens: list[Token] = field(default_factory=list)
    value: str | None = None
    how: Literal["dictated", "default", "choice"] | None = None

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def label(self) -> str:
        return self.definition.label(self.language)

    @property
    def text(self) -> str:
        if self.value is not None:
            return self.value
        # The auto-text's own punctuation follows the field.
        return join_tokens(self.tokens).rstrip(INLINE_PUNCTUATION + " ")

    @property
    def filled(self) -> bool:
        return bool(self.text)

    @property
    def shown(self) -> str:
        return self.text or f"[{self.label}]"

    def confirm(self) -> None:
        """Leaving the field: a default fills an empty field, a dictated value snaps to a choice."""
        dictated = join_tokens(self.tokens).rstrip(INLINE_PUNCTUATION + " ")
        if not dictated:
            default = self.definition.default(self.language)
            if default is not None and self.value is None:
                self.value, self.how = default, "default"
            return
        choice = self.definition.snap(dictated, self.language)
        if choice is not None:
            self.value, self.how = choice, "choice"
        else:
            self.value, self.how = None, "dictated"


def _spaced(previous: Token | None, token: Token) -> bool:
    """Whether a space goes before `token`. A recogniser's word that starts with closing
    punctuation (",5" at the start of a decode, after "6" from the one before) goes
    against the word before, as within one decode (`dictate.words.written_words`)."""
    if token.kind == "mark" or previous is None or previous.is_break:
        return False
    return not (token.kind == "word" and attaches(token.text))


def join_tokens(tokens: Iterable[Token]) -> str:
    parts: list[str] = []
    previous: Token | None = None
    for token in tokens:
        if _spaced(previous, token):
            parts.append(" ")
        parts.append(token.shown)
        previous = token
    return "".join(parts).strip()


def _chunks_with_tokens(tokens: Sequence[Token]) -> tuple[list[str], list[list[int]]]:
    """The text as `join_tokens` writes it, cut into chunks (runs between spaces, and line
    breaks), each with the indexes of the tokens that make it up."""
    text, spans = "", []
    previous: Token | None = None
    for token in tokens:
        if _spaced(previous, token):
            text += " "
        spans.append((len(text), len(text) + len(token.shown)))
        text += token.shown
        previous = token
    chunks, owners = [], []
    for match in _CHUNKS.finditer(text):
        chunks.append(match.group())
        owners.append([i for i, (a, b) in enumerate(spans) if a < match.end() and b > match.start()])
    return chunks, owners


def _typed(chunk: str) -> Token:
    if chunk.startswith("\n"):
        return Token(text="\n\n" if len(chunk) > 1 else "\n", kind="mark")
    return Token(text=chunk, kind="fixed")


def _retyped(tokens: list[Token], text: str) -> list[Token]:
    """`tokens` as the nurse retyped their text: unchanged chunks keep their tokens."""
    old_chunks, owners = _chunks_with_tokens(tokens)
    new_chunks = _CHUNKS.findall(text)
    equal: dict[int, int] = {}  # new chunk -> old chunk
    matcher = difflib.SequenceMatcher(a=old_chunks, b=new_chunks, autojunk=False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            equal.update({j1 + k: i1 + k for k in range(i2 - i1)})
    kept_chunks = set(equal.values())
    # A token survives when every chunk it is part of is unchanged (a field whose value
    # spans two chunks needs both).
    chunks_of: dict[int, set[int]] = {}
    for chunk, indexes in enumerate(owners):
        for index in indexes:
            chunks_of.setdefault(index, set()).add(chunk)
    survives = {index for index, chunks in chunks_of.items() if chunks <= kept_chunks}
    result: list[Token] = []
    emitted: set[int] = set()
    for j, chunk in enumerate(new_chunks):
        old = equal.get(j)
        if old is not None and all(index in survives for index in owners[old]):
            for index in owners[old]:
                if index not in emitted:
                    result.append(tokens[index])
                    emitted.add(index)
        else:
            result.append(_typed(chunk))
    return result


def _after(tokens: Sequence[Token], slot: FieldSlot) -> bool:
    """True when only the auto-text's own text follows `slot` to the end of the section."""
    for token in reversed(tokens):
        if token.slot is slot:
            return True
        if token.source is None:
            return False
    return False


def _ends_sentence(tokens: Sequence[Token]) -> bool:
    if not tokens:
        return True
    last = tokens[-1]
    if last.kind == "mark":
        return last.is_break or last.text in SENTENCE_END
    return last.shown[-1:] in SENTENCE_END and not is_abbreviation(last.shown)


@dataclass
class Section:
    key: str
    heading: str
    code: str | None
    tokens: list[Token] = field(default_factory=list)
    #: heading commands said here that matched no heading, each after this many tokens
    unknown_headings: list[tuple[int, UnknownHeading]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return join_tokens(self.tokens)

    @property
    def words(self) -> list[Token]:
        """Dictated words, including those dictated into fields, in order."""
        found: list[Token] = []
        for token in self.tokens:
            if token.kind == "word":
                found.append(token)
            elif token.slot is not None:
                found += [t for t in token.slot.tokens if t.kind == "word"]
        return found

    @property
    def slots(self) -> list[FieldSlot]:
        return [t.slot for t in self.tokens if t.slot is not None]

    @property
    def has_content(self) -> bool:
        return any(t.kind in ("word", "fixed", "field") for t in self.tokens)


@dataclass(frozen=True)
class ModelRef:
    name: str
    sha256: str
    compute_type: str = "int8"


@dataclass(frozen=True)
class Correction:
    """A word the vocabulary pass changed: what was heard, what was written, and why."""

    heard: str
    written: str
    score: float
    section: str
    start: float


@dataclass
class Note:
    layout: Layout
    language: str
    model: ModelRef | None = None
    source: str | None = None
    #: vocabulary ids and term counts that steered recognition and correction
    vocabularies: tuple[tuple[str, int], ...] = ()
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    created: datetime = field(default_factory=lambda: datetime.now().astimezone())
    sections: dict[str, Section] = field(default_factory=dict)
    current: str = GENERAL_KEY
    finished: bool = False
    #: the field being filled: (section key, slot)
    active: tuple[str, FieldSlot] | None = None
    history: list[list[Edit]] = field(default_factory=list)
    _fresh: bool = False  # the next word dictated into the active field replaces its content

    def __post_init__(self) -> None:
        if not self.sections:
            self._reset()

    def _reset(self) -> None:
        self.sections = {
            d.key: Section(key=d.key, heading=d.heading(self.language), code=d.code)
            for d in self.layout.all_sections
        }
        self.current = GENERAL_KEY
        self.finished = False
        self.active = None
        self._fresh = False

    # -- editing ---------------------------------------------------------------

    def apply(self, edits: Edit | Sequence[Edit]) -> None:
        """Apply one utterance's edits as one undoable group."""
        if not isinstance(edits, Sequence):
            edits = [edits]
        group: list[Edit] = []
        for edit in edits:
            if self.finished:
                break  # said after "afslut notat": not part of the note
            if isinstance(edit, Undo):
                if group:
                    self.history.append(group)
                    group = []
                self._undo()
                continue
            self._run(edit)
            group.append(edit)
        if group:
            self.history.append(group)

    def _undo(self) -> None:
        if not self.history:
            return
        self.history.pop()
        self._reset()
        for group in self.history:
            for edit in group:
                self._run(edit)

    def _run(self, edit: Edit) -> None:
        if isinstance(edit, AddWord):
            self._add_word(edit)
        elif isinstance(edit, AddMark):
            self._add_mark(edit.mark)
        elif isinstance(edit, GoToSection):
            self._leave_field()
            self._go_to(edit.key)
        elif isinstance(edit, InsertAutoText):
            self._insert(edit.autotext, edit.section)
        elif isinstance(edit, NextField):
            self._move_field(+1)
        elif isinstance(edit, PreviousField):
            self._move_field(-1)
        elif isinstance(edit, ReplaceText):
            self._replace_text(edit.section, edit.text)
        elif isinstance(edit, EndNote):
            self._leave_field()
            self.finished = True
        elif isinstance(edit, UnknownHeading):
            section = self.sections[self.active[0] if self.active is not None else self.current]
            section.unknown_headings.append((len(section.tokens), edit))
        else:  # pragma: no cover - the Edit union is closed
            raise TypeError(f"unknown edit {edit!r}")

    def _target(self) -> tuple[list[Token], bool]:
        """Where dictation goes now, and whether it starts a sentence there."""
        section = self.sections[self.current]
        if self.active is None:
            return section.tokens, _ends_sentence(section.tokens)
        key, slot = self.active
        if self._fresh:
            slot.tokens.clear()
            slot.value, slot.how = None, None
            self._fresh = False
        if slot.tokens:
            return slot.tokens, _ends_sentence(slot.tokens)
        before = self._tokens_before(key, slot)
        return slot.tokens, _ends_sentence(before)

    def _tokens_before(self, key: str, slot: FieldSlot) -> list[Token]:
        tokens = self.sections[key].tokens
        for i, token in enumerate(tokens):
            if token.slot is slot:
                return tokens[:i]
        return tokens

    def _add_word(self, edit: AddWord) -> None:
        tokens, sentence_start = self._target()
        if self.active is not None and self.active[1].value is None:
            self.active[1].how = "dictated"
        text = edit.text
        if sentence_start and text[:1].islower():
            text = text[0].upper() + text[1:]
        tokens.append(Token(text=text, kind="word", word=edit.word, corrected_from=edit.corrected_from,
                            score=edit.score))

    def _add_mark(self, mark: str) -> None:
        if self.active is not None and mark in BREAKS:
            return  # a line break inside a field would tear the auto-text apart
        tokens, _ = self._target()
        if not tokens:
            return  # nothing to punctuate yet, e.g. "punktum" right after a heading
        last = tokens[-1]
        if mark in BREAKS:
            if last.is_break:
                last.text = max(last.text, mark, key=len)
                return
            tokens.append(Token(text=mark, kind="mark"))
            return
        if last.is_break:
            return  # punctuation at the start of a line has nothing to attach to
        if last.kind == "mark":
            last.text = mark  # "komma punktum": the last spoken mark wins
            return
        if last.kind == "word":
            # The recogniser often adds its own punctuation next to the spoken one
            # ("godt, punktum."); the spoken mark replaces it.
            last.text = last.text.rstrip(INLINE_PUNCTUATION) or last.text
        tokens.append(Token(text=mark, kind="mark"))

    def _go_to(self, key: str) -> None:
        if key not in self.sections:
            raise KeyError(f"layout '{self.layout.id}' has no section '{key}'")
        self.current = key
        section = self.sections[key]
        # Coming back to a section that has text: start on a new line so that
        # what was said at different moments stays apart.
        if section.tokens and not section.tokens[-1].is_break:
            section.tokens.append(Token(text="\n", kind="mark"))

    def _insert(self, autotext: AutoText, key: str | None) -> None:
        self._leave_field()
        if key is not None and key != self.current:
            self._go_to(key)
        section = self.sections[self.current]
        if section.has_content and not section.tokens[-1].is_break:
            section.tokens.append(Token(text="\n", kind="mark"))
        source = (autotext.id, autotext.version)
        first: FieldSlot | None = None
        for piece in autotext.pieces(self.language):
            if piece.kind == "field":
                slot = FieldSlot(autotext=autotext.id, definition=autotext.fields[piece.value],
                                 language=self.language)
                section.tokens.append(Token(text="", kind="field", source=source, slot=slot))
                first = first or slot
                continue
            for chunk in _CHUNKS.findall(piece.value):
                if chunk.startswith("\n"):
                    section.tokens.append(Token(text="\n\n" if len(chunk) > 1 else "\n", kind="mark"))
                elif all(c in INLINE_PUNCTUATION for c in chunk):
                    section.tokens.append(Token(text=chunk, kind="mark", source=source))
                else:
                    section.tokens.append(Token(text=chunk, kind="fixed", source=source))
        if first is not None:
            self.active, self._fresh = (self.current, first), True

    def _replace_text(self, key: str, text: str) -> None:
        """Typed text replaces the section's text; what was not changed stays as it was.

        Dictated words keep their timing and confidence (so their review marks) and
        fields stay fields, wherever the nurse left their text alone: the old and the
        new text are aligned chunk by chunk (runs between spaces), and only the chunks
        that changed become typed text.
        """
        if key not in self.sections:
            raise KeyError(f"layout '{self.layout.id}' has no section '{key}'")
        section = self.sections[key]
        section.tokens = _retyped(section.tokens, text.strip())
        if not section.tokens:
            # Emptied by hand: the nurse has dealt with it, and the review list must not
            # point into a section the note no longer shows.
            section.unknown_headings.clear()
        if self.active is not None and self.active[0] == key and self.active[1] not in section.slots:
            self.active = None

    def resume_at_end(self) -> None:
        """Dictation goes on at the end of the current section, not inside the field that was
        being filled when the note was cut off (a crash): its words stay as they are."""
        self.active = None

    def _leave_field(self) -> None:
        if self.active is not None:
            self.active[1].confirm()
            self.active = None

    def _move_field(self, step: int) -> None:
        section = self.sections[self.current]
        slots = section.slots
        if self.active is None:
            # Not in a field: "næste felt" goes to the first unfilled field here,
            # "forrige felt" to the last field here.
            unfilled = [s for s in slots if not s.filled]
            target = (unfilled[0] if unfilled else None) if step > 0 else (slots[-1] if slots else None)
            if target is not None:
                self.active, self._fresh = (self.current, target), True
            return
        key, slot = self.active
        slot.confirm()
        slots = self.sections[key].slots
        index = next(i for i, s in enumerate(slots) if s is slot) + step
        if 0 <= index < len(slots):
            self.active, self._fresh = (key, slots[index]), True
        elif step > 0:
            # Past the last field: go on dictating on a new line after the auto-text.
            self.active = None
            tokens = self.sections[key].tokens
            if tokens and tokens[-1].slot is slots[-1] or _after(tokens, slots[-1]):
                tokens.append(Token(text="\n", kind="mark"))
        else:
            self._fresh = True  # before the first field: stay in it

    # -- reading ---------------------------------------------------------------

    def filled_sections(self) -> list[Section]:
        """Sections with text, in layout order (general first)."""
        return [s for s in self.sections.values() if s.has_content]

    @property
    def is_empty(self) -> bool:
        return not self.filled_sections()

    def slots(self) -> Iterator[tuple[Section, FieldSlot]]:
        for section in self.sections.values():
            for slot in section.slots:
                yield section, slot

    def unfilled_fields(self) -> list[tuple[Section, FieldSlot]]:
        return [(section, slot) for section, slot in self.slots() if not slot.filled]

    def autotexts_used(self) -> list[tuple[str, str]]:
        """(id, version) of every auto-text in the note, in order of first use."""
        used: dict[tuple[str, str], None] = {}
        for section in self.sections.values():
            for token in section.tokens:
                if token.source is not None:
                    used.setdefault(token.source)
        return list(used)

    def corrections(self) -> list[Correction]:
        return [Correction(heard=t.corrected_from, written=t.text, score=t.score or 0.0, section=s.key,
                           start=t.word.start if t.word else 0.0)
                for s in self.sections.values() for t in s.words if t.corrected_from is not None]
