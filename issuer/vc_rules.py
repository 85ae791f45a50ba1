"""VC Data Model 2.0 rules the issuer enforces beyond the verifier's shape check (``relatedResource``).

Usage::

    check_related_resources(credential, registry)    # raises schema_invalid with a JSON pointer

VC 2.0 §5.3 "Integrity of Related Resources": each ``relatedResource`` entry is an object with an
``id`` URL (ids unique) and a ``digestSRI`` or ``digestMultibase``. When the resource is a context
the product bundles, the digest must match the bundled bytes: the issuer never signs a claim about
a context that a verifier would find to be false.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any, Final


from skillspas.keys import base58btc
from skillspas.schemas.contexts import ContextRegistry
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for
from skillspas.verifier.checks import is_url

__all__ = ["check_related_resources"]

_SRI: Final = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
_MULTIHASH: Final = {0x12: "sha256", 0x20: "sha384", 0x13: "sha512"}


def _invalid(message: str, path: str) -> SkillspasError:
    return error_for(ErrorCode.SCHEMA_INVALID, message, path)


def _sri_matches(value: Any, raw: bytes, path: str) -> bool:
    """Whether any hash in an SRI string (``sha384-…``, space separated) matches ``raw``."""
    if not isinstance(value, str) or not value.strip():
        raise _invalid("digestSRI must be a string like sha384-<base64>", path)
    for token in value.split():
        algorithm, _, digest = token.partition("-")
        if algorithm not in _SRI or not digest:
            raise _invalid(f"digestSRI {token!r} is not sha256/sha384/sha512-<base64>", path)
        if base64.b64encode(hashlib.new(_SRI[algorithm], raw).digest()).decode("ascii") == digest:
            return True
    return False


def _multibase_matches(value: Any, raw: bytes, path: str) -> bool:
    """Whether a multibase multihash (``u`` base64url or ``z`` base58btc) matches ``raw``."""
    if not isinstance(value, str) or not 4 <= len(value) <= 100 or value[0] not in "uz":  # sha2-512: 89
        raise _invalid("digestMultibase must be a multibase (u… or z…) multihash", path)
    try:
        data = (base64.urlsafe_b64decode(value[1:] + "=" * (-len(value[1:]) % 4)) if value[0] == "u"
                else base58btc.decode(value[1:]))
    except (binascii.Error, ValueError):
        raise _invalid("digestMultibase does not decode", path) from None
    if len(data) < 2 or data[0] not in _MULTIHASH or data[1] != len(data) - 2:
        raise _invalid("digestMultibase is not a sha2-256/384/512 multihash", path)
    return hashlib.new(_MULTIHASH[data[0]], raw).digest() == data[2:]


def check_related_resources(credential: dict[str, Any], registry: ContextRegistry) -> None:
    """Raise ``schema_invalid`` for a malformed, duplicated or (for bundled contexts) wrong digest entry."""
    value = credential.get("relatedResource")
    if value is None:
        return
    entries = value if isinstance(value, list) else [value]
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        path = f"/relatedResource/{index}" if isinstance(value, list) else "/relatedResource"
        if not isinstance(entry, dict):
            raise _invalid("each relatedResource must be an object", path)
        resource = entry.get("id")
        if not is_url(resource):
            raise _invalid("a relatedResource needs an id that is a URL", f"{path}/id")
        if resource in seen:
            raise _invalid(f"relatedResource {resource!r} is listed twice", f"{path}/id")
        seen.add(resource)
        if "digestSRI" not in entry and "digestMultibase" not in entry:
            raise _invalid("a relatedResource needs digestSRI or digestMultibase", path)
        if resource not in registry:
            continue  # not bundled: a verifier that fetches it checks the digest
        raw = registry.get(resource).raw
        for key, matches in (("digestSRI", _sri_matches), ("digestMultibase", _multibase_matches)):
            if key in entry and not matches(entry[key], raw, f"{path}/{key}"):
                raise _invalid(f"the {key} of {resource} does not match the bundled context", f"{path}/{key}")
