"""The method as data (ARCHITECTURE §3 ``profiles/``, §5).

Owns the pydantic profile models, ``extends`` and digests (:mod:`.profile`), the indicators'
typed params (:mod:`.indicator_params`), the scoring rules (:mod:`.scoring`) and the packaged
YAML profiles beside them. It may import io, the vocabulary and the issue types; the engine's
registry only lazily, to check params against the installed indicators.
"""
