"""JSON Schemas for the five skillspas credential types, with errors a school administrator can read.

Usage::

    validate_type(credential)            # None, or a coded error naming the field in nl and en
    skillspas_type(credential)           # "MboDiploma", ..., or None for other credentials
    expanded_kind(expanded)              # the same, from the strict expansion: however the JSON spells it
    try: validate_type(credential)
    except SkillspasError as exc: print(exc.text("nl"))

Each type has a draft 2020-12 schema in ``data/jsonschema/types/`` (shared definitions in
``common.json``); every field there carries ``x-label`` {nl, en}, and ``x-hint`` says what is
expected. A credential of a skillspas type must also pass the official Open Badges 3.0
AchievementCredential schema (``data/jsonschema/ob3/``, draft 2019-09). Both are resolved from
a local registry only: nothing is fetched. A few rules JSON Schema cannot say (the co-signer is
the leerbedrijf, a period ends after it starts, the EQF level fits the mbo level) are checked here too.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, Iterable, Mapping

from skillspas.schemas.catalogue import CATALOGUE
from skillspas.schemas.errors import ErrorCode, SkillspasError, localized_error, shown
from skillspas.schemas.jsonio import content_key, parse_json, pointer_token
from skillspas.schemas.jsonschema.validate import schema_reason
from skillspas.schemas.jsonschema.yescheck import Check, LocalResolver, certainly, compile_check, holding

if TYPE_CHECKING:  # jsonschema, the reference engine, loads when a document needs it (not for a plain OB 3.0 verify)
    from jsonschema import Draft201909Validator, Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

__all__ = [
    "CREDENTIAL_TYPES",
    "CREDENTIAL_KINDS",
    "SKILLSPAS_CONTEXT",
    "SKILLSPAS_CONTEXTS",
    "OB3_CONTEXT",
    "CREDENTIAL_CONTEXTS",
    "skillspas_type",
    "expanded_kind",
    "check_kind_spelling",
    "validate_type",
    "check_issuable",
    "validate_ob3",
    "type_schema",
]

CREDENTIAL_TYPES = tuple(CATALOGUE)
CREDENTIAL_KINDS = {entry.slug: entry.name for entry in CATALOGUE.values()}
"""The names a person types for each type (``skillspas issue/batch TYPE``, ``examples/``, QR file names)."""
SKILLSPAS_CONTEXT = "https://w3id.org/skillspas/v2"
"""The context the builders write: v1's terms plus ``evidenceKind``, ``kerntaken``, ``countsToward``."""
SKILLSPAS_CONTEXTS = ("https://w3id.org/skillspas/v1", SKILLSPAS_CONTEXT)
"""Every released skillspas context a credential may use (v1 credentials stay valid)."""
SKILLSPAS_VOCAB = "https://w3id.org/skillspas/vocab#"
OB3_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_CONTEXTS = ("https://www.w3.org/ns/credentials/v2", OB3_CONTEXT, SKILLSPAS_CONTEXT)
_SCHEMA_BASE = "https://w3id.org/skillspas/schema/v1/"
_NOT_CHILD_KEYWORDS = {"required", "dependentRequired"}


# -- schemas ----------------------------------------------------------------------------


@functools.cache
def _documents() -> tuple[dict[str, Any], dict[str, Any]]:
    """Our type schemas by ``$id`` and the official OB 3.0 schemas by use; checked against their manifest."""
    base = resources.files("skillspas.schemas") / "data" / "jsonschema"
    types: dict[str, dict[str, Any]] = {}
    for entry in (base / "types").iterdir():
        if entry.name.endswith(".json"):
            document = parse_json(entry.read_bytes())
            types[document["$id"]] = document
    ob3: dict[str, dict[str, Any]] = {}
    manifest = parse_json((base / "ob3" / "MANIFEST.json").read_bytes())
    for item in manifest["schemas"]:
        raw = (base / "ob3" / item["file"]).read_bytes()
        if hashlib.sha256(raw).hexdigest() != item["sha256"]:
            raise RuntimeError(f"bundled schema {item['file']} is corrupt")
        ob3[item["use"]] = parse_json(raw)
    return types, ob3


@functools.cache
def _by_id() -> dict[str, Any]:
    """Every type and OB 3.0 schema by ``$id``: where a ``$ref`` is looked up."""
    types, ob3 = _documents()
    return {**types, **{doc["$id"]: doc for doc in ob3.values()}}


