"""A deterministic stand-in for Whisper and the VAD: for tests, the soak's --fake and screenshots.

Each "word" is a 0.3 s block of constant amplitude; the amplitude says which
word of the vocabulary it is. The fake recogniser finds the blocks in whatever
audio it is given and names them, with exact times. A block cut off by the end
of the audio is reported as a guess that differs from the final word, the way
Whisper guesses at a word it has only half heard, so the streamer's agreement
rule has work to do. The fake VAD says "speech" wherever there is signal.
Vectorised, so that its cost stays small on an hour of audio.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from dictate.audio import SAMPLE_RATE
from dictate.words import Word

WORD_S = 0.3
GAP_S = 0.1
#: Below this amplitude the fake hears silence.
LOUD = 0.05
#: Word i is spoken at FIRST_LEVEL + i * STEP: about 200 words fit below 1.0.
FIRST_LEVEL, STEP = 0.06, 0.004


def level(index: int) -> float:
    return FIRST_LEVEL + STEP * index


def speak(script: list[list[str]], vocabulary: list[str], pause: float = 1.5,
          lead: float = 1.0) -> tuple[np.ndarray, list[tuple[str, float, float]]]:
    """Audio for utterances of words, and the true (word, start, end) of each."""
    pieces = [np.zeros(int(lead * SAMPLE_RATE), dtype=np.float32)]
    truth = []
    t = lead
    for utterance in script:
        for word in utterance:
            pieces.append(np.full(int(WORD_S * SAMPLE_RATE), level(vocabulary.index(word)), dtype=np.float32))
            truth.append((word, t, t + WORD_S))
            pieces.append(np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32))
            t += WORD_S + GAP_S
        pieces.append(np.zeros(int(pause * SAMPLE_RATE), dtype=np.float32))
        t += pause
    return np.concatenate(pieces), truth


@dataclass
class SimulatedClock:
    """A wall clock for replaying audio "live" without waiting: audio arrives on time, a
    decode takes what the fake says it costs. Pass it as the streamer's `clock`."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now

    def audio_arrives(self, until: float) -> None:
        """Audio up to `until` seconds has been spoken: wait for it unless already late."""
        self.now = max(self.now, until)

    def spend(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class FakeWhisper:
    """The recogniser: a streamer's `transcribe` callable, or a `decode_chunk` decoder like
    WhisperTranscriber's."""

    vocabulary: list[str]
    #: (audio seconds, prompt) of every call; None keeps no log (a long soak)
    calls: list[tuple[float, str]] | None = field(default_factory=list)
    #: if set, "hallucinate" this word in a loop, as Whisper sometimes does
    loop_word: str | None = None
    languages: tuple[str, ...] = ("da", "en")
    #: With a simulated clock: what a decode costs, from (audio seconds, final), as on a slow CPU.
    clock: SimulatedClock | None = None
    cost: Callable[[float, bool], float] | None = None

    def __call__(self, audio: np.ndarray, prompt: str, final: bool = False) -> list[Word]:
        if self.calls is not None:
            self.calls.append((len(audio) / SAMPLE_RATE, prompt))
        if self.clock is not None and self.cost is not None:
            self.clock.spend(self.cost(len(audio) / SAMPLE_RATE, final))
        words = self._words(audio)
        if self.loop_word:
            words += [Word(self.loop_word, 0.0, 0.01, 0.2)] * 12
        return words

    def decode_chunk(self, audio: np.ndarray, language: str, prompt: str = "",
                     hotwords: str | None = None, beam_size: int | None = None) -> list[Word]:
        return self(audio, prompt)

    def _words(self, audio: np.ndarray) -> list[Word]:
        loud = np.concatenate([[False], np.abs(audio) > LOUD, [False]]).astype(np.int8)
        edges = np.diff(loud)
        words = []
        for i, j in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
            index = round((float(np.median(audio[i:j])) - FIRST_LEVEL) / STEP)
            text = self.vocabulary[min(max(index, 0), len(self.vocabulary) - 1)]
            if j == len(audio) and (j - i) < WORD_S * SAMPLE_RATE - 1:
                text = text[: max(1, len(text) // 2)] + "~"  # a guess at a half-heard word
            # Python floats, as Whisper gives.
            words.append(Word(text, int(i) / SAMPLE_RATE, int(j) / SAMPLE_RATE, 0.9))
        return words


class ArraySource:
    """An audio source over samples in memory (`speak`'s), in 0.1 s blocks, as fast as read."""

    def __init__(self, audio: np.ndarray, path: str = "besøg.wav") -> None:
        self.audio = audio
        self.description = {"kind": "file", "path": path}

    def frames(self):  # noqa: ANN201 - Iterator[np.ndarray]
        step = SAMPLE_RATE // 10
        for i in range(0, len(self.audio), step):
            yield self.audio[i:i + step]


def fake_vad(audio: np.ndarray) -> np.ndarray:
    return (np.abs(audio.reshape(-1, 512)).max(axis=1) > LOUD).astype(np.float32)
