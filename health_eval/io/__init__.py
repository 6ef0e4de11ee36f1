"""Reading input as it comes, and writing files (ARCHITECTURE §3 ``io/``).

Owns the table catalogue (:mod:`.tables`), the readers of xlsx, CSV, Parquet and frames
(:mod:`.readers`), headers, cells, units, wide sheets and sample values, the loading of a package
into typed tables (:mod:`.package`), the importers of bureau files (:mod:`.importers`), and the
one writer of workbooks and CSV (:mod:`.sheets`, :mod:`.atomic`). It may import the vocabulary
and the issue types only; it knows nothing of validate, profiles, the engine, reports or service.
"""

#: The importers by name — each a module of :mod:`health_eval.io.importers` — in the order
#: detection tries them. Here, outside that package, so that the command line names them in its
#: help without importing any reader.
IMPORTER_NAMES: tuple[str, ...] = ("cnemc", "manual", "yearbook", "questionnaire")
