"""Word recall: how many of the script's words the note contains (order ignored)."""

from __future__ import annotations

import re
from collections import Counter


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def recall(reference: str, hypothesis: str, ignore: set[str] = frozenset()) -> float:
    ref = Counter(w for w in words(reference) if w not in ignore)
    hyp = Counter(words(hypothesis))
    if not ref:
        return 1.0
    return sum(min(n, hyp[w]) for w, n in ref.items()) / sum(ref.values())
