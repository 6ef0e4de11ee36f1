"""What the health archive adds to a report's comparison section: the round compared with and
the trends over the archived evaluation years (``health-eval run --archive``).

The archive passes them in the previous result's provenance: ``archive_rounds`` (water body →
``round, evaluation_year, run_time``) and ``archive_trends`` (water body → ``{"zh": […],
"en": […]}`` sentences, :func:`health_eval.archive.trend.run_trends`). A previous result read
from a file has neither, and the section is as before.
"""

from __future__ import annotations

from .document import Paragraph

_ROUND = {"zh": "比较对象：河湖健康档案第 {round} 轮（{year} 年评价，评价时间 {time}），即本河湖"
                "此前最近一个评价年份的现行结果。",
          "en": "Compared with round {round} of the health archive (evaluation year {year}, run "
                "{time}): this water body's latest earlier evaluation year."}
_TRENDS = {"zh": "历年趋势（至少三个评价年份，Mann–Kendall 检验与 Sen 斜率）：",
           "en": "Trends over the evaluation years (at least three; Mann–Kendall test and Sen's "
                 "slope):"}


def archive_notes(provenance: dict, water_body_id: str, lang: str) -> list[Paragraph]:
    """The paragraphs naming the archived round compared with, and the trend sentences."""
    lang = lang if lang in _ROUND else "en"
    notes = []
    chosen = (provenance.get("archive_rounds") or {}).get(water_body_id)
    if chosen:
        notes.append(Paragraph(_ROUND[lang].format(round=chosen["round"],
                                                   year=chosen["evaluation_year"],
                                                   time=chosen.get("run_time") or "—")))
    trends = ((provenance.get("archive_trends") or {}).get(water_body_id) or {}).get(lang)
    if trends:
        notes.append(Paragraph(_TRENDS[lang] + " ".join(f"{t}。" if lang == "zh" else f"{t}."
                                                         for t in trends)))
    return notes
