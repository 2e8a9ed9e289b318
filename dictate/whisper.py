"""The faster-whisper edge: a verified local model in, timed utterances out.

This is the only module that imports faster_whisper, and only when a
transcriber is created. The hub is switched off before the import so that a
missing file can never turn into a download.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from dataclasses import dataclass

import numpy as np

from dictate.errors import ModelError
from dictate.models import ModelInfo
from dictate.words import Utterance, Word

log = logging.getLogger(__name__)

COMPUTE_TYPE = "int8"


@dataclass(frozen=True)
class DecodeOptions:
    beam_size: int = 5
    #: Segments the model itself thinks are silence and that it is unsure of are dropped.
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    #: A segment that still repeats itself this much after temperature fallback is dropped.
    compression_ratio_threshold: float = 2.4


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")


#: Blocks at least this large are served by mmap and go back to the system when
#: freed. Override with DICTATE_MMAP_THRESHOLD=BYTES, or "off" for glibc's default.
MMAP_THRESHOLD = 2 * 1024 * 1024


def _return_freed_memory_to_the_system() -> None:
    """Keep CTranslate2's per-decode buffers from piling up in the heap.

    Decoding allocates and frees many blocks of 2-3 MB (most likely the
    decoder's key/value cache, which grows a little every step), and with
    glibc's defaults the heap keeps growing during a decode. Serving blocks
    of 2 MiB and more with mmap cut peak RSS on scripts/bench_transcribe.py
    from about 513 MB to 450 MB, for about 30 % more CPU time (`--ab-mmap`
    measures both in one run; 64 KiB saved little more and cost 45 %). A no-op where
    glibc is not the C library.
    """
    setting = os.environ.get("DICTATE_MMAP_THRESHOLD", str(MMAP_THRESHOLD)).strip().lower()
    if sys.platform != "linux" or setting == "off":
        return
    try:
        threshold = int(setting)
        mallopt = ctypes.CDLL(None).mallopt
    except (ValueError, OSError, AttributeError):
        log.warning("ignoring DICTATE_MMAP_THRESHOLD=%s (expected a number of bytes or 'off')", setting)
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    mallopt(m_mmap_threshold, threshold)
    mallopt(m_trim_threshold, threshold)


class WhisperTranscriber:
    """Offline transcription of a whole recording with faster-whisper (int8, CPU)."""

    def __init__(self, model: ModelInfo, *, cpu_threads: int = 0,
                 options: DecodeOptions | None = None) -> None:
        _offline()
        _return_freed_memory_to_the_system()
        from faster_whisper import WhisperModel

        self.model_info = model
        self.options = options or DecodeOptions()
        try:
            self._model = WhisperModel(
                str(model.path), device="cpu", compute_type=COMPUTE_TYPE,
                cpu_threads=cpu_threads, local_files_only=True,
            )
        except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError for bad models
            raise ModelError(f"cannot load the model in {model.path}: {exc}") from None

    @property
    def languages(self) -> tuple[str, ...]:
        """Language codes the loaded model can transcribe."""
        return tuple(self._model.supported_languages)

    def transcribe(self, audio: np.ndarray, language: str,
                   hotwords: str | None = None) -> list[Utterance]:
        """Utterances with word timings. The language is fixed: no detection pass."""
        if audio.size == 0:
            return []
        o = self.options
        segments, _info = self._model.transcribe(
            audio,
            language=language,
            task="transcribe",
            beam_size=o.beam_size,
            vad_filter=True,
            condition_on_previous_text=False,
            word_timestamps=True,
            no_speech_threshold=o.no_speech_threshold,
            log_prob_threshold=o.log_prob_threshold,
            compression_ratio_threshold=o.compression_ratio_threshold,
            hotwords=hotwords,
        )
        utterances: list[Utterance] = []
        for segment in segments:
            if segment.compression_ratio > o.compression_ratio_threshold:
                log.info("dropped a repetitive segment at %.1f s", segment.start)
                continue
            if (segment.no_speech_prob > o.no_speech_threshold
                    and segment.avg_logprob < o.log_prob_threshold):
                log.info("dropped a probable non-speech segment at %.1f s", segment.start)
                continue
            words = tuple(
                Word(text=w.word.strip(), start=float(w.start), end=float(w.end),
                     probability=float(w.probability))
                for w in (segment.words or ())
                if w.word.strip()
            )
            if words:
                utterances.append(Utterance(words))
        return utterances
