"""Where dictate finds its templates and models and keeps its caches.

Environment variables override every location, so that tests, containers and
locked-down devices can point dictate elsewhere without code changes.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "dictate"

# A source checkout has templates/ and models/ next to the package.
_CHECKOUT = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    """The shipped templates: the checkout's top-level templates/, else the wheel's copy."""
    override = os.environ.get("DICTATE_TEMPLATES")
    if override:
        return Path(override)
    if (_CHECKOUT / "templates" / "layouts").is_dir():
        return _CHECKOUT / "templates"
    return Path(__file__).resolve().parent / "templates"


def cache_dir() -> Path:
    """Derived files that can be rebuilt (the joined embedded model)."""
    override = os.environ.get("DICTATE_CACHE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def model_search_dirs() -> list[Path]:
    """Folders whose sub-folders are models selectable with `--model NAME`."""
    dirs: list[Path] = []
    override = os.environ.get("DICTATE_MODELS_DIR")
    if override:
        dirs.append(Path(override))
    if (_CHECKOUT / "models").is_dir():
        dirs.append(_CHECKOUT / "models")
    from platformdirs import user_data_dir

    dirs.append(Path(user_data_dir(APP_NAME, appauthor=False)) / "models")
    return dirs
