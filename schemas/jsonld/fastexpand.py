"""Compiled JSON-LD expansion for documents that use only known contexts (the fast path, stage 1).

Why a hand-written expansion exists: pyld's ``expand`` costs ~50 µs per triple, almost all of it
re-deriving context state (PERFORMANCE.md). This module walks the document the way pyld's
``_expand``/``_expand_object`` do — same context transitions in the same order, same value
expansion — but every context lookup is a memoised :class:`~skillspas.schemas.jsonld.fastcontext.Edge`.
Its output is pyld's expanded document, equal as JSON (tests/schemas/test_fastpath*.py prove it
against pyld, the reference).

Only a subset of JSON-LD is understood: node objects with ``@id``/``@type``/properties, value
objects (``@value`` with ``@type`` or ``@language``), ``@set``/``@list``/``@graph`` containers,
type- and property-scoped contexts, and ``@context`` URLs. Anything else — inline contexts,
``@reverse``, ``@index``/``@language``/``@id``/``@type`` maps, ``@json``, ``@nest``,
``@included``, relative IRIs, undefined terms, nested arrays, two keys for one property — raises
``Refused`` and the caller uses pyld, which also reports any error (``undefined_term`` etc.).
"""

from __future__ import annotations

import contextvars
import math
from typing import Any, Final

from skillspas.schemas.jsonio import content_key
from skillspas.schemas.jsonld.fastcontext import CompiledContext, ContextSpace, Edge, Refused

__all__ = ["expand_document", "is_shared"]

_SCALARS = frozenset((str, bool, int, float))
_REMEMBERED_PROPERTIES: Final = frozenset({"https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievement"})
"""Objects of these properties are expanded once per content (``jsonio.content_key``) and ``Edge``, while
``REMEMBERING`` is set (``DocumentProcessor.reuse``: an issuer): every row of a batch, and every credential
of one qualification, carries the same achievement, most of a diploma (its alignments). The expansion is
a pure function of both, so the answer is the one a walk would give (measured: an mbo-diploma's expansion
0.065 -> 0.033 ms; a verifier of ever other credentials would pay 5% for the keys, so it does not).
Shared, like ``DocumentProcessor.reuse``'s: nobody mutates an expansion."""
REMEMBERING: contextvars.ContextVar[bool] = contextvars.ContextVar("skillspas_remember_expansions", default=False)
_REMEMBERED: dict[tuple[int, bytes], tuple[Edge, dict[str, Any]]] = {}
_SHARED: dict[int, dict[str, Any]] = {}
"""The remembered expansions by id (``is_shared``), kept alive with ``_REMEMBERED``."""
_REMEMBERED_LIMIT: Final = 8


def expand_document(space: ContextSpace, document: Any) -> list[Any]:
    """pyld's expansion of ``document`` (with the sentinel ``@vocab``), or ``Refused``."""
    if type(document) is not dict:
        raise Refused("not an object")
    node = _object(space.initial, None, document, top=True)
    return [] if node is None else [node]


def _shape(ctx: CompiledContext, child_scoped: Any, element: dict[Any, Any], top: bool) -> tuple[CompiledContext, str | None]:
    """The context before type-scoped contexts, and the @type key: pyld's ``_expand`` up to
    ``_prepare_nested_context``. Depends only on the keys (and ``@context``) of ``element``."""
    if not all(type(key) is str for key in element):  # pyld's business (and typed str below: compiled code checks)
        raise Refused("non-string key")
    # revert a type-scoped context unless the element is a value object or a node reference
    if ctx.has_previous:
        revert = True
        if len(element) <= 2 and "@context" not in element:
            for key in sorted(element):
                keyword = ctx.keyword_of(key)
                if keyword == "@value":
                    revert = False
                    break
                if keyword == "@id" and len(element) == 1:
                    revert = False
                    break
        if revert:
            ctx = ctx.previous()
    if child_scoped is not None:
        ctx = ctx.apply(child_scoped, "p")
    if top or "@context" in element:
        ctx = ctx.embedded(element.get("@context"), top)
    # The @type key, for pyld's type-scoped contexts. pyld tests each key, in sorted order, against
    # the context as updated by earlier @type keys; with exactly one @type key that is the context
    # below, and a second key that becomes @type afterwards is refused by ``CompiledContext.plan``.
    type_key = None
    for key in element:
        if ctx.keyword_of(key) == "@type":
            if type_key is not None:
                raise Refused("two @type keys")
            type_key = key
    return ctx, type_key


