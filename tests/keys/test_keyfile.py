"""Key files: Multikey JSON, atomic 0600 writes, encryption at rest, coded errors, no secrets."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from skillspas.keys import KeyPair, LocalSigner, generate, load
from skillspas.keys import keyfile
from skillspas.schemas.errors import ErrorCode, SkillspasError

VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors"


def _vector_pair() -> tuple[KeyPair, str]:
    vector = json.loads((VECTORS / "vc-di-eddsa/keyPair.json").read_text())
    secret = vector["privateKeyMultibase"]
    return KeyPair.from_multibase(vector["publicKeyMultibase"], secret), secret


@pytest.fixture
def open_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _code(path: Path, passphrase: str | None = None) -> ErrorCode:
    with pytest.raises(SkillspasError) as info:
        load(path, passphrase)
    return info.value.code


@pytest.mark.parametrize("kind", ["ed25519", "p256"])
def test_plain_key_file_round_trips(tmp_path: Path, kind: str, open_umask: None) -> None:
    pair = generate(kind)
    path = tmp_path / "issuer.key.json"
    saved = keyfile.save(pair, path)
    signer = load(path)
    assert isinstance(signer, LocalSigner)
    assert signer.public_key == pair.public_key
    assert signer.verification_method == saved.verification_method
    assert signer.controller == saved.controller
    pair.public_key.verify(signer.sign(b"data"), b"data")
    assert _mode(path) == 0o600


def test_plain_key_file_has_the_multikey_import_shape(tmp_path: Path) -> None:
    pair, secret = _vector_pair()
    path = tmp_path / "k.json"
    keyfile.save(pair, path)
    document = json.loads(path.read_text())
    did = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
    assert document == {
        "type": "Multikey",
        "id": f"{did}#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "controller": did,
        "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "secretKeyMultibase": secret,
    }


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("vc-di-ecdsa/p256KeyPair.json", "secretKeyMultibase"),
        ("vc-di-ecdsa/p384KeyPair.json", "secretKeyMultibase"),
        ("vc-di-eddsa/keyPair.json", "privateKeyMultibase"),
    ],
)
def test_encrypted_key_file_round_trips_without_the_secret_in_clear(
    tmp_path: Path, name: str, field: str, open_umask: None
) -> None:
    vector = json.loads((VECTORS / name).read_text())
    pair = KeyPair.from_multibase(vector["publicKeyMultibase"], vector[field])
    path = tmp_path / "k.json"
    keyfile.save(pair, path, passphrase="correct horse battery staple")
    text = path.read_text()
    document = json.loads(text)
    assert set(document) == {
        "type",
        "id",
        "controller",
        "publicKeyMultibase",
        "encryptedPrivateKeyPem",
    }
    assert document["encryptedPrivateKeyPem"].startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert vector[field] not in text
    assert vector[field][1:] not in text
    assert _mode(path) == 0o600
    signer = load(path, passphrase="correct horse battery staple")
    assert signer.public_key == pair.public_key
    assert signer.keypair.export_secret_key_multibase() == vector[field]


def test_bytes_passphrase_works(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    keyfile.save(generate("ed25519"), path, passphrase=b"\x00\xffbinary")
    assert load(path, b"\x00\xffbinary").algorithm == "Ed25519"


def test_wrong_passphrase_reports_wrong_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    keyfile.save(generate("p256"), path, passphrase="right")
    assert _code(path, "wrong") is ErrorCode.WRONG_PASSPHRASE


def test_missing_passphrase_reports_wrong_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(keyfile.PASSPHRASE_ENV, raising=False)
    path = tmp_path / "k.json"
    keyfile.save(generate("ed25519"), path, passphrase="right")
    assert _code(path) is ErrorCode.WRONG_PASSPHRASE


def test_passphrase_can_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "k.json"
    pair = generate("ed25519")
    keyfile.save(pair, path, passphrase="from env")
    monkeypatch.setenv("SKILLSPAS_KEY_PASSPHRASE", "from env")
    assert load(path).public_key == pair.public_key
    monkeypatch.setenv("SKILLSPAS_KEY_PASSPHRASE", "not it")
    assert _code(path) is ErrorCode.WRONG_PASSPHRASE


def test_missing_key_file_reports_key_not_found(tmp_path: Path) -> None:
    assert _code(tmp_path / "absent.json") is ErrorCode.KEY_NOT_FOUND
    assert _code(tmp_path) is ErrorCode.KEY_NOT_FOUND


def test_group_readable_plain_key_file_reports_insecure_permissions(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    keyfile.save(generate("ed25519"), path)
    path.chmod(0o640)
    assert _code(path) is ErrorCode.INSECURE_PERMISSIONS
    assert load(path, check_permissions=False).algorithm == "Ed25519"


def test_readable_encrypted_key_file_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    keyfile.save(generate("ed25519"), path, passphrase="p")
    path.chmod(0o644)
    assert load(path, "p").algorithm == "Ed25519"


def test_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    path.write_text("precious")
    with pytest.raises(FileExistsError):
        keyfile.save(generate("ed25519"), path)
    assert path.read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.json"]


def test_overwrite_replaces_atomically(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    keyfile.save(generate("ed25519"), path)
    pair = generate("p256")
    keyfile.save(pair, path, overwrite=True)
    assert load(path).public_key == pair.public_key
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.json"]


def test_did_web_binding_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    keyfile.save(generate("ed25519"), path, verification_method="did:web:roc.example#key-1")
    signer = load(path)
    assert signer.verification_method == "did:web:roc.example#key-1"
    assert signer.controller == "did:web:roc.example"
    assert keyfile.read_public(path)["controller"] == "did:web:roc.example"


def test_empty_passphrase_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        keyfile.save(generate("ed25519"), tmp_path / "k.json", passphrase="")
    assert not (tmp_path / "k.json").exists()


def _plain(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    pair, _ = _vector_pair()
    path = tmp_path / "k.json"
    keyfile.save(pair, path)
    return path, json.loads(path.read_text())


def _rewrite(path: Path, content: object) -> None:
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    path.chmod(0o600)


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda d: "not json", id="not JSON"),
        pytest.param(lambda d: "[]", id="JSON array"),
        pytest.param(lambda d: json.dumps(d)[:-1] + ', "type": "Multikey"}', id="duplicate key"),
        pytest.param(lambda d: {**d, "type": "Ed25519VerificationKey2020"}, id="wrong type"),
        pytest.param(
            lambda d: {k: v for k, v in d.items() if k != "secretKeyMultibase"}, id="no secret"
        ),
        pytest.param(lambda d: {**d, "encryptedPrivateKeyPem": "x"}, id="both secrets"),
        pytest.param(
            lambda d: {k: v for k, v in d.items() if k != "publicKeyMultibase"}, id="no public key"
        ),
        pytest.param(lambda d: {**d, "id": 5}, id="id not a string"),
        pytest.param(lambda d: {**d, "publicKeyMultibase": "z6Mkbad"}, id="bad public key"),
        pytest.param(
            lambda d: {**d, "secretKeyMultibase": d["secretKeyMultibase"][:-2]},
            id="truncated secret",
        ),
        pytest.param(
            lambda d: {**d, "id": "did:web:roc.example#key-1"}, id="id of another controller"
        ),
        pytest.param(
            lambda d: {
                **d,
                "encryptedPrivateKeyPem": "-----BEGIN PRIVATE KEY-----\n",
                "secretKeyMultibase": None,
            },
            id="both secrets, one null",
        ),
        pytest.param(lambda d: {**d, "secretKeyMultibase": None}, id="secret is null"),
        pytest.param(lambda d: " " * 70_000, id="too large"),
    ],
)
def test_malformed_key_file_reports_invalid_key_file(tmp_path: Path, mutate) -> None:
    path, document = _plain(tmp_path)
    _rewrite(path, mutate(document))
    assert _code(path) is ErrorCode.INVALID_KEY_FILE


def test_secret_of_another_key_reports_invalid_key_file_without_echoing_it(tmp_path: Path) -> None:
    path, document = _plain(tmp_path)
    other_secret = generate("ed25519").export_secret_key_multibase()
    _rewrite(path, {**document, "secretKeyMultibase": other_secret})
    with pytest.raises(SkillspasError) as info:
        load(path)
    assert info.value.code is ErrorCode.INVALID_KEY_FILE
    assert other_secret[1:] not in str(info.value)
    assert document["secretKeyMultibase"][1:] not in str(info.value)


def test_unencrypted_pem_is_not_accepted_as_encrypted(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    pair = generate("ed25519")
    path = tmp_path / "k.json"
    keyfile.save(pair, path, passphrase="p")
    document = json.loads(path.read_text())
    document["encryptedPrivateKeyPem"] = pair.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    _rewrite(path, document)
    assert _code(path, "p") is ErrorCode.INVALID_KEY_FILE


def test_read_public_needs_no_passphrase_and_shows_no_secret(tmp_path: Path) -> None:
    pair, secret = _vector_pair()
    path = tmp_path / "k.json"
    keyfile.save(pair, path, passphrase="p")
    info = keyfile.read_public(path)
    assert info == {
        "id": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
        "#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "controller": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "type": "Multikey",
        "algorithm": "Ed25519",
        "publicKeyMultibase": "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
    }
    assert secret not in json.dumps(info)


def test_loaded_signer_repr_shows_no_secret(tmp_path: Path) -> None:
    pair, secret = _vector_pair()
    path = tmp_path / "k.json"
    keyfile.save(pair, path)
    signer = load(path)
    for text in (repr(signer), str(signer), repr(signer.keypair), str(signer.keypair)):
        assert secret[1:] not in text
        assert "PRIVATE KEY" not in text


def test_a_missing_wrong_or_absent_passphrase_and_a_missing_key_file_are_told_apart_in_dutch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The code's Dutch sentence says the passphrase is wrong; when none was given, the Dutch line says that."""
    monkeypatch.delenv(keyfile.PASSPHRASE_ENV, raising=False)
    path = tmp_path / "k.json"
    keyfile.save(generate("ed25519"), path, passphrase="right")
    texts = {}
    for case, where, passphrase in (("none", path, None), ("wrong", path, "wrong"), ("absent", tmp_path / "absent.json", None)):
        with pytest.raises(SkillspasError) as info:
            load(where, passphrase)
        texts[case] = info.value.text("nl")
    assert "geen wachtwoord gegeven" in texts["none"] and keyfile.PASSPHRASE_ENV in texts["none"]
    assert "verkeerd wachtwoord" in texts["wrong"] and "k.json" in texts["wrong"]
    assert "absent.json" in texts["absent"]
