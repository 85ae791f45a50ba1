"""What a person reads must be what was signed (DESIGN.md threat 4).

C0 control characters other than TAB/LF/CR, DEL, and the Unicode bidi override/isolate/embedding
marks can make a displayed string differ from its signed bytes (or hash differently in other
N-Quads serializers, see rdf-canon test060c). They are refused in every string: ``schema_invalid``.
"""

from __future__ import annotations

import re
from typing import Any

from skillspas.schemas.errors import ErrorCode, error_for

__all__ = ["check_text"]

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def check_text(value: Any, path: str = "") -> None:
    """Refuse control and bidi-override characters in every key and string of ``value``."""
    if not _has_forbidden(value):
        return
    _check_text_with_paths(value, path)


def _has_forbidden(value: Any) -> bool:
    """One regex search over every key and string joined (no JSON paths built): the common
    all-clean case costs a third of the path-building walk (measured). Joining cannot create a
    forbidden character, so "none in the join" is "none anywhere"; anything unusual (a non-string
    key, a subclass) answers True and the exact walk decides."""
    texts: list[Any] = []
    stack = [value]
    pop, push, add, extend, more = stack.pop, stack.append, texts.append, texts.extend, stack.extend
    while stack:
        node = pop()
        kind = type(node)
        if kind is str:
            add(node)
        elif kind is dict:
            extend(node)  # the keys
            more(node.values())
        elif kind is list:
            more(node)
        elif isinstance(node, (str, dict, list)):
            return True
    try:
        joined = "".join(texts)
    except TypeError:  # a non-string key
        return True
    # every forbidden character is unprintable (C0, DEL, and the bidi marks are category Cf), so
    # printable text needs no regex; isprintable() is twice as fast as the search (measured)
    return not joined.isprintable() and _FORBIDDEN.search(joined) is not None


def _check_text_with_paths(value: Any, path: str) -> None:
    """The exact walk: raises for the first forbidden character it meets, naming its path."""
    stack = [(value, path)]
    while stack:
        node, here = stack.pop()
        if isinstance(node, str):
            _check(node, here)
        elif isinstance(node, dict):
            for key, item in node.items():
                child = f"{here}/{key.replace('~', '~0').replace('/', '~1')}"
                _check(key, child)
                stack.append((item, child))
        elif isinstance(node, list):
            stack.extend((item, f"{here}/{i}") for i, item in enumerate(node))


def _check(text: str, path: str) -> None:
    match = _FORBIDDEN.search(text)
    if match:
        raise error_for(
            ErrorCode.SCHEMA_INVALID,
            f"string contains the control or bidi character U+{ord(match.group()):04X}",
            path or "/",
        )
