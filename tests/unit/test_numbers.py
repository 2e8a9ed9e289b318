"""Spoken numbers to written numbers (dictate.interpret.numbers).

Each case is (spoken words, expected note text, the values spoken). The values
are worked out in the table by hand, never by the code under test, so that a
wrong number is caught even if the expected text has a typo.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from dictate.interpret.numbers import NumberSpan, find_numbers, format_numbers


def t(hour: int, minute: int) -> str:
    """A clock time as the note writes it ("7.30"), read as a number."""
    return f"{hour}.{minute:02d}"


def case(spoken: str, written: str, *values: int | str) -> object:
    return pytest.param(spoken, written, tuple(Decimal(str(v)) for v in values), id=spoken)


DANISH = [
    # -- number words ---------------------------------------------------------------
    case("Patienten fik to tabletter", "Patienten fik 2 tabletter", 2),
    case("Smerter nul ud af ti", "Smerter 0 ud af 10", 0, 10),
    case("Der var elleve borgere", "Der var 11 borgere", 11),
    case("tolv timer efter", "12 timer efter", 12),
    case("Hun sov tyve minutter", "Hun sov 20 minutter", 20),
    case("enogtyve dage", "21 dage", 1 + 20),
    case("en og tyve dage", "21 dage", 1 + 20),
    case("Hun er fireogfirs år", "Hun er 84 år", 4 + 80),
    case("fire og firs år gammel", "84 år gammel", 4 + 80),
    case("Puls halvfems", "Puls 90", 90),
    case("hundrede meter", "100 meter", 100),
    case("Puls hundrede og tolv", "Puls 112", 100 + 12),
    case("tusind to hundrede", "1200", 1000 + 2 * 100),
    case("tusind og fem", "1005", 1000 + 5),
    case("født nitten hundrede og otteogtredive", "født 1938", 19 * 100 + 8 + 30),
    case("år to tusind og femogtyve", "år 2025", 2 * 1000 + 5 + 20),
    case("Otte tabletter", "8 tabletter", 8),  # capitalised number word: digits have no case
    case("to tre dage", "2 3 dage", 2, 3),  # two numbers stay two numbers
    case("seksoghalvtreds tusind seks hundrede og enogtredive", "56631", (6 + 50) * 1000 + 6 * 100 + 1 + 30),
    # -- a number the recogniser wrote in pieces: digits never touch other digits ---------
    case("56 tusind 600 og 31", "56 tusind 600 og 31", 56, 600, 31),  # not "56 1000 600"
    case("56 tusind seks hundrede og enogtredive", "56 tusind 631", 56, 6 * 100 + 1 + 30),
    case("seksoghalvtreds tusind 600 og 31", "seksoghalvtreds tusind 600 og 31", 600, 31),  # not "56000 600"
    case("6,5 tusind seks hundrede", "6,5 tusind 600", "6.5", 6 * 100),  # not "6,5 1600"
    case("to 500 mg", "to 500 mg", 500),  # "2 500 mg" reads 2500 mg
    case("tre seks hundrede", "tre seks hundrede"),  # "3 600" reads 3600
    case("tyve og fem", "20 og 5", 20, 5),  # not a Danish compound
    # -- "en"/"et": article unless something makes it a number ----------------------
    case("Hun tog en tablet", "Hun tog en tablet"),
    case("Der er et sår på hælen", "Der er et sår på hælen"),
    case("Hun fik én tablet", "Hun fik 1 tablet", 1),  # stressed "én" is the numeral
    case("en gang dagligt", "en gang dagligt"),
    case("en halv tablet", "en halv tablet"),
    case("halvanden tablet", "halvanden tablet"),
    case("Vi gik en og en", "Vi gik en og en"),
    case("et par dage", "et par dage"),
    case("en til to tabletter", "1 til 2 tabletter", 1, 2),
    case("en eller to gange", "1 eller 2 gange", 1, 2),
    case("en milligram", "1 mg", 1),
    case("et gram", "1 g", 1),
    case("en liter vand", "1 l vand", 1),
    case("en enhed", "en enhed"),
    case("et hundrede og fyrre", "140", 100 + 40),
    case("Tusind tak for i dag", "Tusind tak for i dag"),
    # -- decimals --------------------------------------------------------------------
    case("otte komma fem", "8,5", "8.5"),
    case("en komma fem milligram", "1,5 mg", "1.5"),
    case("Temperatur 38 komma 5", "Temperatur 38,5", "38.5"),
    case("nul komma fem milligram", "0,5 mg", "0.5"),
    case("to komma femogtyve milligram", "2,25 mg", "2.25"),
    case("to komma to fem milligram", "2,25 mg", "2.25"),  # digit by digit before a unit
    case("otte og tredive komma fem to gange", "38,5 2 gange", "38.5", 2),  # ... but not otherwise
    case("Temperatur 38,5", "Temperatur 38,5", "38.5"),
    case("Temp 38.5", "Temp 38.5", "38.5"),  # alone "38.5" might be a time: kept
    case("38.5 grader", "38,5 °C", "38.5"),
    case("1.5 mg", "1,5 mg", "1.5"),
    case("1.500 mg", "1.500 mg", "1.500"),  # Danish thousands: kept as written
    case("to komma fem hundrede milligram", "2 komma 500 mg", 2, 5 * 100),  # "2, 500 mg", not 2,5
    case("otte komma nul", "8,0", "8.0"),  # as spoken; the note shows what was said
    case("Hun sagde ja komma nej", "Hun sagde ja komma nej"),
    case("Han fik fem komma", "Han fik 5 komma", 5),
    # -- blood pressure ---------------------------------------------------------------
    case("Blodtryk hundrede og fyrre over halvfems.", "Blodtryk 140/90.", 100 + 40, 90),
    case("BT 140 over 90", "BT 140/90", 140, 90),
    case("hundrede og tyve over firs", "120/80", 100 + 20, 80),
    case("Blodtryk hundrede fyrre over halvfems", "Blodtryk 140/90", 100 + 40, 90),
    case("Et hundrede og fyrre over halvfems", "140/90", 100 + 40, 90),
    case("to hundrede over hundrede og ti", "200/110", 200, 100 + 10),
    case("Hun klager over smerter", "Hun klager over smerter"),
    case("feber over 38", "feber over 38", 38),
    case("Ventetid over to uger", "Ventetid over 2 uger", 2),
    case("fem over otte", "5 over 8", 5, 8),  # a clock time, not 5/8
    case("fra 12 over 10 dage", "fra 12 over 10 dage", 12, 10),
    case("BT 140/90 mmHg", "BT 140/90 mmHg", 140, 90),
    # -- units -----------------------------------------------------------------------
    case("fem milligram", "5 mg", 5),
    case("Panodil fem hundrede milligram", "Panodil 500 mg", 5 * 100),
    case("120 milligram", "120 mg", 120),
    case("to hundrede og halvtreds milliliter", "250 ml", 2 * 100 + 50),
    case("femten hundrede milliliter", "1500 ml", 15 * 100),
    case("ilt to liter", "ilt 2 l", 2),
    case("ti mikrogram", "10 mikrogram", 10),  # written out: µg is misread as mg
    case("blodsukker syv komma to millimol per liter", "blodsukker 7,2 mmol/l", "7.2"),
    case("syv millimol pr. liter", "7 mmol/l", 7),
    case("kalium tyve millimol", "kalium 20 mmol", 20),  # an amount, not a concentration
    case("Saturation femoghalvfems procent", "Saturation 95 %", 5 + 90),
    case("vægt tooghalvfjerds kilo", "vægt 72 kg", 2 + 70),
    case("sår på tre centimeter", "sår på 3 cm", 3),
    case("fem millimeter dybt", "5 mm dybt", 5),
    case("Insulin tolv enheder", "Insulin 12 enheder", 12),
    case("tyve internationale enheder", "20 IE", 20),
    case("Temperatur otteogtredive komma fem grader", "Temperatur 38,5 °C", "38.5"),
    case("Temperatur 39 grader", "Temperatur 39 °C", 39),
    case("tyve grader celsius", "20 °C", 20),
    case("hovedgærdet hævet 30 grader", "hovedgærdet hævet 30 grader", 30),
    case("hovedgærdet hævet fyrre grader", "hovedgærdet hævet 40 grader", 40),  # 40 is an angle here
    case("minus fem grader", "minus 5 grader", 5),
    # -- clock times -----------------------------------------------------------------
    case("klokken otte", "kl. 8", 8),
    case("Klokken otte", "Kl. 8", 8),
    case("Hun kom klokken otte.", "Hun kom kl. 8.", 8),
    case("klokken halv otte", "kl. 7.30", t(8 - 1, 30)),
    case("klokken kvart over otte", "kl. 8.15", t(8, 15)),
    case("klokken kvart i otte", "kl. 7.45", t(8 - 1, 60 - 15)),
    case("klokken otte tredive", "kl. 8.30", t(8, 30)),
    case("klokken fjorten", "kl. 14", 14),
    case("klokken 8", "kl. 8", 8),
    case("kl. otte", "kl. 8", 8),
    case("klokken tolv", "kl. 12", 12),
    case("klokken halv et", "kl. 12.30", t(12, 30)),  # half an hour before one
    case("klokken et", "kl. 1", 1),
    case("klokken fem over otte", "kl. 8.05", t(8, 5)),
    case("klokken ti i ni", "kl. 8.50", t(9 - 1, 60 - 10)),
    case("klokken fem over halv otte", "kl. 7.35", t(8 - 1, 30 + 5)),
    case("klokken nitten nul fem", "kl. 19.05", t(19, 5)),
    case("klokken halv 8", "kl. halv 8", 8),  # the recogniser's digit stays as written
    case("kl. halv 8", "kl. halv 8", 8),
    case("klokken fem over 8", "kl. 5 over 8", 5, 8),
    case("klokken 14.30", "kl. 14.30", t(14, 30)),
    case("klokken ti i dag", "kl. 10 i dag", 10),
    case("klokken er mange", "klokken er mange"),
    case("klokken otte og tredive", "klokken otte og tredive"),  # 38 o'clock: left as spoken
    case("klokken 25", "klokken 25", 25),
    case("Klokken er otte", "Klokken er 8", 8),
    case("mellem klokken otte og ni", "mellem kl. 8 og 9", 8, 9),
    # -- punctuation boundaries ------------------------------------------------------
    case("Puls hundrede. Og fyrre minutter efter", "Puls 100. Og 40 minutter efter", 100, 40),
    case("hundrede og fyrre, over halvfems", "140, over 90", 100 + 40, 90),
    case("to, komma fem", "2, komma 5", 2, 5),
    case("Se klokken. Otte patienter", "Se klokken. 8 patienter", 8),
    case("fem? Milligram", "5? Milligram", 5),
    case("Dosis: fem milligram.", "Dosis: 5 mg.", 5),
    case("(fem milligram)", "(5 mg)", 5),
    case("tyve og fem; tyve", "20 og 5; 20", 20, 5, 20),
    # -- left alone ------------------------------------------------------------------
    case("første gang", "første gang"),
    case("Det er tredje dag", "Det er tredje dag"),
    case("anden gang i dag", "anden gang i dag"),
    case("dobbelt dosis", "dobbelt dosis"),
    case("Ring 12 34 56 78", "Ring 12 34 56 78", 12, 34, 56, 78),
    case("+45 12 34 56 78", "+45 12 34 56 78", 45, 12, 34, 56, 78),
    # -- already formatted: passes through unchanged -----------------------------------
    case("kl. 7.30", "kl. 7.30", t(7, 30)),
    case("Kl. 8", "Kl. 8", 8),
    case("38,5 °C", "38,5 °C", "38.5"),
    case("5 mg", "5 mg", 5),
    case("12 %", "12 %", 12),
    case("7,2 mmol/l", "7,2 mmol/l", "7.2"),
    case("20 IE", "20 IE", 20),
    case("BT 140/90.", "BT 140/90.", 140, 90),
]

ENGLISH = [
    case("gave two tablets", "gave 2 tablets", 2),
    case("one forty over ninety", "140/90", 100 + 40, 90),
    case("blood pressure 140 over 90", "blood pressure 140/90", 140, 90),
    case("one hundred and twenty over eighty", "120/80", 100 + 20, 80),
    case("temperature thirty eight point five degrees", "temperature 38.5 °C", "38.5"),
    case("five hundred milligrams", "500 mg", 5 * 100),
    case("zero point five milligrams", "0.5 mg", "0.5"),
    case("twenty-one days", "21 days", 20 + 1),
    case("saturation ninety five percent", "saturation 95%", 90 + 5),
    case("ten units of insulin", "10 units of insulin", 10),
    case("one tablet", "one tablet"),
    case("one or two tablets", "1 or 2 tablets", 1, 2),
    case("a hundred and one degrees", "101 degrees", 100 + 1),  # Fahrenheit: not °C
    case("at eight o'clock", "at 8 o'clock", 8),
    case("eight a.m.", "8 a.m.", 8),
    case("at eight thirty", "at 8:30", t(8, 30)),
    case("5 thousand patients", "5 thousand patients", 5),  # not "5 1000"
    case("two 500 mg tablets", "two 500 mg tablets", 500),
    case("complains over the weekend", "complains over the weekend"),
]

ALL = [("da", *p.values) for p in DANISH] + [("en", *p.values) for p in ENGLISH]

ODD_INPUTS: list[list[str]] = [
    [], [""], [" "], ["komma"], ["over"], ["klokken"], ["kl."], ["1e9"], ["½"], ["−5"], ["٣"], ["０"],
    ["9" * 5000], ["klokken", "9" * 5000], ["9" * 5000, "over", "9" * 4999], ["9" * 5000, "komma", "5"],
    ["tusind"] * 60, ["hundrede", "og"] * 30, ["en"] * 20, [".", ",", "?"], ["hundrede", "og"],
    ["to", "komma"], ["klokken", "halv"], ["klokken", "kvart", "over"], ["klokken", "fem", "over", "halv"],
    ["fyrre", "over"], ["140", "over", "90", "over", "60"], ["kl.", "25"], ["kl.", "8:75"], ["12:99"],
    ["38.5.5"], ["otte\u00a0tredive"], ["fem\n"], ["NaN"], ["∞"], ["grader"], ["procent"],
    ["komma", "komma", "fem"], ["over", "over", "over"], ["klokken", "klokken", "otte"],
    ["to", "komma", "to", "fem", "fem", "fem"], ["one", "forty"], ["point", "five"],
]


def values_in(text: str) -> list[Decimal]:
    """The numbers written in `text`, "7.30", "38,5" and "8:30" each read as one."""
    return [Decimal(re.sub("[,:]", ".", m)) for m in re.findall(r"[0-9]+(?:[.,:][0-9]+)?", text)]


def keeps_digits(before: str, after: str) -> bool:
    """Whether every digit run of `before` is in `after`, in order: digits the
    recogniser wrote are never altered ("38 komma 5" -> "38,5" keeps 38 and 5)."""
    runs = iter(re.findall("[0-9]+", after))
    return all(run in runs for run in re.findall("[0-9]+", before))


def formatted(text: str, language: str) -> str:
    return " ".join(format_numbers(text.split(), language))


@pytest.mark.parametrize(("spoken", "written", "values"), DANISH)
def test_danish(spoken: str, written: str, values: tuple[Decimal, ...]) -> None:
    assert formatted(spoken, "da") == written


@pytest.mark.parametrize(("spoken", "written", "values"), ENGLISH)
def test_english(spoken: str, written: str, values: tuple[Decimal, ...]) -> None:
    assert formatted(spoken, "en") == written


def test_the_table_is_big_enough() -> None:
    assert len(DANISH) >= 60
    assert len(ENGLISH) >= 10


@pytest.mark.parametrize(("language", "spoken", "written", "values"), ALL)
def test_values_are_the_values_spoken(language: str, spoken: str, written: str,
                                      values: tuple[Decimal, ...]) -> None:
    assert values_in(written) == list(values), "the table itself is inconsistent"
    assert values_in(formatted(spoken, language)) == list(values)


@pytest.mark.parametrize(("language", "spoken", "written", "values"), ALL)
def test_idempotent(language: str, spoken: str, written: str, values: tuple[Decimal, ...]) -> None:
    once = format_numbers(spoken.split(), language)
    assert format_numbers(once, language) == once
    # ... also when the recogniser hears the formatted text as separate words again.
    assert formatted(" ".join(once), language) == " ".join(once)


def _inputs() -> list[tuple[str, list[str]]]:
    return [(language, spoken.split()) for language, spoken, _, _ in ALL] + \
        [(language, words) for words in ODD_INPUTS for language in ("da", "en")]


def _check_spans(words: list[str], spans: list[NumberSpan]) -> None:
    previous_end = 0
    for span in spans:
        assert previous_end <= span.start < span.end <= len(words), spans
        assert span.text
        previous_end = span.end
        # Never across a sentence end, comma, colon or semicolon ("kl." is an abbreviation).
        for word in words[span.start:span.end - 1]:
            word = word.strip()
            assert word[-1:] not in ".?!,;:" or word.casefold() in ("kl.", "pr."), (words, span)


@pytest.mark.parametrize(("language", "words"), _inputs())
def test_spans_are_sorted_disjoint_and_in_range(language: str, words: list[str]) -> None:
    _check_spans(words, find_numbers(words, language))


@pytest.mark.parametrize(("language", "words"), _inputs())
def test_digits_already_written_are_kept(language: str, words: list[str]) -> None:
    assert keeps_digits(" ".join(words), " ".join(format_numbers(words, language)))


@pytest.mark.parametrize("words", ODD_INPUTS)
@pytest.mark.parametrize("language", ["da", "en", "de", ""])
def test_never_raises(language: str, words: list[str]) -> None:
    spans = find_numbers(words, language)
    assert isinstance(spans, list)
    format_numbers(words, language)


def test_unknown_language_changes_nothing() -> None:
    assert find_numbers(["klokken", "otte", "fem", "milligram"], "de") == []
    assert format_numbers(["otte"], "sv") == ["otte"]


def test_span_covers_the_words_and_keeps_punctuation() -> None:
    words = ["Blodtryk", "hundrede", "og", "fyrre", "over", "90.", "Puls", "firs."]
    assert find_numbers(words, "da") == [NumberSpan(1, 6, "140/90."), NumberSpan(7, 8, "80.")]


def test_recogniser_spacing_is_ignored() -> None:
    # faster-whisper words usually begin with a space.
    assert find_numbers([" Klokken", " halv", " otte,", " fem", " milligram."], "da") == [
        NumberSpan(0, 3, "Kl. 7.30,"), NumberSpan(3, 5, "5 mg."),
    ]


def test_formatted_text_yields_no_spans() -> None:
    for text in ("kl. 7.30", "38,5 °C", "BT 140/90", "5 mg", "12 %", "Kl. 8", "7,2 mmol/l"):
        assert find_numbers(text.split(), "da") == [], text


def test_temperature_needs_a_body_temperature_or_celsius() -> None:
    assert formatted("33 grader", "da") == "33 grader"
    assert formatted("34 grader", "da") == "34 °C"
    assert formatted("43 grader", "da") == "43 °C"
    assert formatted("44 grader", "da") == "44 grader"
    assert formatted("44 grader celsius", "da") == "44 °C"
    # An angle word anywhere in the utterance keeps "grader".
    assert formatted("lejret i 35 grader", "da") == "lejret i 35 grader"


hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies

_VOCABULARY = [
    "en", "et", "én", "to", "tre", "fem", "otte", "ti", "tolv", "femten", "tyve", "fyrre", "halvfems",
    "enogtyve", "hundrede", "tusind", "og", "komma", "over", "i", "halv", "kvart", "klokken", "Klokken",
    "kl.", "kl", "pr.", "per", "til", "eller", "milligram", "millimol", "liter", "procent", "grader",
    "celsius", "enheder", "hævet", "tak", "tablet", "5", "38", "38,5", "38.5", "1.500", "140/90", "8.30",
    "90.", "fem,", "otte.", "(to", "tre)", "%", "°C", "mg", "?", ",", "", "one", "forty", "ninety",
    "point", "a", "hundred", "degrees", "at", "thirty", "a.m.", "o'clock",
]


@hypothesis.settings(max_examples=400, deadline=None)
@hypothesis.given(
    words=st.lists(st.one_of(st.sampled_from(_VOCABULARY), st.text(max_size=6)), max_size=14),
    language=st.sampled_from(["da", "en"]),
)
def test_properties_on_random_word_lists(words: list[str], language: str) -> None:
    spans = find_numbers(words, language)
    _check_spans(words, spans)
    once = format_numbers(words, language)
    assert format_numbers(once, language) == once
    assert keeps_digits(" ".join(words), " ".join(once))
