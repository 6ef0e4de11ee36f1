"""Rules of requests, uploads and profiles: the HTTP service, the workbench and a profile that
cannot be used (:mod:`health_eval.service.schema.problems`, :mod:`health_eval.service.http`,
:mod:`health_eval.service.input`, :mod:`health_eval.service.workbench.work`)."""

from __future__ import annotations

from . import Rule

_SCHEMA_ZH = "{problem_zh}（{place_zh}）"
_SCHEMA_EN = "{problem_en} ({place_en})"

RULES: tuple[Rule, ...] = (
    Rule("request.*", "error", _SCHEMA_ZH, _SCHEMA_EN,
         "请求或上传表单不符合 v1 请求格式（* 为 pydantic 的错误类型，如 missing、extra_forbidden、"
         "json_invalid）",
         "a request or upload form that does not match the v1 request schema (* is pydantic's "
         "error type: missing, extra_forbidden, json_invalid …)"),
    Rule("profile.*", "error", _SCHEMA_ZH, _SCHEMA_EN,
         "评价方案的某一项不符合方案格式（* 为 pydantic 的错误类型）",
         "a key of a profile that does not match the profile schema (* is pydantic's error type)"),
    Rule("profile.invalid", "error", "{detail_zh}", "{detail_en}",
         "评价方案无法使用（未知的方案编号、无法读取的文件）",
         "a profile that cannot be used (an unknown id, an unreadable file)"),
    Rule("limit.rows", "error", "表 {table} 有 {value} 行，超过服务上限 {limit} 行",
         "table {table} has {value} rows, over the service's limit of {limit}",
         "表的行数超过服务上限", "a table with more rows than the service's limit"),
    Rule("limit.unzipped", "error", "{archive_zh}解压后 {unpacked} 字节，超过上限 {limit} 字节",
         "the {archive_en} unpacks to {unpacked} bytes, over the limit of {limit}",
         "上传的文件解压后超过上限", "an upload that unpacks to more than the limit"),
    Rule("upload.not_xlsx", "error", "上传的文件不是 .xlsx 工作簿",
         "the uploaded file is not an .xlsx workbook ({detail})",
         "上传的文件不是 .xlsx 工作簿", "an upload that is not an .xlsx workbook"),
    Rule("upload.suffix", "error", "请上传 {accepted_zh}", "upload {accepted_en}",
         "上传的文件类型不被接受", "an upload of a type that is not accepted"),
    Rule("upload.zip_members", "error", "压缩包中只能有 CSV 文件（每张表一个，文件名不重复）",
         "the zip may hold only CSV files (one per table, unique names)",
         "压缩包中有 CSV 以外的文件或重名文件", "a zip holding other files than CSV, or one "
         "name twice"),
    Rule("upload.not_zip", "error", "文件不是有效的 zip 压缩包",
         "the file is not a valid zip archive",
         "上传的文件不是有效的 zip 压缩包", "an upload that is not a valid zip"),
)
