"""Version 1 of the JSON contract (models in :mod:`.models`, JSON Schemas beside them)."""

from .models import *  # noqa: F403
from .models import __all__  # noqa: F401
