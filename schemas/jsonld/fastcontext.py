"""Active contexts compiled once per context set, for the fast JSON-LD path (``fastexpand``).

Why this exists (measured, PERFORMANCE.md): pyld spends nearly all of a verification re-deriving
the same active contexts, term lookups and IRI expansions for every node of every document. Here
every context *transition* (the document's ``@context``, a property-scoped or type-scoped context,
reverting a type-scoped one) is still computed by pyld's own ``_process_context`` — so term
definitions, protection, ``@propagate`` and scoping rules are pyld's, not ours — but only once per
(active context, local context) pair. Afterwards a transition is one dict lookup, and what a term
means (its IRI, coercion, container, scoped context) one more.

Anything these tables do not fully understand raises :class:`Refused`; the caller then uses the
reference path (pyld), which also produces the proper error.

A space can also be restored from a snapshot (``fastsnapshot``) without pyld: its contexts then carry
no pyld active context, only what the lookups here read, and a transition the snapshot does not hold
raises :class:`NotInSnapshot` (the caller rebuilds the space with pyld and tries again).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from skillspas.schemas.jsonld.pyld_facts import KEYWORDS

if TYPE_CHECKING:
    from skillspas.schemas.jsonld._pyld_cache import CachingJsonLdProcessor

__all__ = ["Refused", "NotInSnapshot", "ContextSpace", "CompiledContext", "Edge", "is_absolute_iri"]

_KEYWORDS = KEYWORDS
_KEYWORD_LIKE = re.compile(r"^@[a-zA-Z]+$")  # pyld's KEYWORD_PATTERN: such a key expands to nothing
# pyld's _is_absolute_iri, but with \Z: pyld's "$" would also accept a trailing newline (refused here).
_ABSOLUTE = re.compile(r"([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*\Z")
_CONTAINERS = frozenset(("@set", "@list", "@graph"))
_MEMO_BUDGET = 100_000  # memo entries per space (all contexts): bounded memory whatever documents arrive


class Refused(Exception):
    """The fast path does not fully understand this input: use the reference path (pyld)."""


class NotInSnapshot(Refused):
    """A restored space (no pyld) lacks a context transition: rebuild the space with pyld."""


def is_absolute_iri(value: str) -> bool:
    """pyld's absolute-IRI test (a blank node label counts), without its trailing-newline quirk."""
    return _ABSOLUTE.match(value) is not None


@dataclass(frozen=True, slots=True)
class Edge:
    """What a property key means in one active context (mirrors pyld's ``_expand_object`` lookups)."""

    iri: str
    term: "CompiledContext"
    """The term context (the key's own scoped context applied): values are expanded in it."""
    list_wrap: bool
    graph_wrap: bool
    coerce: str | None
    """The term's ``@type`` in the term context: ``@id``, ``@vocab``, ``@none``, a datatype or None."""
    language: str | None
    plain: bool
    """No coercion and no language: a string value becomes ``{"@value": value}``."""
    child_scoped: Any
    """The key's scoped context as seen from the term context (applied again to a nested node)."""
    shapes: dict[Any, Any] = field(default_factory=dict, compare=False)
    """Memo of ``fastexpand``: keys of a nested object -> (context before types, @type key)."""


