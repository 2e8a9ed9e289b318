"""Note layouts: the headings a note is organised under (FSIII, SOAP, ...).

A layout is a YAML file in templates/layouts/. Each section has a stable key,
a heading per language, an optional code in the layout's code system (FSIII,
LOINC) with that system's display and UUID code, and spoken aliases that the
interpreter fuzzy-matches after "overskrift" / "heading".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from dictate.catalog.yamlcheck import Checker
from dictate.catalog.yamlfile import YamlList, load_yaml, read_template_text
from dictate.errors import TemplateError
from dictate.exit_codes import ExitCode
from dictate.paths import templates_dir

GENERAL_KEY = "general"


@dataclass(frozen=True)
class SectionDef:
    key: str
    headings: dict[str, str]
    code: str | None = None
    #: the code's display as the code system publishes it (FSIII: Danish), for FHIR codings
    display: str | None = None
    #: the same concept's UUID code in the code system, where it has one (FSIII)
    uuid: str | None = None
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def heading(self, language: str) -> str:
        return self.headings.get(language) or self.headings["da"]

    def spoken_names(self, language: str) -> list[str]:
        """What a nurse may say after the heading command to reach this section."""
        names = [self.heading(language), *self.aliases.get(language, ())]
        if language != "da":
            # The Danish heading is printed on the note, so people say it too.
            names.append(self.headings["da"])
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class Layout:
    id: str
    version: str
    names: dict[str, str]
    general: SectionDef
    sections: tuple[SectionDef, ...]
    code_system: str | None = None
    path: Path | None = None
    #: the YAML it was read from, so a draft can carry its layout (a custom one is in no catalog)
    source: str | None = field(default=None, compare=False, repr=False)

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["da"]

    def section(self, key: str) -> SectionDef:
        if key == GENERAL_KEY:
            return self.general
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    @property
    def all_sections(self) -> tuple[SectionDef, ...]:
        """General first, then the layout's own order: the order notes are printed in."""
        return (self.general, *self.sections)


def available_layouts(directory: Path | None = None) -> list[str]:
    directory = directory or templates_dir() / "layouts"
    return sorted(p.stem for p in directory.glob("*.yaml"))


def load_layout(spec: str, directory: Path | None = None) -> Layout:
    """Load a layout by name (templates/layouts/NAME.yaml) or by path to a YAML file."""
    candidate = Path(spec)
    if candidate.suffix in (".yaml", ".yml") or candidate.is_file():
        return parse_layout(candidate)
    directory = directory or templates_dir() / "layouts"
    path = directory / f"{spec}.yaml"
    if not path.is_file():
        known = ", ".join(available_layouts(directory)) or "none"
        raise TemplateError(f"unknown layout '{spec}' (available: {known}; or give a path "
                            "to a layout .yaml file)", exit_code=ExitCode.USAGE)
    return parse_layout(path)


def parse_layout(path: Path, text: str | None = None) -> Layout:
    """A layout from its file, or from `text` (the file's content, kept in a draft)."""
    if text is None:
        text = read_template_text(path)
    data = load_yaml(path, text)
    check = Checker(path)
    root = check.mapping(data, None, None, "", required={"id", "version", "name", "sections"},
                         optional={"code_system", "general", "description"})
    general = SectionDef(key=GENERAL_KEY, headings={"da": "Generelt", "en": "General"})
    if "general" in root:
        g = check.mapping(root["general"], root, "general", "general",
                          required={"heading"}, optional={"aliases"})
        general = SectionDef(
            key=GENERAL_KEY,
            headings=check.per_language(g, "heading", "general.heading"),
            aliases=check.per_language_list(g, "aliases", "general.aliases") if "aliases" in g else {},
        )
    raw_sections = root["sections"]
    if not isinstance(raw_sections, YamlList) or not raw_sections:
        raise check.fail("expected a non-empty list of sections", root, "sections", "sections")
    sections: list[SectionDef] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw_sections):
        where = f"sections[{i}]"
        s = check.mapping(item, raw_sections, i, where, required={"key", "heading"},
                          optional={"code", "display", "uuid", "aliases"})
        key = check.text(s, "key", f"{where}.key")
        if key == GENERAL_KEY or key in seen:
            raise check.fail(f"section key '{key}' is used twice", s, "key", f"{where}.key")
        seen[key] = i
        sections.append(SectionDef(
            key=key,
            headings=check.per_language(s, "heading", f"{where}.heading"),
            code=check.text(s, "code", f"{where}.code") if "code" in s else None,
            display=check.text(s, "display", f"{where}.display") if "display" in s else None,
            uuid=check.text(s, "uuid", f"{where}.uuid") if "uuid" in s else None,
            aliases=check.per_language_list(s, "aliases", f"{where}.aliases") if "aliases" in s else {},
        ))
    return Layout(
        id=check.text(root, "id", "id"),
        version=check.text(root, "version", "version"),
        names=check.per_language(root, "name", "name"),
        code_system=check.text(root, "code_system", "code_system") if "code_system" in root else None,
        general=general,
        sections=tuple(sections),
        path=path,
        source=text,
    )
