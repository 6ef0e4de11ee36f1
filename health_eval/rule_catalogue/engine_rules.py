"""Rules of the evaluation: placing segments and supplied values, indicators meeting too
little data, mandatory indicators and criteria without a value, and the report's measures
(:mod:`health_eval.engine.api`, :mod:`health_eval.engine.supplied`, :mod:`health_eval.engine.compute`,
:mod:`health_eval.engine.aggregate`, ``indicators/*``, :mod:`reports.measure_choice`)."""

from __future__ import annotations

from . import Rule

RULES: tuple[Rule, ...] = (
    Rule("reference.water_body", "error",
         "河段 {segment_id} 所属河湖 {water_body_id} 不在河湖名录中{hint_zh}",
         "segment {segment_id}: water body {water_body_id} is not in water_bodies{hint_en}",
         "河段所属河湖不在河湖名录中（编码区分大小写）",
         "a segment's water body is not in 河湖名录 (ids are case-sensitive)"),
    Rule("water_body.no_segment", "error", "河湖 {water_body_id} 没有评价河段，无法评价",
         "water body {water_body_id} has no segment and cannot be evaluated",
         "河湖没有评价河段", "a water body without a segment"),
    Rule("profile.kind_not_covered", "error", "所选评价方案不适用于类型为 {kind} 的河湖",
         "no chosen profile evaluates water bodies of kind {kind!r}",
         "所选评价方案都不评价该类型的河湖", "no chosen profile evaluates a water body's kind"),
    Rule("segment.weight_missing", "error",
         "河段 {segment_id} 缺少{basis_zh}（或不大于0），无法加权得出河湖健康指数",
         "segment {segment_id} has no positive {basis_en}: the water body RHI cannot be weighted",
         "多河段河湖的河段缺少长度（湖泊：面积）", "a segment of a water body of several lacks "
         "its length (lakes: area)"),
    Rule("supplied.unknown_indicator", "error", "未知指标编码 {indicator_id}",
         "unknown indicator id {indicator_id}",
         "指标直接赋值中的指标编码未知", "a supplied value's indicator id is unknown"),
    Rule("supplied.water_body", "error", "河湖 {water_body_id} 不在评价范围内",
         "water body {water_body_id} is not evaluated",
         "指标直接赋值的河湖不在评价范围内", "a supplied value's water body is not evaluated"),
    Rule("reference.segment", "error", "河段 {segment_id} 不属于河湖 {water_body_id}",
         "segment {segment_id} is not a segment of water body {water_body_id}",
         "指标直接赋值的河段不属于其河湖", "a supplied value's segment is not of its water body"),
    Rule("supplied.duplicate", "error", "指标 {indicator_id} 对同一河湖/河段重复赋值",
         "indicator {indicator_id} is supplied twice for the same water body and segment",
         "同一河湖/河段的指标重复赋值", "an indicator supplied twice for one water body/segment"),
    Rule("supplied.not_used", "warning", "评价方案未采用指标 {indicator_id}，该值未参与计算",
         "the profile does not use indicator {indicator_id}; the value was not used",
         "直接赋值的指标不在评价方案中：未使用", "a supplied indicator the profile does not "
         "use: not used"),
    Rule("check.skipped", "warning",
         "输入有错误（见其他问题），未试算指标：改正后再检查，才能知道各河段的必选指标是否有数据",
         "the input has errors (see the other issues), so the indicators were not computed: "
         "check again once they are fixed to learn whether every segment has data for its "
         "mandatory indicators",
         "检查时因输入有错误而未试算指标", "a check that did not compute the indicators, the "
         "input having errors"),
    Rule("indicator.compute_failed", "error", "指标 {indicator_id} 计算失败：{error}",
         "indicator {indicator_id} could not be computed: {error}",
         "指标计算出错（其他指标照常计算）", "an indicator's computation failed (the others "
         "are computed)"),
    Rule("indicator.mandatory_missing", "error|warning",
         "河湖 {water_body_id} 的必选指标“{name}”在河段 {value} 无有效数据（{statuses_zh}）："
         "{reason_zh}。{phrase_zh}",
         "water body {water_body_id}: mandatory indicator {indicator_id} has no evaluated value "
         "in segment(s) {value} ({statuses}): {reason_en}; {phrase_en}",
         "必选指标无有效数据及其原因（按缺失策略为错误或警告）",
         "a mandatory indicator without a value and why (an error or a warning by the policy)",
         {"error": ("这些河段不能得出健康指数", "these segments get no RHI"),
          "warning": ("已按其余指标重新归一化权重，结论须审慎使用",
                      "its criterion was renormalised over the other indicators; use the "
                      "result with care")}),
    Rule("criterion.no_indicator", "error",
         "河段 {segment_id} 的准则层“{criterion_zh}”没有任何已评价指标，其权重不能被重新分配，"
         "该河段不能得出健康指数",
         "segment {segment_id}: criterion {column} has no evaluated indicator; its weight cannot "
         "be redistributed, so the segment gets no RHI",
         "河段的某准则层没有已评价指标", "a segment's criterion without an evaluated indicator"),
    Rule("series.gaps", "warning",
         "测站 {value} 的逐日数据缺 {missing} 天（覆盖率 {coverage:.1%}）；{phrase_zh}",
         "station {value}: {missing} day(s) missing from the daily series (coverage "
         "{coverage:.1%}); {phrase_en}",
         "测站逐日序列缺天（低于最低覆盖率时不予计算）",
         "days missing from a station's daily series (below the minimum coverage: not computed)",
         {"computed": ("按现有数据计算", "computed from the days present"),
          "too_few": ("低于 {min_coverage:.0%}，不予计算",
                      "below {min_coverage:.0%}, not computed (insufficient data)")}),
    Rule("series.incomplete", "warning",
         "河湖 {water_body_id} 评价年只有 {n} 个月的实测与天然流量，需 12 个月",
         "water body {water_body_id}: {n} complete month(s) of measured and natural flow in the "
         "evaluation year; 12 are needed",
         "评价年实测与天然流量不足 12 个月", "fewer than 12 months of measured and natural flow"),
    Rule("station.value_missing", "warning", "测站 {value} 缺少{phrase_zh}",
         "station {value} has no {phrase_en}",
         "测站缺少计算所需的值（生态流量目标、多年平均流量、最低生态水位）",
         "a station lacks a value an indicator needs (eco-flow target, mean flow, minimum "
         "ecological level)",
         {"target_m3s": ("生态流量目标，生态流量无法计算",
                         "eco-flow target: ecological flow cannot be computed"),
          "mean_flow_m3s": ("多年平均流量，生态流量无法计算",
                            "multi-year mean flow: ecological flow cannot be computed"),
          "min_eco_level_m": ("最低生态水位，无法计算",
                              "minimum ecological level: the indicator cannot be computed")}),
    Rule("screening.missing", "warning",
         "点位 {value} 有 {n} 行底泥数据缺少风险筛选值和 pH，未参与计算",
         "site {value}: {n} sediment row(s) have neither a screening value nor a pH and were "
         "not used",
         "底泥数据既无风险筛选值又无 pH：未使用", "sediment rows with neither a screening value "
         "nor a pH: not used"),
    Rule("length.missing", "warning",
         "河流 {water_body_id} 缺少河长（河湖名录或各河段长度），无法计算纵向连通指数",
         "river {water_body_id} has no length (water_bodies or segment lengths): the "
         "longitudinal connectivity cannot be computed",
         "河流缺少河长：纵向连通指数无法计算", "a river without a length: no longitudinal "
         "connectivity"),
    Rule("survey.incomplete", "warning", "河段 {segment_id} 缺少{phrase_zh}调查，岸线自然状况无法计算",
         "segment {segment_id} has no {phrase_en}: shoreline naturalness cannot be computed",
         "河段缺少岸坡或岸带调查：岸线自然状况无法计算",
         "a segment without its bank or riparian survey: no shoreline naturalness",
         {"bank_plots": ("岸坡稳定性样点", "bank stability plots"),
          "riparian_reaches": ("岸带植被覆盖度", "riparian vegetation cover")}),
    Rule("census.missing", "warning",
         "提供了岸线调查但缺少 {value} 表（可为空表），违规开发利用水域岸线程度无法计算",
         "a shoreline census is given without the {value} table (it may be empty): illegal "
         "shoreline development cannot be computed",
         "两张岸线普查表只提供了一张", "one of the two shoreline census tables is missing"),
    Rule("survey.too_few", "warning",
         "河湖 {water_body_id} 只有 {n} 份有效问卷，公众满意度至少需要 {minimum} 份",
         "water body {water_body_id} has {n} valid questionnaire(s); public satisfaction needs "
         "at least {minimum}",
         "有效问卷少于最少份数", "fewer valid questionnaires than the minimum"),
    Rule("fish.no_historical_species", "warning",
         "河湖 {water_body_id} 没有历史鱼类名录（1980年代以前），无法计算鱼类保有指数",
         "water body {water_body_id} has no historical fish species list (before the 1980s): the "
         "fish retention index cannot be computed",
         "没有历史鱼类名录：鱼类保有指数无法计算", "no historical fish list: no fish retention "
         "index"),
    Rule("benthos.no_reference", "warning",
         "河湖 {water_body_id} 没有参照点，评价方案也未给出 B-IBI 期望值，无法计算",
         "water body {water_body_id} has no reference site and the profile gives no expected "
         "B-IBI: the benthic IBI cannot be computed",
         "没有参照点也没有 B-IBI 期望值", "neither a reference site nor an expected B-IBI"),
    Rule("measures.default_catalogue", "warning",
         "河湖 {name}（{water_body_id}）{where_zh}，没有本区的措施库，报告中的措施取自内置示例措施库"
         "（{own}），仅供参考；请用 health-eval measures template 编制本区措施库，并以 --measures "
         "区域=文件 指定（规则 {rule}）",
         "water body {water_body_id} ({where_en}) has no measure catalogue of its district: the "
         "report's measures come from the packaged example catalogue ({own}), for reference "
         "only; write your district's with health-eval measures template and give it as "
         "--measures REGION=FILE (rule {rule})",
         "报告的措施取自内置示例措施库（本区没有措施库）",
         "the report's measures come from the packaged example catalogue (no district one)"),
)
