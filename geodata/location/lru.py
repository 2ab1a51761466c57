"""A bounded memo: when it is full, the entry used least recently makes room.

The network index remembers what it worked out from written names (the roads a name
matches, the junctions two names can meet at), because inspection texts repeat the same
few thousand names constantly. Those names are public input — ``/api/v1/locate``
answers anonymous callers — so a plain dict would let anyone grow every worker's memory
without bound by sending made-up names. An `LRU` holds at most ``maxsize`` entries and
keeps the names in use.

>>> memo = LRU(2)
>>> memo.put("学院路", 1)
>>> memo.put("学清路", 2)
>>> memo.get("学院路")  # now the most recently used
1
>>> memo.put("清华东路", 3)  # full: 学清路, used least recently, goes
>>> memo.get("学清路") is None, len(memo)
(True, 2)
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class LRU:
    """At most ``maxsize`` entries; `get` and `put` make an entry the most recently used.

    Safe to share between the threads of a worker (one index serves them all): each
    operation holds a lock for a few dictionary steps.
    """

    __slots__ = ("maxsize", "_data", "_lock")

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError(f"an LRU needs room for at least one entry, got maxsize={maxsize}")
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            try:
                self._data.move_to_end(key)
            except KeyError:
                return default
            return self._data[key]

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            data = self._data
            data[key] = value
            data.move_to_end(key)
            if len(data) > self.maxsize:
                data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()

    def __len__(self) -> int:
        with self._lock:  # never seen between a put's insertion and its eviction
            return len(self._data)

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._data

    def __repr__(self) -> str:
        return f"LRU({len(self._data)}/{self.maxsize})"
