"""Clean text from the recogniser's words (issue 17, point 5).

faster-whisper hands on its words with a leading space where the model wrote one, and
cuts the model's text at punctuation to time it: "6,53600 og 1,3." comes as " 6",
",53600", " og", " 1", ",3."; "Spinnaten-Dampes" as " Spinnaten", "-Dampes". The tests
feed the words exactly that way, through the recogniser's edge (dictate.speech.whisper)
into the interpreter and the note. What came from where: docs/models.md, "Words as the
model writes them".
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dictate.catalog.commands import load_commands
from dictate.catalog.layouts import load_layout
from dictate.notes.note import Token, join_tokens
from dictate.notes.pipeline import NoteSettings, build_note
from dictate.speech.streamer import Commit
from dictate.speech.whisper import _words
from dictate.words import Utterance, Word

SETTINGS = NoteSettings(layout=load_layout("fsiii"), commands=load_commands("da"), language="da")


def pieces(*texts: str, start: float = 0.0) -> list[dict]:
    """faster-whisper's aligned words (as `find_alignment` gives them to the live decoder)."""
    return [{"word": text, "start": start + i * 0.3, "end": start + i * 0.3 + 0.25, "probability": 0.9}
            for i, text in enumerate(texts)]


def segment(*texts: str, start: float = 0.0) -> SimpleNamespace:
    """A faster-whisper segment with these words (as `WhisperModel.transcribe` gives them)."""
    return SimpleNamespace(words=[SimpleNamespace(**piece) for piece in pieces(*texts, start=start)])


def note_text(*segments: SimpleNamespace) -> str:
    """The note's text when each segment is one utterance, through the recogniser's edge."""
    note, _ = build_note([Utterance(tuple(_words(s))) for s in segments], SETTINGS)
    return "\n".join(section.text for section in note.filled_sections())


# -- the strings of the issue ----------------------------------------------------------------


def test_no_space_before_a_comma_in_the_model_s_number():
    # "seksoghalvtreds tusind seks hundrede og enogtredive", as the model wrote it. The digits
    # "53600" are one word of the model's ("," "5" "36" "00" without a space) and stay as
    # written: digits the recogniser wrote are never changed.
    assert note_text(segment(" 6", ",53600", " og", " 1", ",3.")) == "6,53600 og 1,3."


@pytest.mark.parametrize(("texts", "written"), [
    ((" Spinnaten", "-Dampes"), "Spinnaten-Dampes"),
    ((" Hun", " brugte", " top", "-texter."), "Hun brugte top-texter."),
])
def test_a_piece_that_starts_with_a_hyphen_stays_on_its_word(texts, written):
    assert note_text(segment(*texts)) == written


def test_the_live_decoder_s_words_are_written_alike():
    from dictate.speech.whisper import _chunk_words

    # nst_danspeech_u0013002 ("tester en to tre ... otte") through the live decoder, and the
    # padding after 2.6 s of audio ("og" starts at 2.7 s: it was not said).
    words = _chunk_words(pieces(" Tester", " 1", ",2", ",3", ",4", ",5", ",6", ",7", ",åde.", " og"), 2.6)
    assert [w.text for w in words] == ["Tester", "1,2,3,4,5,6,7,åde."]
    assert (words[1].start, words[1].end) == (0.3, 2.6)
    assert Commit(tuple(words), end_of_utterance=True, emitted_at=4.0).text == "Tester 1,2,3,4,5,6,7,åde."
    assert note_text(segment(" Tester", " 1", ",2", ",3", ",4", ",5", ",6", ",7", ",åde.")) == \
        "Tester 1,2,3,4,5,6,7,åde."


def test_an_abbreviation_cut_at_its_full_stop_stays_one_word():
    # "bl.a." comes as " bl" + ".a." (and an empty word where faster-whisper moved the ".").
    assert note_text(segment(" Han", " fik", " bl", ".a.", "", " 2", " tabletter.")) == "Han fik bl.a. 2 tabletter."


def test_no_capital_after_an_abbreviation_s_full_stop():
    assert note_text(segment(" Han", " fik", " bl", ".a.", " skoen", " på.")) == "Han fik bl.a. skoen på."
    assert note_text(segment(" Hun", " kom", " kl.", " otte.", " hun", " sov.")) == "Hun kom kl. 8. Hun sov."


def test_a_comma_from_the_next_decode_goes_against_the_word_before():
    # The live streamer commits "6" from one decode and ",53600" from the next: two words.
    first, second = _words(segment(" 6")), _words(segment(",53600", " og", " 1", ",3.", start=0.3))
    assert Commit(tuple(first + second), end_of_utterance=True, emitted_at=2.0).text == "6,53600 og 1,3."
    note, _ = build_note([Utterance(tuple(first + second))], SETTINGS)
    assert note.sections["general"].text == "6,53600 og 1,3."


# -- digits of separate pieces never run together -------------------------------------------


