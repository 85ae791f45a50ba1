"""Credential status (DESIGN.md threat 10): Bitstring Status List, from local data only.

Usage::

    source = BitstringStatusSource(bundle.status_lists, verify_list, freshness=dt.timedelta(days=7))
    warnings = source.check(credential, now)      # or raises revoked / suspended / status_unavailable
    bits = decode_bitstring(encoded_list, max_bytes=limits.max_status_list_bytes)   # or list_bits(status_list, limits)
    revoked = bit_at(bits, 94567)                 # index 0 is the left-most (most significant) bit
    status_list, bits = checked_list(document, url, issuer, verifier.verified_status_list, limits)  # as check() takes one

Spec: W3C Bitstring Status List v1.0, section 3.2 "Validate Algorithm" and 3.3-3.4 (bitstring
generation and expansion: multibase base64url of a GZIP stream; at least 131,072 entries so a
look-up reveals nothing about one person). The list credential must be issued by the credential's
issuer and carry a valid proof, checked by the same pipeline (``verify_list``). A missing or broken
list fails closed (``status_unavailable``); a list older than ``freshness`` (or its ``ttl``) is a
warning, so a person sees that revocations since then are unknown.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import gzip
import re
import zlib
from collections.abc import Callable, Mapping
from typing import Any, Final, Protocol, runtime_checkable

from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error
from skillspas.schemas.limits import Limits
from skillspas.verifier.result import Problem

__all__ = [
    "StatusSource",
    "NoStatusSource",
    "BitstringStatusSource",
    "ListVerifier",
    "MIN_STATUS_LIST_BITS",
    "DEFAULT_FRESHNESS",
    "encode_bitstring",
    "decode_bitstring",
    "status_list_urls",
    "list_bits",
    "checked_list",
    "bit_at",
    "set_bit",
]

MIN_STATUS_LIST_BITS: Final = 131_072
DEFAULT_FRESHNESS: Final = dt.timedelta(days=7)
_CLOCK_SKEW: Final = dt.timedelta(minutes=5)
_PURPOSES: Final = {"revocation": ErrorCode.REVOKED, "suspension": ErrorCode.SUSPENDED}
_SET_NL: Final = {"revocation": "de uitgever heeft dit bewijsstuk ingetrokken: het telt niet meer",
                  "suspension": "de uitgever heeft dit bewijsstuk geschorst: het telt nu niet; vraag de uitgever waarom"}
_INDEX: Final = re.compile(r"[0-9]{1,15}")
_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]*")
_MAX_ENTRIES: Final = 16

ListVerifier = Callable[[dict[str, Any], str], dict[str, Any]]
"""Verifies a status list credential as issued by the given DID (steps 1-6); returns it or raises."""


@runtime_checkable
class StatusSource(Protocol):
    """Looks up a credential's status entries from local data only."""

    def check(self, credential: dict[str, Any], now: dt.datetime) -> list[Problem]:
        """Return warnings; raise ``revoked``/``suspended``/``status_unavailable``."""
        ...


class NoStatusSource:
    """No status lists at hand: a credential with ``credentialStatus`` cannot be checked."""

    def check(self, credential: dict[str, Any], now: dt.datetime) -> list[Problem]:
        """Fail closed when the credential has a status entry; nothing to say otherwise."""
        if "credentialStatus" in credential:
            raise _unavailable(
                "the credential has a status entry and no status list is available; use a bundle",
                "of het bewijsstuk is ingetrokken staat in een statuslijst, en die is er niet: "
                "controleer met een controlebundel (--bundle)",
            )
        return []


def _unavailable(en: str, nl: str, path: str = "/credentialStatus") -> SkillspasError:
    """Build the fail-closed ``status_unavailable`` error (English and Dutch)."""
    return localized_error(ErrorCode.STATUS_UNAVAILABLE, en=en, nl=nl, path=path)


def _unreadable(en: str, nl: str) -> SkillspasError:
    """``status_unavailable`` for a status list whose ``encodedList`` cannot be read."""
    return _unavailable(en, f"de statuslijst is onleesbaar ({nl})")


