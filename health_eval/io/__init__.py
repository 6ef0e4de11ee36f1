"""Reading input as it comes (ARCHITECTURE §3 ``io/``).

Owns the importers of files bureaus already hold (:mod:`health_eval.io.importers`): platform
exports, monitoring reports, hydrological yearbooks and questionnaire exports, turned into the
catalogue's tidy tables. It may import the readers, headers, cells, units, tables and issue
types; it knows nothing of the engine, reports or service.
"""

#: The importers by name — each a module of :mod:`health_eval.io.importers` — in the order
#: detection tries them. Here, outside that package, so that the command line names them in its
#: help without importing any reader.
IMPORTER_NAMES: tuple[str, ...] = ("cnemc", "manual", "yearbook", "questionnaire")
