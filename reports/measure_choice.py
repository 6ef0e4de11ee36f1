"""Which measure catalogue serves which water body: one per district, chosen by the water-body
table's 所在区域 (region).

``--measures 青云谱区=a.xlsx --measures 西湖区=b.yaml --measures default.yaml`` gives one
catalogue per district and one default. A water body takes the catalogue of the longest district
name its region ends with (``江西省南昌市青云谱区`` → ``青云谱区``), else the default. When the
default is the packaged example (written for 青云谱区) and the water body is not in 青云谱区, its
report says so and the run warns (``measures.default_catalogue``).
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from health_eval.issues import Issue

from .measures import Catalogue, load_measures

DEFAULT_RULE = "measures.default_catalogue"


def normal_region(region: Any) -> str:
    """A region as compared: NFKC, no spaces; '' for a blank or missing one."""
    if region is None or (not isinstance(region, str) and pd.isna(region)):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(region)).split())


@dataclass(frozen=True)
class Choice:
    """The catalogue of one water body, and whether it is the packaged example used outside
    its district (``fallback``)."""

    catalogue: Catalogue
    fallback: bool


@dataclass(frozen=True)
class MeasureCatalogues:
    """The default catalogue and the catalogues of named districts.

    Parameters
    ----------
    default : Catalogue
        For water bodies of no named district; its ``settings`` are the report's.
    by_region : dict of str to Catalogue
        District name → catalogue.
    default_packaged : bool
        The default is the packaged example (then a water body outside its district is
        flagged).
    """

    default: Catalogue
    by_region: dict[str, Catalogue] = field(default_factory=dict)
    default_packaged: bool = True

    def choose(self, region: Any) -> Choice:
        """The catalogue of a water body in ``region``."""
        place = normal_region(region)
        named = [k for k in self.by_region if place and place.endswith(normal_region(k))]
        if named:
            return Choice(self.by_region[max(named, key=len)], False)
        own = normal_region(self.default.region)
        outside = not (place and own and place.endswith(own))
        return Choice(self.default, self.default_packaged and outside)


def measure_catalogues(source: Any = None, known_indicators: set[str] | None = None
                       ) -> MeasureCatalogues:
    """Catalogues from ``source``: None (the packaged one), a path, mapping or Catalogue (the
    default), a :class:`MeasureCatalogues`, or a mapping ``{district: source}`` where the key
    ``""`` (or None) is the default.

    Raises
    ------
    MeasuresError
        For a catalogue that cannot be used (naming its file and place).
    """
    if isinstance(source, MeasureCatalogues):
        return source
    if isinstance(source, Mapping) and "measures" not in source and "settings" not in source:
        given = {normal_region(k): v for k, v in source.items()}
        default = given.pop("", None)
        return MeasureCatalogues(
            default=load_measures(default, known_indicators),
            by_region={k: load_measures(v, known_indicators) for k, v in given.items()},
            default_packaged=default is None)
    return MeasureCatalogues(load_measures(source, known_indicators), {}, source is None)


def parse_measure_options(values: Iterable[str]) -> dict[str, str]:
    """``--measures`` values as ``{district: file}`` (``""`` for the one without a district).

    ``DISTRICT=FILE`` names a district unless the whole value is an existing file.

    Raises
    ------
    ValueError
        For two files of one district, or a district without a file.
    """
    chosen: dict[str, str] = {}
    for value in values:
        region, sep, path = value.partition("=")
        if not sep or os.path.exists(value):
            region, path = "", value
        key = normal_region(region)
        if not path.strip():
            raise ValueError(f"--measures {value!r}: 缺少文件 / no file after '='")
        if key in chosen:
            raise ValueError(f"--measures: 区域“{key or '默认'}”给了两个措施库 / two catalogues "
                             f"for the region {key or '(default)'!r}")
        chosen[key] = path.strip()
    return chosen


def water_body_regions(source) -> dict[str, str]:
    """Water body id → 所在区域 (region) of a loaded Dataset or of a water-body table (a
    DataFrame with column codes); '' when blank or absent."""
    table = source if isinstance(source, pd.DataFrame) else source.table("water_bodies")
    regions = table["region"] if "region" in table else pd.Series("", index=table.index)
    return {str(w): normal_region(r) for w, r in zip(table["water_body_id"], regions)}


def default_catalogue_issues(catalogues: MeasureCatalogues, water_bodies: pd.DataFrame,
                             regions: Mapping[str, str]) -> list[Issue]:
    """A ``measures.default_catalogue`` warning per water body whose report uses the packaged
    example catalogue outside its district."""
    issues = []
    for water_body, name in zip(water_bodies["water_body_id"], water_bodies["name"]):
        region = regions.get(str(water_body), "")
        if not catalogues.choose(region).fallback:
            continue
        own = catalogues.default.region or "—"
        where_zh = f"所在区域“{region}”" if region else "未填所在区域"
        where_en = f"region '{region}'" if region else "no region given"
        issues.append(Issue.of(
            DEFAULT_RULE, table="water_bodies", column="region", value=region or None,
            water_body_id=str(water_body), name=name, own=own, where_zh=where_zh,
            where_en=where_en))
    return issues
