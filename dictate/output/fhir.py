"""A note as an HL7 FHIR R4 (4.0.1) document Bundle.

The Bundle is of type "document"; its first entry is a Composition with one
section per filled section of the note.

Pure, standard library only. Identifiers are derived from the note's id, so the
same note always gives the same document (and golden files stay stable).

What the integrator gets:

- `Bundle.meta.tag` carries the output's schema version (system
  `urn:dictate:schema-version`, code "1").
- `Composition.status` is "preliminary" while anything needs review (see
  `dictate.notes.review.review_items`), else "final". A preliminary Composition also
  has the tag `urn:dictate:review#needs-review` in `meta.tag`, and each section
  with something to review has the extension `urn:dictate:needs-review`
  (valueBoolean true) and one complex extension `urn:dictate:review-item` per
  item (`kind`, `text`, and `start` or `autotext`/`field`; an unknown heading also has
  one `candidate` per closest heading). The narrative is the
  note's text exactly, with no marks in it.
- Subject and author are the references given (`--subject Patient/123`), or a
  placeholder Reference carrying the data-absent-reason extension ("unknown")
  where the integrator has to fill one in.
- A section's code is the layout's code (FSIII `I3`, LOINC for SOAP) with the
  code system's display, plus the UUID code where the layout has one.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from dictate.errors import UsageError
from dictate.notes.note import Note, Section
from dictate.notes.review import SCHEMA_VERSION, ReviewItem, review_items

LOINC = "http://loinc.org"
#: Composition.type: LOINC's document type for a nurse's note.
NURSE_NOTE = {"system": LOINC, "code": "34746-8", "display": "Nurse note"}
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
URI_SYSTEM = "urn:ietf:rfc:3986"
SCHEMA_VERSION_SYSTEM = "urn:dictate:schema-version"
REVIEW_TAG = {"system": "urn:dictate:review", "code": "needs-review", "display": "Needs review before it is final"}
NEEDS_REVIEW_URL = "urn:dictate:needs-review"
REVIEW_ITEM_URL = "urn:dictate:review-item"
XHTML = "http://www.w3.org/1999/xhtml"

TITLES = {"da": "Journalnotat", "en": "Journal note"}

#: What R4 allows as a Composition's author.
AUTHOR_TYPES = ("Practitioner", "PractitionerRole", "Device", "Patient", "RelatedPerson", "Organization")

#: Document and Composition ids are name-based UUIDs of the note id in this namespace.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:dictate:fhir")

_RELATIVE = re.compile(r"(?P<type>[A-Z][A-Za-z]{1,63})/[A-Za-z0-9\-.]{1,64}(/_history/[A-Za-z0-9\-.]{1,64})?")
_ABSOLUTE = re.compile(r"https?://[^\s/?#]+(/[^\s]*)?")
_TYPE_IN_URL = re.compile(r"/(?P<type>[A-Z][A-Za-z]{1,63})/[A-Za-z0-9\-.]{1,64}(/_history/[A-Za-z0-9\-.]{1,64})?$")
_URN_UUID = re.compile(r"urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_URN_OID = re.compile(r"urn:oid:[0-2](\.(0|[1-9][0-9]*))+")
#: Characters XML 1.0 (and FHIR strings) do not allow.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def check_reference(value: str, option: str = "reference") -> str:
    """A FHIR reference string as given on the command line, or a UsageError (exit 2).

    Accepted: `Type/id` (optionally `/_history/version`), an absolute http(s) URL,
    `urn:uuid:...` or `urn:oid:...`. `option` names the value in the message; for
    `--author`/`author` the resource type must be one R4 allows as an author.
    """
    text = value.strip()
    kind: str | None = None
    match = _RELATIVE.fullmatch(text)
    if match:
        kind = match["type"]
    elif _ABSOLUTE.fullmatch(text):
        found = _TYPE_IN_URL.search(text)
        kind = found["type"] if found else None
    elif not (_URN_UUID.fullmatch(text) or _URN_OID.fullmatch(text)):
        raise UsageError(f"{option}: {value!r} is not a FHIR reference; give Type/id (e.g. Patient/123), "
                         "an absolute http(s) URL, or urn:uuid:<uuid>")
    if option.lstrip("-") == "author" and kind is not None and kind not in AUTHOR_TYPES:
        raise UsageError(f"{option}: a {kind} cannot be the author of a note; give a reference to one of "
                         f"{', '.join(AUTHOR_TYPES)}")
    return text


def to_bundle(note: Note, *, subject: str | None = None, author: str | None = None) -> dict[str, Any]:
    """The note as a FHIR R4 document Bundle (a JSON-ready dict)."""
    items = review_items(note)
    by_section: dict[str, list[ReviewItem]] = {}
    for item in items:
        by_section.setdefault(item.section, []).append(item)
    created = note.created if note.created.tzinfo is not None else note.created.astimezone()
    when = created.isoformat(timespec="seconds")
    composition_id = str(uuid.uuid5(_NAMESPACE, f"{note.id}#composition"))
    bundle_id = str(uuid.uuid5(_NAMESPACE, f"{note.id}#bundle"))

    composition: dict[str, Any] = {"resourceType": "Composition", "id": composition_id}
    if items:
        composition["meta"] = {"tag": [REVIEW_TAG]}
    composition.update({
        "language": note.language,
        "identifier": _note_identifier(note.id),
        "status": "preliminary" if items else "final",
        "type": {"coding": [NURSE_NOTE]},
        "subject": _reference(subject, "subject", placeholder_type="Patient"),
        "date": when,
        "author": [_reference(author, "author")],
        "title": TITLES.get(note.language, TITLES["da"]),
    })
    sections = [_section(note, section, by_section.get(section.key, [])) for section in note.filled_sections()]
    if sections:
        composition["section"] = sections
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {"tag": [{"system": SCHEMA_VERSION_SYSTEM, "code": str(SCHEMA_VERSION)}]},
        "identifier": {"system": URI_SYSTEM, "value": f"urn:uuid:{bundle_id}"},
        "type": "document",
        "timestamp": when,
        "entry": [{"fullUrl": f"urn:uuid:{composition_id}", "resource": composition}],
    }


def to_fhir(note: Note, *, subject: str | None = None, author: str | None = None, indent: int | None = 2) -> str:
    """The document Bundle as JSON (indented unless `indent` is None), with a trailing newline."""
    return json.dumps(to_bundle(note, subject=subject, author=author), ensure_ascii=False, indent=indent) + "\n"


def narrative(text: str) -> str:
    """A section's text as an XHTML div: paragraphs as <p>, spoken line breaks as <br/>."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines = [_escape(line) for line in paragraph.split("\n")]
        if any(lines):
            paragraphs.append("<p>" + "<br/>".join(lines) + "</p>")
    return f'<div xmlns="{XHTML}">' + "".join(paragraphs) + "</div>"


