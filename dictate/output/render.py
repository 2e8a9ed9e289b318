"""Renderers: a note as plain text, Markdown, JSON or a FHIR document. Pure functions.

Every format carries the schema version and what the nurse should look at again
(`review_items`, one definition for all formats). In text and Markdown the body
stays a clean note that a nurse or a care record can take as is, and the metadata
is kept apart from it: text ends with a trailer after a line `-- ` (the e-mail
signature separator, so integrators can cut there), Markdown starts with YAML
front matter (which Markdown renderers hide).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any, Callable

from dictate.notes.note import Note, Token
from dictate.notes.review import REVIEW_KINDS, SCHEMA_VERSION, ReviewItem, note_threshold, review_items, token_reason
from dictate.output.fhir import to_fhir

#: The formats `render_note` knows, in the order the CLI lists them.
NOTE_FORMATS = ("text", "markdown", "json", "fhir")

#: The line before the trailer of a text note: exactly "-- " (with the space).
TRAILER_SEPARATOR = "-- "

#: Words of the trailer's review lines, per note language: the key, "in", and one label per kind.
_REVIEW_WORDS = {
    "da": {"key": "gennemse", "in": "i", "negation": "nægtelse", "number": "tal", "uncertain": "usikkert ord",
           "unfilled_field": "tomt felt", "heading_unknown": "overskrift ikke genkendt",
           "candidates": "forslag", "no_candidates": "intet forslag"},
    "en": {"key": "review", "in": "in", "negation": "negation", "number": "number", "uncertain": "uncertain word",
           "unfilled_field": "empty field", "heading_unknown": "heading not recognised",
           "candidates": "suggestions", "no_candidates": "no suggestion"},
}


def review_line(item: ReviewItem, language: str) -> str:
    """One review line of the text trailer, e.g. `gennemse: "ikke" (nægtelse) i Ernæring`.

    The key and labels are fixed per language; the word is a JSON string, so it
    can be read back exactly (`review: empty field [size] in Skin` for a field; for a heading
    that matched none, the words heard and the closest headings: `gennemse: "væskning"
    (overskrift ikke genkendt; forslag: Ernæring, Respiration og cirkulation) i Generelt`).
    """
    words = _REVIEW_WORDS.get(language, _REVIEW_WORDS["da"])
    if item.kind == "unfilled_field":
        what = f"{words['unfilled_field']} [{item.text}]"
    elif item.kind == "heading_unknown":
        names = ", ".join(heading for _, heading in item.candidates or ())
        offer = f"{words['candidates']}: {names}" if names else words["no_candidates"]
        what = f"{json.dumps(item.text, ensure_ascii=False)} ({words['heading_unknown']}; {offer})"
    else:
        what = f"{json.dumps(item.text, ensure_ascii=False)} ({words[item.kind]})"
    return f"{words['key']}: {what} {words['in']} {item.heading}"


def _body_text(note: Note) -> str:
    blocks = [f"{s.heading}\n{s.text}" for s in note.filled_sections()]
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def to_text(note: Note, *, trailer: bool = True) -> str:
    """Headings on their own line, a blank line between sections; then the trailer.

    The trailer follows a blank line and a line that is exactly `-- `:
    `schema_version: N`, `needs_review: true|false` and one review line per item
    (see `review_line`). `trailer=False` gives the body alone (for display).
    """
    body = _body_text(note)
    if not trailer:
        return body
    items = review_items(note)
    lines = [TRAILER_SEPARATOR, f"schema_version: {SCHEMA_VERSION}", f"needs_review: {_yes(bool(items))}",
             *(review_line(item, note.language) for item in items)]
    return body + ("\n" if body else "") + "\n".join(lines) + "\n"


def _markdown_body(note: Note) -> str:
    blocks = []
    for section in note.filled_sections():
        # Two trailing spaces keep a spoken "ny linje" as a line break in Markdown.
        body = section.text.replace("\n\n", "\0").replace("\n", "  \n").replace("\0", "\n\n")
        blocks.append(f"## {section.heading}\n\n{body}")
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def to_markdown(note: Note, *, front_matter: bool = True) -> str:
    """`## Heading` per section, after YAML front matter with the note's metadata.

    The front matter (between `---` lines) holds schema_version, id, created,
    language, layout, needs_review and the review items; the body has no marks,
    so it can go into a record as is. `front_matter=False` gives the body alone.
    """
    body = _markdown_body(note)
    if not front_matter:
        return body
    items = review_items(note)
    # Strings are written as JSON strings, which YAML reads back unchanged (no
    # surprises from "no", "12:30" or a leading "#"); the items are JSON objects.
    lines = ["---", f"schema_version: {SCHEMA_VERSION}", f"id: {_str(note.id)}",
             f"created: {_str(_created(note))}", f"language: {_str(note.language)}",
             f"layout: {_str(note.layout.id)}", f"needs_review: {_yes(bool(items))}"]
    if items:
        lines += ["review:", *(f"  - {json.dumps(item.as_dict(), ensure_ascii=False)}" for item in items)]
    else:
        lines.append("review: []")
    lines.append("---")
    return "\n".join(lines) + "\n" + ("\n" + body if body else "")


def _yes(value: bool) -> str:
    return "true" if value else "false"


def _str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _created(note: Note) -> str:
    return note.created.isoformat(timespec="seconds")


def to_dict(note: Note) -> dict[str, Any]:
    layout = note.layout
    items = review_items(note)
    threshold = note_threshold(note)
    return {
        "schema_version": SCHEMA_VERSION,
        "id": note.id,
        "created": _created(note),
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
                "words": [_word(token, note.language, threshold) for token in section.words
                          if token.word is not None],
                "needs_review": any(item.section == section.key for item in items),
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
        "needs_review": bool(items),
        "metadata": metadata(note),
    }


def _word(token: Token, language: str, threshold: float) -> dict[str, Any]:
    assert token.word is not None
    data: dict[str, Any] = {
        "text": token.text,
        "start": round(token.word.start, 3),
        "end": round(token.word.end, 3),
        "probability": round(token.word.probability, 4),
    }
    reason = token_reason(token, language, threshold)
    if reason:
        data["needs_review"] = reason
    return data


def review_summary(note: Note) -> dict[str, int]:
    """How many things the nurse should look at again, by kind (all kinds, zeros included)."""
    counts = dict.fromkeys(REVIEW_KINDS, 0)
    for item in review_items(note):
        counts[item.kind] += 1
    return counts


def metadata(note: Note) -> dict[str, Any]:
    """What shaped the note: templates used, fields left unfilled, heading commands that matched no
    heading, words the vocabulary corrected."""
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
        "unknown_headings": [
            {"section": item.section, "heard": item.text, "start": round(item.start or 0.0, 3),
             "candidates": item.as_dict()["candidates"]}
            for item in review_items(note) if item.kind == "heading_unknown"
        ],
        "corrections": [
            {"heard": c.heard, "written": c.written, "score": c.score, "section": c.section,
             "start": round(c.start, 3)}
            for c in note.corrections()
        ],
    }


def to_json(note: Note, *, indent: int | None = None) -> str:
    """One JSON document; on one line unless `indent` is given (JSON Lines friendly)."""
    return json.dumps(to_dict(note), ensure_ascii=False, indent=indent) + "\n"


def render_note(note: Note, fmt: str, *, subject: str | None = None, author: str | None = None,
                pretty: bool = False) -> str:
    """The one entry point for every note format (NOTE_FORMATS).

    `subject`/`author` are FHIR references used by "fhir" only (placeholders when
    not given); `pretty` indents json and fhir, which are otherwise one line per note.
    """
    indent = 2 if pretty else None
    if fmt == "text":
        return to_text(note)
    if fmt == "markdown":
        return to_markdown(note)
    if fmt == "json":
        return to_json(note, indent=indent)
    if fmt == "fhir":
        return to_fhir(note, subject=subject, author=author, indent=indent)
    raise ValueError(f"unknown note format {fmt!r} (known: {', '.join(NOTE_FORMATS)})")


#: Note -> text with each format's defaults (fhir: placeholders for subject and author).
RENDERERS: dict[str, Callable[[Note], str]] = {fmt: partial(render_note, fmt=fmt) for fmt in NOTE_FORMATS}
