"""The docs stay true to the code: the module map is what the modules say of themselves,
and every relative link in the README and docs/ leads to a file that exists."""

from __future__ import annotations

import re
import subprocess
import sys

from support import ROOT


def test_the_module_map_in_the_docs_is_current():
    printed = subprocess.run([sys.executable, str(ROOT / "scripts" / "module_map.py")], capture_output=True,
                             text=True, check=True, timeout=60).stdout.strip()
    doc = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    assert printed in doc, "the module map fell behind: run scripts/module_map.py --write"
    for path in (ROOT / "dictate").rglob("*.py"):
        if path.name != "__init__.py":
            assert f" {path.name} " in printed or f" {path.name}\n" in printed, path


def test_relative_links_lead_somewhere():
    broken = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)}: {target}")
    assert broken == []


def test_the_readme_says_what_dictate_is_before_anything_else():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = readme.split("```sh")[0]
    assert "journaling assistant for care staff" in first_screen and len(first_screen.splitlines()) <= 15
    assert "scripts/run demo" in readme.split("\n## ")[0] and "scripts/test" in readme.split("\n## ")[0]