def _resolver(root: Mapping[str, Any]) -> LocalResolver:
    """The ``$ref``s of ``root``, found among the bundled schemas (no ``referencing`` needed)."""
    return LocalResolver(_by_id(), root.get("$id", ""))


@functools.cache
def _jsonschema_registry() -> Registry:
    """The same schemas for ``jsonschema``, which words a refusal."""
    from referencing import Registry, Resource

    return Registry().with_resources((uri, Resource.from_contents(doc)) for uri, doc in _by_id().items())


def type_schema(type_name: str) -> dict[str, Any]:
    """The JSON Schema of one skillspas credential type (``ValueError`` for another name)."""
    if type_name not in CREDENTIAL_TYPES:
        raise ValueError(f"unknown credential type {type_name!r}")
    schema: dict[str, Any] = _documents()[0][f"{_SCHEMA_BASE}{type_name}.json"]
    return schema


@functools.cache
def _validator(type_name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(type_schema(type_name), registry=_jsonschema_registry(), format_checker=FormatChecker(("date",)))


@functools.cache
def _ob3_validator(use: str = "validate") -> Draft201909Validator:
    from jsonschema import Draft201909Validator

    return Draft201909Validator(_documents()[1][use], registry=_jsonschema_registry())


def skillspas_type(credential: Mapping[str, Any]) -> str | None:
    """The skillspas type a credential claims (``schema_invalid`` if it claims two).

    A type name means a skillspas type only under the skillspas context, which defines it (with
    ``@protected`` terms); under another context the same word is someone else's type.
    """
    contexts = credential.get("@context")
    if not isinstance(contexts, list) or not any(c in SKILLSPAS_CONTEXTS for c in contexts):
        return None
    value = credential.get("type", [])
    types = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return _one_kind([t for t in types if t in CREDENTIAL_TYPES])


def _one_kind(found: list[str]) -> str | None:
    if len(found) > 1:
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"Een bewijsstuk kan maar van één soort zijn, niet {' en '.join(found)}.",
            en=f"A credential can be of one kind only, not {' and '.join(found)}.",
            path="/type",
        )
    return found[0] if found else None


def expanded_kind(expanded: list[Any]) -> str | None:
    """The skillspas type a strictly expanded credential is, by its type IRI (``schema_invalid`` for two).

    What a type means is its IRI, not its JSON spelling: ``MboDiploma`` under the skillspas context,
    the full IRI, or an ``@type`` beside ``type`` are all the same type. Roles are decided on this."""
    found: list[str] = []
    for node in expanded:
        types = node.get("@type", []) if isinstance(node, dict) else []
        for iri in types if isinstance(types, list) else [types]:
            name = iri[len(SKILLSPAS_VOCAB):] if isinstance(iri, str) and iri.startswith(SKILLSPAS_VOCAB) else None
            if name in CREDENTIAL_TYPES and name not in found:
                found.append(name)
    return _one_kind(found)


def check_kind_spelling(credential: Mapping[str, Any], expanded: list[Any]) -> str | None:
    """The credential's skillspas type; ``schema_invalid`` unless its JSON names it as the term under the
    skillspas context (else the type's schema and a trust list's type check would not see it)."""
    kind = expanded_kind(expanded)
    if kind != skillspas_type(credential):
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"Schrijf de soort als \"{kind}\" in \"type\", met de skillspas-context ({SKILLSPAS_CONTEXT}).",
            en=f"Write the type as \"{kind}\" in \"type\", with the skillspas context ({SKILLSPAS_CONTEXT}).",
            path="/type",
        )
    return kind


_Keys = tuple[tuple[str, ...], bytes, bytes]
"""A document's content key by parts (``_part_keys``)."""
_PASSED: dict[_Keys, None] = {}
"""Content keys of documents that passed (a pure function of the content): a builder checks what it
builds, in its own order of messages, and ``preflight`` checks the same content again before it is
signed (measured: 0.23 ms of a 1.8 ms batch row). Bounded; cleared when full."""
_REMEMBER: Final = frozenset({"credentialSubject", "achievement"})
"""What the compiled checks remember by content (``yescheck.holding``): the subject, nearly all of a
credential's checking, which ``sign``'s self-check meets again with a status entry and a proof beside it;
and its achievement, which every row of a batch shares (measured: a batch row's check 0.15 -> 0.06 ms)."""


