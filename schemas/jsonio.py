"""Strict JSON parsing with bounds (DESIGN.md threat 1).

Python's ``json`` accepts duplicate keys, NaN/Infinity, huge integers and lone surrogates, and
raises ``RecursionError`` on deep nesting. A signature must not depend on which duplicate a parser
keeps, so all of those are ``malformed_json`` here; size and depth are ``too_large``/``too_deep``.
"""

from __future__ import annotations

import contextlib
import copy
import errno
import io
import json
import os
import pickle
import re
import stat
import sys
import threading
from collections.abc import Container, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Final

from skillspas.schemas.errors import NOT_A_REGULAR_FILE, NOT_FOLLOWED, ErrorCode, SkillspasError, file_error, localized_error
from skillspas.schemas.limits import Limits
from skillspas.schemas.scan import MAX_SAFE_INTEGER, Scan, scan

__all__ = ["parse_json", "parse_scanned", "open_input", "read_input", "read_back", "opened_back", "read_json_file", "regular_file", "check_bounds", "copy_json", "content_key",
           "pointer_token", "MAX_SAFE_INTEGER"]


def _too_deep(limit: int, path: str | None = None) -> SkillspasError:
    """``too_deep``: nested deeper than ``limit``, in English and Dutch."""
    return localized_error(ErrorCode.TOO_DEEP, en=f"nesting is deeper than {limit}",
                           nl=f"de gegevens zijn dieper genest dan {limit} lagen; dat wordt niet aangenomen",
                           path=path)


def _malformed(en: str, nl: str, path: str | None = None) -> SkillspasError:
    """``malformed_json``, in English and Dutch (what a person reads: the file or request body is damaged or not JSON)."""
    return localized_error(ErrorCode.MALFORMED_JSON, en=en, nl=f"de gegevens zijn geen geldige JSON: {nl}", path=path)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _malformed(f"duplicate key {dup!r} in a JSON object", f"de sleutel {dup!r} staat twee keer in een object")
    return obj


def _constant(name: str) -> Any:
    raise _malformed(f"{name} is not JSON", f"{name} bestaat niet in JSON")


_SAFE_DIGITS = len(str(MAX_SAFE_INTEGER))
# Nesting deeper than this is refused before json.loads: in the browser build (Pyodide) a 100,000-deep
# array overflows the JavaScript stack and kills the interpreter instead of raising RecursionError.
# CPython raised RecursionError at about this depth anyway, so both give the same too_deep result.
_PARSE_DEPTH: Final = 512
_BRACKETS_AND_STRINGS: Final = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
MAX_NUMBER_CHARS = 100
"""The longest number text read as a double: its shortest form needs at most 24 characters, an exact
decimal expansion more; anything longer only costs time (and ``int()`` refuses over 4,300 digits)."""


def _integer(text: str) -> int:
    """An integer within ±2^53, counted by digits before any conversion (``int()`` of thousands of
    digits raises ValueError, and is slow before that)."""
    if len(text) - text.startswith("-") > _SAFE_DIGITS or abs(value := int(text)) > MAX_SAFE_INTEGER:
        raise _malformed("integer outside ±2^53 cannot be read the same everywhere",
                         "een geheel getal buiten ±2^53 wordt niet overal hetzelfde gelezen")
    return value


def _float(text: str) -> float:
    """A finite double from at most ``MAX_NUMBER_CHARS`` characters."""
    if len(text) > MAX_NUMBER_CHARS:
        raise _malformed(f"a number of more than {MAX_NUMBER_CHARS} characters cannot be read the same everywhere",
                         f"een getal van meer dan {MAX_NUMBER_CHARS} tekens wordt niet overal hetzelfde gelezen")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _malformed(f"{text} is beyond the largest double", f"{text} is groter dan het grootste getal")
    return value


def parse_json(data: str | bytes | bytearray | dict[str, Any] | list[Any] | None, limits: Limits = Limits()) -> Any:
    """Parse ``data`` strictly within ``limits``; a parsed value (dict, list, None...) is checked as if it had been parsed."""
    return parse_scanned(data, limits)[0]


