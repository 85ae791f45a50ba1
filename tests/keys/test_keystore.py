"""The keystore: scrypt-encrypted keys at rest (0600 in a 0700 folder), key history, rotation, revocation."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from skillspas.keys import LocalSigner, generate, load
from skillspas.keys import keyfile
from skillspas.keys.history import KeyHistory
from skillspas.keys.keyfile import Keystore, Pkcs11Token
from skillspas.schemas.errors import ErrorCode, SkillspasError

UTC = dt.timezone.utc
T0 = dt.datetime(2025, 1, 1, tzinfo=UTC)
DID = "did:web:roc.example"
PASS = "correct horse battery staple"
# DER of the scrypt OID 1.3.6.1.4.1.11591.4.11 (RFC 7914 section 7) and of N = 2^17.
SCRYPT_OID = bytes.fromhex("06092b06010401da47040b")
N_2_17 = bytes.fromhex("0203020000")


def _der(pem: str) -> bytes:
    import base64

    return base64.b64decode("".join(pem.strip().splitlines()[1:-1]))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_encrypted_key_file_uses_scrypt_and_round_trips(tmp_path):
    pair = generate("ed25519")
    keyfile.save(pair, tmp_path / "k.json", passphrase=PASS)
    pem = json.loads((tmp_path / "k.json").read_text())["encryptedPrivateKeyPem"]
    der = _der(pem)
    assert SCRYPT_OID in der and N_2_17 in der
    assert pair.export_secret_key_multibase()[1:] not in (tmp_path / "k.json").read_text()
    assert load(tmp_path / "k.json", PASS).public_key == pair.public_key
    # The same file is standard PKCS#8: cryptography reads it with the passphrase alone.
    key = serialization.load_pem_private_key(pem.encode(), PASS.encode())
    assert LocalSigner(type(pair)(key)).public_key == pair.public_key


def test_wrong_passphrase_is_a_clear_coded_error_without_the_passphrase(tmp_path):
    keyfile.save(generate("p256"), tmp_path / "k.json", passphrase=PASS)
    with pytest.raises(SkillspasError) as info:
        load(tmp_path / "k.json", "Tr0ub4dor&3")
    assert info.value.code is ErrorCode.WRONG_PASSPHRASE
    assert "Tr0ub4dor" not in str(info.value) and PASS not in str(info.value)


def test_legacy_pbkdf2_key_files_still_load(tmp_path):
    pair = generate("ed25519")
    pem = pair.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.BestAvailableEncryption(b"old")
    ).decode()
    path = tmp_path / "old.json"
    signer = LocalSigner(pair)
    path.write_text(json.dumps({
        "type": "Multikey", "id": signer.verification_method, "controller": signer.controller,
        "publicKeyMultibase": pair.public_key.multibase, "encryptedPrivateKeyPem": pem,
    }))
    assert load(path, "old").public_key == pair.public_key


@pytest.fixture
def store(tmp_path) -> Keystore:
    return Keystore.create(tmp_path / "ks", DID, passphrase=PASS, now=T0)


def test_new_keystore_is_private_and_holds_only_encrypted_keys(store):
    assert _mode(store.path) == 0o700
    key_file = store.path / "key-1.key.json"
    assert _mode(key_file) == 0o600
    assert "encryptedPrivateKeyPem" in json.loads(key_file.read_text())
    history = json.loads((store.path / "history.json").read_text())
    assert "Private" not in json.dumps(history) and "secret" not in json.dumps(history).lower()
    signer = store.signer(PASS)
    assert signer.verification_method == f"{DID}#key-1" and signer.controller == DID
    assert signer.public_key == store.history().current.public_key
    signer.public_key.verify(signer.sign(b"data"), b"data")
    # The keystore's signer only signs: no key pair, no secret export, nothing behind it.
    assert not hasattr(signer, "keypair") and not hasattr(signer, "__dict__")
    public = {name for name in dir(signer) if not name.startswith("_")}
    assert public == {"verification_method", "controller", "algorithm", "public_key", "sign"}


def test_keystore_keys_need_a_passphrase(tmp_path, monkeypatch):
    monkeypatch.delenv(keyfile.PASSPHRASE_ENV, raising=False)
    with pytest.raises(ValueError):
        Keystore.create(tmp_path / "ks", DID)
    with pytest.raises(FileExistsError):
        Keystore.create(Path(__file__).parent, DID, passphrase=PASS)


def test_keystore_repr_and_token_repr_show_no_secret(store):
    token = Pkcs11Token("/usr/lib/softhsm/libsofthsm2.so", "roc", "123456")
    assert "123456" not in repr(token) and PASS not in repr(store)
    assert "secret" not in repr(store.signer(PASS)).lower()


def test_rotation_makes_a_new_current_key_and_keeps_the_old_one_listed(store):
    record = store.rotate(passphrase=PASS, now=T0 + dt.timedelta(days=100))
    assert record.id == f"{DID}#key-2" and record.status == "current"
    history = store.history()
    assert [k.status for k in history.keys] == ["retired", "current"]
    assert history.keys[0].retired == T0 + dt.timedelta(days=100)
    document = store.did_document()
    assert [m["id"] for m in document["verificationMethod"]] == [f"{DID}#key-1", f"{DID}#key-2"]
    assert document["assertionMethod"] == [f"{DID}#key-2", f"{DID}#key-1"]
    assert store.signer(PASS).verification_method == f"{DID}#key-2"


def test_revocation_sets_the_compromise_date_in_the_did_document(store):
    store.rotate(passphrase=PASS, now=T0 + dt.timedelta(days=100))
    when = T0 + dt.timedelta(days=50)
    record = store.revoke("key-1", compromised_at=when, now=T0 + dt.timedelta(days=101))
    assert record.status == "revoked" and record.revoked == when
    method = store.did_document()["verificationMethod"][0]
    assert method["revoked"] == "2025-02-20T00:00:00Z"
    # Only an earlier date can replace a compromise date.
    store.revoke("key-1", compromised_at=when + dt.timedelta(days=10), now=T0 + dt.timedelta(days=102))
    assert store.history().get("key-1").revoked == when
    with pytest.raises(SkillspasError) as info:  # a refusal a person meets (keys revoke): coded, nl/en
        store.revoke("key-1", compromised_at=dt.datetime.now(UTC) + dt.timedelta(days=1))
    assert info.value.code is ErrorCode.INVALID_OPTION


def test_revoking_the_current_key_leaves_no_signer_until_a_rotation(store):
    store.revoke("key-1", compromised_at=T0 + dt.timedelta(days=1), now=T0 + dt.timedelta(days=2))
    with pytest.raises(SkillspasError) as info:
        store.signer(PASS)
    assert info.value.code is ErrorCode.KEY_NOT_FOUND
    store.rotate(passphrase=PASS, now=T0 + dt.timedelta(days=2))
    assert store.signer(PASS).verification_method == f"{DID}#key-2"


def test_unknown_key_and_missing_keystore_are_key_not_found(store, tmp_path):
    for action in (lambda: store.revoke("key-9", compromised_at=T0, now=T0), lambda: Keystore(tmp_path / "none").history()):
        with pytest.raises(SkillspasError) as info:
            action()
        assert info.value.code is ErrorCode.KEY_NOT_FOUND


def test_damaged_history_is_invalid_key_file(store):
    (store.path / "history.json").write_text('{"format": "skillspas-key-history/1", "id": "did:web:roc.example", "keys": [{"id": 1}]}')
    with pytest.raises(SkillspasError) as info:
        store.history()
    assert info.value.code is ErrorCode.INVALID_KEY_FILE


def test_history_refuses_a_key_file_outside_the_keystore(store):
    history = json.loads((store.path / "history.json").read_text())
    history["keys"][0]["location"] = "../elsewhere.key.json"
    (store.path / "history.json").write_text(json.dumps(history))
    with pytest.raises(SkillspasError) as info:
        store.signer(PASS)
    assert info.value.code is ErrorCode.INVALID_KEY_FILE


def test_history_round_trips_and_checks_its_invariants():
    pair, other = generate("ed25519"), generate("p256")
    history = KeyHistory.start(DID, pair.public_key, "key-1.key.json", now=T0)
    history = history.rotate(other.public_key, "pkcs11:token=roc;object=k2", now=T0 + dt.timedelta(days=1))
    assert KeyHistory.from_json(json.loads(json.dumps(history.to_json()))) == history
    with pytest.raises(SkillspasError) as reused:
        history.rotate(pair.public_key, "again", now=T0)  # a key is never reused
    assert reused.value.code is ErrorCode.KEY_EXISTS
    with pytest.raises(SkillspasError) as not_web:
        KeyHistory.start("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", pair.public_key, "x", now=T0)
    assert not_web.value.code is ErrorCode.INVALID_KEY_FILE


def test_a_keystore_for_a_did_web_whose_host_is_not_in_lowercase_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(SkillspasError) as refused:
        Keystore.create(tmp_path / "ks", "did:web:ROC.example", passphrase=PASS)
    assert refused.value.code is ErrorCode.INVALID_OPTION and not (tmp_path / "ks").exists()
    assert "'did:web:roc.example'" in refused.value.message and "kleine letters" in refused.value.text("nl")
