"""Real Danish speech never sets off a command.

tests/data/danish_negatives.json holds what Whisper base heard, offline and live, on the
13 Danish NST read-speech clips of ../shared/eval/da, under both CTranslate2 backends
(CT2_USE_MKL=0 and =1; `scripts/eval_negatives.py --write` records them). Every recorded
utterance goes through today's interpreter with the shipped templates, as the product
runs it: no command may fire, and no command notice may appear. No model is needed.

There are no Danish recordings of commands: Danish recall is measured on the text-level
set (tests/unit/test_command_accuracy.py).
"""

from __future__ import annotations

import sys

import pytest
from support import DATA, ROOT

sys.path.insert(0, str(ROOT / "scripts"))

import eval_negatives  # noqa: E402
import evallib  # noqa: E402

from dictate.words import Utterance, Word  # noqa: E402

RECORDED = eval_negatives.load_recorded(DATA / "danish_negatives.json")
SETTINGS = eval_negatives.note_settings()


def heard(entry: dict, mode: str) -> dict[str, list[Utterance]]:
    return {name: evallib.utterances_from_json(modes[mode]) for name, modes in entry["clips"].items()}


def label(entry: dict) -> str:
    return f"mkl{entry['backend']['CT2_USE_MKL']}"


def test_both_backends_and_every_clip_are_recorded():
    assert {e["backend"]["CT2_USE_MKL"] for e in RECORDED} >= {"0", "1"}
    for entry in RECORDED:
        assert len(entry["clips"]) == 13
        for mode in eval_negatives.MODES:
            clips = heard(entry, mode)
            assert all(clips.values()), f"{label(entry)} {mode}: a clip with nothing heard"
            assert sum(len(u.words) for us in clips.values() for u in us) >= 150


@pytest.mark.parametrize("mode", eval_negatives.MODES)
@pytest.mark.parametrize("entry", RECORDED, ids=label)
def test_no_command_fires_on_real_danish_speech(entry, mode):
    alarms = {name: [(what, " ".join(w.text for w in us[i].words)) for i, what in found]
              for name, us in heard(entry, mode).items()
              if (found := eval_negatives.false_alarms(SETTINGS, us))}
    assert alarms == {}


# -- the check can fail: a command said inside a recorded utterance is found -------------------

def with_words_after_a_pause(utterance: Utterance, at: int, said: str, pause: float = 0.5) -> Utterance:
    """The recorded words with `said` spoken after the `at`-th word, a pause before it and after it."""
    words = list(utterance.words)
    start = words[at - 1].end + pause
    inserted = [Word(w, start + k * 0.4, start + k * 0.4 + 0.3, 0.9) for k, w in enumerate(said.split())]
    shift = inserted[-1].end + pause - words[at].start if at < len(words) else 0.0
    later = [Word(w.text, w.start + shift, w.end + shift, w.probability) for w in words[at:]]
    return Utterance(tuple(words[:at] + inserted + later))


def a_recorded_utterance(mode: str) -> Utterance:
    entry = next(e for e in RECORDED if e["backend"]["CT2_USE_MKL"] == "0")
    return heard(entry, mode)["nst_danspeech_u0042010"][0]


@pytest.mark.parametrize("mode", eval_negatives.MODES)
@pytest.mark.parametrize("said, expected", [
    ("overskrift ernæring", "heading:I3"),
    ("slet det", "undo"),
    ("næste felt", "next_field"),
    ("autotekst sårpleje", "autotext:saarpleje"),
    ("afslut notat", "end_note"),
])
def test_a_command_after_a_pause_in_recorded_speech_is_found(mode, said, expected):
    utterance = a_recorded_utterance(mode)
    assert eval_negatives.false_alarms(SETTINGS, [utterance]) == []
    changed = with_words_after_a_pause(utterance, 8, said)
    assert expected in [what for _, what in eval_negatives.false_alarms(SETTINGS, [changed])]


@pytest.mark.parametrize("mode", eval_negatives.MODES)
def test_a_command_notice_counts_as_a_false_alarm(mode):
    """"overskrift" with no heading after it, at the start of an utterance: a notice the nurse sees."""
    utterance = a_recorded_utterance(mode)
    first = utterance.words[0]
    changed = Utterance((Word("Overskrift", first.start - 1.0, first.start - 0.6, 0.9),) + utterance.words)
    found = [what for _, what in eval_negatives.false_alarms(SETTINGS, [changed])]
    assert any(what.startswith("notice:heading") for what in found), found


def test_the_script_checks_the_recordings_without_the_model():
    assert eval_negatives.main(["--recorded", str(DATA / "danish_negatives.json")]) == 0


def test_the_script_fails_when_a_recording_sets_off_a_command(tmp_path):
    entry = RECORDED[0]
    name = "nst_danspeech_u0042010"
    changed = with_words_after_a_pause(evallib.utterances_from_json(entry["clips"][name]["live"])[0], 8,
                                       "overskrift ernæring")
    clips = {**entry["clips"], name: {**entry["clips"][name], "live": evallib.utterances_to_json([changed])}}
    path = tmp_path / "negatives.json"
    eval_negatives.write_recorded(path, {"backend": entry["backend"], "clips": clips}, "test")
    assert eval_negatives.main(["--recorded", str(path)]) == 1


def test_writing_replaces_this_backends_entry_and_keeps_the_others(tmp_path):
    path = tmp_path / "negatives.json"
    for entry in RECORDED:
        eval_negatives.write_recorded(path, entry, "test")
    assert eval_negatives.load_recorded(path) == RECORDED
    first = RECORDED[0]
    fewer = {"backend": first["backend"], "clips": dict(list(first["clips"].items())[:2])}
    eval_negatives.write_recorded(path, fewer, "test")
    again = eval_negatives.load_recorded(path)
    assert len(again) == len(RECORDED) and fewer in again and RECORDED[1] in again
