"""File and folder names made from data: the one safe-name function (ARCHITECTURE §7).

Water-body and segment ids are written by technicians and may be anything: 300 characters,
``a/b``, ``..``, ``CON``, ``NUL``, ``x.``, ``x `` or ``FH`` beside ``fh``. Every file or folder
name derived from data goes through :func:`file_names` (or :func:`safe_file_name` for one name),
which gives names that are

- safe: letters and digits of any script, ``_`` and ``-`` only — no separator, dot, space or
  control character, never a reserved Windows device name;
- bounded: at most :data:`MAX_NAME_CHARS` characters and :data:`MAX_NAME_BYTES` UTF-8 bytes
  (file systems allow 255 bytes);
- unique: distinct ids give names that differ also when case is ignored (Windows and macOS
  file systems fold case), within one output folder;
- stable: the same id gives the same name; an id that is already such a name is kept as it is,
  any other gets a short SHA-256 of the exact id appended.

Reports show the ids as written; only the names on disk are derived.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

__all__ = ["MAX_NAME_BYTES", "MAX_NAME_CHARS", "file_names", "safe_file_name"]

MAX_NAME_CHARS = 60
MAX_NAME_BYTES = 120
#: Device names Windows reserves in every folder, with or without an extension.
RESERVED = frozenset({"con", "prn", "aux", "nul", "clock$", "conin$", "conout$",
                      *(f"{device}{n}" for device in ("com", "lpt")
                        for n in (*"123456789", "¹", "²", "³"))})
_UNSAFE = re.compile(r"[^\w-]")


def _digest(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


def _kept_as_is(text: str) -> bool:
    """Whether ``text`` is itself a safe, bounded name (then it is used unchanged)."""
    return (bool(text) and not _UNSAFE.search(text) and len(text) <= MAX_NAME_CHARS
            and len(text.encode("utf-8", "surrogatepass")) <= MAX_NAME_BYTES
            and text.casefold() not in RESERVED and not text.startswith("-"))


def _hashed(text: str, length: int = 8) -> str:
    """``text`` cleaned to letters, digits, ``_`` and ``-``, cut to the bound, and the first
    ``length`` hex digits of its SHA-256 appended."""
    cleaned = _UNSAFE.sub("_", text).strip("_-")
    room = MAX_NAME_CHARS - length - 1
    while cleaned and (len(cleaned) > room
                       or len(cleaned.encode("utf-8")) > MAX_NAME_BYTES - length - 1):
        cleaned = cleaned[:-1]
    return f"{cleaned.rstrip('_-') or 'x'}-{_digest(text, length)}"


def safe_file_name(text: object) -> str:
    """A safe, bounded file name for ``text`` (see the module): ``text`` itself when it is one,
    else ``text`` cleaned with a short hash of it appended (``a/b`` → ``a_b-<hash>``).

    Names of distinct ids may still differ only in case; :func:`file_names` makes the names
    of one folder unique.
    """
    text = str(text)
    return text if _kept_as_is(text) else _hashed(text)


def file_names(ids: Iterable[object]) -> dict[str, str]:
    """Names for the files or folders of ``ids`` in one output folder, by id (as text).

    Each is :func:`safe_file_name`, except that ids whose names would be equal when case is
    ignored or Unicode normalised (``FH`` and ``fh``, or two ids cleaned alike) all get the hashed form, with a
    longer hash should two hashed names still meet. The names of an id do not depend on the
    order of ``ids``, only on which ids share a folder.
    """
    texts = sorted({str(i) for i in ids})
    names = {text: safe_file_name(text) for text in texts}
    for length in (8, 16, 32):
        groups: dict[str, list[str]] = defaultdict(list)
        for text, name in names.items():
            groups[unicodedata.normalize("NFKC", name).casefold()].append(text)
        clashes = [text for group in groups.values() if len(group) > 1 for text in group]
        if not clashes:
            break
        names.update({text: _hashed(text, length) for text in clashes})
    return names
