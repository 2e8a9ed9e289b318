"""Honest scoring: digits and spelled-out numbers count as the same word (scripts/numnorm.py),
in Danish and English, while strict scoring and every other word stay as they were."""

from __future__ import annotations

import sys

import pytest
from support import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from evallib import score  # noqa: E402
from numnorm import Token, normalise, normalise_numbers, number_tokens  # noqa: E402

# (language, reference as the shared eval writes it, hypothesis as Whisper writes it)
SAME = [
    ("da", "seksoghalvtreds tusind seks hundrede og enogtredive", "56631"),
    ("da", "seksoghalvtreds tusind seks hundrede og enogtredive", "56.631"),
    ("da", "fireogtyve", "24"),
    ("da", "fem og tyve", "25"),
    ("da", "halvtreds tres halvfjerds firs halvfems", "50 60 70 80 90"),
    ("da", "hundrede og fyrre", "140"),
    ("da", "otteogtredive komma fem", "38,5"),
    ("da", "otteogtredive komma fem", "38.5"),
    ("da", "nitten hundrede og treogtres", "1963"),
    ("da", "hundrede og fyrre over halvfems", "140/90"),
    ("da", "den femte maj", "den 5. maj"),
    ("da", "den enogtyvende maj", "den 21. maj"),
    ("da", "tester en to tre fire fem seks syv otte", "Tester 1, 2, 3, 4, 5, 6, 7, 8"),
    ("da", "fem milligram", "5 mg"),
    ("en", "twenty four", "24"),
    ("en", "twenty-four", "24"),
    ("en", "five by six", "5 by 6"),
    ("en", "one hundred and five", "105"),
    ("en", "two thousand five hundred", "2,500"),
    ("en", "thirty eight point five", "38.5"),
    ("en", "nineteen sixty three", "1963"),
    ("en", "nineteen oh five", "1905"),
    ("en", "twenty twenty-four", "2024"),
    ("en", "the fifteenth century", "the 15th century"),
    ("en", "the twenty-first", "the 21st"),
    ("en", 'the Gutenberg, or "forty-two line Bible" of about 1455,', "the Gutenberg or 42 line Bible of about 1455."),
]

# Different words stay different: normalising must never turn an error into a hit.
DIFFERENT = [
    ("da", "fem", "6"),
    ("da", "fireogtyve", "42"),
    ("da", "et hus", "1 hus"),  # "et" is not "en"
    ("da", "femte", "5"),  # an ordinal is not a cardinal
    ("da", "en anden dag", "en 2 dag"),
    ("da", "otteogtredive komma fem", "385"),
    ("en", "fifteenth", "15"),
    ("en", "twenty four", "20 for"),
    ("en", "a second", "a 2"),
    ("en", "nineteen sixty three", "1936"),
]


@pytest.mark.parametrize(("language", "reference", "hypothesis"), SAME)
def test_a_number_counts_the_same_in_digits_and_in_words(language, reference, hypothesis):
    assert normalise(reference) != normalise(hypothesis)  # strictly an error
    assert normalise_numbers(reference, language) == normalise_numbers(hypothesis, language)


@pytest.mark.parametrize(("language", "reference", "hypothesis"), DIFFERENT)
def test_a_different_number_stays_an_error(language, reference, hypothesis):
    assert normalise_numbers(reference, language) != normalise_numbers(hypothesis, language)


@pytest.mark.parametrize(("language", "text", "canonical"), [
    ("da", "seksoghalvtreds tusind seks hundrede og enogtredive", "56631"),
    ("da", "Tester 1, 2, 3.", "tester en 2 3"),  # a lone 1 is the word "en" ...
    ("da", "en sol og en måne", "en sol og en måne"),  # ... so an article stays an article
    ("da", "den 5. maj", "den 5. maj"),
    ("da", "Han blev nr. 5.", "han blev nr 5"),  # at a sentence's end "5." is a cardinal
    ("da", "klokken halv otte", "kl 7,30"),
    ("da", "1.234,5", "1234,5"),
    ("en", "at 8:30", "at 8.30"),
    ("en", "1,500 mg", "1500 mg"),
    ("en", "eleven fifteen", "11 15"),  # a clock time, not the year 1115
    ("en", "the 2nd", "the second"),
    ("en", "Twenty-Four", "24"),
])
def test_the_canonical_form(language, text, canonical):
    assert normalise_numbers(text, language) == canonical


def test_other_languages_are_scored_strictly():
    assert normalise_numbers("Fünf, 5 und 1.500.", "de") == normalise("Fünf, 5 und 1.500.") == "fünf 5 und 1 500"


def test_tokens_know_the_words_they_came_from():
    words = ["Blodtryk", "hundrede", "og", "fyrre", "over", "halvfems.", "Tester", "1,"]
    assert number_tokens(words, "da") == [
        Token("blodtryk", (0,)), Token("140", (1, 2, 3, 4, 5)), Token("90", (1, 2, 3, 4, 5)),
        Token("tester", (6,)), Token("en", (7,)),
    ]
    assert number_tokens(["forty-two-line"], "en") == [Token("42", (0,)), Token("line", (0,))]


# Three clips of ../shared/eval (NST, CC0) and what base int8 wrote for them on a 2-core AMD EPYC.
SHARED = [
    ("tester en to tre fire fem seks syv otte", "Tester 1, 2, 3, 4, 5, 6, 7, 8"),
    ("gaden er lukket for gennemgående færdsel ti måneder om året men man kan køre udenom hvis man drejer til "
     "højre i krydset", "Gardene lukket for gemgående færdselt 10 måneder i mord, men man kan køre ugen om, hvis "
     "man drætter højere i krydset."),
    ("flere danske og udenlandske arkitektfirmaer har ønsket at deltage i konkurrencen og fem er udvalgt",
     "Flere danske udenlandsker er tæk 4, med at højenskere deltager i konkurrensen og 5 er udvald."),
]


def test_strict_and_normalised_differ_by_the_numbers_written_in_digits():
    refs, hyps = zip(*SHARED)
    words = sum(len(r.split()) for r in refs)
    scores = score(list(refs), list(hyps), "da")
    # 8 + 1 + 1 numbers in digits: the ten errors that moved base from 0.483 to 0.435 on the shared set
    assert round(scores.wer * words) - round(scores.wer_numbers * words) == 10
    assert scores.cer_numbers < scores.cer
    assert score([SHARED[0][0]], [SHARED[0][1]], "da").wer_numbers == 0
    english = score(["Five by six, then twenty-four."], ["5 by 6, then 24."], "en")
    assert english.wer == 4 / 6 and english.wer_numbers == 0.0  # five, six, twenty four: 2 + 2


def test_strict_and_normalised_agree_where_no_numbers_are_involved():
    refs = ["hvad synes du om den nye bank der åbnede i går dernede på hjørnet over for kirken",
            "det er en myte at det hovedsageligt er svage grupper der hjælpes"]
    hyps = ["Hvad synes du om den ny bank der åbne i går og denne på hjørn over forkirken?",
            "Det er en myde, at det højselig er svag i grupper, der hjælpes."]
    scores = score(refs, hyps, "da")
    assert scores.wer > 0.2
    assert (scores.wer, scores.cer) == (scores.wer_numbers, scores.cer_numbers)
    english = score(["And so my fellow Americans, ask not what your country can do for you."],
                    ["And so my fellow Americans ask what your country can do for you"], "en")
    assert english.wer > 0 and (english.wer, english.cer) == (english.wer_numbers, english.cer_numbers)
