"""Strict JSON reading for key files and DID documents: UTF-8, no duplicate keys, no NaN."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["loads_strict"]


def _reject_constant(name: str) -> Any:
    """Refuse NaN and Infinity, which JSON does not allow."""
    raise ValueError(f"{name} is not JSON")


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build a JSON object, refusing duplicate keys."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError("duplicate key in JSON object")
        result[key] = value
    return result


def loads_strict(data: bytes) -> Any:
    """Parse UTF-8 JSON strictly; ValueError on any defect (never RecursionError)."""
    try:
        return json.loads(
            data.decode("utf-8"),
            object_pairs_hook=_unique_object,
            parse_constant=_reject_constant,
        )
    except RecursionError:
        raise ValueError("JSON nesting is too deep") from None
