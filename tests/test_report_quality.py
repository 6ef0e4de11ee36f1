"""What the report says when data are missing: a renormalised mandatory indicator prominently,
an evaluation without RHI, a water body without segments; the issues it lists."""

import pandas as pd
import pytest
from health_eval.reports import render_html
from health_eval.reports.content import WaterBodyReport
from health_eval.reports.context import report_context
from health_eval.reports.document import Paragraph
from health_eval.reports.text import visible_text

import health_eval
from health_eval.profiles.profile import load_profile


@pytest.fixture
def without_fish(tiny_frames, tiny_profile):
    """The tiny river without its fish survey, plus a water body with no segment."""
    del tiny_frames["fish_species"]
    tiny_frames["water_bodies"] = pd.concat([tiny_frames["water_bodies"], pd.DataFrame([{
        "water_body_id": "L", "name": "无河段河", "kind": "river", "evaluation_year": 2021}])])
    return tiny_frames, load_profile(tiny_profile)


def test_a_renormalised_mandatory_indicator_is_said_prominently(without_fish):
    frames, profile = without_fish
    result = health_eval.evaluate(frames, profile, missing_mandatory="warn")
    context = report_context(result, profiles=[profile])
    conclusion = WaterBodyReport(context, "R").conclusion()
    warnings = [b.text for b in conclusion.blocks
                if isinstance(b, Paragraph) and b.kind == "warning"]
    assert len(warnings) == 1 and "必选指标“鱼类保有指数”" in warnings[0]
    assert "“必选指标缺失时警告”的规定重新归一化权重" in warnings[0]
    text = visible_text(render_html(result, "R", context=context))
    assert "鱼类保有指数 | 必选 | 上段（S1） | 无数据 | 输入数据包中没有所需数据表（fish_species）" in text
    assert "生物 | 上段（S1） | 水鸟状况 | 0.500 | 1.000" in text    # renormalised weight
    assert "测站 Q1 有 1 行数据不在评价年 2021 内，未参与计算" in text   # issue of this river
    assert "河湖 L 没有评价河段" not in text                          # issue of the other one


def test_no_rhi_means_no_target_and_a_water_body_without_segments_still_reports(without_fish):
    frames, profile = without_fish
    result = health_eval.evaluate(frames, profile)           # missing mandatory: error
    river = visible_text(render_html(result, "R", profiles=[profile]))
    assert "测试河未能得出河湖健康指数" in river
    assert "未得出河湖健康指数，无法计算方案。" in river
    empty = visible_text(render_html(result, "L", profiles=[profile]))
    assert "错误 | 第 2 行 河湖编码 | 河湖 L 没有评价河段，无法评价" in empty
    assert "本河湖没有指标值。" in empty
