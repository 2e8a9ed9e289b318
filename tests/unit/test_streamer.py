"""The streamer's logic, driven by a deterministic fake recogniser and VAD."""

from __future__ import annotations

import numpy as np
import pytest

from dictate.audio import SAMPLE_RATE as RATE
from dictate.speech.fake import FakeWhisper, fake_vad, speak
from dictate.speech.streamer import Commit, Partial, Streamer, StreamSettings, agreed_prefix, without_repetition
from dictate.words import Word

VOCAB = [f"ord{i}" for i in range(60)]


def run(audio: np.ndarray, streamer: Streamer, block: float = 0.1):
    events = []
    step = int(block * RATE)
    for i in range(0, len(audio), step):
        events += streamer.feed(audio[i:i + step])
    events += streamer.finish()
    return events


def committed(events) -> list[str]:
    return [w.text for e in events if isinstance(e, Commit) for w in e.words]


def make(**config) -> tuple[Streamer, FakeWhisper]:
    fake = FakeWhisper(VOCAB)
    return Streamer(transcribe=fake, vad=fake_vad, config=StreamSettings(**config)), fake


def test_every_word_is_committed_once_in_order():
    script = [VOCAB[0:8], VOCAB[8:12], VOCAB[12:30]]
    audio, truth = speak(script, VOCAB)
    streamer, _ = make()
    events = run(audio, streamer)
    assert committed(events) == [w for u in script for w in u]
    # Times are absolute and match the audio.
    words = [w for e in events if isinstance(e, Commit) for w in e.words]
    for word, (text, start, end) in zip(words, truth):
        assert word.text == text and abs(word.start - start) < 0.04 and abs(word.end - end) < 0.04


def test_one_end_of_utterance_commit_per_utterance():
    audio, _ = speak([VOCAB[0:5], VOCAB[5:9], VOCAB[9:10]], VOCAB)
    streamer, _ = make(pause_commit=0)  # the last words wait for the end, not a pause
    events = run(audio, streamer)
    ends = [e for e in events if isinstance(e, Commit) and e.end_of_utterance]
    assert len(ends) == 3
    assert ends[-1].words[-1].text == "ord9"


def test_utterance_ends_after_the_configured_silence():
    audio, truth = speak([VOCAB[0:4]], VOCAB, pause=3.0)
    for silence in (0.6, 0.8):
        streamer, _ = make(end_silence=silence)
        events = run(audio, streamer, block=0.032)
        end = next(e for e in events if isinstance(e, Commit) and e.end_of_utterance)
        last_word_end = truth[-1][2]
        assert silence <= end.emitted_at - last_word_end <= silence + 0.1


def test_commits_follow_two_agreeing_decodes_and_partials_come_first():
    audio, truth = speak([VOCAB[0:25]], VOCAB)
    streamer, _ = make(update_interval=1.0, pause_commit=0)  # agreement alone
    events = run(audio, streamer, block=0.032)
    first_seen: dict[str, float] = {}
    for e in events:
        if isinstance(e, Partial):
            for w in e.words:
                first_seen.setdefault(w.text, e.emitted_at)
    for e in events:
        if isinstance(e, Commit) and not e.end_of_utterance:
            for w in e.words:
                assert w.text in first_seen and first_seen[w.text] < e.emitted_at
    # Committed before the utterance ended, within two update intervals of being spoken.
    mid = [(w, e.emitted_at) for e in events if isinstance(e, Commit) and not e.end_of_utterance for w in e.words]
    assert len(mid) >= 15
    assert all(at - w.end <= 2.0 + 0.1 for w, at in mid)


def test_a_half_heard_word_is_never_committed():
    audio, _ = speak([VOCAB[0:20]], VOCAB)
    streamer, _ = make()
    events = run(audio, streamer, block=0.05)
    assert not any(w.text.endswith("~") for w in (w for e in events if isinstance(e, Commit) for w in e.words))
    assert any(w.text.endswith("~") for e in events if isinstance(e, Partial) for w in e.words)


def test_silence_is_never_decoded():
    streamer, fake = make()
    events = run(np.zeros(60 * RATE, dtype=np.float32), streamer)
    assert events == [] and fake.calls == [] and streamer.decodes == 0


def test_a_click_shorter_than_a_word_gives_nothing():
    audio = np.zeros(3 * RATE, dtype=np.float32)
    audio[RATE:RATE + 1024] = 0.2
    streamer, fake = make()
    assert committed(run(audio, streamer)) == []
    assert fake.calls == []


