"""The entry points a user calls. The wheel's contents are checked in tests/integration/test_wheel.py."""

from __future__ import annotations

import sys

from support import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_console_script_and_module_entry_point():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["project"]["scripts"]["dictate"] == "dictate.cli:main"
    assert config["project"]["requires-python"] == ">=3.10"
    assert (ROOT / "dictate" / "__main__.py").is_file()
