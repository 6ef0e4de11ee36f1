"""The lazy checks of a readable dataset against the rule table (ARCHITECTURE §3
``validate/``).

Owns the declarative rule table (:mod:`.rules`) and the checks (:mod:`.checks`); the issue rules
themselves are :mod:`health_eval.rule_catalogue`, beside the issue types. It may import io, the
vocabulary and the issue types; never the engine, reports or service.
"""
