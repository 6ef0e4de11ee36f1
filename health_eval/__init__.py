"""health_eval — river and lake health evaluation (河湖健康评价) from raw monitoring data.

Public API::

    from health_eval import evaluate, load_dataset, load_profile
    result = evaluate("inputs.xlsx")              # packaged mwr2020 river and lake profiles
    result.water_bodies                           # RHI, class and criterion scores

``import health_eval`` loads none of it: each public name is imported from its module on first
use (PEP 562), so a program, the command line's ``--help`` or a sub-module pays only for what it
uses; evaluating imports pandas, numpy, pyarrow, pydantic and PyYAML, never plotly, python-docx,
FastAPI, Dask or (but for ``.xlsx`` input) openpyxl.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine.api import evaluate
    from .engine.dataset import Dataset, load_dataset
    from .engine.result import EvaluationResult
    from .profiles.profile import Profile, load_profile

#: The public names by the module that defines them.
_PUBLIC = {"evaluate": "engine.api", "load_dataset": "engine.dataset", "Dataset": "engine.dataset",
           "load_profile": "profiles.profile", "Profile": "profiles.profile",
           "EvaluationResult": "engine.result"}

__all__ = ["evaluate", "load_dataset", "load_profile", "Dataset", "Profile", "EvaluationResult",
           "__version__"]


def _version() -> str:
    """The installed distribution's version (``0+unknown`` in a source tree not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("health-eval")
    except PackageNotFoundError:
        return "0+unknown"


def __getattr__(name: str) -> Any:
    """A public name, imported from its module the first time it is asked for (and then kept)."""
    if name == "__version__":
        value = _version()
    elif name in _PUBLIC:
        value = getattr(import_module(f".{_PUBLIC[name]}", __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