class ContextSpace:
    """Every compiled context reachable from one document loader (one context registry)."""

    def __init__(
        self, processor: CachingJsonLdProcessor | None, options: dict[str, Any] | None, sentinel: dict[str, Any],
        max_contexts: int = 1024, memo_budget: int = _MEMO_BUDGET,
    ) -> None:
        """``processor`` None: a restored space (``fastsnapshot.restore`` adds its contexts)."""
        self.processor = processor
        self.options: dict[str, Any] = options or {}
        self.sentinel = sentinel
        self.max_contexts = max_contexts
        self.memo_budget = memo_budget
        self.memo_entries = 0
        self.grown = 0
        """Transitions and contexts added so far (``fastsnapshot`` saves a space that has grown)."""
        self._by_id: dict[int, CompiledContext] = {}
        if processor is not None:
            self.initial = self.wrap(processor.initial_context(self.options))
            self.initial.origin = ()

    @property
    def full(self) -> bool:
        """True once the space holds its maximum of contexts or memo entries (start a new one)."""
        return len(self._by_id) >= self.max_contexts or self.memo_entries >= self.memo_budget

    def room(self) -> bool:
        """Count one more memo entry; False (do not store it) once the budget is spent."""
        self.memo_entries += 1
        return self.memo_entries <= self.memo_budget

    def wrap(self, active: Any) -> "CompiledContext":
        """The compiled form of a pyld active context (one per context object)."""
        found = self._by_id.get(id(active))
        if found is not None and found.active is active:
            return found
        if len(self._by_id) >= self.max_contexts:
            raise Refused("too many distinct active contexts")
        compiled = CompiledContext(self, active)
        self._by_id[id(active)] = compiled  # holds ``active``: its id cannot be reused meanwhile
        return compiled

    def contexts(self) -> list["CompiledContext"]:
        """Every compiled context, in the order they were made (a context after the one it came from)."""
        return list(self._by_id.values())

    def adopt(self, compiled: "CompiledContext") -> None:
        """Add a restored context (no pyld active context behind it)."""
        self._by_id[id(compiled)] = compiled

    def process(self, active: Any, local: Any, **flags: Any) -> Any:
        """pyld's ``_process_context``; any error it raises means: not for the fast path."""
        if self.processor is None:
            raise NotInSnapshot("context transition not in the snapshot")
        try:
            return self.processor.apply_context(active, local, self.options, **flags)
        except RecursionError:
            raise
        except Exception as exc:  # JsonLdError, unknown_context, ...: the reference path reports it
            raise Refused(f"context processing failed: {type(exc).__name__}") from None