def _object(ctx: CompiledContext, edge: Edge | None, element: dict[str, Any], top: bool = False) -> dict[str, Any] | None:
    """pyld's ``_expand`` for one JSON object (``ctx`` is the term context of its property).

    Why the memo tables: the objects of one property nearly always have the same keys (eight
    alignments, say), so everything that depends only on the keys and contexts — the contexts to
    use, each key's expansion and rules — is looked up once per shape (measured: 2x faster)."""
    if edge is not None and "@context" not in element:
        keys = tuple(element)
        shape = edge.shapes.get(keys)
        if shape is None:
            shape = _shape(ctx, edge.child_scoped, element, top)
            if edge.term.space.room():
                edge.shapes[keys] = shape
    else:
        keys = tuple(element)
        shape = _shape(ctx, None if edge is None else edge.child_scoped, element, top)
    type_ctx, type_key = shape
    ctx = type_ctx if type_key is None else type_ctx.typed(element[type_key])

    result: dict[str, Any] = {}
    type_is_list = False
    for key, iri, prop in ctx.plan(keys, type_key):
        value = element[key]
        if prop is None:  # a keyword
            if iri == "@id":
                result["@id"] = ctx.id_iri(value)
            elif iri == "@type":
                if type(value) is str:
                    result["@type"] = [type_ctx.vocab_iri(value, blank=False)]
                elif type(value) is list and value:
                    type_is_list = True
                    result["@type"] = [type_ctx.vocab_iri(t, blank=False) for t in value]
                else:
                    raise Refused("unusual @type value")
            elif iri == "@value":
                if type(value) not in _SCALARS or (type(value) is float and not math.isfinite(value)):
                    raise Refused("unusual @value")
                result["@value"] = value
            elif iri == "@language":
                if type(value) is not str:
                    raise Refused("unusual @language")
                result["@language"] = value.lower()
            else:
                raise Refused(f"keyword {iri}")
            continue
        if value is None:
            continue
        if type(value) is str and prop.plain:  # the common case, inlined
            items: list[dict[str, Any]] = [{"@value": value}]
        elif type(value) is list:
            items = [_item(prop, v) for v in value if v is not None]
        else:
            items = [_item(prop, value)]
        if prop.list_wrap:
            items = [{"@list": items}]
        if prop.graph_wrap:
            items = [{"@graph": [item]} for item in items]
        result[iri] = items

    if "@value" in result:
        return _value_object(result, type_is_list, top)
    if "@language" in result:
        raise Refused("@language outside a value object")
    if top and (not result or (len(result) == 1 and "@id" in result)):
        return None  # pyld drops a top-level object with nothing but an @id
    return result


def _value_object(result: dict[str, Any], type_is_list: bool, top: bool) -> dict[str, Any]:
    """pyld's checks of an expanded value object; anything it would reject or drop is refused."""
    if top or any(k not in ("@value", "@type", "@language") for k in result):
        raise Refused("unusual value object")
    if "@type" in result:
        if type_is_list or "@language" in result:
            raise Refused("unusual value object")
        datatype = result["@type"][0]
        if datatype.startswith("_:"):
            raise Refused("blank node datatype")
        result["@type"] = datatype
    if "@language" in result and not isinstance(result["@value"], str):
        raise Refused("language-tagged non-string")
    return result


def _item(edge: Edge, value: Any) -> dict[str, Any]:
    """One array item (or the value) of a property: pyld's ``_expand`` / ``_expand_value``."""
    if type(value) is dict:
        if edge.iri in _REMEMBERED_PROPERTIES and REMEMBERING.get():
            return _remembered(edge, value)
        return _node(edge, value)
    if type(value) is str:
        coerce = edge.coerce
        if coerce is None or coerce == "@none":
            if edge.language is not None:
                return {"@value": value, "@language": edge.language}
            return {"@value": value}
        if coerce == "@id":
            return {"@id": edge.term.id_iri(value)}
        if coerce == "@vocab":
            return {"@id": edge.term.vocab_iri(value, blank=True)}
        return {"@type": coerce, "@value": value}
    if type(value) in (bool, int) or (type(value) is float and math.isfinite(value)):
        coerce = edge.coerce
        if coerce is None or coerce in ("@id", "@vocab", "@none"):
            return {"@value": value}
        return {"@type": coerce, "@value": value}
    raise Refused(f"unusual value {type(value).__name__}")


def _node(edge: Edge, value: dict[str, Any]) -> dict[str, Any]:
    node = _object(edge.term, edge, value)
    if node is None:
        raise Refused("dropped node")
    return node


def _remembered(edge: Edge, value: dict[str, Any]) -> dict[str, Any]:
    """``_node``, remembered by the value's content and this very ``edge`` (kept with the answer, so its
    id is its own); what raises is not remembered."""
    key = content_key(value)
    if key is None:
        return _node(edge, value)
    slot = (id(edge), key)
    found = _REMEMBERED.get(slot)
    if found is not None and found[0] is edge:
        return found[1]
    node = _node(edge, value)
    if len(_REMEMBERED) >= _REMEMBERED_LIMIT:
        _REMEMBERED.clear()
        _SHARED.clear()
    _REMEMBERED[slot] = (edge, node)
    _SHARED[id(node)] = node
    return node


def is_shared(node: Any) -> bool:
    """Whether ``node`` is a remembered expansion (the same object in every expansion that holds it)."""
    return _SHARED.get(id(node)) is node
