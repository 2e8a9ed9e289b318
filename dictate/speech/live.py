"""Wiring a recogniser into the streamer for live dictation.

Kept apart from `streamer` (pure logic) and `whisper` (the model) so that the
choices made for live use are in one place: beam width, update rhythm and the
hook through which vocabulary hotwords reach the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Protocol

import numpy as np

from dictate.speech.streamer import ChunkTranscriber, Streamer, StreamSettings, VoiceActivity
from dictate.words import Word

#: The live rhythm per spoken language, where it differs from `StreamSettings`.
#: Danish: stock base respells Danish words from one decode to the next ("hjørn" /
#: "hjørne"), so with exact agreement few words settled before a pause (commit
#: latency 2.41 / 3.97 s p50 / p90 on the wall clock). Updates every 0.6 s,
#: agreement on words alike at 80 and the end of an utterance after 0.6 s of
#: silence settle them about 0.5 s sooner (p90 about 0.9 s), at the same live WER on
#: short streams and 0.006-0.02 more in 5-10 minute streams: measured on the wall
#: clock in interleaved runs (docs/benchmarks.md, "Session 11").
#: English keeps the defaults: base hears it steadily, it meets every target with
#: them, and the faster rhythm once changed the live test dictation's words.
LANGUAGE_RHYTHM: dict[str, dict[str, float]] = {
    "da": {"update_interval": 0.6, "end_silence": 0.6, "agreement": 80.0},
}


class ChunkDecoder(Protocol):
    def decode_chunk(self, audio: np.ndarray, language: str, prompt: str = "",
                     hotwords: str | None = None, beam_size: int | None = None) -> list[Word]: ...


@dataclass(frozen=True)
class LiveSettings:
    #: A narrow beam: greedy updates made live Danish clearly less accurate than
    #: offline (WER 0.541 vs 0.478 on ../shared/eval), beam 3 brought it to about
    #: 0.51 at about the same update time on this short audio.
    beam_size: int = 3
    #: The last decode of an utterance settles everything not yet committed,
    #: once per utterance: worth the beam that offline transcription uses.
    final_beam_size: int = 5
    stream: StreamSettings = field(default_factory=StreamSettings)
    #: Vocabulary hotwords for the model (filled by the vocabulary feature).
    hotwords: Callable[[], str | None] | None = None

    @classmethod
    def for_language(cls, language: str) -> LiveSettings:
        """The live settings for dictation in `language` (`LANGUAGE_RHYTHM`)."""
        return cls(stream=replace(StreamSettings(), **LANGUAGE_RHYTHM.get(language, {})))


def make_streamer(decoder: ChunkDecoder, language: str, settings: LiveSettings | None = None, *,
                  vad: VoiceActivity,
                  wrap: Callable[[ChunkTranscriber], ChunkTranscriber] | None = None) -> Streamer:
    """A streamer that decodes with `decoder` in `language`. `wrap` lets benchmarks time decodes."""
    settings = settings or LiveSettings.for_language(language)

    def transcribe(audio: np.ndarray, prompt: str, final: bool = False) -> list[Word]:
        hotwords = settings.hotwords() if settings.hotwords else None
        beam = settings.final_beam_size if final else settings.beam_size
        return decoder.decode_chunk(audio, language, prompt, hotwords=hotwords, beam_size=beam)

    return Streamer(transcribe=wrap(transcribe) if wrap else transcribe, vad=vad, config=settings.stream)
