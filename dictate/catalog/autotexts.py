"""Auto-texts: ready-made note text with fields, inserted by a spoken trigger.

One auto-text per file in templates/autotexts/. The text holds `{field}`
placeholders that the nurse fills by dictating after "næste felt", and may
include another auto-text with `{@other_id}` (a shared closing line, say).
Includes are resolved by the catalog, which sees every file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from dictate.catalog.phrases import normalise
from dictate.catalog.yamlcheck import Checker
from dictate.catalog.yamlfile import YamlMap, load_yaml

_ID = re.compile(r"^[a-z0-9_]+$")
_FIELD_NAME = re.compile(r"^\w+$")
#: `{name}`, `{@include}`, or an escaped brace `{{` / `}}`.
_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(@?)([^{}]*)\}|[{}]")
#: How close a dictated value must be to one of a field's choices to become it.
CHOICE_THRESHOLD = 75.0


@dataclass(frozen=True)
class FieldDef:
    name: str
    labels: dict[str, str]
    defaults: dict[str, str] = field(default_factory=dict)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get("da") or self.name

    def default(self, language: str) -> str | None:
        return self.defaults.get(language) or self.defaults.get("da")

    def choice_list(self, language: str) -> tuple[str, ...]:
        return self.choices.get(language) or self.choices.get("da") or ()

    def snap(self, value: str, language: str) -> str | None:
        """The choice a dictated value means, if it is clearly one of them."""
        choices = self.choice_list(language)
        if not choices:
            return None
        spoken = normalise(value)
        scored = sorted(((fuzz.ratio(spoken, normalise(c)), c) for c in choices), reverse=True)
        best_score, best = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if best_score >= CHOICE_THRESHOLD and best_score > runner_up:
            return best
        return None


@dataclass(frozen=True)
class Piece:
    """A part of an auto-text's text: literal text, a field, or an include."""

    kind: str  # "text" | "field" | "include"
    value: str


@dataclass(frozen=True)
class AutoText:
    id: str
    version: str
    titles: dict[str, str]
    triggers: dict[str, tuple[str, ...]]
    #: layout id -> section key; the key "*" applies to every layout.
    headings: dict[str, str]
    texts: dict[str, tuple[Piece, ...]]
    fields: dict[str, FieldDef]
    path: Path | None = None
    #: line numbers for the linter, by field path ("triggers.da[0]", "text.da", ...)
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["da"]

    def pieces(self, language: str) -> tuple[Piece, ...]:
        return self.texts.get(language) or self.texts["da"]

    def section_for(self, layout_id: str, keys: set[str]) -> str | None:
        """The section this auto-text belongs in under a layout, if it has one."""
        key = self.headings.get(layout_id) or self.headings.get("*")
        return key if key in keys else None

    def field_names(self) -> list[str]:
        """Fields in the order they first appear in any language's text."""
        names: list[str] = []
        for pieces in self.texts.values():
            names += [p.value for p in pieces if p.kind == "field" and p.value not in names]
        return names

    def includes(self) -> set[str]:
        return {p.value for pieces in self.texts.values() for p in pieces if p.kind == "include"}


def parse_text(text: str, check: Checker, container: YamlMap, key: str, where: str) -> tuple[Piece, ...]:
    """Split a text into literal pieces, `{field}`s and `{@include}`s."""
    pieces: list[Piece] = []
    literal: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        literal.append(text[position:match.start()])
        position = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            literal.append(token[0])
            continue
        if match.group(2) is None:
            raise check.fail(f"unmatched '{token}' in the text (write '{token * 2}' for a literal brace)",
                             container, key, where)
        name = match.group(2).strip()
        include = match.group(1) == "@"
        if not (_ID if include else _FIELD_NAME).match(name):
            what = "an auto-text id" if include else "a field name (letters, digits, _)"
            raise check.fail(f"'{{{match.group(1)}{match.group(2)}}}' is not {what}", container, key, where)
        if literal:
            pieces.append(Piece("text", "".join(literal)))
            literal = []
        pieces.append(Piece("include" if include else "field", name))
    literal.append(text[position:])
    if "".join(literal):
        pieces.append(Piece("text", "".join(literal)))
    return tuple(pieces)


