"""What a misheard command word keeps, and what makes a heard word another word."""

from __future__ import annotations

import pytest

from dictate.interpret.soundalike import CLEAR, coda, first_vowel, loose_keyword_score, onset

LOOSE = 60.0  # the interpreter's LOOSE_KEYWORD_THRESHOLD


@pytest.mark.parametrize("heard", ["having", "heaven", "adding", "herding", "herden", "hedins", "hedin's"])
def test_what_base_writes_for_heading_still_sounds_like_it(heard):
    assert loose_keyword_score(heard, "heading") >= LOOSE


@pytest.mark.parametrize("heard", [
    "reading", "leading", "shedding",   # another first consonant
    "hiding", "hidden", "heiden",       # another first vowel
    "heard", "headed",                  # another ending
])
def test_other_words_near_heading_do_not(heard):
    assert loose_keyword_score(heard, "heading") == 0.0


def test_a_clear_command_word_is_not_judged_by_its_vowel_or_ending():
    assert loose_keyword_score("overskrif", "overskrift") >= CLEAR  # ends in "f", not "t": still the word
    assert coda("overskrif") != coda("overskrift")


def test_split_in_two_the_ending_says_nothing_but_the_vowel_still_does():
    assert loose_keyword_score("headand", "heading", split=True) >= LOOSE   # "Head and sleep."
    assert loose_keyword_score("hidein", "heading", split=True) == 0.0      # "Hide in food."


def test_the_parts_read_from_spelling():
    assert onset("having") == onset("adding") == onset("heading") == "V"  # a weak h, then a vowel
    assert onset("reading") == "r"
    assert first_vowel("heaven") == first_vowel("heading") == "open"
    assert first_vowel("heiden") == first_vowel("hiding") == "close"
    assert coda("having") == coda("heading") == coda("herden") == "n"
    assert coda("heard") == "d"
