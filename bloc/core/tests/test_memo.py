import pytest
from django.http import Http404

from bloc.core.memo import ProcessMemo, clear_all


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def counting_loader():
    calls = []

    def load(value="v"):
        calls.append(value)
        return f"{value}{len(calls)}"

    return calls, load


def test_a_value_is_kept_for_the_seconds_given_then_loaded_again():
    clock = Clock()
    memo = ProcessMemo(timer=clock)
    calls, load = counting_loader()
    assert memo.get("k", 5, load) == "v1"
    clock.now = 4.9
    assert memo.get("k", 5, load) == "v1"
    clock.now = 5.0
    assert memo.get("k", 5, load) == "v2"
    assert len(calls) == 2


def test_keys_are_kept_apart_and_zero_seconds_turns_the_memo_off():
    memo = ProcessMemo(timer=Clock())
    calls, load = counting_loader()
    assert memo.get("a", 5, lambda: load("a")) == "a1"
    assert memo.get("b", 5, lambda: load("b")) == "b2"
    assert memo.get("a", 5, lambda: load("a")) == "a1"
    assert memo.get("a", 0, lambda: load("a")) == "a3"
    assert memo.get("a", 0, lambda: load("a")) == "a4"


def test_a_failed_load_is_not_remembered():
    memo = ProcessMemo(timer=Clock())

    def missing():
        raise Http404("No such ballot.")

    with pytest.raises(Http404):
        memo.get(7, 5, missing)
    assert memo.get(7, 5, lambda: "found") == "found"


def test_clear_all_forgets_every_memo():
    memo = ProcessMemo(timer=Clock())
    calls, load = counting_loader()
    memo.get("k", 5, load)
    clear_all()
    assert memo.get("k", 5, load) == "v2"
