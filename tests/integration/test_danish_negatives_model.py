"""Real Danish speech through the real model, offline and live: no command fires.

The small, always-present slice of scripts/eval_negatives.py (the whole set of 13 NST
clips is recorded per backend in tests/data/danish_negatives.json and checked by
tests/unit/test_danish_negatives.py). Only nst_danspeech_u0042008.wav is used:
da_dictation.wav is espeak-ng Danish with spoken headings in it, not real speech and
not a negative, and stock base hears it differently on each CPU kind.
"""

from __future__ import annotations

import sys

import pytest
from support import DATA, ROOT

sys.path.insert(0, str(ROOT / "scripts"))

import eval_negatives  # noqa: E402
from evallib import Clip  # noqa: E402

pytestmark = pytest.mark.model


def test_real_danish_speech_sets_off_no_command_offline_or_live():
    audio = DATA / "nst_danspeech_u0042008.wav"
    clip = Clip("da", audio, audio.with_suffix(".txt").read_text(encoding="utf-8"))
    heard = eval_negatives.hear([clip], "base")[audio.stem]
    settings = eval_negatives.note_settings()
    for mode in eval_negatives.MODES:
        utterances = heard[mode]
        assert sum(len(u.words) for u in utterances) >= 8, (mode, utterances)
        assert eval_negatives.false_alarms(settings, utterances) == [], (mode, utterances)
