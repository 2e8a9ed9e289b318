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


def test_a_heading_that_matched_none_is_to_review_until_its_utterance_is_undone():
    from dictate.catalog.commands import load_commands
    from dictate.catalog.layouts import load_layout
    from dictate.interpret.edits import ReplaceText, Undo
    from dictate.notes.pipeline import NoteSettings, build_note
    from dictate.notes.review import REVIEW_KINDS, review_items
    from dictate.words import Utterance, Word

    def utt(text: str, start: float) -> Utterance:
        return Utterance(tuple(Word(w, start + i * 0.5, start + i * 0.5 + 0.4, 0.95)
                               for i, w in enumerate(text.split())))

    assert "heading_unknown" in REVIEW_KINDS
    settings = NoteSettings(layout=load_layout("fsiii"), commands=load_commands("da"), language="da")
    note, _ = build_note([utt("Borgeren sov godt.", 0.0), utt("Overskrift bevægelighed. Går med rollator.", 4.0)],
                         settings)
    [item] = review_items(note)
    assert (item.kind, item.section, item.heading, item.text, item.start, item.candidates) == (
        "heading_unknown", "general", "Generelt", "bevægelighed", 4.0, (("I2", "Bevægeapparat"),))
    note.apply(ReplaceText("general", "Borgeren sov godt."))  # F4: the nurse took the words out ...
    assert [i.kind for i in review_items(note)] == ["heading_unknown"]  # ... the place is still to look at
    note.apply(Undo())
    note.apply(Undo())  # "slet det" takes the utterance back, and its mark with it
    assert review_items(note) == [] and note.sections["general"].text == "Borgeren sov godt."


def test_a_section_emptied_by_hand_leaves_no_heading_mark_behind():
    """F4, all text deleted: the review list must not point into a section the note no longer shows."""
    from dictate.catalog.commands import load_commands
    from dictate.catalog.layouts import load_layout
    from dictate.interpret.edits import ReplaceText
    from dictate.notes.pipeline import NoteSettings, build_note
    from dictate.notes.review import review_items
    from dictate.words import Utterance, Word

    settings = NoteSettings(layout=load_layout("fsiii"), commands=load_commands("da"), language="da")
    words = "Overskrift bevægelighed. Går med rollator.".split()
    note, _ = build_note([Utterance(tuple(Word(w, i * 0.5, i * 0.5 + 0.4, 0.95) for i, w in enumerate(words)))],
                         settings)
    assert [i.kind for i in review_items(note)] == ["heading_unknown"]
    note.apply(ReplaceText("general", "  "))
    assert review_items(note) == [] and note.filled_sections() == []
