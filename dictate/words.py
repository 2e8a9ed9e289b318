"""What the recogniser hands on: timed words grouped into utterances."""

from __future__ import annotations

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
