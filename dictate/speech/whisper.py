"""The speech model's edge: a verified local model in, timed utterances out.

faster-whisper is imported only when a transcriber is created, and its
internals only through dictate.speech.fasterwhisper. The hub is switched off
before the import so that a missing file can never turn into a download.
"""

from __future__ import annotations

import ctypes
import logging
import os
import sys
from dataclasses import dataclass
from typing import Callable

import numpy as np

from dictate.audio import SAMPLE_RATE
from dictate.errors import ModelError
from dictate.speech.models import ModelInfo
from dictate.words import Utterance, Word, written_words

log = logging.getLogger(__name__)

COMPUTE_TYPE = "int8"
#: CTranslate2's threads per decode on a machine with two cores or fewer. Measured on a
#: 2-core AMD EPYC (docs/benchmarks.md): one thread decodes as fast as two (live updates and
#: whole files alike) for about 20-30 % less CPU, and leaves a core for audio, the view and
#: whatever else the tablet runs. Larger machines keep CTranslate2's own choice (0).
#: DICTATE_CPU_THREADS overrides both.
SMALL_MACHINE_CPU_THREADS = 1
#: Live decoding: silence appended after the audio, and the smallest encoder window (s).
#: The encoder's cost follows the window, and a live update mostly holds 1-6 s of audio,
#: but smaller windows cost accuracy (docs/benchmarks.md, "Cheaper updates"): one that
#: just fits the audio made English loop (WER 0.053 -> 0.119), and 6 s made live Danish
#: worse in two runs (0.522 -> 0.545 simulated, 0.526 -> 0.560 on the wall clock).
LIVE_TAIL = 1.0
LIVE_MIN_WINDOW = 10.0


@dataclass(frozen=True)
class DecodeSettings:
    beam_size: int = 5
    #: Segments the model itself thinks are silence and that it is unsure of are dropped.
    no_speech_threshold: float = 0.6
    log_prob_threshold: float = -1.0
    #: A segment that repeats itself this much is dropped.
    compression_ratio_threshold: float = 2.4
    #: Temperatures tried in turn when a decode fails the gates above. Only 0: the same
    #: recording always gives the same note. Whisper's sampling fallback (0.2 ... 1.0)
    #: changed nothing on ../shared/eval (WER da 0.478, en 0.066 either way, see
    #: scripts/bench_transcribe.py --fallback); it only fired on audio the model could
    #: not hear, where it produced a different guess on every run.
    temperatures: tuple[float, ...] = (0.0,)


def configured_cpu_threads() -> int:
    """Threads for CTranslate2: DICTATE_CPU_THREADS if set (0: CTranslate2's own choice)."""
    default = SMALL_MACHINE_CPU_THREADS if (os.cpu_count() or 1) <= 2 else 0
    setting = os.environ.get("DICTATE_CPU_THREADS", "").strip()
    if not setting:
        return default
    try:
        return max(0, int(setting))
    except ValueError:
        log.warning("ignoring DICTATE_CPU_THREADS=%s (expected a number)", setting)
        return default


def _offline() -> None:
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    # onnxruntime (the Silero VAD) would otherwise keep a device id and queued telemetry
    # events under ~/.cache/Microsoft/DeveloperTools/; read once, before it is imported.
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"


#: Blocks at least this large are served by mmap and go back to the system when
#: freed. Override with DICTATE_MMAP_THRESHOLD=BYTES, or "off" for glibc's default.
MMAP_THRESHOLD = 2 * 1024 * 1024


def mmap_threshold(live: bool) -> int | None:
    """The glibc mmap threshold to set, in bytes, or None to keep glibc's default.

    Decoding allocates and frees many blocks of 2-3 MB (most likely the
    decoder's key/value cache, which grows a little every step), and with
    glibc's defaults the heap keeps growing during a decode. Serving blocks
    of 2 MiB and more with mmap cut peak RSS on scripts/bench_transcribe.py
    from about 513 MB to 450 MB, for about 30 % more CPU time (`--ab-mmap`
    measures both in one run; 64 KiB saved little more and cost 45 %).

    A live session decodes at most 15 s of audio at a time: its peak RSS was
    330 MB with and without the setting, which cost 7-15 % more CPU there
    (`bench_stream.py --realtime --ab-env`), so live sessions keep glibc's
    default. DICTATE_MMAP_THRESHOLD=BYTES (or "off") decides for both.
    """
    setting = os.environ.get("DICTATE_MMAP_THRESHOLD", "").strip().lower()
    if not setting:
        return None if live else MMAP_THRESHOLD
    if setting == "off":
        return None
    try:
        return int(setting)
    except ValueError:
        log.warning("ignoring DICTATE_MMAP_THRESHOLD=%s (expected a number of bytes or 'off')", setting)
        return None if live else MMAP_THRESHOLD


