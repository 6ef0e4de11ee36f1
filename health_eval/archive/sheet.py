"""The one-page health sheet (体检表) of a water body, in the national health file's fields.

Basic facts (河湖名称, 河湖代码, 最高层级河湖长, 河流长度 or 水面面积, 流域面积, 流经县级行政区域),
health facts (健康评价依据, 评价指标, 健康评价得分, 健康状态), what the class means for
management (``class_meanings.yaml``, its source named), criterion and indicator scores with the
change since the previous evaluation year, and the plan's targets (the next class, and the
fewest score points of the indicators that reach it, :mod:`health_eval.reports.plan_lp`).
Written as ``.xlsx`` (one sheet) or ``.docx`` (through the report's Word writer).
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

import pandas as pd

from ..io.yaml_text import load_mapping
from .connect import ArchiveError
from .facts import FACT_FIELDS
from .models import CRITERIA
from .store import Archive
from .trend import CRITERION_NAMES, series_table, trend_sentences, trend_stats

SHEET_FORMATS = (".xlsx", ".docx")


def class_meanings() -> dict:
    """``{"source", "confidence", "classes": {grade: text}}`` (packaged YAML)."""
    text = (resources.files("health_eval.archive") / "class_meanings.yaml").read_text("utf-8")
    return load_mapping(text, "class_meanings.yaml", ValueError, "类别含义", "class meanings")


def _n(value, decimals: int = 1) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "—"
    return f"{float(value):.{decimals}f}"


def _signed(now, before) -> str:
    if any(v is None or pd.isna(v) for v in (now, before)):
        return "—"
    return f"{float(now) - float(before):+.1f}"


def _evaluation(history: pd.DataFrame, round_id: int | None, code: str) -> int:
    if round_id is None:
        return len(history) - 1
    at = [i for i, r in enumerate(history["round"]) if int(r) == round_id]
    if not at:
        raise ArchiveError(f"河湖 {code} 没有第 {round_id} 轮的现行评价",
                           f"water body {code} has no current evaluation in round {round_id}")
    return at[0]


def _basis(archive: Archive, round_id: int, profile_id: str | None) -> str:
    import sqlalchemy as sa

    from .models import rounds

    with archive.engine.connect() as conn:
        profiles = conn.execute(sa.select(rounds.c.profiles).where(rounds.c.id == round_id)
                                ).scalar()
    profile = (profiles or {}).get(profile_id) or {}
    digest = str(profile.get("digest") or "")[:12]
    title = profile.get("title") or profile_id or "—"
    source = profile.get("source")
    return "；".join(p for p in (title, source and f"依据 {source}",
                                 f"方案 {profile_id}（摘要 {digest}）") if p)


def _targets(rhi: float, scores: pd.DataFrame, profile_id: str | None) -> list[str]:
    import numpy as np

    from ..reports.plan import next_class
    from ..reports.plan_lp import solve_gains
    from .trend import _class_bands

    target = next_class(rhi, _class_bands(profile_id))
    if target is None:
        return ["已为最高类别：保持现状 / already the best class: keep it"]
    gap = target.min_rhi - rhi
    rows = scores.dropna(subset=["score"])
    score = rows["score"].astype(float).to_numpy()
    solved = solve_gains(np.zeros(len(rows), dtype=np.int64), rows["points"].astype(float),
                         100.0 - score, np.ones(len(rows)), np.array([gap]), score)
    lines = [f"目标：{target.name_zh}（{target.label_zh}，RHI ≥ {target.min_rhi:g}），"
             f"尚差 {gap:.1f} 分"]
    if not solved.reachable[0]:
        lines.append("各指标赋分提至 100 仍不足以达到目标类别")
        return lines
    raised = solved.gains > 1e-9
    lines.append("提分最少的方案：" + "、".join(
        f"{name}（{s:.1f} → {s + g:.1f}）" for name, s, g in
        zip(rows["indicator_name"][raised], score[raised], solved.gains[raised])))
    return lines


def sheet_document(archive: Archive, water_body: str, round_id: int | None = None):
    """The sheet as a report document (:class:`health_eval.reports.document.Report`)."""
    from ..reports.document import Facts, Heading, Paragraph, Report, Section, table

    history = archive.history(water_body)
    if history.empty:
        raise ArchiveError(f"档案中没有河湖 {water_body} 的评价",
                           f"no evaluation of {water_body} in the archive")
    at = _evaluation(history, round_id, water_body)
    row, before = history.iloc[at], (history.iloc[at - 1] if at > 0 else None)
    facts = row["facts"] or {}
    kind = row["kind"]
    size = ("length_km", FACT_FIELDS["length_km"]) if kind == "river" else (
        "area_km2", FACT_FIELDS["area_km2"])
    basic = [("河湖名称", row["name"]), ("河湖代码", facts.get("national_code") or "—"),
             ("河湖编码（本档案）", row["water_body_id"]),
             ("最高层级河湖长", facts.get("chief") or "—"),
             (size[1], _n(facts.get(size[0]), 2)),
             (FACT_FIELDS["basin_area_km2"], _n(facts.get("basin_area_km2"), 2)),
             ("流经县级行政区域", facts.get("counties") or facts.get("region") or "—")]
    scores = archive.indicator_history(history["evaluation"])
    now = scores[scores["evaluation"] == row["evaluation"]]
    then = (scores[scores["evaluation"] == before["evaluation"]] if before is not None
            else now.iloc[0:0])
    meanings = class_meanings()
    grade = None if pd.isna(row["health_class"]) else int(row["health_class"])
    meaning = meanings["classes"].get(grade, "—")
    health = [("评价年份", f"{int(row['evaluation_year'])} 年（档案第 {int(row['round'])} 轮）"),
              ("健康评价依据", _basis(archive, int(row["round"]), row["profile_id"])),
              ("评价指标", f"{int(now['score'].notna().sum())} 项（见下表）"),
              ("健康评价得分", f"RHI {_n(row['rhi'])}"),
              ("健康状态", f"{row['health_name']} {row['health_label']}"),
              ("类别含义与管理要求", f"{meaning}（来源：{meanings['source']}）")]
    change = [("比较对象", "无（首次评价）" if before is None else
               f"{int(before['evaluation_year'])} 年（档案第 {int(before['round'])} 轮）")]
    if before is not None:
        change += [("RHI", f"{_n(before['rhi'])} → {_n(row['rhi'])}（"
                           f"{_signed(row['rhi'], before['rhi'])}）"),
                   ("类别变化", f"{before['health_name']} → {row['health_name']}")]
    criteria = table(["准则层", "上次", "本次", "变化"],
                     [[CRITERION_NAMES[c], _n(None if before is None else before[c]),
                       _n(row[c]), _signed(row[c], None if before is None else before[c])]
                      for c in CRITERIA if pd.notna(row[c])])
    previous = dict(zip(then["indicator_id"], then["score"]))
    indicators = table(["指标", "上次", "本次", "变化"],
                       [[r["indicator_name"], _n(previous.get(r["indicator_id"])),
                         _n(r["score"]), _signed(r["score"], previous.get(r["indicator_id"]))]
                        for r in now.to_dict("records")])
    series = series_table(archive, water_body)
    series = series[series["evaluation_year"] <= row["evaluation_year"]]
    trends = trend_sentences(trend_stats(series))
    sections = (
        Section("basic", "基本信息", (Facts(tuple((k, str(v)) for k, v in basic)),)),
        Section("health", "健康状况", (Facts(tuple(health)),)),
        Section("scores", "准则层与指标得分", (criteria, Heading("指标得分"), indicators)),
        Section("change", "与上次评价比较",
                (Facts(tuple(change)), *[Paragraph(t) for t in trends])),
        Section("targets", "规划目标（一河（湖）一策）",
                tuple(Paragraph(t) for t in _targets(float(row["rhi"]), now,
                                                     row["profile_id"]))))
    return Report(f"河湖健康体检表 — {row['name']}", (f"{int(row['evaluation_year'])} 年评价",),
                  sections, "zh")


def write_rows(path: str | os.PathLike, sheets: dict[str, list[list]]) -> None:
    """Write plain rows to an xlsx workbook, one sheet per key; text is stored as text (a
    leading ``=`` never becomes a formula) with control characters shown as the project's
    other writers show them (:func:`health_eval.io.sheets.clean_text`)."""
    from openpyxl import Workbook

    from ..io.sheets import clean_text

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append([clean_text(v) if isinstance(v, str) else v for v in row])
        for cells in sheet.iter_rows():
            for c in cells:
                if isinstance(c.value, str) and c.data_type == "f":
                    c.data_type = "s"
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 60
    book.save(os.fspath(path))


def _document_rows(report) -> list[list]:
    from ..reports.document import Facts, Heading, Paragraph, Table

    rows: list[list] = [[report.title], *[[s] for s in report.subtitle]]
    for section in report.sections:
        rows += [[], [section.title]]
        for block in section.blocks:
            if isinstance(block, Facts):
                rows += [list(r) for r in block.rows]
            elif isinstance(block, Table):
                rows += [list(block.columns), *[[c.text for c in r] for r in block.rows]]
            elif isinstance(block, (Paragraph, Heading)):
                rows.append([block.text])
    return rows


def write_sheet(archive: Archive, water_body: str, out: str | os.PathLike,
                round_id: int | None = None) -> Path:
    """Write the health sheet of ``water_body`` (its latest evaluation, or the one of
    ``round_id``) to ``out`` (``.xlsx`` or ``.docx``), atomically.

    Raises
    ------
    ValueError
        For another file type.
    """
    from ..io.atomic import atomic_path

    out = Path(out)
    if out.suffix.lower() not in SHEET_FORMATS:
        raise ValueError(f"体检表只能写成 .xlsx 或 .docx / the sheet is written as .xlsx or "
                         f".docx, not {out.name}")
    report = sheet_document(archive, water_body, round_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as temporary:
        if out.suffix.lower() == ".docx":
            from ..reports.docx import write_docx

            write_docx(report, temporary, front_matter=False)
        else:
            write_rows(temporary, {"体检表": _document_rows(report)})
    return out
