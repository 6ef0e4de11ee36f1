"""health_eval — river and lake health evaluation (河湖健康评价) from raw monitoring data.

Public API::

    from health_eval import evaluate, load_dataset, load_profile
    result = evaluate("inputs.xlsx")              # packaged mwr2020 river and lake profiles
    result.water_bodies                           # RHI, class and criterion scores
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("health-eval")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

from .api import evaluate  # noqa: E402
from .dataset import Dataset, load_dataset  # noqa: E402
from .profile import Profile, load_profile  # noqa: E402
from .result import EvaluationResult  # noqa: E402

__all__ = ["evaluate", "load_dataset", "load_profile", "Dataset", "Profile", "EvaluationResult",
           "__version__"]