def _part_keys(credential: Mapping[str, Any]) -> _Keys | None:
    """The document's content key (None unless a dict with string keys and JSON values) as its names, the
    content key of its other values and that of its subject: equal exactly for equal documents, and the
    subject's key comes with it. (Two keys, not one per value: each key costs a call, measured 11.3 -> 8.3 us for a diploma.)"""
    if type(credential) is not dict or not all(type(name) is str for name in credential):
        return None
    others = content_key([v for k, v in credential.items() if k != "credentialSubject"])
    subject = content_key(credential.get("credentialSubject"))
    if others is None or subject is None:
        return None
    return tuple(credential), others, subject


def validate_type(credential: Mapping[str, Any], path: str = "") -> None:
    """For a skillspas type: its JSON Schema, the official OB 3.0 schema, and the cross-field rules."""
    type_name = skillspas_type(credential)
    if type_name is None:
        return
    key = _part_keys(credential)
    if key is not None and key in _PASSED:
        return
    subject = key[2] if key is not None and "credentialSubject" in credential else None
    with holding(credential.get("credentialSubject"), subject):
        _validate_type(type_name, credential, path)
    if key is not None:
        if len(_PASSED) >= 1024:
            _PASSED.clear()
        _PASSED[key] = None


def _validate_type(type_name: str, credential: Mapping[str, Any], path: str) -> None:
    if not _certainly_valid(type_name, credential):
        error = _first_error(_validator(type_name).iter_errors(credential))
        if error is not None:
            raise _explain(error, type_schema(type_name), path)
    if not _certainly_valid("ob3", credential):
        validate_ob3(credential, path)
    _check_rules(type_name, credential, path)


def validate_ob3(credential: Mapping[str, Any], path: str = "", *, strict: bool = False) -> None:
    """The official Open Badges 3.0 AchievementCredential schema (``strict``: the 2024 array variant)."""
    error = _first_error(_ob3_validator("strict" if strict else "validate").iter_errors(credential))
    if error is not None:
        where = path + _pointer(error.absolute_path)
        detail = schema_reason(str(error.validator), error.validator_value, error.instance)  # not jsonschema's repr of the input
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"Het bewijsstuk voldoet niet aan het Open Badges 3.0-schema bij {shown(where) or '/'}: de waarde {detail[1]}.",
            en=f"The credential does not meet the Open Badges 3.0 schema at {shown(where) or '/'}: the value {detail[0]}",
            path=where or "/",
        )


def _first_error(errors: Iterable[ValidationError]) -> ValidationError | None:
    """The first error jsonschema finds; not all of them, which a hostile document could make slow."""
    return next(iter(errors), None)


def _pointer(parts: Iterable[Any]) -> str:
    return "".join("/" + pointer_token(str(p)) for p in parts)


# -- messages ---------------------------------------------------------------------------


def _schema_nodes(root: Mapping[str, Any], schema_path: Iterable[Any]) -> list[Mapping[str, Any]]:
    """Every schema node along ``schema_path`` from ``root``, following ``$ref`` among the bundled schemas.

    jsonschema leaves ``$ref`` out of its schema paths: a key missing from a node with a ``$ref``
    is looked up in the schema it refers to. The last node returned holds the failing keyword.
    """
    resolver = _resolver(root)
    node: Any = root
    nodes = [node]
    keys = list(schema_path)
    for index, key in enumerate(keys):
        while isinstance(node, dict) and key not in node and isinstance(node.get("$ref"), str):
            resolved = resolver.lookup(node["$ref"])
            node, resolver = resolved.contents, resolved.resolver
            nodes.append(node)
        if index == len(keys) - 1:
            break
        node = node[int(key)] if isinstance(node, list) else node[key]
        if key == "$ref" and isinstance(node, str):
            resolved = resolver.lookup(node)
            node, resolver = resolved.contents, resolved.resolver
        if isinstance(node, dict):
            nodes.append(node)
    return nodes


def _label(nodes: list[Mapping[str, Any]]) -> dict[str, str] | None:
    for node in reversed(nodes):
        if isinstance(label := node.get("x-label"), dict):
            return label
    return None


