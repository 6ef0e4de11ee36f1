"""The history page's data: a water body's rounds from the health archive, its trend chart
(:func:`health_eval.archive.trend.trend_figure`) and the comparison of two rounds."""

from __future__ import annotations

from typing import Any

from ...vocabulary import CRITERIA

__all__ = ["history_context"]

COMPARED = ("rhi", *CRITERIA)


def history_context(archive_url: str, water_body: str, a: int | None, b: int | None,
                    allowed: set[str] | None) -> dict[str, Any]:
    """What the history page shows.

    Parameters
    ----------
    archive_url : str
        The health archive.
    water_body : str
        Water-body code; empty: only the list of archived water bodies.
    a, b : int, optional
        Evaluation ids of the two rounds compared (default the last two).
    allowed : set of str or None
        With accounts: only these water bodies (those evaluated in the user's projects).
    """
    from ... import archive
    from ...archive.trend import _class_bands, series_table, trend_figure

    context: dict[str, Any] = {"water_body": water_body, "rounds": [], "bodies": [],
                               "chart": None, "comparison": None}
    with archive.open(archive_url) as store:
        listed = store.list()
        if not listed.empty:
            codes = listed.drop_duplicates("water_body_id", keep="last")
            context["bodies"] = [(r["water_body_id"], r["name"]) for r in
                                 codes.to_dict("records")
                                 if allowed is None or r["water_body_id"] in allowed]
        if not water_body or water_body not in {code for code, _ in context["bodies"]}:
            return context
        history = store.history(water_body)
        rounds = history.drop(columns=["facts"]).to_dict("records")
        context["rounds"] = rounds
        if len(history):
            series = series_table(store, water_body)
            shown = series[series["kind"] != "indicator"]
            figure = trend_figure(shown, _class_bands(history["profile_id"].iloc[-1]),
                                  f"{history['name'].iloc[-1]}（{water_body}）历年健康评价得分")
            context["chart"] = figure.to_html(include_plotlyjs=False, full_html=False,
                                              config={"displaylogo": False})
        by_id = {int(r["evaluation"]): r for r in rounds}
        ids = list(by_id)
        first, second = (a if a in by_id else (ids[-2] if len(ids) > 1 else None),
                         b if b in by_id else (ids[-1] if ids else None))
        if first is not None and second is not None:
            context["comparison"] = {
                "a": by_id[first], "b": by_id[second],
                "rows": [(key, by_id[first].get(key), by_id[second].get(key)) for key in COMPARED]}
    return context

