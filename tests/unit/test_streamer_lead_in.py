"""A short utterance soon after another is settled hearing the speech before it (`lead_in`).

Whisper hears a short utterance alone ("End note.") far worse than in the flow of
speech; the decodes that settle it get the stream before it as a lead-in, and what
the model hears there again was committed already.
"""

from __future__ import annotations

import numpy as np
import pytest

from dictate.audio import SAMPLE_RATE as RATE
from dictate.speech.fake import FakeWhisper, fake_vad, speak
from dictate.speech.streamer import Commit, Streamer, StreamSettings
from dictate.words import Word

VOCAB = [f"ord{i}" for i in range(60)]


class Recording(FakeWhisper):
    """The fake recogniser, noting for each decode its audio length and whether it settles."""

    def __init__(self) -> None:
        super().__init__(VOCAB)
        self.decodes: list[tuple[float, bool]] = []

    def __call__(self, audio, prompt, final=False):  # noqa: ANN001, ANN204
        self.decodes.append((len(audio) / RATE, final))
        return super().__call__(audio, prompt, final)


def run(audio: np.ndarray, fake: Recording | None = None, **config) -> tuple[list[Commit], Recording]:
    fake = fake or Recording()
    streamer = Streamer(transcribe=fake, vad=fake_vad, config=StreamSettings(**config))
    events = []
    for i in range(0, len(audio), RATE // 10):
        events += streamer.feed(audio[i:i + RATE // 10])
    events += streamer.finish()
    return [e for e in events if isinstance(e, Commit)], fake


def words(commits: list[Commit]) -> list[str]:
    return [w.text for c in commits for w in c.words]


LEAD = {"lead_in": 5.0, "lead_in_below": 2.5}


def test_a_short_utterance_soon_after_another_is_settled_hearing_the_speech_before_it():
    script = [VOCAB[0:12], VOCAB[12:14]]  # a sentence, 1 s, then a two-word command
    audio, truth = speak(script, VOCAB, pause=1.0)
    commits, fake = run(audio, **LEAD)
    assert words(commits) == VOCAB[0:14]  # the lead-in's words are not committed again
    settling = [seconds for seconds, final in fake.decodes if final]
    # The command's settling decode heard 5 s more than the command's own audio (under 2.5 s) ...
    assert settling[-1] > 5.0 + 1.0
    # ... the updates heard only the utterance, and the long sentence got no lead-in.
    updates = [seconds for seconds, final in fake.decodes[len(fake.decodes) - 3:] if not final]
    assert all(seconds < 2.5 for seconds in updates)
    assert settling[0] < 5.5
    # The command's words keep their own times.
    command = [w for c in commits for w in c.words][-2:]
    assert [round(w.start, 1) for w in command] == [round(truth[12][1], 1), round(truth[13][1], 1)]


@pytest.mark.parametrize("count", [1, 2, 4])
def test_a_phrase_said_again_after_a_short_pause_is_committed_again(count):
    """"Afslut notat", "afslut notat": the first is in the second's lead-in, and both stay."""
    script = [VOCAB[0:6], VOCAB[6:6 + count], VOCAB[6:6 + count]]
    audio, _ = speak(script, VOCAB, pause=1.0)
    commits, _ = run(audio, **LEAD)
    assert words(commits) == [w for u in script for w in u]


@pytest.mark.parametrize("pause", [3.5, 6.0])
def test_no_lead_in_after_a_long_pause_or_for_the_first_utterance(pause):
    audio, _ = speak([VOCAB[0:2], VOCAB[2:4]], VOCAB, pause=pause)
    commits, fake = run(audio, **LEAD)
    assert words(commits) == VOCAB[0:4]
    # A lead-in here would be silence, which makes Whisper guess (see `context`).
    assert all(seconds < 3.5 for seconds, final in fake.decodes if final)


def test_without_lead_in_the_settling_decodes_hear_the_utterance_alone():
    audio, _ = speak([VOCAB[0:12], VOCAB[12:14]], VOCAB, pause=1.0)
    commits, fake = run(audio, lead_in=0.0)
    assert words(commits) == VOCAB[0:14]
    assert [seconds for seconds, final in fake.decodes if final][-1] < 3.5


@pytest.mark.parametrize("seed", range(12))
def test_every_word_once_in_order_whatever_the_pauses(seed):
    rng = np.random.default_rng(seed)
    script, start = [], 0
    for _ in range(6):
        n = int(rng.integers(1, 8))
        script.append(VOCAB[start:start + n])
        start += n
    pieces = []
    for utterance in script:
        audio, _ = speak([utterance], VOCAB, pause=float(rng.uniform(0.75, 3.5)), lead=float(rng.uniform(0.2, 1.0)))
        pieces.append(audio)
    commits, _ = run(np.concatenate(pieces), **LEAD)
    assert words(commits) == [w for u in script for w in u]


class DeafToLeadIn(Recording):
    """Hears nothing in a settling decode that has a lead-in, as Whisper sometimes does."""

    def __call__(self, audio, prompt, final=False):  # noqa: ANN001, ANN204
        if final and len(audio) > 5.0 * RATE:
            self.decodes.append((len(audio) / RATE, final))
            return []
        return super().__call__(audio, prompt, final)


def test_when_nothing_new_is_heard_with_the_lead_in_the_utterance_is_decoded_alone():
    audio, _ = speak([VOCAB[0:6], VOCAB[6:8]], VOCAB, pause=1.0)
    commits, fake = run(audio, DeafToLeadIn(), **LEAD)
    assert words(commits) == VOCAB[0:8]
    lead_in, alone = [seconds for seconds, final in fake.decodes if final][-2:]
    assert lead_in > 5.0 > alone


# -- Whisper saying its prompt again ------------------------------------------------------

class Echoing(Recording):
    """Says the last `count` words of its prompt instead of the audio from the word `cue`
    on, as base did live ("…during the night. Scratch that." again where the
    speaker said "Auto text catheter care."): `untimed` of them squeezed into no time."""

    def __init__(self, cue: str, count: int, untimed: int = 0) -> None:
        super().__init__()
        self.cue, self.count, self.untimed = cue, count, untimed

    def __call__(self, audio, prompt, final=False):  # noqa: ANN001, ANN204
        heard = super().__call__(audio, prompt, final)
        if not prompt or not any(w.text == self.cue for w in heard):
            return heard
        cue = next(i for i, w in enumerate(heard) if w.text == self.cue)
        said = prompt.split()[-self.count:]
        start = heard[cue].start
        echo = heard[:cue]
        for i, text in enumerate(said):
            length = 0.0 if 0 < i <= self.untimed else 0.3
            echo.append(Word(text, start, start + length, 0.9))
            start += length
        return echo


def echo_run(fake: Echoing) -> tuple[list[str], Streamer]:
    audio, _ = speak([VOCAB[0:10], VOCAB[20:30]], VOCAB, pause=1.0)
    streamer = Streamer(transcribe=fake, vad=fake_vad, config=StreamSettings(**LEAD))
    events = []
    for i in range(0, len(audio), RATE // 10):
        events += streamer.feed(audio[i:i + RATE // 10])
    events += streamer.finish()
    return words([e for e in events if isinstance(e, Commit)]), streamer


@pytest.mark.parametrize("count, untimed", [(5, 0), (6, 0), (3, 2), (4, 3)])
def test_a_decode_that_says_its_prompt_again_is_made_again_without_it(count, untimed):
    said, streamer = echo_run(Echoing(VOCAB[24], count, untimed))
    assert said == VOCAB[0:10] + VOCAB[20:30]
    assert streamer.echo_retries >= 1


@pytest.mark.parametrize("count, untimed", [(4, 0), (3, 1)])
def test_a_few_words_of_the_prompt_with_their_own_time_are_taken_as_said(count, untimed):
    """Four words of the last sentence again, each with its own time, may be what the
    speaker said: no retry, and they are committed."""
    said, streamer = echo_run(Echoing(VOCAB[24], count, untimed))
    assert streamer.echo_retries == 0
    assert said[:14] == VOCAB[0:10] + VOCAB[20:24] and said[14:14 + count] == VOCAB[10 - count:10]


class LateLeadIn(Recording):
    """A settling decode with a lead-in writes the lead-in's last words again, and places
    them after it, over the new utterance, as base sometimes did."""

    def __call__(self, audio, prompt, final=False):  # noqa: ANN001, ANN204
        heard = super().__call__(audio, prompt, final)
        if not (final and len(audio) > 5.0 * RATE) or len(heard) < 5:
            return heard
        old, new = heard[:-2], heard[-2:]
        start = new[0].start
        again = [Word(w.text, start + 0.05 * i, start + 0.05 * (i + 1), 0.9) for i, w in enumerate(old[-3:])]
        return old[:-3] + again + new


def test_words_of_the_lead_in_heard_again_are_dropped_by_their_text_when_their_times_are_wrong():
    audio, _ = speak([VOCAB[0:10], VOCAB[30:32]], VOCAB, pause=1.0)
    commits, fake = run(audio, LateLeadIn(), **LEAD)
    assert words(commits) == VOCAB[0:10] + VOCAB[30:32]


@pytest.mark.parametrize("cost", [0.0, 2.0])
def test_no_lead_in_on_a_machine_too_slow_for_live_updates(cost):
    """A lead-in makes a settling decode longer; when updates cost more than the machine has
    (`too_slow`), the settling decodes are all there is and go without it."""
    from dictate.speech.fake import SimulatedClock

    script = [VOCAB[0:12], VOCAB[12:14], VOCAB[14:26], VOCAB[26:28], VOCAB[28:40], VOCAB[40:42]]
    audio, _ = speak(script, VOCAB, pause=1.0)
    clock = SimulatedClock()
    fake = FakeWhisper(VOCAB, clock=clock, cost=lambda seconds, final: cost)
    streamer = Streamer(transcribe=fake, vad=fake_vad, config=StreamSettings(**LEAD), clock=clock)
    events = []
    for i in range(0, len(audio), RATE // 10):
        clock.audio_arrives((i + RATE // 10) / RATE)
        events += streamer.feed(audio[i:i + RATE // 10])
    events += streamer.finish()
    assert words([e for e in events if isinstance(e, Commit)]) == VOCAB[0:42]
    assert streamer.too_slow == (cost > 0)
    # The last command's settling decode: with the lead-in over 5 s, without it the command alone.
    last = fake.calls[-1][0]
    assert (last > 5.0) == (not streamer.too_slow) and (last < 2.0) == streamer.too_slow
