"""The end-to-end command set on audio: its data, its audio, its scoring, and the figures on the real model."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from support import DATA, ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import eval_command_audio as eca  # noqa: E402

from dictate.audio import SAMPLE_RATE  # noqa: E402


def test_the_committed_set_is_what_the_script_composes_and_covers_every_command():
    assert (DATA / "command_audio.yaml").read_text(encoding="utf-8") == eca.compose(64, 17)
    dictations = eca.load_set(DATA / "command_audio.yaml")
    assert len(dictations) >= 60
    kinds = Counter(eca.kind(e) for d in dictations for e in d.expected)
    assert set(kinds) == {"heading", "autotext", "next_field", "previous_field", "undo", "end_note"}
    assert kinds["heading"] >= 100 and min(kinds.values()) >= 5
    pauses = {p.pause for d in dictations for p in d.parts if p.kind == "command"}
    assert min(pauses) == 0.2 and max(pauses) == 1.0 and len(pauses) >= 5
    assert len({d.voice for d in dictations}) >= 6 and len({d.speed for d in dictations}) >= 3
    # Ordinary sentences with command words in them: they must stay text.
    decoys = {s for pool in eca.DECOYS.values() for s in pool}
    assert sum(p.text in decoys for d in dictations for p in d.parts) >= 10


def test_expected_places_follow_headings_auto_texts_and_undo():
    dictation = eca.Dictation("x", "en-us", 150, (
        eca.Part("say", "First.", 0.5),
        eca.Part("command", "Heading pain.", 0.4, "heading:I9"),
        eca.Part("say", "Second.", 0.5),
        eca.Part("say", "Taken back.", 0.5),
        eca.Part("command", "Scratch that.", 0.4, "undo"),
        eca.Part("command", "Auto text wound care.", 0.4, "autotext:saarpleje"),
        eca.Part("field", "Left leg.", 0.5),
        eca.Part("say", "Third.", 0.5),
    ))
    assert eca.expected_places(dictation, {"saarpleje": "I4"}) == [
        ("First.", "general"), ("Second.", "I9"), ("Taken back.", None), ("Third.", "I4")]


def test_scoring_counts_misses_false_alarms_and_misplaced_sentences():
    dictation = eca.Dictation("x", "en-us", 150, (
        eca.Part("say", "She slept well through the night.", 0.5),
        eca.Part("command", "Heading pain.", 0.4, "heading:I9"),
        eca.Part("say", "He has some pain in his left knee.", 0.5),
        eca.Part("command", "End note.", 0.4, "end_note"),
    ))
    perfect = eca.Heard(["heading:I9", "end_note"], {"general": "She slept well through the night.",
                                                     "I9": "He has some pain in his left knee."}, [], "")
    missed = eca.Heard(["undo", "end_note"], {"general": "She slept well through the night. Heading pain. "
                                                         "He has some pain in his left knee."}, ["heading_unknown"], "")
    score = eca.Score()
    score.add(dictation, perfect, {})
    assert (score.precision, score.recall, score.placement, score.failures) == (1.0, 1.0, 1.0, [])
    score.add(dictation, missed, {})
    assert score.recall == 3 / 4 and score.precision == 3 / 4  # "undo" acted where nothing was asked
    assert score.placement == 3 / 4 and score.notices == 1 and len(score.failures) == 1
    assert score.right == Counter({"heading": 1, "end_note": 2})


def test_noise_is_mixed_at_the_asked_snr_against_the_speech_alone():
    rng = np.random.default_rng(1)
    samples = np.zeros(5 * SAMPLE_RATE, dtype=np.float32)
    samples[SAMPLE_RATE:2 * SAMPLE_RATE] = 0.3 * np.sin(np.arange(SAMPLE_RATE) * 0.2)
    spoken = eca.Spoken(samples, [(1.0, 2.0)])
    for snr in (20.0, 10.0):
        mixed = eca.with_noise(spoken, snr, seed=int(rng.integers(1000)))
        noise = mixed - samples
        speech = samples[SAMPLE_RATE:2 * SAMPLE_RATE]
        measured = 10 * np.log10(np.mean(speech ** 2) / np.mean(noise ** 2))
        assert abs(measured - snr) < 0.3
    # Pink: more power below 500 Hz than above 4 kHz, by far.
    spectrum = np.abs(np.fft.rfft(eca.pink_noise(SAMPLE_RATE * 4, np.random.default_rng(2)))) ** 2
    freqs = np.fft.rfftfreq(SAMPLE_RATE * 4, 1 / SAMPLE_RATE)
    assert spectrum[(freqs > 20) & (freqs < 500)].mean() > 10 * spectrum[freqs > 4000].mean()


def test_spoken_parts_are_separated_by_exactly_the_sets_pauses_and_the_room_adds_a_tail():
    dictation = eca.Dictation("x", "en-us", 160, (
        eca.Part("say", "She slept well.", 0.5),
        eca.Part("command", "Heading pain.", 0.2, "heading:I9", after=0.15),
        eca.Part("say", "No pain today.", 0.5),
        eca.Part("command", "End note.", 1.0, "end_note"),
    ))
    spoken = eca.speak(dictation)
    gaps = [round(b[0] - a[1], 3) for a, b in zip(spoken.spans, spoken.spans[1:])]
    assert gaps == [0.2, 0.5, 1.0]  # the silence before a part, or after a command when longer
    for start, end in spoken.spans:
        assert end - start > 0.3
        assert np.abs(spoken.samples[int(start * SAMPLE_RATE):int(end * SAMPLE_RATE)]).max() > 0.05
    echoed = eca.reverb(spoken.samples)
    assert len(echoed) == len(spoken.samples)
    after_last = slice(int(spoken.spans[-1][1] * SAMPLE_RATE) + 800, int((spoken.spans[-1][1] + 0.2) * SAMPLE_RATE))
    assert np.abs(spoken.samples[after_last]).max() == 0 and np.abs(echoed[after_last]).max() > 1e-3


#: What base heard on the whole set (eval_command_audio.py --record, then gzip), per backend, and the
#: figures today's interpreter gives on it at 20 dB (offline, live): (precision, recall, placement).
#: The live words were recorded with the streamer of session 9 (lead-in, prompt-echo retry).
RECORDED = {
    "mkl0": {"offline": (1.0, 0.868, 0.877), "live": (1.0, 0.774, 0.731)},
    "mkl1": {"offline": (1.0, 0.853, 0.854), "live": (1.0, 0.781, 0.744)},
}


@pytest.mark.parametrize("backend", sorted(RECORDED))
def test_the_interpreter_on_what_the_model_heard_keeps_its_precision_and_recall(backend):
    """No model: the recorded words of all 64 dictations at 20 dB through today's interpreter. A change
    that makes a command fire where none was said, or loses commands base did hear, shows here."""
    from dictate.runtime.session import SessionSettings, prepare

    recorded = eca.load_recorded(DATA / f"command_audio_heard_{backend}.json.gz")
    settings = prepare(SessionSettings(language="en")).settings
    sections = {a.id: a.headings.get("fsiii") for a in settings.autotexts}
    by_id = {d.id: d for d in eca.load_set(DATA / "command_audio.yaml")}
    scores = eca.rescore(recorded["heard"], by_id, {"en": settings}, sections, conditions=["snr20"])
    for mode, (precision, recall, placement) in RECORDED[backend].items():
        score = scores["snr20", mode]
        assert score.dictations == 64 and sum(score.expected.values()) == 265
        assert score.precision >= precision - 0.005, (mode, score.precision)
        assert score.recall >= recall - 0.005 and score.placement >= placement - 0.005, (mode, score.recall)


#: What base heard of the near-command sets: short care sentences near a command, each said alone by
#: espeak's voices; none is a command. near_commands.yaml: 40 English sentences by 8 voices (320);
#: near_commands_da.yaml: 40 Danish ones by 4 variants of the Danish voice (160; again in session 11 with
#: Danish's live rhythm). Recorded in session 10
#: (clean and 20 dB with CT2_USE_MKL=0, 20 dB with =1); on the English words the interpreter of session 9
#: acted on 11-15 per condition.
NEAR = {"near_commands": 320, "near_commands_da": 160}
#: Base hears espeak's Danish voice poorly (most sentences come out as other words), so the Danish set
#: tests garbled short Danish speech more than near-commands: its placement is low in any case.
NEAR_PLACEMENT = {"near_commands": 0.75, "near_commands_da": 0.15}
#: The one false command left: base heard "Hidden food." as "Heat in food." (clean, live, CT2_USE_MKL=0),
#: the Nutrition heading with "heading" heard split in two and one consonant off.
NEAR_FALSE = {("near_commands", "mkl0", "clean", "live"): 1}


@pytest.mark.parametrize("backend", ["mkl0", "mkl1"])
@pytest.mark.parametrize("name", sorted(NEAR))
def test_short_sentences_that_only_sound_like_commands_stay_text_on_what_the_model_heard(name, backend):
    """No model: "Next feed.", "Hiding food.", "Heating pad.", "Afsluttet.", "Næste gang." ... as base
    heard them, offline and live, through today's interpreter: no command, no heading notice, and the
    sentences stay in the note's first section (placement as recorded, within misheard words)."""
    from dictate.runtime.session import SessionSettings, prepare

    recorded = eca.load_recorded(DATA / f"{name}_heard_{backend}.json.gz")
    by_id = {d.id: d for d in eca.load_set(DATA / f"{name}.yaml")}
    assert sum(len(d.parts) - 1 for d in by_id.values()) == NEAR[name]
    settings = {lang: prepare(SessionSettings(language=lang)).settings for lang in {d.language for d in by_id.values()}}
    scores = eca.rescore(recorded["heard"], by_id, settings, {})
    assert len(recorded["heard"]) == sum(score.dictations for score in scores.values())  # every row scored
    assert {mode for _, mode in scores} == {"offline", "live"}
    for (condition, mode), score in scores.items():
        assert score.dictations == len(by_id), (condition, mode)
        assert score.false <= NEAR_FALSE.get((name, backend, condition, mode), 0), (condition, mode, score.failures)
        assert score.notices <= 1, (condition, mode, score.failures)
        assert score.placement >= NEAR_PLACEMENT[name], (condition, mode, score.placement)