def _hint(nodes: list[Mapping[str, Any]]) -> dict[str, str] | None:
    for node in reversed(nodes):
        if isinstance(hint := node.get("x-hint"), dict):
            return hint
        if "x-label" in node:
            break
    return None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _candidates(schema: Any, resolver: Any) -> list[tuple[Mapping[str, Any], Any]]:
    """``schema`` and every schema it always applies with it (``allOf``, ``$ref``), in that order."""
    found: list[tuple[Mapping[str, Any], Any]] = []
    stack = [(schema, resolver)]
    while stack:
        node, here = stack.pop(0)
        if not isinstance(node, dict):
            continue
        found.append((node, here))
        if isinstance(node.get("$ref"), str):
            resolved = here.lookup(node["$ref"])
            stack.append((resolved.contents, resolved.resolver))
        stack.extend((branch, here) for branch in node.get("allOf", []))
    return found


def _label_at(root: Mapping[str, Any], parts: list[Any]) -> dict[str, str] | None:
    """The ``x-label`` of the field at instance path ``parts``, found by walking the schema."""
    level = _candidates(root, _resolver(root))
    for part in parts:
        following = []
        for node, here in level:
            if isinstance(part, int) and isinstance(node.get("items"), dict):
                following.append((node["items"], here))
            elif isinstance(node.get("properties"), dict) and part in node["properties"]:
                following.append((node["properties"][part], here))
        level = [c for node, here in following for c in _candidates(node, here)]
    return next((node["x-label"] for node, _ in level if isinstance(node.get("x-label"), dict)), None)


def _explain(error: ValidationError, root: Mapping[str, Any], path: str) -> SkillspasError:
    """One clear nl/en sentence for a JSON Schema error, naming the field in words."""
    where = path + _pointer(error.absolute_path)
    nodes = _schema_nodes(root, error.absolute_schema_path)
    failing = nodes[-1] if nodes else {}
    if isinstance(failing.get("x-message"), dict) and error.validator not in _NOT_CHILD_KEYWORDS:
        message = failing["x-message"]
        return localized_error(ErrorCode.SCHEMA_INVALID, nl=message["nl"], en=message["en"], path=where or "/")
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        label = _label_at(root, [*error.absolute_path, missing]) or {
            "nl": f"het veld '{missing}'", "en": f"the field '{missing}'"
        }
        return localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"{_sentence(label['nl'])} ontbreekt.",
            en=f"{_sentence(label['en'])} is missing.",
            path=f"{where}/{missing}",
        )
    label = _label(nodes) or _label_at(root, list(error.absolute_path)) or {
        "nl": f"het veld {where or '/'}", "en": f"the field {where or '/'}"
    }
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extra = sorted(set(error.instance) - set(failing.get("properties", {})))
        name = extra[0] if extra else "?"
        return localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"Het veld '{name}' hoort niet bij {label['nl']}.",
            en=f"The field '{name}' does not belong in {label['en']}.",
            path=f"{where}/{name}",
        )
    if error.validator in ("minItems", "contains") and error.instance == []:
        return localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"{_sentence(label['nl'])} ontbreekt of is leeg.",
            en=f"{_sentence(label['en'])} is missing or empty.",
            path=where or "/",
        )
    hint = _hint(nodes)
    value = shown(json.dumps(error.instance, ensure_ascii=False))  # as JSON writes it: "text", 3, null
    expected_nl = f" moet {hint['nl']} zijn" if hint else " is niet geldig"
    expected_en = f" must be {hint['en']}" if hint else " is not valid"
    return localized_error(
        ErrorCode.SCHEMA_INVALID,
        nl=f"{_sentence(label['nl'])}{expected_nl}; {value} kan niet.",
        en=f"{_sentence(label['en'])}{expected_en}; {value} is not accepted.",
        path=where or "/",
    )


# -- rules JSON Schema cannot express ---------------------------------------------------