class CompiledContext:
    """One pyld active context plus memoised transitions and term expansions."""

    __slots__ = ("space", "active", "mappings", "vocab", "language", "direction", "has_previous", "origin",
                 "_previous", "_next", "_keys", "_edges", "_vocab_iris", "_typed", "_plans")

    def __init__(self, space: ContextSpace, active: Any, restored: dict[str, Any] | None = None) -> None:
        """From pyld's ``active`` context, or (``active`` None) from a snapshot's ``restored`` fields:
        ``mappings``, ``vocab``, ``language``, ``direction``, ``has_previous``."""
        self.space = space
        self.active = active
        fields = active if restored is None else {
            "mappings": restored["mappings"], "previousContext": restored["has_previous"],
            **{f"@{name}": restored[name] for name in ("vocab", "language", "direction") if restored[name] is not None},
        }
        self.mappings: dict[str, Any] = fields["mappings"]
        self.vocab: str | None = fields.get("@vocab")
        if "@vocab" in fields and not isinstance(self.vocab, str):
            raise Refused("unusual @vocab")
        self.language: Any = fields.get("@language")
        self.direction: Any = fields.get("@direction")
        self.has_previous = bool(fields.get("previousContext"))
        self.origin: tuple[Any, ...] | None = None
        """How this context was made: ``()`` the initial one, else (parent, kind, local or URLs); kind "p"/"t"
        (a scoped context applied), "top"/"e" (a document's @context), "prev" (reverted)."""
        self._previous: CompiledContext | None = None
        self._next: dict[Any, tuple[Any, CompiledContext]] = {}
        self._keys: dict[str, str | None] = {}
        self._edges: dict[str, Edge] = {}
        self._vocab_iris: dict[str, str] = {}
        self._typed: dict[Any, CompiledContext] = {}
        self._plans: dict[Any, tuple[tuple[str, str, Edge | None], ...]] = {}

    # -- transitions (each computed once by pyld) --------------------------------------------

    def previous(self) -> "CompiledContext":
        """pyld's ``_revert_to_previous_context``."""
        if self._previous is None:
            if self.active is None:
                raise NotInSnapshot("reverted context not in the snapshot")
            previous = self.active.get("previousContext")
            self._previous = self if previous is None else self._made(self.space.wrap(previous), "prev", None)
            self.space.grown += 1
        return self._previous

    def _made(self, compiled: "CompiledContext", kind: str, argument: Any) -> "CompiledContext":
        """``compiled``, with its origin noted if it is new (for ``fastsnapshot``)."""
        if compiled.origin is None:
            compiled.origin = (self, kind, argument)
        return compiled

    def apply(self, local: Any, kind: str) -> "CompiledContext":
        """Apply a term's scoped context: ``kind`` "p" (property-scoped) or "t" (type-scoped)."""
        key = (kind, id(local))
        found = self._next.get(key)
        if found is not None and found[0] is local:
            return found[1]
        if kind == "p":
            active = self.space.process(self.active, local, propagate=True, override_protected=True)
        else:
            active = self.space.process(self.active, local, propagate=False)
        compiled = self._made(self.space.wrap(active), kind, local)
        if self.space.room():
            self._next[key] = (local, compiled)
            self.space.grown += 1
        return compiled

    def embedded(self, value: Any, top: bool) -> "CompiledContext":
        """Apply a document's ``@context`` (URLs only); at the top, after the sentinel ``@vocab``."""
        if isinstance(value, list):
            if not all(v is None or isinstance(v, str) for v in value):
                raise Refused("inline context")
            frozen: Any = tuple(value)
        elif value is None or isinstance(value, str):
            frozen = value
        else:
            raise Refused("inline context")
        key = ("top" if top else "e", frozen)
        found = self._next.get(key)
        if found is not None:
            return found[1]
        local: Any  # a list, a URL or None, as pyld takes it
        if top:  # exactly the reference's probe: [sentinel, *contexts] in one call
            local = [self.space.sentinel, *(value if isinstance(value, list) else [value])]
        else:
            local = list(value) if isinstance(value, list) else value
        compiled = self._made(self.space.wrap(self.space.process(self.active, local)), key[0], frozen)
        if self.space.room():
            self._next[key] = (frozen, compiled)
            self.space.grown += 1
        return compiled

    def typed(self, types: Any) -> "CompiledContext":
        """pyld's ``_prepare_nested_context`` for one @type value: its type-scoped contexts
        (looked up here, applied in sorted order); memoised per value."""
        try:
            key = types if type(types) is str else tuple(types) if type(types) is list else None
            found = self._typed.get(key)
        except TypeError:  # unhashable items: not a list of type names
            raise Refused("unusual @type value") from None
        if found is None:
            found = self
            names = [t for t in (types if type(types) is list else [types]) if type(t) is str]
            for name in sorted(names):
                local = self.scoped(name)
                if local is not None and local is not False:
                    found = found.apply(local, "t")
            if self.space.room():
                self._typed[key] = found
                self.space.grown += 1
        return found

    def plan(self, keys: tuple[str, ...], type_key: str | None) -> tuple[tuple[str, str, Edge | None], ...]:
        """For an object with these keys: each key, its expansion, its rules (None: a keyword).
        Two keys for one property or keyword, or a second @type key, are refused."""
        found = self._plans.get((keys, type_key))
        if found is None:
            entries: list[tuple[str, str, Edge | None]] = []
            for key in keys:
                if key == "@context":
                    continue
                iri = self.key(key)
                if iri[0] == "@":
                    if iri == "@type" and key != type_key:
                        raise Refused("a type-scoped context made another key @type")
                    entries.append((key, iri, None))
                else:
                    entries.append((key, iri, self.edge(key)))
            if len({iri for _, iri, _ in entries}) != len(entries):
                raise Refused("two keys for one property or keyword")
            found = tuple(entries)
            if self.space.room():
                self._plans[(keys, type_key)] = found
        return found

    def scoped(self, term: str) -> Any:
        """pyld's ``get_context_value(ctx, term, '@context')`` (None: no scoped context)."""
        mapping = self.mappings.get(term)
        return mapping.get("@context") if mapping else None

    # -- IRI expansion (pyld's _expand_iri, refusing what would need a base IRI) --------------

    def _expand(self, value: str, vocab: bool) -> str | None:
        """pyld's ``_expand_iri`` with ``base=''``; None where pyld would drop or base-resolve."""
        if value in _KEYWORDS:
            return value
        if _KEYWORD_LIKE.match(value):
            return None
        mappings = self.mappings
        if vocab and value in mappings:
            mapping = mappings[value]
            if mapping is None:
                return None
            iri = mapping.get("@id")
            return iri if isinstance(iri, str) else None
        colon = value.find(":")
        if colon > 0:
            prefix, suffix = value[:colon], value[colon + 1:]
            if prefix == "_" or suffix.startswith("//"):
                return value
            mapping = mappings.get(prefix)
            if mapping and mapping.get("_prefix"):
                iri = mapping.get("@id")
                return iri + suffix if isinstance(iri, str) else None
            if _ABSOLUTE.match(value):
                return value
        if vocab and self.vocab is not None:
            return self.vocab + value
        return None

    def keyword_of(self, key: str) -> str | None:
        """What ``key`` expands to when only a keyword result matters (pyld's revert/@type tests)."""
        if key in _KEYWORDS:
            return key
        mapping = self.mappings.get(key)
        return mapping.get("@id") if mapping else None

    def key(self, key: Any) -> str:
        """A node key's expansion: a keyword or an absolute IRI, else ``Refused`` (undefined term)."""
        try:
            return self._keys[key]  # type: ignore[return-value]
        except KeyError:
            pass
        except TypeError:
            raise Refused("non-string key") from None
        if not isinstance(key, str):
            raise Refused("non-string key")
        iri = self._expand(key, vocab=True)
        if iri is None or (iri not in _KEYWORDS and not _usable_iri(iri, self.space)) or iri.startswith("_:"):
            raise Refused(f"key {key!r} does not expand to a property")
        if self.space.room():
            self._keys[key] = iri
        return iri

    def vocab_iri(self, value: Any, *, blank: bool) -> str:
        """A ``@type`` value or ``@vocab``-coerced string: vocabulary expansion to an absolute IRI."""
        found = self._vocab_iris.get(value) if isinstance(value, str) else None
        if found is None:
            if not isinstance(value, str):
                raise Refused("non-string IRI")
            found = self._expand(value, vocab=True)
            if found is None or found in _KEYWORDS or not _usable_iri(found, self.space):
                raise Refused(f"{value!r} does not expand to an IRI")
            if self.space.room():
                self._vocab_iris[value] = found
        if not blank and found.startswith("_:"):
            raise Refused("blank node type")
        return found

    def id_iri(self, value: Any) -> str:
        """An ``@id`` value or ``@id``-coerced string: absolute IRI or blank node, no base resolution."""
        if not isinstance(value, str):
            raise Refused("non-string @id")
        iri = self._expand(value, vocab=False)
        if iri is None or iri in _KEYWORDS or not _usable_iri(iri, self.space):
            raise Refused(f"{value!r} is not an absolute IRI")
        return iri

    # -- what a property means here ------------------------------------------------------------

    def edge(self, key: str) -> Edge:
        """The expansion rules for property ``key`` in this context (memoised)."""
        found = self._edges.get(key)
        if found is None:
            found = self._edge(key)
            if self.space.room():
                self._edges[key] = found
        return found

    def _edge(self, key: str) -> Edge:
        iri = self.key(key)
        if iri in _KEYWORDS:
            raise Refused("keyword is not a property")
        mapping = self.mappings.get(key)
        _check_mapping(mapping)
        local = mapping.get("@context") if mapping else None
        term = self.apply(local, "p") if local is not None else self
        term_mapping = term.mappings.get(key)
        if term_mapping is None and key in term.mappings:
            raise Refused("term nulled by its scoped context")
        _check_mapping(term_mapping)
        if term.keyword_of(key) in _KEYWORDS:  # pyld's value expansion only asks "a keyword?"
            raise Refused("term becomes a keyword in its scoped context")
        container = mapping.get("@container") or () if mapping else ()
        term_container = term_mapping.get("@container") or () if term_mapping else ()
        if ("@list" in container) != ("@list" in term_container):
            raise Refused("list container differs in the term context")
        coerce = term_mapping.get("@type") if term_mapping else None
        if coerce is not None and coerce not in ("@id", "@vocab", "@none"):
            if not isinstance(coerce, str) or coerce.startswith("_:") or not _usable_iri(coerce, self.space):
                raise Refused("unusual datatype")
        language = term.language
        direction = term.direction
        if term_mapping is not None:
            language = term_mapping.get("@language", language)
            direction = term_mapping.get("@direction", direction)
        if direction is not None:
            raise Refused("base direction")
        if language is not None and not isinstance(language, str):
            raise Refused("unusual language")
        return Edge(
            iri=iri, term=term, list_wrap="@list" in container, graph_wrap="@graph" in container,
            coerce=coerce, language=language, plain=(coerce is None or coerce == "@none") and language is None,
            child_scoped=term_mapping.get("@context") if term_mapping else None,
        )


def _check_mapping(mapping: Any) -> None:
    """Refuse term features the fast path does not implement (reverse, maps, @json, nesting)."""
    if not mapping:
        return
    if mapping.get("reverse"):
        raise Refused("reverse property")
    container = mapping.get("@container") or ()
    if any(c not in _CONTAINERS for c in container) or ("@list" in container and "@graph" in container):
        raise Refused(f"container {container!r}")
    if mapping.get("@type") == "@json":
        raise Refused("@json literal")


def _usable_iri(iri: str, space: ContextSpace) -> bool:
    """Absolute (or a blank node) and not the sentinel: anything else the reference path decides."""
    return _ABSOLUTE.match(iri) is not None and not iri.startswith(space.sentinel["@vocab"])

