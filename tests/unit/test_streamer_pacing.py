"""Keeping up with the speaker: the streamer on a simulated slow CPU.

The fake recogniser charges a decode cost to a simulated wall clock, and the
audio arrives in real time on that clock, as in the live loop: while a decode
runs, audio piles up and is taken in afterwards. Deterministic, whatever the
machine running the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from dictate.audio import SAMPLE_RATE as RATE
from dictate.speech.fake import FakeWhisper, SimulatedClock, fake_vad, speak
from dictate.speech.streamer import Commit, Partial, Streamer, StreamSettings

VOCAB = [f"ord{i}" for i in range(60)]


@dataclass
class Live:
    """One simulated live session: what it committed and how far behind it was."""

    events: list
    #: (wall time, the utterance's onset) of every event as it came out
    emitted: list[tuple[float, float | None]]
    #: the largest lag behind the speaker at any block
    max_lag: float
    #: (wall time, lag, final) at every decode's start
    decodes: list[tuple[float, float, bool]]
    streamer: Streamer


def live(script, *, partial_cost: float, final_cost: float, block: float = 0.1, pause: float = 1.5,
         **config) -> Live:
    audio, _ = speak(script, VOCAB, pause=pause)
    clock = SimulatedClock()
    decodes: list[tuple[float, float, bool]] = []
    holder: list[Streamer] = []

    def cost(seconds: float, final: bool) -> float:
        decodes.append((clock.now, holder[0].lag, final))
        return final_cost if final else partial_cost

    fake = FakeWhisper(VOCAB, clock=clock, cost=cost)
    streamer = Streamer(transcribe=fake, vad=fake_vad, config=StreamSettings(**config), clock=clock)
    holder.append(streamer)
    events, emitted, max_lag = [], [], 0.0
    step = int(block * RATE)
    for i in range(0, len(audio), step):
        clock.audio_arrives((i + step) / RATE)
        max_lag = max(max_lag, clock.now - (i + step) / RATE)
        new = streamer.feed(audio[i:i + step])
        events += new
        emitted += [(clock.now, streamer.utterance_onset) for e in new]
    new = streamer.finish()
    events += new
    emitted += [(clock.now, streamer.utterance_onset) for e in new]
    return Live(events, emitted, max_lag, decodes, streamer)


def committed(events) -> list[str]:
    return [w.text for e in events if isinstance(e, Commit) for w in e.words]


def update_starts(run: Live) -> list[float]:
    return [at for at, _, final in run.decodes if not final]


LONG = [VOCAB[0:30], VOCAB[30:40], VOCAB[40:60]]


@pytest.mark.parametrize("cost", [0.05, 0.3, 0.45])
def test_a_machine_that_keeps_up_keeps_the_configured_rhythm_and_the_same_words(cost):
    """Up to 0.5 s per update nothing adapts: the same audio gives the same updates and the
    same commits as on the fastest machine."""
    runs = [live(LONG, partial_cost=c, final_cost=2 * c, pause_commit=0, trim_at=30.0) for c in (0.0, cost)]
    gaps = np.diff(update_starts(runs[1]))
    assert min(gaps[gaps < 1.2]) == pytest.approx(0.6, abs=0.06)  # the steady rhythm, unchanged
    assert runs[1].streamer.updates_skipped == 0 and not runs[1].streamer.too_slow
    assert committed(runs[1].events) == [w for u in LONG for w in u]
    assert runs[1].events == runs[0].events


def test_spacing_comes_in_steps_and_goes_back_when_the_machine_is_free_again():
    from dictate.speech.fake import FakeWhisper, SimulatedClock

    clock = SimulatedClock()
    costs = iter([0.4] * 2 + [0.9] * 10 + [0.3] * 12)
    streamer = Streamer(transcribe=FakeWhisper(VOCAB), vad=fake_vad, clock=clock)
    seen = []
    for seconds in costs:
        streamer._timed_update_cost(seconds)
        seen.append(streamer._spacing)
    assert seen[:2] == [0.0, 0.0]                 # warm-up, then 0.4 s: the configured rhythm
    assert set(seen[2:12]) == {1.5, 2.0}          # climbing in 0.5 s steps to cost / budget
    assert seen[11] == 2.0
    assert seen[-1] == 0.0                        # free again: back to the configured rhythm
    assert not streamer.too_slow


def test_expensive_updates_are_spaced_to_the_budget_and_the_lag_stays_bounded():
    """Updates costing 0.8 s with a budget of half the time come at least 1.6 s apart (after the
    first, which is timed as a warm-up), and the session is never further behind than
    `max_lag` plus one decode."""
    run = live(LONG, partial_cost=0.8, final_cost=1.0, pause_commit=0, trim_at=30.0)
    starts = update_starts(run)
    assert len(starts) >= 8
    # Within an utterance; the first two of each are the warm-up and the quick first update.
    gaps = [b - a for a, b in zip(starts[2:], starts[3:]) if b - a < 5.0]
    assert gaps and min(gaps) >= 1.6 - 0.11
    assert run.max_lag <= 1.0 + 0.8 + 0.11
    assert committed(run.events) == [w for u in LONG for w in u]


def test_an_update_waits_until_the_audio_that_arrived_during_a_decode_is_taken_in():
    """A slow decode at an utterance's end leaves audio waiting; the next utterance's first
    update is due inside that backlog and waits for the freshest audio instead."""
    run = live([VOCAB[0:10], VOCAB[10:20], VOCAB[20:30]], partial_cost=0.2, final_cost=3.0, pause=1.0)
    assert run.streamer.updates_skipped > 0
    assert all(lag <= 1.0 + 1e-9 for _, lag, final in run.decodes if not final)
    assert committed(run.events) == VOCAB[0:30]


@pytest.mark.parametrize("final_cost", [0.5, 2.5])
def test_decodes_that_commit_are_never_skipped_and_nothing_is_lost(final_cost):
    """However late the streamer is, a pause or an utterance's end is decoded and committed."""
    run = live(LONG, partial_cost=0.9, final_cost=final_cost)
    assert committed(run.events) == [w for u in LONG for w in u]
    assert sum(1 for e in run.events if isinstance(e, Commit) and e.end_of_utterance) == len(LONG)
    finals = [lag for _, lag, final in run.decodes if final]
    assert len(finals) >= len(LONG)


