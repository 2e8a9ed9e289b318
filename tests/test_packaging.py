"""`pip install .` must carry the templates: every file in templates/ is package data."""

from __future__ import annotations

import sys

from conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_every_template_file_is_shipped_in_the_wheel():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert setuptools["package-dir"]["dictate.templates"] == "templates"
    templates = ROOT / "templates"
    shipped = set()
    for package, patterns in setuptools["package-data"].items():
        assert package in setuptools["packages"]
        if package.startswith("dictate.templates"):
            folder = templates.joinpath(*package.split(".")[2:])
            shipped |= {p for pattern in patterns for p in folder.glob(pattern)}
    files = {p for p in templates.rglob("*") if p.is_file()}
    assert files and files == shipped, sorted(str(p.relative_to(templates)) for p in files - shipped)


def test_console_script_and_module_entry_point():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["scripts"]["dictate"] == "dictate.cli:main"
    assert config["project"]["requires-python"] == ">=3.10"
    assert (ROOT / "dictate" / "__main__.py").is_file()
