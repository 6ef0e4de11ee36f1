"""The cyclic collector is paused during a call and always restored (health_eval.engine.gc_pause)."""

import gc

import pytest

from health_eval.engine.gc_pause import gc_paused


@gc_paused
def _state_inside(fail: bool = False) -> bool:
    if fail:
        raise RuntimeError("boom")
    return gc.isenabled()


@pytest.fixture
def collector_enabled():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_restored_after(collector_enabled):
    assert _state_inside() is False
    assert gc.isenabled()


def test_restored_after_an_exception(collector_enabled):
    with pytest.raises(RuntimeError, match="boom"):
        _state_inside(fail=True)
    assert gc.isenabled()


def test_a_nested_call_leaves_it_paused_for_the_outer_one(collector_enabled):
    @gc_paused
    def outer() -> tuple[bool, bool]:
        inner = _state_inside()
        return inner, gc.isenabled()

    assert outer() == (False, False)
    assert gc.isenabled()


def test_left_off_when_the_caller_had_turned_it_off(collector_enabled):
    gc.disable()
    assert _state_inside() is False
    assert not gc.isenabled()
    gc.enable()


def test_evaluate_runs_paused(tiny_frames, tiny_profile, monkeypatch):
    from health_eval.engine import api

    seen = []
    original = api.indicator_table
    monkeypatch.setattr(api, "indicator_table",
                        lambda *a, **k: seen.append(gc.isenabled()) or original(*a, **k))
    gc.enable()
    api.evaluate(tiny_frames, tiny_profile)
    assert seen and not any(seen)
    assert gc.isenabled()
