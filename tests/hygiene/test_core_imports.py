"""The headless core must import without the heavy or UI libraries.

Run in a fresh interpreter in which importing textual, sounddevice or
faster_whisper fails, so the test fails if any core module pulls one in,
directly or through another module.
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import dictate

#: Edges that may import heavy libraries (lazily) and views on top of the core
#: (the terminal app, dictate.ui, is a view).
EDGES = {"dictate.speech.whisper", "dictate.speech.fasterwhisper", "dictate.cli", "dictate.__main__"}
BLOCKED = ("textual", "sounddevice", "faster_whisper", "ctranslate2", "av")

PROBE = """
import importlib, importlib.abc, sys
BLOCKED = {blocked!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"core imported blocked module {{name}}")
        return None
sys.meta_path.insert(0, Block())
for module in {modules!r}:
    importlib.import_module(module)
loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
assert not loaded, loaded
print("ok", len({modules!r}))
"""


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(dictate.__path__, "dictate.")]
    return sorted(n for n in names if n not in EDGES and not n.startswith(("dictate.templates", "dictate.ui")))


def test_core_imports_without_heavy_libraries():
    modules = core_modules()
    assert {"dictate.notes.note", "dictate.interpret.interpreter", "dictate.output.render", "dictate.speech.models",
            "dictate.audio.decode", "dictate.notes.pipeline", "dictate.catalog.layouts"} <= set(modules)
    result = subprocess.run([sys.executable, "-c", PROBE.format(blocked=BLOCKED, modules=modules)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"ok {len(modules)}"


def test_the_probe_can_fail():
    """The same probe reports a core module that imports a blocked library."""
    result = subprocess.run([sys.executable, "-c", PROBE.format(blocked=BLOCKED, modules=["dictate.speech.whisper"])],
                            capture_output=True, text=True)
    # dictate.speech.whisper imports faster_whisper only inside the transcriber, so importing the
    # module itself is fine; constructing a transcriber is what needs it.
    assert result.returncode == 0
    code = PROBE.format(blocked=BLOCKED, modules=["dictate.speech.whisper"]) + (
        "\nfrom dictate.speech.whisper import WhisperTranscriber\n"
        "from dictate.speech.models import ModelInfo\n"
        "WhisperTranscriber(ModelInfo('x', __import__('pathlib').Path('.'), ''))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode != 0 and "blocked module faster_whisper" in result.stderr
