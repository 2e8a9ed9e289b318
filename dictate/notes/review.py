"""What a nurse should look at again before the note is finished.

The errors that hurt patients are a dropped or invented negation, a wrong
number or dose, and a word the recogniser was unsure of; an auto-text field
left empty and a spoken heading that matched none (its words may sit under the
wrong heading) are the other things to check. `review_items` is the one list behind
the app's colours and every output format's review flags. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from dictate.interpret.edits import UnknownHeading
from dictate.notes.note import Note, Section, Token

#: Bumped when a field is removed or changes meaning; adding fields keeps it.
SCHEMA_VERSION = 1

#: What a review item can be about, in the order they are explained in the README.
REVIEW_KINDS = ("negation", "number", "uncertain", "unfilled_field", "heading_unknown")


#: Below this recogniser probability a word is marked as uncertain, per (model, language):
#: a mark must point at a likely error, so a model that is often unsure (stock base on
#: Danish) gets a lower threshold, chosen with `scripts/eval_review.py --sweep` so that at
#: most about one word in four is marked (figures in docs/benchmarks.md).
CONFIDENCE_THRESHOLDS: dict[tuple[str, str], float] = {
    # ../shared/eval, base int8: Danish 25 % of words marked, 44 % of the errors caught, 77 % of
    # the marks on errors (at 0.6: 43 %, 67 %, 67 %); English 5 %, 44 %, 50 % (0.6: 9 %, 44 %, 29 %).
    ("whisper-base", "da"): 0.45,
    ("whisper-base", "en"): 0.45,
}
#: For a model and language that were not calibrated.
DEFAULT_CONFIDENCE_THRESHOLD = 0.6


def confidence_threshold(model: str | None, language: str) -> float:
    return CONFIDENCE_THRESHOLDS.get((model or "", language), DEFAULT_CONFIDENCE_THRESHOLD)

NEGATIONS = {
    "da": frozenset({"ikke", "ingen", "intet", "aldrig", "hverken", "uden", "ej", "ikk"}),
    "en": frozenset({"not", "no", "never", "none", "nothing", "without", "neither", "nor", "don't",
                     "doesn't", "didn't", "isn't", "wasn't", "can't", "cannot", "won't"}),
}

_DIGIT = re.compile(r"\d")
_EDGE = re.compile(r"^\W+|\W+$")


def review_reason(text: str, probability: float | None, language: str,
                  threshold: float = DEFAULT_CONFIDENCE_THRESHOLD) -> str | None:
    """"negation", "number", "uncertain" or None for one word as written in the note.

    Negations and numbers are always marked, right or wrong: those are the errors that
    hurt. `threshold` is the model's and language's (`confidence_threshold`).
    """
    core = _EDGE.sub("", text).casefold()
    if core in NEGATIONS.get(language, NEGATIONS["da"]):
        return "negation"
    if _DIGIT.search(text):
        return "number"
    if probability is not None and probability < threshold:
        return "uncertain"
    return None


def note_threshold(note: Note) -> float:
    """The uncertain-word threshold for the model and language the note was dictated with."""
    return confidence_threshold(note.model.name if note.model else None, note.language)


@dataclass(frozen=True)
class ReviewItem:
    """One thing in the note to look at again before it is final."""

    #: one of REVIEW_KINDS
    kind: str
    #: the section's key and its heading as written in the note
    section: str
    heading: str
    #: the word as written in the note (trailing punctuation dropped), an unfilled field's label,
    #: or the words heard as an unknown heading's name
    text: str
    #: seconds into the recording, for dictated words and unknown headings
    start: float | None = None
    #: the auto-text and the field's name, for unfilled fields
    autotext: str | None = None
    field: str | None = None
    #: the closest headings as (section key, heading as in the note), best first, for an unknown heading
    candidates: tuple[tuple[str, str], ...] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The item with only the keys that apply (`start` for words, `autotext`/`field` for fields,
        `start` and `candidates` for unknown headings)."""
        data: dict[str, Any] = {"kind": self.kind, "text": self.text, "section": self.section,
                                "heading": self.heading}
        if self.start is not None:
            data["start"] = round(self.start, 3)
        if self.field is not None:
            data["autotext"], data["field"] = self.autotext, self.field
        if self.candidates is not None:
            data["candidates"] = [{"key": key, "heading": heading} for key, heading in self.candidates]
        return data


def review_items(note: Note) -> list[ReviewItem]:
    """Everything the nurse should look at again, in note order: flagged words, unfilled fields and
    heading commands that matched no heading (where they were said).

    The one definition behind every format's review flags (text trailer, Markdown
    front matter, JSON `needs_review` and counts, FHIR status and extensions).
    """
    threshold = note_threshold(note)
    headings = {key: section.heading for key, section in note.sections.items()}
    return [item for section in note.sections.values()
            for item in _section_review(section, note.language, threshold, headings)]


def _section_review(section: Section, language: str, threshold: float,
                    headings: dict[str, str]) -> Iterator[ReviewItem]:
    def word(token: Token) -> Iterator[ReviewItem]:
        reason = token_reason(token, language, threshold)
        if reason:
            yield ReviewItem(kind=reason, section=section.key, heading=section.heading,
                             text=token.text.rstrip(".,;:!?") or token.text,
                             start=token.word.start if token.word else None)

    def unknown_heading(mark: UnknownHeading) -> ReviewItem:
        return ReviewItem(kind="heading_unknown", section=section.key, heading=section.heading, text=mark.heard,
                          start=mark.at,
                          candidates=tuple((key, headings[key]) for key in mark.candidates if key in headings))

    marks = sorted(section.unknown_headings, key=lambda item: item[0])
    for index, token in enumerate(section.tokens):
        while marks and marks[0][0] <= index:
            yield unknown_heading(marks.pop(0)[1])
        if token.kind == "word":
            yield from word(token)
        elif token.slot is not None:
            inner = [item for t in token.slot.tokens if t.kind == "word" for item in word(t)]
            if token.slot.how == "choice" and inner:
                # The field shows the choice the words were snapped to, not the words:
                # that is what to look at again ("black and necrotic", heard "black and Democratic").
                first = min(inner, key=lambda item: REVIEW_KINDS.index(item.kind))
                yield replace(first, text=token.slot.value or first.text)
            else:
                yield from inner
            if not token.slot.filled:
                yield ReviewItem(kind="unfilled_field", section=section.key, heading=section.heading,
                                 text=token.slot.label, autotext=token.slot.autotext, field=token.slot.name)
    for _, mark in marks:  # said at the end of the section (or its text was retyped since)
        yield unknown_heading(mark)


def token_reason(token: Token, language: str, threshold: float = DEFAULT_CONFIDENCE_THRESHOLD) -> str | None:
    """The review reason for one word of the note, or None."""
    return review_reason(token.text, token.word.probability if token.word else None, language, threshold)
