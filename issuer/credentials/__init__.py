"""Builders for the five skillspas credential types: a plain row in, an unsigned valid credential out.

Usage::

    from skillspas.issuer.credentials import build, build_mbo_diploma
    credential = build_mbo_diploma(row, issuer="did:web:roc.example")
    credential = build("praktijkverklaring", row, issuer=school_did, cosigner=leerbedrijf_did)
    signed = sign(credential, signer)       # skillspas.issuer.sign

Each builder completes the row from the bundled kwalificaties, turns skill URIs into OB 3.0
alignments (``unknown_skill`` for a URI not in the vocabulary), refuses national ids
(``forbidden_field``) and checks the type's JSON Schema and the OB 3.0 schema (``schema_invalid``,
with the field named in Dutch and English).
"""

from __future__ import annotations

from typing import Any, Callable, Final, Mapping

from skillspas.issuer.credentials._achievement import (column_key, expired_at_issue, expired_warning, noting_unread,
                                                      row_field, unread_warning)
from skillspas.issuer.credentials.ervaringscertificaat import build_ervaringscertificaat
from skillspas.issuer.credentials.mbo_certificaat import build_mbo_certificaat
from skillspas.issuer.credentials.mbo_diploma import build_mbo_diploma
from skillspas.issuer.credentials.microcredential import build_microcredential
from skillspas.issuer.credentials.praktijkverklaring import build_praktijkverklaring
from skillspas.schemas.jsonschema.type_schemas import CREDENTIAL_KINDS

__all__ = [
    "BUILDERS",
    "build",
    "type_name",
    "build_mbo_diploma",
    "build_mbo_certificaat",
    "build_ervaringscertificaat",
    "build_praktijkverklaring",
    "build_microcredential",
    "noting_unread",
    "row_field",
    "column_key",
    "unread_warning",
    "expired_at_issue",
    "expired_warning",
]

BUILDERS: dict[str, Callable[..., dict[str, Any]]] = {
    "MboDiploma": build_mbo_diploma,
    "MboCertificaat": build_mbo_certificaat,
    "Ervaringscertificaat": build_ervaringscertificaat,
    "Praktijkverklaring": build_praktijkverklaring,
    "MicroCredential": build_microcredential,
}
KINDS: Final = CREDENTIAL_KINDS
"""The names a person types on the command line (and in ``examples/``), with the type each builds."""
_ALIASES = {name.lower().replace("-", "").replace("_", ""): name for name in BUILDERS} | {"evc": "Ervaringscertificaat"}


def type_name(name: str) -> str:
    """The credential type for a name as a person types it ("mbo-diploma", "MboDiploma", "evc")."""
    key = name.strip().lower().replace("-", "").replace("_", "")
    if key not in _ALIASES:
        raise ValueError(f"unknown credential type {name!r}; one of {', '.join(KINDS)}")
    return _ALIASES[key]


def build(name: str, row: Mapping[str, Any], **options: Any) -> dict[str, Any]:
    """Build a credential of the type called ``name`` (``ValueError`` for an unknown type)."""
    builder = BUILDERS[type_name(name)]
    if "cosigner" in options and builder is not build_praktijkverklaring:
        if options.pop("cosigner") is not None:
            raise ValueError("only a praktijkverklaring has a co-signer")
    return builder(row, **options)
