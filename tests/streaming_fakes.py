"""A deterministic stand-in for Whisper and the VAD, for streaming unit tests.

Each "word" is a 0.3 s block of constant amplitude; the amplitude encodes
which word it is. The fake recogniser finds the blocks in whatever audio it is
given and names them, with exact times. A block cut off by the end of the
audio is reported as a guess that differs from the final word, the way Whisper
guesses at a word it has only half heard. The fake VAD says "speech" wherever
there is signal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dictate.words import Word

RATE = 16_000
WORD_S = 0.3
GAP_S = 0.1


def level(index: int) -> float:
    return 0.1 + 0.01 * index


def speak(script: list[list[str]], vocabulary: list[str], pause: float = 1.5,
          lead: float = 1.0) -> tuple[np.ndarray, list[tuple[str, float, float]]]:
    """Audio for utterances of words, and the true (word, start, end) of each."""
    pieces = [np.zeros(int(lead * RATE), dtype=np.float32)]
    truth = []
    t = lead
    for utterance in script:
        for word in utterance:
            pieces.append(np.full(int(WORD_S * RATE), level(vocabulary.index(word)), dtype=np.float32))
            truth.append((word, t, t + WORD_S))
            pieces.append(np.zeros(int(GAP_S * RATE), dtype=np.float32))
            t += WORD_S + GAP_S
        pieces.append(np.zeros(int(pause * RATE), dtype=np.float32))
        t += pause
    return np.concatenate(pieces), truth


@dataclass
class FakeWhisper:
    vocabulary: list[str]
    calls: list[tuple[float, str]] = field(default_factory=list)  # (audio seconds, prompt)
    loop_word: str | None = None  # if set, "hallucinate" this word in a loop

    def __call__(self, audio: np.ndarray, prompt: str, final: bool = False) -> list[Word]:
        self.calls.append((len(audio) / RATE, prompt))
        loud = np.abs(audio) > 0.05
        words: list[Word] = []
        i = 0
        while i < len(audio):
            if not loud[i]:
                i += 1
                continue
            j = i
            while j < len(audio) and loud[j]:
                j += 1
            index = int(round((float(np.median(audio[i:j])) - 0.1) / 0.01))
            text = self.vocabulary[index]
            if j == len(audio) and (j - i) < WORD_S * RATE - 1:
                text = text[: max(1, len(text) // 2)] + "~"  # a guess at a half-heard word
            words.append(Word(text, i / RATE, j / RATE, 0.9))
            i = j
        if self.loop_word:
            words += [Word(self.loop_word, 0.0, 0.01, 0.2)] * 12
        return words


def fake_vad(audio: np.ndarray) -> np.ndarray:
    chunks = audio.reshape(-1, 512)
    return (np.abs(chunks).max(axis=1) > 0.05).astype(np.float32)