@pytest.mark.model
def test_commands_are_heard_end_to_end_at_20_db_offline_and_live_and_rescoring_agrees(tmp_path):
    """A slice of the set through the real model, as `eval_command_audio.py` measures it in full.

    The first four dictations (every kind of command, 22 in all) at 20 dB. Measured on this slice:
    recall 0.91 offline and 0.73-0.82 live, precision 1.000, placement 0.93 and 0.71-0.79, on both
    CTranslate2 backends; the whole set's figures are in docs/benchmarks.md. The margins allow for
    a few words heard differently on another CPU or under load (base on espeak's voices)."""
    ids = "c01,c02,c03,c04"
    record = tmp_path / "heard.json"
    scores = tmp_path / "scores.json"
    command = [sys.executable, str(ROOT / "scripts" / "eval_command_audio.py"), "--ids", ids,
               "--conditions", "snr20"]
    first = subprocess.run(command + ["--record", str(record), "--json", str(scores)],
                           capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    results = {r["mode"]: r for r in json.loads(scores.read_text())["results"]}
    assert set(results) == {"offline", "live"}
    for mode, result in results.items():
        assert sum(result["expected"].values()) >= 20
        assert result["recall"] >= 0.7, (mode, result)
        assert result["precision"] >= 0.95, (mode, result)
        assert result["placement"] >= 0.6, (mode, result)
    again = subprocess.run(command + ["--rescore", str(record)], capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    table = [line for line in first.stdout.splitlines() if line.startswith("snr20")]
    assert len(table) == 2 and table == [line for line in again.stdout.splitlines() if line.startswith("snr20")]
