"""The health archive (一河（湖）一档): every evaluation round kept, compared and trended.

A real database behind one interface — SQLAlchemy 2 Core with Alembic migrations
(``migrations/``), an SQLite file by default, the same code on PostgreSQL
(``postgresql+psycopg://…``, optional extra ``postgresql``)::

    from health_eval import archive
    with archive.open("health_eval_archive.db") as store:
        store.add("out/2021", facts=archive.facts_from_dataset("inputs_2021.xlsx"))
        store.list("FHGD"); store.round(1); store.export(1, "back")
        archive.trend(store, "FHGD"); archive.write_sheet(store, "FHGD", "FHGD.docx")

Modules: :mod:`.models` (tables), :mod:`.connect` (URL, engine, schema revision, upgrade),
:mod:`.facts` (basic facts, content digest), :mod:`.store` (add, list, show, export, history,
previous round), :mod:`.adding` (what ``add`` reads and inserts), :mod:`.bulk` (the long
tables' fast inserts), :mod:`.blobs` (compressed files and details), :mod:`.trend`
(Mann–Kendall, Sen's slope, chart, table), :mod:`.sheet` (the one-page 体检表). It reads
results and the reports' indicator points; the engine knows nothing of it, and
``import health_eval`` does not import SQLAlchemy.
"""

from .connect import ArchiveError, archive_url, upgrade
from .facts import FACT_FIELDS, facts_from_dataset, result_digest
from .store import Added, Archive, open

__all__ = ["open", "Archive", "Added", "ArchiveError", "archive_url", "upgrade",
           "facts_from_dataset", "result_digest", "FACT_FIELDS"]
