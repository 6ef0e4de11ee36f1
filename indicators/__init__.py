"""The built-in indicator library (installed as ``health_eval.indicators``).

Pure methods (GB 3838 classification, sample aggregation, hydrology, trophic state, B-IBI, fish
retention, bank stability, questionnaires…) live in plain modules and are usable alone; the
indicator definitions that wrap them live in :mod:`.basin`, :mod:`.water`,
:mod:`.biota_indicators` and :mod:`.social`, one per row of SPEC §2–§3.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from health_eval.engine.registry import IndicatorRegistry


def register(registry: IndicatorRegistry) -> None:
    """Add every built-in indicator to ``registry``."""
    from . import basin, biota_indicators, social, water

    for module in (basin, water, biota_indicators, social):
        for indicator in module.INDICATORS:
            registry.register(indicator)
