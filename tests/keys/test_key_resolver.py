"""Key resolvers: did:key, static did:web documents, chains; strict and offline."""

from __future__ import annotations

import socket
from typing import Any

import base58
import pytest

from skillspas.keys import (
    ChainResolver,
    DidKeyResolver,
    KeyResolver,
    StaticResolver,
    VerificationMethod,
    did_key_for,
    generate,
)
from skillspas.keys.did_web import did_web_document
from skillspas.schemas.errors import ErrorCode, SkillspasError, error_for

DID = "did:web:roc.example"
SMALL_ORDER_MULTIBASE = "z" + base58.b58encode(b"\xed\x01\x01" + bytes(31)).decode()


def _relative_document(multibase: str) -> dict[str, Any]:
    """A hand-written document using relative ids and an embedded method."""
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DID,
        "verificationMethod": [
            {
                "id": "#key-1",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": multibase,
            },
            {
                "id": f"{DID}#unlisted",
                "type": "Multikey",
                "controller": DID,
                "publicKeyMultibase": multibase,
            },
        ],
        "assertionMethod": ["#key-1"],
        "capabilityInvocation": [f"{DID}#key-1"],
        "authentication": [
            {"id": "#auth", "type": "Multikey", "controller": DID, "publicKeyMultibase": multibase}
        ],
    }


def _unresolvable(resolver: KeyResolver, vm_id: str) -> None:
    with pytest.raises(SkillspasError) as info:
        resolver.resolve(vm_id)
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_did_key_resolver_resolves_a_did_key_method() -> None:
    pair = generate("p256")
    did = did_key_for(pair.public_key)
    vm = DidKeyResolver().resolve(f"{did}#{pair.public_key.multibase}")
    assert isinstance(vm, VerificationMethod)
    assert vm.public_key == pair.public_key
    assert "assertionMethod" in vm.relationships


def test_did_key_resolver_refuses_other_methods() -> None:
    _unresolvable(DidKeyResolver(), f"{DID}#key-1")


def test_static_resolver_resolves_generated_did_web_document() -> None:
    pair = generate("ed25519")
    resolver = StaticResolver({DID: did_web_document(DID, [pair.public_key])})
    vm = resolver.resolve(f"{DID}#key-1")
    assert vm.id == f"{DID}#key-1"
    assert vm.type == "Multikey"
    assert vm.controller == DID
    assert vm.public_key == pair.public_key
    assert vm.relationships == frozenset({"assertionMethod"})
    assert resolver.dids == frozenset({DID})


def test_static_resolver_resolves_relative_ids_against_the_document() -> None:
    pair = generate("ed25519")
    resolver = StaticResolver({DID: _relative_document(pair.public_key.multibase)})
    vm = resolver.resolve(f"{DID}#key-1")
    assert vm.id == f"{DID}#key-1"
    assert vm.public_key == pair.public_key
    assert vm.relationships == frozenset({"assertionMethod", "capabilityInvocation"})


def test_static_resolver_finds_methods_embedded_in_a_relationship() -> None:
    pair = generate("ed25519")
    vm = StaticResolver({DID: _relative_document(pair.public_key.multibase)}).resolve(f"{DID}#auth")
    assert vm.relationships == frozenset({"authentication"})
    assert vm.public_key == pair.public_key


def test_method_in_no_relationship_resolves_with_no_relationships() -> None:
    pair = generate("ed25519")
    vm = StaticResolver({DID: _relative_document(pair.public_key.multibase)}).resolve(
        f"{DID}#unlisted"
    )
    assert vm.relationships == frozenset()


def test_vm_as_json_is_multikey() -> None:
    pair = generate("ed25519")
    vm = StaticResolver({DID: did_web_document(DID, [pair.public_key])}).resolve(f"{DID}#key-1")
    assert vm.to_json() == {
        "id": f"{DID}#key-1",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": pair.public_key.multibase,
    }


@pytest.mark.parametrize(
    "vm_id",
    [
        pytest.param(f"{DID}#key-9", id="unknown fragment"),
        pytest.param(DID, id="no fragment"),
        pytest.param(f"{DID}#", id="empty fragment"),
        pytest.param("did:web:other.example#key-1", id="no document for the DID"),
        pytest.param("did:web:ROC.example#key-1", id="DID differs in case"),
        pytest.param(f"{DID}:sub#key-1", id="DID with an extra path"),
    ],
)
def test_static_resolver_refuses_what_it_does_not_hold(vm_id: str) -> None:
    resolver = StaticResolver({DID: did_web_document(DID, [generate("ed25519").public_key])})
    _unresolvable(resolver, vm_id)