def encode_bitstring(bits: bytes) -> str:
    """GZIP ``bits`` and encode them as a multibase base64url ``encodedList`` ("u...")."""
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_bitstring(encoded: object, *, max_bytes: int) -> bytes:
    """Decode an ``encodedList``: multibase base64url, then a GZIP inflate bounded by ``max_bytes``."""
    if not isinstance(encoded, str) or not encoded.startswith("u") or not _BASE64URL.fullmatch(encoded[1:]):
        raise _unreadable("encodedList is not multibase base64url ('u' prefix)", "encodedList is geen multibase base64url")
    try:
        compressed = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    except (binascii.Error, ValueError):
        raise _unreadable("encodedList is not valid base64url", "encodedList is geen geldige base64url") from None
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP framing only
    try:
        bits = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error:
        raise _unreadable("encodedList is not a GZIP stream", "encodedList is geen GZIP-gegevens") from None
    if len(bits) > max_bytes or inflater.unconsumed_tail:  # a bomb: the verifier's status check says status_unavailable
        raise localized_error(ErrorCode.RESOURCE_LIMIT, en=f"the status list inflates beyond {max_bytes} bytes; refused",
                              nl=f"de statuslijst wordt uitgepakt groter dan {max_bytes} bytes; geweigerd",
                              path="/credentialSubject/encodedList")
    if not inflater.eof or inflater.unused_data:
        raise _unreadable("encodedList is a truncated GZIP stream or has data after it",
                          "encodedList is afgebroken of heeft gegevens erachter")
    return bits


def list_bits(status_list: dict[str, Any], limits: Limits) -> bytes:
    """The bits of a (verified) status list credential: its ``BitstringStatusList`` subject's ``encodedList``, inflated
    within ``limits`` (past them ``resource_limit``), at least ``MIN_STATUS_LIST_BITS`` long; ``status_unavailable``
    otherwise. The verifier reads each list so, and ``bundle create`` refuses one that it could not read."""
    url = status_list.get("id")
    subject = status_list.get("credentialSubject")
    if not isinstance(subject, dict) or "BitstringStatusList" not in _types(subject):
        raise _unavailable(f"the status list {url} has no BitstringStatusList subject",
                           f"de statuslijst {url} bevat geen lijst (BitstringStatusList)")
    bits = decode_bitstring(subject.get("encodedList"), max_bytes=limits.max_status_list_bytes)
    if len(bits) * 8 < MIN_STATUS_LIST_BITS:
        raise _unavailable(f"the status list {url} has fewer than {MIN_STATUS_LIST_BITS} entries",
                           f"de statuslijst {url} heeft minder dan {MIN_STATUS_LIST_BITS} plaatsen")
    return bits


def checked_list(
    document: dict[str, Any], url: str, issuer: str, verify_list: ListVerifier, limits: Limits
) -> tuple[dict[str, Any], bytes]:
    """A status list credential as the verifier takes one, and its bits: verified as issued by ``issuer``
    (``verify_list``: steps 1-6), a ``BitstringStatusListCredential`` with the id ``url``, its bits readable within
    ``limits`` (``list_bits``); else ``status_unavailable`` saying why (``resource_limit`` for a bomb).
    ``BitstringStatusSource`` checks every list it reads so, and ``Bundle.merged`` every list it takes."""
    try:
        status_list = verify_list(document, issuer)
    except SkillspasError as exc:
        raise _unavailable(f"the status list {url} does not verify [{exc.code.value}]: {exc.message}",
                           f"de statuslijst {url} is niet echt of niet geldig [{exc.code.value}]: {exc.text('nl')}"
                           ) from None
    if "BitstringStatusListCredential" not in _types(status_list) or status_list.get("id") != url:
        raise _unavailable(f"{url} is not a BitstringStatusListCredential with that id",
                           f"{url} is geen statuslijst (BitstringStatusListCredential) met die id")
    return status_list, list_bits(status_list, limits)


