"""Spoken numbers to written numbers: "hundrede og fyrre over halvfems" -> "140/90".

Whisper often writes numbers as words, but a care note needs digits, units and
times in the usual written form. `find_numbers` finds the stretches of words to
rewrite; the interpreter replaces each stretch by one word.

Safety first: a wrong number in a care note can hurt a patient, so the rules
never change a value, and when a reading is doubtful the words are left as
spoken. In particular:

- A lone "en"/"et" ("one") is an article ("en tablet", "et sår") and stays a
  word unless something makes it a number: a compound ("en og tyve"), a
  decimal ("en komma fem"), a unit ("en milligram"), "klokken", or a range
  ("en til to").
- "X over Y" becomes "X/Y" only when it is a plausible blood pressure: Danish
  "fem over ti" is a clock time (10.05), "over to uger" a duration.
- "grader" becomes "°C" only with "celsius" or for a body temperature
  (34-43) in an utterance that says nothing about raising or angling, since
  "hovedgærdet hævet 40 grader" is an angle.
- "enheder" is kept as spoken (only "internationale enheder" becomes "IE"):
  one utterance cannot show that the units are international units, and the
  written-out word, like "mikrogram", cannot be misread. "millimol" without
  "per liter" becomes "mmol", not "mmol/l": it may be an amount (kalium).
- After "komma", digits said one by one ("to komma to fem") are joined only
  before a unit (2,25 mg); otherwise "38 komma 5 to gange" would become 38,52.
- "38.5" becomes Danish "38,5" only before a unit, where it cannot be a time
  (8.30) or a thousands group (1.500).
- Digits the recogniser already wrote are kept as written ("klokken halv 8"
  becomes "kl. halv 8", not "kl. 7.30"), so formatted text passes through
  unchanged.

Pure Python, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["NumberSpan", "find_numbers", "format_numbers"]


@dataclass(frozen=True)
class NumberSpan:
    """Words `start`..`end` (exclusive) to be written as `text`.

    `text` includes the leading punctuation of the first word and the trailing
    punctuation of the last one, so it replaces the words completely.
    """

    start: int
    end: int
    text: str


# -- words as the recogniser writes them ------------------------------------------

# Punctuation that may open or close a word. Everything else stays in the body,
# so "38,5", "140/90", "°C", "−5" and "+45" are bodies and never half-parsed.
_LEAD = "([{\"'«„“‘¿¡"
_TRAIL = ".,;:!?…)]}\"'»”’"
# "kl. 8" and "mmol pr. liter": the full stop belongs to the abbreviation.
_ABBREVIATIONS = frozenset({"kl", "pr"})

_INT = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"([0-9]+)([.,])([0-9]+)")
_CLOCK = re.compile(r"([0-9]{1,2})(?:[.:]([0-9]{2}))?")


@dataclass(frozen=True)
class _Token:
    lead: str
    body: str
    trail: str

    @property
    def low(self) -> str:
        return self.body.casefold()


def _split(word: str) -> _Token:
    text = word.strip()
    a = 0
    while a < len(text) and text[a] in _LEAD:
        a += 1
    b = len(text)
    while b > a and text[b - 1] in _TRAIL:
        b -= 1
    return _Token(text[:a], text[a:b], text[b:])


# -- languages ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    text: str | None  # written form; None keeps the spoken words ("mikrogram")
    makes_number: bool = True  # whether it turns a lone "en" into 1 ("en milligram")


@dataclass(frozen=True)
class _Language:
    code: str
    small: Mapping[str, int]  # 0..19
    tens: Mapping[str, int]
    compound_units: Mapping[str, int]  # 1..9 as used inside a compound
    joined: Mapping[str, int]  # one-word compounds: "enogtyve", "twenty-one"
    digits: Mapping[str, int]  # spoken digits after a decimal word
    hundred: frozenset[str]
    thousand: frozenset[str]
    and_words: frozenset[str]
    articles: frozenset[str]  # number words that alone are usually an article
    multiplier_articles: frozenset[str]  # "a" in "a hundred"
    decimal_words: frozenset[str]
    decimal_sep: str
    over_words: frozenset[str]
    range_words: frozenset[str]
    units: Mapping[tuple[str, ...], _Unit]
    degree_words: frozenset[str]
    angle_words: frozenset[str]
    angle_stems: tuple[str, ...]
    percent_space: bool
    idioms: tuple[tuple[str, ...], ...]
    # What a bare remainder must reach to count without "og"/"and":
    # Danish "hundrede fyrre" is 140 but "hundrede to" is two numbers.
    bare_after_hundred: int
    bare_after_thousand: int
    clock_after: frozenset[str]  # words after an English time: "a.m", "o'clock"


def _units(table: Mapping[str, _Unit]) -> dict[tuple[str, ...], _Unit]:
    return {tuple(phrase.split()): unit for phrase, unit in table.items()}


def _danish() -> _Language:
    ones = {"en": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "syv": 7, "otte": 8, "ni": 9}
    small = {"nul": 0, **ones, "et": 1, "én": 1, "ét": 1, "ti": 10, "elleve": 11, "tolv": 12,
             "tretten": 13, "fjorten": 14, "femten": 15, "seksten": 16, "sytten": 17, "atten": 18,
             "nitten": 19}
    tens = {"tyve": 20, "tredive": 30, "tredve": 30, "fyrre": 40, "fyrretyve": 40, "halvtreds": 50,
            "halvtredsindstyve": 50, "tres": 60, "tresindstyve": 60, "halvfjerds": 70,
            "halvfjerdsindstyve": 70, "firs": 80, "firsindstyve": 80, "halvfems": 90,
            "halvfemsindstyve": 90}
    mmol_l = _Unit("mmol/l")
    celsius = _Unit("°C")
    units = _units({
        "milligram": _Unit("mg"), "mg": _Unit("mg"),
        "gram": _Unit("g"), "g": _Unit("g"),
        # Written out on purpose: "µg" is easily misread as "mg".
        "mikrogram": _Unit(None),
        "milliliter": _Unit("ml"), "ml": _Unit("ml"),
        "liter": _Unit("l"),
        "millimol per liter": mmol_l, "millimol pr liter": mmol_l, "mmol per liter": mmol_l,
        "mmol pr liter": mmol_l, "mmol/l": mmol_l,
        # Without "per liter" it may be an amount (kalium 20 mmol), not a concentration.
        "millimol": _Unit("mmol"), "mmol": _Unit("mmol"),
        "procent": _Unit("%"), "%": _Unit("%"),
        "kilo": _Unit("kg"), "kilogram": _Unit("kg"), "kg": _Unit("kg"),
        "centimeter": _Unit("cm"), "cm": _Unit("cm"),
        "millimeter": _Unit("mm"), "mm": _Unit("mm"),
        "internationale enheder": _Unit("IE"), "ie": _Unit("IE"),
        # Kept as spoken, and "en enhed" stays an article: see the module docstring.
        "enheder": _Unit(None, makes_number=False), "enhed": _Unit(None, makes_number=False),
        "grader celsius": celsius, "grad celsius": celsius, "celsius": celsius, "°c": celsius,
    })
    return _Language(
        code="da", small=small, tens=tens, compound_units=ones,
        joined={f"{u}og{t}": uv + tv for u, uv in ones.items() for t, tv in tens.items()},
        digits={w: v for w, v in small.items() if v < 10},
        hundred=frozenset({"hundrede"}), thousand=frozenset({"tusind", "tusinde"}),
        and_words=frozenset({"og"}), articles=frozenset({"en", "et"}),
        multiplier_articles=frozenset(), decimal_words=frozenset({"komma"}), decimal_sep=",",
        over_words=frozenset({"over"}), range_words=frozenset({"til", "eller"}),
        units=units, degree_words=frozenset({"grader", "grad"}),
        angle_words=frozenset({"hæve", "hævet", "hæves", "hævede", "hæv", "sænke", "sænket",
                               "sænkes", "sænkede", "sænk", "drej", "dreje", "drejet", "drejes",
                               "vinkel", "vinklen", "vinkle", "vinklet"}),
        angle_stems=("hovedgærde", "hovedende", "fodende", "ryglæn", "lejr", "fleksion",
                     "ekstension", "bøj"),
        percent_space=True,  # Danish writes "12 %"
        idioms=(("tusind", "tak"), ("tusinde", "tak")),
        bare_after_hundred=10, bare_after_thousand=100,
        clock_after=frozenset(),
    )


def _english() -> _Language:
    ones = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
            "nine": 9}
    small = {"zero": 0, **ones, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
             "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
             "nineteen": 19}
    tens = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
            "eighty": 80, "ninety": 90}
    ml, litre, mmol_l, celsius = _Unit("mL"), _Unit("L"), _Unit("mmol/L"), _Unit("°C")
    units: dict[str, _Unit] = {
        "mg": _Unit("mg"), "g": _Unit("g"), "ml": ml, "kg": _Unit("kg"), "cm": _Unit("cm"),
        "mm": _Unit("mm"), "%": _Unit("%"), "percent": _Unit("%"), "per cent": _Unit("%"),
        "mmol/l": mmol_l, "mmol": _Unit("mmol"), "°c": celsius, "celsius": celsius,
        # Written out, as medication safety guidance asks ("U", "IU", "µg" are misread).
        "mcg": _Unit(None), "units": _Unit(None, makes_number=False),
        "unit": _Unit(None, makes_number=False),
    }
    for singular, written in (("milligram", "mg"), ("gram", "g"), ("kilogram", "kg"),
                              ("kilo", "kg"), ("centimeter", "cm"), ("centimetre", "cm"),
                              ("millimeter", "mm"), ("millimetre", "mm")):
        units[singular] = units[singular + "s"] = _Unit(written)
    for singular, unit in (("milliliter", ml), ("millilitre", ml), ("liter", litre),
                           ("litre", litre), ("microgram", _Unit(None))):
        units[singular] = units[singular + "s"] = unit
    for mole in ("millimole", "millimoles", "mmol"):
        units[mole] = _Unit("mmol")
        for litre_word in ("liter", "litre"):
            units[f"{mole} per {litre_word}"] = mmol_l
    for degree in ("degree", "degrees"):
        units[f"{degree} celsius"] = units[f"{degree} centigrade"] = celsius
    return _Language(
        code="en", small=small, tens=tens, compound_units=ones,
        joined={f"{t}-{u}": tv + uv for t, tv in tens.items() for u, uv in ones.items()},
        digits={"oh": 0, **{w: v for w, v in small.items() if v < 10}},
        hundred=frozenset({"hundred"}), thousand=frozenset({"thousand"}),
        and_words=frozenset({"and"}), articles=frozenset({"one"}),
        multiplier_articles=frozenset({"a"}), decimal_words=frozenset({"point"}),
        decimal_sep=".", over_words=frozenset({"over"}), range_words=frozenset({"to", "or"}),
        units=_units(units), degree_words=frozenset({"degrees", "degree"}),
        angle_words=frozenset({"raise", "raised", "elevate", "elevated", "elevation", "angle",
                               "angled", "tilt", "tilted", "incline", "inclined", "bend", "bent",
                               "flexed", "flexion", "backrest"}),
        angle_stems=(), percent_space=False, idioms=(),
        bare_after_hundred=1, bare_after_thousand=1,  # "one hundred five", "two thousand five"
        clock_after=frozenset({"am", "a.m", "pm", "p.m", "o'clock"}),
    )


_LANGUAGES: dict[str, _Language] = {"da": _danish(), "en": _english()}


def cardinal_words(language: str) -> tuple[Mapping[str, int], Mapping[str, int], Mapping[str, int]]:
    """The number words this module reads in `language`: (units 1-9 as used in compounds,
    0-19, tens), for other readers of spoken numbers (the evaluation's scoring)."""
    lang = _LANGUAGES[language]
    return lang.compound_units, lang.small, lang.tens
_UNIT_PHRASES: dict[str, list[tuple[tuple[str, ...], _Unit]]] = {
    code: sorted(lang.units.items(), key=lambda item: -len(item[0]))  # longest first
    for code, lang in _LANGUAGES.items()
}

# Body temperatures: the only "grader" without "celsius" that become "°C".
_BODY_TEMPERATURE = (Decimal(34), Decimal(43))
# Blood pressure "X over Y": systolic above diastolic, both physiologically possible.
# Also keeps clock times ("fem over ti", minutes < 30) and "over to uger" out.
_SYSTOLIC = (40, 300)
_DIASTOLIC = (20, 200)


# -- the parser ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Num:
    text: str  # written form alone: "140", "8,5"
    end: int  # index after its last word
    value: Decimal | None  # None when the written form is ambiguous ("1.500")
    whole: bool  # a whole number that may take a decimal part or be a BP value
    article: bool  # a lone "en"/"et"/"one"
    unit_text: str  # written form before a unit ("1.5" -> Danish "1,5")


class _Parser:
    def __init__(self, words: Sequence[str], lang: _Language) -> None:
        self.lang = lang
        self.toks = [_split(w) for w in words]
        self.n = len(self.toks)
        self.angle = any(t.low in lang.angle_words or t.low.startswith(lang.angle_stems)
                         for t in self.toks) if lang.angle_stems or lang.angle_words else False

    # -- tokens ---------------------------------------------------------------------

    def low(self, j: int) -> str:
        return self.toks[j].low if 0 <= j < self.n else ""

    def joins(self, j: int) -> bool:
        """Whether a span may go on from word j to word j + 1."""
        if j < 0 or j + 1 >= self.n:
            return False
        here, there = self.toks[j], self.toks[j + 1]
        if not here.body or not there.body or there.lead:
            return False
        return not here.trail or (here.trail == "." and here.low in _ABBREVIATIONS)

    def next_is(self, j: int, words: Container[str]) -> bool:
        return self.joins(j) and self.low(j + 1) in words

    # -- whole numbers ----------------------------------------------------------------

    def below100(self, j: int) -> tuple[int, int] | None:
        lang, w = self.lang, self.low(j)
        if w in lang.joined:
            return lang.joined[w], j + 1
        if lang.code == "da":
            # "en og tyve": units, "og", tens
            if (w in lang.compound_units and self.next_is(j, lang.and_words)
                    and self.next_is(j + 1, lang.tens)):
                return lang.compound_units[w] + lang.tens[self.low(j + 2)], j + 3
        elif w in lang.tens and self.next_is(j, lang.compound_units):
            # "twenty one": tens, units
            return lang.tens[w] + lang.compound_units[self.low(j + 1)], j + 2
        if w in lang.small:
            return lang.small[w], j + 1
        if w in lang.tens:
            return lang.tens[w], j + 1
        return None

    def _rest(self, e: int, part: Callable[[int], tuple[int, int] | None],
              bare_min: int) -> tuple[int, int] | None:
        """What follows "hundrede"/"tusind": "og fyrre", "fyrre", "to hundrede"."""
        if not self.joins(e - 1):
            return None
        if self.low(e) in self.lang.and_words and self.joins(e):
            found = part(e + 1)
            if found is not None and found[0] >= 1:
                return found
        found = part(e)
        if found is not None and found[0] >= bare_min:
            return found
        return None

    def _scaled(self, j: int, scale: frozenset[str],
                below: Callable[[int], tuple[int, int] | None]) -> tuple[int, int] | None:
        """`below` times a scale word ("to hundrede"), or the scale word alone."""
        found = below(j)
        if found is not None:
            value, e = found
            if value >= 1 and self.next_is(e - 1, scale):
                return value, e + 1
            return None
        if self.low(j) in scale:
            return 1, j + 1
        if self.low(j) in self.lang.multiplier_articles and self.next_is(j, scale):
            return 1, j + 2  # "a hundred"
        return None

    def below1000(self, j: int) -> tuple[int, int] | None:
        hundreds = self._scaled(j, self.lang.hundred, self.below100)
        if hundreds is None:
            return self.below100(j)
        value, e = hundreds[0] * 100, hundreds[1]
        rest = self._rest(e, self.below100, self.lang.bare_after_hundred)
        if rest is not None:
            value, e = value + rest[0], rest[1]
        return value, e

    def _thousand_multiplier(self, j: int) -> tuple[int, int] | None:
        found = self.below1000(j)
        # "femten hundrede" is 1500 on its own; "femten hundrede tusind" is not a thing.
        return found if found is not None and found[0] < 1000 else None

    def cardinal(self, j: int) -> tuple[int, int] | None:
        thousands = self._scaled(j, self.lang.thousand, self._thousand_multiplier)
        if thousands is None:
            return self.below1000(j)
        value, e = thousands[0] * 1000, thousands[1]
        rest = self._rest(e, self._thousand_multiplier, self.lang.bare_after_thousand)
        if rest is not None:
            value, e = value + rest[0], rest[1]
        return value, e

    # -- numbers with digits, decimals and units ----------------------------------

    def number(self, j: int) -> _Num | None:
        if j >= self.n:
            return None
        body = self.toks[j].body
        if _INT.fullmatch(body):
            return _Num(body, j + 1, Decimal(body), True, False, body)
        decimal = _DECIMAL.fullmatch(body)
        if decimal is not None:
            whole, sep, frac = decimal.groups()
            if sep == self.lang.decimal_sep:
                return _Num(body, j + 1, Decimal(f"{whole}.{frac}"), False, False, body)
            if self.lang.code == "da" and len(frac) <= 2:
                # "38.5": a decimal before a unit; alone it may be a time (8.30).
                return _Num(body, j + 1, Decimal(f"{whole}.{frac}"), False, False,
                            f"{whole},{frac}")
            # "1.500" (Danish thousands) or "1,500" (English): keep as written.
            return _Num(body, j + 1, None, False, False, body)
        found = self.cardinal(j)
        if found is None:
            return None
        value, e = found
        article = e == j + 1 and self.low(j) in self.lang.articles
        return _Num(str(value), e, Decimal(value), True, article, str(value))

    def fraction(self, j: int) -> tuple[str, int] | None:
        """The digits after "komma": "fem" 5, "femogtyve" 25, "to fem" 25, "5"."""
        if j >= self.n:
            return None
        body = self.toks[j].body
        # At most two written digits, as spoken fractions below 100 give: formatting
        # "fem komma hundrede" twice must not turn "5 komma 100" into "5,100".
        if _INT.fullmatch(body):
            return (body, j + 1) if len(body) <= 2 else None
        found = self.below100(j)
        if found is not None and found[0] >= 10:
            digits, k = str(found[0]), found[1]
        else:
            digits, k = "", j
            while k < self.n and self.low(k) in self.lang.digits and (k == j or self.joins(k - 1)):
                digits += str(self.lang.digits[self.low(k)])
                k += 1
            if not digits:
                return None
            # "38 komma 5 to gange" is 38,5 and 2: read digit by digit only before a
            # unit, as in a dose ("to komma to fem milligram" 2,25 mg).
            if len(digits) > 1 and not self.unit_follows(k):
                digits, k = digits[0], j + 1
        if self.next_is(k - 1, self.lang.hundred | self.lang.thousand):
            # "to komma fem hundrede milligram" is "2, 500 mg", never 2,5 or 2,500.
            return None
        return digits, k

    def unit(self, k: int, value: Decimal | None) -> tuple[_Unit, int] | None:
        """The unit starting at word k, right after a number of `value` (None: ambiguous)."""
        if not self.joins(k - 1):
            return None
        for phrase, unit in _UNIT_PHRASES[self.lang.code]:
            if all(self.low(k + x) == word and (x == 0 or self.joins(k + x - 1))
                   for x, word in enumerate(phrase)):
                return unit, k + len(phrase)
        low, high = _BODY_TEMPERATURE
        if (self.low(k) in self.lang.degree_words and value is not None and low <= value <= high
                and not self.angle):
            return _Unit("°C"), k + 1
        return None

    def unit_follows(self, k: int) -> bool:
        return self.unit(k, None) is not None or (self.joins(k - 1) and self.low(k) in self.lang.degree_words)

    def expression(self, i: int) -> tuple[int, str] | None:
        num = self.number(i)
        if num is None:
            return None
        pressure = self.blood_pressure(i)
        if pressure is not None:
            return pressure
        lang = self.lang
        if num.whole and self.next_is(num.end - 1, lang.decimal_words):
            frac = self.fraction(num.end + 1)
            if frac is not None:
                digits, e = frac
                text = f"{num.text}{lang.decimal_sep}{digits}"
                num = _Num(text, e, Decimal(f"{num.text}.{digits}"), False, False, text)
        found = self.unit(num.end, num.value)
        if found is not None:
            unit, e = found
            if num.article and not unit.makes_number:
                return None
            if unit.text is None:
                return num.end, num.unit_text
            space = " " if lang.percent_space or unit.text != "%" else ""
            return e, f"{num.unit_text}{space}{unit.text}"
        if num.article and not (self.range_follows(num.end) or self.next_is(num.end - 1, lang.clock_after)):
            return None
        return num.end, num.text

    def range_follows(self, e: int) -> bool:
        """ "en til to", "one or two": a lone article that is a number after all."""
        if not self.next_is(e - 1, self.lang.range_words) or not self.joins(e):
            return False
        other = self.number(e + 1)
        return other is not None and not other.article

    # -- blood pressure -------------------------------------------------------------

    def bp_values(self, j: int) -> list[tuple[Decimal, str, int]]:
        """Readings of a blood pressure value at word j: (value, written, end)."""
        found: list[tuple[Decimal, str, int]] = []
        if self.lang.code == "en" and self.low(j) in ("one", "two") and self.joins(j):
            # "one forty over ninety": the hundreds said as a digit
            rest = self.below100(j + 1)
            if rest is not None and rest[0] >= 10:
                value = (1 if self.low(j) == "one" else 2) * 100 + rest[0]
                found.append((Decimal(value), str(value), rest[1]))
        num = self.number(j)
        if num is not None and num.whole and not num.article and num.value is not None:
            found.append((num.value, num.text, num.end))
        return found

    def blood_pressure(self, i: int) -> tuple[int, str] | None:
        for systolic, high, e in self.bp_values(i):
            if not (self.next_is(e - 1, self.lang.over_words) and self.joins(e)):
                continue
            for diastolic, low, end in self.bp_values(e + 1):
                if (_SYSTOLIC[0] <= systolic <= _SYSTOLIC[1] and _DIASTOLIC[0] <= diastolic <= _DIASTOLIC[1]
                        and systolic > diastolic):
                    return end, f"{high}/{low}"
        return None

    # -- clock times ----------------------------------------------------------------

    def hour(self, j: int) -> tuple[int, int, bool] | None:
        """An hour 0..24 at word j: (value, end, written in digits)."""
        if j < self.n and _INT.fullmatch(self.toks[j].body):
            if len(self.toks[j].body) > 2:
                return None  # also keeps int() away from huge digit strings
            value, e, digits = int(self.toks[j].body), j + 1, True
        else:
            found = self.below100(j)
            if found is None:
                return None
            (value, e), digits = found, False
        return (value, e, digits) if 0 <= value <= 24 else None

    def danish_clock(self, i: int) -> tuple[int, str | None] | None:
        """ "klokken halv otte" -> "kl. 7.30"; text None leaves the words as spoken."""
        if self.low(i) not in ("klokken", "kl") or not self.joins(i):
            return None
        j = i + 1
        written = _CLOCK.fullmatch(self.toks[j].body)
        if written is not None:
            hour, minutes = written.groups()
            if int(hour) <= 24 and (minutes is None or int(minutes) <= 59):
                return j + 1, f"kl. {self.toks[j].body}"  # digits stay as written
            return None

        def previous(hour: int) -> int:
            return hour - 1 if hour > 1 else 12  # "halv et" is 12.30

        # In "halv 8", "kvart over 8", "fem i 8" the recogniser's digit is kept as
        # written (digits are never rewritten); only "klokken" becomes "kl.".
        w = self.low(j)
        if w == "halv" and self.joins(j):
            found = self.hour(j + 1)
            if found is not None and found[0] >= 1:
                return (j, "kl.") if found[2] else (found[1], f"kl. {previous(found[0])}.30")
        minutes = (15, j + 1) if w == "kvart" else self.below100(j)
        if minutes is not None and 1 <= minutes[0] <= 29 and self.next_is(minutes[1] - 1, ("over", "i")):
            past = self.low(minutes[1]) == "over"
            k = minutes[1] + 1
            half = self.low(k) == "halv" and self.joins(k - 1) and self.joins(k)
            found = self.hour(k + 1 if half else k) if self.joins(k - 1) else None
            if found is not None and found[0] >= 1:
                hour, end, digits = found
                if digits:
                    return j, "kl."
                m = minutes[0]
                if half:
                    hour, m = previous(hour), 30 + m if past else 30 - m
                elif not past:
                    hour, m = previous(hour), 60 - m
                return end, f"kl. {hour}.{m:02d}"
        found = self.hour(j)
        if found is None:
            # "klokken otte og tredive" is no time; "klokken 38" would be worse.
            number = self.cardinal(j)
            return (number[1], None) if number is not None else None
        hour, e, _ = found
        if self.next_is(e - 1, ("nul",)) and self.joins(e):
            if self.low(e + 1) == "nul":
                return e + 2, f"kl. {hour}.00"
            digit = self.lang.compound_units.get(self.low(e + 1)) or self.lang.small.get(self.low(e + 1))
            if digit is not None and 1 <= digit <= 9:
                return e + 2, f"kl. {hour}.0{digit}"
        if self.joins(e - 1):
            after = self.below100(e)
            if after is not None and 10 <= after[0] <= 59:
                return after[1], f"kl. {hour}.{after[0]}"
        return e, f"kl. {hour}"

    def english_clock(self, i: int) -> tuple[int, str | None] | None:
        """ "at eight thirty" / "eight thirty a.m." -> "8:30"."""
        found = self.below100(i)
        if found is None or not 1 <= found[0] <= 24 or not self.joins(found[1] - 1):
            return None
        hour, e = found
        if self.low(e) == "oh" and self.joins(e) and self.low(e + 1) in self.lang.compound_units:
            minutes, end = self.lang.compound_units[self.low(e + 1)], e + 2
        else:
            after = self.below100(e)
            if after is None or not 10 <= after[0] <= 59:
                return None
            minutes, end = after
        if self.next_is(end - 1, self.lang.clock_after) or (self.low(i - 1) == "at" and self.joins(i - 1)):
            return end, f"{hour}:{minutes:02d}"
        return None

    # -- the utterance --------------------------------------------------------------

    def idiom_end(self, i: int) -> int | None:
        for phrase in self.lang.idioms:
            if all(self.low(i + x) == w and (x == 0 or self.joins(i + x - 1)) for x, w in enumerate(phrase)):
                return i + len(phrase)
        return None

    def after_digits(self, i: int) -> bool:
        """Whether word i follows digits the recogniser wrote, with only a space between."""
        return self.joins(i - 1) and self.toks[i - 1].body[-1:].isdigit()

    def spans(self, words: Sequence[str]) -> list[NumberSpan]:
        spans: list[NumberSpan] = []
        written: dict[int, str] = {}  # span start -> the number alone, without punctuation
        i = 0
        while i < self.n:
            skip = self.idiom_end(i)
            if skip is not None:
                i = skip
                continue
            if self.low(i) in self.lang.hundred | self.lang.thousand and self.after_digits(i):
                # "56 tusind": the recogniser's digits multiply it, so it is no number of its
                # own ("56 1000"); the words stay.
                i += 1
                continue
            clock = self.danish_clock if self.lang.code == "da" else self.english_clock
            found = clock(i) or self.expression(i)
            if found is None:
                i += 1
                continue
            end, text = found
            if text is None:
                i = end
                continue
            first, last = self.toks[i], self.toks[end - 1]
            if first.body[:1].isupper() and text[:1].isalpha():
                text = text[0].upper() + text[1:]  # "Klokken otte" -> "Kl. 8"
            trail = last.trail
            if last.low in _ABBREVIATIONS and trail.startswith(".") and text.endswith("."):
                trail = trail[1:]  # the span is "kl." itself: one full stop
            written[i] = text
            text = f"{first.lead}{text}{trail}"
            if text != " ".join(w.strip() for w in words[i:end]):
                spans.append(NumberSpan(i, end, text))
            i = end
        return self.apart(spans, written)

    def apart(self, spans: list[NumberSpan], written: dict[int, str]) -> list[NumberSpan]:
        """The spans without those whose digits would touch other digits across a bare space.

        Numbers side by side read as one: "to 500 mg" written "2 500 mg" reads 2500 mg
        (Danish groups thousands with a space), and "seksoghalvtreds tusind 600", a number
        the recogniser wrote in pieces, would become "56000 600". Such a span keeps its
        words. Two spoken numbers stay two ("to tre dage", "2 3 dage") unless the second
        looks like a thousands group ("tre seks hundrede" is not "3 600").
        """
        ours = {span.start: span for span in spans}
        ends = {span.end: span for span in spans}
        dropped: set[int] = set()

        def side(j: int) -> tuple[str, bool]:
            """The text at word j as it would be written, and whether the recogniser wrote it."""
            span = ours.get(j) or ends.get(j + 1)
            return (written[span.start], False) if span is not None else (self.toks[j].body, True)

        for span in spans:
            for left, right in ((span.start - 1, span.start), (span.end - 1, span.end)):
                if not self.joins(left):
                    continue
                (a, a_recogniser), (b, b_recogniser) = side(left), side(right)
                if not (a[-1:].isdigit() and b[:1].isdigit()):
                    continue
                if a_recogniser or b_recogniser or re.match(r"[0-9]{3}(?![0-9])", b):
                    dropped.add(span.start)
        return [span for span in spans if span.start not in dropped]


# -- API ----------------------------------------------------------------------------


def find_numbers(words: Sequence[str], language: str) -> list[NumberSpan]:
    """Spans of `words` (raw recogniser words such as "Blodtryk", "hundrede", "og",
    "fyrre", "over", "90.") to rewrite as formatted numbers; non-overlapping, in order.

    A span never goes past a word with trailing punctuation (except "kl." and
    "pr."), and only spans whose text differs from the words are returned, so
    formatted text yields none. Unknown languages yield none.
    """
    lang = _LANGUAGES.get(language)
    if lang is None:
        return []
    return _Parser(words, lang).spans(words)


def format_numbers(words: Sequence[str], language: str) -> list[str]:
    """The words with spans applied (one output item per span or untouched word)."""
    out: list[str] = []
    i = 0
    for span in find_numbers(words, language):
        out.extend(words[i:span.start])
        out.append(span.text)
        i = span.end
    out.extend(words[i:])
    return out
