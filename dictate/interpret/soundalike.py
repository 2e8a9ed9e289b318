"""Whether a heard word sounds like a command word, or is another word.

Recognisers bend a short command word said alone ("having", "heaven", "adding" for
"heading"), and nurses say words that are close to one ("hiding", "head", "reading").
Spelling is all the interpreter has to tell them apart; these rules read in it what
a misheard command word keeps: how it begins, its first vowel and how it ends.
"""

from __future__ import annotations

from rapidfuzz import fuzz

_VOWELS = frozenset("aeiouyæøå")
#: Vowel letters by the kind of sound they mostly spell: open, close and rounded.
_VOWEL_KINDS = {**dict.fromkeys("aeæ", "open"), **dict.fromkeys("iy", "close"), **dict.fromkeys("ouåø", "round")}
#: Vowel pairs that spell the sound of another kind than their first letter: "heiden",
#: "heidon" (base for "hidden") say the vowel of "hiding", not of "heading".
_VOWEL_PAIRS = {"ei": "close", "ey": "close"}
#: Below this a heard word is a misheard command word at best, and must keep its vowel and
#: ending (the interpreter's KEYWORD_THRESHOLD: above it the word is the command word).
CLEAR = 85.0


def onset(word: str) -> str:
    """How a word begins, as far as telling a misheard command word from another word goes.

    Recognisers bend the middle and end of a command word ("having", "heaven", "adding"
    for "heading") but rarely turn its first consonant into another one: "reading",
    "leading" and "shedding" are other words. A weak "h" may be lost, and one vowel
    heard for another.
    """
    word = word[1:] if word[:1] == "h" and len(word) > 1 else word
    first = word[:1]
    return "V" if first in _VOWELS else first


def begins_like(heard: str, target: str) -> bool:
    return onset(heard) == onset(target)


def first_vowel(word: str) -> str:
    """The kind of a word's first vowel ("" when it has none).

    A misheard "heading" keeps its open vowel ("having", "heaven", "adding"); "hiding",
    "hidden" and "Heiden" are other words, said with another vowel.
    """
    for k, c in enumerate(word):
        if c in _VOWEL_KINDS:
            return _VOWEL_PAIRS.get(word[k:k + 2], _VOWEL_KINDS[c])
    return ""


def coda(word: str) -> str:
    """How a word ends: "n" for a nasal ("having", "heaven", "herden" for "heading"),
    else its last consonant ("heard", "head": "d"). A plural "s" does not count."""
    word = "".join(c for c in word if c.isalpha())  # "hedin's"
    word = word[:-1] if word.endswith("s") and len(word) > 3 else word
    tail = word.rstrip("aeiouyæøå")
    if tail.endswith(("n", "ng", "m")):
        return "n"
    return tail[-1:] if tail else "V"


def loose_keyword_score(heard: str, target: str, one_word: bool = True, split: bool = False) -> float:
    """How much `heard` sounds like the command word `target`: the rapidfuzz ratio, or 0
    for a word that begins differently. Below CLEAR (a misheard command word), when the
    command word is one word (`one_word`), also 0 for another first vowel, and unless it
    was heard split in two (`split`: "head and"), for another ending: "having", "heaven",
    "hedin's" for "heading", but not "hiding", "hide in", "heard". A command of two words
    says little by its vowel: "new heading" is heard as "no having"."""
    if not begins_like(heard, target):
        return 0.0
    score = fuzz.ratio(heard, target)
    if score < CLEAR and one_word and (first_vowel(heard) != first_vowel(target)
                                       or (not split and coda(heard) != coda(target))):
        return 0.0
    return score
