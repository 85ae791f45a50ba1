"""The fast path's compiled contexts, stored in the cache folder so a later process needs no pyld.

Why: pyld processes the same bundled contexts afresh in every process, and importing it costs more
than the rest of a ``skillspas verify`` (issue 18). What ``fastcontext`` derived with pyld (each
context's term definitions, and which context follows which) is plain data: it is written here as JSON
and read back without pyld. pyld stays the reference: a transition the file lacks raises
``NotInSnapshot``, and ``FastPath`` rebuilds the space with pyld by replaying the file's transitions
(so nothing learnt is lost), then writes the larger file.

The file: ``fastcontext-<key>.json`` in the cache folder, ``key`` the SHA-256 of this format's version,
the pinned pyld version, the sentinel and every context document of the set (URL and SHA-256). It is
written atomically (temporary file, then rename). A missing, unreadable, corrupt, oversized or
mismatching file is ignored (and replaced by the next rebuild): it can cost speed, never a crash.
JSON, not pickle: reading a file from a writable folder must not run code. The folder is trusted as
the vocabulary index in it is (whoever can write it can change what terms mean to this verifier).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable

from skillspas.schemas.cachedir import cache_folder
from skillspas.schemas.files import write_atomic
from skillspas.schemas.jsonio import read_back
from skillspas.schemas.jsonld.fastcontext import CompiledContext, ContextSpace
from skillspas.schemas.jsonld.pyld_facts import PYLD_VERSION

__all__ = ["snapshot_file", "snapshot", "restore", "replay", "read", "write"]

FORMAT = "skillspas-fastcontext-1"
MAX_BYTES = 8 * 1024 * 1024
"""A larger file is not read (a space holds at most ``max_contexts`` contexts; real ones are ~50 kB)."""
MAX_CONTEXTS = 512
"""A space with more contexts is not written (the next process starts from what it needs)."""


def snapshot_file(contexts: Iterable[tuple[str, str]], sentinel: dict[str, Any]) -> Path | None:
    """Where the snapshot of this context set (URL, SHA-256 pairs) lives; None if there is no cache folder."""
    digest = hashlib.sha256(json.dumps([FORMAT, PYLD_VERSION, sentinel, sorted(contexts)]).encode()).hexdigest()
    try:
        return cache_folder() / f"fastcontext-{digest[:32]}.json"
    except Exception:  # no per-user cache here (e.g. the browser build): work without one
        return None


def read(path: Path) -> dict[str, Any] | None:
    """The stored snapshot at ``path``, or None (missing, unreadable, too large, not this format)."""
    try:
        found = json.loads(read_back(path, MAX_BYTES))  # a pipe in its place is not waited for
    except (OSError, ValueError, RecursionError):
        return None
    return found if isinstance(found, dict) and found.get("format") == FORMAT and found.get("file") == path.name else None


def write(path: Path, data: dict[str, Any]) -> bool:
    """Store ``data`` at ``path`` atomically; False (and nothing written) on any error."""
    try:
        text = json.dumps({**data, "format": FORMAT, "file": path.name}, ensure_ascii=False, separators=(",", ":"))
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
    except (OSError, ValueError, TypeError, RecursionError):
        return False
    return True


def snapshot(space: ContextSpace) -> dict[str, Any] | None:
    """The plain-data form of a pyld-backed space (None: too large, or not as ``fastcontext`` makes it)."""
    try:
        return _snapshot(space)
    except (KeyError, RuntimeError):  # a scoped context found in no mapping; a table changed meanwhile
        return None


def _snapshot(space: ContextSpace) -> dict[str, Any] | None:
    contexts = space.contexts()
    if not contexts or contexts[0] is not space.initial or len(contexts) > MAX_CONTEXTS:
        return None
    number = {id(c): i for i, c in enumerate(contexts)}
    local_number: dict[int, int] = {}
    locals_: list[list[Any]] = []
    for i, context in enumerate(contexts):  # a scoped context is named by where it is first found
        for term, mapping in context.mappings.items():
            if isinstance(mapping, dict) and "@context" in mapping and id(mapping["@context"]) not in local_number:
                local_number[id(mapping["@context"])] = len(locals_)
                locals_.append([i, term, mapping["@context"]])
    def_number: dict[int, int] = {}
    defs: list[dict[str, Any]] = []
    rows = []
    for context in contexts:
        mappings: dict[str, int | None] = {}
        for term, mapping in context.mappings.items():
            if mapping is None:
                mappings[term] = None
                continue
            if id(mapping) not in def_number:
                def_number[id(mapping)] = len(defs)
                defs.append({k: (local_number[id(v)] if k == "@context" else v) for k, v in mapping.items()})
            mappings[term] = def_number[id(mapping)]
        if context.origin is None or (context.origin and id(context.origin[0]) not in number):
            return None
        rows.append({
            "origin": _step(context.origin, number, local_number) if context.origin else None,
            "mappings": mappings, "vocab": context.vocab, "language": context.language,
            "direction": context.direction, "has_previous": context.has_previous,
            "next": [[kind, _argument(kind, value[0], local_number), number[id(value[1])]]
                     for (kind, _), value in list(context._next.items())],
            "typed": [[key, number[id(found)]] for key, found in list(context._typed.items())],
            "back": None if context._previous is None else number[id(context._previous)],
        })
    return {"locals": locals_, "defs": defs, "contexts": rows}


def _step(origin: tuple[Any, ...], number: dict[int, int], local_number: dict[int, int]) -> list[Any]:
    parent, kind, argument = origin
    return [number[id(parent)], kind, _argument(kind, argument, local_number)]


def _argument(kind: str, argument: Any, local_number: dict[int, int]) -> Any:
    """A scoped context by its number; a document's @context URLs as they are."""
    if kind in ("p", "t"):
        return local_number[id(argument)]
    return list(argument) if isinstance(argument, tuple) else argument


