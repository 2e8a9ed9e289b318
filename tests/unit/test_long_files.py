"""Long recordings: read as a stream, transcribed in windows cut at pauses, one note."""

from __future__ import annotations

import wave

import numpy as np
import pytest
from support import DATA

from dictate.audio import SAMPLE_RATE
from dictate.audio.decode import load_audio, stream_audio
from dictate.audio.sources import FileSource
from dictate.catalog.loader import load_catalog
from dictate.notes.pipeline import NoteSettings, quietest_cut, transcribe_stream
from dictate.speech.fake import FakeWhisper, speak
from dictate.words import Utterance

VOCAB = [f"ord{i}" for i in range(60)]
CATALOG = load_catalog()
SETTINGS = NoteSettings(layout=CATALOG.layouts["fsiii"], commands=CATALOG.commands["da"], language="da")


class OfflineFake:
    """The offline transcriber's shape on the fake recogniser: every word, one utterance per call,
    and a record of how much audio each call was given."""

    def __init__(self) -> None:
        self.fake = FakeWhisper(VOCAB, calls=None)
        self.lengths: list[float] = []

    def transcribe(self, audio, language, hotwords=None, progress=None):  # noqa: ANN001, ANN201
        self.lengths.append(len(audio) / SAMPLE_RATE)
        words = self.fake._words(audio)
        if progress is not None:
            progress(len(audio) / SAMPLE_RATE)
        return [Utterance(tuple(words))] if words else []


def test_windows_cut_at_pauses_give_the_words_and_times_of_the_whole_recording():
    script = [VOCAB[i:i + 6] for i in range(0, 54, 6)]
    audio, truth = speak(script, VOCAB, pause=1.0)
    blocks = [audio[i:i + SAMPLE_RATE] for i in range(0, len(audio), SAMPLE_RATE)]  # as stream_audio gives
    whole, windowed = OfflineFake(), OfflineFake()
    one = transcribe_stream([audio], whole, SETTINGS)
    many = transcribe_stream(blocks, windowed, SETTINGS, window=8.0)
    assert len(whole.lengths) == 1 and len(windowed.lengths) >= 4
    assert max(windowed.lengths) <= 8.0
    words = [w for u in many.utterances for w in u.words]
    assert [w.text for w in words] == [t for t, _, _ in truth] == [w.text for u in one.utterances for w in u.words]
    for word, (_, start, end) in zip(words, truth):
        assert word.start == pytest.approx(start, abs=0.01) and word.end == pytest.approx(end, abs=0.01)
    assert many.note.sections["general"].text == one.note.sections["general"].text
    assert many.audio_seconds == pytest.approx(len(audio) / SAMPLE_RATE)


def test_progress_counts_the_whole_recording_across_windows():
    audio, _ = speak([VOCAB[0:40]], VOCAB, pause=1.0)
    seen: list[float] = []
    transcribe_stream([audio], OfflineFake(), SETTINGS, progress=seen.append, window=6.0)
    assert seen == sorted(seen) and seen[-1] == pytest.approx(len(audio) / SAMPLE_RATE, abs=0.01)


def test_the_cut_falls_in_the_quietest_moment():
    audio = np.full(10 * SAMPLE_RATE, 0.5, dtype=np.float32)
    audio[int(8.3 * SAMPLE_RATE):int(8.6 * SAMPLE_RATE)] = 0.0
    cut = quietest_cut(audio, 3 * SAMPLE_RATE)
    assert 8.3 * SAMPLE_RATE <= cut <= 8.6 * SAMPLE_RATE


def test_a_file_read_as_a_stream_gives_the_samples_and_blocks_of_the_whole_file():
    whole = load_audio(DATA / "en_live.wav").samples
    streamed = np.concatenate(list(stream_audio(DATA / "en_live.wav", block=7777)))
    np.testing.assert_array_equal(streamed, whole)
    blocks = list(FileSource(DATA / "en_live.wav").frames())
    assert all(len(b) == 1600 for b in blocks[:-1])
    np.testing.assert_array_equal(np.concatenate(blocks), whole)


def test_an_hour_of_audio_streams_in_bounded_memory(tmp_path):
    """The decoder's working set stays small: no block is larger than asked for."""
    path = tmp_path / "hour.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        silence = np.zeros(60 * SAMPLE_RATE, dtype="<i2").tobytes()
        for _ in range(60):
            out.writeframes(silence)
    total = 0
    for block in stream_audio(path):
        assert len(block) <= 30 * SAMPLE_RATE
        total += len(block)
    assert total == 3600 * SAMPLE_RATE
