"""Evaluating an archive larger than one machine on Dask (ARCHITECTURE §3
``distributed/``).

Owns the Dask path (:mod:`.evaluate`) and the partitioned Parquet archive it reads
(:mod:`.partitions`). It may import the engine and everything below it.
"""
