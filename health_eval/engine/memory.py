"""Memory settings for a process that runs evaluations (the CLI, benchmarks, batch jobs).

An evaluation allocates and frees large arrays again and again (a column of 2.7 M samples is
21 MB). By default pyarrow's allocator (mimalloc) and glibc's ``malloc`` hand freed memory back
to the operating system at once, so the next array of that size is faulted in page by page
again: at 10,000 segments that is about 0.5 s of kernel time of a 3 s evaluation, with the same
peak memory either way. :func:`tune_for_evaluation` makes the process keep freed memory for
reuse instead. It is a process-wide setting, so the engine never applies it by itself: the
command line does, and a program embedding the engine may call it once at start-up when the
process is there to evaluate.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import platform
import sys

__all__ = ["tune_for_evaluation"]

#: ``mallopt`` parameters (glibc ``<malloc.h>``).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
#: Allocations up to 32 MiB come from the heap (glibc's own upper bound of its dynamic threshold);
#: larger ones are still mapped and unmapped one by one.
MMAP_THRESHOLD_BYTES = 32 * 2**20
#: Free memory at the top of the heap is never trimmed back to the system.
TRIM_THRESHOLD_BYTES = 2**31 - 1


def tune_for_evaluation() -> dict[str, object]:
    """Keep freed memory in the process for reuse rather than return it to the system.

    On Linux with glibc: Arrow allocates through ``malloc`` (its system memory pool) and
    ``malloc`` keeps freed memory (``M_MMAP_THRESHOLD`` 32 MiB, ``M_TRIM_THRESHOLD`` 2 GiB).
    Elsewhere nothing is changed. Before pyarrow is imported, its pool is chosen through Arrow's
    ``ARROW_DEFAULT_MEMORY_POOL`` environment variable, so that a process which never reads
    Arrow data (``health-eval --help``) does not import pyarrow for it. Calling it again
    changes nothing more. Peak memory is the same; memory freed after the peak stays with the
    process until it exits.

    Returns
    -------
    dict
        What was set (empty when nothing was): ``arrow_memory_pool`` and ``malloc``.
    """
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return {}
    libc = ctypes.CDLL(None)
    applied = (libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
               and libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES))
    if not applied:
        return {}
    settings: dict[str, object] = {"malloc": {"mmap_threshold": MMAP_THRESHOLD_BYTES,
                                              "trim_threshold": TRIM_THRESHOLD_BYTES}}
    if "pyarrow" in sys.modules:
        pyarrow = sys.modules["pyarrow"]
        pyarrow.set_memory_pool(pyarrow.system_memory_pool())
    elif importlib.util.find_spec("pyarrow") is not None:
        os.environ["ARROW_DEFAULT_MEMORY_POOL"] = "system"
    else:                               # pyarrow is optional (Parquet, Dask)
        return settings
    settings["arrow_memory_pool"] = "system"
    return settings
