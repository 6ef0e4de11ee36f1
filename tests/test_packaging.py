"""The package list of pyproject.toml names every package of the source tree, so that a wheel
(a non-editable install) holds every module the editable install imports."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def source_packages() -> set[str]:
    """Dotted names of every folder with an ``__init__.py``, as setuptools installs them
    (``package-dir`` maps ``indicators/`` and ``reports/`` into ``health_eval``)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    folders = {folder: name for name, folder in config["tool"]["setuptools"]["package-dir"].items()}
    found = set()
    for folder, name in folders.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            parts = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((name, *parts)))
    return found


def test_every_source_package_is_listed():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    assert "health_eval.io.importers" in source_packages()
    assert source_packages() - listed == set()
    assert listed - source_packages() == set()