def parse_autotext(path: Path) -> AutoText:
    check = Checker(path)
    root = check.mapping(load_yaml(path), None, None, "",
                         required={"id", "version", "title", "triggers", "heading", "text"},
                         optional={"fields", "description"})
    ident = check.text(root, "id", "id")
    if not _ID.match(ident):
        raise check.fail(f"id '{ident}' may only hold a-z, 0-9 and _", root, "id", "id")
    lines: dict[str, int] = dict(root.key_lines)
    triggers = check.per_language_list(root, "triggers", "triggers")
    trigger_map = root["triggers"]
    for lang, phrases in triggers.items():
        container = trigger_map.get(lang) if isinstance(trigger_map, YamlMap) else trigger_map
        for i in range(len(phrases)):
            lines[f"triggers.{lang}[{i}]"] = _line(container, i, root.key_lines["triggers"])
    headings = _parse_headings(check, root)
    if isinstance(root["heading"], YamlMap):
        lines.update({f"heading.{layout}": line for layout, line in root["heading"].key_lines.items()})
    texts_raw = check.per_language(root, "text", "text")
    texts: dict[str, tuple[Piece, ...]] = {}
    text_map = root["text"]
    for lang, text in texts_raw.items():
        container, key = (text_map, lang) if isinstance(text_map, YamlMap) else (root, "text")
        texts[lang] = parse_text(text, check, container, key, f"text.{lang}")
        lines[f"text.{lang}"] = _line(container, key, root.key_lines["text"])
    fields = _parse_fields(check, root) if "fields" in root else {}
    used = {p.value for pieces in texts.values() for p in pieces if p.kind == "field"}
    for name in sorted(used - set(fields)):
        lang, container, key = next((lang, *_where(text_map, root, lang)) for lang, pieces in texts.items()
                                    if any(p.kind == "field" and p.value == name for p in pieces))
        raise check.fail(f"the text uses '{{{name}}}' but 'fields' does not define it", container, key,
                         f"text.{lang}")
    for name in sorted(set(fields) - used):
        raise check.fail(f"field '{name}' is defined but no text uses it", root["fields"], name,
                         f"fields.{name}")
    return AutoText(id=ident, version=check.text(root, "version", "version"),
                    titles=check.per_language(root, "title", "title"), triggers=triggers,
                    headings=headings, texts=texts, fields=fields, path=path, lines=lines)


def _where(text_map: object, root: YamlMap, lang: str) -> tuple[object, str]:
    return (text_map, lang) if isinstance(text_map, YamlMap) else (root, "text")


def _line(container: object, key: object, fallback: int) -> int:
    from dictate.catalog.yamlfile import line_of

    return line_of(container, key) or fallback  # type: ignore[arg-type]


def _parse_headings(check: Checker, root: YamlMap) -> dict[str, str]:
    value = root["heading"]
    if isinstance(value, str):
        return {"*": check.text(root, "heading", "heading")}
    if not isinstance(value, YamlMap) or not value:
        raise check.fail("expected a section key, or 'layout: section key' lines", root, "heading", "heading")
    return {layout: check.text(value, layout, f"heading.{layout}") for layout in value}


def _parse_fields(check: Checker, root: YamlMap) -> dict[str, FieldDef]:
    raw = root["fields"]
    if not isinstance(raw, YamlMap):
        raise check.fail("expected 'name:' entries, one per field", root, "fields", "fields")
    fields: dict[str, FieldDef] = {}
    for name, value in raw.items():
        where = f"fields.{name}"
        if not _FIELD_NAME.match(name):
            raise check.fail(f"'{name}' is not a field name (letters, digits, _)", raw, name, where)
        if value is None or value == "":
            fields[name] = FieldDef(name=name, labels={"da": name})
            continue
        spec = check.mapping(value, raw, name, where, required=set(),
                             optional={"label", "default", "choices"})
        fields[name] = FieldDef(
            name=name,
            labels=check.per_language(spec, "label", f"{where}.label") if "label" in spec else {"da": name},
            defaults=check.per_language(spec, "default", f"{where}.default") if "default" in spec else {},
            choices=check.per_language_list(spec, "choices", f"{where}.choices") if "choices" in spec else {},
        )
    return fields
