"""Privacy at issuance: no national identification number in any credential, and hashed e-mail identities.

Usage::

    check_no_national_id(row)                      # forbidden_field for a BSN, onderwijsnummer, ...
    identity_objects("Anouk Testdata", email="anouk@example.org")   # OB 3.0 IdentityObjects

A BSN may only be used where a law allows it (AVG/Wet algemene bepalingen BSN); a credential that
a worker shows to employers must never carry one, not even hashed (domain notes section 8). The
check refuses fields *named* like a national id, and any value holding a 9-digit number that
passes the elfproef (BSN: weighted sum divisible by 11; onderwijsnummer: remainder 5), in a value (a
string or a JSON number, also with a fraction) or in a field name (an IRI), in the digits of any script.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import secrets
import threading
from collections.abc import Iterator
from typing import Any, Final

from skillspas.schemas.errors import ErrorCode, localized_error
from skillspas.schemas.jsonio import pointer_token

__all__ = ["check_no_national_id", "passes_elfproef", "identity_objects", "hash_identity", "remembering_passed_values"]

# Compared against a field name with case, spaces, "-" and "_" removed.
_FORBIDDEN_NAMES = (
    "burgerservicenummer", "burgerservicenr", "onderwijsnummer", "onderwijsnr", "sofinummer", "sofinr",
    "persoonsgebondennummer", "nationalidentitynumber", "nationalidentificationnumber", "nationalid",
    "citizenservicenumber", "socialsecuritynumber",
)
# Compared against the words of a field name (camelCase and snake_case split).
_FORBIDDEN_WORDS = {"bsn", "sofi", "pgn", "ssn"}
# A 9-digit number (optionally grouped 4-2-3 or 3-3-3) not inside a longer word or number. The leading
# boundary is checked after the first digit (a look-behind at every position is 5x slower, measured);
# tests/issuer/test_privacy.py proves it finds what the plain (?<![0-9A-Za-z]) form finds.
_NUMBER = re.compile(
    r"[0-9](?<![0-9A-Za-z][0-9])"
    r"(?:[0-9]{8}|[0-9]{3}[. -][0-9]{2}[. -][0-9]{3}|[0-9]{2}[. -][0-9]{3}[. -][0-9]{3})(?![0-9A-Za-z])"
)
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")
_OTHER_DIGIT = re.compile(r"[^\D0-9]")  # a decimal digit of another script: a BSN in fullwidth digits is a BSN


def _ascii_digits(text: str) -> str:
    """``text`` with the decimal digits of other scripts written as ASCII digits (the same length)."""
    return text if text.isascii() else _OTHER_DIGIT.sub(lambda digit: str(int(digit.group())), text)


def _holds_number(text: str) -> bool:
    """Whether ``text`` holds a 9-digit number that passes the elfproef (in any script's digits)."""
    return any(passes_elfproef(re.sub(r"[. -]", "", match.group())) for match in _NUMBER.finditer(_ascii_digits(text)))


def passes_elfproef(digits: str) -> bool:
    """True for 9 digits whose weighted sum (9..2, -1) is 0 (BSN) or 5 (onderwijsnummer) modulo 11."""
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1)))
    return total % 11 in (0, 5)


@functools.lru_cache(maxsize=4096)  # field names repeat across rows (measured: a third of a batch row's build)
def _forbidden_name(key: str) -> bool:
    squashed = re.sub(r"[\s_\-]", "", key).casefold()
    if any(name in squashed for name in _FORBIDDEN_NAMES):
        return True
    return any(word.casefold() in _FORBIDDEN_WORDS for word in _WORD.findall(key))


def _refuse_name(key: str, path: str) -> Exception:
    return localized_error(
        ErrorCode.FORBIDDEN_FIELD,
        nl=f"Het veld '{key}' mag niet in een bewijsstuk: een BSN, onderwijsnummer of ander nationaal "
        "identificatienummer wordt nooit uitgegeven. Verwijder het veld.",
        en=f"The field '{key}' may not be in a credential: a BSN, onderwijsnummer or other national "
        "identification number is never issued. Remove the field.",
        path=path,
    )


def _refuse_value(key: str, path: str) -> Exception:
    return localized_error(
        ErrorCode.FORBIDDEN_FIELD,
        nl=f"Het veld '{key}' bevat een nummer van 9 cijfers dat de elfproef doorstaat, dus mogelijk een BSN "
        "of onderwijsnummer; dat wordt nooit uitgegeven. Haal het nummer weg.",
        en=f"The field '{key}' holds a 9-digit number that passes the elfproef, so possibly a BSN or "
        "onderwijsnummer; that is never issued. Remove the number.",
        path=path,
    )


def check_no_national_id(value: Any, path: str = "") -> None:
    """Raise ``forbidden_field`` if ``value`` names or holds a national identification number anywhere."""
    if not _suspect(value):
        return
    _check_with_paths(value, path)


