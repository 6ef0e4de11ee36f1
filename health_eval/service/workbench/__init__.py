"""The technician's workbench: the browser pages of ``health-eval serve`` (issue 22).

首页 projects (a district and year), 上传与检查 upload and check, 评价 run (a background worker,
progress by htmx polling), 结果 results (ranked water bodies, reports, downloads), 历史 history
(rounds from the health archive, trend chart, two rounds compared). Modules: :mod:`.app` (the
pages), :mod:`.store` (projects, uploads, runs), :mod:`.work` (checking and running through the
engine's API), :mod:`.history`, :mod:`.text` (Chinese and English labels).
"""

from .app import WorkbenchSettings, mount_workbench

__all__ = ["WorkbenchSettings", "mount_workbench"]
