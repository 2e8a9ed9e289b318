"""The live rhythm per spoken language: Danish settles words the model respells."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from dictate.audio import SAMPLE_RATE as RATE
from dictate.runtime.session import Recogniser, live_streamer
from dictate.speech.fake import FakeWhisper, fake_vad, speak
from dictate.speech.live import LANGUAGE_RHYTHM, LiveSettings
from dictate.speech.streamer import Commit, StreamSettings
from dictate.words import Word

VOCAB = [f"ord{i}" for i in range(40)]


def test_danish_gets_its_own_rhythm_and_english_the_defaults():
    danish = LiveSettings.for_language("da").stream
    assert (danish.update_interval, danish.end_silence, danish.agreement) == (0.6, 0.6, 80.0)
    assert LiveSettings.for_language("en").stream == StreamSettings()
    assert LiveSettings.for_language("sv").stream == StreamSettings()  # a language not measured: the defaults


def test_the_session_that_listen_and_the_app_build_uses_the_rhythm_of_the_spoken_language():
    recogniser = Recogniser(transcriber=FakeWhisper(VOCAB), hotwords=None)
    for language in ("da", "en"):
        streamer = live_streamer(recogniser, language, vad=fake_vad)
        assert streamer.config == replace(StreamSettings(), **LANGUAGE_RHYTHM.get(language, {}))


@dataclass
class Respelling(FakeWhisper):
    """A model that spells its words one way in one decode and another way in the next
    ("hjørn" / "hjørne"), as stock base does with Danish."""

    turn: int = 0

    def _words(self, audio: np.ndarray) -> list[Word]:
        self.turn += 1
        return [replace(w, text=w.text + ("e" if self.turn % 2 else "")) for w in super()._words(audio)]


def test_with_the_danish_rhythm_respelled_words_settle_before_the_utterance_ends():
    audio, truth = speak([VOCAB[0:25]], VOCAB)  # one long utterance, no pause in it
    first_commit = {}
    for language in ("da", "en"):
        settings = replace(LiveSettings.for_language(language).stream, pause_commit=0)
        recogniser = Recogniser(transcriber=Respelling(VOCAB), hotwords=None)
        streamer = live_streamer(recogniser, language, vad=fake_vad,
                                 live=replace(LiveSettings.for_language(language), stream=settings))
        step = int(0.032 * RATE)
        for i in range(0, len(audio), step):
            commits = [e for e in streamer.feed(audio[i:i + step]) if isinstance(e, Commit) and e.words]
            if commits and language not in first_commit:
                first_commit[language] = commits[0]
        streamer.finish()
    speech_end = truth[-1][2]
    # English keeps exact agreement: a word spelled two ways waits for the end of the utterance.
    assert first_commit["en"].end_of_utterance and first_commit["en"].emitted_at > speech_end
    # Danish lets the two spellings agree: words settle while the nurse is still speaking.
    assert not first_commit["da"].end_of_utterance and first_commit["da"].emitted_at < speech_end - 2.0
