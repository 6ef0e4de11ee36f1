"""The plan's linear programme (reports/plan_lp.py) checked by hand on two indicators.

Indicator A: score 50, 0.2 RHI points per score point (headroom 50: at most 10 RHI points);
indicator B: score 70, 0.1 RHI points per score point (headroom 30: at most 3 RHI points).
With equal efforts A gives 0.2 RHI points per unit of effort and B 0.1, so A goes first.
"""

import numpy as np
import pytest
from health_eval.reports.plan_lp import solve_gains
from hypothesis import given
from hypothesis import strategies as st

POINTS = np.array([0.2, 0.1])
HEADROOM = np.array([50.0, 30.0])          # 100 − scores 50 and 70
ONE = np.zeros(2, dtype=np.int64)          # both variables belong to water body 0


def solve(gap, costs=(1.0, 1.0)):
    return solve_gains(ONE, POINTS, HEADROOM, np.array(costs), np.array([gap]))


def test_the_cheaper_indicator_alone_closes_a_small_gap():
    # gap 3: A alone, 3 / 0.2 = 15 points (A 50 → 65), effort 15 (B would need 30).
    solved = solve(3.0)
    assert solved.gains == pytest.approx([15.0, 0.0])
    assert bool(solved.reachable[0])


def test_the_cheaper_indicator_hits_its_cap_and_the_other_takes_the_rest():
    # gap 12: A at 100 gives 0.2·50 = 10; the remaining 2 need 2 / 0.1 = 20 points of B.
    solved = solve(12.0)
    assert solved.gains == pytest.approx([50.0, 20.0])
    assert POINTS @ solved.gains == pytest.approx(12.0)


def test_unequal_costs_change_the_choice():
    # efforts 3 and 1: A costs 3 / 0.2 = 15 per RHI point, B 1 / 0.1 = 10: B first.
    # gap 2: B alone, 2 / 0.1 = 20 points (effort 20, against 3·10 = 30 for A alone).
    assert solve(2.0, (3.0, 1.0)).gains == pytest.approx([0.0, 20.0])
    # gap 4: B at 100 gives 3, the last 1 needs 1 / 0.2 = 5 points of A.
    assert solve(4.0, (3.0, 1.0)).gains == pytest.approx([5.0, 30.0])
    # equal efforts again: A alone, 4 / 0.2 = 20 points.
    assert solve(4.0).gains == pytest.approx([20.0, 0.0])


def test_an_unreachable_gap_says_so_and_raises_everything_to_100():
    # gap 14 > 10 + 3 = 13, the most A and B can give together.
    solved = solve(14.0)
    assert not solved.reachable[0]
    assert solved.gains == pytest.approx([50.0, 30.0])


def test_no_gap_needs_no_gain():
    for gap in (0.0, -2.5, np.nan):
        solved = solve(gap)
        assert bool(solved.reachable[0]) and solved.gains == pytest.approx([0.0, 0.0])


def test_several_water_bodies_in_one_programme_are_solved_apart():
    # water body 0: A and B as above, gap 12; water body 1: one variable C (score 90,
    # 0.5 points per score point), gap 2 → 4 points; water body 2: D, gap 1 > 0.1·10 → short.
    group = np.array([0, 0, 1, 2])
    solved = solve_gains(group, np.array([0.2, 0.1, 0.5, 0.1]),
                         np.array([50.0, 30.0, 10.0, 10.0]), np.ones(4),
                         np.array([12.0, 2.0, 1.5]))
    assert solved.gains == pytest.approx([50.0, 20.0, 4.0, 10.0])
    assert solved.reachable.tolist() == [True, True, False]


def test_equally_cheap_variables_are_raised_in_rank_order():
    # two variables with the same points and efforts: the one ranked first takes the gap.
    points, headroom = np.array([0.1, 0.1]), np.array([40.0, 40.0])
    first = solve_gains(ONE, points, headroom, np.ones(2), np.array([2.0]), np.array([0, 1]))
    second = solve_gains(ONE, points, headroom, np.ones(2), np.array([2.0]), np.array([1, 0]))
    assert first.gains == pytest.approx([20.0, 0.0])
    assert second.gains == pytest.approx([0.0, 20.0])


@given(st.lists(st.tuples(st.floats(0.01, 1), st.floats(0, 100), st.floats(0.1, 10)),
                min_size=1, max_size=8), st.floats(0.1, 60))
def test_the_programme_costs_what_the_greedy_order_costs(variables, gap):
    """A single gap row with boxes is a fractional knapsack: raising the variables in the order
    of effort per RHI point c / p, each to its cap until the gap closes, is optimal. The
    programme must cost the same, close the gap and keep every gain in its box."""
    points, headroom, costs = (np.array(v) for v in zip(*variables))
    solved = solve_gains(np.zeros(len(points), dtype=np.int64), points, headroom, costs,
                         np.array([gap]))
    most = points @ headroom
    assert bool(solved.reachable[0]) == (most >= gap - 1e-9)
    assert np.all(solved.gains >= 0) and np.all(solved.gains <= headroom + 1e-9)
    if not solved.reachable[0]:
        return
    left, greedy = gap, 0.0
    for i in np.argsort(costs / points, kind="stable"):
        take = min(headroom[i], left / points[i])
        greedy, left = greedy + costs[i] * take, left - points[i] * take
        if left <= 1e-12:
            break
    assert points @ solved.gains >= gap - 1e-6
    assert costs @ solved.gains == pytest.approx(greedy, rel=1e-3, abs=1e-6)
