"""Strict JSON reading for key files and DID documents: the one strict reader (``schemas.jsonio``),
with its errors as ValueError for the callers here, which give them their own codes."""

from __future__ import annotations

from typing import Any

from skillspas.schemas.errors import SkillspasError
from skillspas.schemas.jsonio import parse_json
from skillspas.schemas.limits import Limits

__all__ = ["loads_strict"]


def loads_strict(data: bytes) -> Any:
    """Parse UTF-8 JSON strictly (duplicate keys, NaN, huge numbers, lone surrogates, depth);
    ValueError on any defect. The callers bound the size before reading."""
    try:
        return parse_json(data, Limits(max_bytes=max(len(data), Limits.max_bytes)))
    except SkillspasError as exc:
        raise ValueError(exc.message) from None
