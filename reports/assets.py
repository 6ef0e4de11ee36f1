"""Files a folder of HTML reports shares: plotly.js once, at ``assets/plotly.min.js``.

Each page links it relatively (``../assets/plotly.min.js`` from ``<water body>/report.html``,
``assets/plotly.min.js`` from ``summary.html``), so the folder opens offline wherever it is
copied, and a province of hundreds of water bodies carries plotly.js once instead of in every
page.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path, PurePosixPath

from health_eval.io.atomic import atomic_path

from .figures import plotly_js

#: Where plotly.js is written, relative to the output folder.
PLOTLY_ASSET = PurePosixPath("assets") / "plotly.min.js"


def plotly_link(page: PurePosixPath) -> str:
    """The relative link from ``page`` (a path inside the output folder) to plotly.js."""
    return "../" * (len(page.parts) - 1) + PLOTLY_ASSET.as_posix()


def write_plotly(out_dir: Path, stack: ExitStack) -> Path:
    """Write plotly.js under ``out_dir`` through ``stack`` (renamed when the stack closes)."""
    target = out_dir / PLOTLY_ASSET
    stack.enter_context(atomic_path(target)).write_text(plotly_js(), encoding="utf-8")
    return target