def _return_freed_memory_to_the_system(live: bool) -> None:
    """Set glibc's mmap threshold (see `mmap_threshold`); a no-op where glibc is not the C library."""
    threshold = mmap_threshold(live)
    if sys.platform != "linux" or threshold is None:
        return
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3  # from glibc's malloc.h
    mallopt(m_mmap_threshold, threshold)
    mallopt(m_trim_threshold, threshold)


class WhisperTranscriber:
    """Offline transcription of a whole recording with faster-whisper (int8, CPU)."""

    def __init__(self, model: ModelInfo, *, cpu_threads: int | None = None,
                 options: DecodeSettings | None = None, live: bool = False) -> None:
        """`live`: for a live session (short decodes; see `mmap_threshold`)."""
        _offline()
        _return_freed_memory_to_the_system(live)
        from dictate.speech import fasterwhisper

        self._fw = fasterwhisper
        self.model_info = model
        self.options = options or DecodeSettings()
        self._tokenizers: dict[str, object] = {}
        try:
            self._model = fasterwhisper.load(str(model.path), compute_type=COMPUTE_TYPE,
                                             cpu_threads=configured_cpu_threads() if cpu_threads is None
                                             else cpu_threads)
        except Exception as exc:  # CTranslate2 raises RuntimeError/ValueError for bad models
            raise ModelError(f"cannot load the model in {model.path}: {exc}") from None

    @property
    def languages(self) -> tuple[str, ...]:
        """Language codes the loaded model can transcribe."""
        return tuple(self._fw.supported_languages(self._model))

    def decode_chunk(self, audio: np.ndarray, language: str, prompt: str = "",
                     hotwords: str | None = None, beam_size: int | None = None) -> list[Word]:
        """Decode one stretch of live audio (the streamer gates silence itself).

        Unlike `transcribe`, the encoder sees only the audio that is there
        instead of a window padded to 30 s: CTranslate2 accepts the shorter
        input, and an update on a few seconds of audio then costs about a
        third of a padded one. Word times are relative to the start of `audio`. A decode
        that the model itself judges to be silence or a loop gives no words.
        """
        if audio.size < SAMPLE_RATE // 10:  # under 0.1 s: nothing a word fits in
            return []
        fw, model, o = self._fw, self._model, self.options
        tokenizer = self._tokenizer(language)
        # Whisper was trained on audio followed by silence. Without a second of
        # silence after the audio and a window of at least LIVE_MIN_WINDOW it tends to loop
        # or repeat its prompt; with them the cost still grows with the audio.
        target = max(len(audio) + int(LIVE_TAIL * SAMPLE_RATE), int(LIVE_MIN_WINDOW * SAMPLE_RATE))
        padded = np.concatenate([audio, np.zeros(target - len(audio), dtype=np.float32)])
        encoder_output, frames = fw.encode(model, padded)
        prompt_tokens = self.prompt_tokens(language, prompt, hotwords)
        seconds = len(audio) / SAMPLE_RATE
        # The limit counts the prompt too. Danish fast speech needs about 10 tokens a
        # second; far more than that is a loop.
        limit = min(fw.max_length(model), len(prompt_tokens) + int(15 * seconds) + 20)
        decoded = fw.generate(model, tokenizer, encoder_output, prompt_tokens, beam_size=beam_size or o.beam_size,
                              max_length=limit)
        if not decoded.tokens:
            return []
        text = tokenizer.decode(decoded.tokens)
        if decoded.no_speech_prob > o.no_speech_threshold and decoded.avg_logprob < o.log_prob_threshold:
            log.debug("dropped a probable non-speech decode")
            return []
        if fw.compression_ratio(text) > o.compression_ratio_threshold:
            log.debug("dropped a repetitive decode")
            return []
        return _chunk_words(fw.align(model, tokenizer, decoded.tokens, encoder_output, frames), seconds)

    def _tokenizer(self, language: str):  # noqa: ANN202 - faster_whisper Tokenizer
        cached = self._tokenizers.get(language)
        if cached is None:
            cached = self._fw.tokenizer(self._model, language)
            self._tokenizers[language] = cached
        return cached

    def _keep(self, segment) -> bool:  # noqa: ANN001 - faster_whisper Segment
        o = self.options
        if segment.compression_ratio > o.compression_ratio_threshold:
            log.info("dropped a repetitive segment at %.1f s", segment.start)
            return False
        if segment.no_speech_prob > o.no_speech_threshold and segment.avg_logprob < o.log_prob_threshold:
            log.info("dropped a probable non-speech segment at %.1f s", segment.start)
            return False
        return True

    def prompt_tokens(self, language: str, prompt: str = "", hotwords: str | None = None) -> list[int]:
        """The decoder prompt: hints, committed text and the start-of-transcript tokens.

        Hotwords and committed text share Whisper's 223 prompt tokens; the
        committed text gives way, oldest first, so that the answer still fits
        in the 448-token window.
        """
        tokenizer = self._tokenizer(language)
        limit = self._fw.max_length(self._model) // 2 - 1
        hint = tokenizer.encode(" " + hotwords.strip())[:limit] if hotwords and hotwords.strip() else []
        previous = tokenizer.encode(" " + prompt.strip()) if prompt.strip() else []
        room = limit - len(hint)
        return self._fw.prompt(self._model, tokenizer, previous[-room:] if room > 0 else [],
                               hotwords if hint else None)

    def decode_text(self, tokens: list[int], language: str = "da") -> str:
        """Token ids back to text (special tokens dropped), for tests and diagnostics."""
        tokenizer = self._tokenizer(language)
        return tokenizer.decode([t for t in tokens if t < tokenizer.eot])

    def count_tokens(self, text: str, language: str = "da") -> int:
        """Tokens `text` costs in a prompt, for the hotwords budget."""
        return len(self._tokenizer(language).encode(text))

    def transcribe(self, audio: np.ndarray, language: str, hotwords: str | None = None,
                   progress: Callable[[float], None] | None = None) -> list[Utterance]:
        """Utterances with word timings. The language is fixed: no detection pass.

        `progress` is told the audio time (s) decoded so far, after each segment.
        """
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
            temperature=list(o.temperatures),
            hotwords=hotwords,
        )
        utterances: list[Utterance] = []
        for segment in segments:
            if progress is not None:
                progress(float(segment.end))
            if not self._keep(segment):
                continue
            words = tuple(_words(segment))
            if words:
                utterances.append(Utterance(words))
        return utterances


