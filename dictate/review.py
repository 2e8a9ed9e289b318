"""Which words a nurse should look at again before the note is finished.

The errors that hurt patients are a dropped or invented negation, a wrong
number or dose, and a word the recogniser was unsure of. Pure; used by the
app now and by every output format later.
"""

from __future__ import annotations

import re

#: Below this recogniser probability a word is shown for review.
CONFIDENCE_THRESHOLD = 0.6

NEGATIONS = {
    "da": frozenset({"ikke", "ingen", "intet", "aldrig", "hverken", "uden", "ej", "ikk"}),
    "en": frozenset({"not", "no", "never", "none", "nothing", "without", "neither", "nor", "don't",
                     "doesn't", "didn't", "isn't", "wasn't", "can't", "cannot", "won't"}),
}

_DIGIT = re.compile(r"\d")
_EDGE = re.compile(r"^\W+|\W+$")


def review_reason(text: str, probability: float | None, language: str) -> str | None:
    """"negation", "number", "uncertain" or None for one word as written in the note."""
    core = _EDGE.sub("", text).casefold()
    if core in NEGATIONS.get(language, NEGATIONS["da"]):
        return "negation"
    if _DIGIT.search(text):
        return "number"
    if probability is not None and probability < CONFIDENCE_THRESHOLD:
        return "uncertain"
    return None