def _check_rules(type_name: str, credential: Mapping[str, Any], path: str) -> None:
    subject = credential["credentialSubject"]
    achievement = subject["achievement"]
    kwalificatie = achievement.get("kwalificatie")
    if isinstance(kwalificatie, dict):
        _check_levels(kwalificatie, f"{path}/credentialSubject/achievement/kwalificatie")
    if type_name == "Praktijkverklaring":
        if credential["coSigner"] != subject["leerbedrijf"]["id"]:
            raise localized_error(
                ErrorCode.SCHEMA_INVALID,
                nl="De medeondertekenaar moet het leerbedrijf zijn: coSigner en de DID van het leerbedrijf verschillen.",
                en="The co-signer must be the leerbedrijf: coSigner and the leerbedrijf's DID differ.",
                path=f"{path}/coSigner",
            )
        period = subject["period"]
        if period["endDate"] < period["startDate"]:
            raise localized_error(
                ErrorCode.SCHEMA_INVALID,
                nl=f"De einddatum van de periode ({period['endDate']}) ligt vóór de begindatum ({period['startDate']}).",
                en=f"The end date of the period ({period['endDate']}) is before its start date ({period['startDate']}).",
                path=f"{path}/credentialSubject/period/endDate",
            )
    valid_until = credential.get("validUntil")
    if isinstance(valid_until, str) and _instant(valid_until) <= _instant(credential["validFrom"]):
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl="De einddatum van de geldigheid ligt niet na de uitgiftedatum.",
            en="The end of the validity period is not after the date of issue.",
            path=f"{path}/validUntil",
        )


def check_issuable(credential: Mapping[str, Any]) -> None:
    """What a skillspas type must say when it is signed now, beyond its schema (older credentials may lack it):
    a micro-credential states its learning outcomes (``missing_learning_outcomes``, EU Council
    Recommendation 2022/C 243/02); an ervaringscertificaat has no fixed end date (``schema_invalid``:
    NKC-EVC sets no expiry, a verifier shows its age instead)."""
    type_name = skillspas_type(credential)
    subject = credential.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    if type_name == "MicroCredential":
        outcomes = achievement.get("learningOutcomes") if isinstance(achievement, dict) else None
        if not isinstance(outcomes, list) or not any(isinstance(o, str) and o.strip() for o in outcomes):
            raise localized_error(
                ErrorCode.MISSING_LEARNING_OUTCOMES,
                nl="De leerresultaten ontbreken (veld 'learning_outcomes'): een microcredential moet zeggen wat de "
                "deelnemer na afloop kan (EU-Raadsaanbeveling 2022/C 243/02).",
                en="The learning outcomes are missing (field 'learning_outcomes'): a micro-credential must say what "
                "the learner can do afterwards (EU Council Recommendation 2022/C 243/02).",
                path="/credentialSubject/achievement/learningOutcomes",
            )
    if type_name == "Ervaringscertificaat" and "validUntil" in credential:
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl="Een ervaringscertificaat heeft geen vaste einddatum (NKC-EVC); laat 'valid_until' weg: de "
            "controleur ziet hoe oud het is.",
            en="An ervaringscertificaat has no fixed end date (NKC-EVC); leave 'valid_until' out: the verifier "
            "shows how old it is.",
            path="/validUntil",
        )


def _check_levels(kwalificatie: Mapping[str, Any], path: str) -> None:
    """NLQF equals the mbo level; EQF equals it too, or is 5 for a niveau-4 specialist qualification."""
    niveau, nlqf = kwalificatie["niveau"], kwalificatie["nlqf"]
    eqf = int(kwalificatie["eqf"].rsplit("/", 1)[1])
    if nlqf != niveau:
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"Het NLQF-niveau ({nlqf}) past niet bij mbo-niveau {niveau}.",
            en=f"The NLQF level ({nlqf}) does not match mbo level {niveau}.",
            path=f"{path}/nlqf",
        )
    if eqf != niveau and not (niveau == 4 and eqf == 5):
        raise localized_error(
            ErrorCode.SCHEMA_INVALID,
            nl=f"Het EQF-niveau ({eqf}) past niet bij mbo-niveau {niveau}.",
            en=f"The EQF level ({eqf}) does not match mbo level {niveau}.",
            path=f"{path}/eqf",
        )


def _instant(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


# -- the compiled yes-checks (schemas/jsonschema/yescheck.py) in front of jsonschema --------------------------

@functools.cache
def _compiled(name: str) -> Check | None:
    """The yes-check for a type name or "ob3"; ``None`` when a schema is outside the compiled subset."""
    root = _documents()[1]["validate"] if name == "ob3" else type_schema(name)
    return compile_check(root, _resolver(root), formats=name != "ob3", remember=_REMEMBER)


def _certainly_valid(name: str, document: Any) -> bool:
    return certainly(_compiled(name), document)