_PASSED_TEXTS: set[str] = set()
_PASSED_NAMES: set[str] = set()
"""Strings ``_suspect`` has seen pass, as a value (no 9-digit number, no ``nationalIdentityNumber``) and as a
field name (``_forbidden_name`` false, and no 9-digit number either). Exact: a string's verdict does not depend on the strings around
it (a match cannot span the newline that joins them, and a newline is no letter or digit for the pattern's
boundaries), so a string seen to pass passes again. Most strings of a batch row (contexts, types, the
kwalificatie's skills and names) are the same in every row (measured: a diploma's check 41 -> 12 us).
Values are kept only inside ``remembering_passed_values`` (a batch's rows): they include learners' names
and e-mail addresses, which must not stay in a process's memory after the batch."""
_PASSED_MAX: Final = 50_000
"""Forget the passed strings beyond this many (a batch's learner names and ids are all different)."""
_REMEMBERING = [0]
"""How many ``remembering_passed_values`` blocks are open (threads of one process share the memo)."""
_COUNTING = threading.Lock()


@contextlib.contextmanager
def remembering_passed_values() -> Iterator[None]:
    """Remember the values seen to pass while inside (many rows, most of their strings the same); forget
    them all when the last such block ends."""
    with _COUNTING:
        _REMEMBERING[0] += 1
    try:
        yield
    finally:
        with _COUNTING:  # a lost update would keep learners' names for good
            _REMEMBERING[0] -= 1
            if not _REMEMBERING[0]:
                _PASSED_TEXTS.clear()


def _suspect(value: Any) -> bool:
    """False when ``value`` certainly passes: no field name is suspect and no 9-digit number occurs
    in its text. One regex search over the strings not seen to pass before, joined by newlines (no
    match can span a newline; no JSON paths built): measured ~4x faster than the exact walk, which decides the rest."""
    passed, names = _PASSED_TEXTS, _PASSED_NAMES
    texts: list[str] = []
    new_names: list[str] = []  # remembered once the value passed (a name may hold a 9-digit number)
    stack: list[Any] = [[value]]  # containers only: a string is looked at where it is met, never pushed
    pop, push, add = stack.pop, stack.append, texts.append
    while stack:
        node = pop()
        if type(node) is dict:
            if not names.issuperset(node):
                for name in node:
                    if type(name) is not str or _forbidden_name(name):
                        return True
                    if name not in names:
                        new_names.append(name)
                        add(name)
            node = node.values()
        for item in node:
            kind = type(item)
            if kind is str:
                if item not in passed:
                    add(item)
            elif kind is dict or kind is list:
                push(item)
            elif kind is int or kind is float:
                add(str(item))
            elif not (kind is bool or item is None):
                return True
    if not texts:
        return False
    joined = _ascii_digits("\n".join(texts))  # digits of other scripts as ASCII (a newline is left as it is)
    if "nationalIdentityNumber" in joined or _NUMBER.search(joined) is not None:
        return True
    if new_names:
        if len(names) > _PASSED_MAX:
            names.clear()
        names.update(new_names)
    if _REMEMBERING[0]:
        if len(passed) > _PASSED_MAX:
            passed.clear()
        passed.update(texts)
    return False


def _check_with_paths(value: Any, path: str) -> None:
    """The exact walk: raises for the first national id it meets, naming its field and path."""
    stack: list[tuple[Any, str, str]] = [(value, path, "")]
    while stack:
        node, here, key = stack.pop()
        if isinstance(node, dict):
            for name, item in node.items():
                child = f"{here}/{pointer_token(str(name))}"
                if isinstance(name, str) and (_forbidden_name(name) or _holds_number(name)):
                    raise _refuse_name(name, child)
                if name == "identityType" and item == "nationalIdentityNumber":
                    raise _refuse_name(item, child)
                stack.append((item, child, str(name)))
        elif isinstance(node, list):
            stack.extend((item, f"{here}/{i}", key) for i, item in enumerate(node))
        elif isinstance(node, (str, int, float)) and not isinstance(node, bool) and _holds_number(str(node)):
            raise _refuse_value(key or "?", here or "/")


def hash_identity(value: str, salt: str) -> str:
    """OB 3.0 IdentityHash: ``sha256$`` + hex SHA-256 of the UTF-8 value with the salt appended."""
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


def identity_objects(name: str, *, email: str | None = None, salt: str | None = None) -> list[dict[str, Any]]:
    """The learner's OB 3.0 identifiers: the name in clear, and the e-mail address only hashed and salted."""
    objects: list[dict[str, Any]] = [
        {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": name}
    ]
    if email:
        salt = salt or secrets.token_hex(16)
        objects.append({
            "type": "IdentityObject",
            "identityType": "emailAddress",
            "hashed": True,
            "identityHash": hash_identity(email.strip().lower(), salt),
            "salt": salt,
        })
    return objects
