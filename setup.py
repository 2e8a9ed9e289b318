"""The package list, found rather than kept by hand (the rest is in pyproject.toml).

Every Python package under dictate/ is found by setuptools. The coordinators'
templates live at the top level of the repository (templates/), where they are
edited; they ship inside the wheel as `dictate.templates`, one package per
folder, so that `pip install .` works without a checkout. A new template folder
or a new code package needs no change here.
"""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"

template_packages = {"dictate.templates": "templates"}
for folder in sorted(p for p in TEMPLATES.rglob("*") if p.is_dir() and p.name != "__pycache__"):
    relative = folder.relative_to(TEMPLATES)
    template_packages["dictate.templates." + ".".join(relative.parts)] = str(Path("templates", relative))

setup(
    packages=find_packages(include=["dictate", "dictate.*"]) + list(template_packages),
    package_dir=template_packages,
    # Templates are data: every file in them ships, whatever its extension.
    package_data={package: ["*"] for package in template_packages},
)
