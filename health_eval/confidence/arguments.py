"""The arguments of a confidence run, checked before any work (CLI usage error: exit 2)."""

from __future__ import annotations

import math

__all__ = ["MAX_REPLICATES", "ConfidenceError", "check_arguments"]

#: Most replicates one run takes (issue 18: more than 10,000 is refused).
MAX_REPLICATES = 10_000


class ConfidenceError(ValueError):
    """A confidence argument out of range; the message is in Chinese and English."""


def check_arguments(replicates: object, seed: object = None, spread: object = None) -> None:
    """Refuse a replicate count outside 1…10,000, a seed that is not a whole number ≥ 0, or a
    weight spread outside 0…1.

    Raises
    ------
    ConfidenceError
    """
    if replicates is not None and (isinstance(replicates, bool) or not isinstance(replicates, int)
                                   or not 1 <= replicates <= MAX_REPLICATES):
        raise ConfidenceError(
            f"重抽样次数须为 1 至 {MAX_REPLICATES:,} 的整数，收到 {replicates!r} / the number of "
            f"replicates (--confidence) must be a whole number from 1 to {MAX_REPLICATES:,}, "
            f"got {replicates!r}")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ConfidenceError(f"随机种子须为非负整数，收到 {seed!r} / the seed (--seed) must be "
                              f"a whole number ≥ 0, got {seed!r}")
    if spread is not None and (isinstance(spread, bool) or not isinstance(spread, (int, float))
                               or not math.isfinite(spread) or not 0 <= spread <= 1):
        raise ConfidenceError(
            f"权重扰动幅度须在 0 至 1 之间，收到 {spread!r} / the weight spread "
            f"(--weights-spread) must be from 0 to 1, got {spread!r}")
    if replicates is None and (seed is not None or spread):
        raise ConfidenceError("随机种子与权重扰动须与重抽样次数（--confidence）一同给出 / --seed and "
                              "--weights-spread need --confidence")