def _chunk_words(alignment: list[dict], seconds: float) -> list[Word]:
    """The words of one live decode, from faster-whisper's aligned pieces (leading spaces kept)."""
    # A word that starts in the padding after the audio was not said.
    return written_words(Word(text=w["word"], start=float(w["start"]), end=min(float(w["end"]), seconds),
                              probability=float(w["probability"]))
                         for w in alignment if float(w["start"]) < seconds)


def _words(segment) -> list[Word]:  # noqa: ANN001 - faster_whisper Segment
    # The pieces keep their leading space: it says which of them make up one written word.
    return written_words(Word(text=w.word, start=float(w.start), end=float(w.end), probability=float(w.probability))
                         for w in (segment.words or ()))


class StreamingVad:
    """Silero VAD (shipped with faster-whisper) as the streamer's voice-activity callable.

    Gives one speech probability per 512 samples, carrying the 64-sample
    context and the model state from one call to the next, so a stream gets
    the same probabilities as faster-whisper computes for a whole file.
    """

    def __init__(self) -> None:
        _offline()
        from dictate.speech import fasterwhisper

        self._session = fasterwhisper.vad_session()
        self._context = np.zeros(64, dtype=np.float32)
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)

    def __call__(self, audio: np.ndarray) -> np.ndarray:
        chunks = np.asarray(audio, dtype=np.float32).reshape(-1, 512)
        if not len(chunks):
            return np.zeros(0, dtype=np.float32)
        contexts = np.concatenate([self._context[None, :], chunks[:-1, -64:]], axis=0)
        self._context = chunks[-1, -64:].copy()
        batch = np.concatenate([contexts, chunks], axis=1)
        # The model's recurrent state runs along the chunks; carrying it from
        # call to call gives the same probabilities as one pass over a file.
        output, self._h, self._c = self._session.run(None, {"input": batch, "h": self._h, "c": self._c})
        return np.asarray(output, dtype=np.float32).reshape(-1)