def _broken(multibase: str) -> dict[str, dict[str, Any]]:
    good = {
        "id": f"{DID}#key-1",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": multibase,
    }
    return {
        "document id is another DID": {
            "id": "did:web:evil.example",
            "verificationMethod": [good],
            "assertionMethod": [good["id"]],
        },
        "not Multikey": {
            "id": DID,
            "verificationMethod": [{**good, "type": "JsonWebKey2020"}],
            "assertionMethod": [good["id"]],
        },
        "no publicKeyMultibase": {
            "id": DID,
            "verificationMethod": [{k: v for k, v in good.items() if k != "publicKeyMultibase"}],
        },
        "no controller": {
            "id": DID,
            "verificationMethod": [{k: v for k, v in good.items() if k != "controller"}],
        },
        "controller is not a DID": {
            "id": DID,
            "verificationMethod": [{**good, "controller": "https://roc.example"}],
        },
        "small-order key": {
            "id": DID,
            "verificationMethod": [{**good, "publicKeyMultibase": SMALL_ORDER_MULTIBASE}],
        },
        "two different definitions": {
            "id": DID,
            "verificationMethod": [good],
            "assertionMethod": [
                {**good, "publicKeyMultibase": generate("ed25519").public_key.multibase}
            ],
        },
        "verificationMethod not a list": {"id": DID, "verificationMethod": good},
        "relationship not a list": {
            "id": DID,
            "verificationMethod": [good],
            "assertionMethod": good["id"],
        },
        "string in verificationMethod": {"id": DID, "verificationMethod": [good["id"]]},
        "method without id": {
            "id": DID,
            "verificationMethod": [{k: v for k, v in good.items() if k != "id"}],
        },
    }


@pytest.mark.parametrize("case", list(_broken("z")))
def test_static_resolver_refuses_a_malformed_document(case: str) -> None:
    document = _broken(generate("ed25519").public_key.multibase)[case]
    _unresolvable(StaticResolver({DID: document}), f"{DID}#key-1")


def test_same_definition_listed_twice_is_accepted() -> None:
    pair = generate("ed25519")
    method = {
        "id": f"{DID}#key-1",
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": pair.public_key.multibase,
    }
    resolver = StaticResolver(
        {DID: {"id": DID, "verificationMethod": [method], "assertionMethod": [dict(method)]}}
    )
    assert resolver.resolve(f"{DID}#key-1").relationships == frozenset({"assertionMethod"})


def test_chain_resolver_resolves_did_key_and_did_web() -> None:
    web_pair, key_pair = generate("ed25519"), generate("p256")
    chain = ChainResolver(
        DidKeyResolver(), StaticResolver({DID: did_web_document(DID, [web_pair.public_key])})
    )
    key_did = did_key_for(key_pair.public_key)
    assert chain.resolve(f"{DID}#key-1").public_key == web_pair.public_key
    assert (
        chain.resolve(f"{key_did}#{key_pair.public_key.multibase}").public_key
        == key_pair.public_key
    )


def test_chain_resolver_reports_unresolvable_key_when_none_resolves() -> None:
    chain = ChainResolver(DidKeyResolver(), StaticResolver({}))
    _unresolvable(chain, "did:web:nobody.example#key-1")
    _unresolvable(ChainResolver(), "did:web:nobody.example#key-1")


def test_chain_resolver_passes_on_other_errors() -> None:
    class Exploding:
        def resolve(self, verification_method_id: str) -> VerificationMethod:
            raise error_for(ErrorCode.RESOURCE_LIMIT, "too much work")

    chain = ChainResolver(Exploding(), DidKeyResolver())
    with pytest.raises(SkillspasError) as info:
        chain.resolve(did_key_for(generate("ed25519").public_key))
    assert info.value.code is ErrorCode.RESOURCE_LIMIT


def test_chain_resolver_refuses_non_resolvers() -> None:
    with pytest.raises(TypeError):
        ChainResolver(object())  # type: ignore[arg-type]


def test_resolvers_satisfy_the_protocol() -> None:
    for resolver in (DidKeyResolver(), StaticResolver({}), ChainResolver()):
        assert isinstance(resolver, KeyResolver)


def test_resolution_never_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    pair = generate("ed25519")
    chain = ChainResolver(
        DidKeyResolver(), StaticResolver({DID: did_web_document(DID, [pair.public_key])})
    )
    assert chain.resolve(f"{DID}#key-1").public_key == pair.public_key
    _unresolvable(chain, "did:web:unknown.example#key-1")
    _unresolvable(chain, "did:web:unknown.example")
