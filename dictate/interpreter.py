"""Turn recognised utterances into note edits: text, punctuation, headings.

Pure functions of the words and the template definitions; no audio, no I/O.

- Spoken marks ("punktum", "komma", "ny linje") become punctuation wherever
  they stand as words.
- A heading command ("overskrift ernæring") is recognised only at the start of
  an utterance or sentence, so "hun skrev en overskrift" stays text. The name
  is fuzzy-matched (rapidfuzz) against the layout's headings and aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from dictate.commands import CommandSet
from dictate.edits import AddMark, AddWord, Edit, EndNote, GoToSection
from dictate.layouts import Layout
from dictate.words import Utterance, Word

#: Minimum rapidfuzz ratio for the command word itself ("overskrif" still counts).
KEYWORD_THRESHOLD = 85.0
#: Minimum ratio for the spoken heading name against a heading or alias.
HEADING_THRESHOLD = 80.0
#: When the command is the whole sentence ("Having nutrition." for "Heading
#: nutrition.", a typical mishearing of a short command), a looser command word
#: is accepted if the heading name matches closely.
LOOSE_KEYWORD_THRESHOLD = 60.0
LOOSE_HEADING_THRESHOLD = 88.0
#: Longest heading name, in words, that is tried after the command word.
MAX_HEADING_WORDS = 6

_SPLIT = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)
_NON_WORD = re.compile(r"[^\w ]+")
_SENTENCE_END = ".?!"


@dataclass(frozen=True)
class _Token:
    word: Word
    lead: str
    core: str
    trail: str

    @property
    def norm(self) -> str:
        return _normalise(self.core)

    @property
    def ends_sentence(self) -> bool:
        return any(c in self.trail for c in _SENTENCE_END)

    @property
    def display(self) -> str:
        return f"{self.lead}{self.core}{self.trail}"


@dataclass(frozen=True)
class Notice:
    """Something the person should know, without any transcript text in it."""

    at: float
    message: str


def _normalise(text: str) -> str:
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def _tokens(utterance: Utterance) -> list[_Token]:
    tokens = []
    for word in utterance.words:
        text = word.text.strip()
        if not text:
            continue
        lead, core, trail = _SPLIT.match(text).groups()  # type: ignore[union-attr]
        if not core:  # a bare punctuation token from the recogniser
            lead, core, trail = "", "", text
        tokens.append(_Token(word, lead, core, trail))
    return tokens


@dataclass
class Interpreter:
    layout: Layout
    commands: CommandSet
    language: str
    notices: list[Notice] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Longest phrases first so "ny linje" wins over a one-word phrase.
        self._marks = sorted(((tuple(_normalise(p).split()), m) for p, m in self.commands.marks.items()),
                             key=lambda item: -len(item[0]))
        self._keywords = [tuple(_normalise(p).split()) for p in self.commands.heading]
        self._end_note = [_normalise(p) for p in self.commands.end_note]
        self._names: list[tuple[str, str]] = []  # (normalised spoken name, section key)
        for section in self.layout.all_sections:
            for name in section.spoken_names(self.language):
                self._names.append((_normalise(name), section.key))

    def feed(self, utterance: Utterance) -> list[Edit]:
        """The edits for one utterance, in order."""
        tokens = _tokens(utterance)
        if self._is_end_note(tokens):
            return [EndNote()]
        edits: list[Edit] = []
        i = 0
        sentence_start = True
        while i < len(tokens):
            if sentence_start:
                heading = self._match_heading(tokens, i)
                if heading is not None:
                    key, i = heading
                    edits.append(GoToSection(key))
                    sentence_start = tokens[i - 1].ends_sentence or i >= len(tokens)
                    continue
            mark = self._match_mark(tokens, i)
            if mark is not None:
                symbol, i = mark
                edits.append(AddMark(symbol))
                sentence_start = symbol in _SENTENCE_END or symbol.startswith("\n")
                continue
            token = tokens[i]
            if token.core:
                edits.append(AddWord(token.word, token.display))
            elif token.trail.strip():
                # Punctuation the recogniser wrote as a separate token.
                edits.append(AddMark(token.trail.strip()[0]))
            sentence_start = token.ends_sentence
            i += 1
        return edits

    # -- matching ------------------------------------------------------------

    def _is_end_note(self, tokens: list[_Token]) -> bool:
        """Only a whole utterance ends the note, never the words inside a sentence."""
        spoken = " ".join(t.norm for t in tokens if t.norm)
        return bool(spoken) and any(fuzz.ratio(spoken, p) >= KEYWORD_THRESHOLD for p in self._end_note)

    def _match_mark(self, tokens: list[_Token], i: int) -> tuple[str, int] | None:
        for phrase, symbol in self._marks:
            n = len(phrase)
            window = tokens[i:i + n]
            if len(window) == n and tuple(t.norm for t in window) == phrase:
                return symbol, i + n
            # Recognisers sometimes glue a two-word command: "nylinje".
            if n > 1 and tokens[i].norm == "".join(phrase):
                return symbol, i + 1
        return None

    def _match_keyword(self, tokens: list[_Token], i: int) -> tuple[float, int] | None:
        """(score, index after the command word(s)) for a heading command at i."""
        best: tuple[float, int] | None = None
        for phrase in self._keywords:
            target = "".join(phrase)
            # Try as many tokens as the phrase has, and one more ("over skrift").
            for n in (len(phrase), len(phrase) + 1):
                window = tokens[i:i + n]
                if len(window) < n or any(t.ends_sentence for t in window[:-1]):
                    continue
                score = fuzz.ratio("".join(t.norm for t in window), target)
                if score >= LOOSE_KEYWORD_THRESHOLD and (best is None or score > best[0]):
                    best = (score, i + n)
        return best

    def _match_heading(self, tokens: list[_Token], i: int) -> tuple[str, int] | None:
        keyword = self._match_keyword(tokens, i)
        if keyword is None:
            return None
        keyword_score, after_keyword = keyword
        strict = keyword_score >= KEYWORD_THRESHOLD
        if tokens[after_keyword - 1].ends_sentence:
            if strict:
                self._notice(tokens[i], "a heading command without a heading name")
            return None
        best: tuple[float, int, str] | None = None
        for n in range(1, MAX_HEADING_WORDS + 1):
            window = tokens[after_keyword:after_keyword + n]
            if len(window) < n:
                break
            spoken = " ".join(t.norm for t in window)
            for name, key in self._names:
                score = fuzz.ratio(spoken, name)
                # Ties go to the longer name: "søvn og hvile" over "søvn".
                if score >= HEADING_THRESHOLD and (best is None or (score, n) > best[:2]):
                    best = (score, n, key)
            if window[-1].ends_sentence:
                break  # a heading name does not run past the end of a sentence
        if best is not None and not strict:
            end = after_keyword + best[1]
            whole_sentence = end == len(tokens) or tokens[end - 1].ends_sentence
            if not (whole_sentence and best[0] >= LOOSE_HEADING_THRESHOLD):
                return None  # a sentence that merely starts like a command: text
        if best is None:
            if strict:
                self._notice(tokens[i], f"a heading command that matches no heading in layout "
                                        f"'{self.layout.id}'")
            return None
        return best[2], after_keyword + best[1]

    def _notice(self, token: _Token, message: str) -> None:
        self.notices.append(Notice(at=token.word.start, message=message))

