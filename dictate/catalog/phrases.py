"""How spoken phrases are compared: case, punctuation and spacing do not count.

One definition for the interpreter, the linter and field choices, so that what
the linter calls a collision is exactly what the interpreter cannot tell apart.
"""

from __future__ import annotations

import re

_NON_WORD = re.compile(r"[^\w ]+")


def normalise(text: str) -> str:
    """ "Sår-pleje, " -> "sår pleje": lower case, words only, single spaces."""
    return " ".join(_NON_WORD.sub(" ", text.casefold()).split())


def squash(text: str) -> str:
    """ "sår pleje" -> "sårpleje": recognisers split and glue compounds freely."""
    return normalise(text).replace(" ", "")