def parse_scanned(
    data: str | bytes | bytearray | dict[str, Any] | list[Any] | None, limits: Limits = Limits(), registry: Container[str] | None = None
) -> tuple[Any, Scan]:
    """``parse_json``, and what its walk found of the text and contexts (``scan.Scan``) for later checks."""
    if data is None or isinstance(data, (dict, list, bool, int, float)):  # already parsed (JSON null included)
        return data, _bounded(data, limits, registry)
    if isinstance(data, (bytes, bytearray)):
        if len(data) > limits.max_bytes:
            # No size: readers pass at most limit + 1 bytes ("one byte more tells too large"), not the input's length.
            raise localized_error(ErrorCode.TOO_LARGE, en=f"input is larger than {limits.max_bytes} bytes, the limit",
                                  nl=f"de gegevens zijn groter dan {limits.max_bytes} bytes, het meeste dat "
                                     "wordt aangenomen")
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _malformed(f"input is not UTF-8 (byte {exc.start})", f"de tekst is geen UTF-8 (byte {exc.start})") from None
    elif isinstance(data, str):
        text = data
        if len(text) > limits.max_bytes or len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
            raise localized_error(ErrorCode.TOO_LARGE, en=f"input is larger than the limit of {limits.max_bytes} bytes",
                                  nl=f"de invoer is groter dan de grens van {limits.max_bytes} bytes")
    else:
        raise TypeError("data must be JSON text (str, bytes) or a parsed JSON value")
    if text.startswith("\ufeff"):
        raise _malformed("a byte order mark is not allowed", "een byte order mark (BOM) aan het begin mag niet")
    if not text.strip(" \t\n\r"):  # JSON white space only, e.g. `skillspas sign … > signed.json` after signing failed
        raise _malformed("the input is empty", "het is leeg (er staat niets in)")
    _check_nesting(text, limits)
    try:
        value = json.loads(
            text, object_pairs_hook=_pairs, parse_constant=_constant, parse_int=_integer, parse_float=_float
        )
    except RecursionError:
        raise _too_deep(limits.max_depth) from None
    except json.JSONDecodeError as exc:
        raise _malformed(f"{exc.msg} at line {exc.lineno} column {exc.colno}",
                         f"fout op regel {exc.lineno}, kolom {exc.colno}") from None
    return value, _bounded(value, limits, registry)


