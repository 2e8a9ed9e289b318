"""Spoken command words per language (templates/commands/LANG.yaml)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dictate.catalog.phrases import squash
from dictate.catalog.yamlcheck import Checker
from dictate.catalog.yamlfile import YamlList, load_yaml
from dictate.errors import TemplateError
from dictate.exit_codes import ExitCode
from dictate.paths import templates_dir

#: The marks a spoken word can produce, by the name used in the YAML files.
MARKS: dict[str, str] = {
    "period": ".",
    "comma": ",",
    "question_mark": "?",
    "exclamation_mark": "!",
    "colon": ":",
    "semicolon": ";",
    "new_line": "\n",
    "new_paragraph": "\n\n",
}

#: Structural commands that act only as a whole utterance, by YAML key.
UTTERANCE_COMMANDS = ("next_field", "previous_field", "undo", "end_note")


@dataclass(frozen=True)
class CommandSet:
    language: str
    heading: tuple[str, ...]
    #: spoken phrase -> mark text, e.g. "punktum" -> "."
    marks: dict[str, str]
    end_note: tuple[str, ...] = ()
    autotext: tuple[str, ...] = ()
    next_field: tuple[str, ...] = ()
    previous_field: tuple[str, ...] = ()
    undo: tuple[str, ...] = ()
    #: words after which a mark word is an ordinary noun: "et punktum", "a comma"
    not_after: tuple[str, ...] = ()
    #: phrases that sound like a command and are ordinary text: "next feed", "afslutte"
    not_commands: tuple[str, ...] = ()
    path: Path | None = None

    def phrases(self) -> dict[str, tuple[str, ...]]:
        """Every command phrase list by its YAML key, for the linter and the prompt."""
        return {"heading": self.heading, "autotext": self.autotext, "next_field": self.next_field,
                "previous_field": self.previous_field, "undo": self.undo, "end_note": self.end_note,
                "marks": tuple(self.marks)}


def load_commands(language: str, directory: Path | None = None) -> CommandSet:
    directory = directory or templates_dir() / "commands"
    path = directory / f"{language}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.yaml"))) or "none"
        raise TemplateError(f"no spoken commands for language '{language}' (available: {known})",
                            path=str(path), exit_code=ExitCode.USAGE)
    return parse_commands(path)


def parse_commands(path: Path) -> CommandSet:
    check = Checker(path)
    lists = ("autotext", *UTTERANCE_COMMANDS, "not_after", "not_commands")
    root = check.mapping(load_yaml(path), None, None, "", required={"language", "heading", "marks"},
                         optional=set(lists))
    marks_map = check.mapping(root["marks"], root, "marks", "marks", required=set(),
                              optional=set(MARKS))
    marks: dict[str, str] = {}
    #: phrase -> the list it is in first: one phrase can mean one command only ("næste felt"
    #: under both next_field and undo would silently act as one of them)
    meaning: dict[str, str] = {}

    def claim(phrase: str, where: str, parent, key) -> None:  # noqa: ANN001 - YAML nodes
        first = meaning.setdefault(phrase, where)
        if first != where:
            raise check.fail(f"'{phrase}' is in both {first} and {where}: a phrase can only mean one command",
                             parent, key, where)

    for name in marks_map:
        for phrase in check.text_list(marks_map, name, f"marks.{name}"):
            claim(phrase.casefold(), f"marks.{name}", marks_map, name)
            marks[phrase.casefold()] = MARKS[name]

    def phrases(key: str) -> tuple[str, ...]:
        if key not in root:
            return ()
        found = tuple(p.casefold() for p in check.text_list(root, key, key))
        # Not commands: not_after holds the words before a mark word, not_commands is checked below.
        if key not in ("not_after", "not_commands"):
            for phrase in found:
                claim(phrase, key, root, key)
        return found

    heading = phrases("heading")
    parsed = {key: phrases(key) for key in lists}
    # A phrase that is text can never also be a command, compared as the interpreter
    # compares them: case, punctuation and spacing do not count.
    commands = {squash(p): where for p, where in meaning.items()}
    for index, phrase in enumerate(parsed["not_commands"]):
        where = commands.get(squash(phrase))
        if where is not None:
            items = root["not_commands"]
            node, key = (items, index) if isinstance(items, YamlList) else (root, "not_commands")
            raise check.fail(f"'{phrase}' is in both {where} and not_commands: a phrase is either a command "
                             "or text", node, key, f"not_commands[{index}]")
    return CommandSet(language=check.text(root, "language", "language"), heading=heading, marks=marks,
                      **parsed, path=path)
