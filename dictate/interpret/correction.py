"""Snap near-miss words to the care vocabulary ("Panodyl" -> "Panodil").

A wrong drug name in a care note is worse than a misspelt one, so the pass is
conservative:
- short words and numbers are never touched; common words neither;
- words are compared by how they sound in Danish ("Furiks" and "Furix",
  "Marevann" and "Marevan" sound alike), then must differ by at most one
  letter (two in long words) *and* clear a length-aware similarity threshold;
- an inflected term ("kateteret", "dosisposerne") is right as it is;
- a compound the recogniser split in two ("tryk sår") is joined only when the
  join sounds exactly like a term.
Every change is reported with what was heard and the score, for the note's metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from dictate.catalog.stopwords import STOP_WORDS

#: Words this short are too often a different ordinary word ("pille", "pinen" stay).
MIN_LENGTH = 6
#: Spelling variants that sound the same, folded before comparing.
_SOUNDS = (("ph", "f"), ("th", "t"), ("qu", "kv"), ("x", "ks"), ("c", "k"), ("z", "s"), ("w", "v"),
           ("é", "e"), ("è", "e"), ("ö", "ø"), ("ä", "æ"), ("ü", "y"), ("aa", "å"))
_DOUBLE = re.compile(r"(\w)\1+")
#: Danish inflection endings: after a term ending in -e, and after any other term.
_ENDINGS_AFTER_E = ("n", "t", "r", "rne", "ne", "ns", "ts", "s")
_ENDINGS = ("en", "et", "er", "erne", "ene", "ens", "ets", "s", "ne")


def sound_key(word: str) -> str:
    """A spelling-insensitive key: "Furiks" and "Furix" both give "furiks"."""
    key = _DOUBLE.sub(r"\1", word.casefold())  # "Furixx": doubles first, or x -> ks would make two
    for written, sound in _SOUNDS:
        key = key.replace(written, sound)
    return _DOUBLE.sub(r"\1", key)


def threshold_for(length: int) -> float:
    """Minimum rapidfuzz ratio (on sound keys) for a word of `length` letters to be snapped."""
    if length < MIN_LENGTH:
        return 101.0  # never
    if length <= 7:
        return 80.0
    if length <= 10:
        return 84.0
    return 82.0


def max_edits(length: int) -> int:
    """Sounds a misheard word may differ by: one, or two in a long word."""
    return 1 if length <= 10 else 2


def is_inflection(word: str, term: str) -> bool:
    """"kateteret" is "kateter" with an ending: right as it is, not a mishearing."""
    if not word.startswith(term) or word == term:
        return False
    ending = word[len(term):]
    return ending in (_ENDINGS_AFTER_E if term.endswith("e") else _ENDINGS)


@dataclass(frozen=True)
class Fix:
    term: str
    score: float


@dataclass
class Corrector:
    terms: tuple[str, ...]
    _by_length: dict[int, list[str]] = field(default_factory=dict, repr=False)
    _by_key: dict[str, str] = field(default_factory=dict, repr=False)
    _exact: set[str] = field(default_factory=set, repr=False)
    _cache: dict[str, Fix | None] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for term in self.terms:
            key = sound_key(term)
            self._exact.add(term.casefold())
            if key not in self._by_key:
                self._by_key[key] = term
                self._by_length.setdefault(len(key), []).append(key)

    @classmethod
    def from_terms(cls, terms: Iterable[str]) -> Corrector:
        return cls(tuple(dict.fromkeys(t.strip() for t in terms if t.strip())))

    def correct(self, word: str) -> Fix | None:
        """The term `word` (a bare word, no punctuation) was meant to be, if clearly one."""
        folded = word.casefold()
        if folded in self._cache:
            return self._cache[folded]
        fix = self._lookup(folded)
        if len(self._cache) < 50_000:
            self._cache[folded] = fix
        return fix

    def correct_pair(self, first: str, second: str) -> Fix | None:
        """A term that two words were split from ("tryk" + "sår" -> "tryksår")."""
        if first.casefold() in STOP_WORDS or second.casefold() in STOP_WORDS:
            return None
        joined = (first + second).casefold()
        if not joined.isalpha():
            return None
        term = self._by_key.get(sound_key(joined))
        return Fix(term, 100.0) if term is not None else None

    def _lookup(self, folded: str) -> Fix | None:
        if folded in self._exact:
            return None  # already right
        if len(folded) < MIN_LENGTH or folded in STOP_WORDS or not folded.replace("-", "").isalpha():
            return None  # short words, numbers, codes: never
        key = sound_key(folded)
        term = self._by_key.get(key)
        if term is not None:
            return Fix(term, 100.0)  # spelt differently, sounds the same: "Marevann"
        return self._nearest(folded, key)

    def _nearest(self, folded: str, key: str) -> Fix | None:
        threshold = threshold_for(len(folded))
        # ratio = 2*matches/(a+b) cannot reach `threshold` when the lengths differ
        # too much, so only terms of nearby lengths are compared.
        n = len(key)
        candidates: list[str] = []
        for length in range(int(n * threshold / (200 - threshold)), int(n * (200 - threshold) / threshold) + 2):
            candidates += self._by_length.get(length, ())
        if not candidates:
            return None
        found = process.extract(key, candidates, scorer=fuzz.ratio, score_cutoff=threshold, limit=2)
        if not found:
            return None
        best, score, _ = found[0]
        if len(found) > 1 and found[1][1] == score:
            return None  # two terms equally close: not ours to choose
        term = self._by_key[best]
        if is_inflection(folded, term.casefold()) or is_inflection(key, best):
            return None
        if Levenshtein.distance(key, best) > max_edits(len(key)):
            return None  # "situation" is not a misheard "saturation"
        return Fix(term, round(score, 1))
