"""The package's shape: layers that only look down, and no import cycles.

Every `import` of a dictate module counts, also those inside functions (the lazy
imports at the edges): a cycle through a lazy import is still a cycle in the design.
"""

from __future__ import annotations

import ast
from pathlib import Path

from support import ROOT

PACKAGE = ROOT / "dictate"

#: Lower layers never import higher ones. Within a layer, packages may use each other
#: only as listed in SIDEWAYS (the foundation's modules use each other freely).
LAYERS = [
    {"dictate", "dictate.words", "dictate.errors", "dictate.exit_codes", "dictate.paths"},
    {"dictate.audio", "dictate.catalog"},
    {"dictate.speech", "dictate.interpret"},
    {"dictate.notes"},
    {"dictate.output"},
    {"dictate.runtime"},
    {"dictate.ui", "dictate.cli", "dictate.__main__"},
]
SIDEWAYS = {("dictate.__main__", "dictate.cli"), ("dictate.cli", "dictate.ui")}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "dictate":
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    targets.add(candidate if candidate in modules else node.module)
            elif isinstance(node, ast.Import):
                targets |= {a.name for a in node.names if a.name.split(".")[0] == "dictate"}
        graph[name] = {t for t in targets if t in modules and t != name}
    return graph


def layer_of(module: str) -> tuple[int, str]:
    """(layer index, the unit it belongs to: a sub-package or a top-level module)."""
    parts = module.split(".")
    unit = ".".join(parts[:2]) if len(parts) > 1 else module
    for index, layer in enumerate(LAYERS):
        if unit in layer:
            return index, unit
    raise AssertionError(f"{module} is in no layer: add its package to LAYERS")


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_there_is_no_import_cycle():
    assert cycles(import_graph()) == []


def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_every_layer_only_imports_from_below():
    wrong = []
    for module, targets in import_graph().items():
        level, unit = layer_of(module)
        for target in targets:
            target_level, target_unit = layer_of(target)
            if target_unit == unit or target_level < level or target_level == level == 0 \
                    or (unit, target_unit) in SIDEWAYS:
                continue
            wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_one_sample_rate():
    """16 kHz is defined once (dictate.audio.SAMPLE_RATE); everything else refers to it."""
    definitions = [f"{p.relative_to(ROOT)}: {line}" for p in PACKAGE.rglob("*.py")
                   for line in p.read_text(encoding="utf-8").splitlines()
                   if line.startswith("SAMPLE_RATE") or "16_000" in line or "16000" in line]
    assert definitions == ["dictate/audio/__init__.py: SAMPLE_RATE = 16_000"], definitions


#: What assembling a session means: loading the model, making the streamer, opening a
#: source, journalling, recording. The views (the CLI and the app) leave all of it to
#: dictate.runtime.
ASSEMBLY = ("WhisperTranscriber", "StreamingVad", "make_streamer", "Streamer(", "FileSource",
            "MicrophoneSource", "AudioRecorder", "Journal", "NoteDraft(", "NoteBuilder(", "restore_note", "Engine(")


def test_the_views_hold_no_session_assembly():
    views = [PACKAGE / "cli.py", *sorted((PACKAGE / "ui").glob("*.py"))]
    found = [f"{path.relative_to(ROOT)}: {name}" for path in views for name in ASSEMBLY
             if name in path.read_text(encoding="utf-8")]
    assert found == []
