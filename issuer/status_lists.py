"""Create and update Bitstring Status List credentials, and the status entries credentials carry.

Usage::

    entry = status_entry("https://roc.example/status/1", 94567)        # credential["credentialStatus"]
    unsigned = status_list_credential("https://roc.example/status/1", issuer=did, revoked=[94567])
    signed = sign(unsigned, signer)                                       # skillspas.issuer.sign
    updated = sign(set_status(signed, 12, True), signer)                  # re-sign after each change

Small library functions for tests, bundles and tools; the issuer service keeps its own bookkeeping.
Bit order and encoding are the verifier's (``skillspas.verifier.status``), so both sides agree.
Spec: Bitstring Status List v1.0, sections 2.1-2.2 (entry and list credential), 3.1 (bitstring).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from typing import Any

from skillspas.keys.verification_method import format_datetime
from skillspas.schemas.limits import Limits
from skillspas.verifier.status import MIN_STATUS_LIST_BITS, decode_bitstring, encode_bitstring, set_bit

__all__ = ["status_entry", "status_list_credential", "set_status"]

_VC_V2 = "https://www.w3.org/ns/credentials/v2"
_PURPOSES = ("revocation", "suspension")


def status_entry(list_url: str, index: int, *, purpose: str = "revocation") -> dict[str, Any]:
    """The ``BitstringStatusListEntry`` for position ``index`` of the list at ``list_url``."""
    if purpose not in _PURPOSES:
        raise ValueError(f"purpose must be one of {_PURPOSES}")
    if not isinstance(index, int) or index < 0:
        raise ValueError("index must be a non-negative integer")
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def status_list_credential(
    list_url: str,
    *,
    issuer: str,
    purpose: str = "revocation",
    length: int = MIN_STATUS_LIST_BITS,
    revoked: Iterable[int] = (),
    valid_from: dt.datetime | None = None,
    valid_until: dt.datetime | None = None,
) -> dict[str, Any]:
    """An unsigned ``BitstringStatusListCredential`` of ``length`` entries with ``revoked`` positions set."""
    if purpose not in _PURPOSES:
        raise ValueError(f"purpose must be one of {_PURPOSES}")
    if length < MIN_STATUS_LIST_BITS or length % 8:
        raise ValueError(f"length must be a multiple of 8 and at least {MIN_STATUS_LIST_BITS}")
    bits = bytearray(length // 8)
    for index in revoked:
        if not 0 <= index < length:
            raise ValueError(f"index {index} is outside the list")
        set_bit(bits, index)
    credential: dict[str, Any] = {
        "@context": [_VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from or dt.datetime.now(dt.timezone.utc)),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["credentialSubject"] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose,
        "encodedList": encode_bitstring(bytes(bits)),
    }
    return credential


def set_status(
    status_list: dict[str, Any], index: int, value: bool = True, *, now: dt.datetime | None = None
) -> dict[str, Any]:
    """A copy of a status list credential with one entry set or cleared, a new ``validFrom``, no proof."""
    updated = copy.deepcopy(status_list)
    updated.pop("proof", None)
    subject = updated["credentialSubject"]
    bits = bytearray(decode_bitstring(subject["encodedList"], max_bytes=Limits().max_status_list_bytes))
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"index {index} is outside the list")
    set_bit(bits, index, value)
    subject["encodedList"] = encode_bitstring(bytes(bits))
    updated["validFrom"] = format_datetime(now or dt.datetime.now(dt.timezone.utc))
    return updated
