"""The fast pre-checks in front of the exact checks change nothing but speed.

``validate_shape_fast`` (compiled VC 2.0 JSON Schemas) may only say "valid" when ``jsonschema``
finds no error; the path-free walks of ``check_bounds``, ``check_text`` and ``check_contexts``
must raise exactly what the exact walks raise (same code, same path), or nothing when they pass;
``copy_json`` must equal ``copy.deepcopy`` and share no container. Generated JSON values reach
every branch: control and bidi characters, lone surrogates, huge integers, NaN, deep nesting,
long strings and arrays, non-string keys, subclasses, inline and unknown contexts.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import VECTORS
from skillspas.schemas.jsonld.contexts import VC_V2, bundled_registry
from skillspas.schemas.errors import ErrorCode, SkillspasError
from skillspas.schemas.jsonio import _check_bounds_with_paths, check_bounds, copy_json
from skillspas.schemas.limits import Limits
from skillspas.schemas.scan import scan
from skillspas.schemas.text import _check_text_with_paths, check_text
from skillspas.schemas.jsonschema.validate import _checks, _validators, validate_shape_fast
from skillspas.schemas.jsonld.inline import known_terms
from skillspas.verifier.checks import _check_contexts_with_paths, _check_keys_with_paths, check_contexts

SETTINGS = settings(max_examples=100, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SMALL = Limits(max_depth=6, max_string_length=12, max_array_length=5)
OB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**60), 2**60), st.floats(),
    st.text(max_size=16),  # any code point, lone surrogates included
    st.sampled_from(["\u202e", "\x07", "tab\t", "\x7f", "ok", VC_V2, OB3, "https://example.org/c"]),
)
keys = st.one_of(st.text(max_size=14), st.sampled_from(["@context", "id", "type", "name", "\u2066x", "@id", "@nest",
                                                         "https://www.w3.org/2018/credentials#validUntil"]))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=7), st.dictionaries(keys, inner, max_size=6)),
    max_leaves=20,
)


def _outcome(check: Callable[[], None]) -> tuple[Any, ...]:
    try:
        check()
    except SkillspasError as exc:
        return "error", exc.code, exc.path, exc.message
    except Exception as exc:  # the exact walk may raise plain exceptions on non-JSON: so must the fast one
        return "exception", type(exc).__name__
    return ("ok",)


# -- check_bounds --------------------------------------------------------------------------------

@SETTINGS
@given(json_values, st.sampled_from([SMALL, Limits()]))
def test_check_bounds_equals_the_exact_walk(value, limits):
    assert _outcome(lambda: check_bounds(value, limits)) == _outcome(lambda: _check_bounds_with_paths(value, limits))


@pytest.mark.parametrize("value", [
    {1: "non-string key"}, {"k": [1, 2**60]}, [float("inf")], ["\ud800"], {"\udfff": 1},
    [[[[[[[[1]]]]]]]], ["x" * 13], list(range(6)), type("D", (dict,), {})(a=1), (1, 2), {"a": {1, 2}},
])
def test_check_bounds_edge_cases(value):
    assert _outcome(lambda: check_bounds(value, SMALL)) == _outcome(lambda: _check_bounds_with_paths(value, SMALL))


def test_check_bounds_depth_is_exact():
    for depth in range(1, 10):
        value: Any = "leaf"
        for _ in range(depth):
            value = [value]
        assert _outcome(lambda: check_bounds(value, SMALL)) == _outcome(lambda: _check_bounds_with_paths(value, SMALL))


# -- check_text ----------------------------------------------------------------------------------

@SETTINGS
@given(json_values)
def test_check_text_equals_the_exact_walk(value):
    assert _outcome(lambda: check_text(value, "/x")) == _outcome(lambda: _check_text_with_paths(value, "/x"))


def test_every_forbidden_character_is_unprintable():
    """check_text skips its regex for printable text: sound only if no forbidden one is printable."""
    from skillspas.schemas.scan import FORBIDDEN_TEXT

    assert not [hex(c) for c in range(0x110000) if FORBIDDEN_TEXT.match(chr(c)) and chr(c).isprintable()]


@pytest.mark.parametrize("value", [{1: "x"}, {"a": type("S", (str,), {})("\x07")}, ["\u200f"], {"k\x1f": 1}, "\u061c"])
def test_check_text_edge_cases(value):
    assert _outcome(lambda: check_text(value)) == _outcome(lambda: _check_text_with_paths(value, ""))


# -- check_contexts ------------------------------------------------------------------------------

REGISTRY = bundled_registry()


def _exact_check_contexts(document: Any) -> None:
    """check_contexts as it was: the top-level rule, then the exact walks (contexts, then keys)."""
    top = document.get("@context")
    if top is None or not isinstance(top, list) or not top or top[0] != VC_V2:
        check_contexts(document, REGISTRY)  # the same top-level errors
    _check_contexts_with_paths(document, REGISTRY, Limits())
    _check_keys_with_paths(document, known_terms(REGISTRY))


@SETTINGS
@given(st.dictionaries(keys, json_values, max_size=3), st.lists(st.sampled_from([OB3, "https://example.org/c", None]), max_size=2))
def test_check_contexts_equals_the_exact_walk(document, extra):
    document = {"@context": [VC_V2, *extra], **document}
    assert _outcome(lambda: check_contexts(document, REGISTRY)) == _outcome(lambda: _exact_check_contexts(document))


# -- one scan of a document clears every part of it (the pipeline passes it down) ---------------

def _parts(value: Any) -> list[Any]:
    found, stack = [], [value]
    while stack:
        node = stack.pop()
        if type(node) in (dict, list):
            found.append(node)
            stack.extend(node.values() if type(node) is dict else node)
    return found


@SETTINGS
@given(json_values, st.sampled_from([SMALL, Limits()]))
def test_what_a_scan_clears_every_exact_walk_passes_on_every_part(value, limits):
    scanned = scan(value, limits, REGISTRY)
    for part in _parts(value):
        if scanned.within_bounds:
            _check_bounds_with_paths(part, limits)
        if scanned.clean_text:
            _check_text_with_paths(part, "")
        if scanned.known_contexts and isinstance(part, dict):
            _check_contexts_with_paths(part, REGISTRY, limits)


# -- the compiled JSON Schema check -------------------------------------------------------------

def test_the_bundled_schemas_compile():
    assert all(check is not None for check in _checks().values())


def _jsonschema_valid(document: Any, kind: str) -> bool:
    return next(iter(_validators()[kind].iter_errors(document)), None) is None


VALID_CREDENTIAL = json.loads((VECTORS / "ob3" / "signed-credential.json").read_text("utf-8"))
VALID_PRESENTATION = {"@context": [VC_V2], "type": ["VerifiablePresentation"], "verifiableCredential": [VALID_CREDENTIAL]}


def _mutations(document: dict[str, Any]) -> st.SearchStrategy[Any]:
    """The document with values replaced anywhere, keys dropped, or whole parts swapped."""
    def mutate(choices: Any) -> Any:
        value = copy.deepcopy(document)
        for path, replacement, drop in choices:
            node: Any = value
            for step in path[:-1]:
                if isinstance(node, dict) and node:
                    node = node[sorted(node)[step % len(node)]]
                elif isinstance(node, list) and node:
                    node = node[step % len(node)]
            if isinstance(node, dict) and node:
                key = sorted(node)[path[-1] % len(node)]
                if drop:
                    del node[key]
                else:
                    node[key] = replacement
            elif isinstance(node, list) and node:
                node[path[-1] % len(node)] = replacement
        return value
    change = st.tuples(st.lists(st.integers(0, 20), min_size=1, max_size=4), json_values, st.booleans())
    return st.lists(change, min_size=1, max_size=3).map(mutate)


@SETTINGS
@given(st.one_of(_mutations(VALID_CREDENTIAL), json_values))
def test_fast_shape_says_valid_only_when_jsonschema_does_credential(document):
    if validate_shape_fast(document, "credential"):
        assert _jsonschema_valid(document, "credential")


@SETTINGS
@given(_mutations(VALID_PRESENTATION))
def test_fast_shape_says_valid_only_when_jsonschema_does_presentation(document):
    if validate_shape_fast(document, "presentation"):
        assert _jsonschema_valid(document, "presentation")


@pytest.mark.parametrize("path", sorted((VECTORS / "vc-di-eddsa").rglob("*.json")) + sorted((VECTORS / "ob3").rglob("*.json")),
                         ids=lambda p: p.name)
def test_fast_shape_agrees_with_jsonschema_on_the_vectors(path):
    document = json.loads(path.read_text("utf-8"))
    for kind in ("credential", "presentation"):
        assert validate_shape_fast(document, kind) == _jsonschema_valid(document, kind)


def test_fast_shape_leaves_subtle_cases_to_jsonschema():
    document = copy.deepcopy(VALID_CREDENTIAL)
    document["@context"] = [VC_V2, {"a": 1}, {"a": 1}]  # uniqueItems over objects: jsonschema's equality
    assert validate_shape_fast(document) is False
    assert validate_shape_fast(VALID_CREDENTIAL) is True


# -- copy_json -----------------------------------------------------------------------------------

def _containers(value: Any) -> list[int]:
    found, stack = [], [value]
    while stack:
        node = stack.pop()
        if isinstance(node, (dict, list)):
            found.append(id(node))
            stack.extend(node.values() if isinstance(node, dict) else node)
    return found


@SETTINGS
@given(json_values)
def test_copy_json_equals_deepcopy_and_shares_no_container(value):
    copied = copy_json(value)
    assert copied == copy.deepcopy(value) or (isinstance(value, float) and math.isnan(value)) or _has_nan(value)
    assert not set(_containers(copied)) & set(_containers(value))


def _has_nan(value: Any) -> bool:
    return "NaN" in json.dumps(value, default=str)


def test_copy_json_hands_anything_else_to_deepcopy():
    class Custom(dict):
        pass
    cyclic: list[Any] = []
    cyclic.append(cyclic)
    for value in ({"a": Custom(b=[1])}, {"t": (1, [2])}, cyclic):
        copied = copy_json(value)
        assert type(copied) is type(value)
    assert copy_json(cyclic)[0] is not cyclic


def test_a_cycle_through_the_python_api_is_too_deep_not_a_hang():
    looped: dict[str, Any] = {"a": None}
    looped["a"] = [looped]
    assert scan(looped).within_bounds is False
    assert _outcome(lambda: check_bounds(looped, SMALL))[:2] == ("error", ErrorCode.TOO_DEEP)
