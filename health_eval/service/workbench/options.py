"""The options of a workbench run: what the 评价 page asked for, kept with the run.

A run is evaluated with a profile (a packaged one, or the default per kind of water body), a
method reading and, optionally, the confidence of its class (draws and their seed). The form's
text becomes one typed :class:`RunOptions` (:func:`RunOptions.from_form`), stored in the run's
row of ``workbench.db``, shown on the run's page, and handed to the engine only through
:meth:`RunOptions.evaluate_arguments`, so an option the engine gains is wired in one place.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

__all__ = ["OptionRefused", "RunOptions"]

#: Draws of the class's confidence a run may ask for (inclusive bounds).
CONFIDENCE_DRAWS = (10, 10_000)


class OptionRefused(ValueError):
    """A form value that is not one of the offered choices (the field named)."""

    def __init__(self, field: str, value: str):
        super().__init__(f"{field}: {value!r}")
        self.field, self.value = field, value


@dataclass(frozen=True)
class RunOptions:
    """What one run evaluates with.

    Parameters
    ----------
    profile : str or None
        A packaged profile's id; None: the default of each kind (rivers ``mwr2020-river``,
        lakes ``mwr2020-lake``).
    reading : str or None
        A method reading offered by the engine; None: the profile as written.
    confidence : int or None
        Draws of the class's confidence; None: not computed.
    seed : int or None
        Seed of those draws (None with ``confidence`` None).
    """

    profile: str | None = None
    reading: str | None = None
    confidence: int | None = None
    seed: int | None = None

    @classmethod
    def from_form(cls, *, profile: str = "", reading: str = "", confidence: str = "",
                  seed: str = "", profiles: Collection[str] = (),
                  readings: Collection[str] = ()) -> RunOptions:
        """The options of the 评价 form's text (empty: the default).

        Parameters
        ----------
        profiles, readings : collection of str
            The choices offered; any other non-empty value is refused.

        Raises
        ------
        OptionRefused
            For a profile or reading not offered, draws outside :data:`CONFIDENCE_DRAWS` or
            not a whole number, a seed that is not a whole number ≥ 0, a seed without draws.
        """
        for field, value, offered in (("profile", profile, profiles),
                                      ("reading", reading, readings)):
            if value and value not in offered:
                raise OptionRefused(field, value)
        draws = _whole(confidence, "confidence", *CONFIDENCE_DRAWS)
        chosen_seed = _whole(seed, "seed", 0, 2**32 - 1)
        if draws is None and chosen_seed is not None:
            raise OptionRefused("seed", seed)
        return cls(profile or None, reading or None, draws, chosen_seed)

    def evaluate_arguments(self) -> dict[str, object]:
        """The keyword arguments of :func:`health_eval.evaluate` beyond the dataset and the
        profile: the options that are set (``reading``, ``confidence``, ``seed``)."""
        chosen = {"reading": self.reading, "confidence": self.confidence, "seed": self.seed}
        return {name: value for name, value in chosen.items() if value is not None}


def _whole(text: str, field: str, low: int, high: int) -> int | None:
    """``text`` as a whole number in [low, high]; None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise OptionRefused(field, text)
    return int(text)
