"""The plan-revision report (一河（湖）一策), installed as ``health_eval.reports``.

Reserved by the agreed layout (ARCHITECTURE §3); the report itself is built by the
plan-revision issue and reads only :class:`health_eval.EvaluationResult`.
"""
