"""Confidence of class (issue 18, part 2): how sure the class of each water body and segment is.

The raw observations are bootstrapped within their sampling units (:mod:`.plans`), the weights
optionally drawn around the profile's (:mod:`.weights`), replicates split among profile sets (a
method reading each); all replicates of a set are one evaluation whose water bodies are the
replicates (:mod:`.replicates`, :mod:`.batch`), summarised into tables of the result
(:mod:`.summary`, :mod:`.run`). Imports the engine (api, aggregate, compute), never a shell.
"""

from .arguments import MAX_REPLICATES, ConfidenceError, check_arguments
from .plans import PLANS, Plan
from .run import DEFAULT_SEED, reading_sets, with_confidence

__all__ = ["DEFAULT_SEED", "MAX_REPLICATES", "PLANS", "ConfidenceError", "Plan",
           "check_arguments", "reading_sets", "with_confidence"]
