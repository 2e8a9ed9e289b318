"""Which words are marked for review, and with whose threshold."""

from __future__ import annotations

from dictate.notes.review import DEFAULT_CONFIDENCE_THRESHOLD, confidence_threshold, review_reason


def test_negations_and_numbers_are_always_marked_whatever_the_confidence():
    assert review_reason("ikke", 0.99, "da") == "negation"
    assert review_reason("no", 0.99, "en") == "negation"
    assert review_reason("0,5", 0.99, "da") == "number"
    assert review_reason("godt", 0.99, "da") is None


def test_the_uncertain_threshold_is_the_models_and_the_languages():
    base_da = confidence_threshold("whisper-base", "da")
    assert base_da < DEFAULT_CONFIDENCE_THRESHOLD  # base is unsure of most Danish words: marks must mean more
    assert confidence_threshold("hviske", "da") == DEFAULT_CONFIDENCE_THRESHOLD  # not calibrated: the default
    word = base_da + 0.05
    assert review_reason("borgeren", word, "da", base_da) is None
    assert review_reason("borgeren", word, "da", DEFAULT_CONFIDENCE_THRESHOLD) == "uncertain"
