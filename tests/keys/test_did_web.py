"""did:web: DID to path mapping, documents, and loading a folder of documents (never the web)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skillspas.keys import StaticResolver, generate
from skillspas.keys.did_web import check_did_web_spelling, did_web_document, did_web_to_path, load_did_web_folder
from skillspas.schemas.errors import ErrorCode, SkillspasError


@pytest.mark.parametrize(
    ("did", "path"),
    [
        pytest.param(
            "did:web:w3c-ccg.github.io", "w3c-ccg.github.io/.well-known/did.json", id="host only"
        ),
        pytest.param(
            "did:web:w3c-ccg.github.io:user:alice",
            "w3c-ccg.github.io/user/alice/did.json",
            id="host with path",
        ),
        pytest.param(
            "did:web:example.com%3A3000", "example.com:3000/.well-known/did.json", id="port"
        ),
        pytest.param(
            "did:web:example.com%3a3000:user:alice",
            "example.com:3000/user/alice/did.json",
            id="port, lower-case percent escape",
        ),
        pytest.param("did:web:localhost", "localhost/.well-known/did.json", id="localhost"),
        pytest.param(
            "did:web:roc.example:diplomas_2024",
            "roc.example/diplomas_2024/did.json",
            id="underscore in path",
        ),
    ],
)
def test_did_web_maps_to_the_spec_path(did: str, path: str) -> None:
    assert did_web_to_path(did) == path


@pytest.mark.parametrize(
    "did",
    [
        pytest.param("did:web:", id="no host"),
        pytest.param("did:web:example.com:..:etc", id="dot-dot segment"),
        pytest.param("did:web:example.com:.", id="dot segment"),
        pytest.param("did:web:example.com:.well-known", id="second spelling of the root document"),
        pytest.param("did:web:example.com::alice", id="empty segment"),
        pytest.param("did:web:example.com:", id="trailing colon"),
        pytest.param("did:web:example.com/alice", id="slash"),
        pytest.param("did:web:example.com:a\\b", id="backslash"),
        pytest.param("did:web:example.com#key-1", id="fragment"),
        pytest.param("did:web:example.com?x=1", id="query"),
        pytest.param("did:web:exa mple.com", id="space in host"),
        pytest.param("did:web:-example.com", id="label starts with a hyphen"),
        pytest.param("did:web:example.com%2Fetc", id="encoded slash in host"),
        pytest.param("did:web:example.com%3A", id="port separator without port"),
        pytest.param("did:web:user@example.com", id="userinfo"),
        pytest.param("did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", id="did:key"),
        pytest.param("did:web:" + "a." * 300 + "com", id="overlong"),
    ],
)
def test_malformed_did_web_is_refused(did: str) -> None:
    with pytest.raises(SkillspasError) as info:
        did_web_to_path(did)
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_did_web_document_lists_multikey_methods_in_assertion_method() -> None:
    keys = [generate("ed25519").public_key, generate("p256").public_key]
    did = "did:web:roc.example"
    document = did_web_document(did, keys)
    assert document["@context"] == [
        "https://www.w3.org/ns/did/v1",
        "https://w3id.org/security/multikey/v1",
    ]
    assert document["id"] == did
    assert document["verificationMethod"] == [
        {
            "id": f"{did}#key-{n}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.multibase,
        }
        for n, key in enumerate(keys, start=1)
    ]
    assert document["assertionMethod"] == [f"{did}#key-1", f"{did}#key-2"]
    assert "authentication" not in document


def test_did_web_document_can_grant_other_relationships() -> None:
    document = did_web_document(
        "did:web:roc.example",
        [generate("ed25519").public_key],
        relationships=("assertionMethod", "authentication"),
    )
    assert document["authentication"] == ["did:web:roc.example#key-1"]


def test_did_web_document_needs_a_key_and_a_valid_did() -> None:
    with pytest.raises(ValueError):
        did_web_document("did:web:roc.example", [])
    with pytest.raises(SkillspasError):
        did_web_document("did:web:roc.example/x", [generate("ed25519").public_key])


def _write(root: Path, relative: str, document: object) -> None:
    file = root / relative
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(document) if not isinstance(document, str) else document)


def test_folder_of_documents_loads_by_did_and_resolves(tmp_path: Path) -> None:
    root_key, alice_key, port_key = (generate("ed25519") for _ in range(3))
    docs = {
        "roc.example/.well-known/did.json": did_web_document(
            "did:web:roc.example", [root_key.public_key]
        ),
        "roc.example/user/alice/did.json": did_web_document(
            "did:web:roc.example:user:alice", [alice_key.public_key]
        ),
        "localhost%3A8443/.well-known/did.json": did_web_document(
            "did:web:localhost%3A8443", [port_key.public_key]
        ),
    }
    for relative, document in docs.items():
        _write(tmp_path, relative, document)
    loaded = load_did_web_folder(tmp_path)
    assert set(loaded) == {
        "did:web:roc.example",
        "did:web:roc.example:user:alice",
        "did:web:localhost%3A8443",
    }
    resolver = StaticResolver(loaded)
    vm = resolver.resolve("did:web:roc.example:user:alice#key-1")
    assert vm.public_key == alice_key.public_key
    assert resolver.resolve("did:web:localhost%3A8443#key-1").public_key == port_key.public_key


def test_folder_with_a_colon_port_directory_loads(tmp_path: Path) -> None:
    did = "did:web:localhost%3A8443"
    _write(
        tmp_path,
        "localhost:8443/.well-known/did.json",
        did_web_document(did, [generate("ed25519").public_key]),
    )
    assert set(load_did_web_folder(tmp_path)) == {did}


@pytest.mark.parametrize(
    ("relative", "document"),
    [
        pytest.param(
            "roc.example/.well-known/did.json",
            {"id": "did:web:evil.example"},
            id="document id names another host",
        ),
        pytest.param(
            "roc.example/user/alice/did.json",
            {"id": "did:web:roc.example"},
            id="document id drops the path",
        ),
        pytest.param(
            "roc.example/did.json",
            {"id": "did:web:roc.example"},
            id="did.json directly under the host",
        ),
        pytest.param(
            "roc.example/a/.well-known/did.json",
            {"id": "did:web:roc.example:a"},
            id=".well-known below a path",
        ),
        pytest.param("did.json", {"id": "did:web:roc.example"}, id="did.json at the root"),
        pytest.param(
            "roc.example/.well-known/did.json",
            '{"id": "did:web:roc.example", "id": "x"}',
            id="duplicate keys",
        ),
        pytest.param("roc.example/.well-known/did.json", "[1, 2]", id="not an object"),
        pytest.param("roc.example/.well-known/did.json", '{"id": NaN}', id="NaN"),
        pytest.param("roc.example/.well-known/did.json", "{", id="truncated JSON"),
        pytest.param(
            "bad host/.well-known/did.json", {"id": "did:web:bad host"}, id="invalid host"
        ),
    ],
)
def test_folder_with_a_bad_document_is_refused(
    tmp_path: Path, relative: str, document: object
) -> None:
    _write(tmp_path, relative, document)
    with pytest.raises(SkillspasError) as info:
        load_did_web_folder(tmp_path)
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_same_did_in_two_folders_is_refused(tmp_path: Path) -> None:
    did = "did:web:localhost%3A8443"
    document = did_web_document(did, [generate("ed25519").public_key])
    _write(tmp_path, "localhost:8443/.well-known/did.json", document)
    _write(tmp_path, "localhost%3A8443/.well-known/did.json", document)
    with pytest.raises(SkillspasError) as info:
        load_did_web_folder(tmp_path)
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_symlinked_document_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"id": "did:web:roc.example"}))
    (tmp_path / "dids/roc.example/.well-known").mkdir(parents=True)
    (tmp_path / "dids/roc.example/.well-known/did.json").symlink_to(elsewhere)
    with pytest.raises(SkillspasError) as info:
        load_did_web_folder(tmp_path / "dids")
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_oversized_document_is_refused(tmp_path: Path) -> None:
    from skillspas.schemas.limits import Limits

    _write(
        tmp_path, "roc.example/.well-known/did.json", {"id": "did:web:roc.example", "x": "y" * 200}
    )
    with pytest.raises(SkillspasError) as info:
        load_did_web_folder(tmp_path, limits=Limits(max_bytes=100))
    assert info.value.code is ErrorCode.UNRESOLVABLE_KEY


def test_a_missing_folder_or_a_file_given_as_the_folder_is_a_file_error_naming_it(tmp_path: Path) -> None:
    """A ``--dids`` given wrongly is the user's file problem (exit 2, "does not exist" only when it does not),
    not an unresolvable key (exit 1: "checked and not valid")."""
    (tmp_path / "issuers.json").write_text("[]", "utf-8")
    for name, nl in (("missing", "bestaat niet"), ("issuers.json", "het is geen map")):
        with pytest.raises(SkillspasError) as info:
            load_did_web_folder(tmp_path / name)
        assert info.value.code is ErrorCode.FILE_ERROR and info.value.code.exit_code == 2
        assert name in info.value.message and nl in info.value.text("nl")


def test_empty_folder_loads_no_documents(tmp_path: Path) -> None:
    assert load_did_web_folder(tmp_path) == {}


@pytest.mark.parametrize("did, spelled", [
    pytest.param("did:web:ROC.EXAMPLE", "did:web:roc.example", id="a host in capitals"),
    pytest.param("did:web:Roc.example:Diplomas", "did:web:roc.example:Diplomas", id="a capital in the host, not the path"),
    pytest.param("did:web:roc.example%3a8443", "did:web:roc.example%3A8443", id="a port escaped in lowercase"),
])
def test_a_did_web_whose_host_is_not_in_lowercase_is_refused_with_its_lowercase_spelling_in_dutch_and_english(
        did, spelled):
    with pytest.raises(SkillspasError) as refused:
        check_did_web_spelling(did)
    assert refused.value.code is ErrorCode.UNRESOLVABLE_KEY
    assert f"lowercase: '{spelled}'" in refused.value.message and f"kleine letters: '{spelled}'" in refused.value.text("nl")


def test_a_did_web_in_lowercase_passes_the_spelling_check_with_its_path_as_written():
    assert check_did_web_spelling("did:web:roc.example%3A8443:Diplomas") == "roc.example:8443/Diplomas/did.json"