def test_digits_of_separate_pieces_stay_apart():
    # The model's "6,5 3600": the space it wrote stays.
    assert note_text(segment(" 6", ",5", " 3600", " og", " 1", ",3.")) == "6,5 3600 og 1,3."
    # A decode that begins without a space ("3600" after "6,5" in the one before) is not
    # glued to it: across decodes a missing space says nothing, and "6,53600" is a wrong number.
    assert note_text(segment(" 6", ",5"), segment("3600", " og", " 1", ",3.", start=1.0)) == "6,5 3600 og 1,3."


@pytest.mark.parametrize(("texts", "written"), [
    # The model wrote the number in pieces: the words between its digits stay words, where
    # digits for them would make "56 1000 600" or "56000 600".
    ((" 56", " tusind", " 600", " og", " 31."), "56 tusind 600 og 31."),
    ((" 56", " tusind", " seks", " hundrede", " og", " enogtredive."), "56 tusind 631."),
    ((" Seksoghalvtreds", " tusind", " 600", " og", " 31."), "Seksoghalvtreds tusind 600 og 31."),
    # "2 500 mg" reads as 2500 mg.
    ((" Giv", " to", " 500", " mg."), "Giv to 500 mg."),
    # Spoken in full, the number is written in full.
    ((" seksoghalvtreds", " tusind", " seks", " hundrede", " og", " enogtredive."), "56631."),
])
def test_a_number_written_in_pieces_is_not_formatted_into_another(texts, written):
    assert note_text(segment(*texts)) == written


def test_a_hyphen_after_a_space_is_the_model_s_minus_or_dash():
    assert note_text(segment(" Temperatur", " -5", " grader.")) == "Temperatur -5 grader."
    assert note_text(segment(" I", " 2", "-3", " dage.")) == "I 2-3 dage."


# -- properties of the word joiners ---------------------------------------------------------

BODIES = st.text(alphabet="abcøé019,.;:?!-'/", min_size=1, max_size=6)
CLOSING = re.compile(r" [,;:?!]| \.(?![0-9])")


@st.composite
def recogniser_pieces(draw) -> list[str]:
    """Pieces as faster-whisper might give them: a body, with or without a space before it.
    A spaced piece does not start with "-": that is the model's minus or dash, and keeps its space."""
    bodies = draw(st.lists(BODIES, min_size=1, max_size=12))
    spaced = draw(st.lists(st.booleans(), min_size=len(bodies), max_size=len(bodies)))
    return [" " + body if i == 0 or (space and not body.startswith("-")) else body
            for i, (body, space) in enumerate(zip(bodies, spaced))]


def _alnum_owners(texts: list[str]) -> list[int]:
    """For each letter or digit of the texts in order, the index of the text it is in."""
    return [i for i, text in enumerate(texts) for c in text if c.isalnum()]


def _check_clean(joined: str, texts: list[str]) -> None:
    # No space before closing punctuation (a "." before a digit may open a number: ".5").
    assert not CLOSING.search(joined), joined
    # No space before a hyphen that opened a piece without one ("Spinnaten -Dampes").
    assert not re.search(r" -(?=[^\s-])", joined), joined
    # Every letter and digit survives, in order ...
    assert [c for c in joined if c.isalnum()] == [c for t in texts for c in t if c.isalnum()], joined
    # ... and digits next to each other come from one piece.
    owners, i = _alnum_owners(texts), 0
    for a, b in zip(joined, joined[1:]):
        if a.isalnum():
            if a.isdigit() and b.isdigit():
                assert owners[i] == owners[i + 1], (joined, texts)
            i += 1


@settings(max_examples=500, deadline=None)
@given(recogniser_pieces())
def test_written_words_join_cleanly(texts):
    from dictate.words import join_words, written_words

    words = written_words(Word(t, i * 0.3, i * 0.3 + 0.2, 0.9) for i, t in enumerate(texts))
    joined = join_words(words)
    _check_clean(joined, texts)
    # Within one decode, the text is the model's own (faster-whisper's segment text).
    if all(t[:1] == " " or not t[:1].isalnum() for t in texts[1:]):
        model_text = "".join(texts).strip()
        assert joined == re.sub(r" (?=[,;:?!]|\.(?![0-9]))", "", model_text)


@settings(max_examples=500, deadline=None)
@given(st.lists(BODIES.filter(lambda b: not b.startswith("-")), min_size=1, max_size=12))
def test_the_note_joins_words_cleanly(texts):
    # Words as the streamer hands them to the note, one per decode: nothing is glued yet.
    tokens = [Token(text=t, kind="word", word=Word(t, 0.0, 0.1, 0.9)) for t in texts]
    _check_clean(join_tokens(tokens), texts)


@settings(max_examples=300, deadline=None)
@given(recogniser_pieces())
def test_notes_from_any_pieces_have_no_space_before_closing_punctuation(texts):
    text = note_text(segment(*texts))
    assert not CLOSING.search(text), (texts, text)
    assert not re.search(r" -(?=[^\s-])", text), (texts, text)
