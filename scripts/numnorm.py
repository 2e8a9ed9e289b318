"""Scoring text with numbers normalised: digits and spelled-out numbers as the same word.

Strict scoring is the shared eval's rule (`normalise`): lower-case, punctuation
removed, whitespace collapsed. Its references write numbers out in words, and
Whisper mostly writes digits, so strictly "24" for "fireogtyve" is an error although
the model heard the word right. Number-normalised scoring (`number_tokens`,
`normalise_numbers`) first rewrites every number on both sides into one canonical
form, so that what is left is recognition errors:

- spoken cardinals become digits through dictate's own parser
  (`dictate.interpret.numbers.find_numbers`): Danish vigesimal tens, compounds
  ("enogtredive", "fem og tyve"), "og"/"and" inside a number, decimals with
  "komma"/"point", hundreds and thousands ("seksoghalvtreds tusind seks hundrede og
  enogtredive" -> 56631). It also writes units after a number ("fem milligram" ->
  "5 mg"), clock times and blood pressures; on both sides alike, so those spellings
  count as the same words too;
- digits lose their thousands separators ("56.631" in Danish, "56,631" in English ->
  56631); a decimal is written with the language's mark ("38.5" in Danish -> 38,5),
  and so is a clock time with a colon ("8:30" -> 8,30 / 8.30), as numbers.py writes
  "kl. 8.30";
- ordinals become "N.": "femte", "fifth", "5th", "enogtyvende", "twenty-first", and
  Danish "5." before a lower-case word ("den 5. maj"; at a sentence end it is a
  cardinal);
- English years said in pairs become one number: "nineteen sixty three" 1963,
  "nineteen oh five" 1905, "twenty twenty-four" 2024. The first pair must be 13-20,
  so that clock times ("eleven fifteen", "twelve thirty") stay two numbers; the
  price is that a count without commas, "fifteen twenty", reads as 1520 (on both
  sides, so it only costs when one side writes "15-20"). Danish says years with
  "hundrede" ("nitten hundrede treogtres"), which the parser reads as 1963 already.

Words that are also ordinary words keep the word as their canonical form, so that
normalising never hides a recognition error: a lone 1 is "en"/"one" (Danish "en" is
both "a" and "one"), and ordinal 2 is "anden"/"second" ("en anden dag", "a second").
"et" stays apart from "en" (a real error when the model mixes them), and "halvanden",
"half" and other fractions are left as words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from dictate.interpret.numbers import cardinal_words, find_numbers

__all__ = ["Token", "normalise", "normalise_numbers", "number_tokens", "strict_tokens"]


def normalise(text: str) -> str:
    """Strict: lower-case, punctuation removed, whitespace collapsed (the shared eval's rule)."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


@dataclass(frozen=True)
class Token:
    """One word as it is scored, and which input words it came from (for eval_review)."""

    text: str
    sources: tuple[int, ...]


def strict_tokens(words: Sequence[str]) -> list[Token]:
    return [Token(piece, (i,)) for i, word in enumerate(words) for piece in normalise(word).split()]


def normalise_numbers(text: str, language: str) -> str:
    return " ".join(token.text for token in number_tokens(text.split(), language))


# -- the languages' words that numbers.py does not read: ordinals, year pairs ----------

_EN_UNITS, _en_small, _EN_TENS = cardinal_words("en")
_EN_TEENS = {w: v for w, v in _en_small.items() if 10 <= v <= 19}
# "second" is left out: it is a unit of time as often as an ordinal (see the module docstring).
_EN_ORDINAL_UNITS = {"first": 1, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
                     "eighth": 8, "ninth": 9}
_EN_ORDINALS = {**_EN_ORDINAL_UNITS, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
                "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
                "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30, "fortieth": 40,
                "fiftieth": 50, "sixtieth": 60, "seventieth": 70, "eightieth": 80, "ninetieth": 90,
                "hundredth": 100, "thousandth": 1000}
_EN_YEAR_FIRST = {**{w: v for w, v in _EN_TEENS.items() if v >= 13}, "twenty": 20}

_DA_UNITS = {**cardinal_words("da")[0], "et": 1}
_DA_ORDINAL_TENS = {"tyvende": 20, "tredivte": 30, "fyrretyvende": 40, "halvtredsindstyvende": 50,
                    "tresindstyvende": 60, "halvfjerdsindstyvende": 70, "firsindstyvende": 80,
                    "halvfemsindstyvende": 90}
# "anden"/"andet" are left out: they mean "other" as often as "second".
_DA_ORDINALS = {"første": 1, "tredje": 3, "fjerde": 4, "femte": 5, "sjette": 6, "syvende": 7,
                "ottende": 8, "niende": 9, "tiende": 10, "ellevte": 11, "tolvte": 12, "trettende": 13,
                "fjortende": 14, "femtende": 15, "sekstende": 16, "syttende": 17, "attende": 18,
                "nittende": 19, **_DA_ORDINAL_TENS,
                **{f"{u}og{t}": uv + tv for u, uv in _DA_UNITS.items() if u != "et"
                   for t, tv in _DA_ORDINAL_TENS.items()}}

#: The canonical form of numbers that are also ordinary words (see the module docstring).
_WORD_FORMS = {"da": {"1": "en", "2.": "anden"}, "en": {"1": "one", "2.": "second"}}
_DECIMAL_MARK = {"da": ",", "en": "."}
_THOUSANDS_MARK = {"da": ".", "en": ","}

_HYPHEN = re.compile(r"(?<=\w)-(?=\w)")
_AFFIXES = re.compile(r"(\W*)(.*?)(\W*)", re.DOTALL)
_EN_WRITTEN_ORDINAL = re.compile(r"([0-9]+)(?:st|nd|rd|th)", re.IGNORECASE)
_INTEGER = re.compile(r"[0-9]+")
_GROUPED = re.compile(r"[0-9]{1,3}(?:([.,])[0-9]{3})+")
_GROUPED_DECIMAL = {"da": re.compile(r"([0-9]{1,3}(?:\.[0-9]{3})+),([0-9]+)"),
                    "en": re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+)\.([0-9]+)")}
_FRACTION = re.compile(r"([0-9]+)[.,:]([0-9]+)")


@dataclass(frozen=True)
class _Piece:
    lead: str
    body: str
    trail: str
    sources: tuple[int, ...]
    #: canonical already (an ordinal or a year): kept away from the cardinal parser
    done: bool = False

    @property
    def low(self) -> str:
        return self.body.casefold()

    @property
    def raw(self) -> str:
        return f"{self.lead}{self.body}{self.trail}"


def _piece(text: str, source: int) -> _Piece:
    lead, body, trail = _AFFIXES.fullmatch(text).groups()  # type: ignore[union-attr]
    return _Piece(lead, body, trail, (source,))


def number_tokens(words: Sequence[str], language: str) -> list[Token]:
    """`words` (as written, punctuation included) as number-normalised tokens.

    Languages other than Danish and English are scored strictly.
    """
    if language not in _WORD_FORMS:
        return strict_tokens(words)
    # "forty-two", "42-line": a hyphen between two words is a space, as in strict scoring.
    pieces = [_piece(part, i) for i, word in enumerate(words) for part in _HYPHEN.split(word.strip()) if part]
    pieces = _ordinals_and_years(pieces, language)
    tokens: list[Token] = []
    for piece in _cardinals(pieces, language):
        if piece.done:
            tokens.append(Token(piece.body, piece.sources))
            continue
        for part in piece.raw.split():
            tokens += [Token(text, piece.sources) for text in _written(part, language)]
    forms = _WORD_FORMS[language]
    return [Token(forms.get(t.text, t.text), t.sources) for t in tokens]


def _sources(pieces: Sequence[_Piece]) -> tuple[int, ...]:
    return tuple(dict.fromkeys(s for p in pieces for s in p.sources))  # "forty-two" is one word


def _joins(pieces: Sequence[_Piece], i: int) -> bool:
    """Whether piece i runs on into piece i + 1 (no punctuation between them)."""
    return (i + 1 < len(pieces) and not pieces[i].trail and not pieces[i + 1].lead
            and bool(pieces[i].body) and bool(pieces[i + 1].body))


def _ordinals_and_years(pieces: list[_Piece], language: str) -> list[_Piece]:
    out: list[_Piece] = []
    i = 0
    while i < len(pieces):
        found = _ordinal(pieces, i, language) or (_year(pieces, i) if language == "en" else None)
        if found is None:
            out.append(pieces[i])
            i += 1
            continue
        text, end = found
        out.append(_Piece(pieces[i].lead, text, pieces[end - 1].trail, _sources(pieces[i:end]), done=True))
        i = end
    return out


def _ordinal(pieces: Sequence[_Piece], i: int, language: str) -> tuple[str, int] | None:
    """An ordinal starting at piece i: ("21.", end)."""
    here = pieces[i]
    low = here.low

    def nxt(k: int) -> str:
        return pieces[k].low if k < len(pieces) else ""

    if language == "en":
        written = _EN_WRITTEN_ORDINAL.fullmatch(low)
        if written is not None:
            return f"{int(written.group(1))}.", i + 1
        if low in _EN_TENS and _joins(pieces, i) and (nxt(i + 1) in _EN_ORDINAL_UNITS or nxt(i + 1) == "second"):
            unit = _EN_ORDINAL_UNITS.get(nxt(i + 1), 2)  # "twenty-second" is an ordinal
            return f"{_EN_TENS[low] + unit}.", i + 2
        if low in _EN_ORDINALS:
            return f"{_EN_ORDINALS[low]}.", i + 1
        return None
    # Danish writes an ordinal "5."; before a lower-case word it cannot be a sentence's end.
    if (_INTEGER.fullmatch(low) and here.trail == "." and i + 1 < len(pieces)
            and not pieces[i + 1].lead and pieces[i + 1].body[:1].islower()):
        return f"{int(low)}.", i + 1
    if (low in _DA_UNITS and low != "et" and _joins(pieces, i) and nxt(i + 1) == "og" and _joins(pieces, i + 1)
            and nxt(i + 2) in _DA_ORDINAL_TENS):  # "en og tyvende"
        return f"{_DA_UNITS[low] + _DA_ORDINAL_TENS[nxt(i + 2)]}.", i + 3
    if low in _DA_ORDINALS:
        return f"{_DA_ORDINALS[low]}.", i + 1
    return None


def _year(pieces: Sequence[_Piece], i: int) -> tuple[str, int] | None:
    """An English year said in pairs at piece i: "nineteen sixty three" -> ("1963", end)."""
    first = _EN_YEAR_FIRST.get(pieces[i].low)
    if first is None or not _joins(pieces, i):
        return None
    j = i + 1
    low = pieces[j].low
    second: int | None = None
    if low == "oh" and _joins(pieces, j) and pieces[j + 1].low in _EN_UNITS:
        second, end = _EN_UNITS[pieces[j + 1].low], j + 2
    elif low in _EN_TENS and _joins(pieces, j) and pieces[j + 1].low in _EN_UNITS:
        second, end = _EN_TENS[low] + _EN_UNITS[pieces[j + 1].low], j + 2
    elif low in _EN_TENS or low in _EN_TEENS:
        second, end = _EN_TENS.get(low) or _EN_TEENS[low], j + 1
    if second is None:
        return None
    if _joins(pieces, end - 1) and pieces[end].low in ("hundred", "thousand"):
        return None  # "twenty fifty thousand" is no year
    return str(first * 100 + second), end


def _cardinals(pieces: list[_Piece], language: str) -> list[_Piece]:
    """Spoken cardinals rewritten by dictate's parser, run by run between canonical pieces."""
    out: list[_Piece] = []
    run: list[_Piece] = []

    def flush() -> None:
        k = 0
        for span in find_numbers([p.raw for p in run], language):
            out.extend(run[k:span.start])
            out.append(_Piece("", span.text, "", _sources(run[span.start:span.end])))
            k = span.end
        out.extend(run[k:])
        run.clear()

    for piece in pieces:
        if piece.done:
            flush()
            out.append(piece)
        else:
            run.append(piece)
    flush()
    return out


def _written(part: str, language: str) -> list[str]:
    """One whitespace-free part as tokens: digits canonical, anything else strict."""
    body = _AFFIXES.fullmatch(part).group(2)  # type: ignore[union-attr]
    number = _canonical_digits(body, language)
    return [number] if number is not None else normalise(part).split()


def _canonical_digits(body: str, language: str) -> str | None:
    decimal, thousands = _DECIMAL_MARK[language], _THOUSANDS_MARK[language]
    if _INTEGER.fullmatch(body):
        return body
    grouped = _GROUPED.fullmatch(body)
    if grouped is not None and (grouped.group(1) == thousands or body.count(grouped.group(1)) > 1):
        return re.sub(r"[.,]", "", body)  # "56.631" (da), "1,234,567"
    both = _GROUPED_DECIMAL[language].fullmatch(body)
    if both is not None:  # "1.234,5" (da)
        return re.sub(r"[.,]", "", both.group(1)) + decimal + both.group(2)
    fraction = _FRACTION.fullmatch(body)
    if fraction is not None:  # "38,5", "38.5" in Danish as Whisper writes it, "8:30"
        return fraction.group(1) + decimal + fraction.group(2)
    return None