def test_a_machine_too_slow_for_live_display_says_so_and_words_come_at_pauses():
    run = live(LONG, partial_cost=2.0, final_cost=1.5, trim_at=30.0)
    assert run.streamer.too_slow
    # After giving up, no more updates: only the decodes that commit.
    given_up = [i for i, (_, _, final) in enumerate(run.decodes) if not final]
    assert len(given_up) <= 5
    assert committed(run.events) == [w for u in LONG for w in u]
    # Words still come: at the latest one final decode (and its wait) after their pause.
    assert run.max_lag <= 2 * 1.5 + 0.2


def test_the_first_words_show_on_time_even_when_updates_are_spaced():
    """The first update of every utterance keeps `first_update`: the eye sees speech was heard."""
    script = [VOCAB[0:12], VOCAB[12:24], VOCAB[24:36]]
    run = live(script, partial_cost=0.7, final_cost=0.9, pause=2.5, pause_commit=0)
    onsets, shown = [], []
    for event, (wall, onset) in zip(run.events, run.emitted):
        if isinstance(event, Partial) and event.words and onset not in onsets:
            onsets.append(onset)
            shown.append(wall - onset)
    assert len(shown) == 3
    # first_update (0.5 s) plus one decode, plus a block
    assert all(s <= 0.5 + 0.7 + 0.15 for s in shown)


def test_after_a_gap_in_the_audio_the_lag_is_measured_afresh():
    """A pause that holds the audio back (the app's F9 on a file) is not lag."""
    clock = SimulatedClock()
    streamer = Streamer(transcribe=FakeWhisper(VOCAB), vad=fake_vad, clock=clock)
    block = np.zeros(1600, dtype=np.float32)
    for i in range(10):
        clock.audio_arrives((i + 1) * 0.1)
        streamer.feed(block)
    assert streamer.lag == pytest.approx(0.0, abs=1e-9)
    clock.spend(30.0)  # paused for 30 s
    streamer.resync()
    clock.audio_arrives(clock.now)
    streamer.feed(block)
    assert streamer.lag == pytest.approx(0.0, abs=1e-9)


def test_the_engine_says_once_that_the_machine_is_too_slow_and_delivers_every_word():
    from dictate.runtime.engine import Engine, Status

    audio, _ = speak(LONG, VOCAB)
    clock = SimulatedClock()
    fake = FakeWhisper(VOCAB, clock=clock, cost=lambda seconds, final: 1.5 if final else 2.0)
    streamer = Streamer(transcribe=fake, vad=fake_vad, config=StreamSettings(trim_at=30.0), clock=clock)

    class Source:
        description = {"kind": "file"}

        def frames(self):  # noqa: ANN202
            for i in range(0, len(audio), 1600):
                clock.audio_arrives((i + 1600) / RATE)
                yield audio[i:i + 1600]

    messages = []
    Engine(Source(), streamer, live_source=False).run(messages.append)
    statuses = [m.status for m in messages if isinstance(m, Status)]
    assert [s.code for s in statuses] == ["too_slow"]
    assert "too slow" in statuses[0].message
    words = [w.text for m in messages if hasattr(m, "events") for e in m.events
             if isinstance(e, Commit) for w in e.words]
    assert words == [w for u in LONG for w in u]
