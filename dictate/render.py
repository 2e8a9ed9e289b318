"""Renderers: a note as plain text, Markdown or JSON. Pure functions."""

from __future__ import annotations

import json
from typing import Any, Callable

from dictate.note import Note, Token
from dictate.review import review_reason

#: Bumped when a field is removed or changes meaning; adding fields keeps it.
SCHEMA_VERSION = 1


def to_text(note: Note) -> str:
    """Headings on their own line, a blank line between sections."""
    blocks = [f"{s.heading}\n{s.text}" for s in note.filled_sections()]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def to_markdown(note: Note) -> str:
    blocks = []
    for section in note.filled_sections():
        # Two trailing spaces keep a spoken "ny linje" as a line break in Markdown.
        body = section.text.replace("\n\n", "\0").replace("\n", "  \n").replace("\0", "\n\n")
        blocks.append(f"## {section.heading}\n\n{body}")
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def to_dict(note: Note) -> dict[str, Any]:
    layout = note.layout
    return {
        "schema_version": SCHEMA_VERSION,
        "id": note.id,
        "created": note.created.isoformat(timespec="seconds"),
        "source": note.source,
        "language": note.language,
        "model": None if note.model is None else {
            "name": note.model.name,
            "sha256": note.model.sha256,
            "compute_type": note.model.compute_type,
        },
        "layout": {"id": layout.id, "version": layout.version, "code_system": layout.code_system},
        "sections": [
            {
                "key": section.key,
                "heading": section.heading,
                "code": section.code,
                "text": section.text,
                "words": [_word(token, note.language) for token in section.words if token.word is not None],
                "needs_review": any(_reason(token, note.language) for token in section.words)
                or any(not slot.filled for slot in section.slots),
                "fields": [
                    {
                        "autotext": slot.autotext,
                        "name": slot.name,
                        "label": slot.label,
                        "value": slot.text or None,
                        "filled": slot.filled,
                        "how": slot.how if slot.filled else None,
                    }
                    for slot in section.slots
                ],
            }
            for section in note.filled_sections()
        ],
        "needs_review": any(review_summary(note).values()),
        "metadata": metadata(note),
    }


def _reason(token: Token, language: str) -> str | None:
    return review_reason(token.text, token.word.probability if token.word else None, language)


def _word(token: Token, language: str) -> dict[str, Any]:
    assert token.word is not None
    data: dict[str, Any] = {
        "text": token.text,
        "start": round(token.word.start, 3),
        "end": round(token.word.end, 3),
        "probability": round(token.word.probability, 4),
    }
    reason = _reason(token, language)
    if reason:
        data["needs_review"] = reason
    return data


def review_summary(note: Note) -> dict[str, int]:
    """How many things the nurse should look at again, by kind."""
    counts = {"negation": 0, "number": 0, "uncertain": 0}
    for section in note.sections.values():
        for token in section.words:
            reason = _reason(token, note.language)
            if reason:
                counts[reason] += 1
    counts["unfilled_field"] = len(note.unfilled_fields())
    return counts


def metadata(note: Note) -> dict[str, Any]:
    """What shaped the note: templates used, fields left unfilled, words the vocabulary corrected."""
    return {
        "templates": {
            "layout": {"id": note.layout.id, "version": note.layout.version},
            "autotexts": [{"id": ident, "version": version} for ident, version in note.autotexts_used()],
            "vocabularies": [{"id": ident, "terms": count} for ident, count in note.vocabularies],
        },
        "unfilled_fields": [
            {"section": section.key, "autotext": slot.autotext, "name": slot.name, "label": slot.label}
            for section, slot in note.unfilled_fields()
        ],
        "review": review_summary(note),
        "corrections": [
            {"heard": c.heard, "written": c.written, "score": c.score, "section": c.section,
             "start": round(c.start, 3)}
            for c in note.corrections()
        ],
    }


def to_json(note: Note, *, indent: int | None = None) -> str:
    """One JSON document; on one line unless `indent` is given (JSON Lines friendly)."""
    return json.dumps(to_dict(note), ensure_ascii=False, indent=indent) + "\n"


RENDERERS: dict[str, Callable[[Note], str]] = {
    "text": to_text,
    "markdown": to_markdown,
    "json": to_json,
}