def test_the_buffer_stays_bounded_in_a_long_run_on():
    """Three minutes without a pause: every decode sees at most max_buffer (+1 update) seconds."""
    words = [VOCAB[i % 60] for i in range(450)]
    audio, _ = speak([words], VOCAB)
    streamer, fake = make(max_buffer=15.0)
    events = run(audio, streamer, block=0.1)
    assert committed(events) == words
    assert max(seconds for seconds, _ in fake.calls) <= 15.0 + 1.1
    late = [s for s, _ in fake.calls[-50:]]
    early = [s for s, _ in fake.calls[10:60]]
    assert np.mean(late) <= np.mean(early) * 1.5 + 1.0


def test_prompt_is_the_tail_of_committed_text():
    audio, _ = speak([VOCAB[0:40], VOCAB[40:60]], VOCAB)
    streamer, fake = make()
    run(audio, streamer)
    prompts = [p for _, p in fake.calls]
    assert prompts[0] == ""
    assert all(len(p) <= 200 for p in prompts)
    assert any(p.endswith("ord39") for p in prompts)  # the previous utterance feeds the next


def test_finish_flushes_a_stream_that_stops_mid_utterance():
    audio, _ = speak([VOCAB[0:6]], VOCAB, pause=0.0)
    streamer, _ = make()
    events = run(audio, streamer)
    assert committed(events) == VOCAB[0:6]
    assert isinstance(events[-1], Commit) and events[-1].end_of_utterance


def test_repetition_backstop():
    audio, _ = speak([VOCAB[0:3]], VOCAB)
    fake = FakeWhisper(VOCAB, loop_word="og")
    streamer = Streamer(transcribe=fake, vad=fake_vad)
    texts = committed(run(audio, streamer))
    assert texts.count("og") <= 3


def test_agreed_prefix_ignores_case_and_punctuation():
    a = [Word("Hun", 0, 1, 1), Word("spiste,", 1, 2, 1), Word("godt", 2, 3, 1)]
    b = [Word("hun", 0, 1, 1), Word("spiste", 1, 2, 1), Word("got", 2, 3, 1)]
    assert agreed_prefix(a, b) == 2


@pytest.mark.parametrize("texts, kept", [
    (["a", "b", "c"], 3),
    (["og"] * 10, 3),
    (["x", "og", "så", "og", "så", "og", "så", "og", "så", "og", "så"], 7),
])
def test_without_repetition(texts, kept):
    words = [Word(t, i, i + 1, 1) for i, t in enumerate(texts)]
    assert len(without_repetition(words)) == kept


def test_feeding_in_odd_block_sizes_gives_the_same_commits():
    audio, _ = speak([VOCAB[0:10], VOCAB[10:15]], VOCAB)
    results = []
    for block in (0.01, 0.1, 0.37):
        streamer, _ = make()
        results.append(committed(run(audio, streamer, block=block)))
    assert results[0] == results[1] == results[2] == VOCAB[0:15]


def test_fuzzy_agreement_lets_near_identical_spellings_agree():
    a = [Word("hjørn", 0, 1, 1), Word("over", 1, 2, 1), Word("for", 2, 3, 1)]
    b = [Word("hjørne", 0, 1, 1), Word("over", 1, 2, 1), Word("kirken", 2, 3, 1)]
    assert agreed_prefix(a, b) == 0
    assert agreed_prefix(a, b, similarity=80) == 2


def test_a_phrase_repeated_into_the_silence_is_cut():
    words = [Word(t, i, i + 1, 1.0) for i, t in enumerate("Left lower leg. Left lower leg.".split())]
    assert [w.text for w in without_repetition(words)] == ["Left", "lower", "leg."]
    kept = [Word(t, i, i + 1, 1.0) for i, t in enumerate("nej nej hun vil ikke".split())]
    assert without_repetition(kept) == kept


def test_a_pause_settles_what_was_said_before_it_and_the_utterance_goes_on():
    # Two phrases 0.5 s apart: a pause (>= 0.4 s) but not the end of the utterance (0.7 s).
    audio, truth = speak([VOCAB[0:4], VOCAB[4:8]], VOCAB, pause=0.5)
    audio = np.concatenate([audio, np.zeros(2 * RATE, dtype=np.float32)])
    streamer, _ = make()
    events = run(audio, streamer, block=0.032)
    assert committed(events) == VOCAB[0:8]
    settled = next(e for e in events if isinstance(e, Commit) and e.words and e.words[-1].text == "ord3")
    assert not settled.end_of_utterance
    assert 0.4 <= settled.emitted_at - truth[3][2] <= 0.4 + 0.1  # at the pause, not after two updates
    ends = [e for e in events if isinstance(e, Commit) and e.end_of_utterance]
    assert len(ends) == 1  # one utterance for the interpreter: a command may span the pause
    assert ends[0].words == ()  # everything was settled at the second pause already


