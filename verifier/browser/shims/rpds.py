"""Browser build only: a pure-Python stand-in for rpds-py (compiled Rust), for ``referencing``.

Persistent (immutable) collections by copying: every "change" returns a new object. The registries
skillspas builds hold a few dozen schemas, so copying costs nothing that matters. Only the API
``referencing`` uses is offered: HashTrieMap, HashTrieSet and List.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["HashTrieMap", "HashTrieSet", "List"]


class HashTrieMap(Mapping):
    """An immutable mapping; insert/remove/discard/update return a new map."""

    __slots__ = ("_data",)

    def __init__(self, value=(), **kwds):
        data = dict(value.items() if isinstance(value, Mapping) else value)
        data.update(kwds)
        self._data = data

    def __class_getitem__(cls, _item):
        return cls

    @classmethod
    def convert(cls, value):
        return value if isinstance(value, cls) else cls(value)

    @classmethod
    def fromkeys(cls, keys, value=None):
        return cls((k, value) for k in keys)

    def __getitem__(self, key):
        return self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __hash__(self):
        return hash(frozenset(self._data.items()))

    def __eq__(self, other):
        if isinstance(other, Mapping):
            return self._data == dict(other.items())
        return NotImplemented

    def __repr__(self):
        return f"HashTrieMap({self._data!r})"

    def insert(self, key, value):
        data = dict(self._data)
        data[key] = value
        return self._new(data)

    def remove(self, key):
        data = dict(self._data)
        del data[key]  # KeyError, as rpds
        return self._new(data)

    def discard(self, key):
        if key not in self._data:
            return self
        return self.remove(key)

    def update(self, *maps, **kwds):
        data = dict(self._data)
        for other in maps:
            data.update(other.items() if isinstance(other, Mapping) else other)
        data.update(kwds)
        return self._new(data)

    @classmethod
    def _new(cls, data):
        new = cls.__new__(cls)
        new._data = data
        return new


class HashTrieSet:
    """An immutable set; insert/remove/discard/update return a new set."""

    __slots__ = ("_data",)

    def __init__(self, value=()):
        self._data = frozenset(value)

    def __class_getitem__(cls, _item):
        return cls

    def __contains__(self, item):
        return item in self._data

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __hash__(self):
        return hash(self._data)

    def __eq__(self, other):
        if isinstance(other, HashTrieSet):
            return self._data == other._data
        if isinstance(other, (set, frozenset)):
            return self._data == other
        return NotImplemented

    def __repr__(self):
        return f"HashTrieSet({set(self._data)!r})"

    def insert(self, value):
        return HashTrieSet(self._data | {value})

    def remove(self, value):
        if value not in self._data:
            raise KeyError(value)
        return HashTrieSet(self._data - {value})

    def discard(self, value):
        return HashTrieSet(self._data - {value})

    def update(self, *iterables: Iterable):
        data = set(self._data)
        for other in iterables:
            data.update(other)
        return HashTrieSet(data)

    def union(self, other):
        return self.update(other)


class List:
    """An immutable singly linked list (here: a tuple); push_front returns a new list."""

    __slots__ = ("_items",)

    def __init__(self, value=(), *more):
        self._items = tuple(value) + more if more else tuple(value)

    def __class_getitem__(cls, _item):
        return cls

    def __iter__(self):
        return iter(self._items)

    def __len__(self):
        return len(self._items)

    def __eq__(self, other):
        if isinstance(other, List):
            return self._items == other._items
        return NotImplemented

    def __hash__(self):
        return hash(self._items)

    def __repr__(self):
        return f"List({list(self._items)!r})"

    def __reversed__(self):
        return reversed(self._items)

    def push_front(self, value):
        return List((value, *self._items))

    @property
    def first(self):
        if not self._items:
            raise IndexError("empty list")
        return self._items[0]

    @property
    def rest(self):
        return List(self._items[1:])

    def drop_first(self):
        return self.rest
