"""Care vocabulary: drug names and care terms (templates/vocabulary/*.yaml).

The terms steer the recogniser (through its prompt) and the post-correction
pass that snaps near-miss words to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dictate.catalog.yamlcheck import Checker
from dictate.catalog.yamlfile import load_yaml


@dataclass(frozen=True)
class Vocabulary:
    id: str
    language: str
    title: str
    terms: tuple[str, ...]
    path: Path | None = None


def parse_vocabulary(path: Path) -> Vocabulary:
    check = Checker(path)
    root = check.mapping(load_yaml(path), None, None, "", required={"id", "language", "terms"},
                         optional={"title", "description"})
    terms = check.text_list(root, "terms", "terms")
    seen: dict[str, int] = {}
    for i, term in enumerate(terms):
        if term.casefold() in seen:
            raise check.fail(f"'{term}' is listed twice (also item {seen[term.casefold()]})",
                             root["terms"], i, f"terms[{i}]")
        seen[term.casefold()] = i
    ident = check.text(root, "id", "id")
    return Vocabulary(id=ident, language=check.text(root, "language", "language").lower(),
                      title=check.text(root, "title", "title") if "title" in root else ident,
                      terms=terms, path=path)
