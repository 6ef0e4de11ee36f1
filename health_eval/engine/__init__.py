"""From a Dataset to an EvaluationResult (ARCHITECTURE §3 ``engine/``, §1).

Owns the Dataset, the input stage, the indicator registry, compute, batch, aggregate, the
result with its provenance, and :func:`~health_eval.engine.api.evaluate`. It may import
profiles, validate, io, the built-in indicators, the vocabulary and the issue types; it knows
nothing of reports, the archive, the service or the command line.
"""
