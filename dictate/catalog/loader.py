"""Every template file in one place, loaded leniently and checked across files.

A broken file is skipped with a problem that names file, line and field, and
the rest still loads: one coordinator's typo must not stop a nurse's
dictation. The same checks drive `dictate templates check`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal, TypeVar

from rapidfuzz import fuzz

from dictate.catalog.autotexts import AutoText, Piece, parse_autotext
from dictate.catalog.commands import CommandSet, parse_commands
from dictate.catalog.layouts import Layout, parse_layout
from dictate.catalog.phrases import normalise, squash
from dictate.catalog.stopwords import STOP_WORDS
from dictate.catalog.vocabulary import Vocabulary, parse_vocabulary
from dictate.errors import TemplateError
from dictate.paths import templates_dir

#: Two triggers of different auto-texts closer than this (rapidfuzz ratio,
#: spaces ignored) cannot be told apart when misheard a little: a near tie.
COLLISION_THRESHOLD = 90.0


Severity = Literal["error", "warning"]
T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    severity: Severity
    message: str
    path: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "")
            if self.field:
                where += f" ({self.field})"
            where += ": "
        return f"{where}{self.severity}: {self.message}"

    @classmethod
    def from_error(cls, exc: TemplateError) -> Problem:
        return cls("error", exc.detail, exc.path, exc.line, exc.field or None)


@dataclass
class Catalog:
    directory: Path
    layouts: dict[str, Layout] = field(default_factory=dict)
    commands: dict[str, CommandSet] = field(default_factory=dict)
    autotexts: dict[str, AutoText] = field(default_factory=dict)
    vocabularies: dict[str, Vocabulary] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def autotexts_for(self, language: str) -> list[AutoText]:
        """The auto-texts a nurse can call up when dictating in `language`."""
        return [a for a in self.autotexts.values() if a.triggers.get(language)]

    def terms(self, language: str) -> list[str]:
        """Vocabulary terms for `language`, in file order, without repeats."""
        seen: dict[str, str] = {}
        for vocabulary in self.vocabularies.values():
            if vocabulary.language == language:
                for term in vocabulary.terms:
                    seen.setdefault(term.casefold(), term)
        return list(seen.values())


def load_catalog(directory: Path | None = None) -> Catalog:
    """Load every template under `directory`; problems are collected, never raised."""
    directory = directory or templates_dir()
    catalog = Catalog(directory=directory)
    if not directory.is_dir():
        catalog.problems.append(Problem("error", "not a folder of templates", str(directory)))
        return catalog
    for layout in _load_all(catalog, directory / "layouts", parse_layout):
        _add_unique(catalog, catalog.layouts, layout.id, layout, "layout", layout.path)
    for commands in _load_all(catalog, directory / "commands", parse_commands):
        _add_unique(catalog, catalog.commands, commands.language, commands, "command file for language",
                    commands.path)
    for vocabulary in _load_all(catalog, directory / "vocabulary", parse_vocabulary):
        _add_unique(catalog, catalog.vocabularies, vocabulary.id, vocabulary, "vocabulary", vocabulary.path)
    for autotext in _load_all(catalog, directory / "autotexts", parse_autotext):
        _add_unique(catalog, catalog.autotexts, autotext.id, autotext, "auto-text", autotext.path)
    _check_autotexts(catalog)
    catalog.problems = list(dict.fromkeys(catalog.problems))  # a cycle is found from each of its members
    return catalog


def _load_all(catalog: Catalog, folder: Path, parse: Callable[[Path], T]) -> list[T]:
    loaded: list[T] = []
    if not folder.exists() and not folder.is_symlink():
        return loaded  # a catalog may leave out a kind of template
    try:
        # os.scandir, not glob: glob says nothing when the folder cannot be read.
        with os.scandir(folder) as entries:
            paths = sorted(Path(e.path) for e in entries if e.name.endswith((".yaml", ".yml")))
    except NotADirectoryError:
        catalog.problems.append(Problem("error", "expected a folder of templates here, found a file", str(folder)))
        return loaded
    except OSError as exc:
        catalog.problems.append(Problem("error", f"cannot read the folder: {exc.strerror}; none of its "
                                        "templates are loaded", str(folder)))
        return loaded
    for path in paths:
        try:
            loaded.append(parse(path))
        except TemplateError as exc:
            catalog.problems.append(Problem.from_error(exc))
    return loaded


def _add_unique(catalog: Catalog, into: dict[str, T], key: str, item: T, what: str, path: Path | None) -> None:
    if key in into:
        first = getattr(into[key], "path", None)
        catalog.problems.append(Problem("error", f"{what} '{key}' is already defined in {first}; this "
                                        "file is skipped", str(path)))
        return
    into[key] = item


# -- checks across files --------------------------------------------------------


def _problem(catalog: Catalog, autotext: AutoText, message: str, field_path: str,
             severity: Severity = "error") -> None:
    lines = autotext.lines
    line = lines.get(field_path) or lines.get(field_path.split("[")[0]) or lines.get(field_path.split(".")[0])
    catalog.problems.append(Problem(severity, message, str(autotext.path), line, field_path))


def _check_autotexts(catalog: Catalog) -> None:
    broken: set[str] = set()
    for autotext in catalog.autotexts.values():
        if not _check_heading(catalog, autotext):
            broken.add(autotext.id)
        if not _check_triggers(catalog, autotext):
            broken.add(autotext.id)
    broken |= _resolve_includes(catalog)
    _check_collisions(catalog, broken)
    for ident in broken:
        del catalog.autotexts[ident]


def _check_heading(catalog: Catalog, autotext: AutoText) -> bool:
    ok = True
    for layout_id, key in autotext.headings.items():
        where = "heading" if layout_id == "*" else f"heading.{layout_id}"
        if layout_id == "*":
            if not any(key in _keys(layout) for layout in catalog.layouts.values()):
                _problem(catalog, autotext, f"no layout has a section '{key}'", where)
                ok = False
            continue
        layout = catalog.layouts.get(layout_id)
        if layout is None:
            known = ", ".join(sorted(catalog.layouts)) or "none"
            _problem(catalog, autotext, f"unknown layout '{layout_id}' (layouts: {known})", where)
            ok = False
        elif key not in _keys(layout):
            _problem(catalog, autotext, f"layout '{layout_id}' has no section '{key}' (sections: "
                     f"{', '.join(sorted(_keys(layout)))})", where)
            ok = False
    return ok


def _keys(layout: Layout) -> set[str]:
    return {s.key for s in layout.all_sections}


def _check_triggers(catalog: Catalog, autotext: AutoText) -> bool:
    ok = True
    for language, phrases in autotext.triggers.items():
        where_list = f"triggers.{language}"
        if not phrases:
            _problem(catalog, autotext, "the list of triggers is empty", where_list)
            ok = False
        commands = catalog.commands.get(language)
        command_phrases = {normalise(p): key for key, group in (commands.phrases() if commands else {}).items()
                           for p in group}
        seen: set[str] = set()
        for i, phrase in enumerate(phrases):
            where = f"{where_list}[{i}]"
            words = normalise(phrase).split()
            if not words:
                _problem(catalog, autotext, "the trigger is empty", where)
                ok = False
            elif all(w in STOP_WORDS for w in words):
                _problem(catalog, autotext, f"the trigger '{phrase}' is only common words and would fire "
                         "on ordinary speech", where)
                ok = False
            elif " ".join(words) in command_phrases:
                _problem(catalog, autotext, f"the trigger '{phrase}' is also a spoken command "
                         f"({command_phrases[' '.join(words)]})", where)
                ok = False
            elif " ".join(words) in seen:
                _problem(catalog, autotext, f"the trigger '{phrase}' is listed twice", where, "warning")
            seen.add(" ".join(words))
    return ok


def _check_collisions(catalog: Catalog, broken: set[str]) -> None:
    """Triggers of different auto-texts that are equal or too close to tell apart."""
    by_language: dict[str, list[tuple[str, str, AutoText, int]]] = {}
    for autotext in catalog.autotexts.values():
        if autotext.id in broken:
            continue
        for language, phrases in autotext.triggers.items():
            for i, phrase in enumerate(phrases):
                squashed = squash(phrase)
                by_language.setdefault(language, []).append((squashed, phrase, autotext, i))
    for language, entries in by_language.items():
        for a in range(len(entries)):
            for b in range(a + 1, len(entries)):
                sa, pa, ta, ia = entries[a]
                sb, pb, tb, ib = entries[b]
                if ta.id == tb.id:
                    continue
                score = 100.0 if sa == sb else fuzz.ratio(sa, sb)
                if score >= COLLISION_THRESHOLD:
                    other = f"{tb.path}:{tb.lines.get(f'triggers.{language}[{ib}]', '')}"
                    what = "is the same as" if sa == sb else f"is too close to (score {score:.0f})"
                    _problem(catalog, ta, f"the trigger '{pa}' {what} the trigger '{pb}' of auto-text "
                             f"'{tb.id}' ({other}); a nurse could not tell which one she gets",
                             f"triggers.{language}[{ia}]")


def _resolve_includes(catalog: Catalog) -> set[str]:
    """Expand `{@id}` includes in place; returns auto-texts that cannot be expanded."""
    broken: set[str] = set()
    resolved: dict[str, AutoText] = {}

    def expand(ident: str, chain: tuple[str, ...]) -> AutoText | None:
        if ident in resolved:
            return resolved[ident]
        autotext = catalog.autotexts[ident]
        texts: dict[str, tuple[Piece, ...]] = {}
        fields = dict(autotext.fields)
        for language, pieces in autotext.texts.items():
            out: list[Piece] = []
            for piece in pieces:
                if piece.kind != "include":
                    out.append(piece)
                    continue
                where = f"text.{language}"
                if piece.value in chain or piece.value == ident:
                    cycle = " -> ".join((*chain, ident, piece.value))
                    _problem(catalog, autotext, f"the auto-text includes itself ({cycle})", where)
                    return None
                if piece.value not in catalog.autotexts:
                    _problem(catalog, autotext, f"'{{@{piece.value}}}' includes an auto-text that does not "
                             "exist", where)
                    return None
                inner = expand(piece.value, (*chain, ident))
                if inner is None:
                    _problem(catalog, autotext, f"the included auto-text '{piece.value}' is broken", where)
                    return None
                out.extend(inner.pieces(language))
                for name, definition in inner.fields.items():
                    fields.setdefault(name, definition)
            texts[language] = tuple(out)
        resolved[ident] = replace(autotext, texts=texts, fields=fields)
        return resolved[ident]

    for ident in list(catalog.autotexts):
        if not catalog.autotexts[ident].includes():
            continue
        if expand(ident, ()) is None:
            broken.add(ident)
    for ident, autotext in resolved.items():
        if ident not in broken:
            catalog.autotexts[ident] = autotext
    return broken
