"""Units as bureaus write them, and the factors that convert between them.

Monitoring exports give units in headers (``氨氮(μg/L)``, ``岸坡高度(cm)``) and in the ``unit``
column of sample tables (``mg/L``, ``毫克/升``, ``MPN/100mL``). Each spelling is normalised
(:func:`normalise_unit`) and looked up in :data:`UNITS`, which gives its dimension and its size
in the dimension's base unit; two units convert when they share a dimension
(:func:`conversion_factor`). A unit not in the table is never guessed: the reader refuses it
with a message listing what it knows.

References: ARCHITECTURE.md §1 (tolerant reading); GB 3838-2002 Table 1 (mg/L; faecal
coliform 个/L); SPEC §5.
"""

from __future__ import annotations

__all__ = ["UNITS", "UnitError", "conversion_factor", "known_units", "normalise_unit"]


class UnitError(ValueError):
    """A unit that is not in :data:`UNITS`, or one that cannot become the unit asked for."""


#: Spelling (normalised) → (dimension, size in the dimension's base unit). Bases: mg/L, m, km2,
#: m3/s, count per L, 10⁴ cells/L, mg/kg, d, a, %, °, °C, dimensionless.
UNITS: dict[str, tuple[str, float]] = {
    # mass concentration in water, base mg/L (mg/m3 = µg/L, the unit of chlorophyll a)
    "mg/l": ("mass_concentration", 1.0), "毫克/升": ("mass_concentration", 1.0),
    "ug/l": ("mass_concentration", 1e-3), "微克/升": ("mass_concentration", 1e-3),
    "mg/m3": ("mass_concentration", 1e-3), "毫克/立方米": ("mass_concentration", 1e-3),
    "ng/l": ("mass_concentration", 1e-6), "纳克/升": ("mass_concentration", 1e-6),
    "g/l": ("mass_concentration", 1e3), "克/升": ("mass_concentration", 1e3),
    # length, base m
    "m": ("length", 1.0), "米": ("length", 1.0), "cm": ("length", 0.01),
    "厘米": ("length", 0.01), "mm": ("length", 0.001), "毫米": ("length", 0.001),
    "km": ("length", 1000.0), "千米": ("length", 1000.0), "公里": ("length", 1000.0),
    # area, base km2
    "km2": ("area", 1.0), "平方千米": ("area", 1.0), "平方公里": ("area", 1.0),
    "m2": ("area", 1e-6), "平方米": ("area", 1e-6), "hm2": ("area", 0.01),
    "ha": ("area", 0.01), "公顷": ("area", 0.01), "万m2": ("area", 0.01),
    "万平方米": ("area", 0.01), "亩": ("area", 1e-6 * 10000 / 15),
    # flow, base m3/s
    "m3/s": ("flow", 1.0), "立方米/秒": ("flow", 1.0), "l/s": ("flow", 0.001),
    "升/秒": ("flow", 0.001),
    # counts per volume (faecal coliform), base per L
    "个/l": ("count_concentration", 1.0), "mpn/l": ("count_concentration", 1.0),
    "cfu/l": ("count_concentration", 1.0), "个/100ml": ("count_concentration", 10.0),
    "mpn/100ml": ("count_concentration", 10.0), "cfu/100ml": ("count_concentration", 10.0),
    "个/ml": ("count_concentration", 1000.0), "cfu/ml": ("count_concentration", 1000.0),
    # phytoplankton density, base 10⁴ cells/L
    "10^4cells/l": ("cell_density", 1.0), "10^4个/l": ("cell_density", 1.0),
    "万个/l": ("cell_density", 1.0), "cells/l": ("cell_density", 1e-4),
    "10^8cells/l": ("cell_density", 1e4),
    "亿个/l": ("cell_density", 1e4),
    # sediment content, base mg/kg
    "mg/kg": ("mass_fraction", 1.0), "毫克/千克": ("mass_fraction", 1.0),
    "ug/g": ("mass_fraction", 1.0), "g/kg": ("mass_fraction", 1000.0),
    # time, share, angle, temperature, scores, dimensionless
    "d": ("days", 1.0), "天": ("days", 1.0), "日": ("days", 1.0),
    "a": ("years", 1.0), "年": ("years", 1.0), "年一遇": ("years", 1.0),
    "%": ("share", 1.0), "°": ("angle", 1.0), "度": ("angle", 1.0),
    "°c": ("temperature", 1.0), "℃": ("temperature", 1.0), "摄氏度": ("temperature", 1.0),
    "分": ("score", 1.0), "": ("dimensionless", 1.0), "无量纲": ("dimensionless", 1.0),
    "-": ("dimensionless", 1.0), "—": ("dimensionless", 1.0), "ph": ("dimensionless", 1.0),
    "ph单位": ("dimensionless", 1.0),
}

_SPELLINGS = str.maketrans({"³": "3", "²": "2", "μ": "u", "µ": "u", "⁴": "4", "⁸": "8",
                            "（": "(", "）": ")", "／": "/", "℃": "℃"})


def normalise_unit(unit: str) -> str:
    """A unit in comparable form: case-folded, no spaces, ``³``→3, ``μ``/``µ``→u,
    full-width brackets and slash made ASCII, ``×10^4``/``10⁴`` written ``10^4``."""
    text = "".join(str(unit).translate(_SPELLINGS).casefold().split())
    return text.replace("×10", "10").replace("x10", "10").replace("104", "10^4").replace(
        "108", "10^8")


def known_units(like: str | None = None) -> list[str]:
    """The spellings :data:`UNITS` knows — those that convert to unit ``like`` when it is
    given (none for an unknown ``like``) — for messages."""
    dimension = None if like is None else UNITS.get(normalise_unit(like), ("",))[0]
    return [u for u, (d, _) in UNITS.items() if u and (dimension is None or d == dimension)]


def conversion_factor(given: str, wanted: str) -> float:
    """Factor that turns a value in unit ``given`` into one in unit ``wanted``.

    Parameters
    ----------
    given, wanted : str
        Units as written (any spelling :func:`normalise_unit` maps into :data:`UNITS`).

    Returns
    -------
    float
        Multiply by it: ``conversion_factor("μg/L", "mg/L") == 0.001``.

    Raises
    ------
    UnitError
        When either unit is unknown, or the two measure different things (``m`` and ``mg/L``).
    """
    source, target = UNITS.get(normalise_unit(given)), UNITS.get(normalise_unit(wanted))
    if source is None or target is None:
        raise UnitError(given if source is None else wanted)
    if source[0] != target[0]:
        raise UnitError(given)
    return source[1] / target[1]