def _escape(text: str) -> str:
    text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _note_identifier(note_id: str) -> dict[str, str]:
    """Composition.identifier: the note's own id, as in the other formats."""
    try:
        return {"system": URI_SYSTEM, "value": f"urn:uuid:{uuid.UUID(note_id)}"}
    except ValueError:
        return {"system": "urn:dictate:note-id", "value": note_id}


def _reference(value: str | None, role: str, placeholder_type: str | None = None) -> dict[str, Any]:
    if value is None:
        placeholder: dict[str, Any] = {"extension": [{"url": DATA_ABSENT_REASON, "valueCode": "unknown"}]}
        if placeholder_type:
            placeholder["type"] = placeholder_type
        return placeholder
    return {"reference": check_reference(value, role)}


def _section(note: Note, section: Section, items: list[ReviewItem]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if items:
        data["extension"] = [{"url": NEEDS_REVIEW_URL, "valueBoolean": True}, *map(_review_extension, items)]
    data["title"] = section.heading
    code = _code(note, section)
    if code is not None:
        data["code"] = code
    data["text"] = {"status": "generated", "div": narrative(section.text)}
    return data


def _code(note: Note, section: Section) -> dict[str, Any] | None:
    system = note.layout.code_system
    if system is None or section.code is None:
        return None
    definition = note.layout.section(section.key)
    codings = []
    for code in (section.code, definition.uuid):
        if code:
            coding = {"system": system, "code": code}
            if definition.display:
                coding["display"] = definition.display
            codings.append(coding)
    return {"coding": codings}


def _review_extension(item: ReviewItem) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [{"url": "kind", "valueCode": item.kind},
                                   {"url": "text", "valueString": item.text}]
    if item.start is not None:
        parts.append({"url": "start", "valueDecimal": round(item.start, 3)})
    if item.field is not None:
        parts += [{"url": "autotext", "valueString": item.autotext}, {"url": "field", "valueString": item.field}]
    for _, heading in item.candidates or ():
        parts.append({"url": "candidate", "valueString": heading})
    return {"url": REVIEW_ITEM_URL, "extension": parts}
