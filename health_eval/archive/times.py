"""Times of the archive: stored as ISO 8601 text with their offset (``rounds.stored_at`` in UTC,
``rounds.run_time`` as the run wrote it), shown in the local time of the reader's machine."""

from __future__ import annotations

import datetime as _dt

#: How a time is shown: local date and time to the second, no offset.
SHOWN = "%Y-%m-%d %H:%M:%S"


def utc_now() -> str:
    """Now in UTC, ISO 8601 to the second (``2026-12-07T18:05:09+00:00``)."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def local_text(stored: str | None, zone: _dt.tzinfo | None = None) -> str:
    """A stored time as local date and time (``2026-12-08 02:05:09`` in UTC+8 for
    ``2026-12-07T18:05:09+00:00``); in ``zone`` when given, else the machine's. A time
    without an offset is shown as it is written; none as ``—``; text that is no ISO time as
    it is."""
    if not stored:
        return "—"
    try:
        moment = _dt.datetime.fromisoformat(stored)
    except ValueError:
        return stored
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone)
    return moment.strftime(SHOWN)