def bit_at(bits: bytes, index: int) -> bool:
    """The status bit at ``index``: most significant bit first (index 0 = left-most bit)."""
    return bool(bits[index // 8] >> (7 - index % 8) & 1)


def set_bit(bits: bytearray, index: int, value: bool = True) -> None:
    """Set or clear the status bit at ``index`` (MSB first), in place."""
    mask = 1 << (7 - index % 8)
    bits[index // 8] = bits[index // 8] | mask if value else bits[index // 8] & ~mask


def _moment(value: object) -> dt.datetime | None:
    """A dateTimeStamp as an aware datetime, or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _entries(credential: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """The credential's status entries with their JSON pointers."""
    value = credential["credentialStatus"]
    if isinstance(value, dict):
        return [(value, "/credentialStatus")]
    if isinstance(value, list) and 0 < len(value) <= _MAX_ENTRIES and all(isinstance(v, dict) for v in value):
        return [(v, f"/credentialStatus/{i}") for i, v in enumerate(value)]
    raise _unavailable(f"credentialStatus must be an object or a list of at most {_MAX_ENTRIES} objects",
                       f"credentialStatus moet een object zijn of een lijst van hoogstens {_MAX_ENTRIES} objecten")


def status_list_urls(credential: dict[str, Any]) -> set[str]:
    """The ``statusListCredential`` URLs that a credential's ``credentialStatus`` entries name. The credential is
    not verified here, so these are only hints: a claim takes no other list from an issuer's ``/bundle``. A credential
    without usable entries names none."""
    if "credentialStatus" not in credential:
        return set()
    try:
        entries = _entries(credential)
    except SkillspasError:
        return set()
    return {url for entry, _ in entries if isinstance(url := entry.get("statusListCredential"), str)}


def _types(node: dict[str, Any]) -> list[str]:
    """``type`` as a list."""
    value = node.get("type")
    return [value] if isinstance(value, str) else [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


class BitstringStatusSource:
    """Checks ``BitstringStatusListEntry`` entries against status list credentials held locally (a bundle)."""

    def __init__(
        self,
        lists: Mapping[str, dict[str, Any]],
        verify_list: ListVerifier,
        *,
        freshness: dt.timedelta = DEFAULT_FRESHNESS,
        limits: Limits = Limits(),
    ) -> None:
        """``lists`` maps a status list URL to its credential; ``verify_list`` checks a list's proof and issuer."""
        if freshness <= dt.timedelta(0):
            raise ValueError("freshness must be positive")
        self._lists = dict(lists)
        self._verify_list = verify_list
        self.freshness = freshness
        self._limits = limits
        self._checked: dict[tuple[str, str], tuple[dict[str, Any], bytes] | SkillspasError] = {}

    def check(self, credential: dict[str, Any], now: dt.datetime) -> list[Problem]:
        """Check every status entry; return staleness warnings or raise the status error."""
        if "credentialStatus" not in credential:
            return []
        issuer = credential.get("issuer")
        issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
        warnings: list[Problem] = []
        for entry, path in _entries(credential):
            warning = self._check_entry(entry, path, issuer if isinstance(issuer, str) else "", now)
            if warning is not None and warning not in warnings:
                warnings.append(warning)
        return warnings

    def _check_entry(self, entry: dict[str, Any], path: str, issuer: str, now: dt.datetime) -> Problem | None:
        """(10) one entry: a known purpose, an index inside a verified list of the same issuer; the bit."""
        if "BitstringStatusListEntry" not in _types(entry):
            raise _unavailable(f"status type {entry.get('type')!r} is not supported",
                               f"het soort status {entry.get('type')!r} wordt niet ondersteund", path)
        purpose = entry.get("statusPurpose")
        if not isinstance(purpose, str) or purpose not in _PURPOSES:  # a list or object: unhashable, and unread
            raise _unavailable(f"status purpose {purpose!r} is not supported",
                               f"het statusdoel {purpose!r} wordt niet ondersteund", f"{path}/statusPurpose")
        if entry.get("statusSize", 1) != 1:
            raise _unavailable("only one-bit statuses (statusSize 1) are supported",
                               "alleen statussen van één bit (statusSize 1) worden ondersteund", f"{path}/statusSize")
        index = entry.get("statusListIndex")
        if not isinstance(index, str) or not _INDEX.fullmatch(index):
            raise _unavailable("statusListIndex must be a non-negative integer in a string",
                               "statusListIndex moet een geheel getal (0 of meer) in een tekst zijn", f"{path}/statusListIndex")
        url = entry.get("statusListCredential")
        if not isinstance(url, str):
            raise _unavailable("statusListCredential must be a URL", "statusListCredential moet een URL zijn",
                               f"{path}/statusListCredential")
        status_list, bits = self._list(url, issuer, purpose, path)
        position = int(index)
        if position >= len(bits) * 8:
            raise _unavailable(f"statusListIndex {position} is outside the list of {len(bits) * 8} entries",
                               f"statusListIndex {position} valt buiten de lijst van {len(bits) * 8} plaatsen",
                               f"{path}/statusListIndex")
        if bit_at(bits, position):
            code = _PURPOSES[purpose]
            raise localized_error(code, en=f"the issuer has set the {purpose} status of this credential",
                                  nl=_SET_NL[purpose], path=path)
        return self._staleness(status_list, url, path, now)

    def _list(self, url: str, issuer: str, purpose: str, path: str) -> tuple[dict[str, Any], bytes]:
        """The verified list credential at ``url`` and its bits (cached per list and issuer)."""
        key = (url, issuer)
        if key not in self._checked:
            try:
                self._checked[key] = self._load(url, issuer)
            except SkillspasError as exc:
                self._checked[key] = exc
        found = self._checked[key]
        if isinstance(found, SkillspasError):
            raise _unavailable(found.message, found.text("nl"), path) from None
        status_list, bits = found
        listed = status_list["credentialSubject"].get("statusPurpose")
        if purpose != listed and not (isinstance(listed, list) and purpose in listed):
            raise _unavailable(f"the status list {url} is not a {purpose} list",
                               f"de statuslijst {url} is geen lijst voor {purpose}", f"{path}/statusPurpose")
        return status_list, bits

    def _load(self, url: str, issuer: str) -> tuple[dict[str, Any], bytes]:
        """Find, verify and decode one status list credential."""
        document = self._lists.get(url)
        if document is None:
            raise _unavailable(f"the status list {url} is not in the bundle",
                               f"de statuslijst {url} zit niet in de controlebundel: gebruik een recente bundel")
        return checked_list(document, url, issuer, self._verify_list, self._limits)

    def _staleness(self, status_list: dict[str, Any], url: str, path: str, now: dt.datetime) -> Problem | None:
        """A warning when the list is older than the freshness limit or its ttl, or past its validUntil."""
        proof = status_list.get("proof")
        proof = proof[0] if isinstance(proof, list) and proof else proof
        issued = _moment(status_list.get("validFrom")) or _moment(proof.get("created") if isinstance(proof, dict) else None)
        until = _moment(status_list.get("validUntil"))
        ttl = status_list["credentialSubject"].get("ttl")
        limit = self.freshness
        if isinstance(ttl, int) and not isinstance(ttl, bool) and ttl > 0:
            limit = min(limit, dt.timedelta(milliseconds=ttl))
        if issued is None:
            reason = ("has no date, so its freshness is unknown", "heeft geen datum, dus hoe recent hij is, is onbekend")
        elif issued > now + _CLOCK_SKEW:
            dated = status_list.get("validFrom")
            reason = (f"is dated in the future ({dated})", f"is gedateerd in de toekomst ({dated})")
        elif until is not None and until < now:
            ended = status_list.get("validUntil")
            reason = (f"expired at {ended}", f"is verlopen op {ended}")
        elif now - issued > limit:
            reason = (f"is {_age(now - issued)} old (limit {_age(limit)})",
                      f"is {_age(now - issued, 'nl')} oud (grens {_age(limit, 'nl')})")
        else:
            return None
        return Problem(
            ErrorCode.STATUS_UNAVAILABLE,
            f"the status list {url} {reason[0]}; revocations since then are not known",
            path,
            f"de statuslijst {url} {reason[1]}; of het bewijsstuk sindsdien is ingetrokken, is niet bekend: "
            "gebruik een recente controlebundel",
        )


def _age(delta: dt.timedelta, lang: str = "en") -> str:
    """A duration for a person: days, else hours (in ``lang``: "nl" writes "2,5 dagen")."""
    days = delta >= dt.timedelta(days=1)
    amount = f"{delta.total_seconds() / (86400 if days else 3600):.1f}"
    if lang == "nl":
        return f"{amount.replace('.', ',')} {'dagen' if days else 'uur'}"
    return f"{amount} {'days' if days else 'hours'}"