def restore(data: dict[str, Any], sentinel: dict[str, Any]) -> ContextSpace | None:
    """A space (no pyld) from ``read``'s data; None if anything in it is not as ``snapshot`` writes it."""
    try:
        return _restore(data, sentinel)
    except Exception:  # a hand-edited or truncated file: rebuild, never crash
        return None


def _restore(data: dict[str, Any], sentinel: dict[str, Any]) -> ContextSpace | None:
    locals_ = [row[2] for row in data["locals"]]
    defs = []
    for row in data["defs"]:
        if not isinstance(row, dict):
            return None
        definition = dict(row)
        if "@context" in definition:
            definition["@context"] = locals_[_index(definition["@context"], locals_)]
        defs.append(definition)
    space = ContextSpace(None, None, sentinel)
    rows = data["contexts"]
    contexts = []
    for row in rows:
        mappings = {term: None if n is None else defs[_index(n, defs)] for term, n in row["mappings"].items()}
        fields = {name: row[name] for name in ("vocab", "language", "direction")}
        if not all(v is None or isinstance(v, str) for v in fields.values()):
            return None
        context = CompiledContext(space, None, {**fields, "mappings": mappings, "has_previous": bool(row["has_previous"])})
        space.adopt(context)
        contexts.append(context)
    if not contexts or rows[0]["origin"] is not None:
        return None
    space.initial = contexts[0]
    for context, row in zip(contexts, rows):
        context.origin = ()
        for kind, argument, target in row["next"]:
            found = contexts[_index(target, contexts)]
            if kind in ("p", "t"):
                local = locals_[_index(argument, locals_)]
                context._next[(kind, id(local))] = (local, found)
            elif kind in ("top", "e"):
                frozen = _frozen(argument)
                context._next[(kind, frozen)] = (frozen, found)
            else:
                return None
        for key, target in row["typed"]:
            context._typed[_frozen(key)] = contexts[_index(target, contexts)]
        if row["back"] is not None:
            context._previous = contexts[_index(row["back"], contexts)]
    return space


def replay(data: dict[str, Any], space: ContextSpace) -> None:
    """Make in ``space`` (pyld-backed, fresh) every context and transition ``data`` holds: the contexts
    in the order they were made, then every transition. pyld decides each one again; an error stops
    the replay (what was made stays)."""
    made: list[CompiledContext] = []
    locals_ = data["locals"]
    try:
        for row in data["contexts"]:
            origin = row["origin"]
            if origin is None:
                made.append(space.initial)
                continue
            parent, kind, argument = made[_index(origin[0], made)], origin[1], origin[2]
            made.append(_apply(parent, kind, argument, made, locals_))
        for context, row in zip(made, data["contexts"]):
            for kind, argument, _ in row["next"]:
                _apply(context, kind, argument, made, locals_)
            for key, _ in row["typed"]:
                context.typed(list(key) if isinstance(key, list) else key)
            if row["back"] is not None:
                context.previous()
    except Exception:  # a stale or damaged file: the space keeps what pyld made so far
        return


def _apply(parent: CompiledContext, kind: str, argument: Any, made: list[CompiledContext], locals_: list[Any]) -> CompiledContext:
    """One transition, with pyld: a scoped context is taken from where the snapshot found it."""
    if kind in ("p", "t"):
        where, term, _ = locals_[_index(argument, locals_)]
        return parent.apply(made[_index(where, made)].mappings[term]["@context"], kind)
    if kind in ("top", "e"):
        return parent.embedded(argument, kind == "top")
    if kind == "prev":
        return parent.previous()
    raise ValueError(f"unknown transition {kind!r}")


def _index(value: Any, table: list[Any]) -> int:
    """``value`` as an index of ``table`` (no negative or boolean indexes from a file)."""
    if type(value) is not int or not 0 <= value < len(table):
        raise ValueError("index out of range")
    return value


def _frozen(value: Any) -> Any:
    """A document's @context (or a @type value) as the memo tables key it: a list becomes a tuple."""
    if isinstance(value, list):
        if not all(v is None or isinstance(v, str) for v in value):
            raise ValueError("unusual key")
        return tuple(value)
    if value is None or isinstance(value, str):
        return value
    raise ValueError("unusual key")
