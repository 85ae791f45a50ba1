"""LocalSigner: defaults to the did:key, binds did:web methods, and never shows its secret."""

from __future__ import annotations

import pytest

from skillspas.keys import LocalSigner, Signer, did_key_for, generate, resolve_did_key
from skillspas.keys.did_web import did_web_document
from skillspas.keys import StaticResolver


@pytest.mark.parametrize(("kind", "algorithm"), [("ed25519", "Ed25519"), ("p256", "P-256")])
def test_local_signer_defaults_to_the_did_key(kind: str, algorithm: str) -> None:
    pair = generate(kind)
    signer = LocalSigner(pair)
    did = did_key_for(pair.public_key)
    assert signer.controller == did
    assert signer.verification_method == f"{did}#{pair.public_key.multibase}"
    assert signer.algorithm == algorithm
    assert signer.public_key == pair.public_key
    assert isinstance(signer, Signer)


def test_local_signer_signatures_verify_with_the_resolved_key() -> None:
    signer = LocalSigner(generate("ed25519"))
    vm = resolve_did_key(signer.verification_method)
    vm.public_key.verify(signer.sign(b"hash data"), b"hash data")


def test_local_signer_binds_a_did_web_method() -> None:
    pair = generate("p256")
    did = "did:web:roc.example"
    signer = LocalSigner(pair, verification_method=f"{did}#key-1")
    assert signer.controller == did
    vm = StaticResolver({did: did_web_document(did, [pair.public_key])}).resolve(
        signer.verification_method
    )
    vm.public_key.verify(signer.sign(b"x"), b"x")


def test_controller_alone_that_is_the_did_key_is_accepted() -> None:
    pair = generate("ed25519")
    signer = LocalSigner(pair, controller=did_key_for(pair.public_key))
    assert signer.verification_method.startswith(signer.controller + "#")


@pytest.mark.parametrize(
    ("verification_method", "controller"),
    [
        pytest.param(None, "did:web:roc.example", id="did:web controller without a method id"),
        pytest.param(
            "did:web:roc.example#key-1", "did:web:other.example", id="method of another DID"
        ),
        pytest.param("did:web:roc.example", None, id="method id without fragment"),
        pytest.param("key-1", None, id="method id that is not a DID URL"),
        pytest.param(
            "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
            "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
            None,
            id="did:key of another key",
        ),
        pytest.param("did:key:z6Mkbad#z6Mkbad", None, id="malformed did:key"),
    ],
)
def test_inconsistent_binding_is_a_value_error(
    verification_method: str | None, controller: str | None
) -> None:
    with pytest.raises(ValueError):
        LocalSigner(
            generate("ed25519"), verification_method=verification_method, controller=controller
        )


def test_local_signer_needs_a_key_pair() -> None:
    with pytest.raises(TypeError):
        LocalSigner("not a key")  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["ed25519", "p256"])
def test_repr_and_str_never_show_the_secret(kind: str) -> None:
    pair = generate(kind)
    signer = LocalSigner(pair)
    secret = pair.export_secret_key_multibase()
    texts = [repr(signer), str(signer), repr(signer.keypair), repr([signer]), f"{signer}"]
    for text in texts:
        assert secret[1:] not in text
        assert secret[5:15] not in text
    assert signer.verification_method in repr(signer)
