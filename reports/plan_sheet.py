"""The plan sheet of ``result.xlsx`` (提升方案): every water body's least-effort plan for the next
class (:mod:`.plan`), one row per improvement, Chinese sheet and column names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from health_eval.engine.result import EvaluationResult
from health_eval.io.sheets import Sheet
from health_eval.profiles.profile import Profile

from .context import ReportContext, report_context

SHEET_TITLE = "提升方案"
#: Column → Chinese header, in the sheet's order.
COLUMNS_ZH = {
    "water_body_id": "河湖编码", "name": "河湖名称", "rhi": "现状RHI", "health_name": "现状类别",
    "target_name": "目标类别", "threshold": "目标类别RHI下限", "gap": "尚差RHI",
    "status": "方案说明", "indicator_name": "指标名称", "indicator_id": "指标编码",
    "segments": "河段（湖区）", "value": "现状值", "relation": "目标关系",
    "target_value": "目标值", "unit": "单位", "score": "现状赋分", "gain": "提高分数",
    "target_score": "目标赋分", "reached_score": "目标值赋分", "rhi_gain": "RHI增加",
    "cost": "投入（分×每分投入）", "departments": "责任单位", "rhi_reached": "实施后RHI",
}
STATUS_ZH = {
    "plan": "提升薄弱指标即可达到（投入最省的组合）",
    "plan_all": "仅提升薄弱指标不能达到，须同时提升其他指标（投入最省的组合）",
    "unreachable": "全部指标提至 100 分仍不能达到（所列为全部提至 100 分）",
    "best": "已为最高类别，无需提升",
    "likely": "重抽样结果已有足够把握达到目标类别，无需提升",
    "no_rhi": "未得出河湖健康指数，无法计算方案",
    "no_profile": "评价方案不可用，无法计算方案",
}


def plan_frame(context: ReportContext) -> pd.DataFrame:
    """The plan sheet's table: the columns of :data:`COLUMNS_ZH`, one row per improvement (one
    row with the status alone for a water body that needs or gets none)."""
    tables = context.plans
    plans = tables.plans.copy()
    names = {w: r.get("name") or w for w, r in context.water_body_rows.items()}
    plans["name"] = plans["water_body_id"].map(names)
    plans["health_name"] = plans["water_body_id"].map(
        {w: r.get("health_name") for w, r in context.water_body_rows.items()})
    plans["target_name"] = [t.name_zh if t is not None else None for t in plans["target"]]
    plans["threshold"] = [t.min_rhi if t is not None else np.nan for t in plans["target"]]
    plans["status"] = plans["status"].map(STATUS_ZH)
    steps = tables.steps.assign(
        segments=[("全部河段（湖区）：" if w else "") + "、".join(s) for w, s in
                  zip(tables.steps["whole_water_body"], tables.steps["segment_ids"])],
        relation=tables.steps["relation"].map({">=": "≥", "<=": "≤"}),
        departments=["；".join(d) for d in tables.steps["departments"]])
    frame = plans.drop(columns=["target", "cost"]).merge(steps.drop(columns=["whole_water_body",
                                                                   "segment_ids"]),
                                               on="water_body_id", how="left")
    return frame[list(COLUMNS_ZH)]


def plan_sheet(result: EvaluationResult, profiles: Iterable[Profile] = (), measures=None,
               regions: Mapping[str, str] | None = None) -> Sheet:
    """The plan sheet of ``result``.

    Parameters
    ----------
    result : EvaluationResult
    profiles : Profiles
        The profiles evaluated with (packaged ones are found by their id).
    measures : optional
        Measure catalogues, as :func:`.context.report_context` takes them (default: the
        packaged example).
    regions : mapping of water body id to 所在区域, optional
    """
    context = report_context(result, measures=measures, profiles=list(profiles),
                             regions=regions)
    frame = plan_frame(context)
    return Sheet(SHEET_TITLE, frame, [COLUMNS_ZH[c] for c in frame.columns])
