"""The bounded memo behaves as a least-recently-used cache of its size (hypothesis)."""
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.location.lru import LRU

OPERATIONS = st.lists(st.tuples(st.sampled_from(["get", "put"]), st.integers(0, 12), st.integers()), max_size=200)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 6), OPERATIONS)
def test_lru_answers_as_a_list_in_order_of_use(maxsize, operations):
    memo, model = LRU(maxsize), []  # model: (key, value), least recently used first
    for op, key, value in operations:
        held = next((kv for kv in model if kv[0] == key), None)
        if op == "get":
            assert memo.get(key) == (held[1] if held else None)
            if held:
                model.remove(held)
                model.append(held)
        else:
            memo.put(key, value)
            if held:
                model.remove(held)
            model.append((key, value))
            del model[:-maxsize]
        assert len(memo) == len(model) <= maxsize
        assert all(k in memo for k, _ in model)


def test_lru_get_tells_a_miss_by_the_default():
    memo = LRU(1)
    marker = object()
    assert memo.get("学院路", marker) is marker
    memo.put("学院路", [])
    assert memo.get("学院路", marker) == []


def test_lru_needs_room_for_one_entry():
    with pytest.raises(ValueError):
        LRU(0)


def test_lru_shared_by_threads_stays_within_its_bound():
    memo = LRU(16)
    errors = []

    def work(offset):
        try:
            for i in range(2000):
                memo.put((offset, i), i)
                memo.get((offset, i - 1))
                assert len(memo) <= 16
        except Exception as exc:  # reported to the test thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(memo) <= 16
