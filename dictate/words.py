"""What the recogniser hands on: timed words grouped into utterances."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    """One recognised word, as the recogniser wrote it (punctuation included).

    `start`/`end` are seconds from the start of the audio; `probability` is the
    recogniser's confidence in 0..1, kept so that review features can flag it.
    """

    text: str
    start: float
    end: float
    probability: float


@dataclass(frozen=True)
class Utterance:
    """Words spoken without a long pause: one unit for spoken commands."""

    words: tuple[Word, ...]

    @property
    def start(self) -> float:
        return self.words[0].start if self.words else 0.0

    @property
    def end(self) -> float:
        return self.words[-1].end if self.words else 0.0


#: Abbreviations whose period does not end a sentence ("kl. 8", "bl.a. skoen"): the
#: interpreter does not start a command after them, nor the note a capital.
ABBREVIATIONS = frozenset({"kl", "ca", "evt", "pga", "mht", "inkl", "dvs", "fx", "bl.a", "dr", "mr", "mrs"})


def is_abbreviation(text: str) -> bool:
    """`text` as written ("bl.a.", "Kl.") is an abbreviation that its period does not end."""
    return text.endswith(".") and text.rstrip(".").casefold() in ABBREVIATIONS


def attaches(text: str) -> bool:
    """Whether a written word goes against the word before it, without a space.

    True for closing punctuation (",", ";", ":", "?", "!", "."); a "." before a digit
    may open a number (".5") and keeps its space.
    """
    return text[:1] in ",;:?!" or (text[:1] == "." and not text[1:2].isdigit())


def written_words(pieces: Iterable[Word]) -> list[Word]:
    """faster-whisper's words of one decode, leading spaces included, as the model wrote them.

    faster-whisper cuts the model's text at punctuation to time it: "Spinnaten-Dampes"
    comes as " Spinnaten" + "-Dampes", "6,5" as " 6" + ",5", "bl.a." as " bl" + ".a.".
    A piece without a leading space is part of the word before it; each piece written as
    a word of its own gave "Spinnaten -Dampes" and "6 ,5". A glued piece takes the word's
    time span and the lower confidence. Only a piece that starts with punctuation is
    glued: faster-whisper never cuts before a letter or digit, so digits of separate
    pieces (a decode's first piece, say) never run together into another number.
    """
    words: list[Word] = []
    for piece in pieces:
        text = piece.text.strip()
        if not text:
            continue  # faster-whisper leaves an empty word where it moved punctuation
        glued = not piece.text[:1].isspace() and not text[0].isalnum()
        if words and (glued or attaches(text)):
            last = words[-1]
            words[-1] = Word(last.text + text, last.start, piece.end, min(last.probability, piece.probability))
        else:
            words.append(Word(text, piece.start, piece.end, piece.probability))
    return words


def join_words(words: Iterable[Word]) -> str:
    """Words as one line of text: a space between two, none before closing punctuation."""
    text = ""
    for word in words:
        text += word.text if not text or attaches(word.text) else " " + word.text
    return text