def test_after_a_settled_pause_a_single_short_word_is_still_committed():
    audio, _ = speak([VOCAB[0:4], [VOCAB[4]]], VOCAB, pause=0.5)
    audio = np.concatenate([audio, np.zeros(2 * RATE, dtype=np.float32)])
    # The last word (0.3 s) is too short to settle at a pause; no update comes in between.
    streamer, _ = make(min_utterance=0.5, update_interval=5.0)
    events = run(audio, streamer, block=0.032)
    assert committed(events) == VOCAB[0:5]
    end = next(e for e in events if isinstance(e, Commit) and e.end_of_utterance)
    assert [w.text for w in end.words] == [VOCAB[4]]


def test_pause_commit_can_be_turned_off():
    audio, truth = speak([VOCAB[0:4], VOCAB[4:8]], VOCAB, pause=0.5)
    audio = np.concatenate([audio, np.zeros(2 * RATE, dtype=np.float32)])
    streamer, _ = make(pause_commit=0, update_interval=5.0)
    events = run(audio, streamer, block=0.032)
    assert committed(events) == VOCAB[0:8]
    assert [e.end_of_utterance for e in events if isinstance(e, Commit)] == [True]


def _update_times(fake_calls: list[tuple[float, bool]]) -> list[float]:
    """Seconds of audio between consecutive updates (the buffer grows by that much)."""
    updates = [seconds for seconds, final in fake_calls if not final]
    return [round(b - a, 2) for a, b in zip(updates, updates[1:])]


class Recording:
    """Wraps a fake recogniser; records (audio seconds, final) and can make it fickle."""

    def __init__(self, fake: FakeWhisper, fickle: bool = False) -> None:
        self.fake, self.fickle, self.calls = fake, fickle, []

    def __call__(self, audio: np.ndarray, prompt: str, final: bool = False) -> list[Word]:
        self.calls.append((len(audio) / RATE, final))
        words = self.fake(audio, prompt, final=final)
        if self.fickle and not final and len(self.calls) % 2:
            # Changes its mind about every word from one update to the next.
            words = [Word(w.text + "x", w.start, w.end, w.probability) for w in words]
        return words


@pytest.mark.parametrize("fickle", [False, True])
def test_updates_come_sooner_while_decodes_agree(fickle):
    audio, _ = speak([VOCAB[0:20]], VOCAB)  # 8 s without a pause
    recorder = Recording(FakeWhisper(VOCAB), fickle=fickle)
    config = StreamSettings(pause_commit=0, update_interval=1.0, steady_interval=0.6, trim_at=30.0)
    events = run(audio, Streamer(transcribe=recorder, vad=fake_vad, config=config), block=0.032)
    assert committed(events) == VOCAB[0:20]
    gaps = _update_times(recorder.calls)
    if fickle:
        # Nothing agrees, so nothing is committed early, and the rhythm stays at 1 s.
        assert not any(isinstance(e, Commit) and e.words and not e.end_of_utterance for e in events)
        assert gaps and all(abs(g - 1.0) < 0.05 for g in gaps)
    else:
        # The first update has nothing to agree with; after the second, the model is steady.
        assert abs(gaps[0] - 1.0) < 0.05
        assert len(gaps) > 5 and all(abs(g - 0.6) < 0.05 for g in gaps[1:])


def test_steady_interval_can_be_turned_off():
    audio, _ = speak([VOCAB[0:20]], VOCAB)
    recorder = Recording(FakeWhisper(VOCAB))
    config = StreamSettings(pause_commit=0, update_interval=1.0, steady_interval=0, trim_at=30.0)
    run(audio, Streamer(transcribe=recorder, vad=fake_vad, config=config), block=0.032)
    assert all(abs(g - 1.0) < 0.05 for g in _update_times(recorder.calls))


@pytest.mark.parametrize("words", [2, 4])
def test_an_utterance_said_again_is_committed_again(words):
    """Saying a command twice to confirm it ("afslut notat", "afslut notat") is two utterances,
    not a repetition of the first: only words still in the buffer can come back."""
    script = [VOCAB[0:5], VOCAB[5:5 + words], VOCAB[5:5 + words]]
    audio, _ = speak(script, VOCAB)
    streamer, _ = make()
    events = run(audio, streamer)
    assert committed(events) == [w for u in script for w in u]
    assert sum(1 for e in events if isinstance(e, Commit) and e.end_of_utterance) == 3
