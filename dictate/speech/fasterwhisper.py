"""The one seam to faster-whisper's internals.

Live decoding needs more than `WhisperModel.transcribe` offers: an encoder
window that fits the audio, a prompt of committed text, the decoder's own
no-speech and log-probability figures, word alignment of one decode, and the
Silero VAD's recurrent state carried from block to block. Those come from
faster-whisper's internals, which may change shape between its releases. This
module is the only place that touches them; pyproject.toml pins the tested
release range, and tests/integration/test_faster_whisper_contract.py fails loudly, naming
the internal, when a new release changes one. A version bump is then a known,
small job: this file and that test.

Imported lazily (faster_whisper is heavy), by dictate.speech.whisper only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from faster_whisper import WhisperModel
from faster_whisper.tokenizer import Tokenizer
from faster_whisper.transcribe import get_compression_ratio, get_suppressed_tokens, merge_punctuations
from faster_whisper.vad import get_vad_model

#: The punctuation faster-whisper itself attaches to the neighbouring word.
PREPEND_PUNCTUATIONS = "\"'“¿([{-"
APPEND_PUNCTUATIONS = "\"'.。,，!！?？:：”)]}、"


@dataclass(frozen=True)
class Decoded:
    """One decode of a stretch of audio."""

    #: text tokens (special tokens dropped)
    tokens: list[int]
    #: the decoder's mean log-probability over the tokens and the end token
    avg_logprob: float
    no_speech_prob: float


def load(path: str, *, compute_type: str, cpu_threads: int) -> WhisperModel:
    return WhisperModel(path, device="cpu", compute_type=compute_type, cpu_threads=cpu_threads,
                        local_files_only=True)


def tokenizer(model: WhisperModel, language: str) -> Tokenizer:
    return Tokenizer(model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language=language)


def max_length(model: WhisperModel) -> int:
    """Tokens the decoder can hold, prompt included (448 for Whisper)."""
    return int(model.max_length)


def encode(model: WhisperModel, audio: np.ndarray) -> tuple[Any, int]:
    """The encoder's output for `audio` as it is (no padding to 30 s), and its frame count."""
    features = model.feature_extractor(audio)
    frames = features.shape[-1] - features.shape[-1] % 2
    return model.encode(features[:, :frames]), frames


def prompt(model: WhisperModel, tok: Tokenizer, previous: list[int], hotwords: str | None) -> list[int]:
    """The decoder prompt: hints, previous text and the start-of-transcript tokens, without timestamps."""
    return model.get_prompt(tok, previous, without_timestamps=True, hotwords=hotwords)


def generate(model: WhisperModel, tok: Tokenizer, encoder_output: Any, prompt_tokens: list[int], *,
             beam_size: int, max_length: int) -> Decoded:
    result = model.model.generate(
        encoder_output, [prompt_tokens], beam_size=beam_size, max_length=max_length,
        return_scores=True, return_no_speech_prob=True, suppress_blank=True,
        suppress_tokens=get_suppressed_tokens(tok, [-1]),
    )[0]
    sequence = result.sequences_ids[0] if result.sequences_ids else []
    tokens = [t for t in sequence if t < tok.eot]
    score = result.scores[0] if result.scores else 0.0
    return Decoded(tokens=tokens, avg_logprob=score * len(tokens) / (len(tokens) + 1),
                   no_speech_prob=float(result.no_speech_prob))


def compression_ratio(text: str) -> float:
    return float(get_compression_ratio(text))


def align(model: WhisperModel, tok: Tokenizer, tokens: list[int], encoder_output: Any,
          frames: int) -> list[dict[str, Any]]:
    """Word timings of one decode: dicts with word, start, end, probability (seconds from the start)."""
    alignment = model.find_alignment(tok, [tokens], encoder_output, frames)[0]
    merge_punctuations(alignment, PREPEND_PUNCTUATIONS, APPEND_PUNCTUATIONS)
    return alignment


def supported_languages(model: WhisperModel) -> Sequence[str]:
    return tuple(model.supported_languages)


def vad_session() -> Any:
    """The Silero VAD's ONNX session (inputs `input` [n, 576], `h` and `c` [1, 1, 128])."""
    return get_vad_model().session
