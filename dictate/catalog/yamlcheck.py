"""Small validation helpers for template files: types, required and unknown keys.

Each check raises TemplateError with the file, the line and the field path
(for example `sections[3].heading.da`) so that a coordinator can go straight
to the mistake.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dictate.catalog.yamlfile import YamlList, YamlMap, line_of
from dictate.errors import TemplateError


class Checker:
    """Validates values read from one file, remembering where they came from."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, message: str, container: Any, key: str | int | None, field: str) -> TemplateError:
        return TemplateError(message, path=str(self.path), line=line_of(container, key), field=field)

    def mapping(self, value: Any, parent: Any, key: str | int | None, field: str,
                *, required: set[str], optional: set[str]) -> YamlMap:
        if not isinstance(value, YamlMap):
            where = (parent, key) if parent is not None else (value, None)
            raise self.fail("expected a mapping of 'key: value' lines", *where, field)
        for name in value:
            if name not in required and name not in optional:
                allowed = ", ".join(sorted(required | optional))
                raise self.fail(f"unknown key '{name}' (allowed: {allowed})", value, name,
                                _join(field, name))
        for name in sorted(required):
            if name not in value:
                raise self.fail(f"missing required key '{name}'", value, None, _join(field, name))
        return value

    def text(self, container: YamlMap | YamlList, key: str | int, field: str,
             *, allow_empty: bool = False) -> str:
        value = container[key]
        if not isinstance(value, str):
            raise self.fail("expected text", container, key, field)
        value = value.strip()
        if not value and not allow_empty:
            raise self.fail("must not be empty", container, key, field)
        return value

    def text_list(self, container: YamlMap, key: str, field: str) -> tuple[str, ...]:
        value = container[key]
        if isinstance(value, str):  # a single item written without brackets
            return (self.text(container, key, field),)
        if not isinstance(value, YamlList):
            raise self.fail("expected a list of texts", container, key, field)
        return tuple(self.text(value, i, f"{field}[{i}]") for i in range(len(value)))

    def per_language(self, container: YamlMap, key: str, field: str) -> dict[str, str]:
        """`{da: ..., en: ...}`, or a plain text meaning Danish."""
        value = container[key]
        if isinstance(value, str):
            return {"da": self.text(container, key, field)}
        mapping = self.mapping(value, container, key, field, required={"da"}, optional={"en"})
        return {lang: self.text(mapping, lang, _join(field, lang)) for lang in mapping}

    def per_language_list(self, container: YamlMap, key: str, field: str) -> dict[str, tuple[str, ...]]:
        value = container[key]
        if isinstance(value, (str, YamlList)):
            return {"da": self.text_list(container, key, field)}
        mapping = self.mapping(value, container, key, field, required=set(), optional={"da", "en"})
        return {lang: self.text_list(mapping, lang, _join(field, lang)) for lang in mapping}


def _join(field: str, name: str) -> str:
    return f"{field}.{name}" if field else name
