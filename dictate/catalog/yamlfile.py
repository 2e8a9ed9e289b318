"""Strict YAML loading for the coordinators' template files.

Two PyYAML habits are wrong for hand-edited care templates: `safe_load` turns
`12:30` into 750, `no` into False and `0123` into 83, and a repeated key
silently overwrites the first one. Here every scalar stays the string that
was typed, a duplicate key is an error, and every mapping and list remembers
the line each entry came from so that errors can point at it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import yaml

from dictate.errors import TemplateError


class YamlMap(dict):
    """A mapping that knows the (1-based) line of itself and of each key."""

    line: int = 0
    key_lines: dict[str, int]


class YamlList(list):
    line: int = 0
    item_lines: list[int]


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with no implicit typing: every scalar is a `str`."""


# An empty resolver table means that no plain scalar is ever read as a bool,
# number, date or null; it stays the text the coordinator typed.
_StrictLoader.yaml_implicit_resolvers = {}


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> YamlMap:
    loader.flatten_mapping(node)
    result = YamlMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be plain text", key_node.start_mark)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None,
                f"duplicate key '{key}' (first on line {result.key_lines[key]})",
                key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _StrictLoader, node: yaml.SequenceNode) -> YamlList:
    result = YamlList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


#: Template files are written by hand; anything bigger is a mistake (a log or a
#: database dump saved under the wrong name) and would only slow the start.
MAX_BYTES = 1024 * 1024


def read_template_text(path: Path) -> str:
    """A template file's text: regular files only, at most MAX_BYTES read.

    A FIFO would hang the reader and a device (a symlink to /dev/zero) reports size 0
    while never ending, so the kind is checked before opening and the cap counts the
    bytes actually read, not what the file system says.
    """
    try:
        mode = path.stat().st_mode
        if not stat.S_ISREG(mode):
            kind = ("a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                    else "a socket" if stat.S_ISSOCK(mode) else "a folder" if stat.S_ISDIR(mode) else "not a file")
            raise TemplateError(f"not a regular file ({kind}); templates must be plain YAML files", path=str(path))
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
            size = max(len(data), os.fstat(handle.fileno()).st_size)
        if len(data) > MAX_BYTES:
            raise TemplateError(f"file is too large for a template ({size / 1e6:.1f} MB; the limit "
                                f"is {MAX_BYTES // 1024} KB)", path=str(path))
        return data.decode("utf-8")
    except FileNotFoundError:
        raise TemplateError("file not found", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise TemplateError(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                            path=str(path)) from None
    except OSError as exc:
        raise TemplateError(f"cannot read: {exc.strerror}", path=str(path)) from None


def load_yaml(path: Path, text: str | None = None) -> Any:
    """Load one YAML document strictly; raise TemplateError naming file and line.

    `text`: the file's content, already read (a layout kept in a draft journal)."""
    if text is None:
        text = read_template_text(path)
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - strict SafeLoader subclass
    except RecursionError:
        raise TemplateError("nested too deeply to be a template", path=str(path)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise TemplateError(problem, path=str(path), line=line) from None
    except yaml.YAMLError as exc:
        raise TemplateError(f"invalid YAML: {exc}", path=str(path)) from None


def line_of(container: Any, key: str | int | None = None) -> int | None:
    """The line of `container[key]` (or of the container itself) if known."""
    if isinstance(container, YamlMap):
        if key is None:
            return container.line
        return container.key_lines.get(str(key), container.line)
    if isinstance(container, YamlList):
        if isinstance(key, int) and 0 <= key < len(container.item_lines):
            return container.item_lines[key]
        return container.line
    return None
