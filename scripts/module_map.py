#!/usr/bin/env python3
"""Print the module map of the dictate package from the modules' own docstrings.

    python scripts/module_map.py            # print it
    python scripts/module_map.py --write    # put it into docs/development.md

docs/development.md holds the map between two marker lines; tests/hygiene/test_docs.py
checks that it is what this script prints, so the map cannot fall behind the code.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dictate"
DOC = ROOT / "docs" / "development.md"
BEGIN, END = "<!-- module map: scripts/module_map.py --write -->", "<!-- end of module map -->"
#: The layers, bottom up, as tests/hygiene/test_architecture.py checks them.
ORDER = ["", "audio", "catalog", "speech", "interpret", "notes", "output", "runtime", "ui"]


def summary(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = doc.split("\n\n")[0].replace("\n", " ").strip()
    return first.rstrip(".")


def module_map() -> str:
    lines = ["```"]
    for package in ORDER:
        folder = PACKAGE / package if package else PACKAGE
        modules = sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")
        if package:
            lines.append(f"dictate/{package}/  {summary(folder / '__init__.py')}")
            indent = "  "
        else:
            lines.append(f"dictate/  {summary(folder / '__init__.py')}")
            indent = "  "
        width = max(len(p.name) for p in modules)
        lines += [f"{indent}{p.name.ljust(width)}  {summary(p)}" for p in modules]
    lines.append("```")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/development.md in place")
    args = parser.parse_args(argv)
    text = module_map()
    if not args.write:
        print(text)
        return 0
    doc = DOC.read_text(encoding="utf-8")
    before, rest = doc.split(BEGIN, 1)
    _, after = rest.split(END, 1)
    DOC.write_text(f"{before}{BEGIN}\n{text}\n{END}{after}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