def open_input(path: str | os.PathLike[str]) -> BinaryIO:
    """``open(path, "rb")``, without waiting for a writer: a named pipe that nobody writes to reads as empty
    (``open`` would wait for ever), one with a writer (``<(...)``, ``/dev/stdin``) is read as usual. The one
    way to open a file to read that someone else named; ``OSError`` as ``open`` raises it."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        os.set_blocking(descriptor, True)  # a pipe with a writer, or a terminal: read as usual
        return open(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_input(source: str | Path, limit: int) -> bytes:
    """The bytes of a file or ``-`` (stdin), at most ``limit`` + 1 (one more tells ``parse_json`` it is too
    large); ``file_error`` when it cannot be read."""
    try:
        if str(source) == "-":
            return sys.stdin.buffer.read(limit + 1)
        with open_input(source) as handle:
            return handle.read(limit + 1)
    except OSError as exc:
        raise file_error(exc, source, "read") from None


@contextlib.contextmanager
def opened_back(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A file skillspas wrote itself and reads back later (a batch's credential file, the links of its offers, a
    passport's credential, a cache file, an imported register), which anyone may have changed meanwhile, open for
    reading: a regular file only, never through a link (one put in its place may point out of the folder), never
    waiting on a pipe. ``OSError`` otherwise, naming ``path``: ``NOT_FOLLOWED`` for a link, ``NOT_A_REGULAR_FILE`` for
    a folder, pipe or device. The reader bounds what it reads (``read_back``)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW's answer to a link
            raise OSError(errno.ELOOP, NOT_FOLLOWED, str(path)) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError(errno.EINVAL, NOT_A_REGULAR_FILE, str(path))
        with open(descriptor, "rb", closefd=False) as handle:
            yield handle
    finally:
        os.close(descriptor)


def read_back(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a file read back (``opened_back``), at most ``limit``: a larger file is not read at all
    (``OSError`` ``EFBIG`` naming ``path``)."""
    with opened_back(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        data = handle.read(limit + 1) if size <= limit else b""
    if size > limit or len(data) > limit:  # (or grown since fstat)
        raise OSError(errno.EFBIG, os.strerror(errno.EFBIG), str(path))
    return data


def regular_file(path: str | Path) -> os.stat_result:
    """The ``stat`` of a file to read whole; ``file_error`` when it is missing or not a regular file (a folder, or
    a pipe: reading one would wait for a writer). For inputs that must be files (``issue --data``, ``batch --csv``)."""
    try:
        found = os.stat(path)
    except OSError as exc:  # missing, or a name longer than the system allows
        raise file_error(exc, path, "read") from None
    if not stat.S_ISREG(found.st_mode):
        raise file_error(OSError(errno.EINVAL, NOT_A_REGULAR_FILE), path, "read")
    return found


def read_json_file(path: str | Path, limits: Limits = Limits()) -> Any:
    """One JSON file (or ``-``, stdin) read strictly within ``limits``: ``read_input`` then ``parse_json``."""
    return parse_json(read_input(path, limits.max_bytes), limits)


def _check_nesting(text: str, limits: Limits) -> None:
    """Refuse text nested deeper than ``_PARSE_DEPTH`` without parsing it (``too_deep``)."""
    if text.count("[") + text.count("{") <= _PARSE_DEPTH:  # cannot be that deep: no scan
        return
    depth = 0
    for token in _BRACKETS_AND_STRINGS.finditer(text):
        char = token.group()
        if char == "[" or char == "{":
            depth += 1
            if depth > _PARSE_DEPTH:
                raise _too_deep(limits.max_depth)
        elif char == "]" or char == "}":
            depth -= 1


def check_bounds(value: Any, limits: Limits = Limits()) -> None:
    """Walk a parsed value: depth, string/array sizes, lone surrogates, non-finite numbers."""
    _bounded(value, limits, None)


def _bounded(value: Any, limits: Limits, registry: Container[str] | None) -> Scan:
    """The path-free ``scan`` first; the exact walk (which raises, naming the path) only if it is unsure."""
    found = scan(value, limits, registry)
    if not found.within_bounds:
        _check_bounds_with_paths(value, limits)
    return found


def _check_bounds_with_paths(value: Any, limits: Limits) -> None:
    """The exact walk: raises the first problem it meets, with its JSON path."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "")]
    max_depth, max_str, max_arr = limits.max_depth, limits.max_string_length, limits.max_array_length
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, dict):
            if depth > max_depth:
                raise _too_deep(max_depth, path or "/")
            for key, item in node.items():
                if not isinstance(key, str):
                    raise _malformed("object keys must be strings", "de sleutels van een object moeten tekst zijn", path or "/")
                _check_string(key, max_str, path)
                stack.append((item, depth + 1, f"{path}/{pointer_token(key)}"))
        elif isinstance(node, list):
            if depth > max_depth:
                raise _too_deep(max_depth, path or "/")
            if len(node) > max_arr:
                raise localized_error(ErrorCode.TOO_LARGE, en=f"array has {len(node)} items; the limit is {max_arr}",
                                      nl=f"een lijst heeft {len(node)} onderdelen; de grens is {max_arr}", path=path)
            for index, item in enumerate(node):
                stack.append((item, depth + 1, f"{path}/{index}"))
        elif isinstance(node, str):
            _check_string(node, max_str, path)
        elif isinstance(node, bool) or node is None:
            continue
        elif isinstance(node, int):
            if abs(node) > MAX_SAFE_INTEGER:
                raise _malformed("integer outside ±2^53", "een geheel getal buiten ±2^53", path)
        elif isinstance(node, float):
            if node != node or node in (float("inf"), float("-inf")):
                raise _malformed("NaN and Infinity are not JSON", "NaN en Infinity bestaan niet in JSON", path)
        else:
            raise TypeError(f"not a JSON value: {type(node).__name__}")


def _check_string(text: str, max_len: int, path: str) -> None:
    if len(text) > max_len:
        raise localized_error(ErrorCode.TOO_LARGE, en=f"a string is {len(text)} characters; the limit is {max_len}",
                              nl=f"een tekst is {len(text)} tekens lang; de grens is {max_len}", path=path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise _malformed("string contains a lone surrogate", "een tekst bevat een los surrogaatteken", path) from None


def pointer_token(key: str) -> str:
    """JSON Pointer escaping of one reference token (RFC 6901): ``~`` as ``~0``, ``/`` as ``~1``."""
    return key.replace("~", "~0").replace("/", "~1")


_IMMUTABLE = frozenset((str, int, float, bool, type(None)))


class _NotJson(Exception):
    """A value ``copy_json`` leaves to ``copy.deepcopy``."""


def copy_json(value: Any) -> Any:
    """``copy.deepcopy`` of a JSON value, ~3x faster (measured); anything that is not plain
    dict/list/str/int/float/bool/None (a subclass, a cycle...) is copied by ``copy.deepcopy``."""
    try:
        return _copy(value)
    except (_NotJson, RecursionError):
        return copy.deepcopy(value)


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {k: (v if type(v) in _IMMUTABLE else _copy(v)) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _IMMUTABLE else _copy(v) for v in value]
    if kind in _IMMUTABLE:
        return value
    raise _NotJson


class _ContentPickler(pickle.Pickler):
    """A pickler of JSON-like values only: ``fast`` (no memo, so shared and copied values write the same
    bytes; a cycle raises ``ValueError``), and anything but the built-in types that CPython's C pickler
    writes itself (dict, list, tuple, set, frozenset, str, bytes, int, float, bool, None) is refused. (A
    pure-Python pickler would call ``reducer_override`` for every value: no keys, so no memo answers.)"""

    def reducer_override(self, obj: Any) -> Any:
        """Reached only by a value that is not of those types (a subclass of one too)."""
        raise _NotJson


_PICKLERS = threading.local()
_KEPT_BUFFER: Final = 1 << 16
"""A thread keeps its pickler (and the buffer of its last key) only after a key of at most this many bytes:
a service's worker threads keep a few KB each, not the largest document they met (up to ``Limits.max_bytes``)."""


def content_key(value: Any) -> bytes | None:
    """Bytes equal only for equal JSON values (same types, values and key order); anything else (a
    subclass, a cycle, nesting deeper than Python recurses) gets no key: None.

    Why a pickler and not ``marshal``: ``marshal`` writes by content only in its format 0, which encodes
    every string anew (measured on an 8-skill diploma, in one run: 11.5-12.2 us a key, against 6.5-6.8 us
    here); its faster formats mark shared objects by their reference counts, so equal values could get
    unequal keys. A key is made about ten times per credential a batch signs. One pickler per thread,
    reused; a call that finds it in use (from inside another call) makes its own."""
    # Taken in one call (a signal handler cannot run between finding it and taking it), given back only
    # after a clean dump: a pickler an error left midway (its cycle check's state) is not used again.
    pair: tuple[io.BytesIO, _ContentPickler] | None = _PICKLERS.__dict__.pop("pair", None)
    if pair is None:  # the first call in this thread, or one inside another (a finalizer's): a pickler of its own
        buffer = io.BytesIO()
        pickler = _ContentPickler(buffer, 4)
        pickler.fast = True
        pair = buffer, pickler
    buffer, pickler = pair
    buffer.seek(0)
    buffer.truncate()
    try:
        pickler.dump(value)
    except (_NotJson, ValueError, RecursionError, pickle.PicklingError):
        return None
    key = buffer.getvalue()
    if len(key) <= _KEPT_BUFFER:
        _PICKLERS.pair = pair
    return key
